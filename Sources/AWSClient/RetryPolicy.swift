import Foundation

/// The AWS SDK "standard" retry mode: up to `maxAttempts`, full-jitter exponential backoff
/// with a cap, retrying by HTTP status first, then by error code, and on transport errors.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The backoff before retry `n` (0-based) is random in `0 ... min(maxBackoff, baseDelay * 2^n)`.
    public var baseDelay: Double
    public var maxBackoff: Double
    /// The longest `Retry-After` that is honoured; longer values are cut to this.
    public var maxRetryAfter: Double
    /// The timeout of one attempt, in seconds.
    public var requestTimeout: Double

    /// A policy; the defaults are the SDKs' standard mode with a 20-second attempt timeout.
    public init(
        maxAttempts: Int = 5, baseDelay: Double = 0.1, maxBackoff: Double = 20, maxRetryAfter: Double = 20,
        requestTimeout: Double = 20
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.requestTimeout = requestTimeout
    }

    /// The standard policy: 5 attempts, 0.1 s base, 20 s cap, 20 s per attempt.
    public static let standard = RetryPolicy()

    /// HTTP statuses that are retried whatever the body says.
    public static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// Error codes that mean "slow down".
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Error codes of transient failures.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable",
    ]

    /// Whether an error response with `status` and `code` is worth another attempt.
    public func isRetryable(status: Int, code: String?) -> Bool {
        if Self.retryableStatuses.contains(status) { return true }
        guard let code else { return false }
        return Self.throttlingCodes.contains(code) || Self.transientCodes.contains(code)
    }

    /// The wait before retry number `retry` (0 for the first retry), given a uniform random
    /// number in `0...1`, or the response's `Retry-After` seconds (capped) when it has one.
    public func delay(beforeRetry retry: Int, random: Double, retryAfter: Double?) -> Double {
        if let retryAfter, retryAfter >= 0 {
            return min(retryAfter, maxRetryAfter)
        }
        let ceiling = min(maxBackoff, baseDelay * pow(2, Double(retry)))
        return min(max(random, 0), 1) * ceiling
    }
}
