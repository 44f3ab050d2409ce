import Foundation

/// A parsed schedule: EventBridge `cron(...)` / `rate(...)`, or a 5-field Unix cron line.
///
/// Cron occurrences are wall-clock times in a time zone. On daylight-saving days (README, "How a check decides"):
/// - `cron(...)` follows EventBridge Scheduler: a wall time that does not exist (spring forward)
///   has no occurrence that day; one that happens twice (fall back) is one occurrence, at its
///   first instant;
/// - a 5-field Unix cron follows Vixie cron and cronie. A wildcard job (minute or hour field
///   starting with `*`) runs at every wall time that exists: both copies of a repeated hour,
///   none in a skipped one. Any other job is a fixed-time job: a repeated time runs once, at its
///   first instant, and a skipped time runs once at the first instant after the change (several
///   skipped times are one occurrence).
///
/// `rate(...)` occurrences are every whole multiple of the period since the Unix epoch
/// (1970-01-01T00:00:00Z); the time zone does not matter to them.
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    /// Which syntax a schedule was written in.
    public enum Kind: Sendable, Hashable {
        /// `cron(min hour day-of-month month day-of-week year)`.
        case eventBridgeCron
        /// `rate(N minutes|hours|days)`.
        case rate
        /// `min hour day-of-month month day-of-week`.
        case unixCron
    }

    private enum Rule: Sendable, Hashable {
        case cron(CronExpression)
        case rate(RateExpression)
    }

    /// The expression as written in the configuration (without surrounding whitespace).
    public let expression: String
    private let rule: Rule

    /// Parses `text`; throws a `ScheduleError` that says what is wrong in words a user understands.
    public init(parsing text: String) throws(ScheduleError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        expression = trimmed
        if trimmed.isEmpty {
            throw ScheduleError("the schedule is empty")
        } else if trimmed.hasPrefix("cron(") {
            rule = .cron(try CronParser.parseEventBridge(try Self.body(of: trimmed, prefix: "cron(")))
        } else if trimmed.hasPrefix("rate(") {
            rule = .rate(try RateExpression(parsingBody: try Self.body(of: trimmed, prefix: "rate(")))
        } else if let first = trimmed.first, first == "*" || ("0"..."9").contains(first) {
            rule = .cron(try CronParser.parseUnix(trimmed))
        } else {
            throw ScheduleError(
                "'\(trimmed)' is not a schedule: expected cron(...), rate(...) "
                    + "or a 5-field cron line such as '0 2 * * *'")
        }
    }

    /// Which syntax the schedule was written in.
    public var kind: Kind {
        switch rule {
        case .rate: .rate
        case .cron(let cron): cron.dialect == .unix ? .unixCron : .eventBridgeCron
        }
    }

    /// The parsed fields of an EventBridge `cron(...)`; `nil` for `rate(...)` and Unix cron lines.
    public var eventBridgeCronFields: EventBridgeCronFields? {
        guard case .cron(let cron) = rule else { return nil }
        return cron.eventBridgeFields
    }

    /// Every expected start in `[start, end)`, in ascending order, computed in `timeZone`
    /// with the daylight-saving rules above.
    public func occurrences(from start: Date, to end: Date, in timeZone: TimeZone) -> [Date] {
        guard start < end else { return [] }
        switch rule {
        case .rate(let rate):
            return rate.occurrences(from: start, to: end)
        case .cron(let cron):
            let wallTime = LocalWallTime(timeZone: timeZone)
            // A day of the wall clock can begin up to a day before `start` in UTC terms and end after `end`.
            let lastDay = CivilDay(number: wallTime.localDay(of: end).number + 1)
            var day = CivilDay(number: wallTime.localDay(of: start).number - 1)
            var result: [Date] = []
            while let match = cron.firstMatchingDay(from: day, through: lastDay) {
                for instant in cron.instants(on: match, wallTime: wallTime) {
                    let date = Date(timeIntervalSince1970: TimeInterval(instant))
                    if date >= start && date < end { result.append(date) }
                }
                day = CivilDay(number: match.number + 1)
            }
            return Self.sortedUnique(result)
        }
    }

    /// The next `count` expected starts strictly after `instant`. Fewer when the schedule
    /// ends first (an EventBridge year range, or a date that never comes, like 31 February).
    public func nextOccurrences(after instant: Date, count: Int, in timeZone: TimeZone) -> [Date] {
        guard count > 0 else { return [] }
        switch rule {
        case .rate(let rate):
            return rate.nextOccurrences(after: instant, count: count)
        case .cron(let cron):
            let wallTime = LocalWallTime(timeZone: timeZone)
            let firstDay = wallTime.localDay(of: instant)
            // The Gregorian calendar repeats every 400 years (146,097 days): a Unix cron that
            // has not matched within that never will. EventBridge years end in 2199.
            let horizon = CivilDay(number: firstDay.number + 146_097)
            var day = CivilDay(number: firstDay.number - 1)
            var result: [Date] = []
            while result.count < count, let match = cron.firstMatchingDay(from: day, through: horizon) {
                for moment in cron.instants(on: match, wallTime: wallTime) {
                    let date = Date(timeIntervalSince1970: TimeInterval(moment))
                    if date > instant { result.append(date) }
                }
                day = CivilDay(number: match.number + 1)
            }
            return Array(Self.sortedUnique(result).prefix(count))
        }
    }

    /// The expression, as written.
    public var description: String { expression }

    /// The text between `prefix` and the closing parenthesis.
    private static func body(of text: String, prefix: String) throws(ScheduleError) -> String {
        guard text.hasSuffix(")") else {
            throw ScheduleError("\(prefix)...) is missing its closing ')'")
        }
        return String(text.dropFirst(prefix.count).dropLast())
    }

    private static func sortedUnique(_ dates: [Date]) -> [Date] {
        var result: [Date] = []
        for date in dates.sorted() where result.last != date { result.append(date) }
        return result
    }
}

/// Why a schedule expression could not be read.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the field and value and saying what is allowed.
    public let message: String
    /// Wraps `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
