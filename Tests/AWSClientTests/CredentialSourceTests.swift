import Foundation
import Logging
import Testing

@testable import AWSClient
@testable import TestSupport

@Suite("Environment, web identity and shared-file credentials")
struct CredentialSourceTests {
    @Test func environmentKeys() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "envtoken",
        ])
        let credentials = try await provider.credentials()
        #expect(
            credentials
                == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "envsecret", sessionToken: "envtoken"))
        #expect(!credentials.description.contains("envsecret"))
    }

    @Test func environmentWithoutSecretFails() async throws {
        let provider = EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV"])
        await #expect(
            throws: CredentialError.failed(
                source: "environment", reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is missing")
        ) {
            _ = try await provider.credentials()
        }
        await #expect(
            throws: CredentialError.notConfigured(source: "environment", reason: "AWS_ACCESS_KEY_ID is not set")
        ) {
            _ = try await EnvironmentCredentialProvider(environment: [:]).credentials()
        }
    }

    @Test func webIdentityAssumesTheRoleUnsigned() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try "eyJ.web.token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let transport = FakeTransport { _, _ in
            stsResponse(
                action: "AssumeRoleWithWebIdentity", accessKey: "ASIAWEB", secret: "websecret", token: "webtoken",
                expiration: "2026-01-01T01:00:00Z")
        }
        let clock = FakeClock()
        let sts = makeClient(transport: transport, clock: clock, credentials: nil)
        let provider = WebIdentityCredentialProvider(
            environment: [
                "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
            ],
            sts: sts)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAWEB")
        #expect(credentials.sessionToken == "webtoken")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_767_229_200))
        let request = try #require(transport.requests.first)
        #expect(request.headers["Authorization"] == nil)
        #expect(request.url.absoluteString == "https://sts.us-east-1.amazonaws.com/")
        let fields = formFields(request.body)
        #expect(fields["Action"] == "AssumeRoleWithWebIdentity")
        #expect(fields["RoleArn"] == "arn:aws:iam::123456789012:role/ci")
        #expect(fields["WebIdentityToken"] == "eyJ.web.token")
        #expect(fields["RoleSessionName"] == "batchwatch-1767225600")
    }

    @Test func webIdentityNeedsBothVariables() async throws {
        let sts = makeClient(transport: FakeTransport(script: [.success(HTTPResponse(status: 500))]), credentials: nil)
        await #expect(
            throws: CredentialError.failed(source: "web identity", reason: "AWS_WEB_IDENTITY_TOKEN_FILE is not set")
        ) {
            _ = try await WebIdentityCredentialProvider(environment: ["AWS_ROLE_ARN": "arn:x"], sts: sts).credentials()
        }
    }
}

@Suite("Shared config and credentials files")
struct ProfileCredentialTests {
    /// Writes `config` and `credentials` files and returns the environment pointing at them.
    private func files(config: String, credentials: String, profile: String?) throws -> (URL, [String: String]) {
        let directory = try makeTemporaryDirectory()
        let configFile = directory.appendingPathComponent("config")
        let credentialsFile = directory.appendingPathComponent("credentials")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        try credentials.write(to: credentialsFile, atomically: true, encoding: .utf8)
        var environment = ["AWS_CONFIG_FILE": configFile.path, "AWS_SHARED_CREDENTIALS_FILE": credentialsFile.path]
        environment["AWS_PROFILE"] = profile
        return (directory, environment)
    }

    private func assumeRoleTransport() -> FakeTransport {
        FakeTransport { request, index in
            stsResponse(
                action: "AssumeRole", accessKey: "ASIAROLE\(index)", secret: "rolesecret\(index)",
                token: "roletoken\(index)",
                expiration: "2026-01-01T01:00:00.000Z")
        }
    }

    @Test func iniParsingHandlesCommentsAndNestedBlocks() {
        let sections = INIFile.parse(
            """
            # a comment
            ; another
            [profile dev]
            region = eu-west-1   # inline comment
            s3 =
              max_concurrent_requests = 10
            output=json
            [default]
            aws_access_key_id=AKIA;notacomment
            """)
        #expect(sections.count == 2)
        #expect(sections[0] == INIFile.Section(name: "profile dev", values: ["region": "eu-west-1", "output": "json"]))
        #expect(sections[1].values["aws_access_key_id"] == "AKIA;notacomment")
    }

