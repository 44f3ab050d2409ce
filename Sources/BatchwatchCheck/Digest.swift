import BatchwatchConfig
import Foundation
import Schedules

/// One problem as the digests show it: what, which job, when (local time) and the particulars.
public struct DigestLine: Sendable, Equatable {
    public var kind: FindingKind
    public var job: String
    /// Local time of `Finding.at`, with the date when it is not the window's first day.
    public var when: String
    /// Failing state, error, a short cause, or the finding's own detail.
    public var detail: String
    public var url: String?
    /// `prod (111111111111) · us-east-1` when the report covers more than one account or Region.
    public var group: String?
}

/// The human digest of a report: a headline, one line per problem, and notes.
///
/// Text, Markdown, Slack and SNS all render from this, so they always say the same thing.
public struct Digest: Sendable {
    /// The longest cause a digest line shows.
    public static let causeLength = 160

    public let report: CheckReport

    public init(report: CheckReport) {
        self.report = report
    }

    /// "2 failed, 1 missing, 1 alarm — 2026-11-20 Asia/Tokyo", or "All clear — …" on a clean day.
    public var headline: String {
        let counts = report.countsByKind.map { "\($0.count) \($0.kind.label)" }
        let summary = counts.isEmpty ? "All clear" : counts.joined(separator: ", ")
        let incomplete = report.status == .incomplete ? " (INCOMPLETE: some things could not be checked)" : ""
        return "\(summary) — \(windowLabel)\(incomplete)"
    }

    /// The window as a person says it: one calendar day, or its two ends.
    public var windowLabel: String {
        let zone = report.window.timeZone
        let start = LocalTime(zone: zone)
        let zoneName = BatchwatchConfiguration.displayName(of: zone)
        if report.window.isOneLocalDay {
            return "\(report.window.firstLocalDay) \(zoneName)"
        }
        return "\(start.dayAndMinute(report.window.from)) – \(start.dayAndMinute(report.window.to)) \(zoneName)"
    }

    /// What was looked at, e.g. "12 jobs, 40 state machines, 311 executions, 7 alarms".
    public var checkedSummary: String {
        let counts = report.checked
        var parts = ["\(counts.jobs) jobs", "\(counts.stateMachines) state machines", "\(counts.executions) executions", "\(counts.alarms) alarms"]
        if counts.skipped > 0 { parts.append("\(counts.skipped) skipped") }
        if counts.ignored > 0 { parts.append("\(counts.ignored) hidden by ignore rules") }
        return parts.joined(separator: ", ")
    }

    /// The problems in time order.
    public var lines: [DigestLine] {
        let local = LocalTime(zone: report.window.timeZone)
        let firstDay = local.day(report.window.from)
        return report.findings.map { finding in
            let day = local.day(finding.at)
            let when = day == firstDay ? local.minute(finding.at) : "\(day.dropFirst(5)) \(local.minute(finding.at))"
            var line = DigestLine(kind: finding.kind, job: finding.job, when: when, detail: Self.detail(of: finding), url: finding.url)
            if report.isGrouped {
                line.group = [finding.account.map(report.accountLabel), finding.region].compactMap { $0 }.joined(separator: " · ")
            }
            return line
        }
        .enumerated().sorted { ($0.element.group ?? "", $0.offset) < ($1.element.group ?? "", $1.offset) }.map(\.element)
    }

    /// The plain-text digest (`--format text`, cron mail, SNS).
    public func text() -> String {
        var output = [headline]
        let lines = self.lines
        let kindWidth = lines.map(\.kind.label.count).max() ?? 0
        let jobWidth = lines.map(\.job.count).max() ?? 0
        let whenWidth = lines.map(\.when.count).max() ?? 0
        var group: String?
        for line in lines {
            if let lineGroup = line.group, lineGroup != group {
                output.append("  \(lineGroup)")
                group = lineGroup
            }
            let columns = [pad(line.kind.label, kindWidth), pad(line.job, jobWidth), pad(line.when, whenWidth), line.detail]
            output.append("  " + columns.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        output += report.notes.map { "  note: \($0)" }
        if !lines.isEmpty || !report.notes.isEmpty || report.checked.ignored > 0 {
            output.append("  checked: \(checkedSummary)")
        }
        return output.joined(separator: "\n")
    }

    /// The digest as Markdown (`--format markdown`).
    public func markdown() -> String {
        var output = ["**\(headline)**"]
        if !lines.isEmpty { output.append("") }
        var group: String?
        for line in lines {
            if let lineGroup = line.group, lineGroup != group {
                output.append("- **\(lineGroup)**")
                group = lineGroup
            }
            let link = line.url.map { " ([execution](\($0)))" } ?? ""
            let detail = line.detail.isEmpty ? "" : ": \(line.detail)"
            output.append("- **\(line.job)** \(line.kind.label) at \(line.when)\(detail)\(link)")
        }
        if !report.notes.isEmpty { output.append("") }
        output += report.notes.map { "- _note:_ \($0)" }
        output += ["", "_Checked: \(checkedSummary)._"]
        return output.joined(separator: "\n")
    }

    /// The particulars of one finding: its own detail, failing state, error and a short cause.
    static func detail(of finding: Finding) -> String {
        var parts: [String] = []
        if let detail = finding.detail { parts.append(detail) }
        if let state = finding.state { parts.append("in \(state)") }
        if let error = finding.error { parts.append(error) }
        if let cause = finding.readableCause { parts.append(shorten(cause, to: causeLength)) }
        return parts.joined(separator: " · ")
    }

    /// `text` on one line, cut to `limit` characters (`TextCut.cut`).
    public static func shorten(_ text: String, to limit: Int) -> String {
        TextCut.cut(text.split(whereSeparator: \.isNewline).joined(separator: " "), to: limit)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
    }
}

/// Local calendar formatting in one timezone, without DateFormatter's locale surprises.
struct LocalTime {
    let calendar: Calendar

    init(zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// `2026-11-20`
    func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// `02:14`
    func minute(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour!, parts.minute!)
    }

    /// `2026-11-20 02:14`
    func dayAndMinute(_ date: Date) -> String {
        "\(day(date)) \(minute(date))"
    }

    /// Whether `[from, to)` is exactly one calendar day: from its first instant to the next day's.
    func isWholeDay(from: Date, to: Date) -> Bool {
        let day = LocalDay(containing: from, in: calendar.timeZone)
        return day.firstInstant(in: calendar.timeZone) == from && day.next.firstInstant(in: calendar.timeZone) == to
    }
}

extension CheckWindow {
    /// `2026-11-20`: the local calendar day the window starts on (digest headers, Chatbot threads).
    public var firstLocalDay: String {
        LocalTime(zone: timeZone).day(from)
    }

    /// Whether the window is exactly one local calendar day (`--date`).
    public var isOneLocalDay: Bool {
        LocalTime(zone: timeZone).isWholeDay(from: from, to: to)
    }
}
