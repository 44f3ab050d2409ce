import BatchwatchDelivery
import Foundation
import Testing

@testable import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension IntegrationTests {
    /// Issue 14 on real processes: runs of one configuration at the same time post once, and a
    /// run stopped by SIGTERM during its post prints the digest and leaves it for the next run.
    @Suite struct DeliveryStopAndLock {
        static let secretPath = "T000/B000/lock" + UUID().uuidString.replacingOccurrences(of: "-", with: "")

        @Test("5 runs of one configuration at once, 3 times: exactly one post each time, all exit 1")
        func concurrentRunsPostOnce() async throws {
            var bench = try await DeliveryBench.start()
            // A slow Slack keeps the first run's post open while the others reach theirs.
            let receiver = try SlackReceiver(then: .slow(seconds: 0.5))
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.secretPath)
            for trial in 1...3 {
                let state = TestBed.makeEmptyDirectory().appendingPathComponent("state", isDirectory: true)
                let config = try bench.configFile(notify: DeliveryBench.webhookNotify, stateDirectory: state)
                let before = receiver.posts.count
                let launched = try (1...5).map { _ in try bench.launchCheck(config) }
                var runs: [BinaryRun] = []
                for process in launched { runs.append(try await process.finished()) }
                for (index, run) in runs.enumerated() {
                    bench.keep(run, label: "trial \(trial) run \(index)")
                    #expect(run.status == 1, "trial \(trial) run \(index): \(run.stderr)")
                    #expect(try run.deliverySummary() == ["slack ok"], "trial \(trial) run \(index): \(run.stderr)")
                }
                #expect(receiver.posts.count - before == 1, "trial \(trial): \(receiver.posts.count - before) posts")
                #expect(filesWritten(under: state).map(\.path) == ["delivered.json"])
                #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("batchwatch.lock").path))
            }
            #expect(secretLeaks(["webhook path": Self.secretPath], in: bench.outputs) == [])
        }

        @Test(
            "SIGTERM during a slow Slack post: the digest on stdout and in the spool, exit 3; the next run posts it once"
        )
        func sigtermDuringPostKeepsTheDigest() async throws {
            var bench = try await DeliveryBench.start()
            let slow = try SlackReceiver(then: .slow(seconds: 60))
            bench.useWebhook(of: slow, secretPath: Self.secretPath)
            let config = try bench.configFile(notify: DeliveryBench.webhookNotify)

            let launched = try bench.launchCheck(config)
            let posted = try #require(try await slow.firstPost(within: .seconds(60)), "the run never posted").body
            #expect(kill(launched.pid, SIGTERM) == 0)
            let stopped = try await launched.finished()
            slow.stop()
            bench.keep(stopped, label: "the stopped run")

            #expect(stopped.status == 3, "stderr: \(stopped.stderr)")
            #expect(try stopped.jsonDocument()["status"] as? String == "problems", "stdout: \(stopped.stdoutText)")
            #expect(try stopped.deliverySummary() == ["slack failed"])
            #expect(try stopped.findings().count == 1)
            #expect(stopped.stderr.contains("stopped by SIGTERM"), "stderr: \(stopped.stderr)")
            let spooled = filesWritten(under: bench.stateDirectory)
            #expect(
                spooled.count == 1 && spooled.allSatisfy { $0.path.hasPrefix("spool/slack-") }, "\(spooled.map(\.path))"
            )
            let digest = try #require(
                try JSONSerialization.jsonObject(with: Data((spooled.first?.contents ?? "").utf8)) as? [String: Any])
            #expect(((digest["payload"] as? [String: Any])?["body"] as? String).map { Data($0.utf8) } == posted)

            let receiver = try SlackReceiver()
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.secretPath)
            let next = try await bench.check(config)
            #expect(next.status == 1, "stderr: \(next.stderr)")
            #expect(try next.deliverySummary() == ["slack ok"])
            #expect(receiver.posts.map(\.body) == [posted], "the stopped run's digest, once")
            #expect(filesWritten(under: bench.stateDirectory).map(\.path) == ["delivered.json"])
            let again = try await bench.check(config)
            #expect(again.status == 1, "stderr: \(again.stderr)")
            #expect(receiver.posts.count == 1)
            #expect(secretLeaks(["webhook path": Self.secretPath], in: bench.outputs) == [])
        }

        @Test("waiting for a slow Slack answer on a new connection costs no CPU")
        func waitingCostsNoCPU() async throws {
            var bench = try await DeliveryBench.start()
            let slow = try SlackReceiver(then: .slow(seconds: 4))
            defer { slow.stop() }
            bench.useWebhook(of: slow, secretPath: Self.secretPath)
            let launched = try bench.launchCheck(try bench.configFile(notify: DeliveryBench.webhookNotify))
            try #require(try await slow.firstPost(within: .seconds(60)) != nil, "the run never posted")
            let before = try processorSeconds(of: launched.pid)
            try await Task.sleep(for: .seconds(2))
            let during = try processorSeconds(of: launched.pid) - before
            let run = try await launched.finished()
            bench.keep(run, label: "the slow post")
            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(try run.deliverySummary() == ["slack ok"])
            // FoundationNetworking alone spins a thread here: about 1.5 CPU-seconds in these 2 s.
            #expect(during < 0.3, "\(during) CPU-seconds spent waiting 2 s for Slack's answer")
        }
    }
}
