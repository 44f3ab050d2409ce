import Foundation
import Testing

@testable import AWSClient
@testable import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

private struct ListResult: Decodable, Equatable {
    let count: Int
}

private struct Empty: Encodable, Sendable {}

@Suite("Retries, backoff, deadline and skew")
struct RetryTests {
    @Test func htmlServiceUnavailableIsRetriedThenSucceeds() async throws {
        let transport = FakeTransport(script: [
            .success(
                HTTPResponse(
                    status: 503, headers: ["Content-Type": "text/html"],
                    body: Data("<html><body>Service Unavailable</body></html>".utf8))),
            .success(jsonResponse(200, #"{"count": 3}"#)),
        ])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock, random: 0.5)
        let result: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        #expect(result == ListResult(count: 3))
        #expect(transport.requests.count == 2)
        #expect(clock.sleeps == [0.05])
    }

    @Test func throttlingExceptionIsRetried() async throws {
        let transport = FakeTransport(script: [
            .success(jsonResponse(400, #"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#)),
            .success(jsonResponse(200, #"{"count": 1}"#)),
        ])
        let client = makeClient(transport: transport)
        let result: ListResult = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        #expect(result.count == 1)
        #expect(transport.requests.count == 2)
    }

    @Test func accessDeniedIsNotRetriedAndIsDecoded() async throws {
        let transport = FakeTransport(script: [
            .success(
                jsonResponse(
                    400,
                    #"{"__type": "com.amazon.coral.service#AccessDeniedException", "message": "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: states:ListExecutions"}"#,
                    headers: [("x-amzn-RequestId", "abc-123")]))
        ])
        let client = makeClient(transport: transport)
        let error = await #expect(throws: AWSError.self) {
            let _: ListResult = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        }
        #expect(transport.requests.count == 1)
        #expect(error?.kind == .accessDenied)
        #expect(error?.code == "AccessDeniedException")
        #expect(error?.requestId == "abc-123")
        #expect(
            error?.description
                == "states:ListExecutions failed: AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: states:ListExecutions (HTTP 400, request id abc-123)"
        )
    }

    @Test func retryAfterIsHonouredAndCapped() async throws {
        let transport = FakeTransport(script: [
            .success(jsonResponse(429, "{}", headers: [("Retry-After", "3")])),
            .success(jsonResponse(429, "{}", headers: [("Retry-After", "600")])),
            .success(jsonResponse(200, #"{"count": 0}"#)),
        ])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock, random: 0)
        let _: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        #expect(clock.sleeps == [3, 20])
    }

    @Test func backoffIsExponentialJitteredAndCapped() async throws {
        let failing = FakeTransport(script: [.success(jsonResponse(500, "{}"))])
        let clock = FakeClock()
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxBackoff: 3)
        let client = makeClient(transport: failing, clock: clock, retryPolicy: policy, random: 1)
        let error = await #expect(throws: AWSError.self) {
            let _: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        }
        #expect(failing.requests.count == 5)
        #expect(clock.sleeps == [1, 2, 3, 3])
        #expect(error?.status == 500)

        let halfClock = FakeClock()
        let jittered = makeClient(
            transport: FakeTransport(script: [.success(jsonResponse(500, "{}"))]), clock: halfClock, random: 0.25)
        _ = try? await jittered.json(.stepFunctions, target: "ListStateMachines", body: Empty()) as ListResult
        #expect(halfClock.sleeps == [0.025, 0.05, 0.1, 0.2])
    }

    @Test func retryAfterIsReadAsSecondsOrAnHTTPDate() throws {
        let now = try #require(RetryAfter.httpDate("Thu, 01 Jan 2026 00:00:00 GMT"))
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds(" 0 ", now: now) == 0)
        #expect(RetryAfter.seconds("1.5", now: now) == 1.5)
        #expect(RetryAfter.seconds("Thu, 01 Jan 2026 00:00:45 GMT", now: now) == 45)
        #expect(RetryAfter.seconds("Thursday, 01-Jan-26 00:01:00 GMT", now: now) == 60)
        #expect(RetryAfter.seconds("Thu Jan  1 00:00:30 2026", now: now) == 30)
        #expect(RetryAfter.seconds("Wed, 31 Dec 2025 23:59:00 GMT", now: now) == 0, "a date in the past: at once")
        for garbage in ["", "soon", "12abc", "1e3", "inf", "nan", "0x10", "Thu, 32 Jan 2026 00:00:00 GMT"] {
            #expect(RetryAfter.seconds(garbage, now: now) == nil, "\(garbage)")
        }
        #expect(RetryAfter.seconds("-5", now: now) == nil, "a negative delay is not a delay: the backoff applies")
    }

    @Test func anHTTPDateRetryAfterIsHonouredAndAGarbledOneFallsBackToTheBackoff() async throws {
        let transport = FakeTransport(script: [
            .success(jsonResponse(503, "{}", headers: [("Retry-After", "Thu, 01 Jan 2026 00:00:07 GMT")])),
            .success(jsonResponse(503, "{}", headers: [("Retry-After", "-3")])),
            .success(jsonResponse(200, #"{"count": 0}"#)),
        ])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock, random: 1)
        let _: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        #expect(clock.sleeps == [7, 0.2])
    }

    @Test func deliveryPolicyUsesEqualJitterAndItsOwnTimeLimit() {
        let policy = RetryPolicy.delivery()
        #expect(policy.maxAttempts == 6 && policy.attemptLimit(throttled: true) == 6)
        #expect(policy.timeLimit == 180 && !policy.paceAfterThrottling)
        for retry in 0..<8 {
            let ceiling = min(30, pow(2, Double(retry)))
            #expect(policy.delay(beforeRetry: retry, random: 0, retryAfter: nil) == ceiling / 2)
            #expect(policy.delay(beforeRetry: retry, random: 1, retryAfter: nil) == ceiling)
        }
        #expect(policy.delay(beforeRetry: 0, random: 0, retryAfter: 90) == 60)
    }

    @Test func standardDelayStaysWithinItsBounds() {
        let policy = RetryPolicy.standard
        for retry in 0..<12 {
            let ceiling = min(20, 0.1 * pow(2, Double(retry)))
            #expect(policy.delay(beforeRetry: retry, random: 0, retryAfter: nil) == 0)
            #expect(policy.delay(beforeRetry: retry, random: 1, retryAfter: nil) == ceiling)
            #expect(policy.delay(beforeRetry: retry, random: 7, retryAfter: nil) == ceiling)
        }
    }

    @Test func deadlineStopsRetries() async throws {
        let transport = FakeTransport(script: [.success(jsonResponse(503, ""))])
        let clock = FakeClock()
        let start = clock.now()
        let client = makeClient(transport: transport, clock: clock, deadline: start.addingTimeInterval(0.5), random: 1)
        let error = await #expect(throws: AWSError.self) {
            let _: ListResult = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        }
        #expect(error?.kind == .deadlineExceeded)
        #expect(transport.requests.count == 3)
        #expect(clock.sleeps == [0.1, 0.2])
        #expect(abs(clock.now().timeIntervalSince(start) - 0.3) < 1e-6)
        // Each attempt's timeout is cut to what is left before the deadline.
        #expect(transport.timeouts.map { ($0 * 10).rounded() / 10 } == [0.5, 0.4, 0.2])
    }

    @Test func nothingStartsAfterTheDeadline() async throws {
        let transport = FakeTransport(script: [.success(jsonResponse(200, #"{"count": 1}"#))])
        let clock = FakeClock()
        let client = makeClient(transport: transport, clock: clock, deadline: clock.now().addingTimeInterval(-1))
        let error = await #expect(throws: AWSError.self) {
            let _: ListResult = try await client.json(.stepFunctions, target: "ListExecutions", body: Empty())
        }
        #expect(error?.kind == .deadlineExceeded)
        #expect(transport.requests.isEmpty)
    }

    @Test func everyAttemptIsSignedAnew() async throws {
        let transport = FakeTransport(script: [
            .success(jsonResponse(503, "")),
            .success(jsonResponse(200, #"{"count": 1}"#)),
        ])
        let policy = RetryPolicy(baseDelay: 2)
        let client = makeClient(transport: transport, retryPolicy: policy, random: 1)
        let _: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        let requests = transport.requests
        #expect(requests.count == 2)
        #expect(requests[0].headers["X-Amz-Date"] == "20260101T000000Z")
        #expect(requests[1].headers["X-Amz-Date"] == "20260101T000002Z")
        #expect(requests[0].headers["Authorization"] != requests[1].headers["Authorization"])
        #expect(requests.allSatisfy { $0.headers.fields.filter { $0.name == "Authorization" }.count == 1 })
    }

    @Test func transportErrorsAreRetried() async throws {
        let transport = FakeTransport(script: [
            .failure(URLError(.unknown)),
            .failure(URLError(.timedOut)),
            .success(jsonResponse(200, #"{"count": 2}"#)),
        ])
        let client = makeClient(transport: transport)
        let result: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        #expect(result.count == 2)
        #expect(transport.requests.count == 3)
    }

    @Test func transportErrorAfterAllAttemptsIsReported() async throws {
        let transport = FakeTransport(script: [.failure(URLError(.timedOut))])
        let client = makeClient(transport: transport, retryPolicy: RetryPolicy(maxAttempts: 2))
        let error = await #expect(throws: AWSError.self) {
            let _: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        }
        #expect(error?.kind == .timeout)
        #expect(error?.status == nil)
        #expect(transport.requests.count == 2)
    }

    @Test func clockSkewIsCorrectedFromTheDateHeader() async throws {
        let clock = FakeClock()
        // The server is one hour ahead.
        let transport = FakeTransport(script: [
            .success(
                jsonResponse(
                    400,
                    #"{"__type": "InvalidSignatureException", "message": "Signature expired: 20260101T000000Z is now earlier than 20260101T005500Z (20260101T010000Z - 5 min.)"}"#,
                    headers: [("Date", "Thu, 01 Jan 2026 01:00:00 GMT")])),
            .success(jsonResponse(200, #"{"count": 1}"#)),
            .success(jsonResponse(200, #"{"count": 2}"#)),
        ])
        let client = makeClient(transport: transport, clock: clock)
        let first: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        #expect(first.count == 1)
        #expect(clock.sleeps.isEmpty)
        #expect(await client.clockSkew() == 3600)
        let second: ListResult = try await client.json(.stepFunctions, target: "ListStateMachines", body: Empty())
        #expect(second.count == 2)
        #expect(
            transport.requests.map { $0.headers["X-Amz-Date"] } == [
                "20260101T000000Z", "20260101T010000Z", "20260101T010000Z",
            ])
    }

    @Test func skewIsCorrectedOnlyOncePerCall() async throws {
        let skewed = xmlResponse(
            403,
            "<ErrorResponse><Error><Code>RequestTimeTooSkewed</Code><Message>too skewed</Message></Error><RequestId>r</RequestId></ErrorResponse>",
            headers: [("Date", "Thu, 01 Jan 2026 00:20:00 GMT")])
        let transport = FakeTransport(script: [.success(skewed)])
        let client = makeClient(transport: transport)
        let error = await #expect(throws: AWSError.self) {
            _ = try await client.query(.cloudWatch, action: "DescribeAlarms", version: "2010-08-01", parameters: [])
        }
        #expect(error?.code == "RequestTimeTooSkewed")
        #expect(error?.kind == .signature)
        #expect(transport.requests.count == 2)
    }

    @Test func signatureMismatchWithoutTimeIsNotRetried() async throws {
        let transport = FakeTransport(script: [
            .success(
                xmlResponse(
                    403,
                    "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.</Message></Error><RequestId>r-9</RequestId></ErrorResponse>",
                    headers: [("Date", "Thu, 01 Jan 2026 03:00:00 GMT")]))
        ])
        let client = makeClient(transport: transport)
        let error = await #expect(throws: AWSError.self) {
            _ = try await client.query(.sns, action: "Publish", version: "2010-03-31", parameters: [])
        }
        #expect(error?.kind == .signature)
        #expect(transport.requests.count == 1)
        #expect(await client.clockSkew() == 0)
    }
}
