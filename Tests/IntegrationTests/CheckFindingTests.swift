import BatchwatchCheck
import Foundation
import TestSupport
import Testing

/// A night in Tokyo with one of each finding kind (and fine runs around them).
enum NightScenario {
    static let scenario = TestBed.Scenario(
        stateMachines: [
            .init(
                name: "nightly-etl", region: Fixed.region,
                executions: [
                    .init(start: jst("2026-11-19T02:00:04"), stop: jst("2026-11-19T02:40:00")),
                    .init(
                        start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T02:14:09"), status: .failed,
                        failure: .init(
                            state: "LoadToRedshift", error: "States.TaskFailed",
                            cause: "psycopg2.OperationalError: connection refused")),
                ]),
            .init(
                name: "export", region: Fixed.region,
                executions: [
                    .init(
                        start: jst("2026-11-20T03:00:01"), stop: jst("2026-11-20T04:00:01"), status: .timedOut,
                        failure: .init(state: "WaitForExport"))
                ]),
            .init(
                name: "cleanup", region: Fixed.region,
                executions: [
                    .init(
                        start: jst("2026-11-20T04:00:02"), stop: jst("2026-11-20T04:10:00"), status: .aborted,
                        failure: .init(state: "Purge"))
                ]),
            .init(
                name: "report", region: Fixed.region,
                executions: [.init(start: jst("2026-11-19T05:00:03"), stop: jst("2026-11-19T05:03:00"))]),
            .init(
                name: "sync", region: Fixed.region,
                executions: [.init(start: jst("2026-11-20T06:40:00"), stop: jst("2026-11-20T06:45:00"))]),
            .init(
                name: "warehouse", region: Fixed.region,
                executions: [
                    .init(start: jst("2026-11-19T22:00:03"), status: .running, failure: .init(state: "Transform")),
                    .init(start: jst("2026-11-20T22:00:02"), stop: jst("2026-11-20T23:10:00")),
                ]),
        ],
        alarms: [
            .init(
                name: "batch-etl-errors", region: Fixed.region,
                history: [
                    .init(
                        at: jst("2026-11-20T02:15:00"), state: "ALARM",
                        reason: "Threshold Crossed: 1 datapoint [1.0] >= 1.0"),
                    .init(
                        at: jst("2026-11-20T02:45:00"), state: "OK",
                        reason: "Threshold Crossed: 1 datapoint [0.0] < 1.0"),
                ])
        ])

    static let jobs = """
        jobs:
          - name: nightly-etl
            state_machine: nightly-etl
            schedule: "cron(0 2 * * ? *)"
          - name: export
            state_machine: export
            schedule: "cron(0 3 * * ? *)"
          - name: cleanup
            state_machine: cleanup
            schedule: "cron(0 4 * * ? *)"
          - name: report
            state_machine: report
            schedule: "cron(0 5 * * ? *)"
          - name: sync
            state_machine: sync
            schedule: "cron(0 6 * * ? *)"
            start_within: 10m
          - name: warehouse
            state_machine: warehouse
            schedule: "cron(0 22 * * ? *)"
            max_duration: 6h
        alarms:
          names: [batch-etl-errors]

        """

    /// `kind job` of each finding, in report order.
    static let expectedKinds = [
        "failed nightly-etl", "alarm batch-etl-errors", "timed_out export", "running_long warehouse",
        "aborted cleanup", "missing report", "late sync",
    ]
}

extension IntegrationTests {
    /// Issue 3: each finding kind and each rule of the check, through `Checker` against the test bed.
    @Suite struct CheckFindings {
        @Test(
            "each finding kind: failed, timed_out, aborted, missing, late, running_long (since the evening before), alarm"
        )
        func eachFindingKind() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightScenario.scenario)
            let report = try await runCheck(yaml: tokyoConfig(NightScenario.jobs), environment: environment)

            #expect(report.findings.map { "\($0.kind.rawValue) \($0.job)" } == NightScenario.expectedKinds)
            #expect(report.status == .problems)
            #expect(report.checked.jobs == 6)
            #expect(report.checked.stateMachines == 6)
            #expect(report.checked.alarms == 1)

