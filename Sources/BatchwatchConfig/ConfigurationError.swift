import Foundation

/// A mistake in the configuration, located by file, line and key path.
///
/// `description` is `file:line: keyPath: message`; the line and key path are left out when
/// they are not known (an unreadable file, a YAML syntax error without a position).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file as it was named to the loader.
    public let file: String
    /// The 1-based line of the offending key or value, when known.
    public let line: Int?
    /// Where in the document, e.g. `jobs[2].schedule` or `notify.slack.webhook_url`.
    public let keyPath: String?
    /// What is wrong, in words a user understands. Never contains a secret.
    public let message: String

    /// Creates an error; pass `nil` for a line or key path that is not known.
    public init(file: String, line: Int?, keyPath: String?, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    /// `file:line: keyPath: message`, without the parts that are not known.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let keyPath, !keyPath.isEmpty { text += ": \(keyPath)" }
        return text + ": " + message
    }
}
