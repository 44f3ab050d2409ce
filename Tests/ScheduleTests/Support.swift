import Foundation
import Schedules

/// The instant written as ISO 8601 with an offset, e.g. "2026-03-08T05:00:00Z".
func instant(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}

/// The instants written as ISO 8601.
func instants(_ texts: [String]) -> [Date] { texts.map(instant) }

func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("unknown zone \(identifier)") }
    return zone
}

/// Occurrences of `expression` in `[from, to)`, both written as ISO 8601.
func occurrences(_ expression: String, from: String, to: String, in zoneName: String = "UTC") throws -> [Date] {
    try Schedule(parsing: expression).occurrences(from: instant(from), to: instant(to), in: zone(zoneName))
}
