import Foundation

/// The one place text is shortened for where it goes: a digest line's cause (160 characters),
/// Slack's 3,000-character sections and 150-character header, SNS's Subject under 100.
public enum TextCut {
    /// `text` cut to at most `limit` characters, ending in `ellipsis` when cut. Line breaks are
    /// kept, whitespace before the ellipsis is dropped, and an escape sequence (`&amp;`, `&lt;`,
    /// `&gt;`) is never split. `measure` counts the characters as the receiver does (default:
    /// Swift's characters; SNS's Subject passes UTF-16 units); whole characters are always kept.
    public static func cut(
        _ text: String, to limit: Int, ellipsis: String = "…", measure: (String) -> Int = { $0.count }
    ) -> String {
        guard measure(text) > limit else { return text }
        var kept = String(text.prefix(max(0, limit - ellipsis.count)))
        while !kept.isEmpty, measure(kept) + measure(ellipsis) > limit { kept.removeLast() }
        if let ampersand = kept.lastIndex(of: "&"), !kept[ampersand...].contains(";"),
            text[ampersand...].prefix(5).contains(";")
        {
            kept = String(kept[..<ampersand])
        }
        while let last = kept.last, last.isWhitespace { kept.removeLast() }
        return kept + ellipsis
    }
}
