import Foundation
import Testing

@testable import AWSClient
@testable import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

private struct Count: Decodable {
    let count: Int
}

private struct Empty: Encodable, Sendable {}

/// The SDKs' plain standard mode: throttles are retried like any error and nothing is paced.
private let plainStandard = RetryPolicy(maxThrottleAttempts: 5, throttleBaseDelay: 0.1, paceAfterThrottling: false)

private let throttleResponse = jsonResponse(400, #"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#)

/// What one emulated run did.
private struct EmulationOutcome {
    var succeeded = 0
    var failures: [AWSError] = []
    var attempts: [EmulatedQuota.Attempt] = []
    var elapsed = 0.0
    var endedAt = Date.distantPast

    var throttles: Int { attempts.filter(\.throttled).count }
}

/// Hands out call numbers to workers until `total` were taken.
private final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0
    private let total: Int

    init(total: Int) { self.total = total }

    func take() -> Bool {
        lock.withLock {
            guard taken < total else { return false }
            taken += 1
            return true
        }
    }
}

/// `calls` ListExecutions made by `workers` concurrent callers sharing one client, against a
/// ListExecutions quota of `capacity` refilled at `refill` per second, each answer taking
/// `latency` seconds, all in virtual time.
private func emulateListing(
    policy: RetryPolicy, calls: Int = 40, workers: Int = 8, capacity: Double = 5, refill: Double = 2,
    deadlineAfter: Double = 120, seed: UInt64 = 7, latency: Double = 0
) async -> EmulationOutcome {
    let clock = VirtualClock(participants: workers)
    let start = clock.now()
    let quota = EmulatedQuota(clock: clock, capacity: capacity, refillPerSecond: refill)
    let random = SeededRandom(seed: seed)
    let client = AWSClient(
        region: "us-east-1", credentialProvider: StaticCredentialProvider(testCredentials),
        transport: DelayedTransport(inner: quota.transport(), clock: clock, latency: latency),
        endpoints: EndpointResolver(environment: [:]), clock: clock, retryPolicy: policy,
        deadline: start.addingTimeInterval(deadlineAfter), logger: quietLogger, random: { random.next() })
    let counter = CallCounter(total: calls)
    var outcome = EmulationOutcome()
    await withTaskGroup(of: [Result<Void, AWSError>].self) { group in
        for _ in 0..<workers {
            group.addTask {
                defer { clock.leave() }
                try? await clock.sleep(seconds: 0)
                var results: [Result<Void, AWSError>] = []
                while counter.take() {
                    do {
                        let _: Count = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
                        results.append(.success(()))
                    } catch let error as AWSError {
                        results.append(.failure(error))
                    } catch {
                        Issue.record("unexpected error \(error)")
                    }
                }
                return results
            }
        }
        for await results in group {
            for result in results {
                switch result {
                case .success: outcome.succeeded += 1
                case .failure(let error): outcome.failures.append(error)
                }
            }
        }
    }
    outcome.attempts = quota.attempts
    outcome.endedAt = clock.now()
    outcome.elapsed = clock.now().timeIntervalSince(start)
    return outcome
}

@Suite("Throttles: their own backoff, more attempts, and pacing per operation")
struct ThrottlingTests {
    @Test func everyCallSucceedsUnderAQuotaWithFarFewerThrottlesThanStandardMode() async throws {
        let adaptive = await emulateListing(policy: .standard)
        let standard = await emulateListing(policy: plainStandard)
        print(
            "emulation 40 calls, 8 callers, quota 5 + 2/s:",
            "adaptive \(adaptive.attempts.count) attempts, \(adaptive.throttles) throttled, \(adaptive.failures.count) failed,",
            "\(String(format: "%.1f", adaptive.elapsed)) s;",
            "plain standard \(standard.attempts.count) attempts, \(standard.throttles) throttled,",
            "\(standard.failures.count) failed, \(String(format: "%.1f", standard.elapsed)) s")

        #expect(adaptive.succeeded == 40)
        #expect(adaptive.failures.isEmpty)
        // The quota's floor is (40 - 5) / 2 = 17.5 s; pacing keeps close to it.
        #expect(adaptive.elapsed >= 17.5)
        #expect(adaptive.elapsed <= 20)
        #expect(adaptive.throttles <= 30)

        // Plain standard mode gives up on calls and throttles many times more.
        #expect(standard.failures.count >= 10)
        #expect(standard.failures.allSatisfy { $0.kind == .throttled && $0.code == "ThrottlingException" })
        #expect(adaptive.throttles * 3 <= standard.throttles)
    }

