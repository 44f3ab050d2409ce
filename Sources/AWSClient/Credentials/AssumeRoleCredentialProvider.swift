import Foundation

/// Credentials of a role in another account, from STS AssumeRole signed with the base
/// credentials (`sts`'s provider) at the STS endpoint of `sts`'s Region (`AWS_ENDPOINT_URL_STS`
/// still wins). Wrap it in a `CachingCredentialProvider` to keep and refresh them.
public struct AssumeRoleCredentialProvider: CredentialProvider {
    /// The session name batchwatch assumes roles with, so CloudTrail in member accounts says who it was.
    public static let sessionName = "batchwatch"

    let sts: AWSClient
    let roleArn: String
    let externalId: String?

    /// Assumes `roleArn` (with `externalId` when given) through `sts`.
    public init(sts: AWSClient, roleArn: String, externalId: String?) {
        self.sts = sts
        self.roleArn = roleArn
        self.externalId = externalId
    }

    public func credentials() async throws -> AWSCredentials {
        try await sts.assumeRole(
            roleArn: roleArn, sessionName: Self.sessionName, externalId: externalId, durationSeconds: nil)
    }
}

extension AWSClient {
    /// STS GetCallerIdentity: the 12-digit account of this client's credentials.
    public func callerAccount() async throws -> String {
        let root = try await query(.sts, action: "GetCallerIdentity", version: Self.stsVersion, parameters: [])
        guard let account = root.text(at: "GetCallerIdentityResult/Account"), account.count == 12 else {
            throw AWSError(
                kind: .unreadableResponse, message: "the response has no GetCallerIdentityResult/Account",
                service: "sts", operation: "GetCallerIdentity")
        }
        return account
    }
}
