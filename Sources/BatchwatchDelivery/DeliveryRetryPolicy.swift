import Foundation

/// How Slack posts and heartbeat pings are retried: a 429 waits for its `Retry-After`; 5xx answers
/// and network errors back off exponentially up to a cap; everything stops at an overall deadline.
public struct DeliveryRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait before retry `n` (0-based) is `min(maxBackoff, baseDelay * 2^n)`, times a jitter factor.
    public var baseDelay: Double
    public var maxBackoff: Double
    /// The longest `Retry-After` honoured; a longer one is waited for this long.
    public var maxRetryAfter: Double
    /// The timeout of one attempt, in seconds.
    public var requestTimeout: Double
    /// Seconds from the first attempt after which no attempt starts and no wait begins.
    public var deadline: Double

    /// A policy; the defaults suit a cron run: 6 attempts, 1 s doubling to 30 s, 3 minutes in all.
    public init(
        maxAttempts: Int = 6, baseDelay: Double = 1, maxBackoff: Double = 30, maxRetryAfter: Double = 60,
        requestTimeout: Double = 15, deadline: Double = 180
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.requestTimeout = requestTimeout
        self.deadline = deadline
    }

    /// The default policy.
    public static let standard = DeliveryRetryPolicy()

    /// The wait before retry number `retry` (0 for the first): the capped `Retry-After` when the
    /// answer had one, else the capped exponential backoff scaled by `jitter` (in `0.5...1`).
    func delay(beforeRetry retry: Int, retryAfter: Double?, jitter: Double) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maxRetryAfter) }
        let ceiling = min(maxBackoff, baseDelay * pow(2, Double(retry)))
        return ceiling * min(max(jitter, 0.5), 1)
    }
}
