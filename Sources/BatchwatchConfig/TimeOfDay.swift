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
            if let instant = day.instants(hour: hour, minute: minute, in: timeZone).first(where: { $0 >= start }) {
                return instant
            }
            day = day.next
        }
    }
}
