import BatchwatchCheck
import BatchwatchConfig
import Foundation

/// One place a digest goes: how it is rendered for it and how it is sent there.
enum DeliveryTarget: Sendable {
    case slack(SlackPoster)
    case sns(SNSPublisher)

    /// `slack` or `sns`: the name in `delivery`, the state file and the spool.
    var name: String {
        switch self {
        case .slack: "slack"
        case .sns: "sns"
        }
    }

    /// The target as logs show it, secrets masked.
    var logName: String {
        switch self {
        case .slack(let poster): poster.name
        case .sns(let publisher): publisher.name
        }
    }

    /// The payload of `report` for this target, built once: Slack's message carries the channel
    /// of a bot token; SNS's the Subject and Message of the topic's format.
    func payload(for report: CheckReport) -> DeliveryPayload {
        switch self {
        case .slack(let poster): .slack(report, channel: poster.target.channel)
        case .sns(let publisher): .sns(report, format: publisher.target.format)
        }
    }

    /// Sends `payload`, with the retries of the target's kind. A Slack payload that is not a
    /// Slack message is not sent: `.unreadable`.
    func send(_ payload: DeliveryPayload) async -> Result<Void, DeliveryFailure> {
        switch self {
        case .slack(let poster):
            guard (try? JSONDecoder().decode(SlackMessage.self, from: Data(payload.body.utf8))) != nil else {
                return .failure(DeliveryFailure(kind: .unreadable, reason: "the payload is not a Slack message"))
            }
            return await poster.post(Data(payload.body.utf8))
        case .sns(let publisher):
            return await publisher.publish(SNSMessage(subject: payload.subject, message: payload.body))
        }
    }

    /// Whether `failure` says this payload can never be delivered, so a spooled copy is set aside
    /// instead of holding back every later digest: a payload that cannot be read, one the
    /// receiver calls malformed, and any HTTP 400 from Slack (Slack answers 400 only about the
    /// message; a bad URL, token or channel is a 403, 404 or 410, or `ok:false`).
    func refusesPayload(_ failure: DeliveryFailure) -> Bool {
        if failure.rejectsPayload { return true }
        guard case .slack = self else { return false }
        return failure.kind == .rejected && failure.status == 400
    }
}

extension DeliveryPayload {
    /// `report` as the Slack message posted to `channel` (a bot token's; `nil` for a webhook).
    static func slack(_ report: CheckReport, channel: String?) -> DeliveryPayload {
        let message = SlackDigest(report: report, channel: channel).message()
        return DeliveryPayload(subject: nil, body: String(decoding: message.json(), as: UTF8.self))
    }

    /// `report` as the SNS Subject and Message of `format`.
    static func sns(_ report: CheckReport, format: SNSTarget.Format) -> DeliveryPayload {
        let message = SNSDigest(report: report, format: format).message()
        return DeliveryPayload(subject: message.subject, body: message.message)
    }

    /// What `--dry-run` prints: the body, after `Subject: …` and an empty line when there is a Subject.
    var printed: String {
        guard let subject else { return body }
        return "Subject: \(subject)\n\n\(body)"
    }
}

extension SlackTarget {
    /// The channel `chat.postMessage` posts to; `nil` for a webhook, which posts to its own.
    var channel: String? {
        guard case .bot(_, let channel) = self else { return nil }
        return channel
    }
}
