import Foundation
import Logging
import Testing

@testable import AWSClient
@testable import TestSupport

private let credentialsJSON = #"""
    {"Code": "Success", "AccessKeyId": "ASIAMETA", "SecretAccessKey": "metasecret", "Token": "metatoken", "Expiration": "2026-01-01T06:00:00Z"}
    """#

@Suite("Container endpoint and EC2 instance metadata, against loopback servers")
struct MetadataCredentialTests {
    @Test func containerFullURIWithTokenAndTokenFile() async throws {
        let server = try LoopbackServer { request in
            request.path == "/creds"
                ? .text(credentialsJSON, contentType: "application/json") : .text("no", status: 404)
        }
        defer { server.stop() }
        let uri = server.baseURL.appendingPathComponent("creds").absoluteString
        let provider = ContainerCredentialProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer tok-1",
            ],
            transport: URLSessionTransport.shared)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAMETA")
        #expect(credentials.sessionToken == "metatoken")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_767_247_200))
        #expect(server.requests.last?.header("Authorization") == "Bearer tok-1")

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try "from-file\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let fromFile = ContainerCredentialProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer tok-1",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
            ],
            transport: URLSessionTransport.shared)
        _ = try await fromFile.credentials()
        #expect(server.requests.last?.header("Authorization") == "from-file")
        #expect(server.requests.count == 2)
    }

    @Test func containerRelativeURIUsesTheECSAgent() async throws {
        let transport = FakeTransport(script: [.success(jsonResponse(200, credentialsJSON))])
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"], transport: transport)
        #expect(try await provider.credentials().accessKeyId == "ASIAMETA")
        #expect(transport.requests.first?.url.absoluteString == "http://169.254.170.2/v2/credentials/abc")
        #expect(transport.requests.first?.headers["Authorization"] == nil)
    }

    @Test func containerFullURIMustBeSafe() async throws {
        let transport = FakeTransport(script: [.success(jsonResponse(200, credentialsJSON))])
        for uri in ["http://example.com/creds", "ftp://127.0.0.1/creds"] {
            let provider = ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], transport: transport)
            do {
                _ = try await provider.credentials()
                Issue.record("\(uri) was accepted")
            } catch CredentialError.failed(_, let reason) {
                #expect(reason.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
            }
        }
        for uri in [
            "https://example.com/creds", "http://127.0.0.2:8080/creds", "http://169.254.170.23/v1/credentials",
            "http://[::1]/c",
        ] {
            let provider = ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], transport: transport)
            #expect(try await provider.credentials().accessKeyId == "ASIAMETA")
        }
        #expect(transport.requests.count == 4)
    }

    @Test func imdsV2TokenThenRoleThenCredentials() async throws {
        let server = try LoopbackServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                return request.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600"
                    ? .text("imds-token") : .text("missing ttl", status: 400)
            case ("GET", _) where request.header("X-aws-ec2-metadata-token") != "imds-token":
                return .text("unauthorized", status: 401)
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return .text("batch-role\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/batch-role"):
                return .text(credentialsJSON, contentType: "application/json")
            default:
                return .text("not found", status: 404)
            }
        }
        defer { server.stop() }
        let provider = InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL.absoluteString],
            transport: URLSessionTransport.shared, logger: Logger(label: "test"))
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAMETA")
        #expect(credentials.secretAccessKey == "metasecret")
        #expect(
            server.requests.map { "\($0.method) \($0.path)" } == [
                "PUT /latest/api/token",
                "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/batch-role",
            ])
    }

    @Test func imdsRefusedConnectionIsNotConfigured() async throws {
        let server = try LoopbackServer { _ in .text("unused") }
        let endpoint = server.baseURL.absoluteString
        server.stop()
        let provider = InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint], transport: URLSessionTransport.shared,
            logger: Logger(label: "test"))
        let started = Date()
        do {
            _ = try await provider.credentials()
            Issue.record("expected notConfigured")
        } catch CredentialError.notConfigured(_, let reason) {
            #expect(reason.hasPrefix("no metadata service at \(endpoint)"))
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func imdsCanBeDisabled() async throws {
        let transport = FakeTransport(script: [.success(HTTPResponse(status: 200, body: Data("token".utf8)))])
        let provider = InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"], transport: transport, logger: Logger(label: "test"))
        await #expect(
            throws: CredentialError.notConfigured(
                source: "EC2 instance metadata", reason: "AWS_EC2_METADATA_DISABLED is true")
        ) {
            _ = try await provider.credentials()
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func imdsUnreachableIsNotConfiguredAfterOneRetry() async throws {
        let transport = FakeTransport(script: [.failure(URLError(.timedOut))])
        let provider = InstanceMetadataCredentialProvider(
            environment: [:], transport: transport, logger: Logger(label: "test"))
        do {
            _ = try await provider.credentials()
            Issue.record("expected notConfigured")
        } catch CredentialError.notConfigured(_, let reason) {
            #expect(reason.contains("http://169.254.169.254"))
        }
        #expect(transport.requests.count == 2)
        #expect(transport.timeouts == [1, 1])
        #expect(transport.requests.first?.method == "PUT")
    }

    @Test func imdsWithoutRoleIsNotConfigured() async throws {
        let transport = FakeTransport { request, _ in
            request.method == "PUT" ? HTTPResponse(status: 200, body: Data("t".utf8)) : HTTPResponse(status: 404)
        }
        let provider = InstanceMetadataCredentialProvider(
            environment: [:], transport: transport, logger: Logger(label: "test"))
        await #expect(
            throws: CredentialError.notConfigured(
                source: "EC2 instance metadata", reason: "the instance has no IAM role")
        ) {
            _ = try await provider.credentials()
        }
    }
}
