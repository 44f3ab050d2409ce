import Foundation

/// Tries credential sources in order and uses the first one that is set up. A source that is
/// set up but fails stops the chain with its error; when none is set up, the error lists each
/// source and why it did not apply.
public struct CredentialProviderChain: CredentialProvider {
    public let providers: [any CredentialProvider]

    /// A chain over `providers`, first to last.
    public init(_ providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// The AWS CLI's order: environment, web identity, shared config profile, container
    /// endpoint, EC2 instance metadata. `sts` (its credentials unused) makes the STS calls.
    public static func standard(
        environment: [String: String], homeDirectory: String, sts: AWSClient
    ) -> CredentialProviderChain {
        CredentialProviderChain([
            EnvironmentCredentialProvider(environment: environment),
            WebIdentityCredentialProvider(environment: environment, sts: sts),
            ProfileCredentialProvider(environment: environment, homeDirectory: homeDirectory, sts: sts),
            ContainerCredentialProvider(environment: environment, transport: sts.transport),
            InstanceMetadataCredentialProvider(environment: environment, transport: sts.transport, logger: sts.logger),
        ])
    }

    /// The credentials of the first source that is set up.
    public func credentials() async throws -> AWSCredentials {
        var tried: [String] = []
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch CredentialError.notConfigured(let source, let reason) {
                tried.append("\(source) (\(reason))")
            }
        }
        throw CredentialError.noneFound(tried: tried)
    }
}
