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
/// `text`: a one-line Subject under 100 characters (ASCII in English) and the text digest. `chatbot`: the AWS
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

    /// "batchwatch: 1 failed, 1 missing - 2026-11-20 Asia/Tokyo": one line under 100 characters, as
    /// SNS counts them. English stays ASCII, as mail clients have always shown it; another language
    /// keeps its characters (SNS takes UTF-8 without line breaks or control characters), counted in
    /// UTF-16 units, which is never fewer than SNS's count.
    var subject: String {
        switch digest.language {
        case .en: TextCut.cut(TextLimits.asciiLine(digest.title), to: Self.maxSubject, ellipsis: "...")
        case .ja:
            TextCut.cut(
                TextLimits.printableLine(digest.title), to: Self.maxSubject, ellipsis: "…", measure: \.utf16.count)
        }
    }

    /// The text digest; when it is over the size limit, the most important problems that fit
    /// (`Digest.importanceOrder`) and a line that says how many were left out.
    func textMessage() -> String {
        let problems = digest.lines
        let full = withTimelineLink(digest.text(lines: problems).components(separatedBy: "\n"), markdown: false)
        guard full.joined(separator: "\n").utf8.count > Self.maxMessageBytes - 200 else {
            return full.joined(separator: "\n")
        }
        let ranked = Digest.importanceOrder(of: problems)
        // The `keep` most important problems, in time order, and how many were left out.
        func message(keeping keep: Int) -> String {
            let kept = Set(ranked.prefix(keep))
            let lines = withTimelineLink(
                digest.text(lines: problems.indices.filter(kept.contains).map { problems[$0] })
                    .components(separatedBy: "\n"),
                markdown: false)
            return (lines + [cutNotice(ranked.count - keep)]).joined(separator: "\n")
        }
        // The most problems that fit, by bisection: a message only grows with the lines it keeps.
        var fits = 0
        var over = ranked.count + 1
        while over - fits > 1 {
            let middle = (fits + over) / 2
            if message(keeping: middle).utf8.count <= Self.maxMessageBytes { fits = middle } else { over = middle }
        }
        let best = message(keeping: fits)
        if best.utf8.count <= Self.maxMessageBytes { return best }
        return fitted(full, maxBytes: Self.maxMessageBytes).joined(separator: "\n")
    }

    /// `lines` with "Open the timeline: URL" after the headline, when `report_url` is set: second,
    /// so that cutting a long digest keeps it.
    private func withTimelineLink(_ lines: [String], markdown: Bool) -> [String] {
        guard let url = report.timelineURL, !lines.isEmpty else { return lines }
        let link = digest.phrase(markdown ? .timelineLinkMarkdown : .timelineLinkText, ["url": url])
        return [lines[0], link] + lines.dropFirst()
    }

    /// `lines` cut to `maxBytes`, ending with a line that says how many were left out.
    private func fitted(_ lines: [String], maxBytes: Int) -> [String] {
        let (kept, omitted) = TextLimits.lines(lines, fittingIn: maxBytes, reserve: 200)
        guard omitted > 0 else { return lines }
        return kept + [cutNotice(omitted)]
    }

    private func cutNotice(_ omitted: Int) -> String {
        digest.phrase(.snsCutNotice, ["count": "\(omitted)"])
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
        let title = digest.title
        return ChatbotNotification(
            content: .init(title: title, description: description, nextSteps: nextSteps, keywords: keywords),
            metadata: .init(threadId: "batchwatch-\(report.window.firstLocalDay)", summary: title))
    }

    /// What to do about what was found, one step per kind of trouble.
    var nextSteps: [String] {
        let kinds = Set(report.findings.map(\.kind))
        var steps: [DigestKey] = []
        if !kinds.isDisjoint(with: [.failed, .timedOut, .aborted]) { steps.append(.stepRedrive) }
        if kinds.contains(.missing) || kinds.contains(.late) { steps.append(.stepSchedules) }
        if kinds.contains(.runningLong) { steps.append(.stepRunningLong) }
        if kinds.contains(.deadlineMissed) { steps.append(.stepDeadline) }
        if kinds.contains(.alarm) { steps.append(.stepAlarms) }
        if kinds.contains(.checkError) { steps.append(.stepCheckErrors) }
        return steps.map { digest.phrase($0) }
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
