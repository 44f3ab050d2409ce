import BatchwatchConfig
import Foundation
import Schedules

/// How a discovered schedule is written in a configuration: its expression, and a per-job
/// `timezone` when it could not be converted into the configuration's zone.
public struct JobScheduleText: Sendable, Equatable {
    /// The `schedule:` value.
    public var expression: String
    /// The job's `timezone:`; `nil` when the configuration's own zone applies.
    public var timeZone: TimeZone?

    /// Creates the pair.
    public init(expression: String, timeZone: TimeZone?) {
        self.expression = expression
        self.timeZone = timeZone
    }
}

/// Rewrites an EventBridge `cron(...)` from one timezone into another where that is exact: both
/// zones keep one fixed UTC offset (no daylight saving, checked over several years) and the
/// shifted times are still one cron expression. Crossing midnight rotates a day-of-week list; it is
/// refused when day-of-month, month or year is restricted, or day-of-week uses `L` or `#`.
public enum CronZoneConversion {
    /// How `discovered` is written in a configuration whose top-level zone is `configurationZone`:
    /// a `rate(...)` as it is; a cron in the same zone as it is; a cron converted exactly into the
    /// configuration's zone; otherwise the cron as it is with its own zone as the job's `timezone`.
    /// `now` anchors the check that the zones keep one offset.
    public static func jobSchedule(
        for discovered: DiscoveredSchedule, configurationZone: TimeZone, now: Date
    ) -> JobScheduleText {
        let expression = discovered.expression
        guard let schedule = discovered.schedule, schedule.kind == .eventBridgeCron else {
            return JobScheduleText(expression: expression, timeZone: nil)
        }
        if sameZone(discovered.timeZone, configurationZone) {
            return JobScheduleText(expression: expression, timeZone: nil)
        }
        if let converted = convert(expression, from: discovered.timeZone, to: configurationZone, around: now) {
            return JobScheduleText(expression: converted, timeZone: nil)
        }
        return JobScheduleText(expression: expression, timeZone: discovered.timeZone)
    }

    /// `expression` (an EventBridge `cron(...)`) rewritten from `source` into `target` so that both
    /// give the same instants, or `nil` when that cannot be exact. `around` anchors the span of
    /// years over which both zones must keep one offset.
    public static func convert(
        _ expression: String, from source: TimeZone, to target: TimeZone, around: Date
    ) -> String? {
        guard let sourceOffset = fixedOffset(of: source, around: around),
            let targetOffset = fixedOffset(of: target, around: around),
            (targetOffset - sourceOffset) % 60 == 0,
            let original = try? Schedule(parsing: expression), let parsed = original.eventBridgeCronFields,
            let fields = CronFields(expression)
        else { return nil }
        guard let shifted = fields.shifted(byMinutes: (targetOffset - sourceOffset) / 60, parsed: parsed) else {
            return nil
        }
        let text = shifted.expression
        // The rewrite must give the very same instants; anything else is refused.
        guard let converted = try? Schedule(parsing: text) else { return nil }
        let end = around.addingTimeInterval(verificationSpan)
        guard
            original.occurrences(from: around, to: end, in: source)
                == converted.occurrences(from: around, to: end, in: target)
        else { return nil }
        return text
    }

    /// The zone's one UTC offset (seconds east) from a year before `around` to `yearsAhead` years
    /// after it, sampled every day; `nil` when it changes (daylight saving or a change of law).
    public static func fixedOffset(of zone: TimeZone, around: Date, yearsAhead: Int = 5) -> Int? {
        let day: TimeInterval = 86_400
        let first = around.addingTimeInterval(-366 * day)
        let offset = zone.secondsFromGMT(for: first)
        let changes = (1...(366 * (yearsAhead + 1))).contains { index in
            zone.secondsFromGMT(for: first.addingTimeInterval(Double(index) * day)) != offset
        }
        if changes { return nil }
        if let transition = zone.nextDaylightSavingTimeTransition(after: first),
            transition < around.addingTimeInterval(Double(366 * yearsAhead) * day)
        {
            return nil
        }
        return offset
    }

    /// Whether two zones are the same (Foundation on Linux calls UTC `GMT`).
    static func sameZone(_ first: TimeZone, _ second: TimeZone) -> Bool {
        BatchwatchConfiguration.displayName(of: first) == BatchwatchConfiguration.displayName(of: second)
    }

