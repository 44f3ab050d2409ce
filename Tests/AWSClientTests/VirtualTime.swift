import Foundation

@testable import AWSClient
@testable import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A clock for tests with several concurrent callers ("participants"). Time stands still while
/// any participant runs; once every one of them sleeps (or has left), time jumps to the earliest
/// wake-up and that one sleeper (the first to fall asleep among equals) runs alone. Sleeping for
/// zero seconds still yields, so participants that start with `sleep(seconds: 0)` run one at a
/// time from then on and a run is repeatable.
final class VirtualClock: WallClock, @unchecked Sendable {
    private struct Sleeper {
        let wake: Date
        let order: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private let lock = NSLock()
    private var current: Date
    private var running: Int
    private var sleepers: [Sleeper] = []
    private var sleepsSoFar = 0

    /// A clock at `start` for `participants` callers, which must each call `leave()` when done.
    init(participants: Int, start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = start
        running = participants
    }

    func now() -> Date { lock.withLock { current } }

    func sleep(seconds: Double) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                sleepers.append(
                    Sleeper(
                        wake: current.addingTimeInterval(max(0, seconds)), order: sleepsSoFar,
                        continuation: continuation))
                sleepsSoFar += 1
                running -= 1
                return wakeEarliestIfAllAsleep()
            }
            next?.resume()
        }
    }

    /// A participant is done and no longer holds time back.
    func leave() {
        let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            running -= 1
            return wakeEarliestIfAllAsleep()
        }
        next?.resume()
    }

    private func wakeEarliestIfAllAsleep() -> CheckedContinuation<Void, Never>? {
        guard running == 0,
            let index = sleepers.indices.min(by: {
                (sleepers[$0].wake, sleepers[$0].order) < (sleepers[$1].wake, sleepers[$1].order)
            })
        else { return nil }
        let sleeper = sleepers.remove(at: index)
        current = max(current, sleeper.wake)
        running += 1
        return sleeper.continuation
    }
}

/// Step Functions' request quota emulated per `X-Amz-Target` operation: a token bucket of
/// `capacity` refilled at `refillPerSecond` on `clock`. A request that finds it empty is answered
/// with a ThrottlingException (with `Retry-After` when `retryAfter` is set).
final class EmulatedQuota: @unchecked Sendable {
    /// One request as the emulated service saw it.
    struct Attempt: Sendable {
        let operation: String
        let time: Date
        let throttled: Bool
    }

    private let lock = NSLock()
    private let clock: any WallClock
    private let capacity: Double
    private let refillPerSecond: Double
    private let retryAfter: String?
    private var tokens: [String: (count: Double, refilled: Date)] = [:]
    private var recorded: [Attempt] = []

    init(clock: any WallClock, capacity: Double, refillPerSecond: Double, retryAfter: String? = nil) {
        self.clock = clock
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.retryAfter = retryAfter
    }

    /// The transport that answers through this quota.
    func transport() -> FakeTransport {
        FakeTransport { request, _ in self.answer(request) }
    }

    /// Every request so far, in order.
    var attempts: [Attempt] { lock.withLock { recorded } }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        let operation = request.headers["X-Amz-Target"]?.split(separator: ".").last.map(String.init) ?? "?"
        let now = clock.now()
        let admitted = lock.withLock { () -> Bool in
            var bucket = tokens[operation] ?? (capacity, now)
            bucket.count = min(capacity, bucket.count + now.timeIntervalSince(bucket.refilled) * refillPerSecond)
            bucket.refilled = now
            let admitted = bucket.count >= 1
            if admitted { bucket.count -= 1 }
            tokens[operation] = bucket
            recorded.append(Attempt(operation: operation, time: now, throttled: !admitted))
            return admitted
        }
        if admitted { return jsonResponse(200, #"{"count": 1}"#) }
        return jsonResponse(
            400, #"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#,
            headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
    }
}

/// A repeatable uniform source in `0...1` (SplitMix64), for backoff jitter in emulations.
final class SeededRandom: @unchecked Sendable {
    private let lock = NSLock()
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    func next() -> Double {
        lock.withLock {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53)
        }
    }
}
