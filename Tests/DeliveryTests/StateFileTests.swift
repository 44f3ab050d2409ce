import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery
@testable import TestSupport

/// The state file and the spool on disk.
@Suite(.serialized)
struct StateFileTests {
    @Test func aCorruptStateFileIsReportedAndSetAsideNotFatal() async throws {
        let receiver = try SlackReceiver()
        defer { receiver.stop() }
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let stateFile = state.appendingPathComponent("delivered.json")
        try Data("{\"version\": 1, \"delivered\": [ {\"target\": ".utf8).write(to: stateFile)
        let logs = LogRecorder()
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .webhook(Secret(receiver.webhookURL()))), state: state,
            clock: FakeClock(Fixture.clockStart), logs: logs, receiver: receiver)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 1)
        #expect(logs.contains("state file \(stateFile.path) is not readable (not JSON)", atLeast: .warning))
        #expect(FileManager.default.fileExists(atPath: stateFile.path + ".corrupt"))
        let data = try Data(contentsOf: stateFile)
        let document = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((document?["delivered"] as? [Any])?.count == 1, "the file is rewritten whole")

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: true)])
        #expect(receiver.posts.count == 1, "and works again for the next re-run")
    }

    @Test func atomicWritesLeaveNoTemporaryFilesAndArePrivate() throws {
        let directory = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("nested/delivered.json")
        for index in 0..<5 {
            try AtomicFile.write(Data("{\"n\": \(index)}".utf8), to: url)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\"n\": 4}")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == [
                "delivered.json"
            ])
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func aFailedRenameRemovesItsTemporaryFile() throws {
        let directory = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The destination is a non-empty directory, so the rename fails.
        let target = directory.appendingPathComponent("delivered.json")
        try FileManager.default.createDirectory(
            at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: (any Error).self) { try AtomicFile.write(Data("{}".utf8), to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["delivered.json"])
    }

    @Test func theLedgerForgetsWindowsLongPast() {
        var ledger = DeliveryLedger.load(
            directory: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"), logger: LogRecorder().logger())
        let old = WindowKey(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z")
        let recent = WindowKey(Fixture.day)
        ledger.record(target: "slack", window: old, at: Fixture.at("2026-01-02T01:00:00Z"))
        ledger.record(target: "slack", window: recent, at: Fixture.at("2026-11-21T01:00:00Z"))
        #expect(!ledger.contains(target: "slack", window: old))
        #expect(ledger.contains(target: "slack", window: recent))
        #expect(!ledger.contains(target: "sns", window: recent))
    }
}
