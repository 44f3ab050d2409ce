import BatchwatchCheck
import BatchwatchConfig
import Foundation

/// The payload formats `--format` can print.
public enum PayloadFormat: String, Sendable, CaseIterable {
    /// The Slack message JSON (Block Kit), as posted.
    case slack
    /// The SNS message: `Subject: …`, a blank line and the text digest; or the Chatbot JSON.
    case sns
}

extension Deliverer {
    /// Exactly what would be posted for `report` in `format`, without posting or recording anything
    /// (`--dry-run`, and `--format slack|sns`). It is rendered whatever `notify.when` says; use
    /// `isDue(_:when:)` to know whether it would be posted at all.
    ///
    /// Slack: the message JSON, with the channel for a bot token. SNS `text`: `Subject: <subject>`,
    /// an empty line and the message; SNS `chatbot`: the notification JSON. Holds no secret.
    public static func payload(for report: CheckReport, format: PayloadFormat, settings: NotifySettings) -> String {
        switch format {
        case .slack:
            DeliveryPayload.slack(report, channel: settings.slack?.channel).printed
        case .sns:
            DeliveryPayload.sns(report, format: settings.sns?.format ?? .text).printed
        }
    }
}
