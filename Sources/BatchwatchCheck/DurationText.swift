import Foundation

/// Writes a duration the way the configuration does: `45m`, `2h`, `1h30m`, `90s` → `1m30s`.
public enum DurationText {
    /// Any value is safe: NaN is `0s`, and one too large for an integer is written as the largest.
    public static func describe(_ interval: TimeInterval) -> String {
        let rounded = interval.rounded()
        let total = rounded.isNaN ? 0 : Int(max(-0x1p62, min(rounded, 0x1p62)))
        let hours = total / 3600, minutes = (total % 3600) / 60, seconds = total % 60
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if seconds > 0 && hours == 0 { text += "\(seconds)s" }
        return text.isEmpty ? "0s" : text
    }
}
