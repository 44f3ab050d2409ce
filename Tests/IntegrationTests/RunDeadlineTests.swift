import Foundation
import Testing

@testable import TestSupport

extension IntegrationTests {
    /// Issue 14: the whole run has a deadline. An AWS endpoint or a Slack webhook that accepts and
    /// never answers, or trickles a byte at a time, ends the run with exit 3 and the digest on
    /// stdout by the deadline (here a few seconds, `--deadline-seconds`; 15 minutes by default).
    @Suite struct RunDeadline {
        static func elapsed(_ body: () async throws -> BinaryRun) async rethrows -> (BinaryRun, TimeInterval) {
            let start = Date()
            let run = try await body()
            return (run, Date().timeIntervalSince(start))
        }

        @Test(
            "a silent or trickling AWS endpoint: exit 3 and a check_error by the deadline",
            arguments: [
                MisbehavingServer.Behaviour.silent, .trickle(interval: 0.5),
            ])
        func silentAWS(behaviour: MisbehavingServer.Behaviour) async throws {
            let server = try MisbehavingServer(behaviour)
            defer { server.stop() }
            let environment = [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "AWS_ENDPOINT_URL": server.url().absoluteString, "HOME": TestBed.makeEmptyDirectory().path,
            ]
            let path = try writeConfig(tokyoConfig("jobs: []\n"))
            let (run, seconds) = try await Self.elapsed {
                try await runBatchwatch(
                    [
                        "check", "--config", path, "--date", Fixed.date, "--now", Fixed.nowText, "--format", "json",
                        "--deadline-seconds", "6",
                    ],
                    environment: environment)
            }
            #expect(run.status == 3, "\(run.stderr)")
            #expect(seconds < 12, "the run took \(seconds) s for a 6 s deadline")
            let findings = try run.findings()
            #expect(findings.map { $0["kind"] as? String } == ["check_error"])
            #expect(findings.first?["job"] as? String == "state machines")
        }

        @Test("a silent Slack webhook: exit 3, the digest on stdout and in the spool, by the deadline")
        func silentSlack() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightScenario.scenario)
            let server = try MisbehavingServer(.silent)
            defer { server.stop() }
            let state = TestBed.makeEmptyDirectory()
            let yaml =
                tokyoConfig(NightScenario.jobs) + """
                    state_dir: \(state.path)
                    notify:
                      slack:
                        webhook_url: \(server.url("hooks/T0/B0/secret").absoluteString)

                    """
            let (run, seconds) = try await Self.elapsed {
                try await runBatchwatch(
                    [
                        "check", "--config", try writeConfig(yaml), "--date", Fixed.date, "--now", Fixed.nowText,
                        "--format", "json",
                        "--deadline-seconds", "8",
                    ],
                    environment: environment)
            }
            #expect(run.status == 3, "\(run.stderr)")
            #expect(seconds < 14, "the run took \(seconds) s for an 8 s deadline")
            #expect(try run.jsonDocument()["delivery"] as? [[String: Any]] != nil)
            #expect(try run.findings().count == NightScenario.expectedKinds.count)
            let spool = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("spool").path)
            #expect(spool.contains { $0.hasPrefix("slack-") }, "\(spool)")
            #expect(server.connectionCount >= 1)
        }
    }
}