    /// How far ahead a conversion is checked against the original.
    static let verificationSpan: TimeInterval = 62 * 86_400
}

/// The six fields of an EventBridge cron, as text (upper case), for writing a shifted copy.
struct CronFields {
    var minute: String
    var hour: String
    var dayOfMonth: String
    var month: String
    var dayOfWeek: String
    var year: String

    init?(_ expression: String) {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("cron("), trimmed.hasSuffix(")") else { return nil }
        let fields = trimmed.dropFirst(5).dropLast().split(whereSeparator: \.isWhitespace).map {
            String($0).uppercased()
        }
        guard fields.count == 6 else { return nil }
        (minute, hour, dayOfMonth, month, dayOfWeek, year) = (
            fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]
        )
    }

    var expression: String { "cron(\(minute) \(hour) \(dayOfMonth) \(month) \(dayOfWeek) \(year))" }

    /// The same schedule with every time moved by `delta` minutes, or `nil` when that is not one cron.
    /// `parsed` is what the Schedules parser read from these same fields.
    func shifted(byMinutes delta: Int, parsed: EventBridgeCronFields) -> CronFields? {
        let (minutes, hours) = (parsed.minutes, parsed.hours)
        var times = Set<Int>()
        var dayShifts = Set<Int>()
        for hour in hours {
            for minute in minutes {
                let moved = hour * 60 + minute + delta
                let dayShift = Int((Double(moved) / 1440).rounded(.down))
                dayShifts.insert(dayShift)
                times.insert(moved - dayShift * 1440)
            }
        }
        let newMinutes = Set(times.map { $0 % 60 })
        let newHours = Set(times.map { $0 / 60 })
        // A cron's times are every hour with every minute: the moved set must be such a product.
        guard newMinutes.count * newHours.count == times.count else { return nil }

        var result = self
        if newMinutes != minutes { result.minute = Self.render(newMinutes, bounds: 0...59) }
        if newHours != hours { result.hour = Self.render(newHours, bounds: 0...23) }
        if dayShifts == [0] { return result }

        guard parsed.isMonthWildcard, parsed.isYearWildcard else { return nil }
        // One day field is `?`, so a `*` in the other means every day.
        if parsed.isDayOfMonthWildcard || parsed.isDayOfWeekWildcard { return result }
        guard dayShifts.count == 1, let shift = dayShifts.first, let weekdays = parsed.plainWeekdays else { return nil }
        result.dayOfWeek = Self.renderWeekdays(Set(weekdays.map { (($0 + shift) % 7 + 7) % 7 }))
        return result
    }

    // MARK: Rendering

    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// A minute or hour set as a field: `*`, `a-b/n` for an even progression of three or more,
    /// else a list in which runs of three or more become ranges.
    static func render(_ values: Set<Int>, bounds: ClosedRange<Int>) -> String {
        let sorted = values.sorted()
        if sorted.count == bounds.count { return "*" }
        if sorted.count >= 3 {
            let step = sorted[1] - sorted[0]
            if step > 1, zip(sorted, sorted.dropFirst()).allSatisfy({ $1 - $0 == step }) {
                return "\(sorted[0])-\(sorted[sorted.count - 1])/\(step)"
            }
        }
        return runs(sorted).map { run in
            run.count >= 3 ? "\(run[0])-\(run[run.count - 1])" : run.map(String.init).joined(separator: ",")
        }.joined(separator: ",")
    }

    /// Weekdays (0 = Sunday) as names, runs of three or more as ranges: `MON-FRI`, `SUN,TUE`.
    static func renderWeekdays(_ weekdays: Set<Int>) -> String {
        if weekdays.count == 7 { return "*" }
        return runs(weekdays.sorted()).map { run in
            run.count >= 3
                ? "\(weekdayNames[run[0]])-\(weekdayNames[run[run.count - 1]])"
                : run.map { weekdayNames[$0] }.joined(separator: ",")
        }.joined(separator: ",")
    }

    /// Sorted values split into runs of consecutive numbers.
    private static func runs(_ sorted: [Int]) -> [[Int]] {
        var result: [[Int]] = []
        for value in sorted {
            if let last = result.last?.last, last + 1 == value {
                result[result.count - 1].append(value)
            } else {
                result.append([value])
            }
        }
        return result
    }
}
