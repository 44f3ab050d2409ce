import Foundation

/// Credentials of a profile in the shared files (`AWS_PROFILE`, default `default`): its keys, or
/// a role assumed with STS AssumeRole from a `source_profile` (chains followed, cycles refused)
/// or a `credential_source` (`Environment`, `EcsContainer`, `Ec2InstanceMetadata`).
public struct ProfileCredentialProvider: CredentialProvider {
    static let sourceName = "shared config profile"
    private let environment: [String: String]
    private let homeDirectory: String
    private let sts: AWSClient

    /// Creates a provider reading the files named by `environment` (or under `homeDirectory`)
    /// and assuming roles through `sts`, whose own credentials are not used.
    public init(environment: [String: String], homeDirectory: String, sts: AWSClient) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.sts = sts
    }

    /// The selected profile's credentials. A profile named by `AWS_PROFILE` that does not
    /// exist is an error; a missing or key-less `default` profile means "not configured".
    public func credentials() async throws -> AWSCredentials {
        let files: SharedConfigFiles
        do {
            files = try SharedConfigFiles.load(environment: environment, homeDirectory: homeDirectory)
        } catch let error as AWSConfigurationError {
            throw CredentialError.failed(source: Self.sourceName, reason: error.message)
        }
        let name = files.selectedProfile
        guard let profile = files.profile(named: name) else {
            let reason = "profile \(name) is in neither \(files.credentialsPath) nor \(files.configPath)"
            throw files.profileNamedExplicitly
                ? CredentialError.failed(source: Self.sourceName, reason: reason)
                : CredentialError.notConfigured(source: Self.sourceName, reason: reason)
        }
        if profile["role_arn"] == nil && profile["aws_access_key_id"] == nil && profile["aws_secret_access_key"] == nil
        {
            let reason = "profile \(name) has no aws_access_key_id and no role_arn"
            throw files.profileNamedExplicitly
                ? CredentialError.failed(source: Self.sourceName, reason: reason)
                : CredentialError.notConfigured(source: Self.sourceName, reason: reason)
        }
        return try await resolve(name, files: files, visited: [])
    }

    /// The credentials of profile `name`, following `source_profile` links; `visited` holds the path so far.
    private func resolve(_ name: String, files: SharedConfigFiles, visited: [String]) async throws -> AWSCredentials {
        guard let profile = files.profile(named: name) else {
            throw failure("profile \(name) (the source_profile of \(visited.last ?? "?")) does not exist")
        }
        guard let roleArn = profile["role_arn"] else {
            return try staticKeys(profile, name: name)
        }
        let source: AWSCredentials
        if let sourceName = profile["source_profile"] {
            if sourceName == name {
                source = try staticKeys(profile, name: name)
            } else if visited.contains(sourceName) {
                let path = (visited + [name, sourceName]).joined(separator: " -> ")
                throw failure("source_profile cycle: \(path)")
            } else {
                source = try await resolve(sourceName, files: files, visited: visited + [name])
            }
        } else if let credentialSource = profile["credential_source"] {
            source = try await credentials(from: credentialSource, profile: name)
        } else {
            throw failure("profile \(name) has role_arn but neither source_profile nor credential_source")
        }
        let durationSeconds: Int?
        if let text = profile["duration_seconds"] {
            guard let value = Int(text) else {
                throw failure("profile \(name): duration_seconds is not a number: \(text)")
            }
            durationSeconds = value
        } else {
            durationSeconds = nil
        }
        let sessionName = profile["role_session_name"] ?? "batchwatch-\(Int(sts.clock.now().timeIntervalSince1970))"
        do {
            return try await sts.with(credentialProvider: StaticCredentialProvider(source), region: profile["region"])
                .assumeRole(
                    roleArn: roleArn, sessionName: sessionName, externalId: profile["external_id"],
                    durationSeconds: durationSeconds)
        } catch let error as AWSError {
            throw failure("profile \(name): assuming \(roleArn): \(error.description)")
        }
    }

    private func staticKeys(_ profile: [String: String], name: String) throws -> AWSCredentials {
        guard let accessKey = profile["aws_access_key_id"], let secretKey = profile["aws_secret_access_key"] else {
            let missing = profile["aws_access_key_id"] == nil ? "aws_access_key_id" : "aws_secret_access_key"
            throw failure("profile \(name) has no \(missing)")
        }
        return AWSCredentials(
            accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: profile["aws_session_token"])
    }

    private func credentials(from credentialSource: String, profile name: String) async throws -> AWSCredentials {
        let provider: any CredentialProvider
        switch credentialSource {
        case "Environment":
            provider = EnvironmentCredentialProvider(environment: environment)
        case "EcsContainer":
            provider = ContainerCredentialProvider(environment: environment, transport: sts.transport)
        case "Ec2InstanceMetadata":
            provider = InstanceMetadataCredentialProvider(
                environment: environment, transport: sts.transport, logger: sts.logger)
        default:
            throw failure(
                "profile \(name): unknown credential_source \(credentialSource) (Environment, EcsContainer or Ec2InstanceMetadata)"
            )
        }
        do {
            return try await provider.credentials()
        } catch let error as CredentialError {
            throw failure("profile \(name): credential_source \(credentialSource): \(error.description)")
        }
    }

    private func failure(_ reason: String) -> CredentialError {
        .failed(source: Self.sourceName, reason: reason)
    }
}
