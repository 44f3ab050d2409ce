import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 3 through the real binary: `batchwatch check … --format json`, its stdout and exit status.
    @Suite struct CheckCommand {
        static let nightlyJob = """
            jobs:
              - name: nightly-etl
                state_machine: nightly-etl
                schedule: "cron(0 2 * * ? *)"

            """

        static func nightly(_ execution: TestBed.Scenario.Execution) -> TestBed.Scenario {
            TestBed.Scenario(stateMachines: [.init(name: "nightly-etl", region: Fixed.region, executions: [execution])])
        }

        @Test("exit 0 on a clean night; stdout is only the JSON document")
        func cleanNightExitsZero() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(Self.nightly(.init(start: jst("2026-11-20T02:00:04"), stop: jst("2026-11-20T02:40:00"))))
            let run = try await runCheckBinary(yaml: tokyoConfig(Self.nightlyJob), environment: environment)

            #expect(run.status == 0, "stderr: \(run.stderr)")
            let document = try run.jsonDocument()
            #expect(document["status"] as? String == "ok")
            #expect(try run.findings().isEmpty)
            let window = try #require(document["window"] as? [String: Any])
            #expect(window["from"] as? String == "2026-11-20T00:00:00+09:00")
            #expect(window["to"] as? String == "2026-11-21T00:00:00+09:00")
            #expect(window["timezone"] as? String == "Asia/Tokyo")
            let checked = try #require(document["checked"] as? [String: Any])
            #expect(checked["jobs"] as? Int == 1)
            #expect(checked["state_machines"] as? Int == 1)
            #expect(checked["executions"] as? Int == 1)
        }

        @Test("exit 1 when problems are found, with the failed finding in the JSON document")
        func problemsExitOne() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                Self.nightly(
                    .init(
                        start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T02:14:09"), status: .failed,
                        failure: .init(state: "LoadToRedshift", error: "States.TaskFailed", cause: "connection refused")
                    )))
            let run = try await runCheckBinary(yaml: tokyoConfig(Self.nightlyJob), environment: environment)

            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(try run.jsonDocument()["status"] as? String == "problems")
            let finding = try #require(try run.findings().first)
            #expect(finding["kind"] as? String == "failed")
            #expect(finding["job"] as? String == "nightly-etl")
            #expect(finding["at"] as? String == "2026-11-20T02:14:09+09:00")
            #expect(finding["state"] as? String == "LoadToRedshift")
            #expect(finding["error"] as? String == "States.TaskFailed")
            #expect(finding["cause"] as? String == "connection refused")
            #expect(
                (finding["url"] as? String)?.hasPrefix(
                    "https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/arn:aws:states:ap-northeast-1:"
                ) == true)
        }

        @Test(
            "language: ja through the binary: Japanese text, Markdown and SNS Subject; the JSON document byte for byte the English one"
        )
        func japaneseDigestsSameJSON() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightScenario.scenario)
            func run(_ language: String, _ format: String) async throws -> BinaryRun {
                let path = try writeConfig(tokyoConfig("language: \(language)\n" + NightScenario.jobs))
                return try await runBatchwatch(
                    [
                        "check", "--config", path, "--date", Fixed.date, "--now", Fixed.nowText, "--format", format,
                        "--dry-run",
                    ],
                    environment: environment)
            }
            let japaneseJSON = try await run("ja", "json")
            let englishJSON = try await run("en", "json")
            #expect(japaneseJSON.status == 1 && englishJSON.status == 1, "stderr: \(japaneseJSON.stderr)")
            #expect(japaneseJSON.stdout == englishJSON.stdout)

            let text = try await run("ja", "text")
            #expect(text.status == 1, "stderr: \(text.stderr)")
            let lines = text.stdoutText.split(separator: "\n").map(String.init)
            #expect(lines.first == "失敗 1件、タイムアウト 1件、中断 1件、未実行 1件、開始遅延 1件、長時間実行 1件、アラーム 1件 — 2026-11-20 Asia/Tokyo")
            #expect(
                lines.contains(
                    "  失敗          nightly-etl       02:14  ステート LoadToRedshift · States.TaskFailed · psycopg2.OperationalError: connection refused · 最終成功 2026-11-19 02:40"
                ))
            #expect(lines.contains("  長時間実行    warehouse         04:00  6時間を過ぎても実行中"))
            #expect(lines.contains { $0.hasPrefix("  開始遅延      sync              06:40  40分遅れて開始（猶予 10分）") })
            #expect(lines.last?.hasPrefix("  確認対象: ジョブ 6件") == true)

            let markdown = try await run("ja", "markdown")
            #expect(
                markdown.stdoutText.contains("- **nightly-etl** 失敗（02:14）: ステート LoadToRedshift"),
                "\(markdown.stdoutText)")
            let sns = try await run("ja", "sns")
            #expect(sns.stdoutText.hasPrefix("Subject: batchwatch: 失敗 1件、タイムアウト 1件"), "\(sns.stdoutText)")
        }

        @Test("exit 2 on a bad configuration, with nothing checked and nothing on stdout")
        func badConfigurationExitsTwo() async throws {
            let (bed, environment) = try await freshTestBed()
            let run = try await runCheckBinary(
                yaml: tokyoConfig(Self.nightlyJob + "colour: blue\n"), environment: environment)

            #expect(run.status == 2)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("colour"))
            #expect(try await bed.calls().total == 0)
        }

        @Test(
            "AccessDenied on GetExecutionHistory: check_error naming the API, status incomplete, exit 3, other findings kept"
        )
        func accessDeniedExitsThree() async throws {
            let (bed, environment) = try await freshTestBed(deny: ["states:GetExecutionHistory"])
            try await bed.seed(NightScenario.scenario)
            let run = try await runCheckBinary(yaml: tokyoConfig(NightScenario.jobs), environment: environment)

            #expect(run.status == 3, "stderr: \(run.stderr)")
            #expect(try run.jsonDocument()["status"] as? String == "incomplete")
            let findings = try run.findings()
            let errors = findings.filter { $0["kind"] as? String == "check_error" }
            #expect(Set(errors.compactMap { $0["job"] as? String }) == ["nightly-etl", "export", "cleanup"])
            #expect(errors.allSatisfy { ($0["cause"] as? String)?.contains("states:GetExecutionHistory") == true })
            #expect(errors.allSatisfy { $0["error"] as? String == "AccessDeniedException" })
            let others = findings.filter { $0["kind"] as? String != "check_error" }.map {
                "\($0["kind"] as? String ?? "") \($0["job"] as? String ?? "")"
            }
            #expect(others == NightScenario.expectedKinds)
        }

        @Test("a wrong secret: every call refused, exit 3, and the digest says it was a signature error")
        func wrongSecretExitsThree() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(Self.nightly(.init(start: jst("2026-11-20T02:00:04"), stop: jst("2026-11-20T02:40:00"))))
            var wrong = environment
            wrong["AWS_SECRET_ACCESS_KEY"] = String(environment["AWS_SECRET_ACCESS_KEY", default: ""].reversed())
            let run = try await runCheckBinary(yaml: tokyoConfig(Self.nightlyJob), environment: wrong)

            #expect(run.status == 3, "stderr: \(run.stderr)")
            let findings = try run.findings()
            #expect(!findings.isEmpty)
            #expect(
                findings.allSatisfy {
                    $0["kind"] as? String == "check_error" && $0["error"] as? String == "InvalidSignatureException"
                })
            #expect(findings.contains { ($0["cause"] as? String)?.contains("states:ListStateMachines") == true })
            #expect(!run.stdoutText.contains(wrong["AWS_SECRET_ACCESS_KEY"]!))
            #expect(!run.stderr.contains(wrong["AWS_SECRET_ACCESS_KEY"]!))
        }
    }
}