    @Test func namedProfileWithKeysInBothFiles() async throws {
        let (directory, environment) = try files(
            config: "[profile dev]\nregion = eu-west-1\n[dev]\naws_access_key_id = WRONG\n",
            credentials:
                "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n[dev]\n# keys\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n",
            profile: "dev")
        defer { try? FileManager.default.removeItem(at: directory) }
        let provider = ProfileCredentialProvider(
            environment: environment, homeDirectory: "/nonexistent",
            sts: makeClient(transport: assumeRoleTransport(), credentials: nil))
        let credentials = try await provider.credentials()
        #expect(credentials == AWSCredentials(accessKeyId: "AKIADEV", secretAccessKey: "devsecret"))
        #expect(
            try RegionResolver(environment: environment, homeDirectory: "/nonexistent").region(configRegion: nil)
                == "eu-west-1")
    }

    @Test func keysInTheConfigFileUseProfilePrefix() async throws {
        let (directory, environment) = try files(
            config:
                "[ops]\naws_access_key_id = IGNORED\naws_secret_access_key = x\n[profile ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = opssecret\n",
            credentials: "", profile: "ops")
        defer { try? FileManager.default.removeItem(at: directory) }
        let provider = ProfileCredentialProvider(
            environment: environment, homeDirectory: "/nonexistent",
            sts: makeClient(transport: assumeRoleTransport(), credentials: nil))
        #expect(try await provider.credentials().accessKeyId == "AKIAOPS")
    }

    @Test func roleChainThroughSourceProfiles() async throws {
        let (directory, environment) = try files(
            config: """
                [profile deploy]
                role_arn = arn:aws:iam::111111111111:role/deploy
                source_profile = hop
                external_id = ext-1
                role_session_name = nightly
                duration_seconds = 1800
                region = eu-central-1
                [profile hop]
                role_arn = arn:aws:iam::222222222222:role/hop
                source_profile = base
                """,
            credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n",
            profile: "deploy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let transport = assumeRoleTransport()
        let provider = ProfileCredentialProvider(
            environment: environment, homeDirectory: "/nonexistent",
            sts: makeClient(transport: transport, credentials: nil))
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAROLE1")
        #expect(credentials.sessionToken == "roletoken1")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_767_229_200))

        let requests = transport.requests
        #expect(requests.count == 2)
        // First the hop role, signed with the base keys; then deploy, signed with the hop role's keys.
        #expect(signingKeyId(requests[0]) == "AKIABASE")
        #expect(formFields(requests[0].body)["RoleArn"] == "arn:aws:iam::222222222222:role/hop")
        #expect(signingKeyId(requests[1]) == "ASIAROLE0")
        #expect(requests[1].headers["X-Amz-Security-Token"] == "roletoken0")
        #expect(requests[1].url.host == "sts.eu-central-1.amazonaws.com")
        let fields = formFields(requests[1].body)
        #expect(fields["Action"] == "AssumeRole")
        #expect(fields["RoleArn"] == "arn:aws:iam::111111111111:role/deploy")
        #expect(fields["ExternalId"] == "ext-1")
        #expect(fields["RoleSessionName"] == "nightly")
        #expect(fields["DurationSeconds"] == "1800")
    }

    @Test func roleFromEnvironmentCredentialSource() async throws {
        var (directory, environment) = try files(
            config: "[default]\nrole_arn = arn:aws:iam::111111111111:role/reader\ncredential_source = Environment\n",
            credentials: "", profile: nil)
        defer { try? FileManager.default.removeItem(at: directory) }
        environment["AWS_ACCESS_KEY_ID"] = "AKIAFROMENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "envsecret"
        let transport = assumeRoleTransport()
        let provider = ProfileCredentialProvider(
            environment: environment, homeDirectory: "/nonexistent",
            sts: makeClient(transport: transport, credentials: nil))
        #expect(try await provider.credentials().accessKeyId == "ASIAROLE0")
        #expect(signingKeyId(try #require(transport.requests.first)) == "AKIAFROMENV")
        #expect(formFields(transport.requests[0].body)["RoleSessionName"] == "batchwatch-1767225600")
    }

    @Test func sourceProfileCycleIsRefused() async throws {
        let (directory, environment) = try files(
            config: """
                [profile a]
                role_arn = arn:aws:iam::1:role/a
                source_profile = b
                [profile b]
                role_arn = arn:aws:iam::1:role/b
                source_profile = a
                """,
            credentials: "", profile: "a")
        defer { try? FileManager.default.removeItem(at: directory) }
        let transport = assumeRoleTransport()
        let provider = ProfileCredentialProvider(
            environment: environment, homeDirectory: "/nonexistent",
            sts: makeClient(transport: transport, credentials: nil))
        await #expect(
            throws: CredentialError.failed(source: "shared config profile", reason: "source_profile cycle: a -> b -> a")
        ) {
            _ = try await provider.credentials()
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func missingProfileIsNotConfiguredUnlessNamed() async throws {
        let (directory, environment) = try files(config: "", credentials: "", profile: nil)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sts = makeClient(transport: assumeRoleTransport(), credentials: nil)
        do {
            _ = try await ProfileCredentialProvider(environment: environment, homeDirectory: "/x", sts: sts)
                .credentials()
            Issue.record("expected an error")
        } catch CredentialError.notConfigured(let source, _) {
            #expect(source == "shared config profile")
        }
        var named = environment
        named["AWS_PROFILE"] = "prod"
        do {
            _ = try await ProfileCredentialProvider(environment: named, homeDirectory: "/x", sts: sts).credentials()
            Issue.record("expected an error")
        } catch CredentialError.failed(_, let reason) {
            #expect(reason.contains("profile prod"))
        }
    }

    @Test func defaultFilesLiveUnderTheHomeDirectory() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let aws = home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try "[default]\naws_access_key_id = AKIAHOME\naws_secret_access_key = s\n".write(
            to: aws.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        try "[default]\nregion = ap-northeast-1\n".write(
            to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let sts = makeClient(transport: assumeRoleTransport(), credentials: nil)
        #expect(
            try await ProfileCredentialProvider(environment: [:], homeDirectory: home.path, sts: sts).credentials()
                .accessKeyId == "AKIAHOME")
        #expect(
            try RegionResolver(environment: [:], homeDirectory: home.path).region(configRegion: nil) == "ap-northeast-1"
        )
    }
}
