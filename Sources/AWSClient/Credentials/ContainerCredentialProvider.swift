import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Credentials from the container endpoint (ECS task roles, EKS Pod Identity):
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on `http://169.254.170.2`) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` sent as the `Authorization` header.
public struct ContainerCredentialProvider: CredentialProvider {
    static let sourceName = "container endpoint"
    private static let ecsHost = "169.254.170.2"
    /// Hosts allowed over plain http in a full URI: loopback and the ECS / EKS agents.
    private static let allowedHTTPHosts: Set<String> = [
        "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost", "::1",
    ]

    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let timeout: TimeInterval

    /// Creates a provider reading `environment`; each request times out after `timeout` seconds
    /// and a network failure is tried once more.
    public init(environment: [String: String], transport: any HTTPTransport, timeout: TimeInterval = 2) {
        self.environment = environment
        self.transport = transport
        self.timeout = timeout
    }

    /// Fetches the credentials from the endpoint.
    public func credentials() async throws -> AWSCredentials {
        let url = try endpoint()
        var request = HTTPRequest(method: "GET", url: url, headers: ["Accept": "application/json"])
        if let authorization = try authorizationToken() {
            request.headers.add(name: "Authorization", value: authorization)
        }
        let response: HTTPResponse
        do {
            response = try await sendMetadataRequest(request, transport: transport, timeout: timeout, retries: 1)
        } catch let error as URLError {
            throw failure("\(url.absoluteString) did not answer: \(error.localizedDescription)")
        }
        guard response.isSuccess else {
            throw failure("\(url.absoluteString) answered HTTP \(response.status)")
        }
        guard let document = MetadataCredentialsDocument.decode(response.body) else {
            throw failure("\(url.absoluteString) answered without AccessKeyId and SecretAccessKey")
        }
        return document.credentials
    }

    private func endpoint() throws -> URL {
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            guard let url = URL(string: "http://\(Self.ecsHost)\(path)") else {
                throw failure("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a path: \(relative)")
            }
            return url
        }
        guard let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            throw CredentialError.notConfigured(
                source: Self.sourceName,
                reason: "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else {
            throw failure("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: \(full)")
        }
        let bareHost = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let allowed =
            scheme == "https"
            || (scheme == "http" && (Self.allowedHTTPHosts.contains(bareHost) || bareHost.hasPrefix("127.")))
        guard allowed else {
            throw failure(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or http to a loopback or container agent host, not \(full)"
            )
        }
        return url
    }

    /// The token from the token file (read each time, it rotates), else from the variable.
    private func authorizationToken() throws -> String? {
        let token: String
        if let file = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw failure("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            token = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let variable = value("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            token = variable
        } else {
            return nil
        }
        guard !token.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw failure("the container authorization token contains a line break")
        }
        return token
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    private func failure(_ reason: String) -> CredentialError {
        .failed(source: Self.sourceName, reason: reason)
    }
}
