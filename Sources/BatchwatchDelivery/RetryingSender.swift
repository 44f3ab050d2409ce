import AWSClient
import Foundation
import Logging

/// What one answer means for a delivery.
enum AnswerVerdict: Equatable {
    case accepted
    /// Worth another attempt, after `retryAfter` seconds when the receiver said so.
    case retry(reason: String, retryAfter: Double?)
    case rejected(reason: String)
}

/// Sends one HTTP request until it is accepted, rejected for good, or the attempts or the
/// deadline run out. Waits go through the injected clock, so tests do not sleep.
struct RetryingSender: Sendable {
    let transport: any HTTPTransport
    let clock: any WallClock
    let policy: DeliveryRetryPolicy
    let logger: Logger
    /// A uniform number in `0...1` for backoff jitter.
    let random: @Sendable () -> Double

    /// Sends `request`; `judge` reads each answer. `target` names the receiver in logs, masked.
    func send(
        _ request: HTTPRequest, to target: String, judge: (HTTPResponse) -> AnswerVerdict = Self.judgeByStatus
    ) async -> Result<HTTPResponse, DeliveryFailure> {
        let deadline = clock.now().addingTimeInterval(policy.deadline)
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline.timeIntervalSince(clock.now())
            let reason: String
            let retryAfter: Double?
            var status: Int?
            do {
                let response = try await transport.send(request, timeout: min(policy.requestTimeout, max(remaining, 1)))
                status = response.status
                switch judge(response) {
                case .accepted:
                    return .success(response)
                case .rejected(let why):
                    return .failure(DeliveryFailure(kind: .rejected, reason: why, status: response.status, attempts: attempt))
                case .retry(let why, let after):
                    reason = why
                    retryAfter = after
                }
            } catch {
                if Task.isCancelled { return .failure(DeliveryFailure(kind: .gaveUp, reason: "cancelled", attempts: attempt)) }
                reason = Self.networkReason(error)
                retryAfter = nil
            }
            let delay = policy.delay(beforeRetry: attempt - 1, retryAfter: retryAfter, jitter: 0.5 + random() / 2)
            guard attempt < policy.maxAttempts, clock.now().addingTimeInterval(delay) < deadline else {
                return .failure(DeliveryFailure(kind: .gaveUp, reason: reason, status: status, attempts: attempt))
            }
            logger.info(
                "\(target): \(reason); retrying in \(String(format: "%.1f", delay)) s",
                metadata: ["attempt": "\(attempt + 1)/\(policy.maxAttempts)"])
            do {
                try await clock.sleep(seconds: delay)
            } catch {
                return .failure(DeliveryFailure(kind: .gaveUp, reason: "cancelled", status: status, attempts: attempt))
            }
        }
    }

    /// 2xx accepted; 3xx rejected (the transport never follows a redirect); 429 retried after
    /// `Retry-After`; 5xx retried; any other status rejected with the receiver's reason.
    @Sendable static func judgeByStatus(_ response: HTTPResponse) -> AnswerVerdict {
        switch response.status {
        case 200..<300: .accepted
        case 300..<400: .rejected(reason: "redirected (HTTP \(response.status)); redirects are not followed")
        case 429: .retry(reason: "rate limited (HTTP 429)", retryAfter: retryAfter(response))
        case 500..<600: .retry(reason: "HTTP \(response.status)", retryAfter: retryAfter(response))
        default: .rejected(reason: reason(in: response) ?? "HTTP \(response.status)")
        }
    }

    /// `Retry-After` in seconds (Slack sends whole seconds).
    static func retryAfter(_ response: HTTPResponse) -> Double? {
        response.headers["Retry-After"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The receiver's short reason: Slack's JSON `error`, or a one-word body such as `invalid_payload`.
    /// Anything longer or stranger is left out, so an echoed URL or token can never reach a log.
    static func reason(in response: HTTPResponse) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let error = object["error"] as? String
        {
            return isShortReason(error) ? error : nil
        }
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        return isShortReason(text) ? text : nil
    }

    private static func isShortReason(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }
    }

    /// "network error (URLError -1004)": the code only, since error texts can quote the URL.
    static func networkReason(_ error: any Error) -> String {
        if let urlError = error as? URLError {
            return urlError.code == .timedOut ? "timed out" : "network error (URLError \(urlError.code.rawValue))"
        }
        return "network error (\(type(of: error)))"
    }
}
