import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the container endpoint and instance metadata answer with:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` (and `"Code"` from IMDS).
struct MetadataCredentialsDocument: Decodable {
    let code: String?
    let accessKeyId: String
    let secretAccessKey: String
    let token: String?
    let expiration: String?

    enum CodingKeys: String, CodingKey {
        case code = "Code", accessKeyId = "AccessKeyId", secretAccessKey = "SecretAccessKey", token = "Token"
        case expiration = "Expiration"
    }

    /// Decodes `data`, or `nil` when it is not such a document.
    static func decode(_ data: Data) -> MetadataCredentialsDocument? {
        try? JSONDecoder().decode(MetadataCredentialsDocument.self, from: data)
    }

    var credentials: AWSCredentials {
        AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: token,
            expiration: expiration.flatMap(parseISO8601))
    }
}

/// Sends a metadata request with a short timeout, retrying a transport failure `retries` times.
func sendMetadataRequest(
    _ request: HTTPRequest, transport: any HTTPTransport, timeout: TimeInterval, retries: Int
) async throws -> HTTPResponse {
    var attempt = 0
    while true {
        do {
            return try await transport.send(request, timeout: timeout)
        } catch is URLError where attempt < retries {
            attempt += 1
        }
    }
}
