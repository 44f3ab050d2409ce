import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery
@testable import TestSupport

/// The heartbeat ping after each run.
struct HeartbeatTests {
    @Test(arguments: [
        (BatchwatchCheck.ExitStatus.ok, "/ping/abc123"), (.problems, "/ping/abc123"),
        (.usageOrConfiguration, "/ping/abc123/fail"),
        (.incomplete, "/ping/abc123/fail"),
    ])
    func failIsAppendedOnlyForExitTwoAndThree(status: BatchwatchCheck.ExitStatus, path: String) async throws {
        let transport = FakeTransport { _, _ in HTTPResponse(status: 200, body: Data("OK".utf8)) }
        let deliverer = Fixture.deliverer(
            NotifySettings(heartbeatURL: Secret("https://hc-ping.example/ping/abc123")), state: nil,
            clock: FakeClock(Fixture.clockStart),
            logs: LogRecorder(), transport: transport)
        await deliverer.heartbeat(exitStatus: status)
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(request.url.path == path)
        #expect(request.url.host == "hc-ping.example")
    }

    @Test func failKeepsTheQueryAndATrailingSlash() {
        #expect(
            Deliverer.heartbeatURL("https://h.example/p/?x=1", fail: true)?.absoluteString
                == "https://h.example/p/fail?x=1")
        #expect(Deliverer.heartbeatURL("ftp://h.example/p", fail: false) == nil)
    }

    @Test func aFailingHeartbeatIsRetriedThenLoggedMasked() async {
        let transport = FakeTransport { _, _ in throw URLError(.cannotConnectToHost) }
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            NotifySettings(heartbeatURL: Secret("https://hc-ping.example/ping/5ecret-uuid-0000")), state: nil,
            clock: clock,
            logs: logs, transport: transport, retryPolicy: RetryPolicy.delivery(maxAttempts: 3, requestTimeout: 5))
        await deliverer.heartbeat(exitStatus: .incomplete)
        #expect(transport.requests.count == 3)
        #expect(clock.sleeps == [1, 2])
        #expect(
            logs.contains(
                "heartbeat https://hc-ping.example/ping/5e…/fail failed: gave up after 3 attempts: network error",
                atLeast: .warning))
        #expect(!logs.text.contains("5ecret-uuid-0000"))
    }

    @Test func noHeartbeatURLSendsNothing() async {
        let transport = FakeTransport { _, _ in HTTPResponse(status: 200) }
        await Fixture.deliverer(
            NotifySettings(), state: nil, clock: FakeClock(Fixture.clockStart), logs: LogRecorder(),
            transport: transport
        )
        .heartbeat(exitStatus: .incomplete)
        #expect(transport.requests.isEmpty)
    }
}
