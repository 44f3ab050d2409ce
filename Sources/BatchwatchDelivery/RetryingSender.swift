import AWSClient
import Foundation
import Logging

/// What one answer means for a delivery.
enum AnswerVerdict: Equatable {
    case accepted
    /// Worth another attempt (after the answer's `Retry-After`, when it has one).
    case retry(reason: String)
    case rejected(reason: String)
}

/// Sends one HTTP request until it is accepted, rejected for good, or the attempts or the
/// deadline run out: the AWS client's retry loop (`Retrier`) with a delivery `RetryPolicy`.
struct RetryingSender: Sendable {
    let transport: any HTTPTransport
    let retrier: Retrier
    /// The run's deadline: no attempt starts and no backoff sleeps past it.
    let deadline: Date?

    init(
        transport: any HTTPTransport, clock: any WallClock, policy: RetryPolicy, deadline: Date? = nil, logger: Logger,
        random: @escaping @Sendable () -> Double
    ) {
        self.transport = transport
        self.deadline = deadline
        retrier = Retrier(policy: policy, clock: clock, logger: logger, random: random)
    }

    /// Sends `request`; `judge` reads each answer. `target` names the receiver in logs, masked.
    func send(
        _ request: HTTPRequest, to target: String, judge: (HTTPResponse) -> AnswerVerdict = Self.judgeByStatus
    ) async -> Result<HTTPResponse, DeliveryFailure> {
        let result = await retrier.run(
            target, deadline: deadline, reason: { (failure: DeliveryFailure) in failure.reason }
        ) { timeout in
            do {
                let response = try await transport.send(request, timeout: timeout)
                switch judge(response) {
                case .accepted:
                    return .success(response)
                case .rejected(let why):
                    return .failure(
                        DeliveryFailure(kind: .rejected, reason: why, status: response.status), retryable: false)
                case .retry(let why):
                    return .failure(
                        DeliveryFailure(kind: .gaveUp, reason: why, status: response.status), retryable: true,
                        retryAfter: response.retryAfter(now: retrier.clock.now()))
                }
            } catch {
                if Task.isCancelled {
                    return .failure(DeliveryFailure(kind: .gaveUp, reason: "cancelled"), retryable: false)
                }
                return .failure(DeliveryFailure(kind: .gaveUp, reason: Self.networkReason(error)), retryable: true)
            }
        }
        switch result {
        case .success(let response):
            return .success(response)
        case .failure(.failed(var failure, let attempts)), .failure(.outOfTime(last: var failure?, let attempts)):
            failure.attempts = attempts
            return .failure(failure)
        case .failure(.outOfTime(last: nil, let attempts)):
            return .failure(DeliveryFailure(kind: .gaveUp, reason: "no time left", attempts: attempts))
        case .failure(.cancelled(let last, let attempts)):
            return .failure(
                DeliveryFailure(kind: .gaveUp, reason: "cancelled", status: last?.status, attempts: attempts))
        }
    }

    /// 2xx accepted; 3xx rejected (the transport never follows a redirect); 429 retried after
    /// `Retry-After`; 5xx retried; any other status rejected with the receiver's reason.
    @Sendable static func judgeByStatus(_ response: HTTPResponse) -> AnswerVerdict {
        switch response.status {
        case 200..<300: .accepted
        case 300..<400: .rejected(reason: "redirected (HTTP \(response.status)); redirects are not followed")
        case 429: .retry(reason: "rate limited (HTTP 429)")
        case 500..<600: .retry(reason: "HTTP \(response.status)")
        default: .rejected(reason: reason(in: response) ?? "HTTP \(response.status)")
        }
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
