import BatchwatchCheck
import BatchwatchConfig
import Foundation

/// What is published to an SNS topic: an optional Subject and the Message.
struct SNSMessage: Sendable, Equatable, Codable {
    var subject: String?
    var message: String
}

/// Renders a report for SNS from the same `Digest` as every other format.
///
/// `text`: a one-line ASCII Subject under 100 characters and the text digest. `chatbot`: the AWS
/// Chatbot (Amazon Q Developer) custom notification JSON, threaded per local day. Both stay under
/// SNS's 256 KB message limit by cutting whole digest lines and saying so.
struct SNSDigest {
    /// SNS takes at most 262,144 bytes; a margin is kept for the request's other fields.
    static let maxMessageBytes = 256 * 1024 - 2048
    /// SNS Subjects must be shorter than 100 characters.
    static let maxSubject = 99

    let digest: Digest
    let format: SNSTarget.Format

    init(report: CheckReport, format: SNSTarget.Format) {
        digest = Digest(report: report)
        self.format = format
    }

    var report: CheckReport { digest.report }

    /// The Subject and Message to publish.
    func message() -> SNSMessage {
        switch format {
        case .text: SNSMessage(subject: subject, message: textMessage())
        case .chatbot: SNSMessage(subject: nil, message: String(decoding: chatbotJSON(), as: UTF8.self))
        }
    }

    /// "batchwatch: 1 failed, 1 missing - 2026-11-20 Asia/Tokyo": one ASCII line under 100 characters.
    var subject: String {
        TextCut.cut(TextLimits.asciiLine("batchwatch: \(digest.headline)"), to: Self.maxSubject, ellipsis: "...")
    }

    /// The text digest, cut by whole lines to the size limit.
    func textMessage() -> String {
        fitted(withTimelineLink(digest.text().components(separatedBy: "\n"), markdown: false), maxBytes: Self.maxMessageBytes)
            .joined(separator: "\n")
    }

    /// `lines` with "Open the timeline: URL" after the headline, when `report_url` is set: second,
    /// so that cutting a long digest keeps it.
    private func withTimelineLink(_ lines: [String], markdown: Bool) -> [String] {
        guard let url = report.timelineURL, !lines.isEmpty else { return lines }
        let link = markdown ? "[Open the timeline](\(url))" : "Open the timeline: \(url)"
        return [lines[0], link] + lines.dropFirst()
    }

    /// `lines` cut to `maxBytes`, ending with a line that says how many were left out.
    private func fitted(_ lines: [String], maxBytes: Int) -> [String] {
        let (kept, omitted) = TextLimits.lines(lines, fittingIn: maxBytes, reserve: 200)
        guard omitted > 0 else { return lines }
        return kept + [cutNotice(omitted)]
    }

    private func cutNotice(_ omitted: Int) -> String {
        "… digest cut: \(omitted) more lines left out to stay within SNS's 256 KB limit; run `batchwatch check` for all of it."
    }

    // MARK: AWS Chatbot

    /// The custom notification document (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
    struct ChatbotNotification: Codable, Equatable {
        var version = "1.0"
        var source = "custom"
        var content: Content
        var metadata: Metadata

        struct Content: Codable, Equatable {
            var textType = "client-markdown"
            var title: String
            var description: String
            var nextSteps: [String]
            var keywords: [String]
        }

        struct Metadata: Codable, Equatable {
            /// One thread per local day of the window.
            var threadId: String
            var summary: String
        }
    }

    /// The notification, its description cut by whole lines until the JSON fits.
    func chatbotJSON() -> Data {
        let lines = withTimelineLink(digest.markdown().components(separatedBy: "\n"), markdown: true)
        var notification = chatbotNotification(description: lines.joined(separator: "\n"))
        var encoded = Self.encode(notification)
        guard encoded.count > Self.maxMessageBytes else { return encoded }
        // JSON escaping can at most double a line's size (control characters aside, which the digest has none of).
        var keep = TextLimits.lines(lines, fittingIn: Self.maxMessageBytes / 2, reserve: 4096).kept.count
        repeat {
            notification.content.description = (Array(lines.prefix(keep)) + [cutNotice(lines.count - keep)])
                .joined(separator: "\n")
            encoded = Self.encode(notification)
            keep -= max(1, keep / 10)
        } while encoded.count > Self.maxMessageBytes && keep > 0
        return encoded
    }

    private func chatbotNotification(description: String) -> ChatbotNotification {
        let title = "batchwatch: \(digest.headline)"
        return ChatbotNotification(
            content: .init(title: title, description: description, nextSteps: nextSteps, keywords: keywords),
            metadata: .init(threadId: "batchwatch-\(report.window.firstLocalDay)", summary: title))
    }

    /// What to do about what was found, one step per kind of trouble.
    var nextSteps: [String] {
        let kinds = Set(report.findings.map(\.kind))
        var steps: [String] = []
        if !kinds.isDisjoint(with: [.failed, .timedOut, .aborted]) {
            steps.append("Open the failed executions from the links above, then redrive or re-run them")
        }
        if kinds.contains(.missing) || kinds.contains(.late) {
            steps.append("Check the schedules and rules that should have started the missing or late jobs")
        }
        if kinds.contains(.runningLong) { steps.append("Look at the long-running executions before they overlap the next run") }
        if kinds.contains(.deadlineMissed) { steps.append("Tell the people waiting for the data that it was not ready by its deadline") }
        if kinds.contains(.alarm) { steps.append("Look at the alarms that went into ALARM") }
        if kinds.contains(.checkError) {
            steps.append("Some things could not be checked: fix the access or throttling named in the check errors")
        }
        return steps
    }

    /// `batchwatch`, the check's status and the kinds found.
    var keywords: [String] {
        ["batchwatch", report.status.rawValue] + report.countsByKind.map(\.kind.rawValue)
    }

    private static func encode(_ notification: ChatbotNotification) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(notification)) ?? Data()
    }
}
