import Foundation
import SigV4
import Testing

@Suite("SigV4Signer")
struct SigV4SignerTests {
    let date = AWSTestSuite.date
    let signer = SigV4Signer(credentials: AWSTestSuite.credentials, region: "us-east-1", service: "service")

    private func url(_ text: String) throws -> URL {
        try #require(URL(string: text))
    }

    @Test("user-agent, content-length, accept-encoding and hop-by-hop headers are sent but never signed")
    func transportHeadersAreNotSigned() throws {
        let transportHeaders = [
            SigV4Request.Header("User-Agent", "batchwatch/1.0"),
            SigV4Request.Header("Content-Length", "2"),
            SigV4Request.Header("Accept-Encoding", "gzip"),
            SigV4Request.Header("Connection", "keep-alive"),
            SigV4Request.Header("Expect", "100-continue"),
            SigV4Request.Header("Transfer-Encoding", "chunked"),
        ]
        let contentType = SigV4Request.Header("Content-Type", "application/x-amz-json-1.0")
        let target = try url("https://states.us-east-1.amazonaws.com/")
        let body = Data("{}".utf8)

        let withTransport = signer.sign(
            SigV4Request(method: "POST", url: target, headers: [contentType] + transportHeaders, body: body), date: date
        )
        let without = signer.sign(
            SigV4Request(method: "POST", url: target, headers: [contentType], body: body), date: date)

        #expect(withTransport.signedHeaderNames == "content-type;host;x-amz-date")
        #expect(withTransport.signature == without.signature)
        for header in transportHeaders {
            #expect(withTransport.headers.contains(header), "\(header.name) must still be sent")
            #expect(!withTransport.canonicalRequest.lowercased().contains(header.name.lowercased() + ":"))
        }
    }

    @Test(
        "host is signed from the URL, with the port only when it is not the default",
        arguments: [
            ("http://127.0.0.1:5000/", "127.0.0.1:5000"),
            ("http://127.0.0.1:80/", "127.0.0.1"),
            ("https://example.amazonaws.com:443/", "example.amazonaws.com"),
            ("https://example.amazonaws.com:8443/", "example.amazonaws.com:8443"),
            ("http://example.amazonaws.com:443/", "example.amazonaws.com:443"),
            ("https://example.amazonaws.com", "example.amazonaws.com"),
        ]
    )
    func hostFromURL(urlText: String, host: String) throws {
        let signed = signer.sign(SigV4Request(method: "GET", url: try url(urlText)), date: date)
        #expect(signed.canonicalRequest.contains("\nhost:\(host)\n"))
        #expect(signed.signedHeaderNames == "host;x-amz-date")
        #expect(!signed.headers.contains { $0.name.lowercased() == "host" }, "the HTTP client sends Host itself")
    }

    @Test("a Host header given by the caller wins over the URL")
    func explicitHostHeader() throws {
        let signed = signer.sign(
            SigV4Request(
                method: "GET", url: try url("http://127.0.0.1:5000/"),
                headers: [SigV4Request.Header("Host", "example.amazonaws.com")]),
            date: date)
        #expect(signed.canonicalRequest.contains("\nhost:example.amazonaws.com\n"))
        #expect(!signed.canonicalRequest.contains("127.0.0.1"))
    }

    @Test("temporary credentials: the token is signed by default, and can be added after signing")
    func sessionTokenSignature() throws {
        let target = try url("https://example.amazonaws.com/")
        let scope = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
        let token = AWSTestSuite.sessionToken

        let signedWithToken = SigV4Signer(
            credentials: AWSTestSuite.temporaryCredentials, region: "us-east-1", service: "service"
        ).signedHeaders(method: "POST", url: target, headers: [], body: Data(), date: date)
        #expect(
            signedWithToken == [
                SigV4Request.Header("X-Amz-Date", "20150830T123600Z"),
                SigV4Request.Header("X-Amz-Security-Token", token),
                SigV4Request.Header(
                    "Authorization",
                    "AWS4-HMAC-SHA256 \(scope), SignedHeaders=host;x-amz-date;x-amz-security-token, "
                        + "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
            ])

        let tokenAfter = SigV4Signer(
            credentials: AWSTestSuite.temporaryCredentials, region: "us-east-1", service: "service",
            securityTokenPlacement: .addedAfterSigning
        ).signedHeaders(method: "POST", url: target, headers: [], body: Data(), date: date)
        #expect(
            tokenAfter == [
                SigV4Request.Header("X-Amz-Date", "20150830T123600Z"),
                SigV4Request.Header("X-Amz-Security-Token", token),
                SigV4Request.Header(
                    "Authorization",
                    "AWS4-HMAC-SHA256 \(scope), SignedHeaders=host;x-amz-date, "
                        + "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
            ])
    }

    @Test("without a session token no X-Amz-Security-Token is added")
    func noTokenForLongLivedKeys() throws {
        let headers = signer.signedHeaders(
            method: "GET", url: try url("https://example.amazonaws.com/"), headers: [], body: Data(), date: date)
        #expect(headers.map(\.name) == ["X-Amz-Date", "Authorization"])
    }

