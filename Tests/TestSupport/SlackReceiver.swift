import Foundation

/// A stand-in for Slack on a loopback port: an incoming webhook at `webhookURL` and the Web API's
/// `chat.postMessage` under `apiBaseURL`. Records every post and answers from a script.
final class SlackReceiver: @unchecked Sendable {
    /// How the receiver answers one post.
    enum Answer: Sendable, Equatable {
        /// Accepted: `ok` for a webhook, `{"ok":true,…}` for chat.postMessage.
        case accept
        /// HTTP 429 with `Retry-After: seconds`.
        case rateLimited(retryAfter: Int)
        /// HTTP 500.
        case serverError
        /// An HTTP error status with Slack's reason as the body (`400 invalid_payload`, `404 no_service`).
        case rejected(status: Int, reason: String)
        /// HTTP 200 with `{"ok":false,"error":reason}` (chat.postMessage).
        case apiError(String)
        /// Accepted, after `seconds` (the receiver answers one post at a time, so later posts wait too).
        case slow(seconds: Double)
    }

    /// One post as received.
    struct Post: Sendable {
        var path: String
        var authorization: String?
        var contentType: String?
        var body: Data

        /// The body as a JSON object.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
        }
    }

    private let server: LoopbackServer
    private let state: Script

    /// Starts a receiver answering with `script` in order, then with `then` for every later post.
    init(script: [Answer] = [], then last: Answer = .accept) throws {
        let state = Script(answers: script, last: last)
        self.state = state
        server = try LoopbackServer { request in
            Self.response(to: state.next(), api: request.path.hasSuffix("/chat.postMessage"))
        }
    }

    /// A webhook URL on this receiver; its path looks like a real one, secret part included.
    func webhookURL(secretPath: String = "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX") -> String {
        server.baseURL.appendingPathComponent("services/\(secretPath)").absoluteString
    }

    /// The Web API base (`…/api/`), for `chat.postMessage`.
    var apiBaseURL: URL { server.baseURL.appendingPathComponent("api/") }

    /// Every post received so far, in order.
    var posts: [Post] {
        server.requests.map { request in
            Post(
                path: request.path, authorization: request.header("Authorization"),
                contentType: request.header("Content-Type"), body: request.body)
        }
    }

    /// The first post, once it has arrived (polling every 20 ms); `nil` if none came within `limit`.
    func firstPost(within limit: Duration) async throws -> Post? {
        let deadline = ContinuousClock.now + limit
        while posts.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return posts.first
    }

    /// Stops listening.
    func stop() {
        server.stop()
    }

    private static func response(to answer: Answer, api: Bool) -> LoopbackServer.Response {
        if case .slow(let seconds) = answer {
            Thread.sleep(forTimeInterval: seconds)
        }
        return switch answer {
        case .accept, .slow:
            api
                ? .text(#"{"ok":true,"channel":"C0123","ts":"1763600000.000100"}"#, contentType: "application/json")
                : .text("ok")
        case .rateLimited(let seconds):
            LoopbackServer.Response(
                status: 429, headers: [("Retry-After", "\(seconds)"), ("Content-Type", "text/plain")],
                body: Data("rate_limited".utf8))
        case .serverError:
            .text("internal_error", status: 500)
        case .rejected(let status, let reason):
            .text(reason, status: status)
        case .apiError(let error):
            .text(#"{"ok":false,"error":"\#(error)"}"#, contentType: "application/json")
        }
    }

    /// The answers still to give, shared with the server's thread.
    private final class Script: @unchecked Sendable {
        private let lock = NSLock()
        private var answers: [Answer]
        private let last: Answer

        init(answers: [Answer], last: Answer) {
            self.answers = answers
            self.last = last
        }

        func next() -> Answer {
            lock.lock()
            defer { lock.unlock() }
            return answers.isEmpty ? last : answers.removeFirst()
        }
    }
}
