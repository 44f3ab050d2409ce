import Foundation

/// Durations as the configuration writes them: `90s`, `30m`, `2h`, `1h30m`, `1h30m15s`.
public enum DurationSyntax {
    /// The seconds in `text`, or why it is not a duration (a message for the user).
    public static func parse(_ text: String) -> Result<TimeInterval, DurationSyntaxError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("-") {
            return .failure(DurationSyntaxError("a duration cannot be negative, found '\(text)'"))
        }
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigitOrDot) {
            return .failure(DurationSyntaxError("'\(text)' has no unit; \(example)"))
        }
        var seconds: TimeInterval = 0
        var digits = ""
        var unitsSeen: [Character] = []
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let multiplier = unitSeconds[character], !digits.isEmpty, let amount = Int(digits),
                unitsSeen.allSatisfy({ order(of: $0) < order(of: character) })
            else {
                return .failure(DurationSyntaxError("'\(text)' is not a duration; \(example)"))
            }
            seconds += TimeInterval(amount) * multiplier
            unitsSeen.append(character)
            digits = ""
        }
        guard digits.isEmpty, !unitsSeen.isEmpty else {
            return .failure(DurationSyntaxError("'\(text)' is not a duration; \(example)"))
        }
        guard seconds <= longest else {
            return .failure(
                DurationSyntaxError("'\(text)' is longer than a year (8760h), the longest duration allowed"))
        }
        return .success(seconds)
    }

    /// The longest duration a configuration may give: a year of 365 days (8760h).
    public static let longest: TimeInterval = 365 * 86_400

    /// `5400` as `1h30m`, `90` as `1m30s`, `0` as `0s`; fractions of a second are dropped.
    /// Any value is safe: one too large for an integer is written as the largest.
    public static func format(_ seconds: TimeInterval) -> String {
        guard seconds >= 1 else { return "0s" }
        var remaining = seconds < 0x1p62 ? Int(seconds.rounded(.down)) : 1 << 62
        var text = ""
        for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] where remaining >= size {
            text += "\(remaining / size)\(unit)"
            remaining %= size
        }
        return text
    }

    private static let example = "write one like 90s, 30m, 2h or 1h30m"
    private static let unitSeconds: [Character: TimeInterval] = ["h": 3600, "m": 60, "s": 1]
    private static func order(of unit: Character) -> Int { ["h": 0, "m": 1, "s": 2][unit] ?? 3 }
}

/// Why a text is not a duration.
public struct DurationSyntaxError: Error, Sendable, Equatable {
    /// A message for the user.
    public let message: String
    init(_ message: String) { self.message = message }
}

extension Character {
    fileprivate var isASCIIDigitOrDot: Bool { self == "." || (isASCII && isNumber) }
}
