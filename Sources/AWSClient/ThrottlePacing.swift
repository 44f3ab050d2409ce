import Foundation

/// The send rate of one operation, as the AWS SDKs' adaptive retry mode keeps it (botocore's
/// `retries/adaptive.py`, the Java SDK's `RateLimitingTokenBucket`).
///
/// A token bucket that does nothing until the first throttle. Each throttle cuts the fill rate to
/// 70 % of the rate responses were arriving at (and empties the bucket); every other response
/// lets the rate grow back along a CUBIC curve that regains the pre-throttle rate about
/// `cbrt(rate * 0.75)` seconds after the throttle, never beyond twice the measured rate.
/// A request takes a token; when none is left it is told how long until the next one and takes
/// nothing, and asks again after that wait (as botocore's bucket wakes its waiters): a turn is
/// never promised at a rate that has since grown, so requests that wait through a slow spell
/// go as fast as the rate allows once it recovers, and nobody holds a lock while it waits.
/// Times are seconds on the client's clock.
struct AdaptiveSendRate: Sendable {
    static let minimumFillRate = 0.5
    static let beta = 0.7
    static let scaleConstant = 0.4
    static let smoothing = 0.8
    static let measuringInterval = 0.5
    /// A token due this soon (seconds) counts as there: a request that slept its wait goes,
    /// whatever rounding the clock did.
    static let negligibleWait = 0.001

    /// Whether requests are paced: false until the first throttle.
    private(set) var isPacing = false
    /// Tokens added per second while pacing.
    private(set) var fillRate = AdaptiveSendRate.minimumFillRate
    private var tokens = 0.0
    private var capacity = 1.0
    private var lastRefill = 0.0

    /// Responses per second, smoothed over half-second intervals.
    private(set) var measuredRate = 0.0
    private var responsesInInterval = 0.0
    private var lastInterval: Double?

    private var rateAtLastThrottle = 0.0
    private var lastThrottle = 0.0

    /// For a request about to start at `now`: 0 when it may go (a token is taken, or nothing is
    /// paced); else how long until the next token, taking nothing, after which it asks again.
    /// `nil` when that token comes at or after `latest`.
    mutating func reserve(at now: Double, latest: Double?) -> Double? {
        guard isPacing else { return 0 }
        refill(at: now)
        let wait = max(1 - tokens, 0) / fillRate
        if wait <= Self.negligibleWait {
            tokens = max(tokens - 1, 0)
            return 0
        }
        if let latest, now + wait >= latest { return nil }
        return wait
    }

    /// Learns from a response received at `now`. Returns true when this throttle started pacing.
    mutating func record(throttled: Bool, at now: Double) -> Bool {
        let measured = measure(at: now)
        let startsPacing = throttled && !isPacing
        let newRate: Double
        if throttled {
            let rateWhenThrottled = isPacing ? min(measured, fillRate) : measured
            rateAtLastThrottle = rateWhenThrottled
            lastThrottle = now
            newRate = rateWhenThrottled * Self.beta
            isPacing = true
        } else {
            guard isPacing else { return false }
            let sinceThrottle = now - lastThrottle - cbrt(rateAtLastThrottle * (1 - Self.beta) / Self.scaleConstant)
            newRate = Self.scaleConstant * sinceThrottle * sinceThrottle * sinceThrottle + rateAtLastThrottle
        }
        setRate(min(newRate, 2 * measured), at: now)
        if throttled { tokens = 0 }
        return startsPacing
    }

    private mutating func setRate(_ rate: Double, at now: Double) {
        refill(at: now)
        fillRate = max(rate, Self.minimumFillRate)
        capacity = max(rate, 1)
        tokens = min(tokens, capacity)
    }

    private mutating func refill(at now: Double) {
        guard now > lastRefill else { return }
        tokens = min(capacity, tokens + (now - lastRefill) * fillRate)
        lastRefill = now
    }

    /// Counts a response and returns the smoothed response rate.
    private mutating func measure(at now: Double) -> Double {
        let interval = (now / Self.measuringInterval).rounded(.down) * Self.measuringInterval
        responsesInInterval += 1
        guard let lastInterval else {
            self.lastInterval = interval
            return measuredRate
        }
        if interval > lastInterval {
            let rate = responsesInInterval / (interval - lastInterval)
            measuredRate = rate * Self.smoothing + measuredRate * (1 - Self.smoothing)
            responsesInInterval = 0
            self.lastInterval = interval
        }
        return measuredRate
    }
}

/// The send rates of every operation a client and its copies call, keyed by `region/service:operation`.
/// Callers reserve here and sleep elsewhere: nothing waits inside this actor.
actor ThrottlePacer {
    private var rates: [String: AdaptiveSendRate] = [:]

    /// 0 when a request of `operation` may start at `now`, else how long to wait before asking
    /// again; `nil` when its turn reaches `latest`.
    func reserve(_ operation: String, at now: Date, latest: Date?) -> Double? {
        rates[operation, default: AdaptiveSendRate()].reserve(
            at: now.timeIntervalSince1970, latest: latest?.timeIntervalSince1970)
    }

    /// Learns from a response of `operation`. Returns true when this throttle started pacing it.
    func record(_ operation: String, throttled: Bool, at now: Date) -> Bool {
        rates[operation, default: AdaptiveSendRate()].record(throttled: throttled, at: now.timeIntervalSince1970)
    }

    /// The paced send rate of `operation` in requests per second, `nil` while it is not paced.
    func sendRate(_ operation: String) -> Double? {
        rates[operation].flatMap { $0.isPacing ? $0.fillRate : nil }
    }
}
