import Foundation
import Schedules

/// How a job's written `schedule:` differs from the schedules AWS itself runs for its state machine,
/// compared by their expected starts over a span (default the next 14 days).
public struct ScheduleDrift: Sendable, Equatable {
    /// Starts the configuration expects that no enabled AWS schedule makes, ascending.
    public var onlyConfigured: [Date]
    /// Starts the enabled AWS schedules make that the configuration does not expect, ascending.
    public var onlyInAWS: [Date]

    /// The span compared by default.
    public static let defaultSpan: TimeInterval = 14 * 86_400

    /// Creates a drift from its two lists.
    public init(onlyConfigured: [Date], onlyInAWS: [Date]) {
        self.onlyConfigured = onlyConfigured
        self.onlyInAWS = onlyInAWS
    }

    /// `nil` when `configured` (read in `timeZone`) and the enabled, usable schedules of `discovered`
    /// (each in its own zone, within its start and end dates) give the same starts in
    /// `[start, start + span)`; otherwise the starts that differ. Disabled and unusable schedules
    /// count for nothing, so a state machine whose every schedule is disabled drifts from any
    /// configured schedule that runs in the span. Flexible windows are not compared.
    public static func compare(
        configured: Schedule, timeZone: TimeZone, discovered: [DiscoveredSchedule], from start: Date,
        span: TimeInterval = defaultSpan
    ) -> ScheduleDrift? {
        let end = start.addingTimeInterval(span)
        let expected = Set(configured.occurrences(from: start, to: end, in: timeZone))
        let actual = Set(discovered.filter(\.isEnabled).flatMap { $0.occurrences(from: start, to: end) })
        guard expected != actual else { return nil }
        return ScheduleDrift(
            onlyConfigured: expected.subtracting(actual).sorted(), onlyInAWS: actual.subtracting(expected).sorted())
    }

    /// One line for a digest, times in `timeZone`: `the configuration expects 14 starts that AWS
    /// does not make (first 2026-11-20 02:00 +09:00); AWS makes 14 starts the configuration does not
    /// expect (first 2026-11-20 03:00 +09:00)`.
    public func summary(in timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm xxx"
        func starts(_ count: Int) -> String { count == 1 ? "1 start" : "\(count) starts" }
        var parts: [String] = []
        if let first = onlyConfigured.first {
            parts.append(
                "the configuration expects \(starts(onlyConfigured.count)) that AWS does not make "
                    + "(first \(formatter.string(from: first)))")
        }
        if let first = onlyInAWS.first {
            parts.append(
                "AWS makes \(starts(onlyInAWS.count)) that the configuration does not expect "
                    + "(first \(formatter.string(from: first)))")
        }
        return parts.joined(separator: "; ")
    }
}
