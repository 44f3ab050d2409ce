import BatchwatchConfig
import Foundation
import Schedules

/// One problem as the digests show it: what, which job, when (local time) and the particulars.
public struct DigestLine: Sendable, Equatable {
    public var kind: FindingKind
    /// The kind in the digest's language.
    public var label: String
    public var job: String
    /// Local time of `Finding.at`, with the date when it is not the window's first day.
    public var when: String
    /// The finding's own particulars, failing state, error and a short cause, in the digest's language.
    public var detail: String
    public var url: String?
    /// The finding's streak (0 when none): a shortened digest keeps the longest first among
    /// findings of the same severity.
    public var streak: Int = 0
    /// `prod (111111111111) · us-east-1` when the report covers more than one account or Region.
    public var group: String?
}

/// The human digest of a report: a headline, one line per problem, and notes, in the report's
/// language. Every word comes from `DigestStrings`; job names, errors, states and times stay as they are.
///
/// Text, Markdown, Slack and SNS all render from this, so they always say the same thing.
public struct Digest: Sendable {
    /// The longest cause a digest line shows.
    public static let causeLength = 160

    public let report: CheckReport

    public init(report: CheckReport) {
        self.report = report
    }

    /// The digest's language (`language`).
    public var language: DigestLanguage { report.language }

    /// The template `key` in the digest's language, filled with `values`.
    public func phrase(_ key: DigestKey, _ values: [String: String] = [:]) -> String {
        DigestStrings.format(key, language, values)
    }

    /// The report's notes in the digest's language.
    public var notes: [String] { report.notes.map { $0.rendered(in: language) } }

    /// "1 failed, 2 missing" ("失敗 1件、未実行 2件").
    public var countsByKind: String {
        report.countsByKind.map { phrase(.countOfKind, ["count": "\($0.count)", "kind": $0.kind.label(in: language)]) }
            .joined(separator: phrase(.listSeparator))
    }

    /// "2 failed, 1 missing, 1 alarm — 2026-11-20 Asia/Tokyo", or "All clear — …" on a clean day.
    public var headline: String {
        let summary = report.findings.isEmpty ? phrase(.allClear) : countsByKind
        let incomplete = report.status == .incomplete ? phrase(.headlineIncomplete) : ""
        return phrase(.headline, ["summary": summary, "window": windowLabel, "incomplete": incomplete])
    }

    /// "batchwatch: " and the headline: the first line of Slack's fallback, SNS's Subject, Chatbot's title.
    public var title: String { phrase(.titled, ["headline": headline]) }

    /// The window as a person says it: one calendar day, or its two ends.
    public var windowLabel: String {
        let zone = report.window.timeZone
        let start = LocalTime(zone: zone)
        let zoneName = BatchwatchConfiguration.displayName(of: zone)
        if report.window.isOneLocalDay {
            return phrase(.windowDay, ["day": report.window.firstLocalDay, "zone": zoneName])
        }
        return phrase(
            .windowRange,
            [
                "from": start.dayAndMinute(report.window.from), "to": start.dayAndMinute(report.window.to),
                "zone": zoneName,
            ])
    }

    /// What was looked at, e.g. "12 jobs, 40 state machines, 311 executions, 7 alarms".
    public var checkedSummary: String {
        let counts = report.checked
        var parts: [(DigestKey, Int)] = [
            (.checkedJobs, counts.jobs), (.checkedStateMachines, counts.stateMachines),
            (.checkedExecutions, counts.executions),
            (.checkedAlarms, counts.alarms),
        ]
        if counts.skipped > 0 { parts.append((.checkedSkipped, counts.skipped)) }
        if counts.ignored > 0 { parts.append((.checkedIgnored, counts.ignored)) }
        return parts.map { phrase($0.0, ["count": "\($0.1)"]) }.joined(separator: phrase(.listSeparator))
    }

    /// The problems in time order.
    public var lines: [DigestLine] {
        let local = LocalTime(zone: report.window.timeZone)
        let firstDay = local.day(report.window.from)
        return report.findings.map { finding in
            let day = local.day(finding.at)
            let when = day == firstDay ? local.minute(finding.at) : "\(day.dropFirst(5)) \(local.minute(finding.at))"
            let detail = [detail(of: finding), acrossNights(finding, local: local)].filter { !$0.isEmpty }.joined(
                separator: " · ")
            var line = DigestLine(
                kind: finding.kind, label: finding.kind.label(in: language), job: finding.job, when: when,
                detail: detail,
                url: finding.url, streak: finding.streak ?? 0)
            if report.isGrouped {
                line.group = [finding.account.map(report.accountLabel), finding.region].compactMap { $0 }.joined(
                    separator: " · ")
            }
            return line
        }
        .enumerated().sorted { ($0.element.group ?? "", $0.offset) < ($1.element.group ?? "", $1.offset) }.map(
            \.element)
    }

