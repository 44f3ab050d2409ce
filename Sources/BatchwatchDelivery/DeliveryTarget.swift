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

    /// The payload of `report` for this target.
    func payload(for report: CheckReport) -> DeliveryPayload {
        switch self {
        case .slack(let poster):
            var message = SlackDigest(report: report).message()
            if case .bot(_, let channel) = poster.target { message.channel = channel }
            return DeliveryPayload(subject: nil, body: String(decoding: message.json(), as: UTF8.self))
        case .sns(let publisher):
            let message = SNSDigest(report: report, format: publisher.target.format).message()
            return DeliveryPayload(subject: message.subject, body: message.message)
        }
    }

    /// Sends `payload`, with the retries of the target's kind.
    func send(_ payload: DeliveryPayload) async -> Result<Void, DeliveryFailure> {
        switch self {
        case .slack(let poster):
            await poster.post(Data(payload.body.utf8))
        case .sns(let publisher):
            await publisher.publish(SNSMessage(subject: payload.subject, message: payload.body))
        }
    }
}
