import BatchwatchCheck
import Foundation

/// A Slack message as posted to a webhook or `chat.postMessage`: Block Kit blocks and the plain
/// `text` that notifications and old clients show instead.
struct SlackMessage: Sendable, Equatable, Codable {
    var text: String
    var blocks: [SlackBlock]
    /// Set only for `chat.postMessage`; a webhook posts to its own channel.
    var channel: String?
    /// Console links in a digest are not worth a preview each.
    var unfurlLinks = false

    enum CodingKeys: String, CodingKey {
        case text, blocks, channel
        case unfurlLinks = "unfurl_links"
    }

    /// The JSON body, keys sorted so the same digest always gives the same bytes.
    func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, booleans and arrays cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }
}

/// One Block Kit block: a header, a section or a context.
struct SlackBlock: Sendable, Equatable, Codable {
    var type: String
    var text: SlackText?
    var elements: [SlackText]?

    /// A header in plain text.
    static func header(_ text: String) -> SlackBlock {
        SlackBlock(type: "header", text: SlackText(type: "plain_text", text: text, emoji: true))
    }

    /// A section of mrkdwn text (already escaped).
    static func section(_ mrkdwn: String) -> SlackBlock {
        SlackBlock(type: "section", text: SlackText(type: "mrkdwn", text: mrkdwn))
    }

    /// A context line of mrkdwn text (already escaped).
    static func context(_ mrkdwn: String) -> SlackBlock {
        SlackBlock(type: "context", elements: [SlackText(type: "mrkdwn", text: mrkdwn)])
    }
}

/// A Block Kit text object.
struct SlackText: Sendable, Equatable, Codable {
    var type: String
    var text: String
    var emoji: Bool?
}
