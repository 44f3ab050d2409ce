import Foundation

/// Sends one HTTP request and returns its response, with no retries of its own.
///
/// Transport failures are thrown as `URLError` (a timeout as `URLError(.timedOut)`);
/// an HTTP error status is a response, not an error.
public protocol HTTPTransport: Sendable {
    /// Sends `request`, giving up after `timeout` seconds for the whole exchange.
    func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse
}
