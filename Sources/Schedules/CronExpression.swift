/// A parsed cron expression, EventBridge's six fields or Unix's five, reduced to value sets.
struct CronExpression: Hashable, Sendable {
    enum Dialect: Hashable, Sendable {
        /// `cron(min hour day-of-month month day-of-week year)`.
        case eventBridge
        /// `min hour day-of-month month day-of-week`, as Vixie cron reads it.
        case unix
    }

    /// How the day-of-month and day-of-week fields combine.
    enum DaySelection: Hashable, Sendable {
        /// EventBridge with `?` in day-of-week.
        case dayOfMonth
        /// EventBridge with `?` in day-of-month.
        case dayOfWeek
        /// Unix, when either field starts with `*`: a day must match both.
        case both
        /// Unix, when both fields are restricted: a day matching either runs (Vixie cron).
        case either
    }

    let dialect: Dialect
    /// Sorted minutes 0-59.
    let minutes: [Int]
    /// Sorted hours 0-23.
    let hours: [Int]
    let daysOfMonth: DayOfMonthSet
    /// Months 1-12.
    let months: Set<Int>
    let daysOfWeek: DayOfWeekSet
    /// Sorted years, or nil when any year matches (Unix).
    let years: [Int]?
    let daySelection: DaySelection
    /// What the schedule does with wall times that a daylight-saving change skips or repeats.
    let daylightSaving: DaylightSavingRule
    /// What an EventBridge cron's fields say, for rewriting it; nil for Unix.
    let eventBridgeFields: EventBridgeCronFields?

    /// Whether the schedule runs on `day` (a day of the wall clock).
    func matches(_ day: CivilDay) -> Bool {
        guard months.contains(day.month) else { return false }
        if let years, !years.contains(day.year) { return false }
        switch daySelection {
        case .dayOfMonth: return daysOfMonth.matches(day)
        case .dayOfWeek: return daysOfWeek.matches(day)
        case .both: return daysOfMonth.matches(day) && daysOfWeek.matches(day)
        case .either: return daysOfMonth.matches(day) || daysOfWeek.matches(day)
        }
    }

    /// The first day from `day` through `last` on which the schedule runs. Skips whole
    /// months and years that cannot match.
    func firstMatchingDay(from day: CivilDay, through last: CivilDay) -> CivilDay? {
        var candidate = day
        while candidate <= last {
            if let years, !years.contains(candidate.year) {
                guard let nextYear = years.first(where: { $0 > candidate.year }) else { return nil }
                candidate = CivilDay(year: nextYear, month: 1, day: 1)
            } else if !months.contains(candidate.month) {
                candidate = candidate.firstOfNextMonth
            } else if matches(candidate) {
                return candidate
            } else {
                candidate = CivilDay(number: candidate.number + 1)
            }
        }
        return nil
    }

    /// The distinct instants (seconds since the epoch, ascending) at which the schedule runs on
    /// the wall-clock `day`, which must match, following `daylightSaving`.
    func instants(on day: CivilDay, wallTime: LocalWallTime) -> [Int] {
        let offsets = wallTime.offsets(for: day)
        var result: [Int] = []
        result.reserveCapacity(hours.count * minutes.count)
        for hour in hours {
            for minute in minutes {
                let wall = day.wallSecondsAtMidnight + hour * 3600 + minute * 60
                let instants = wallTime.instants(atWallSeconds: wall, offsets: offsets)
                switch daylightSaving {
                case .everyWallTime:
                    result.append(contentsOf: instants)
                case .skipMissingTime:
                    if let first = instants.first { result.append(first) }
                case .catchUpMissingTime:
                    result.append(instants.first ?? wallTime.firstInstant(atOrAfterWallSeconds: wall, offsets: offsets))
                }
            }
        }
        guard offsets.count > 1 else { return result }
        // Several skipped times catch up at the same instant: it is one run.
        var unique: [Int] = []
        for instant in result.sorted() where unique.last != instant { unique.append(instant) }
        return unique
    }
}

/// What a cron schedule does on a daylight-saving day with a wall time that does not exist
/// (spring forward) or happens twice (fall back).
enum DaylightSavingRule: Hashable, Sendable {
    /// EventBridge Scheduler: a missing time has no run that day; a repeated time runs once,
    /// at its first instant.
    case skipMissingTime
    /// A Unix cron wildcard job (minute or hour field starting with `*`): every wall time that
    /// exists runs, so both copies of a repeated time and none of a missing one.
    case everyWallTime
    /// A Unix cron fixed-time job (any other): a missing time runs once at the first instant
    /// after the change (cronie and Vixie cron catch it up); a repeated time runs once, at its
    /// first instant.
    case catchUpMissingTime
}

/// The day-of-month field: plain days plus EventBridge's `L`, `L-n`, `nW` and `LW`.
struct DayOfMonthSet: Hashable, Sendable {
    enum Rule: Hashable, Sendable {
        /// `L` (offset 0) or `L-n`: the last day of the month less `offset` days.
        case last(offset: Int)
        /// `nW`: the weekday (Monday-Friday) nearest to day n, without leaving the month.
        /// A month with fewer than n days has none.
        case nearestWeekday(to: Int)
        /// `LW`: the last weekday (Monday-Friday) of the month.
        case lastWeekday
    }

    /// Days 1-31.
    var days: Set<Int> = []
    var rules: [Rule] = []

    func matches(_ date: CivilDay) -> Bool {
        if days.contains(date.day) { return true }
        return rules.contains { rule in
            switch rule {
            case .last(let offset):
                return date.day == date.daysInMonth - offset
            case .nearestWeekday(let target):
                return date.day == Self.nearestWeekday(to: target, in: date)
            case .lastWeekday:
                return date.day == Self.nearestWeekday(to: date.daysInMonth, in: date)
            }
        }
    }

    /// The Monday-Friday day nearest to `target` in the month of `date`, staying in the month
    /// (a Saturday the 1st moves to Monday the 3rd; a Sunday on the last day to the Friday before).
    private static func nearestWeekday(to target: Int, in date: CivilDay) -> Int? {
        let length = date.daysInMonth
        guard target <= length else { return nil }
        let weekday = CivilDay(year: date.year, month: date.month, day: target).weekday
        switch weekday {
        case 6: return target == 1 ? 3 : target - 1
        case 0: return target == length ? target - 2 : target + 1
        default: return target
        }
    }
}

/// The day-of-week field: plain weekdays plus EventBridge's `nL` and `n#k`. 0 = Sunday.
struct DayOfWeekSet: Hashable, Sendable {
    enum Rule: Hashable, Sendable {
        /// `nL`: the last such weekday of the month.
        case lastInMonth(weekday: Int)
        /// `n#k`: the k-th such weekday of the month (k 1-5).
        case nth(weekday: Int, week: Int)
    }

    /// Weekdays 0-6, 0 = Sunday.
    var weekdays: Set<Int> = []
    var rules: [Rule] = []

    func matches(_ date: CivilDay) -> Bool {
        if weekdays.contains(date.weekday) { return true }
        return rules.contains { rule in
            switch rule {
            case .lastInMonth(let weekday):
                return date.weekday == weekday && date.day + 7 > date.daysInMonth
            case .nth(let weekday, let week):
                return date.weekday == weekday && (date.day - 1) / 7 + 1 == week
            }
        }
    }
}
