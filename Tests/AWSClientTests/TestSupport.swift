import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import AWSClient

/// A transport that records requests and answers from a script, without any network.
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest, Int) throws -> HTTPResponse
    private let lock = NSLock()
    private var recorded: [(request: HTTPRequest, timeout: TimeInterval)] = []
    private let handler: Handler

    /// Answers request number `n` (0-based) with `handler(request, n)`.
    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// Answers with `script` in order; the last entry repeats.
    convenience init(script: [Result<HTTPResponse, URLError>]) {
        self.init { _, index in try script[min(index, script.count - 1)].get() }
    }

    func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse {
        let index: Int = lock.withLock {
            recorded.append((request, timeout))
            return recorded.count - 1
        }
        return try handler(request, index)
    }

    var requests: [HTTPRequest] { lock.withLock { recorded.map(\.request) } }
    var timeouts: [TimeInterval] { lock.withLock { recorded.map(\.timeout) } }
}

/// A clock that starts at a fixed instant and moves only when slept on or advanced.
final class FakeClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var recordedSleeps: [Double] = []

    init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {  // 2026-01-01T00:00:00Z
        current = start
    }

    func now() -> Date { lock.withLock { current } }

    func sleep(seconds: Double) async throws {
        lock.withLock {
            recordedSleeps.append(seconds)
            current = current.addingTimeInterval(seconds)
        }
    }

    func advance(by seconds: Double) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    var sleeps: [Double] { lock.withLock { recordedSleeps } }
}

let testCredentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

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
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/x-amz-json-1.0")] + headers), body: Data(body.utf8))
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

/// The form fields of a Query request body.
func formFields(_ body: Data) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
        fields[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    return fields
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
