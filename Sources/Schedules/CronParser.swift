/// Reads the fields of EventBridge `cron(...)` bodies and 5-field Unix cron lines.
///
/// Every error names the field, quotes what was written and says what is allowed, e.g.
/// `day-of-week field '9': must be 1-7 or SUN-SAT`.
enum CronParser {
    /// Parses the text between `cron(` and `)`: minute hour day-of-month month day-of-week year.
    static func parseEventBridge(_ body: String) throws(ScheduleError) -> CronExpression {
        let fields = body.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 6 else {
            throw ScheduleError(
                "cron() needs 6 fields (minute hour day-of-month month day-of-week year), found \(fields.count)")
        }
        let (minuteText, hourText, dayOfMonthText, monthText, dayOfWeekText, yearText) =
            (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5])

        let daySelection: CronExpression.DaySelection
        switch (dayOfMonthText == "?", dayOfWeekText == "?") {
        case (true, true):
            throw ScheduleError("day-of-month and day-of-week are both '?': one of them must be given")
        case (false, false):
            throw ScheduleError(
                "day-of-month '\(dayOfMonthText)' and day-of-week '\(dayOfWeekText)' are both given: "
                    + "EventBridge needs '?' in one of them")
        case (true, false): daySelection = .dayOfWeek
        case (false, true): daySelection = .dayOfMonth
        }

