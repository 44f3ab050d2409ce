import Foundation

/// How the user chose the window: `--date`, `--from`/`--to`, or the 24 hours ending at now.
public enum WindowSelection: Sendable, Equatable {
    case lastDay
    /// A calendar day, `YYYY-MM-DD`, in the configuration's timezone.
    case date(String)
    case range(from: String, to: String)

    /// The window this selection means at `now` in `timeZone`; throws a message for bad input.
    public func resolve(now: Date, timeZone: TimeZone) throws(WindowError) -> CheckWindow {
        switch self {
        case .lastDay:
            return CheckWindow(from: now.addingTimeInterval(-86_400), to: now, timeZone: timeZone)
        case .date(let text):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard text.count == 10, parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
                let start = calendar.date(from: DateComponents(year: year, month: month, day: day)),
                calendar.dateComponents([.year, .month, .day], from: start) == DateComponents(year: year, month: month, day: day),
                let end = calendar.date(byAdding: .day, value: 1, to: start)
            else {
                throw WindowError("--date '\(text)': expected a calendar date YYYY-MM-DD")
            }
            return CheckWindow(from: start, to: end, timeZone: timeZone)
        case .range(let fromText, let toText):
            let from = try Self.instant(fromText, option: "--from")
            let to = try Self.instant(toText, option: "--to")
            guard from < to else { throw WindowError("--from \(fromText) must be before --to \(toText)") }
            return CheckWindow(from: from, to: to, timeZone: timeZone)
        }
    }

    /// Parses an ISO 8601 instant with an offset (`2026-11-20T08:30:00+09:00`, `…Z`, fractional seconds allowed).
    public static func instant(_ text: String, option: String) throws(WindowError) -> Date {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else {
            throw WindowError("\(option) '\(text)': expected an ISO 8601 instant with offset, e.g. 2026-11-20T08:30:00+09:00")
        }
        return date
    }
}

/// A window option that cannot be read.
public struct WindowError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
