import Foundation

/// A calendar day on a time zone's wall clock. It lasts from its first instant to the next
/// day's first instant, whatever the offsets: 23 or 25 hours on a daylight-saving day, and it
/// begins after midnight when midnight is skipped (Santiago, Havana).
public struct LocalDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    let civil: CivilDay

    init(_ civil: CivilDay) { self.civil = civil }

    /// The day `year-month-day`, or nil when the calendar has no such date (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...CivilDay.daysIn(year: year, month: month)).contains(day) else {
            return nil
        }
        civil = CivilDay(year: year, month: month, day: day)
    }

    /// The day the wall clock of `timeZone` shows at `date`.
    public init(containing date: Date, in timeZone: TimeZone) {
        civil = LocalWallTime(timeZone: timeZone).localDay(of: date)
    }

    public var year: Int { civil.year }
    public var month: Int { civil.month }
    public var day: Int { civil.day }

    /// The following day.
    public var next: LocalDay { LocalDay(CivilDay(number: civil.number + 1)) }

    /// The first instant of the day in `timeZone`: its midnight, or when the clock skips
    /// midnight, the instant it jumps past it.
    public func firstInstant(in timeZone: TimeZone) -> Date {
        Date(timeIntervalSince1970: TimeInterval(LocalWallTime(timeZone: timeZone).firstInstant(of: civil)))
    }

    /// The instants, ascending, at which the wall clock of `timeZone` shows `hour:minute` on this
    /// day: one, two when that hour happens twice (fall back), or, when it is skipped (spring
    /// forward), the first instant after the change.
    public func instants(hour: Int, minute: Int, in timeZone: TimeZone) -> [Date] {
        let wallTime = LocalWallTime(timeZone: timeZone)
        let offsets = wallTime.offsets(for: civil)
        let wall = civil.wallSecondsAtMidnight + hour * 3600 + minute * 60
        let instants = wallTime.instants(atWallSeconds: wall, offsets: offsets)
        let seconds =
            instants.isEmpty ? [wallTime.firstInstant(atOrAfterWallSeconds: wall, offsets: offsets)] : instants
        return seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// `2026-11-20`.
    public var description: String {
        let digits = { (value: Int, width: Int) in
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2))"
    }

    public static func < (lhs: LocalDay, rhs: LocalDay) -> Bool { lhs.civil < rhs.civil }
}
