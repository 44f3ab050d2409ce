/// A day of the proleptic Gregorian calendar, counted in days since 1970-01-01.
///
/// Plain integer arithmetic (Howard Hinnant's civil-date algorithms), so that walking the days of
/// a window never goes through `Calendar` and never depends on a time zone.
struct CivilDay: Hashable, Sendable, Comparable {
    /// Days since 1970-01-01 (negative before it).
    let number: Int
    let year: Int
    /// 1 = January … 12 = December.
    let month: Int
    /// 1 … 31.
    let day: Int

    init(number: Int) {
        let shifted = number + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        self.number = number
        self.day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        self.month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        self.year = yearOfEra + era * 400 + (self.month <= 2 ? 1 : 0)
    }

    init(year: Int, month: Int, day: Int) {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        self.init(number: era * 146_097 + dayOfEra - 719_468)
    }

    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int { ((number % 7) + 7 + 4) % 7 }

    var daysInMonth: Int { Self.daysIn(year: year, month: month) }

    /// The first day of the following month.
    var firstOfNextMonth: CivilDay {
        month == 12 ? CivilDay(year: year + 1, month: 1, day: 1) : CivilDay(year: year, month: month + 1, day: 1)
    }

    /// Seconds from 1970-01-01T00:00 to this day's 00:00 on the same wall clock.
    var wallSecondsAtMidnight: Int { number * 86_400 }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func < (lhs: CivilDay, rhs: CivilDay) -> Bool { lhs.number < rhs.number }
}
