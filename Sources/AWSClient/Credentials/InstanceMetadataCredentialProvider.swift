import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Credentials of the EC2 instance role through IMDSv2: a session token from
/// `PUT /latest/api/token`, then the role name and its credentials under
/// `/latest/meta-data/iam/security-credentials/`. `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves the
/// service; `AWS_EC2_METADATA_DISABLED=true` turns this source off. Timeouts are short, so a
/// machine without the service learns it in about two seconds.
public struct InstanceMetadataCredentialProvider: CredentialProvider {
    static let sourceName = "EC2 instance metadata"
    private static let credentialsPath = "/latest/meta-data/iam/security-credentials/"
    /// The token lifetime requested, 6 hours (as the SDKs do).
    static let tokenTTLSeconds = 21600

    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let timeout: TimeInterval
    private let logger: Logger

    /// Creates a provider reading `environment`; each request times out after `timeout` seconds
    /// and a network failure is tried once more.
    public init(environment: [String: String], transport: any HTTPTransport, timeout: TimeInterval = 1, logger: Logger)
    {
        self.environment = environment
        self.transport = transport
        self.timeout = timeout
        self.logger = logger
    }

    /// Fetches the instance role's credentials.
    public func credentials() async throws -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.trimmingCharacters(in: .whitespaces).lowercased() == "true" {
            throw CredentialError.notConfigured(source: Self.sourceName, reason: "AWS_EC2_METADATA_DISABLED is true")
        }
        let base = try endpoint()
        let tokenResponse: HTTPResponse
        do {
            tokenResponse = try await send(
                "PUT", base, "/latest/api/token",
                headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(Self.tokenTTLSeconds)])
        } catch let error as URLError {
            logger.debug(
                "no instance metadata service",
                metadata: ["endpoint": "\(base)", "error": "\(error.localizedDescription)"])
            throw CredentialError.notConfigured(
                source: Self.sourceName, reason: "no metadata service at \(base) (\(error.localizedDescription))")
        }
        guard tokenResponse.status == 200, !tokenResponse.body.isEmpty else {
            throw CredentialError.notConfigured(
                source: Self.sourceName, reason: "\(base) refused an IMDSv2 token (HTTP \(tokenResponse.status))")
        }
        let token: HTTPHeaders = [
            "X-aws-ec2-metadata-token": tokenResponse.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        ]

        let roleResponse = try await sendOrFail("GET", base, Self.credentialsPath, headers: token)
        if roleResponse.status == 404 {
            throw CredentialError.notConfigured(source: Self.sourceName, reason: "the instance has no IAM role")
        }
        guard roleResponse.isSuccess,
            let role = roleResponse.bodyText.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty
        else {
            throw failure("listing the instance role answered HTTP \(roleResponse.status)")
        }
        let credentialsResponse = try await sendOrFail("GET", base, Self.credentialsPath + role, headers: token)
        guard credentialsResponse.isSuccess else {
            throw failure("reading the credentials of role \(role) answered HTTP \(credentialsResponse.status)")
        }
        guard let document = MetadataCredentialsDocument.decode(credentialsResponse.body) else {
            throw failure("the credentials of role \(role) have no AccessKeyId and SecretAccessKey")
        }
        if let code = document.code, code != "Success" {
            throw failure("the credentials of role \(role) are not available (Code \(code))")
        }
        return document.credentials
    }

    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the IPv4 (or, with
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, IPv6) address of the service.
    private func endpoint() throws -> URL {
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"]?.trimmingCharacters(in: .whitespaces)
        let ipv6 = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
        let text =
            configured.flatMap { $0.isEmpty ? nil : $0 } ?? (ipv6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254")
        guard let url = URL(string: text), url.host != nil else {
            throw failure("AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL: \(text)")
        }
        return url
    }

    private func send(_ method: String, _ base: URL, _ path: String, headers: HTTPHeaders) async throws -> HTTPResponse
    {
        let trimmed = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
        guard let url = URL(string: trimmed + path) else { throw failure("bad metadata URL \(trimmed)\(path)") }
        return try await sendMetadataRequest(
            HTTPRequest(method: method, url: url, headers: headers), transport: transport, timeout: timeout, retries: 1)
    }

    /// `send`, with a network failure after the token was granted reported as a failure.
    private func sendOrFail(
        _ method: String, _ base: URL, _ path: String, headers: HTTPHeaders
    ) async throws -> HTTPResponse {
        do {
            return try await send(method, base, path, headers: headers)
        } catch let error as URLError {
            throw failure("\(base) stopped answering: \(error.localizedDescription)")
        }
    }

    private func failure(_ reason: String) -> CredentialError {
        .failed(source: Self.sourceName, reason: reason)
    }
}
