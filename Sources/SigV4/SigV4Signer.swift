import Crypto
import Foundation

/// Signs requests with AWS Signature Version 4 for one set of credentials, region and service.
///
/// Pure: no I/O, and the signing time is a parameter. One function per step of AWS's signing
/// document: `canonicalRequest(for:)`, `stringToSign(canonicalRequest:date:)`,
/// `signingKey(date:)` and `signature(stringToSign:signingKey:)`; `sign(_:date:)` runs them all.
/// Canonical URIs follow the rules for every service but S3 (normalized, double-encoded paths).
public struct SigV4Signer: Sendable {
    /// Where the session token of temporary credentials goes.
    public enum SecurityTokenPlacement: Sendable, Equatable {
        /// `X-Amz-Security-Token` is added before signing and is signed (what AWS services expect).
        case signed
        /// `X-Amz-Security-Token` is added after the signature is computed and is not signed.
        case addedAfterSigning
    }

    /// The signing algorithm named in the string to sign and the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    public let credentials: AWSCredentials
    /// The region, e.g. `us-east-1`.
    public let region: String
    /// The service's signing name, e.g. `states` or `monitoring`.
    public let service: String
    public let securityTokenPlacement: SecurityTokenPlacement

    /// A signer for `service` (its signing name) in `region`.
    public init(
        credentials: AWSCredentials, region: String, service: String,
        securityTokenPlacement: SecurityTokenPlacement = .signed
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.securityTokenPlacement = securityTokenPlacement
    }

    /// The headers to send for a request to `url`: `headers` with `X-Amz-Date`, `Authorization`
    /// and, for temporary credentials, `X-Amz-Security-Token` set. `Host` is signed but not
    /// added, as the HTTP client sends the same value derived from the URL.
    public func signedHeaders(
        method: String, url: URL, headers: [SigV4Request.Header], body: Data, date: Date
    ) -> [SigV4Request.Header] {
        sign(SigV4Request(method: method, url: url, headers: headers, body: body), date: date).headers
    }

    /// Signs `request` at `date`, keeping every intermediate string of the process.
    ///
    /// Any `X-Amz-Date`, `Authorization` (and `X-Amz-Security-Token` when the credentials have a
    /// token) already in `request.headers` are replaced; the first keeps its position.
    public func sign(_ request: SigV4Request, date: Date) -> SigV4SignedRequest {
        let amzDate = Self.amzDate(date)
        var headers = request.headers.filter { $0.name.lowercased() != "authorization" }
        headers.replaceOrAppend(SigV4Request.Header("X-Amz-Date", amzDate))
        let sessionToken = credentials.sessionToken
        if let sessionToken, securityTokenPlacement == .signed {
            headers.replaceOrAppend(SigV4Request.Header("X-Amz-Security-Token", sessionToken))
        } else if sessionToken != nil {
            headers.removeAll { $0.name.lowercased() == "x-amz-security-token" }
        }

        var requestToSign = request
        requestToSign.headers = headers
        let canonicalRequest = Self.canonicalRequest(for: requestToSign)
        let stringToSign = stringToSign(canonicalRequest: canonicalRequest.text, date: date)
        let signature = Self.signature(stringToSign: stringToSign, signingKey: signingKey(date: date))
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(credentialScope(date: date)), "
            + "SignedHeaders=\(canonicalRequest.signedHeaders), Signature=\(signature)"

        if let sessionToken, securityTokenPlacement == .addedAfterSigning {
            headers.append(SigV4Request.Header("X-Amz-Security-Token", sessionToken))
        }
        headers.append(SigV4Request.Header("Authorization", authorization))
        return SigV4SignedRequest(
            canonicalRequest: canonicalRequest.text,
            signedHeaderNames: canonicalRequest.signedHeaders,
            stringToSign: stringToSign,
            signature: signature,
            authorization: authorization,
            headers: headers
        )
    }

    /// `yyyyMMdd/region/service/aws4_request`, the scope the signing key is valid for.
    public func credentialScope(date: Date) -> String {
        "\(Self.dateStamp(date))/\(region)/\(service)/aws4_request"
    }

    /// The string to sign (task 2): algorithm, time, credential scope and the hex SHA-256 of
    /// the canonical request, one per line.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            Self.algorithm,
            Self.amzDate(date),
            credentialScope(date: date),
            Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    /// The signing key (task 3): HMAC-SHA256 chained over date, region, service and
    /// `aws4_request`, starting from `AWS4` + the secret access key.
    public func signingKey(date: Date) -> SymmetricKey {
        let seed = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        return [Self.dateStamp(date), region, service, "aws4_request"].reduce(seed) { key, part in
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
    }

    /// The signature (task 4): lowercase hex HMAC-SHA256 of the string to sign.
    public static func signature(stringToSign: String, signingKey: SymmetricKey) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey))
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, the `X-Amz-Date` format.
    public static func amzDate(_ date: Date) -> String {
        let parts = utcComponents(date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ",
            parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0
        )
    }

    /// `yyyyMMdd` in UTC, the date of the credential scope.
    public static func dateStamp(_ date: Date) -> String {
        String(amzDate(date).prefix(8))
    }

    private static func utcComponents(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }
}

/// The outcome of signing one request: the headers to send and each intermediate string.
///
/// Its `description` leaves out the canonical request, which can hold a session token.
public struct SigV4SignedRequest: Sendable, Equatable, CustomStringConvertible {
    /// The canonical request text (task 1).
    public let canonicalRequest: String
    /// The signed header names, e.g. `host;x-amz-date`.
    public let signedHeaderNames: String
    /// The string to sign (task 2).
    public let stringToSign: String
    /// The hex signature (task 4).
    public let signature: String
    /// The `Authorization` header value.
    public let authorization: String
    /// The request's headers with `X-Amz-Date`, `Authorization` and any security token set.
    public let headers: [SigV4Request.Header]

    public var description: String {
        "SigV4SignedRequest(signedHeaders: \(signedHeaderNames), signature: \(signature), headers: \(headers))"
    }
}

extension [SigV4Request.Header] {
    /// Replaces the first header named like `header` (case-insensitively) and drops the others;
    /// appends `header` when there is none.
    fileprivate mutating func replaceOrAppend(_ header: SigV4Request.Header) {
        let name = header.name.lowercased()
        guard let first = firstIndex(where: { $0.name.lowercased() == name }) else {
            append(header)
            return
        }
        self[first].value = header.value
        self = enumerated().filter { $0.offset == first || $0.element.name.lowercased() != name }.map(\.element)
    }
}