            let failed = try #require(report.findings(.failed).first)
            #expect(failed.state == "LoadToRedshift")
            #expect(failed.error == "States.TaskFailed")
            #expect(failed.cause == "psycopg2.OperationalError: connection refused")
            #expect(failed.at == jst("2026-11-20T02:14:09"))
            let failedArn = try #require(failed.executionArn)
            #expect(failedArn.hasPrefix("arn:aws:states:ap-northeast-1:123456789012:execution:nightly-etl:"))
            #expect(
                failed.url
                    == "https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/\(failedArn)"
            )

            let timedOut = try #require(report.findings(.timedOut).first)
            #expect(timedOut.error == "States.Timeout")
            #expect(timedOut.state == "WaitForExport")
            #expect(timedOut.at == jst("2026-11-20T04:00:01"))

            let aborted = try #require(report.findings(.aborted).first)
            #expect(aborted.state == "Purge")
            #expect(aborted.at == jst("2026-11-20T04:10:00"))

            let missing = try #require(report.findings(.missing).first)
            #expect(missing.expectedAt == jst("2026-11-20T05:00:00"))
            #expect(missing.at == jst("2026-11-20T05:15:00"))

            let late = try #require(report.findings(.late).first)
            #expect(late.expectedAt == jst("2026-11-20T06:00:00"))
            #expect(late.at == jst("2026-11-20T06:40:00"))

            let long = try #require(report.findings(.runningLong).first)
            #expect(long.at == jst("2026-11-20T04:00:03"))
            #expect(long.executionArn?.contains("warehouse-20261119T130003Z") == true)
            #expect(long.detail?.contains("still running") == true)

            let alarm = try #require(report.findings(.alarm).first)
            #expect(alarm.at == jst("2026-11-20T02:15:00"))
            #expect(alarm.cause == "Threshold Crossed: 1 datapoint [1.0] >= 1.0")
            #expect(alarm.detail == "back to OK at 02:45")

            let calls = try await bed.calls()
            #expect(calls["states:GetExecutionHistory"] == 3, "one history read per failed, timed-out or aborted run")
            #expect(calls["states:DescribeExecution"] == 0)
            #expect(calls["states:ListExecutions"] == 6)
        }

        @Test("executions just outside the window, on either side, are not reported")
        func windowEdges() async throws {
            let (bed, environment) = try await freshTestBed()
            let failure = TestBed.Scenario.Failure(state: "Step", error: "Boom")
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "edges", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-19T23:59:59"), stop: jst("2026-11-20T00:10:00"), status: .failed,
                                failure: failure),
                            .init(
                                start: jst("2026-11-20T00:00:00"), stop: jst("2026-11-20T00:10:00"), status: .failed,
                                failure: failure),
                            .init(
                                start: jst("2026-11-20T23:59:59"), stop: jst("2026-11-21T00:10:00"), status: .failed,
                                failure: failure),
                            .init(
                                start: jst("2026-11-21T00:00:00"), stop: jst("2026-11-21T00:10:00"), status: .failed,
                                failure: failure),
                        ])
                ]))
            let report = try await runCheck(yaml: tokyoConfig("jobs: []\n"), environment: environment)

            #expect(report.findings.map(\.kind) == [.failed, .failed])
            #expect(
                report.findings.compactMap(\.executionArn).map { $0.components(separatedBy: ":").last ?? "" } == [
                    "edges-20261119T150000Z", "edges-20261120T145959Z",
                ])
            #expect(report.findings.allSatisfy { $0.job == "edges" && $0.error == "Boom" && $0.state == "Step" })
        }

        @Test("an ignore rule drops the findings it matches and checked.ignored counts them")
        func ignoreRule() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "sandbox-load", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-20T01:00:00"), stop: jst("2026-11-20T02:00:00"), status: .timedOut)
                        ]),
                    .init(
                        name: "sandbox-build", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-20T01:00:00"), stop: jst("2026-11-20T01:05:00"), status: .failed,
                                failure: .init(state: "Compile"))
                        ]),
                ]))
            let yaml = tokyoConfig(
                """
                jobs: []
                ignore:
                  - job: "sandbox-*"
                    error: "States.Timeout"

                """)
            let report = try await runCheck(yaml: yaml, environment: environment)

            #expect(report.findings.map { "\($0.kind.rawValue) \($0.job)" } == ["failed sandbox-build"])
            #expect(report.checked.ignored == 1)
        }

        @Test("a job whose state machine does not exist is a check_error naming it")
        func missingStateMachine() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "present", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-20T02:00:01"), stop: jst("2026-11-20T02:10:00"))])
                ]))
            let yaml = tokyoConfig(
                """
                jobs:
                  - name: present
                    state_machine: present
                    schedule: "cron(0 2 * * ? *)"
                  - name: ghost-job
                    state_machine: ghost-machine
                    schedule: "cron(0 3 * * ? *)"

                """)
            let report = try await runCheck(yaml: yaml, environment: environment)

            let error = try #require(report.findings.first)
            #expect(report.findings.count == 1)
            #expect(error.kind == .checkError)
            #expect(error.job == "ghost-job")
            #expect(error.cause?.contains("ghost-machine") == true)
            #expect(report.status == .incomplete)
        }

        @Test("a run redriven to success is a note, not a failure")
        func redriveIsANote() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "hourly-sync", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-20T01:00:02"), stop: jst("2026-11-20T01:30:00"), status: .succeeded,
                                failure: .init(
                                    state: "Extract", error: "Lambda.ServiceException", cause: "Rate exceeded"),
                                redriveCount: 1, redriveDate: jst("2026-11-20T01:20:00"),
                                redriveStatus: "NOT_REDRIVABLE")
                        ])
                ]))
            let yaml = tokyoConfig(
                """
                jobs:
                  - name: hourly-sync
                    state_machine: hourly-sync
                    schedule: "cron(0 1 * * ? *)"

                """)
            let report = try await runCheck(yaml: yaml, environment: environment)

            #expect(report.findings.isEmpty)
            #expect(report.status == .ok)
            #expect(report.notes.map(\.description).contains { $0.contains("hourly-sync") && $0.contains("redriven") })
        }

        @Test("an Express machine a job names is a check_error; an unscheduled one is counted as skipped")
        func expressMachines() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(name: "clickstream", type: .express, region: Fixed.region),
                    .init(name: "events-fanout", type: .express, region: Fixed.region),
                ]))
            let yaml = tokyoConfig(
                """
                jobs:
                  - name: clicks
                    state_machine: clickstream
                    schedule: "cron(0 2 * * ? *)"

                """)
            let report = try await runCheck(yaml: yaml, environment: environment)

            #expect(report.findings.map { "\($0.kind.rawValue) \($0.job)" } == ["check_error clicks"])
            #expect(report.findings.first?.cause?.contains("clickstream") == true)
            #expect(report.checked.skipped == 1)
            #expect(report.notes.map(\.description).contains { $0.contains("events-fanout") && $0.contains("Express") })
            #expect(report.status == .incomplete)
            #expect(try await bed.calls()["states:ListExecutions"] == 0)
        }

        @Test("an occurrence whose deadline is still ahead of now is pending, not missing")
        func pendingOccurrence() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(TestBed.Scenario(stateMachines: [.init(name: "long-haul", region: Fixed.region)]))
            let yaml = tokyoConfig(
                """
                jobs:
                  - name: long-haul
                    state_machine: long-haul
                    schedule: "cron(0 23 * * ? *)"
                    max_duration: 12h
                  - name: short-haul
                    state_machine: long-haul
                    schedule: "cron(0 20 * * ? *)"
                    max_duration: 12h

                """)
            let report = try await runCheck(yaml: yaml, environment: environment)

            // 23:00 + 15m + 12h = 11:15 next day, after now (08:30): pending. 20:00's deadline, 08:15, has passed.
            #expect(report.findings.map { "\($0.kind.rawValue) \($0.job)" } == ["missing short-haul"])
            #expect(report.findings.first?.at == jst("2026-11-21T08:15:00"))
        }

        @Test("a run that starts after midnight belongs to the previous evening's occurrence: late, not missing")
        func lateRunAfterMidnight() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "late-night", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-21T00:20:00"), stop: jst("2026-11-21T00:30:00"), status: .failed,
                                failure: .init(state: "Load"))
                        ])
                ]))
            let yaml = tokyoConfig(
                """
                jobs:
                  - name: late-night
                    state_machine: late-night
                    schedule: "cron(50 23 * * ? *)"

                """)
            let report = try await runCheck(yaml: yaml, environment: environment)

            #expect(
                report.findings.map { "\($0.kind.rawValue) \($0.job)" } == ["late late-night", "failed late-night"])
            #expect(report.findings(.late).first?.expectedAt == jst("2026-11-20T23:50:00"))
            #expect(report.findings(.late).first?.at == jst("2026-11-21T00:20:00"))
            #expect(report.findings(.failed).first?.at == jst("2026-11-21T00:30:00"))
        }

        @Test("two jobs on one state machine: each run is reported under the job it was started for")
        func twoJobsOneMachine() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "shared-etl", region: Fixed.region,
                        executions: [
                            .init(start: jst("2026-11-20T02:00:03"), stop: jst("2026-11-20T02:20:00")),
                            .init(
                                start: jst("2026-11-20T14:00:03"), stop: jst("2026-11-20T14:20:00"), status: .failed,
                                failure: .init(state: "Load")),
                        ])
                ]))
            let yaml = tokyoConfig(
                """
                jobs:
                  - name: etl-morning
                    state_machine: shared-etl
                    schedule: "cron(0 2 * * ? *)"
                  - name: etl-afternoon
                    state_machine: shared-etl
                    schedule: "cron(0 14 * * ? *)"

                """)
            let report = try await runCheck(yaml: yaml, environment: environment)

            #expect(report.findings.map { "\($0.kind.rawValue) \($0.job)" } == ["failed etl-afternoon"])
        }

        @Test("a long multi-line cause is kept whole in the finding and cut to one line in the digest")
        func longCauseIsKeptAndShortenedInTheDigest() async throws {
            let (bed, environment) = try await freshTestBed()
            let cause =
                "Traceback (most recent call last):\n"
                + String(repeating: "  File \"etl.py\", line 12, in load\n", count: 100)
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "verbose", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-20T02:00:00"), stop: jst("2026-11-20T02:01:00"), status: .failed,
                                failure: .init(state: "Load", error: "Lambda.Unknown", cause: cause))
                        ])
                ]))
            let report = try await runCheck(yaml: tokyoConfig("jobs: []\n"), environment: environment)

            let finding = try #require(report.findings.first)
            #expect(finding.cause == cause)
            #expect(finding.message == nil)
            let line = try #require(Digest(report: report).lines.first)
            #expect(line.detail.contains("Traceback (most recent call last):   File \"etl.py\""))
            #expect(line.detail.count < 300)
            #expect(!line.detail.contains("\n"))
        }

        @Test("a Lambda error's JSON cause stays JSON; its message is the finding's message")
        func lambdaCauseIsItsMessage() async throws {
            let (bed, environment) = try await freshTestBed()
            let message =
                "connection to server at \"analytics.example\" (10.0.3.17), port 5439 failed: "
                + String(repeating: "timeout expired ", count: 40)
            let cause =
                #"{"errorMessage": "\#(message.replacingOccurrences(of: "\"", with: "\\\""))", "errorType": "OperationalError", "stackTrace": ["  File \"/var/task/load.py\", line 12"]}"#
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "loader", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-20T02:00:00"), stop: jst("2026-11-20T02:01:00"), status: .failed,
                                failure: .init(state: "LoadToRedshift", error: "OperationalError", cause: cause))
                        ])
                ]))
            let report = try await runCheck(yaml: tokyoConfig("jobs: []\n"), environment: environment)

            let finding = try #require(report.findings.first)
            #expect(finding.cause == cause)
            let parsed =
                try JSONSerialization.jsonObject(with: Data(try #require(finding.cause).utf8)) as? [String: Any]
            #expect(parsed?["errorType"] as? String == "OperationalError")
            #expect(finding.message == message)
            let line = try #require(Digest(report: report).lines.first)
            #expect(
                line.detail.contains(
                    "connection to server at \"analytics.example\" (10.0.3.17), port 5439 failed: timeout expired"))
            #expect(!line.detail.contains("errorMessage"))
        }

        @Test("a Map Run failure names the Map state and its failed item count")
        func mapRunFailure() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "file-batch", region: Fixed.region,
                        executions: [
                            .init(
                                start: jst("2026-11-20T03:00:00"), stop: jst("2026-11-20T03:05:00"), status: .failed,
                                failure: .init(mapRun: .init(state: "ProcessFiles", failedItems: 3, totalItems: 40)))
                        ])
                ]))
            let report = try await runCheck(yaml: tokyoConfig("jobs: []\n"), environment: environment)

            let finding = try #require(report.findings.first)
            #expect(report.findings.count == 1)
            #expect(finding.kind == .failed)
            #expect(finding.state == "ProcessFiles")
            #expect(finding.error == "States.ExceedToleratedFailureThreshold")
            #expect(finding.detail == "Map Run failed: 3 items failed")
            #expect(try await bed.calls()["states:DescribeMapRun"] == 1)
        }
    }
}
