import Foundation

/// A secret value (webhook URL, bot token, heartbeat URL) that never shows itself in text.
///
/// `description`, `debugDescription` and reflection (`dump`, string interpolation) all give a
/// masked form such as `https://hooks.slack.com/services/T0…/…` or `xoxb-…`. Only `revealed`
/// gives the value, for the code that must send it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps `value`.
    public init(_ value: String) {
        self.value = value
    }

    /// The real value. Use it only to send the request that needs it.
    public var revealed: String { value }

    /// The masked form: scheme, host and a hint of the path for URLs, the prefix for tokens.
    public var description: String { Self.mask(value) }

    /// The masked form, as `description`.
    public var debugDescription: String { description }

    /// Reflection shows the masked form only, so `dump` cannot leak the value.
    public var customMirror: Mirror {
        Mirror(self, children: ["masked": description], displayStyle: .struct)
    }

    private static func mask(_ text: String) -> String {
        if text.isEmpty { return "(empty)" }
        if let masked = maskedURL(text) { return masked }
        return maskedToken(text)
    }

    /// `https://hooks.slack.com/services/T0…/…`: scheme, host and port; a first path segment
    /// made only of letters (a route name such as `services`); two characters of the next segment.
    private static func maskedURL(_ text: String) -> String? {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, let host = components.host, !host.isEmpty
        else { return nil }
        var masked = "\(scheme)://\(host)"
        if let port = components.port { masked += ":\(port)" }
        var segments = components.path.split(separator: "/").map(String.init)
        if segments.count >= 2, segments[0].allSatisfy(\.isLetter) {
            masked += "/" + segments.removeFirst()
        }
        if let first = segments.first {
            let hint = first.count > 4 ? String(first.prefix(2)) : ""
            masked += "/\(hint)…"
            if segments.count > 1 { masked += "/…" }
        }
        if components.query != nil { masked += "?…" }
        return masked
    }

    /// `xoxb-…`: a letters-only prefix of at most four letters ending in `-` or `_` is kept,
    /// nothing else.
    private static func maskedToken(_ text: String) -> String {
        if let separator = text.prefix(5).firstIndex(where: { $0 == "-" || $0 == "_" }),
            text[..<separator].allSatisfy(\.isLetter), text.index(after: separator) < text.endIndex
        {
            return String(text[...separator]) + "…"
        }
        return "…"
    }
}