        // Fields are read left to right, so the first wrong one is the one reported.
        let minutes = try values(of: minuteText, field: .minute)
        let hours = try values(of: hourText, field: .hour)
        let daysOfMonth = daySelection == .dayOfMonth ? try eventBridgeDaysOfMonth(dayOfMonthText) : DayOfMonthSet()
        let months = Set(try values(of: monthText, field: .month))
        let daysOfWeek = daySelection == .dayOfWeek ? try eventBridgeDaysOfWeek(dayOfWeekText) : DayOfWeekSet()
        let years = Set(try values(of: yearText, field: .year)).sorted()
        // `L` alone (Saturday) counts as a rule too: it is not a plain list of weekdays.
        let usesDayOfWeekRules = dayOfWeekText.uppercased().contains { $0 == "L" || $0 == "#" }
        return CronExpression(
            dialect: .eventBridge,
            minutes: minutes.sorted(),
            hours: hours.sorted(),
            daysOfMonth: daysOfMonth,
            months: months,
            daysOfWeek: daysOfWeek,
            years: years,
            daySelection: daySelection,
            daylightSaving: .skipMissingTime,
            eventBridgeFields: EventBridgeCronFields(
                minutes: Set(minutes),
                hours: Set(hours),
                isDayOfMonthWildcard: dayOfMonthText == "*",
                isDayOfWeekWildcard: dayOfWeekText == "*",
                isMonthWildcard: monthText == "*",
                isYearWildcard: yearText == "*",
                plainWeekdays: daySelection == .dayOfWeek && !usesDayOfWeekRules ? daysOfWeek.weekdays : nil)
        )
    }

    /// Parses a Unix cron line: minute hour day-of-month month day-of-week.
    static func parseUnix(_ line: String) throws(ScheduleError) -> CronExpression {
        let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else {
            let hint = fields.count == 6 ? "; EventBridge's 6-field form is written cron(...)" : ""
            throw ScheduleError(
                "a cron line needs 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)"
                    + hint)
        }
        let (minuteText, hourText, dayOfMonthText, monthText, dayOfWeekText) =
            (fields[0], fields[1], fields[2], fields[3], fields[4])
        for (text, field) in zip(fields, [Field.minute, .hour, .unixDayOfMonth, .month, .unixDayOfWeek]) {
            for marker in ["?", "#"] where text.contains(marker) {
                throw ScheduleError(
                    "\(field.name) field '\(text)': '\(marker)' is only allowed in EventBridge cron(...)")
            }
        }
        // Vixie cron: a field starting with `*` is unrestricted, even `*/2`. When neither day
        // field is, a day matching either one runs.
        let eitherDayField = !dayOfMonthText.hasPrefix("*") && !dayOfWeekText.hasPrefix("*")
        return CronExpression(
            dialect: .unix,
            minutes: try values(of: minuteText, field: .minute).sorted(),
            hours: try values(of: hourText, field: .hour).sorted(),
            daysOfMonth: DayOfMonthSet(days: Set(try values(of: dayOfMonthText, field: .unixDayOfMonth))),
            months: Set(try values(of: monthText, field: .month)),
            // 7 is Sunday too.
            daysOfWeek: DayOfWeekSet(
                weekdays: Set(try values(of: dayOfWeekText, field: .unixDayOfWeek).map { $0 % 7 })),
            years: nil,
            daySelection: eitherDayField ? .either : .both,
            // Vixie cron and cronie: a job whose minute or hour field starts with `*` is a
            // wildcard job; any other (`30 2`, `0 1-5/2`, `5/10 3`) is a fixed-time job.
            daylightSaving: minuteText.hasPrefix("*") || hourText.hasPrefix("*") ? .everyWallTime : .catchUpMissingTime,
            eventBridgeFields: nil
        )
    }

    // MARK: - Fields

    /// What one field accepts.
    struct Field {
        let name: String
        let bounds: ClosedRange<Int>
        /// Names for consecutive values starting at `firstNamedValue`.
        var names: [String] = []
        var firstNamedValue = 0
        /// What the error message says is allowed.
        let allowed: String

        static let minute = Field(name: "minute", bounds: 0...59, allowed: "0-59")
        static let hour = Field(name: "hour", bounds: 0...23, allowed: "0-23")
        static let eventBridgeDayOfMonth = Field(
            name: "day-of-month", bounds: 1...31, allowed: "1-31, L, L-n, nW or LW")
        static let unixDayOfMonth = Field(name: "day-of-month", bounds: 1...31, allowed: "1-31")
        static let month = Field(
            name: "month", bounds: 1...12,
            names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
            firstNamedValue: 1, allowed: "1-12 or JAN-DEC")
        static let eventBridgeDayOfWeek = Field(
            name: "day-of-week", bounds: 1...7, names: weekdayNames, firstNamedValue: 1,
            allowed: "1-7 or SUN-SAT")
        static let unixDayOfWeek = Field(
            name: "day-of-week", bounds: 0...7, names: weekdayNames, firstNamedValue: 0,
            allowed: "0-7 or SUN-SAT")
        static let year = Field(name: "year", bounds: 1970...2199, allowed: "1970-2199")

        private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

        /// E.g. "minute field '5,*/0': in '*/0': step '0' must be 1-59".
        func error(_ fieldText: String, item: String, _ problem: String) -> ScheduleError {
            ScheduleError("\(name) field '\(fieldText)': " + (item == fieldText ? "" : "in '\(item)': ") + problem)
        }

        /// E.g. "day-of-week field '1,9': '9' must be 1-7 or SUN-SAT".
        func valueError(_ fieldText: String, value: String) -> ScheduleError {
            ScheduleError(
                "\(name) field '\(fieldText)': " + (value == fieldText ? "" : "'\(value)' ") + "must be \(allowed)")
        }
    }

    /// The list items of a field, each checked for being non-empty and not a stray `?`.
    private static func items(of text: String, field: Field) throws(ScheduleError) -> [String] {
        let items = text.uppercased().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for item in items {
            if item.isEmpty { throw field.error(text, item: text, "has an empty item in its list") }
            if item.contains("?") {
                let place =
                    field.name == "day-of-month" || field.name == "day-of-week"
                    ? "must be the whole field" : "is only allowed in day-of-month or day-of-week"
                throw field.error(text, item: text, "'?' \(place)")
            }
        }
        return items
    }

    /// The values of a field made only of numbers, names, `*`, ranges, lists and steps.
    private static func values(of text: String, field: Field) throws(ScheduleError) -> [Int] {
        var result: [Int] = []
        for item in try items(of: text, field: field) {
            result += try values(ofItem: item, field: field, fieldText: text)
        }
        return result
    }

    /// `*`, `v`, `a-b`, `*/n`, `a-b/n` or `a/n` (from a to the field's end).
    private static func values(ofItem item: String, field: Field, fieldText: String) throws(ScheduleError) -> [Int] {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw field.error(fieldText, item: item, "has more than one '/'") }
        let base = parts[0]
        var step = 1
        if parts.count == 2 {
            let span = field.bounds.upperBound - field.bounds.lowerBound
            guard let parsed = Int(parts[1]), (1...span).contains(parsed) else {
                throw field.error(fieldText, item: item, "step '\(parts[1])' must be 1-\(span)")
            }
            step = parsed
        }
        let range: ClosedRange<Int>
        if base == "*" {
            range = field.bounds
        } else if base.contains("-") {
            let ends = base.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else {
                throw field.error(fieldText, item: item, "'\(base)' is not a range like 1-5")
            }
            let start = try value(ends[0], field: field, fieldText: fieldText)
            let end = try value(ends[1], field: field, fieldText: fieldText)
            guard start <= end else {
                throw field.error(fieldText, item: item, "range '\(base)' runs backwards; write it as a list")
            }
            range = start...end
        } else if base.isEmpty {
            throw field.error(fieldText, item: item, "a value is missing before '/'")
        } else {
            let single = try value(base, field: field, fieldText: fieldText)
            range = parts.count == 2 ? single...field.bounds.upperBound : single...single
        }
        return Array(stride(from: range.lowerBound, through: range.upperBound, by: step))
    }

    /// A number within the field's bounds, or one of its names.
    private static func value(_ token: String, field: Field, fieldText: String) throws(ScheduleError) -> Int {
        if token.allSatisfy(\.isASCIIDigit), let number = Int(token), field.bounds.contains(number) {
            return number
        }
        if let index = field.names.firstIndex(of: token) { return field.firstNamedValue + index }
        throw field.valueError(fieldText, value: token)
    }

    // MARK: - EventBridge day fields

    /// Day-of-month values plus `L`, `L-n`, `nW` and `LW`.
    private static func eventBridgeDaysOfMonth(_ text: String) throws(ScheduleError) -> DayOfMonthSet {
        let field = Field.eventBridgeDayOfMonth
        var set = DayOfMonthSet()
        for item in try items(of: text, field: field) {
            if item == "L" {
                set.rules.append(.last(offset: 0))
            } else if item == "LW" {
                set.rules.append(.lastWeekday)
            } else if item.hasPrefix("L-") {
                guard let offset = Int(item.dropFirst(2)), (0...30).contains(offset) else {
                    throw field.error(text, item: item, "'L-n' needs n 0-30 (days before the last day of the month)")
                }
                set.rules.append(.last(offset: offset))
            } else if item.hasSuffix("W") {
                guard let day = Int(item.dropLast()), (1...31).contains(day) else {
                    throw field.error(text, item: item, "'nW' needs a day 1-31 before 'W'")
                }
                set.rules.append(.nearestWeekday(to: day))
            } else {
                set.days.formUnion(try values(ofItem: item, field: field, fieldText: text))
            }
        }
        return set
    }

    /// Day-of-week values (1 = SUN … 7 = SAT) plus `L` (Saturday), `nL` and `n#k`.
    private static func eventBridgeDaysOfWeek(_ text: String) throws(ScheduleError) -> DayOfWeekSet {
        let field = Field.eventBridgeDayOfWeek
        var set = DayOfWeekSet()
        for item in try items(of: text, field: field) {
            if item.contains("#") {
                let parts = item.split(separator: "#", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, let week = Int(parts[1]), (1...5).contains(week) else {
                    throw field.error(text, item: item, "the week after '#' must be 1-5")
                }
                let weekday = try value(parts[0], field: field, fieldText: text) - 1
                set.rules.append(.nth(weekday: weekday, week: week))
            } else if item == "L" {
                set.weekdays.insert(6)
            } else if item.hasSuffix("L") {
                let weekday = try value(String(item.dropLast()), field: field, fieldText: text) - 1
                set.rules.append(.lastInMonth(weekday: weekday))
            } else {
                set.weekdays.formUnion(try values(ofItem: item, field: field, fieldText: text).map { $0 - 1 })
            }
        }
        return set
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