    @Test("an old X-Amz-Date, Authorization and token are replaced, not repeated")
    func resigningReplacesHeaders() throws {
        let temporary = SigV4Signer(
            credentials: AWSTestSuite.temporaryCredentials, region: "us-east-1", service: "service")
        let stale = [
            SigV4Request.Header("x-amz-date", "20000101T000000Z"),
            SigV4Request.Header("Content-Type", "application/json"),
            SigV4Request.Header("Authorization", "AWS4-HMAC-SHA256 stale"),
            SigV4Request.Header("X-Amz-Security-Token", "old-token"),
        ]
        let target = try url("https://example.amazonaws.com/")
        let resigned = temporary.sign(SigV4Request(method: "POST", url: target, headers: stale), date: date)
        let fresh = temporary.sign(
            SigV4Request(
                method: "POST", url: target, headers: [SigV4Request.Header("Content-Type", "application/json")]),
            date: date)

        #expect(resigned.signature == fresh.signature)
        #expect(
            resigned.headers.map(\.name) == ["x-amz-date", "Content-Type", "X-Amz-Security-Token", "Authorization"])
        #expect(resigned.headers[0].value == "20150830T123600Z")
        #expect(resigned.headers[2].value == AWSTestSuite.sessionToken)
    }

    @Test("signing key derivation matches AWS's documented example")
    func signingKey() {
        // docs.aws.amazon.com, "Examples of how to derive a signing key": 20150830/us-east-1/iam.
        let iam = SigV4Signer(credentials: AWSTestSuite.credentials, region: "us-east-1", service: "iam")
        let key = iam.signingKey(date: date).withUnsafeBytes { Array($0) }
        #expect(
            key.map { String(format: "%02x", $0) }.joined()
                == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        #expect(iam.credentialScope(date: date) == "20150830/us-east-1/iam/aws4_request")
    }

    @Test(
        "canonical URI: normalized, and each wire segment encoded again (non-S3)",
        arguments: [
            ("/", "/"),
            ("", "/"),
            ("/a/b/../c/./d", "/a/c/d"),
            ("/a/b/..", "/a/"),
            ("//a//b//", "/a/b/"),
            ("/../..", "/"),
            ("/functions/my%3Afunc/invocations", "/functions/my%253Afunc/invocations"),
            ("/a%20b", "/a%2520b"),
            ("/a b", "/a%20b"),
        ]
    )
    func canonicalURI(path: String, expected: String) {
        #expect(SigV4Signer.canonicalURI(path: path) == expected)
    }

    @Test("a URL's path is taken as sent, percent-encoded")
    func pathFromURL() throws {
        let request = SigV4Request(method: "GET", url: try url("https://example.amazonaws.com/a%20b/c?x=1%202"))
        #expect(request.path == "/a%20b/c")
        #expect(request.query == "x=1%202")
        #expect(SigV4Request(method: "GET", url: try url("https://example.amazonaws.com")).path == "/")
    }

    @Test(
        "canonical query string: decoded, RFC 3986 encoded, sorted by name then value",
        arguments: [
            (nil, ""),
            ("", ""),
            ("b=2&a=1", "a=1&b=2"),
            ("a=2&a=1&A=3", "A=3&a=1&a=2"),
            ("flag&x=", "flag=&x="),
            ("k=a%20b&k2=%7E*+", "k=a%20b&k2=~%2A%2B"),
            ("Action=ListExecutions&Version=2016-11-23", "Action=ListExecutions&Version=2016-11-23"),
        ] as [(String?, String)]
    )
    func canonicalQuery(query: String?, expected: String) {
        #expect(SigV4Signer.canonicalQueryString(query: query) == expected)
    }

    @Test("header values: trimmed, inner spaces collapsed, folded lines joined with commas")
    func headerValues() {
        #expect(SigV4Signer.canonicalHeaderValue("  a   b\tc  ") == "a b c")
        #expect(SigV4Signer.canonicalHeaderValue("value1\n  value2\n     value3") == "value1,value2,value3")
        let headers = SigV4Signer.canonicalHeaders(
            [SigV4Request.Header("X-B", "2"), SigV4Request.Header("x-a", "1"), SigV4Request.Header("X-B", " 3 ")],
            authority: "h")
        #expect(
            headers == [
                SigV4Request.Header("host", "h"), SigV4Request.Header("x-a", "1"), SigV4Request.Header("x-b", "2,3"),
            ])
    }

    @Test("the payload hash is the SHA-256 of the body")
    func payloadHash() {
        #expect(SigV4Signer.payloadHash(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SigV4Signer.payloadHash(Data("Param1=value1".utf8))
                == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
    }

    @Test("X-Amz-Date is UTC in yyyyMMdd'T'HHmmss'Z'")
    func dateFormat() {
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 1_704_067_199.9)) == "20231231T235959Z")
        #expect(SigV4Signer.dateStamp(date) == "20150830")
    }

    @Test("descriptions never show the secret key or the session token")
    func secretsAreMasked() throws {
        let credentials = AWSTestSuite.temporaryCredentials
        #expect(credentials.description.contains("AKIDEXAMPLE"))
        #expect(!credentials.description.contains(credentials.secretAccessKey))
        #expect(!credentials.description.contains(AWSTestSuite.sessionToken))

        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let signed = signer.sign(
            SigV4Request(method: "GET", url: try url("https://example.amazonaws.com/")), date: date)
        for text in [String(describing: signed), String(describing: signed.headers), String(describing: signer)] {
            #expect(!text.contains(credentials.secretAccessKey))
            #expect(!text.contains(AWSTestSuite.sessionToken))
        }
        #expect(String(describing: signed).contains(signed.signature))
    }
}
