import Foundation

/// A failed AWS call, with what is known about it. Never holds credentials.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, for callers that react to it.
    public enum Kind: String, Sendable, Equatable {
        case accessDenied, throttled, notFound, validation, signature, transport, timeout
        case deadlineExceeded, unreadableResponse, service
    }

    public var kind: Kind
    /// The AWS error code (`AccessDeniedException`), `nil` when the response had none.
    public var code: String?
    public var message: String
    /// The HTTP status, `nil` when no response arrived.
    public var status: Int?
    public var requestId: String?
    /// The service's signing name (`states`).
    public var service: String
    /// The operation (`ListExecutions`).
    public var operation: String

    /// An error of `kind` from `service`'s `operation`.
    public init(
        kind: Kind, code: String? = nil, message: String, status: Int? = nil, requestId: String? = nil,
        service: String, operation: String
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.status = status
        self.requestId = requestId
        self.service = service
        self.operation = operation
    }

    /// `states:ListExecutions failed: AccessDeniedException: … (HTTP 400, request id abc)`.
    public var description: String {
        var text = "\(service):\(operation) failed: "
        switch kind {
        case .transport: text += "network error: "
        case .timeout: text += "timed out: "
        case .deadlineExceeded: text += "run deadline reached: "
        case .unreadableResponse: text += "unreadable response: "
        default: break
        }
        if let code, !code.isEmpty { text += "\(code): " }
        text += message
        var details: [String] = []
        if let status { details.append("HTTP \(status)") }
        if let requestId { details.append("request id \(requestId)") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text
    }

    /// The kind of an error response, from its code first and its status otherwise.
    static func kind(code: String?, status: Int) -> Kind {
        if let code {
            if RetryPolicy.throttlingCodes.contains(code) { return .throttled }
            if accessDeniedCodes.contains(code) { return .accessDenied }
            if signatureCodes.contains(code) { return .signature }
            if code.hasSuffix("NotFound") || code.hasSuffix("NotFoundException") || code.hasSuffix("DoesNotExist")
                || code == "NoSuchEntity" || code == "NotFound"
            {
                return .notFound
            }
            if code.hasPrefix("Validation") || code.hasPrefix("Invalid") || code.hasPrefix("Missing")
                || code == "MalformedQueryString" || code == "SerializationException"
            {
                return .validation
            }
        }
        switch status {
        case 401, 403: return code == nil ? .accessDenied : .service
        case 404: return .notFound
        case 429: return .throttled
        case 400..<500 where code == nil: return .validation
        default: return .service
        }
    }

    public static let accessDeniedCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "AuthorizationError", "AuthorizationErrorException",
        "UnauthorizedOperation", "NotAuthorized", "Forbidden",
    ]

    static let signatureCodes: Set<String> = [
        "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException",
        "InvalidClientTokenId", "UnrecognizedClientException", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture",
        "ExpiredToken", "ExpiredTokenException", "InvalidAccessKeyId",
    ]
}
