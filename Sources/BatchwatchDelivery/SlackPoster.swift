import AWSClient
import BatchwatchConfig
import Foundation

/// Posts a Slack message body to an incoming webhook or through `chat.postMessage`.
struct SlackPoster: Sendable {
    /// The Web API base of `chat.postMessage`.
    static let defaultAPIBaseURL = URL(string: "https://slack.com/api/")!

    let target: SlackTarget
    let apiBaseURL: URL
    let sender: RetryingSender

    /// The target as logs show it, with the webhook URL or token masked.
    var name: String {
        switch target {
        case .webhook(let url): "slack webhook \(url)"
        case .bot(_, let channel): "slack chat.postMessage to \(channel)"
        }
    }

    /// Posts `body`, a `SlackMessage` as JSON built for this target (`DeliveryPayload.slack`), as it is.
    func post(_ body: Data) async -> Result<Void, DeliveryFailure> {
        switch target {
        case .webhook(let secret):
            guard let url = URL(string: secret.revealed), url.scheme != nil, url.host != nil else {
                return .failure(DeliveryFailure(kind: .notSent, reason: "webhook_url is not a URL"))
            }
            return await sender.send(request(url, body), to: name).map { _ in () }
        case .bot(let token, _):
            var request = request(apiBaseURL.appendingPathComponent("chat.postMessage"), body)
            request.headers.add(name: "Authorization", value: "Bearer \(token.revealed)")
            return await sender.send(request, to: name, judge: Self.judgeWebAPI).map { _ in () }
        }
    }

    private func request(_ url: URL, _ body: Data) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json; charset=utf-8"], body: body)
    }

    /// The Web API answers HTTP 200 with `{"ok":false,"error":…}` for most failures: those are
    /// rejections, except the few that are Slack's own trouble.
    @Sendable static func judgeWebAPI(_ response: HTTPResponse) -> AnswerVerdict {
        let byStatus = RetryingSender.judgeByStatus(response)
        guard byStatus == .accepted else { return byStatus }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let ok = object["ok"] as? Bool
        else {
            return .rejected(reason: "unreadable chat.postMessage answer")
        }
        if ok { return .accepted }
        let error = RetryingSender.reason(in: response) ?? "ok:false"
        if transientErrors.contains(error) {
            return .retry(reason: error)
        }
        return .rejected(reason: error)
    }

    /// `ok:false` errors that are worth another attempt.
    static let transientErrors: Set<String> = [
        "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    ]
}
