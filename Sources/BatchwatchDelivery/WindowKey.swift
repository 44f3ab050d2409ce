import BatchwatchCheck
import Foundation

/// How delivery names a check window: its instants (the key of the state file and the spool)
/// and its first local day (the header and the Chatbot thread).
struct WindowKey: Hashable, Codable, Sendable {
    /// The window's start and end as UTC ISO 8601 instants.
    var from: String
    var to: String

    init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    init(_ window: CheckWindow) {
        from = Self.instant(window.from)
        to = Self.instant(window.to)
    }

    /// `20261119T150000Z-20261120T150000Z`: the key as a file-name part.
    var fileNamePart: String {
        [from, to].map { $0.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") }
            .joined(separator: "-")
    }

    /// `2026-11-19T15:00:00Z`.
    static func instant(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Reads an instant written by `instant(_:)`.
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
