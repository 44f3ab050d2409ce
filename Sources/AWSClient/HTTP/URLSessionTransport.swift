import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The `HTTPTransport` of the process: one long-lived ephemeral `URLSession` with no cookies and no cache.
///
/// Use `URLSessionTransport.shared`; creating sessions per request is fragile on Linux.
///
/// Every request is bounded three ways:
/// - an idle timeout (libcurl's: no byte for `timeout` seconds), set on the request itself,
///   since the session's `timeoutIntervalForRequest` is the same for every use;
/// - a whole-transfer deadline of our own: `timeout` seconds after the request starts, the
///   caller gets `URLError(.timedOut)` however the answer trickles (FoundationNetworking on
///   Linux does not enforce `timeoutIntervalForResource`);
/// - a size cap: an answer whose `Content-Length`, or whose bytes as they arrive, pass
///   `maxResponseBytes` fails with `URLError(.dataLengthExceedsMaximum)`.
///
/// Redirects are never followed: a 3xx is returned to the caller as it is, so a body or a
/// signature never goes to another host.
public final class URLSessionTransport: HTTPTransport {
    /// The one transport for the whole process.
    public static let shared = URLSessionTransport()

    /// The largest answer accepted: 16 MiB, far above any AWS page or Slack answer.
    public static let defaultMaxResponseBytes = 16 * 1024 * 1024

    /// The largest answer accepted, in bytes.
    public let maxResponseBytes: Int
    private let session: URLSession
    private let transfers: Transfers

    /// A transport with its own session. Only `shared` and tests create one.
    package init(maxResponseBytes: Int = URLSessionTransport.defaultMaxResponseBytes) {
        self.maxResponseBytes = maxResponseBytes
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        // Backstops only: each request sets its own idle timeout and keeps its own deadline.
        configuration.timeoutIntervalForRequest = Self.sessionIdleTimeout
        configuration.timeoutIntervalForResource = Self.sessionResourceTimeout
        let transfers = Transfers(maxResponseBytes: maxResponseBytes)
        self.transfers = transfers
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "batchwatch.http.delegate"
        session = URLSession(configuration: configuration, delegate: transfers, delegateQueue: queue)
    }

    /// The session's idle timeout, for a request that does not set its own (none does).
    static let sessionIdleTimeout: TimeInterval = 20
    /// The session's whole-transfer limit (not enforced by FoundationNetworking on Linux).
    static let sessionResourceTimeout: TimeInterval = 60

    /// Sends `request` through the shared session. A POST or PUT without a `Content-Type`
    /// gets `application/octet-stream`, so that libcurl does not add a form type of its own.
    public func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData)
        // Set through the property: FoundationNetworking ignores the initializer's timeout and
        // would wait the session's. It counts whole seconds, so never less than one.
        urlRequest.timeoutInterval = max(1, timeout.rounded(.up))
        urlRequest.httpMethod = request.method
        for field in request.headers {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        if ["POST", "PUT", "PATCH"].contains(request.method.uppercased()), !request.headers.contains("Content-Type") {
            urlRequest.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        if !request.body.isEmpty || request.method.uppercased() != "GET" {
            urlRequest.httpBody = request.body
        }
        let (data, http) = try await perform(urlRequest, deadline: max(timeout, 0.001))
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            headers.add(name: "\(name)", value: "\(value)")
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// Runs one request until it completes, fails, passes the size cap, or `deadline` seconds
    /// pass; then the caller is resumed at once and the libcurl transfer is cancelled apart.
    private func perform(_ request: URLRequest, deadline: TimeInterval) async throws -> (Data, HTTPURLResponse) {
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfers.start(task, continuation: continuation, deadline: deadline)
            }
        } onCancel: {
            // Only schedules: cancelling a URLSession task from a cancellation handler can
            // deadlock on Linux (swift-corelibs-foundation#5412).
            transfers.abortLater(task, with: URLError(.cancelled))
        }
    }
}

/// The transfers in flight, and the session's delegate that feeds them.
///
/// A transfer ends exactly once: by its completion, its deadline, the size cap or the caller's
/// cancellation, whichever comes first. Ending it early resumes the caller first, then cancels
/// the URLSession task on `control`, a queue of our own that holds no lock while it does.
private final class Transfers: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Transfer {
        var continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>
        var data = Data()
        var response: HTTPURLResponse?
    }

    private let maxResponseBytes: Int
    private let lock = NSLock()
    private var inFlight: [Int: Transfer] = [:]
    private let control = DispatchQueue(label: "batchwatch.http.control")

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    func start(
        _ task: URLSessionDataTask, continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>,
        deadline: TimeInterval
    ) {
        lock.withLock { inFlight[task.taskIdentifier] = Transfer(continuation: continuation) }
        control.asyncAfter(deadline: .now() + deadline) { [weak self] in
            self?.abort(task, with: URLError(.timedOut))
        }
        task.resume()
    }

    /// Ends `task` with `error` soon, from `control`.
    func abortLater(_ task: URLSessionTask, with error: URLError) {
        control.async { [weak self] in self?.abort(task, with: error) }
    }

    /// Ends `task` with `error` if it is still in flight, and cancels the transfer apart.
    private func abort(_ task: URLSessionTask, with error: URLError) {
        guard let transfer = remove(task) else { return }
        transfer.continuation.resume(throwing: error)
        control.async { task.cancel() }
    }

    private func remove(_ task: URLSessionTask) -> Transfer? {
        lock.withLock { inFlight.removeValue(forKey: task.taskIdentifier) }
    }

    /// Redirects are never followed: the 3xx itself is the answer.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @Sendable @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @Sendable @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let tooLarge = response.expectedContentLength > Int64(maxResponseBytes)
        lock.withLock { inFlight[dataTask.taskIdentifier]?.response = response as? HTTPURLResponse }
        completionHandler(.allow)
        if tooLarge { abort(dataTask, with: URLError(.dataLengthExceedsMaximum)) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overCap: Bool = lock.withLock {
            guard var transfer = inFlight[dataTask.taskIdentifier] else { return false }
            guard transfer.data.count + data.count <= maxResponseBytes else { return true }
            transfer.data.append(data)
            inFlight[dataTask.taskIdentifier] = transfer
            return false
        }
        if overCap { abort(dataTask, with: URLError(.dataLengthExceedsMaximum)) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let transfer = remove(task) else { return }
        if let error {
            transfer.continuation.resume(throwing: error)
        } else if let http = transfer.response ?? task.response as? HTTPURLResponse {
            transfer.continuation.resume(returning: (transfer.data, http))
        } else {
            transfer.continuation.resume(throwing: URLError(.badServerResponse))
        }
    }
}
