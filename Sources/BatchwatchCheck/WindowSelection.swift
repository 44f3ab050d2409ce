import Foundation
import Schedules

/// How the user chose the window: `--date`, `--from`/`--to`, or the 24 hours ending at now.
public enum WindowSelection: Sendable, Equatable {
    case lastDay
    /// A calendar day, `YYYY-MM-DD`, in the configuration's timezone.
    case date(String)
    case range(from: String, to: String)

    /// The longest window `--from`/`--to` may give: a check reads every execution in it.
    public static let longestWindowDays = 31

    /// The window this selection means at `now` in `timeZone`; throws a message for bad input.
    /// A day runs from its first instant to the next day's first instant. A window that begins
    /// after `now` is refused.
    public func resolve(now: Date, timeZone: TimeZone) throws(WindowError) -> CheckWindow {
        switch self {
        case .lastDay:
            return CheckWindow(from: now.addingTimeInterval(-86_400), to: now, timeZone: timeZone)
        case .date(let text):
            guard let day = Self.day(text) else {
                throw WindowError("--date '\(text)': expected a calendar date YYYY-MM-DD")
            }
            let start = day.firstInstant(in: timeZone)
            guard start <= now else {
                throw WindowError(
                    "--date \(text): that day has not begun (it begins at \(Self.format(start, in: timeZone)), "
                        + "now is \(Self.format(now, in: timeZone)))")
            }
            return CheckWindow(from: start, to: day.next.firstInstant(in: timeZone), timeZone: timeZone)
        case .range(let fromText, let toText):
            let from = try Self.instant(fromText, option: "--from")
            let to = try Self.instant(toText, option: "--to")
            guard from < to else { throw WindowError("--from \(fromText) must be before --to \(toText)") }
            guard to.timeIntervalSince(from) <= TimeInterval(Self.longestWindowDays * 86_400) else {
                throw WindowError(
                    "--from \(fromText) --to \(toText): the window is longer than \(Self.longestWindowDays) days; "
                        + "check a long period in several runs")
            }
            guard from <= now else {
                throw WindowError(
                    "--from \(fromText): that window has not begun (now is \(Self.format(now, in: timeZone)))")
            }
            return CheckWindow(from: from, to: to, timeZone: timeZone)
        }
    }

    /// Parses an RFC 3339 instant: `2026-11-20T08:30:00+09:00` or `…Z`, fractional seconds
    /// allowed. The date must exist, the time be 00:00:00-23:59:59 and the offset within ±14:00.
    public static func instant(_ text: String, option: String) throws(WindowError) -> Date {
        let expected = "expected an ISO 8601 instant with offset, e.g. 2026-11-20T08:30:00+09:00"
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ (48...57).contains(bytes[$0]) }) else {
                return nil
            }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        func byte(_ index: Int, is characters: String) -> Bool {
            index < bytes.count && characters.utf8.contains(bytes[index])
        }
        guard let year = number(0..<4), byte(4, is: "-"), let month = number(5..<7), byte(7, is: "-"),
            let dayOfMonth = number(8..<10), byte(10, is: "Tt"), let hour = number(11..<13), byte(13, is: ":"),
            let minute = number(14..<16), byte(16, is: ":"), let second = number(17..<19)
        else { throw WindowError("\(option) '\(text)': \(expected)") }

        var index = 19
        var fraction = 0.0
        if byte(index, is: ".") {
            let digitsStart = index + 1
            index = digitsStart
            while byte(index, is: "0123456789") { index += 1 }
            guard index > digitsStart,
                let value = Double("0." + String(decoding: bytes[digitsStart..<index], as: UTF8.self))
            else { throw WindowError("\(option) '\(text)': \(expected)") }
            fraction = value
        }
        let offsetSeconds: Int
        if byte(index, is: "Zz"), index + 1 == bytes.count {
            offsetSeconds = 0
        } else if byte(index, is: "+-"), index + 6 == bytes.count, let offsetHours = number(index + 1..<index + 3),
            byte(index + 3, is: ":"), let offsetMinutes = number(index + 4..<index + 6)
        {
            let offsetText = String(decoding: bytes[index...], as: UTF8.self)
            guard offsetMinutes < 60, offsetHours * 60 + offsetMinutes <= 14 * 60 else {
                throw WindowError("\(option) '\(text)': the offset \(offsetText) is not one in use (-14:00 to +14:00)")
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            throw WindowError("\(option) '\(text)': \(expected)")
        }

        guard let day = LocalDay(year: year, month: month, day: dayOfMonth), year >= 1 else {
            throw WindowError("\(option) '\(text)': \(text.prefix(10)) is not a calendar date")
        }
        guard hour < 24, minute < 60, second < 60 else {
            throw WindowError(
                "\(option) '\(text)': \(text.dropFirst(11).prefix(8)) is not a time of day (00:00:00-23:59:59)")
        }
        let seconds = hour * 3600 + minute * 60 + second - offsetSeconds
        return day.firstInstant(in: .gmt).addingTimeInterval(TimeInterval(seconds) + fraction)
    }

    /// `2026-11-20` as a day of the calendar, or nil.
    private static func day(_ text: String) -> LocalDay? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.map(\.utf8.count) == [4, 2, 2],
            parts.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1
        else { return nil }
        return LocalDay(year: year, month: month, day: day)
    }

    /// `2026-11-20T00:00:00+09:00`.
    private static func format(_ date: Date, in timeZone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        return formatter.string(from: date)
    }
}

/// A window option that cannot be read.
public struct WindowError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
