import Foundation

/// Why a digest or a heartbeat was not accepted. Never holds a URL or a token.
struct DeliveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether trying again later could help.
    enum Kind: String, Sendable, Equatable {
        /// The receiver said no for good (a 4xx other than 429, or Slack's `ok:false`): not retried.
        case rejected
        /// Still failing when the attempts or the deadline ran out (5xx, 429, network errors).
        case gaveUp
        /// Nothing could be sent (no AWS client for SNS, a webhook URL that is not a URL).
        case notSent
        /// The payload itself cannot be sent as it is (a spooled Slack digest that is not a
        /// Slack message): never sent, and never worth sending again.
        case unreadable
    }

    var kind: Kind
    /// The receiver's reason (`invalid_payload`, `channel_not_found`, `HTTP 503`, `network error …`).
    var reason: String
    /// The HTTP status of the last answer, when there was one.
    var status: Int?
    var attempts: Int

    /// A failure of `kind` for `reason`.
    init(kind: Kind, reason: String, status: Int? = nil, attempts: Int = 1) {
        self.kind = kind
        self.reason = reason
        self.status = status
        self.attempts = attempts
    }

    /// "rejected: invalid_payload (HTTP 400)" or "gave up after 6 attempts: HTTP 500".
    var description: String {
        let status = self.status.map { " (HTTP \($0))" } ?? ""
        switch kind {
        case .rejected: return "rejected: \(reason)\(status)"
        case .gaveUp: return "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)\(status)"
        case .notSent: return "not sent: \(reason)"
        case .unreadable: return "not sent: \(reason)"
        }
    }

    /// Whether the receiver rejected the message itself, so sending it again can never work
    /// (as opposed to a bad token, a missing channel or an outage, which can be fixed later).
    var rejectsPayload: Bool {
        if kind == .unreadable { return true }
        guard kind == .rejected else { return false }
        return Self.payloadReasons.contains(reason) || status == 413
    }

    /// Slack's and SNS's reasons that are about the message, not the target.
    static let payloadReasons: Set<String> = [
        "invalid_payload", "invalid_blocks", "invalid_blocks_format", "invalid_attachments", "msg_too_long",
        "no_text", "too_many_attachments", "InvalidParameter", "InvalidParameterValue", "ValidationError",
    ]
}
