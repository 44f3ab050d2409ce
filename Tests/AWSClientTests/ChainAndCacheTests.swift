import Foundation
import Logging
import Testing

@testable import AWSClient
@testable import TestSupport

/// Counts calls and hands out credentials expiring `lifetime` seconds after the clock's now.
private actor CountingProvider: CredentialProvider {
    private(set) var calls = 0
    let clock: FakeClock
    let lifetime: Double

    init(clock: FakeClock, lifetime: Double) {
        self.clock = clock
        self.lifetime = lifetime
    }

    func credentials() async throws -> AWSCredentials {
        calls += 1
        let number = calls
        try await Task.sleep(nanoseconds: 50_000_000)  // long enough for every caller to arrive
        return AWSCredentials(
            accessKeyId: "ASIA\(number)", secretAccessKey: "s", sessionToken: "t",
            expiration: clock.now().addingTimeInterval(lifetime))
    }
}

@Suite("Credential chain and caching")
struct ChainAndCacheTests {
    private func standardChain(_ environment: [String: String], transport: FakeTransport) -> CredentialProviderChain {
        CredentialProviderChain.standard(
            environment: environment, homeDirectory: "/nonexistent-home",
            sts: makeClient(transport: transport, credentials: nil))
    }

    @Test func environmentComesBeforeTheProfile() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentialsFile = directory.appendingPathComponent("credentials")
        try "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = p\n".write(
            to: credentialsFile, atomically: true, encoding: .utf8)
        let transport = FakeTransport(script: [.failure(URLError(.cannotConnectToHost))])
        let profileOnly = ["AWS_SHARED_CREDENTIALS_FILE": credentialsFile.path]
        #expect(try await standardChain(profileOnly, transport: transport).credentials().accessKeyId == "AKIAPROFILE")
        var both = profileOnly
        both["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        both["AWS_SECRET_ACCESS_KEY"] = "e"
        #expect(try await standardChain(both, transport: transport).credentials().accessKeyId == "AKIAENV")
        #expect(transport.requests.isEmpty)
    }

    @Test func aBrokenSourceStopsTheChain() async throws {
        let transport = FakeTransport(script: [.failure(URLError(.cannotConnectToHost))])
        await #expect(
            throws: CredentialError.failed(
                source: "environment", reason: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is missing")
        ) {
            _ = try await standardChain(["AWS_SECRET_ACCESS_KEY": "x"], transport: transport).credentials()
        }
    }

    @Test func containerComesBeforeInstanceMetadata() async throws {
        let transport = FakeTransport { request, _ in
            jsonResponse(
                200, #"{"AccessKeyId": "ASIA\#(request.url.host ?? "")", "SecretAccessKey": "s", "Token": "t"}"#)
        }
        let credentials = try await standardChain(
            ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/c"], transport: transport
        )
        .credentials()
        #expect(credentials.accessKeyId == "ASIA169.254.170.2")
    }

    @Test func nothingFoundListsEverySource() async throws {
        let transport = FakeTransport(script: [.failure(URLError(.timedOut))])
        do {
            _ = try await standardChain([:], transport: transport).credentials()
            Issue.record("expected noneFound")
        } catch CredentialError.noneFound(let tried) {
            #expect(tried.count == 5)
            #expect(tried[0] == "environment (AWS_ACCESS_KEY_ID is not set)")
            #expect(tried[1] == "web identity (AWS_WEB_IDENTITY_TOKEN_FILE is not set)")
            #expect(
                tried[2].hasPrefix(
                    "shared config profile (profile default is in neither /nonexistent-home/.aws/credentials"))
            #expect(tried[3].hasPrefix("container endpoint (neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
            #expect(tried[4].hasPrefix("EC2 instance metadata (no metadata service at http://169.254.169.254"))
            let text = CredentialError.noneFound(tried: tried).description
            #expect(
                text.hasPrefix(
                    "no AWS credentials found; tried: environment (AWS_ACCESS_KEY_ID is not set); web identity"))
        }
        #expect(transport.requests.count == 2)
    }

    @Test func oneRefreshForManyConcurrentCallers() async throws {
        let clock = FakeClock()
        let base = CountingProvider(clock: clock, lifetime: 3600)
        let cache = CachingCredentialProvider(base, clock: clock)
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.credentials().accessKeyId }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["ASIA1"])
        #expect(await base.calls == 1)

        clock.advance(by: 3600 - 301)
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        clock.advance(by: 2)  // now inside the 5-minute margin
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
        #expect(await base.calls == 2)
    }

    @Test func longLivedCredentialsAreFetchedOnce() async throws {
        let transport = FakeTransport(script: [.failure(URLError(.timedOut))])
        let clock = FakeClock()
        let cache = CachingCredentialProvider(
            CredentialProviderChain([
                EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B"])
            ]),
            clock: clock)
        _ = try await cache.credentials()
        clock.advance(by: 86400 * 365)
        #expect(try await cache.credentials().accessKeyId == "A")
        #expect(transport.requests.isEmpty)
    }
}
