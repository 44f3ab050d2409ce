import Foundation

/// A parsed EventBridge `rate(N unit)` expression.
///
/// Occurrences are anchored at the Unix epoch: they fall on every whole multiple of the period
/// counted from 1970-01-01T00:00:00Z, whatever the time zone. (EventBridge itself counts from
/// when the rule was created, which batchwatch cannot know; epoch anchoring makes `rate(1 hour)`
/// fall on the hour and `rate(1 day)` at 00:00 UTC.)
struct RateExpression: Hashable, Sendable {
    /// The period in seconds, at least 60.
    let periodSeconds: Int

    /// Parses the text between `rate(` and `)`, e.g. `5 minutes` or `1 day`.
    init(parsingBody body: String) throws(ScheduleError) {
        let parts = body.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 2 else {
            throw ScheduleError("rate() needs a value and a unit, e.g. rate(5 minutes), found '\(body)'")
        }
        let (valueText, unit) = (parts[0], parts[1])
        guard valueText.allSatisfy({ ("0"..."9").contains($0) }), let value = Int(valueText), value >= 1 else {
            throw ScheduleError("rate() value '\(valueText)': must be a whole number of at least 1")
        }
        let unitSeconds: Int
        switch unit {
        case "minute", "minutes": unitSeconds = 60
        case "hour", "hours": unitSeconds = 3600
        case "day", "days": unitSeconds = 86_400
        default:
            throw ScheduleError("rate() unit '\(unit)': must be minute(s), hour(s) or day(s)")
        }
        let isPlural = unit.hasSuffix("s")
        if value == 1 && isPlural {
            throw ScheduleError("rate(1 \(unit)): use the singular '\(unit.dropLast())' when the value is 1")
        }
        if value > 1 && !isPlural {
            throw ScheduleError("rate(\(value) \(unit)): use the plural '\(unit)s' when the value is more than 1")
        }
        let (period, overflow) = value.multipliedReportingOverflow(by: unitSeconds)
        guard !overflow, period <= 1_000_000 * 86_400 else {
            throw ScheduleError("rate() value '\(valueText)': too large")
        }
        periodSeconds = period
    }

    /// Every multiple of the period in `[start, end)`.
    func occurrences(from start: Date, to end: Date) -> [Date] {
        var multiple = firstMultiple(atOrAfter: start.timeIntervalSince1970)
        var result: [Date] = []
        while true {
            let instant = Date(timeIntervalSince1970: TimeInterval(multiple * periodSeconds))
            guard instant < end else { return result }
            result.append(instant)
            multiple += 1
        }
    }

    /// The next `count` multiples of the period strictly after `instant`.
    func nextOccurrences(after instant: Date, count: Int) -> [Date] {
        guard count > 0 else { return [] }
        var multiple = firstMultiple(atOrAfter: instant.timeIntervalSince1970)
        if TimeInterval(multiple * periodSeconds) == instant.timeIntervalSince1970 { multiple += 1 }
        return (multiple..<multiple + count).map { Date(timeIntervalSince1970: TimeInterval($0 * periodSeconds)) }
    }

    /// The smallest k with k × period ≥ `seconds`.
    private func firstMultiple(atOrAfter seconds: TimeInterval) -> Int {
        var multiple = Int((seconds / TimeInterval(periodSeconds)).rounded(.up))
        while TimeInterval(multiple * periodSeconds) < seconds { multiple += 1 }
        while TimeInterval((multiple - 1) * periodSeconds) >= seconds { multiple -= 1 }
        return multiple
    }
}
