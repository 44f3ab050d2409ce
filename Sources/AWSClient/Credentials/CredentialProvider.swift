import Foundation

/// A source of AWS credentials.
public protocol CredentialProvider: Sendable {
    /// The credentials to sign with now. Throws `CredentialError.notConfigured` when this
    /// source is not set up at all, and another error when it is set up but fails.
    func credentials() async throws -> AWSCredentials
}

/// Why credentials could not be found. Never carries a secret.
public enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source is not set up (no variables, no profile, no metadata service); a chain moves on.
    case notConfigured(source: String, reason: String)
    /// The source is set up but is wrong or failed (partial keys, unreadable token file, bad answer).
    case failed(source: String, reason: String)
    /// No source of a chain was set up; each entry says what was tried and why it did not apply.
    case noneFound(tried: [String])

    public var description: String {
        switch self {
        case .notConfigured(let source, let reason):
            return "\(source) credentials not configured: \(reason)"
        case .failed(let source, let reason):
            return "\(source) credentials failed: \(reason)"
        case .noneFound(let tried):
            return "no AWS credentials found; tried: " + tried.joined(separator: "; ")
        }
    }
}

/// Fixed credentials, such as keys read from a profile.
public struct StaticCredentialProvider: CredentialProvider {
    private let value: AWSCredentials

    /// Creates a provider that always returns `credentials`.
    public init(_ credentials: AWSCredentials) {
        self.value = credentials
    }

    /// The fixed credentials.
    public func credentials() async throws -> AWSCredentials { value }
}
