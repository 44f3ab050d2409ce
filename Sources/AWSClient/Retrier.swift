import Foundation
import Logging

/// What one attempt of a retried call came to.
public enum AttemptOutcome<Success, Failure: Error> {
    case success(Success)
    /// A failure, tried again when `retryable` (after `retryAfter` seconds when the answer said so).
    /// A `throttled` failure backs off and counts attempts as the policy says for throttles.
    case failure(Failure, retryable: Bool, throttled: Bool = false, retryAfter: Double? = nil)
    /// Try again at once, with no backoff and no retry counted (the clock skew was just corrected).
    case again
}

/// Why a retried call ended without success.
public enum RetryStop<Failure: Error>: Error {
    /// The last failure was not retryable, or the attempts ran out.
    case failed(Failure, attempts: Int)
    /// No time was left for the next attempt or wait; `last` is the latest failure, if there was an attempt.
    case outOfTime(last: Failure?, attempts: Int)
    /// The task was cancelled during a wait.
    case cancelled(last: Failure?, attempts: Int)
}

/// The one retry loop: AWS calls and Slack or heartbeat deliveries differ only in their
/// `RetryPolicy` and in how an attempt is made and judged. Waits go through the injected clock,
/// so tests do not sleep.
public struct Retrier: Sendable {
    public let policy: RetryPolicy
    public let clock: any WallClock
    public let logger: Logger
    /// A uniform number in `0...1` for backoff jitter.
    public let random: @Sendable () -> Double

    /// A retry loop for `policy`.
    public init(policy: RetryPolicy, clock: any WallClock, logger: Logger, random: @escaping @Sendable () -> Double) {
        self.policy = policy
        self.clock = clock
        self.logger = logger
        self.random = random
    }

    /// Makes attempts until one succeeds, fails for good, the attempts run out, or the deadline
    /// (`deadline`, or the policy's `timeLimit` after now, whichever is earlier) would be passed.
    ///
    /// - `name` names the call in logs; `reason` says what a failure was, for the retry log line.
    /// - `pace`, when given, is asked before each attempt whether it may start (0) or how long to
    ///   wait before asking again, given the latest instant it may start; `nil` means its turn
    ///   comes too late.
    /// - `attempt` is given the attempt's timeout: the policy's, shortened to the deadline.
    public func run<Success, Failure: Error>(
        _ name: String, deadline: Date? = nil, pace: ((_ latest: Date?) async -> Double?)? = nil,
        reason: (Failure) -> String, attempt: (_ timeout: Double) async throws -> AttemptOutcome<Success, Failure>
    ) async rethrows -> Result<Success, RetryStop<Failure>> {
        let deadline = earliest(deadline, policy.timeLimit.map { clock.now().addingTimeInterval($0) })
        var attempts = 0
        var retriesDone = 0
        var last: Failure?
        while true {
            while let pace {
                guard let wait = await pace(deadline) else {
                    return .failure(.outOfTime(last: last, attempts: attempts))
                }
                guard wait > 0 else { break }
                logger.debug(
                    "\(name): pacing after throttles, waiting \(String(format: "%.2f", wait)) s",
                    metadata: ["attempt": "\(attempts + 1)"])
                do { try await clock.sleep(seconds: wait) } catch {
                    return .failure(.cancelled(last: last, attempts: attempts))
                }
            }
            var timeout = policy.requestTimeout
            if let deadline {
                let remaining = deadline.timeIntervalSince(clock.now())
                guard remaining > 0 else { return .failure(.outOfTime(last: last, attempts: attempts)) }
                timeout = min(timeout, remaining)
            }
            attempts += 1
            let failure: Failure
            let throttled: Bool
            let retryAfter: Double?
            switch try await attempt(timeout) {
            case .success(let success):
                return .success(success)
            case .again:
                continue
            case .failure(let error, let retryable, let isThrottle, let after):
                guard retryable else { return .failure(.failed(error, attempts: attempts)) }
                failure = error
                throttled = isThrottle
                retryAfter = after
            }
            last = failure
            let attemptLimit = policy.attemptLimit(throttled: throttled)
            guard attempts < attemptLimit else { return .failure(.failed(failure, attempts: attempts)) }
            let delay = policy.delay(
                beforeRetry: retriesDone, random: random(), retryAfter: retryAfter, throttled: throttled)
            if let deadline, clock.now().addingTimeInterval(delay) >= deadline {
                return .failure(.outOfTime(last: failure, attempts: attempts))
            }
            logger.info(
                "\(name): \(reason(failure)); retrying in \(String(format: "%.2f", delay)) s",
                metadata: ["attempt": "\(attempts + 1)/\(attemptLimit)"])
            if delay > 0 {
                do { try await clock.sleep(seconds: delay) } catch {
                    return .failure(.cancelled(last: failure, attempts: attempts))
                }
            }
            retriesDone += 1
        }
    }

    private func earliest(_ first: Date?, _ second: Date?) -> Date? {
        guard let first else { return second }
        guard let second else { return first }
        return min(first, second)
    }
}
