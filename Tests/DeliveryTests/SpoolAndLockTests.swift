import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery
@testable import TestSupport

/// Issue 14: one run at a time per state directory, the digest spooled before it is posted, and
/// a spool file that can never be delivered moved aside instead of blocking today's digest.
@Suite(.serialized)
struct SpoolAndLockTests {
    static let webhook = NotifySettings(slack: .webhook(Secret("https://hooks.slack.example/services/T0/B0/XXXX")))

    /// The spool files of `state` (not those set aside), by name.
    static func spooled(in state: URL) -> [(path: String, contents: String)] {
        Fixture.files(under: state).filter { $0.path.hasPrefix("spool/") && !$0.path.hasPrefix("spool/rejected/") }
    }

    @Test func theDigestIsInTheSpoolWhileItIsPostedAndLeavesItOnceDelivered() async throws {
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let seenDuringPost = LockedBox<[(path: String, contents: String)]>([])
        let transport = FakeTransport { _, _ in
            seenDuringPost.value = Self.spooled(in: state)
            return HTTPResponse(status: 200, body: Data("ok".utf8))
        }
        let deliverer = Fixture.deliverer(
            Self.webhook, state: state, clock: FakeClock(Fixture.clockStart), logs: LogRecorder(), transport: transport)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        let posted = try #require(transport.requests.first?.body)
        let during = seenDuringPost.value
        #expect(during.count == 1, "the digest was not in the spool when it was posted")
        let spooledFile = try #require(during.first)
        #expect(spooledFile.path.hasPrefix("spool/slack-20261119T150000Z-20261120T150000Z-"))
        let digest = try JSONDecoder().decode(SpooledDigest.self, from: Data(spooledFile.contents.utf8))
        #expect(Data(digest.payload.body.utf8) == posted, "the spool holds exactly what is posted")
        #expect(Self.spooled(in: state).isEmpty, "delivered: the spool file is removed")
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("delivered.json").path))
    }

    @Test func aRunThatCannotHaveTheLockWaitsBoundedPostsNothingAndSpools() async throws {
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let settings = NotifySettings(slack: .webhook(Secret(receiver.webhookURL())))
        let held = try await StateLock.acquire(in: state, clock: FakeClock(), wait: 0)

        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let waiting = Fixture.deliverer(
            settings, state: state, clock: clock, logs: logs, receiver: receiver, lockWait: 30)
        #expect(await waiting.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: false)])
        #expect(receiver.posts.isEmpty, "posted without the lock")
        #expect(clock.sleeps.count > 1 && clock.sleeps.allSatisfy { $0 > 0 && $0 <= 1 }, "polls: \(clock.sleeps)")
        #expect(abs(clock.sleeps.reduce(0, +) - 30) < 0.001, "waited \(clock.sleeps.reduce(0, +)) s, not the bound")
        #expect(logs.contains("holds \(state.path)/batchwatch.lock; waiting for it", atLeast: .notice))
        #expect(logs.contains("still held \(state.path)/batchwatch.lock after 30 s", atLeast: .error))
        #expect(Self.spooled(in: state).count == 1, "the digest is spooled for the next run")
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("delivered.json").path))

        // The holder ends (the kernel releases a dead process's lock the same way); the lock
        // file stays, and the next run neither waits nor posts the window twice.
        held.release()
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("batchwatch.lock").path))
        let nextClock = FakeClock(Fixture.clockStart)
        let next = Fixture.deliverer(
            settings, state: state, clock: nextClock, logs: LogRecorder(), receiver: receiver, lockWait: 30)
        #expect(await next.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(nextClock.sleeps.isEmpty)
        #expect(receiver.posts.count == 1)
        #expect(Self.spooled(in: state).isEmpty)
    }

    @Test func aSpooledDigestWhoseWindowTheStateFileRecordsIsDroppedNotPostedAgain() async throws {
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let settings = NotifySettings(slack: .webhook(Secret(receiver.webhookURL())))
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            settings, state: state, clock: FakeClock(Fixture.clockStart), logs: logs, receiver: receiver)
        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])

        // What a run stopped between recording the delivery and removing its spool file leaves,
        // or a run that timed out waiting for the lock while the holder delivered the window.
        let spool = DeliverySpool(directory: state.appendingPathComponent("spool"), logger: logs.logger())
        let window = WindowKey(Fixture.day)
        let body = String(decoding: try #require(receiver.posts.first?.body), as: UTF8.self)
        _ = try spool.add(
            SpooledDigest(
                target: "slack", window: window, spooledAt: "2026-11-20T23:50:00Z", payload: DeliveryPayload(body: body)
            ),
            now: Fixture.clockStart)

        #expect(
            await deliverer.deliver(Fixture.report(window: Fixture.nextDay)) == [
                DeliveryOutcome(target: "slack", ok: true)
            ])
        #expect(receiver.posts.count == 2, "the window already delivered was posted again")
        #expect(receiver.posts.last?.json["text"] as? String != receiver.posts.first?.json["text"] as? String)
        #expect(Self.spooled(in: state).isEmpty)
        #expect(logs.contains("was already delivered (the state file records its window); removed"))

        // A --force digest left in the spool is still sent: the state file cannot say it was.
        _ = try spool.add(
            SpooledDigest(
                target: "slack", window: window, spooledAt: "2026-11-21T23:50:00Z",
                payload: DeliveryPayload(body: body), force: true),
            now: Fixture.clockStart.addingTimeInterval(86_400))
        #expect(
            await deliverer.deliver(Fixture.report(window: Fixture.nextDay)) == [
                DeliveryOutcome(target: "slack", ok: true)
            ])
        #expect(receiver.posts.count == 3)
        #expect(receiver.posts.last.map { String(decoding: $0.body, as: UTF8.self) } == body)
    }

    /// Writes a spool file for the day before `Fixture.day` with `contents`, as `name`.
    static func writeSpoolFile(_ contents: String, named name: String, in state: URL) throws -> URL {
        let directory = state.appendingPathComponent("spool", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func spooledDigestJSON(body: String) throws -> String {
        let digest = SpooledDigest(
            target: "slack", window: WindowKey(from: "2026-11-18T15:00:00Z", to: "2026-11-19T15:00:00Z"),
            spooledAt: "2026-11-19T23:50:00Z", payload: DeliveryPayload(body: body))
        return String(decoding: try JSONEncoder().encode(digest), as: UTF8.self)
    }

    @Test(arguments: [
        ("does not parse", "{\"target\": \"slack\", \"window\": "),
        ("is not a Slack message", "payload"),
    ])
    func aSpoolFileThatCanNeverBeSentIsMovedAsideAndTodaysDigestIsDelivered(what: String, contents: String) async throws
    {
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let settings = NotifySettings(slack: .webhook(Secret(receiver.webhookURL())))
        let name = "slack-20261118T150000Z-20261119T150000Z-1763596200000.json"
        let text = contents == "payload" ? try Self.spooledDigestJSON(body: "hello, not Block Kit") : contents
        let bad = try Self.writeSpoolFile(text, named: name, in: state)
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            settings, state: state, clock: FakeClock(Fixture.clockStart), logs: logs, receiver: receiver)

        #expect(
            await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)],
            "a file that \(what) blocked today's digest")
        #expect(receiver.posts.count == 1)
        #expect(receiver.posts.first?.json["blocks"] != nil, "today's digest was posted")
        #expect(Fixture.files(under: state).map(\.path).filter { $0.hasPrefix("spool/") } == ["spool/rejected/\(name)"])
        #expect(
            try String(contentsOf: state.appendingPathComponent("spool/rejected/\(name)"), encoding: .utf8) == text,
            "kept as it was")
        #expect(
            logs.lines.contains {
                $0.level == .warning && $0.text.contains(bad.path) && $0.text.contains("spool/rejected/\(name)")
            }, "\(logs.text)")

        // And never again: the next run has nothing spooled.
        #expect(
            await deliverer.deliver(Fixture.report(window: Fixture.nextDay)) == [
                DeliveryOutcome(target: "slack", ok: true)
            ], "\(logs.text)")
        #expect(receiver.posts.count == 2)
    }

    @Test func aSpooledDigestSlackAnswers400IsMovedAsideAndTodaysDigestIsDelivered() async throws {
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let receiver = try SlackReceiver(script: [
            .rejected(status: 400, reason: "missing_text_or_fallback_or_attachments")
        ])
        defer { receiver.stop() }
        let settings = NotifySettings(slack: .webhook(Secret(receiver.webhookURL())))
        let old = Deliverer.payload(for: Fixture.report(window: Fixture.nextDay), format: .slack, settings: settings)
        let name = "slack-20261118T150000Z-20261119T150000Z-1763596200000.json"
        let bad = try Self.writeSpoolFile(try Self.spooledDigestJSON(body: old), named: name, in: state)
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            settings, state: state, clock: FakeClock(Fixture.clockStart), logs: logs, receiver: receiver)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 2, "the spooled digest once (400, not retried), then today's")
        #expect(
            receiver.posts.last?.body
                == Data(Deliverer.payload(for: Fixture.report(), format: .slack, settings: settings).utf8))
        #expect(Fixture.files(under: state).map(\.path).filter { $0.hasPrefix("spool/") } == ["spool/rejected/\(name)"])
        #expect(
            logs.contains(
                "\(bad.path) rejected: missing_text_or_fallback_or_attachments (HTTP 400)", atLeast: .warning),
            "\(logs.text)")
    }
}

/// A value shared with a transport's handler.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
