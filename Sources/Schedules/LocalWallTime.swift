import Foundation

/// Turns wall-clock times in a time zone into instants, seeing daylight-saving gaps and repeats.
///
/// Only `TimeZone.secondsFromGMT(for:)` is used: every UTC offset that is in force near a wall time
/// is tried, and the instants that round-trip are kept. None means the wall time does not exist
/// (spring forward); two mean it happens twice (fall back). `Calendar.date(from:)` is not used,
/// because its choice for such times differs between platforms.
struct LocalWallTime {
    let timeZone: TimeZone

    /// Seconds east of UTC in force at `instant` (seconds since the epoch).
    func offset(atInstant instant: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    /// The local day that holds `date`.
    func localDay(of date: Date) -> CivilDay {
        let instant = Int(date.timeIntervalSince1970.rounded(.down))
        let wall = instant + offset(atInstant: instant)
        return CivilDay(number: wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400)
    }

    /// Every distinct offset (seconds east of UTC) in force while the wall clock shows `day`.
    /// Offsets lie within ±14 hours, so the instants of that day lie between its midnight less
    /// 14 hours and its end plus 14 hours; the offset is sampled every 3 hours over that span
    /// (no zone changes its offset twice within 3 hours).
    func offsets(for day: CivilDay) -> [Int] {
        let first = day.wallSecondsAtMidnight - 14 * 3600
        let last = day.wallSecondsAtMidnight + 86_400 + 14 * 3600
        var found: [Int] = []
        for instant in stride(from: first, through: last, by: 3 * 3600) {
            let offset = offset(atInstant: instant)
            if !found.contains(offset) { found.append(offset) }
        }
        return found
    }

    /// The instants (seconds since the epoch, ascending) at which the wall clock shows
    /// `wallSeconds` (seconds since 1970-01-01T00:00 on the wall clock): none, one or two.
    func instants(atWallSeconds wallSeconds: Int, offsets: [Int]) -> [Int] {
        if offsets.count == 1 { return [wallSeconds - offsets[0]] }
        return
            offsets
            .map { wallSeconds - $0 }
            .filter { wallSeconds - offset(atInstant: $0) == $0 }
            .sorted()
    }

    /// The first instant at which the wall clock shows `wallSeconds`; when that wall time does
    /// not exist (spring forward), the first instant after the change, when the clock jumps
    /// over it. `offsets` are those of the day that holds the wall time (`offsets(for:)`).
    func firstInstant(atOrAfterWallSeconds wallSeconds: Int, offsets: [Int]) -> Int {
        if let first = instants(atWallSeconds: wallSeconds, offsets: offsets).first { return first }
        // The wall time lies in a gap: the clock shows less than it at `low` and more at `high`.
        // The change is the first instant that shows more.
        guard var low = offsets.max().map({ wallSeconds - $0 }), var high = offsets.min().map({ wallSeconds - $0 })
        else { return wallSeconds }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(atInstant: middle) > wallSeconds { high = middle } else { low = middle }
        }
        return high
    }

    /// The first instant of the local `day`: its midnight, or when midnight is skipped
    /// (spring forward at 00:00), the instant the clock jumps past it.
    func firstInstant(of day: CivilDay) -> Int {
        firstInstant(atOrAfterWallSeconds: day.wallSecondsAtMidnight, offsets: offsets(for: day))
    }
}