    /// "3rd night in a row, last success Mon 11-16 02:31" ("3rd run in a row" for a job that runs
    /// more often than daily, or a machine no job names); empty when nothing is known.
    func acrossNights(_ finding: Finding, local: LocalTime) -> String {
        var parts: [String] = []
        if let streak = finding.streak, streak > 1 {
            let nth = language == .en ? Self.ordinal(streak) : "\(streak)"
            let unit = phrase(finding.streakUnit == .night ? .unitNight : .unitRun)
            parts.append(phrase(.streakInARow, ["nth": nth, "unit": unit]))
        }
        if let success = finding.lastSuccess {
            let time = language == .en ? local.weekdayDayAndMinute(success) : local.dayAndMinute(success)
            parts.append(phrase(.lastSuccess, ["time": time]))
        }
        return parts.joined(separator: phrase(.listSeparator))
    }

    /// "✅ recovered: billing-sync, after 2 bad runs" (nights, for a daily job), one per recovery.
    public var recoveryLines: [String] {
        report.recoveries.map { recovery in
            let unit: DigestKey =
                switch (recovery.unit == .night, recovery.after == 1) {
                case (true, true): .unitNight
                case (true, false): .unitNights
                case (false, true): .unitRun
                case (false, false): .unitRuns
                }
            return phrase(.recovered, ["job": recovery.job, "count": "\(recovery.after)", "unit": phrase(unit)])
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

    /// The positions in `lines` of the problems most serious first and, among findings of the same
    /// severity, the jobs with the longest streaks first (then in time order): what a digest that
    /// must be shortened keeps.
    public static func importanceOrder(of lines: [DigestLine]) -> [Int] {
        let longest = Dictionary(lines.map { ($0.job, $0.streak) }, uniquingKeysWith: max)
        return lines.indices.sorted {
            (lines[$0].kind.seriousness, -(longest[lines[$0].job] ?? 0), $0)
                < (lines[$1].kind.seriousness, -(longest[lines[$1].job] ?? 0), $1)
        }
    }

    /// The plain-text digest (`--format text`, cron mail, SNS); `lines` replaces the problem
    /// lines (a subset of `lines`, in time order, for a digest that must be shortened).
    public func text(lines: [DigestLine]? = nil) -> String {
        var output = [headline]
        let lines = lines ?? self.lines
        let kindWidth = lines.map { Self.width(of: $0.label) }.max() ?? 0
        let jobWidth = lines.map { Self.width(of: $0.job) }.max() ?? 0
        let whenWidth = lines.map { Self.width(of: $0.when) }.max() ?? 0
        var group: String?
        for line in lines {
            if let lineGroup = line.group, lineGroup != group {
                output.append("  \(lineGroup)")
                group = lineGroup
            }
            let columns = [pad(line.label, kindWidth), pad(line.job, jobWidth), pad(line.when, whenWidth), line.detail]
            output.append("  " + columns.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        output += recoveryLines.map { "  \($0)" }
        output += notes.map { "  " + phrase(.textNote, ["note": $0]) }
        if !lines.isEmpty || !report.notes.isEmpty || !report.recoveries.isEmpty || report.checked.ignored > 0 {
            output.append("  " + phrase(.textChecked, ["summary": checkedSummary]))
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
            let link = line.url.map { phrase(.markdownLink, ["url": $0]) } ?? ""
            let detail = line.detail.isEmpty ? "" : phrase(.markdownDetail, ["detail": line.detail])
            output.append(
                "- "
                    + phrase(
                        .markdownLine,
                        ["job": line.job, "kind": line.label, "when": line.when, "detail": detail, "link": link]))
        }
        if !report.recoveries.isEmpty { output.append("") }
        output += recoveryLines.map { "- \($0)" }
        if !report.notes.isEmpty { output.append("") }
        output += notes.map { "- " + phrase(.markdownNote, ["note": $0]) }
        output += ["", phrase(.markdownChecked, ["summary": checkedSummary])]
        return output.joined(separator: "\n")
    }

    /// The particulars of one finding: its own details, failing state, error and a short cause.
    func detail(of finding: Finding) -> String {
        var parts = finding.details.map { $0.rendered(in: language) }
        if let state = finding.state { parts.append(phrase(.inState, ["state": state])) }
        if let error = finding.error { parts.append(error) }
        if let cause = finding.readableCause { parts.append(Self.shorten(cause, to: Self.causeLength)) }
        return parts.joined(separator: " · ")
    }

    /// `text` on one line, cut to `limit` characters (`TextCut.cut`).
    public static func shorten(_ text: String, to limit: Int) -> String {
        TextCut.cut(text.split(whereSeparator: \.isNewline).joined(separator: " "), to: limit)
    }

    /// Columns a terminal gives `text`: two for a wide (East Asian) character, one for any other.
    static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6:
            true
        default: false
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - Self.width(of: text)))
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
