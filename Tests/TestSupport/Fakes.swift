import AWSClient
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A clock that starts at a fixed instant and moves only when slept on or advanced,
/// recording every wait. Shared by the test targets.
final class FakeClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var recordedSleeps: [Double] = []

    /// A clock showing `start` (by default 2026-01-01T00:00:00Z).
    init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = start
    }

    func now() -> Date { lock.withLock { current } }

    func sleep(seconds: Double) async throws {
        lock.withLock {
            recordedSleeps.append(seconds)
            current = current.addingTimeInterval(seconds)
        }
    }

    /// Moves the clock forward without recording a sleep.
    func advance(by seconds: Double) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    /// Every `sleep(seconds:)` so far, in order.
    var sleeps: [Double] { lock.withLock { recordedSleeps } }
}

/// A transport that records requests and answers from a handler or a script, without any network.
/// Shared by the test targets.
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

    /// Every request sent so far, in order.
    var requests: [HTTPRequest] { lock.withLock { recorded.map(\.request) } }
    /// The timeout each request was sent with, in order.
    var timeouts: [TimeInterval] { lock.withLock { recorded.map(\.timeout) } }
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
