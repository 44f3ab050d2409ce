import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery
@testable import TestSupport

/// Posting to Slack through a loopback receiver: exactly once, retries, spool, rejections.
/// Serialized: the receivers run on threads, and two at once only slow each other down.
@Suite(.serialized)
struct SlackDeliveryTests {
    @Test func onePostPerRunNoneOnASecondRunOfTheSameWindowAndOneMoreWithForce() async throws {
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let logs = LogRecorder()
        let settings = NotifySettings(slack: .webhook(Secret(receiver.webhookURL())))
        let deliverer = Fixture.deliverer(
            settings, state: state, clock: FakeClock(Fixture.clockStart), logs: logs, receiver: receiver)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 1)
        let post = try #require(receiver.posts.first)
        #expect(post.path == "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")
        #expect(post.contentType == "application/json; charset=utf-8")
        #expect(post.body == Data(Deliverer.payload(for: Fixture.report(), format: .slack, settings: settings).utf8))
        #expect(post.json["channel"] == nil)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 1, "the same window is not posted twice")
        #expect(logs.contains("already delivered"))

        #expect(
            await deliverer.deliver(Fixture.report(window: Fixture.nextDay)) == [
                DeliveryOutcome(target: "slack", ok: true)
            ])
        #expect(receiver.posts.count == 2, "another window is posted")

        #expect(await deliverer.deliver(Fixture.report(), force: true) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 3, "--force posts again")

        let stateFile = try String(contentsOf: state.appendingPathComponent("delivered.json"), encoding: .utf8)
        #expect(stateFile.contains("\"from\" : \"2026-11-19T15:00:00Z\""))
        #expect(stateFile.contains("\"target\" : \"slack\""))
    }

    @Test func aCleanDayPostsNothingUnlessWhenIsAlways() async throws {
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let webhook = SlackTarget.webhook(Secret(receiver.webhookURL()))
        let quiet = Fixture.deliverer(
            NotifySettings(slack: webhook), state: state, clock: FakeClock(Fixture.clockStart), logs: LogRecorder(),
            receiver: receiver)
        #expect(await quiet.deliver(Fixture.clean()).isEmpty)
        #expect(receiver.posts.isEmpty)

        let always = Fixture.deliverer(
            NotifySettings(when: .always, slack: webhook), state: state, clock: FakeClock(Fixture.clockStart),
            logs: LogRecorder(), receiver: receiver)
        #expect(await always.deliver(Fixture.clean()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect((receiver.posts.first?.json["text"] as? String)?.hasPrefix("✅ batchwatch: All clear") == true)
    }

    @Test func rateLimitedTwiceWaitsForRetryAfterThenIsAccepted() async throws {
        let receiver = try SlackReceiver(script: [.rateLimited(retryAfter: 7), .rateLimited(retryAfter: 3)])
        defer { receiver.stop() }
        let clock = FakeClock(Fixture.clockStart)
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .webhook(Secret(receiver.webhookURL()))), state: nil, clock: clock,
            logs: LogRecorder(),
            receiver: receiver)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 3)
        #expect(clock.sleeps == [7, 3])
    }

    @Test func serverErrorsForeverSpoolTheDigestAndTheNextRunSendsItFirst() async throws {
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let failing = try SlackReceiver(then: .serverError)
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let policy = RetryPolicy.delivery(maxAttempts: 4, baseDelay: 1, maxBackoff: 3, requestTimeout: 5)
        let first = Fixture.deliverer(
            NotifySettings(slack: .bot(token: Secret("xoxb-test-token"), channel: "#batch")), state: state,
            clock: clock,
            logs: logs, receiver: failing, retryPolicy: policy)

        let outcomes = await first.deliver(Fixture.report())
        failing.stop()

        #expect(outcomes == [DeliveryOutcome(target: "slack", ok: false)])
        #expect(failing.posts.count == 4)
        #expect(clock.sleeps == [1, 2, 3], "capped exponential backoff")
        var report = Fixture.report()
        report.delivery = outcomes
        #expect(BatchwatchCheck.ExitStatus(report: report) == .incomplete)
        let spooled = Fixture.files(under: state).filter { $0.path.hasPrefix("spool/") }
        #expect(spooled.count == 1)
        let spoolPath = try #require(spooled.first?.path)
        #expect(
            logs.contains(state.appendingPathComponent(spoolPath).path, atLeast: .error), "the spool path is logged")
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("delivered.json").path))

        // The next run, for the next day, sends the spooled digest first, then its own.
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let second = Fixture.deliverer(
            NotifySettings(slack: .bot(token: Secret("xoxb-test-token"), channel: "#batch")), state: state,
            clock: clock,
            logs: logs, receiver: receiver, retryPolicy: policy)
        #expect(
            await second.deliver(Fixture.report(window: Fixture.nextDay)) == [
                DeliveryOutcome(target: "slack", ok: true)
            ])
        #expect(receiver.posts.count == 2)
        let expectedFirst = Deliverer.payload(
            for: Fixture.report(), format: .slack,
            settings: NotifySettings(slack: .bot(token: Secret("x"), channel: "#batch")))
        #expect(receiver.posts.first?.body == Data(expectedFirst.utf8), "the spooled digest, byte for byte, goes first")
        #expect((receiver.posts.last?.json["text"] as? String)?.contains("2026-11-21") == true)
        #expect(Fixture.files(under: state).filter { $0.path.hasPrefix("spool/") }.isEmpty, "the spool is emptied")

        // Both windows are now recorded: re-running the first posts nothing.
        #expect(await second.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 2)
    }

    @Test func aRerunOfTheSameWindowReplacesItsSpooledDigest() async throws {
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let failing = try SlackReceiver(then: .serverError)
        let policy = RetryPolicy.delivery(maxAttempts: 2, requestTimeout: 5)
        let webhook = NotifySettings(slack: .webhook(Secret(failing.webhookURL())))
        _ = await Fixture.deliverer(
            webhook, state: state, clock: FakeClock(Fixture.clockStart), logs: LogRecorder(), receiver: failing,
            retryPolicy: policy
        )
        .deliver(Fixture.report())
        failing.stop()

        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let settings = NotifySettings(slack: .webhook(Secret(receiver.webhookURL())))
        #expect(
            await Fixture.deliverer(
                settings, state: state, clock: FakeClock(Fixture.clockStart), logs: LogRecorder(), receiver: receiver
            )
            .deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 1, "one digest for the window, not the old one and the new one")
        #expect(Fixture.files(under: state).filter { $0.path.hasPrefix("spool/") }.isEmpty)
    }

    @Test func invalidPayloadIsNotRetried() async throws {
        let receiver = try SlackReceiver(then: .rejected(status: 400, reason: "invalid_payload"))
        defer { receiver.stop() }
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .webhook(Secret(receiver.webhookURL()))), state: state, clock: clock, logs: logs,
            receiver: receiver)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: false)])
        #expect(receiver.posts.count == 1)
        #expect(clock.sleeps.isEmpty)
        #expect(logs.contains("rejected: invalid_payload (HTTP 400)", atLeast: .error))

        // Spooled, and set aside when rejected again instead of blocking every later run.
        #expect(
            await deliverer.deliver(Fixture.report(window: Fixture.nextDay)) == [
                DeliveryOutcome(target: "slack", ok: false)
            ])
        let names = Fixture.files(under: state).map(\.path)
        #expect(
            names.contains {
                $0.hasPrefix("spool/rejected/slack-20261119T150000Z-20261120T150000Z-") && $0.hasSuffix(".json")
            })
        #expect(receiver.posts.count == 3, "the spooled digest once, then the new one")
    }

    @Test func noServiceFromAWebhookIsReportedWithSlacksReason() async throws {
        let receiver = try SlackReceiver(then: .rejected(status: 404, reason: "no_service"))
        defer { receiver.stop() }
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .webhook(Secret(receiver.webhookURL()))), state: nil,
            clock: FakeClock(Fixture.clockStart), logs: logs, receiver: receiver)
        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: false)])
        #expect(receiver.posts.count == 1)
        #expect(logs.contains("rejected: no_service (HTTP 404)", atLeast: .error))
    }

    @Test func botTokenPostsToChatPostMessageWithChannelAndBearer() async throws {
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .bot(token: Secret("xoxb-1-2-abc"), channel: "#batch-alerts")), state: nil,
            clock: FakeClock(Fixture.clockStart),
            logs: LogRecorder(), receiver: receiver)
        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        let post = try #require(receiver.posts.first)
        #expect(post.path == "/api/chat.postMessage")
        #expect(post.authorization == "Bearer xoxb-1-2-abc")
        #expect(post.json["channel"] as? String == "#batch-alerts")
        #expect((post.json["blocks"] as? [Any])?.isEmpty == false)
    }

    @Test func chatPostMessageOkFalseIsAnErrorAndNotRetried() async throws {
        let receiver = try SlackReceiver(then: .apiError("channel_not_found"))
        defer { receiver.stop() }
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .bot(token: Secret("xoxb-1-2-abc"), channel: "#gone")), state: nil, clock: clock,
            logs: logs,
            receiver: receiver)
        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: false)])
        #expect(receiver.posts.count == 1)
        #expect(clock.sleeps.isEmpty)
        #expect(logs.contains("rejected: channel_not_found", atLeast: .error))
    }

    @Test func chatPostMessageInternalErrorIsRetried() async throws {
        let receiver = try SlackReceiver(script: [.apiError("internal_error")])
        defer { receiver.stop() }
        let clock = FakeClock(Fixture.clockStart)
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .bot(token: Secret("xoxb-1-2-abc"), channel: "#batch")), state: nil, clock: clock,
            logs: LogRecorder(), receiver: receiver)
        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 2)
        #expect(clock.sleeps == [1])
    }

    @Test func theDeadlineStopsRetriesBeforeTheAttemptsRunOut() async throws {
        let receiver = try SlackReceiver(then: .rateLimited(retryAfter: 50))
        defer { receiver.stop() }
        let clock = FakeClock(Fixture.clockStart)
        let policy = RetryPolicy.delivery(maxAttempts: 10, maxRetryAfter: 60, requestTimeout: 5, timeLimit: 120)
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .webhook(Secret(receiver.webhookURL()))), state: nil, clock: clock,
            logs: LogRecorder(),
            receiver: receiver, retryPolicy: policy)
        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: false)])
        #expect(clock.sleeps == [50, 50])
        #expect(receiver.posts.count == 3)
    }
}
