import BatchwatchCheck
import Foundation

/// Escaping and cutting of text for the places a digest is posted to.
enum TextLimits {
    /// `text` with Slack's mrkdwn control characters `&`, `<` and `>` escaped, so that user
    /// text (job names, causes) cannot form links, mentions or broken markup.
    static func slackEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `text` escaped for Slack (`slackEscaped(_:)`), then cut to `limit` characters (`cut`).
    static func slackEscaped(_ text: String, limit: Int) -> String {
        TextCut.cut(slackEscaped(text), to: limit)
    }

    /// Whole lines of `lines`, in order, whose joined UTF-8 size stays within `maxBytes`
    /// after `reserve` bytes; returns the kept lines and how many were left out.
    static func lines(_ lines: [String], fittingIn maxBytes: Int, reserve: Int = 0) -> (kept: [String], omitted: Int) {
        var kept: [String] = []
        var used = reserve
        for line in lines {
            let size = line.utf8.count + 1
            if used + size > maxBytes { break }
            kept.append(line)
            used += size
        }
        return (kept, lines.count - kept.count)
    }

    /// One line of printable ASCII: line breaks and control characters become spaces, dashes and
    /// ellipses their ASCII forms, and any other non-ASCII character `?` (what SNS accepts in a Subject).
    static func asciiLine(_ text: String) -> String {
        var line = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{2013}", "\u{2014}": line += "-"
            case "\u{2026}": line += "..."
            case _ where scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}":
                line += " "
            case _ where scalar.isASCII: line.unicodeScalars.append(scalar)
            default: line += "?"
            }
        }
        return line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// One line of printable text in any script, for SNS's Subject in a language other than
    /// English: line breaks, other control characters and invisible format characters (bidi
    /// controls, zero-width spaces) become spaces, and runs of spaces one.
    static func printableLine(_ text: String) -> String {
        var line = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
                line += " "
            default: line.unicodeScalars.append(scalar)
            }
        }
        return line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