    @Test func aBenchSizedListingFinishesNearTheQuotasFloor() async throws {
        // 300 ListExecutions against the real quota (100, then 2 per second) with 30 ms latency:
        // nothing can finish before (300 - 100) / 2 = 100 s.
        let run = await emulateListing(
            policy: .standard, calls: 300, capacity: 100, refill: 2, deadlineAfter: 600, latency: 0.03)
        print(
            "emulation 300 calls, 8 callers, quota 100 + 2/s, 30 ms:",
            "\(run.attempts.count) attempts, \(run.throttles) throttled, \(run.failures.count) failed,",
            "\(String(format: "%.1f", run.elapsed)) s")
        #expect(run.succeeded == 300)
        #expect(run.elapsed >= 100)
        #expect(run.elapsed <= 105.5, "within 5 % of the floor")
        #expect(run.throttles <= 100)
    }

    @Test func theSameSeedGivesTheSameRun() async throws {
        let first = await emulateListing(policy: .standard, seed: 11)
        let second = await emulateListing(policy: .standard, seed: 11)
        #expect(first.attempts.map(\.time) == second.attempts.map(\.time))
        #expect(first.succeeded == 40)
    }

    @Test func theDeadlineStopsThrottledCalls() async throws {
        let outcome = await emulateListing(policy: .standard, deadlineAfter: 6)
        let deadline = Date(timeIntervalSince1970: 1_767_225_600 + 6)
        #expect(outcome.succeeded > 5)
        #expect(outcome.succeeded < 40)
        #expect(outcome.succeeded + outcome.failures.count == 40)
        #expect(outcome.failures.allSatisfy { $0.kind == .deadlineExceeded })
        #expect(outcome.attempts.allSatisfy { $0.time < deadline })
        #expect(outcome.endedAt < deadline)
    }

