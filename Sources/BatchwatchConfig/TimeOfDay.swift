import Foundation
import Schedules

/// A wall-clock time of day, `HH:MM` (a job's `finish_by`).
public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// `07:00` or `7:00`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    /// `07:00`.
    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// The first instant at or after `start` at which the wall clock of `timeZone` shows this
    /// time. On a day when the time does not exist (spring forward) it is the first instant after
    /// the gap; when it happens twice (fall back), its first instant that is not before `start`.
    public func firstInstant(atOrAfter start: Date, in timeZone: TimeZone) -> Date {
        var day = LocalDay(containing: start, in: timeZone)
        while true {
            if let instant = instants(on: day, in: timeZone).first(where: { $0 >= start }) { return instant }
            day = day.next
        }
    }

    /// The instants of this time on `day`, ascending: one, two (a repeated hour), or the first
    /// instant after the gap when the time is skipped.
    func instants(on day: LocalDay, in timeZone: TimeZone) -> [Date] {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let wall = utc.date(
            from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))!
        // Every offset the zone uses around that day: before, at and after it.
        let offsets = Set(
            [-86_400.0, 0, 86_400].map { TimeInterval(timeZone.secondsFromGMT(for: wall.addingTimeInterval($0))) })
        let valid = offsets.map { wall.addingTimeInterval(-$0) }
            .filter { TimeInterval(timeZone.secondsFromGMT(for: $0)) == wall.timeIntervalSince($0) }
            .sorted()
        if !valid.isEmpty { return valid }
        // Skipped: the clock jumps over it; the first instant after the jump.
        let earliest = wall.addingTimeInterval(-(offsets.max() ?? 0))
        return [
            timeZone.nextDaylightSavingTimeTransition(after: earliest) ?? wall.addingTimeInterval(-(offsets.min() ?? 0))
        ]
    }
}
