import Foundation

/// How failed calls are retried: one value per use, read by the one retry loop (`Retrier`).
///
/// `standard` is for AWS calls: the AWS SDK "standard" mode for errors, with throttles treated
/// as the SDKs' "adaptive" mode treats them.
///
/// - Errors that are not throttles (5xx, transient codes, transport errors) get up to
///   `maxAttempts` attempts with exponential backoff from `baseDelay`, capped at `maxBackoff`
///   and jittered as `jitter` says (full jitter for AWS: exactly the SDKs' standard mode).
/// - Throttles (HTTP 429 or a code in `throttlingCodes`) get up to `maxThrottleAttempts`
///   attempts and back off from the larger `throttleBaseDelay`, with the same jitter and cap.
/// - With `paceAfterThrottling`, a throttle also starts client-side pacing of that service's
///   operation, shared by every copy of the client (see `AWSClient`). Before the first throttle
///   nothing is paced.
///
/// `delivery(…)` is for Slack posts and heartbeat pings: a 429 waits for its `Retry-After`, 5xx
/// answers and network errors back off from 1 s up to 30 s with equal jitter, and everything
/// stops 3 minutes after the first attempt (`timeLimit`).
///
/// A `Retry-After` header replaces the jittered backoff (capped at `maxRetryAfter`). Nothing
/// sleeps or starts past the deadline (the caller's, or `timeLimit` after the first attempt),
/// whatever the attempt limits say.
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
    /// How the backoff is randomised below its ceiling.
    public var jitter: Jitter
    /// Seconds from the first attempt after which no attempt starts and no wait begins (`nil`:
    /// only the caller's deadline bounds the retries).
    public var timeLimit: Double?

    /// How a backoff is drawn from its ceiling with a uniform random number `r` in `0...1`.
    public enum Jitter: Sendable, Equatable {
        /// `r * ceiling`: the AWS SDKs' full jitter.
        case full
        /// `(0.5 + r / 2) * ceiling`: at least half the ceiling, so a struggling receiver gets a rest.
        case equal
    }

    /// A policy; the defaults are those of `standard`.
    public init(
        maxAttempts: Int = 5, baseDelay: Double = 0.1, maxThrottleAttempts: Int = 8, throttleBaseDelay: Double = 0.5,
        maxBackoff: Double = 20, maxRetryAfter: Double = 20, requestTimeout: Double = 20,
        paceAfterThrottling: Bool = true, jitter: Jitter = .full, timeLimit: Double? = nil
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxThrottleAttempts = max(1, maxThrottleAttempts)
        self.throttleBaseDelay = throttleBaseDelay
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.requestTimeout = requestTimeout
        self.paceAfterThrottling = paceAfterThrottling
        self.jitter = jitter
        self.timeLimit = timeLimit
    }

    /// The default policy. Errors: the SDKs' standard mode (5 attempts, 0.1 s base, 20 s cap).
    /// Throttles: 8 attempts from a 0.5 s base (the Java SDK's throttling base), 20 s cap, and
    /// pacing of the throttled operation. Each attempt times out after 20 s.
    public static let standard = RetryPolicy()

    /// The policy of Slack posts and heartbeat pings; the defaults suit a cron run: 6 attempts,
    /// 1 s doubling to 30 s with equal jitter, a `Retry-After` of up to 60 s honoured, 15 s per
    /// attempt, 3 minutes in all. A 429 is retried like any other retryable answer, and nothing is paced.
    public static func delivery(
        maxAttempts: Int = 6, baseDelay: Double = 1, maxBackoff: Double = 30, maxRetryAfter: Double = 60,
        requestTimeout: Double = 15, timeLimit: Double = 180
    ) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, baseDelay: baseDelay, maxThrottleAttempts: maxAttempts,
            throttleBaseDelay: baseDelay,
            maxBackoff: maxBackoff, maxRetryAfter: maxRetryAfter, requestTimeout: requestTimeout,
            paceAfterThrottling: false, jitter: .equal, timeLimit: timeLimit)
    }

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
        let random = min(max(random, 0), 1)
        switch jitter {
        case .full: return random * ceiling
        case .equal: return (0.5 + random / 2) * ceiling
        }
    }
}
