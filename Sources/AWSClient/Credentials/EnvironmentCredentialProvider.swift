import Foundation

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialProvider: CredentialProvider {
    static let sourceName = "environment"
    private let environment: [String: String]

    /// Creates a provider reading `environment`.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The keys from the environment; one key without the other is an error.
    public func credentials() async throws -> AWSCredentials {
        let accessKey = value("AWS_ACCESS_KEY_ID")
        let secretKey = value("AWS_SECRET_ACCESS_KEY")
        switch (accessKey, secretKey) {
        case (nil, nil):
            throw CredentialError.notConfigured(source: Self.sourceName, reason: "AWS_ACCESS_KEY_ID is not set")
        case (_, nil):
            throw CredentialError.failed(
                source: Self.sourceName, reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is missing")
        case (nil, _):
            throw CredentialError.failed(
                source: Self.sourceName, reason: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is missing")
        case (let accessKey?, let secretKey?):
            return AWSCredentials(
                accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: value("AWS_SESSION_TOKEN"))
        }
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