    @Test func nothingIsPacedBeforeTheFirstThrottle() async throws {
        let transport = FakeTransport(script: [.success(jsonResponse(200, #"{"count": 1}"#))])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock)
        for _ in 0..<20 {
            let _: Count = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        }
        #expect(transport.requests.count == 20)
        #expect(clock.sleeps.isEmpty)
        #expect(await client.pacedSendRate(.stepFunctions, operation: "ListExecutions") == nil)
    }

    @Test func aThrottlePacesTheNextAttemptAfterItsBackoff() async throws {
        let transport = FakeTransport(script: [
            .success(throttleResponse),
            .success(jsonResponse(200, #"{"count": 1}"#)),
        ])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock, random: 1)
        let _: Count = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        // Backoff from the 0.5 s throttle base, then the bucket (0.5 token/s, emptied by the
        // throttle, a quarter refilled during the backoff) makes the attempt wait 1.5 s more.
        #expect(clock.sleeps == [0.5, 1.5])
        // The success then raised the rate to twice the measured one response a second (smoothed to 0.8).
        let rate = try #require(await client.pacedSendRate(.stepFunctions, operation: "ListExecutions"))
        #expect(abs(rate - 1.6) < 1e-9)
    }

    @Test func throttlesBackOffFromTheirOwnBaseWithMoreAttempts() async throws {
        let transport = FakeTransport(script: [.success(throttleResponse)])
        let clock = FakeClock()
        let unpaced = RetryPolicy(paceAfterThrottling: false)
        let client = makeClient(transport: transport, clock: clock, retryPolicy: unpaced, random: 1)
        let error = await #expect(throws: AWSError.self) {
            let _: Count = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        }
        #expect(error?.kind == .throttled)
        #expect(transport.requests.count == 8)
        #expect(clock.sleeps == [0.5, 1, 2, 4, 8, 16, 20])

        let tooManyRequests = FakeTransport(script: [.success(jsonResponse(429, "{}"))])
        let quarterClock = FakeClock()
        let jittered = makeClient(transport: tooManyRequests, clock: quarterClock, retryPolicy: unpaced, random: 0.25)
        _ = try? await jittered.json(.stepFunctions, target: "ListExecutions", body: Empty()) as Count
        #expect(tooManyRequests.requests.count == 8)
        #expect(quarterClock.sleeps == [0.125, 0.25, 0.5, 1, 2, 4, 5])
    }

    @Test func aThrottleAfterOtherErrorsStillGetsTheThrottleAttempts() async throws {
        let transport = FakeTransport(script: [
            .success(jsonResponse(500, "{}")), .success(jsonResponse(500, "{}")), .success(jsonResponse(500, "{}")),
            .success(jsonResponse(500, "{}")), .success(throttleResponse),
            .success(jsonResponse(200, #"{"count": 5}"#)),
        ])
        let client = makeClient(transport: transport, retryPolicy: RetryPolicy(paceAfterThrottling: false), random: 0)
        let result: Count = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        #expect(result.count == 5)
        #expect(transport.requests.count == 6)
    }

    @Test func throttlesHonourRetryAfter() async throws {
        let transport = FakeTransport(script: [
            .success(
                jsonResponse(
                    400, #"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#,
                    headers: [("Retry-After", "2")])),
            .success(jsonResponse(200, #"{"count": 1}"#)),
        ])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock, random: 1)
        let _: Count = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        // Retry-After replaces the jittered backoff, and the bucket refilled meanwhile.
        #expect(clock.sleeps == [2])
        #expect(transport.requests.count == 2)
    }

    @Test func throttlingOneOperationDoesNotSlowAnother() async throws {
        let clock = VirtualClock(participants: 6)
        let start = clock.now()
        let quota = EmulatedQuota(clock: clock, capacity: 2, refillPerSecond: 1)
        let listing = quota.transport()
        let describing = FakeTransport(script: [.success(jsonResponse(200, #"{"count": 2}"#))])
        let router = RoutingTransport(listing: listing, others: describing)
        let client = AWSClient(
            region: "us-east-1", credentialProvider: StaticCredentialProvider(testCredentials), transport: router,
            endpoints: EndpointResolver(environment: [:]), clock: clock, deadline: start.addingTimeInterval(300),
            logger: quietLogger, random: { 0.5 })
        let describeWaits = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    defer { clock.leave() }
                    try? await clock.sleep(seconds: 0)
                    for _ in 0..<5 {
                        let _: Count? = try? await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
                    }
                    return []
                }
            }
            for _ in 0..<2 {
                // Another operation through a copy of the client, one call a second while listing is paced.
                let copy = client.with(credentialProvider: StaticCredentialProvider(testCredentials))
                group.addTask {
                    defer { clock.leave() }
                    var waits: [Double] = []
                    for _ in 0..<10 {
                        try? await clock.sleep(seconds: 1)
                        let before = clock.now()
                        let _: Count? = try? await copy.json(
                            .stepFunctions, target: "DescribeStateMachine", body: Empty())
                        waits.append(clock.now().timeIntervalSince(before))
                    }
                    return waits
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(quota.attempts.count > 20)
        #expect(quota.attempts.contains { $0.throttled })
        #expect(await client.pacedSendRate(.stepFunctions, operation: "ListExecutions") != nil)
        #expect(await client.pacedSendRate(.stepFunctions, operation: "DescribeStateMachine") == nil)
        #expect(describing.requests.count == 20)
        #expect(describeWaits == Array(repeating: 0, count: 20))
    }

    @Test func copiesOfAClientShareThePacingOfTheirRegion() async throws {
        let transport = FakeTransport(script: [
            .success(throttleResponse), .success(jsonResponse(200, #"{"count": 1}"#)),
        ])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock, random: 1)
        let _: Count = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        let copy = client.with(credentialProvider: StaticCredentialProvider(testCredentials))
        let otherRegion = client.with(
            credentialProvider: StaticCredentialProvider(testCredentials), region: "eu-west-1")
        #expect(await copy.pacedSendRate(.stepFunctions, operation: "ListExecutions") != nil)
        #expect(await otherRegion.pacedSendRate(.stepFunctions, operation: "ListExecutions") == nil)

        let sleepsBefore = clock.sleeps.count
        let _: Count = try await otherRegion.json(.stepFunctions, target: "ListExecutions", body: Empty())
        #expect(clock.sleeps.count == sleepsBefore)
        let _: Count = try await copy.json(.stepFunctions, target: "ListExecutions", body: Empty())
        #expect(clock.sleeps.count == sleepsBefore + 1)
    }
}

@Suite("The adaptive send rate of one operation")
struct AdaptiveSendRateTests {
    /// A rate that saw ten responses a second for three seconds, then a throttle at 103.
    private func throttledAfterTenPerSecond() -> AdaptiveSendRate {
        var rate = AdaptiveSendRate()
        for step in 0..<30 {
            #expect(rate.record(throttled: false, at: 100 + Double(step) / 10) == false)
        }
        #expect(rate.record(throttled: true, at: 103) == true)
        return rate
    }

    @Test func nothingWaitsBeforeAThrottle() {
        var rate = AdaptiveSendRate()
        for step in 0..<50 {
            _ = rate.record(throttled: false, at: Double(step) / 100)
            #expect(rate.reserve(at: Double(step) / 100, latest: nil) == 0)
        }
        #expect(rate.isPacing == false)
    }

    @Test func aThrottleCutsTheRateToSeventyPercentOfTheMeasuredRate() {
        let rate = throttledAfterTenPerSecond()
        #expect(rate.isPacing)
        #expect(rate.measuredRate > 8 && rate.measuredRate < 12)
        #expect(abs(rate.fillRate - 0.7 * rate.measuredRate) < 1e-9)
    }

    @Test func waitingRequestsTakeNothingAndOneTokenLetsOneGo() {
        var rate = throttledAfterTenPerSecond()
        let interval = 1 / rate.fillRate
        // Four requests at the throttle: none may go, each is told the time to the next token.
        let waits = (0..<4).compactMap { _ in rate.reserve(at: 103, latest: nil) }
        #expect(waits.count == 4 && waits.allSatisfy { abs($0 - interval) < 1e-9 })
        // When they ask again, the one token goes to the first; the others wait for the next.
        let again = (0..<4).compactMap { _ in rate.reserve(at: 103 + interval, latest: nil) }
        #expect(again.first == 0)
        #expect(again.dropFirst().allSatisfy { abs($0 - interval) < 1e-9 })
    }

    @Test func aRateThatGrewWhileRequestsWaitedLetsThemGoAtTheNewRate() {
        var rate = throttledAfterTenPerSecond()
        let cut = rate.fillRate
        var time = 103.0
        for _ in 0..<40 {  // successes at the paced rate let it grow back
            time += 1 / rate.fillRate
            _ = rate.reserve(at: time, latest: nil)
            _ = rate.record(throttled: false, at: time)
        }
        #expect(rate.fillRate > 1.2 * cut)
        let wait = rate.reserve(at: time, latest: nil) ?? .infinity
        #expect(wait <= 1 / rate.fillRate + 1e-9, "the next turn comes at the grown rate, not at \(1 / cut) s")
    }

    @Test func aTurnPastTheLatestStartIsRefusedAndTakesNothing() {
        var rate = throttledAfterTenPerSecond()
        let interval = 1 / rate.fillRate
        #expect(rate.reserve(at: 103, latest: 103 + interval / 2) == nil)
        let wait = rate.reserve(at: 103, latest: nil)
        #expect(wait.map { abs($0 - interval) < 1e-9 } == true)
    }

    @Test func successesRaiseTheRateAgainButNeverPastTwiceTheMeasuredRate() {
        var rate = throttledAfterTenPerSecond()
        let cutRate = rate.fillRate
        var time = 103.0
        while time < 113 {
            time += 1 / rate.fillRate
            _ = rate.record(throttled: false, at: time)
            #expect(rate.fillRate <= max(2 * rate.measuredRate, AdaptiveSendRate.minimumFillRate) + 1e-9)
        }
        #expect(rate.fillRate > cutRate)
        let raised = rate.fillRate
        _ = rate.record(throttled: true, at: time)
        #expect(rate.fillRate < raised)
    }
}

/// Sends ListExecutions to one transport and everything else to another.
private struct RoutingTransport: HTTPTransport {
    let listing: any HTTPTransport
    let others: any HTTPTransport

    func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse {
        let target = request.headers["X-Amz-Target"] ?? ""
        return try await (target.hasSuffix(".ListExecutions") ? listing : others).send(request, timeout: timeout)
    }
}

/// Answers through `inner` after `latency` seconds on `clock`.
private struct DelayedTransport: HTTPTransport {
    let inner: any HTTPTransport
    let clock: any WallClock
    let latency: Double

    func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse {
        if latency > 0 { try await clock.sleep(seconds: latency) }
        return try await inner.send(request, timeout: timeout)
    }
}
