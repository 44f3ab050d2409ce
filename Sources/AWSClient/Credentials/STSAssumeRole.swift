import Foundation

/// The STS calls that turn a role into temporary credentials.
extension AWSClient {
    static let stsVersion = "2011-06-15"

    /// STS AssumeRole, signed with this client's credentials.
    func assumeRole(
        roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?
    ) async throws
        -> AWSCredentials
    {
        var parameters = [("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let externalId { parameters.append(("ExternalId", externalId)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let root = try await query(.sts, action: "AssumeRole", version: Self.stsVersion, parameters: parameters)
        return try Self.stsCredentials(root, result: "AssumeRoleResult", operation: "AssumeRole")
    }

    /// STS AssumeRoleWithWebIdentity, sent unsigned as the API requires.
    func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: String) async throws -> AWSCredentials {
        let root = try await with(credentialProvider: nil).query(
            .sts, action: "AssumeRoleWithWebIdentity", version: Self.stsVersion,
            parameters: [("RoleArn", roleArn), ("RoleSessionName", sessionName), ("WebIdentityToken", token)])
        return try Self.stsCredentials(
            root, result: "AssumeRoleWithWebIdentityResult", operation: "AssumeRoleWithWebIdentity")
    }

    /// The `<Credentials>` of an STS response.
    static func stsCredentials(_ root: XMLElementNode, result: String, operation: String) throws -> AWSCredentials {
        guard let credentials = root.element(at: "\(result)/Credentials"),
            let accessKey = credentials.text(at: "AccessKeyId"), !accessKey.isEmpty,
            let secretKey = credentials.text(at: "SecretAccessKey"), !secretKey.isEmpty
        else {
            throw AWSError(
                kind: .unreadableResponse, message: "the response has no \(result)/Credentials",
                service: "sts", operation: operation)
        }
        return AWSCredentials(
            accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: credentials.text(at: "SessionToken"),
            expiration: credentials.text(at: "Expiration").flatMap(parseISO8601))
    }
}

/// Parses an ISO 8601 instant with or without fractional seconds (`2026-01-02T03:04:05Z`).
func parseISO8601(_ text: String) -> Date? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: trimmed) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: trimmed)
}
