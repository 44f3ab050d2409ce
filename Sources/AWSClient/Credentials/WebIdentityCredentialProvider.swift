import Foundation

/// Credentials for `AWS_ROLE_ARN`, assumed with the token in `AWS_WEB_IDENTITY_TOKEN_FILE`
/// (EKS IRSA and similar) through an unsigned STS AssumeRoleWithWebIdentity.
public struct WebIdentityCredentialProvider: CredentialProvider {
    static let sourceName = "web identity"
    private let environment: [String: String]
    private let sts: AWSClient

    /// Creates a provider reading `environment` and calling STS through `sts`.
    public init(environment: [String: String], sts: AWSClient) {
        self.environment = environment
        self.sts = sts
    }

    /// Reads the token file afresh (it rotates) and assumes the role. The session name is
    /// `AWS_ROLE_SESSION_NAME`, else `batchwatch-<epoch seconds>`.
    public func credentials() async throws -> AWSCredentials {
        let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE")
        let roleArn = value("AWS_ROLE_ARN")
        guard let tokenFile, let roleArn else {
            if tokenFile == nil && roleArn == nil {
                throw CredentialError.notConfigured(
                    source: Self.sourceName, reason: "AWS_WEB_IDENTITY_TOKEN_FILE is not set")
            }
            let missing = tokenFile == nil ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN"
            throw CredentialError.failed(source: Self.sourceName, reason: "\(missing) is not set")
        }
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        } catch {
            throw CredentialError.failed(source: Self.sourceName, reason: "cannot read the token file \(tokenFile)")
        }
        guard !token.isEmpty else {
            throw CredentialError.failed(source: Self.sourceName, reason: "the token file \(tokenFile) is empty")
        }
        let sessionName = value("AWS_ROLE_SESSION_NAME") ?? "batchwatch-\(Int(sts.clock.now().timeIntervalSince1970))"
        do {
            return try await sts.assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: sessionName, token: token)
        } catch let error as AWSError {
            throw CredentialError.failed(source: Self.sourceName, reason: error.description)
        }
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }
}
