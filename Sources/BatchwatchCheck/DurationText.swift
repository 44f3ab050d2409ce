import BatchwatchConfig
import Foundation

/// Writes a duration the way the configuration does: `45m`, `2h`, `1h30m`, `90s` → `1m30s`;
/// in Japanese `45分`, `1時間30分`.
public enum DurationText {
    /// Any value is safe: NaN is `0s`, and one too large for an integer is written as the largest.
    public static func describe(_ interval: TimeInterval, in language: DigestLanguage = .en) -> String {
        let rounded = interval.rounded()
        let total = rounded.isNaN ? 0 : Int(max(-0x1p62, min(rounded, 0x1p62)))
        let hours = total / 3600
        let minutes = (total % 3600) / 60
        let seconds = total % 60
        func unit(_ key: DigestKey, _ value: Int) -> String { DigestStrings.format(key, language, ["n": "\(value)"]) }
        var text = ""
        if hours > 0 { text += unit(.durationHours, hours) }
        if minutes > 0 { text += unit(.durationMinutes, minutes) }
        if seconds > 0 && hours == 0 { text += unit(.durationSeconds, seconds) }
        return text.isEmpty ? unit(.durationSeconds, 0) : text
    }
}
