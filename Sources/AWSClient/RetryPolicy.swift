import Foundation

/// How failed AWS calls are retried: the AWS SDK "standard" mode for errors, with throttles
/// treated as the SDKs' "adaptive" mode treats them.
///
/// - Errors that are not throttles (5xx, transient codes, transport errors) get up to
///   `maxAttempts` attempts with full-jitter exponential backoff from `baseDelay`, capped at
///   `maxBackoff`: exactly the SDKs' standard mode.
/// - Throttles (HTTP 429 or a code in `throttlingCodes`) get up to `maxThrottleAttempts`
///   attempts and back off from the larger `throttleBaseDelay`, with the same jitter and cap.
/// - With `paceAfterThrottling`, a throttle also starts client-side pacing of that service's
///   operation, shared by every copy of the client (see `AWSClient`). Before the first throttle
///   nothing is paced.
///
/// A `Retry-After` header replaces the jittered backoff (capped at `maxRetryAfter`). Nothing
/// sleeps or starts past the client's deadline, whatever the attempt limits say.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included, when the last failure was not a throttle.
    public var maxAttempts: Int
    /// The backoff before retry `n` (0-based) after an error is random in `0 ... min(maxBackoff, baseDelay * 2^n)`.
    public var baseDelay: Double
    /// Attempts in all, the first included, when the last failure was a throttle.
    public var maxThrottleAttempts: Int
    /// The backoff before retry `n` (0-based) after a throttle is random in
    /// `0 ... min(maxBackoff, throttleBaseDelay * 2^n)`.
    public var throttleBaseDelay: Double
    /// The longest jittered backoff ceiling, in seconds.
    public var maxBackoff: Double
    /// The longest `Retry-After` that is honoured; longer values are cut to this.
    public var maxRetryAfter: Double
    /// The timeout of one attempt, in seconds.
    public var requestTimeout: Double
    /// Whether a throttle paces later requests of the same operation (the SDKs' adaptive rate limiter).
    public var paceAfterThrottling: Bool

    /// A policy; the defaults are those of `standard`.
    public init(
        maxAttempts: Int = 5, baseDelay: Double = 0.1, maxThrottleAttempts: Int = 8, throttleBaseDelay: Double = 0.5,
        maxBackoff: Double = 20, maxRetryAfter: Double = 20, requestTimeout: Double = 20,
        paceAfterThrottling: Bool = true
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxThrottleAttempts = max(1, maxThrottleAttempts)
        self.throttleBaseDelay = throttleBaseDelay
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.requestTimeout = requestTimeout
        self.paceAfterThrottling = paceAfterThrottling
    }

    /// The default policy. Errors: the SDKs' standard mode (5 attempts, 0.1 s base, 20 s cap).
    /// Throttles: 8 attempts from a 0.5 s base (the Java SDK's throttling base), 20 s cap, and
    /// pacing of the throttled operation. Each attempt times out after 20 s.
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

    /// Whether an error response with `status` and `code` is a throttle: HTTP 429 or a throttling code.
    public func isThrottling(status: Int, code: String?) -> Bool {
        status == 429 || code.map(Self.throttlingCodes.contains) == true
    }

    /// The attempts allowed in all when the last failure was (or was not) a throttle.
    public func attemptLimit(throttled: Bool) -> Int {
        throttled ? maxThrottleAttempts : maxAttempts
    }

    /// The wait before retry number `retry` (0 for the first retry), given a uniform random
    /// number in `0...1`, or the response's `Retry-After` seconds (capped) when it has one.
    /// A throttle (`throttled`) backs off from `throttleBaseDelay`, anything else from `baseDelay`.
    public func delay(beforeRetry retry: Int, random: Double, retryAfter: Double?, throttled: Bool = false) -> Double {
        if let retryAfter, retryAfter >= 0 {
            return min(retryAfter, maxRetryAfter)
        }
        let base = throttled ? throttleBaseDelay : baseDelay
        let ceiling = min(maxBackoff, base * pow(2, Double(retry)))
        return min(max(random, 0), 1) * ceiling
    }
}
