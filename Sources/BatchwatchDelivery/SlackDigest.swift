import BatchwatchCheck
import Foundation

/// Renders a report as a Slack message within Slack's limits, from the same `Digest` as the
/// text and Markdown formats.
///
/// A day with problems: a header, one section per problem (job, kind, local time, particulars,
/// console link), the notes and a context line with the window, timezone and counts. When the
/// problems do not all fit, the most serious are shown first and the rest counted. A clean day
/// is one green line. Every word is in the report's language (`DigestStrings`); the limits are
/// Slack's character counts, which multi-byte text does not change.
struct SlackDigest {
    static let maxBlocks = 50
    static let maxHeader = 150
    static let maxSectionText = 3000
    /// Slack cuts a message's `text` after 40,000 characters; the fallback stays below.
    static let maxFallback = 39_000

    let digest: Digest
    /// The channel for `chat.postMessage`; `nil` for a webhook, which posts to its own.
    let channel: String?

    init(report: CheckReport, channel: String? = nil) {
        digest = Digest(report: report)
        self.channel = channel
    }

    var report: CheckReport { digest.report }

    /// The message to post.
    func message() -> SlackMessage {
        var message = report.findings.isEmpty ? allClear() : problems()
        message.channel = channel
        return message
    }

    /// "batchwatch: 3 problems on 2026-11-20", at most 150 characters.
    var header: String {
        let count = report.findings.count
        let problems =
            count == 1 ? digest.phrase(.slackOneProblem) : digest.phrase(.slackProblems, ["count": "\(count)"])
        let when =
            report.window.isOneLocalDay
            ? digest.phrase(.slackOnDay, ["day": report.window.firstLocalDay])
            : digest.phrase(.slackInWindow, ["window": digest.windowLabel])
        let incomplete = report.status == .incomplete ? digest.phrase(.slackIncomplete) : ""
        return TextCut.cut(
            digest.phrase(.slackHeader, ["problems": problems, "when": when, "incomplete": incomplete]),
            to: Self.maxHeader)
    }

    private func allClear() -> SlackMessage {
        let line = digest.phrase(.slackAllClear, ["headline": digest.headline, "summary": digest.checkedSummary])
        var blocks = [SlackBlock.section(TextLimits.slackEscaped(line, limit: Self.maxSectionText))]
        if let recovered = recoveredText() { blocks.append(.section(recovered)) }
        if let notes = notesText() { blocks.append(.context(notes)) }
        if let timeline = timelineLink() { blocks.append(.context(timeline)) }
        return SlackMessage(text: fallback(firstLine: line), blocks: blocks)
    }

    private func problems() -> SlackMessage {
        let lines = digest.lines
        let notes = notesText()
        let recovered = recoveredText()
        let timeline = timelineLink()
        // header and context line, notes, recoveries, the timeline link
        let fixedBlocks = 2 + (notes == nil ? 0 : 1) + (recovered == nil ? 0 : 1) + (timeline == nil ? 0 : 1)
        var shown = lines
        var omitted = 0
        if lines.count > Self.maxBlocks - fixedBlocks {
            let room = Self.maxBlocks - fixedBlocks - 1  // one block says how many are left out
            shown = Digest.importanceOrder(of: lines).prefix(room).map { lines[$0] }
            omitted = lines.count - shown.count
        }
        var blocks = [SlackBlock.header(header)]
        blocks += shown.map { .section(section(for: $0)) }
        if omitted > 0 {
            let more = digest.phrase(
                .slackMore, ["omitted": "\(omitted)", "total": "\(lines.count)", "counts": digest.countsByKind])
            blocks.append(.context(TextLimits.slackEscaped(more, limit: Self.maxSectionText)))
        }
        if let recovered { blocks.append(.section(recovered)) }
        if let notes { blocks.append(.context(notes)) }
        blocks.append(.context(TextLimits.slackEscaped(contextLine, limit: Self.maxSectionText)))
        if let timeline { blocks.append(.context(timeline)) }
        return SlackMessage(text: fallback(firstLine: digest.title), blocks: blocks)
    }

    /// `*nightly-etl* · failed · 02:14`, the particulars, and the console link, within a
    /// section's limit: the text is cut once, before the link, so the link always survives.
    private func section(for line: DigestLine) -> String {
        var text = line.group.map { "_\(TextLimits.slackEscaped($0))_\n" } ?? ""
        text += "*\(TextLimits.slackEscaped(line.job))* · \(line.label) · \(line.when)"
        if !line.detail.isEmpty {
            text += "\n" + TextLimits.slackEscaped(line.detail)
        }
        var link = ""
        if let url = line.url, url.count <= 600 {
            let target = TextLimits.slackEscaped(url).replacingOccurrences(of: "|", with: "%7C")
            let account =
                line.group.map {
                    digest.phrase(
                        .slackSignInTo, ["account": TextLimits.slackEscaped($0.components(separatedBy: " · ")[0])])
                } ?? ""
            link = "\n<\(target)|\(digest.phrase(.slackOpenExecution))\(account)>"
        }
        return TextCut.cut(text, to: Self.maxSectionText - link.count) + link
    }

    /// Window, timezone and counts.
    private var contextLine: String {
        digest.phrase(
            .slackContext,
            [
                "window": digest.windowLabel, "total": "\(report.findings.count)", "counts": digest.countsByKind,
                "summary": digest.checkedSummary,
            ])
    }

    /// "<https://…/2026-11-20.html|Open the timeline>", when `report_url` is set.
    private func timelineLink() -> String? {
        guard let url = report.timelineURL, url.count <= 2000 else { return nil }
        return
            "<\(TextLimits.slackEscaped(url).replacingOccurrences(of: "|", with: "%7C"))|\(digest.phrase(.timelineLinkLabel))>"
    }

    /// The recoveries, one line each, in one section.
    private func recoveredText() -> String? {
        guard !digest.recoveryLines.isEmpty else { return nil }
        return TextLimits.slackEscaped(digest.recoveryLines.joined(separator: "\n"), limit: Self.maxSectionText)
    }

    private func notesText() -> String? {
        guard !report.notes.isEmpty else { return nil }
        let text = digest.notes.map { digest.phrase(.textNote, ["note": $0]) }.joined(separator: "\n")
        return TextLimits.slackEscaped(text, limit: Self.maxSectionText)
    }

    /// The complete plain digest after `firstLine`, escaped, cut by whole lines below Slack's limit.
    private func fallback(firstLine: String) -> String {
        let body = digest.text().split(separator: "\n", omittingEmptySubsequences: false).dropFirst().map(String.init)
        let timeline = report.timelineURL.map { [digest.phrase(.timelineLinkText, ["url": $0])] } ?? []
        let lines = ([firstLine] + timeline + body).map(TextLimits.slackEscaped)
        var kept: [String] = []
        var used = 0
        for (index, line) in lines.enumerated() {
            if used + line.count + 1 > Self.maxFallback - 100 {
                kept.append(digest.phrase(.fallbackMoreLines, ["count": "\(lines.count - index)"]))
                break
            }
            kept.append(line)
            used += line.count + 1
        }
        return kept.joined(separator: "\n")
    }
}
