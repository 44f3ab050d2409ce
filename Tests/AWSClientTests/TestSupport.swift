import Foundation
import Logging

@testable import AWSClient
@testable import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let testCredentials = AWSCredentials(
    accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

/// A client over `transport` and `clock` with fixed test credentials and endpoints.
func makeClient(
    transport: any HTTPTransport, clock: FakeClock = FakeClock(), retryPolicy: RetryPolicy = .standard,
    deadline: Date? = nil, credentials: AWSCredentials? = testCredentials, random: Double = 1,
    environment: [String: String] = [:]
) -> AWSClient {
    AWSClient(
        region: "us-east-1", credentialProvider: credentials.map(StaticCredentialProvider.init),
        transport: transport, endpoints: EndpointResolver(environment: environment), clock: clock,
        retryPolicy: retryPolicy, deadline: deadline, logger: quietLogger, random: { random })
}

/// A logger that drops everything, so test output stays readable.
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A JSON response.
func jsonResponse(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
    HTTPResponse(
        status: status, headers: HTTPHeaders([("Content-Type", "application/x-amz-json-1.0")] + headers),
        body: Data(body.utf8))
}

/// An XML response.
func xmlResponse(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "text/xml")] + headers), body: Data(body.utf8))
}

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("awsclient-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// An STS AssumeRole(-WithWebIdentity) answer with the given keys.
func stsResponse(action: String, accessKey: String, secret: String, token: String, expiration: String) -> HTTPResponse {
    xmlResponse(
        200,
        """
        <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <\(action)Result>
            <Credentials>
              <AccessKeyId>\(accessKey)</AccessKeyId>
              <SecretAccessKey>\(secret)</SecretAccessKey>
              <SessionToken>\(token)</SessionToken>
              <Expiration>\(expiration)</Expiration>
            </Credentials>
          </\(action)Result>
          <ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata>
        </\(action)Response>
        """)
}

/// The access key id named in a SigV4 `Authorization` header.
func signingKeyId(_ request: HTTPRequest) -> String? {
    guard let authorization = request.headers["Authorization"],
        let range = authorization.range(of: "Credential=")
    else { return nil }
    return String(authorization[range.upperBound...].prefix { $0 != "/" })
}
