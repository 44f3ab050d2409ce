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
    /// The finding's streak (0 when none): a shortened digest keeps the longest first among
    /// findings of the same severity.
    public var streak: Int = 0
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
            let detail = [Self.detail(of: finding), acrossNights(finding, local: local)].filter { !$0.isEmpty }.joined(separator: " · ")
            return DigestLine(
                kind: finding.kind, job: finding.job, when: when, detail: detail, url: finding.url, streak: finding.streak ?? 0)
        }
    }

    /// "3rd night in a row, last success Mon 11-16 02:31" ("3rd run in a row" for a job that runs
    /// more often than daily, or a machine no job names); empty when nothing is known.
    func acrossNights(_ finding: Finding, local: LocalTime) -> String {
        var parts: [String] = []
        if let streak = finding.streak, streak > 1 {
            parts.append("\(Self.ordinal(streak)) \((finding.streakUnit ?? .run).rawValue) in a row")
        }
        if let success = finding.lastSuccess {
            parts.append("last success \(local.weekdayDayAndMinute(success))")
        }
        return parts.joined(separator: ", ")
    }

    /// "✅ recovered: billing-sync, after 2 bad runs" (nights, for a daily job), one per recovery.
    public var recoveryLines: [String] {
        report.recoveries.map { recovery in
            let unit = recovery.unit == .night ? "night" : "run"
            return "✅ recovered: \(recovery.job), after \(recovery.after) bad \(unit)\(recovery.after == 1 ? "" : "s")"
        }
    }

    /// 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st.
    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }

    /// The plain-text digest (`--format text`, cron mail, SNS).
    public func text() -> String {
        var output = [headline]
        let lines = self.lines
        let kindWidth = lines.map(\.kind.label.count).max() ?? 0
        let jobWidth = lines.map(\.job.count).max() ?? 0
        let whenWidth = lines.map(\.when.count).max() ?? 0
        for line in lines {
            let columns = [pad(line.kind.label, kindWidth), pad(line.job, jobWidth), pad(line.when, whenWidth), line.detail]
            output.append("  " + columns.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        output += recoveryLines.map { "  \($0)" }
        output += report.notes.map { "  note: \($0)" }
        if !lines.isEmpty || !report.notes.isEmpty || !report.recoveries.isEmpty || report.checked.ignored > 0 {
            output.append("  checked: \(checkedSummary)")
        }
        return output.joined(separator: "\n")
    }

    /// The digest as Markdown (`--format markdown`).
    public func markdown() -> String {
        var output = ["**\(headline)**"]
        if !lines.isEmpty { output.append("") }
        for line in lines {
            let link = line.url.map { " ([execution](\($0)))" } ?? ""
            let detail = line.detail.isEmpty ? "" : ": \(line.detail)"
            output.append("- **\(line.job)** \(line.kind.label) at \(line.when)\(detail)\(link)")
        }
        if !report.recoveries.isEmpty { output.append("") }
        output += recoveryLines.map { "- \($0)" }
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

    /// `Mon 11-16 02:31`
    func weekdayDayAndMinute(_ date: Date) -> String {
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let weekday = calendar.component(.weekday, from: date)
        return "\(names[(weekday - 1) % 7]) \(day(date).dropFirst(5)) \(minute(date))"
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
