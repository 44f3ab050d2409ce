import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 6 end to end: `schedule: auto` reads the rules and schedules that start each job's state
    /// machine from EventBridge and EventBridge Scheduler (created in moto through signed calls), and
    /// an explicit `schedule:` is compared with them.
    @Suite struct ScheduleAuto {
        /// The jobs of `seedAutoWorld`.
        static let autoJobs = """
            jobs:
              - name: nightly-etl
                state_machine: nightly-etl
                schedule: auto
              - name: report
                state_machine: report
                schedule: auto
              - name: weekly-report
                state_machine: weekly
                schedule: auto
              - name: dual
                state_machine: dual
                schedule: auto

            """

        /// Seeds 2026-11-20 in Tokyo (`Fixed.date`) and what starts each machine:
        /// - `nightly-etl`: Scheduler `cron(0 2 * * ? *)` in Asia/Tokyo, 15-minute flexible window; no run that day;
        /// - `report`: Scheduler `cron(0 3 * * ? *)` in Asia/Tokyo, 15-minute flexible window; a run 20 minutes
        ///   after 03:00 (late for the default 15m, in time once the window widens it);
        /// - `weekly`: a disabled schedule `cron(0 4 * * ? *)`; no run;
        /// - `dual`: a UTC rule `cron(0 17 * * ? *)` (02:00 in Tokyo) with its run, and a schedule
        ///   `cron(0 14 * * ? *)` in Asia/Tokyo without one.
        static func seedAutoWorld(bed: TestBed, client: AWSClient) async throws {
            let seeded = try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "nightly-etl", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-19T02:05:00"), stop: jst("2026-11-19T02:40:00"))]),
                    .init(
                        name: "report", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-20T03:20:00"), stop: jst("2026-11-20T03:25:00"))]),
                    .init(name: "weekly", region: Fixed.region),
                    .init(
                        name: "dual", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-20T02:00:03"), stop: jst("2026-11-20T02:30:00"))]),
                ]))
            let arn = seeded.stateMachines
            try await client.create(
                TestBed.SchedulerSchedule(
                    "nightly-etl-daily", expression: "cron(0 2 * * ? *)", timeZone: "Asia/Tokyo", windowMinutes: 15,
                    targetArn: arn["nightly-etl"]!))
            try await client.create(
                TestBed.SchedulerSchedule(
                    "report-daily", expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo", windowMinutes: 15,
                    targetArn: arn["report"]!))
            try await client.create(
                TestBed.SchedulerSchedule(
                    "weekly-paused", expression: "cron(0 4 * * ? *)", timeZone: "Asia/Tokyo", state: "DISABLED",
                    targetArn: arn["weekly"]!))
            try await client.create(
                TestBed.EventBridgeRule("dual-morning", schedule: "cron(0 17 * * ? *)", stateMachineArn: arn["dual"]!))
            try await client.create(
                TestBed.SchedulerSchedule(
                    "dual-afternoon", expression: "cron(0 14 * * ? *)", timeZone: "Asia/Tokyo", targetArn: arn["dual"]!)
            )
        }

        @Test("schedule: auto reports the missing runs of enabled schedules, none of a disabled one, and both of two")
        func autoChecksWhatAWSSchedules() async throws {
            let (bed, environment) = try await freshTestBed()
            try await Self.seedAutoWorld(
                bed: bed, client: try makeClient(environment: environment, region: Fixed.region))
            let report = try await runCheck(
                yaml: tokyoConfig(Self.autoJobs, includeUnscheduled: false), environment: environment,
                window: .date(Fixed.date), now: Fixed.now)

            // nightly-etl: start_within 15m + the 15-minute flexible window; `at` is the deadline.
            // dual: its rule's run came, its schedule's did not.
            #expect(report.findings.map(\.kind) == [.missing, .missing], "\(report.findings)")
            let nightly = try #require(report.findings.first { $0.job == "nightly-etl" })
            #expect(nightly.expectedAt == jst("2026-11-20T02:00:00"))
            #expect(nightly.at == jst("2026-11-20T02:30:00"))
            let dual = try #require(report.findings.first { $0.job == "dual" })
            #expect(dual.expectedAt == jst("2026-11-20T14:00:00"))
            #expect(dual.at == jst("2026-11-20T14:15:00"))
            #expect(report.status == .problems)

            let disabled = report.notes.map(\.description).filter { $0.contains("DISABLED") }
            #expect(disabled.count == 1, "\(report.notes)")
            #expect(disabled.first?.hasPrefix("weekly-report: ") == true)
            #expect(disabled.first?.contains("weekly-paused") == true)
            let digest = Digest(report: report).text()
            #expect(digest.contains("weekly-report: its schedule default/weekly-paused is DISABLED since "))
            #expect(report.checked.stateMachines == 4)
        }

        @Test("the binary: check --format json with schedule: auto gives the same missing runs, exit 1")
        func autoThroughTheBinary() async throws {
            let (bed, environment) = try await freshTestBed()
            try await Self.seedAutoWorld(
                bed: bed, client: try makeClient(environment: environment, region: Fixed.region))
            let run = try await runCheckBinary(
                yaml: tokyoConfig(Self.autoJobs, includeUnscheduled: false), environment: environment)

            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(try run.jsonDocument()["status"] as? String == "problems")
            let findings = try run.findings().map { finding in
                ["kind", "job", "expected_at", "at"].map { finding[$0] as? String ?? "-" }.joined(separator: " ")
            }
            #expect(
                findings == [
                    "missing nightly-etl 2026-11-20T02:00:00+09:00 2026-11-20T02:30:00+09:00",
                    "missing dual 2026-11-20T14:00:00+09:00 2026-11-20T14:15:00+09:00",
                ])
        }

        @Test("a failed run of a job whose only schedule is disabled is reported under the job's name")
        func failureOfADisabledJobKeepsTheJobName() async throws {
            let (bed, environment) = try await freshTestBed()
            let client = try makeClient(environment: environment, region: Fixed.region)
            let seeded = try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "weekly", region: Fixed.region,
                        executions: [
                            // Started by hand while the schedule is paused.
                            .init(
                                start: jst("2026-11-20T10:00:00"), stop: jst("2026-11-20T10:05:00"), status: .failed,
                                failure: .init(state: "Render", error: "States.TaskFailed", cause: "boom"))
                        ])
                ]))
            try await client.create(
                TestBed.SchedulerSchedule(
                    "weekly-paused", expression: "cron(0 4 * * ? *)", timeZone: "Asia/Tokyo", state: "DISABLED",
                    targetArn: seeded.stateMachines["weekly"]!))
            let jobs = """
                jobs:
                  - name: weekly-report
                    state_machine: weekly
                    schedule: auto

                """
            let report = try await runCheck(
                yaml: tokyoConfig(jobs, includeUnscheduled: false), environment: environment, window: .date(Fixed.date),
                now: Fixed.now)

            #expect(report.findings.map(\.kind) == [.failed], "\(report.findings)")
            #expect(report.findings.first?.job == "weekly-report")
        }

        @Test(
            "schedules that cannot be read: a check_error for schedule: auto; an explicit schedule on time reads none")
        func unreadableSchedules() async throws {
            let (bed, environment) = try await freshTestBed(deny: ["events:ListRules"])
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "nightly-etl", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-20T02:00:04"), stop: jst("2026-11-20T02:40:00"))])
                ]))
            let explicit = """
                jobs:
                  - name: nightly-etl
                    state_machine: nightly-etl
                    schedule: "cron(0 2 * * ? *)"

                """
            let onTime = try await runCheck(
                yaml: tokyoConfig(explicit, includeUnscheduled: false), environment: environment,
                window: .date(Fixed.date),
                now: Fixed.now)
            #expect(onTime.findings.isEmpty && onTime.notes.isEmpty, "\(onTime.findings) \(onTime.notes)")
            #expect(try await bed.calls()["events:ListRules"] == 0, "a job whose run came on time needs no rule read")

            let report = try await runCheck(
                yaml: tokyoConfig(
                    explicit + "  - {name: nightly-etl-auto, state_machine: nightly-etl, schedule: auto}\n",
                    includeUnscheduled: false),
                environment: environment, window: .date(Fixed.date), now: Fixed.now)
            #expect(
                report.findings.map { "\($0.kind.rawValue) \($0.job)" } == ["check_error nightly-etl-auto"],
                "\(report.findings)")
            #expect(report.findings.first?.cause?.contains("events:ListRules") == true, "\(report.findings)")
            #expect(report.status == .incomplete)
        }

        // Denied calls for several machines at once: the other calls in flight run to their end
        // (none is cancelled; cancelling URLSession requests deadlocked on Linux, see
        // swift-corelibs-foundation#5412), and every auto job gets its check_error.
        @Test("schedules of several machines that cannot be read: the check still ends")
        func unreadableSchedulesOfSeveralMachines() async throws {
            let (bed, environment) = try await freshTestBed(deny: ["events:ListTargetsByRule"])
            try await bed.seed(
                TestBed.Scenario(
                    stateMachines: ["nightly-etl", "report", "export", "sync"].map {
                        .init(name: $0, region: Fixed.region)
                    }))
            let client = try makeClient(environment: environment, region: Fixed.region)
            for name in ["nightly-etl", "report", "export", "sync"] {
                let arn = "arn:aws:states:\(Fixed.region):123456789012:stateMachine:\(name)"
                try await client.create(
                    TestBed.EventBridgeRule("\(name)-rule", schedule: "cron(0 17 * * ? *)", stateMachineArn: arn))
            }
            let jobs = ["nightly-etl", "report", "export", "sync"].map {
                "  - name: \($0)\n    state_machine: \($0)\n    schedule: auto\n"
            }
            let report = try await runCheck(
                yaml: tokyoConfig("jobs:\n" + jobs.joined(), includeUnscheduled: false), environment: environment,
                window: .date(Fixed.date), now: Fixed.now)

            #expect(report.findings.map(\.kind) == Array(repeating: .checkError, count: 4), "\(report.findings)")
        }

        @Test("a New York schedule across the 2026-11-01 change: 02:00 EDT, then 02:00 EST")
        func newYorkAcrossTheDaylightSavingChange() async throws {
            let (bed, environment) = try await freshTestBed()
            let client = try makeClient(environment: environment, region: Fixed.region)
            let seeded = try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "report", region: Fixed.region,
                        executions: [
                            // 02:04 EDT on Saturday and 02:03 EST on Monday; nothing on Sunday 1 November.
                            .init(start: utc("2026-10-31T06:04:00"), stop: utc("2026-10-31T06:30:00")),
                            .init(start: utc("2026-11-02T07:03:00"), stop: utc("2026-11-02T07:30:00")),
                        ])
                ]))
            try await client.create(
                TestBed.SchedulerSchedule(
                    "report-ny", expression: "cron(0 2 * * ? *)", timeZone: "America/New_York", windowMinutes: 15,
                    targetArn: seeded.stateMachines["report"]!))
            let yaml = """
                timezone: America/New_York
                region: \(Fixed.region)
                include_unscheduled: false
                jobs:
                  - name: report
                    state_machine: report
                    schedule: auto

                """
            let report = try await runCheck(
                yaml: yaml, environment: environment,
                window: .range(from: "2026-10-31T00:00:00-04:00", to: "2026-11-03T00:00:00-05:00"),
                now: utc("2026-11-03T13:00:00"))

            // Had the zone's offset not changed, Sunday's start would be 01:00 EST and Monday's run late.
            #expect(report.findings.map(\.kind) == [.missing], "\(report.findings)")
            #expect(report.findings.first?.expectedAt == utc("2026-11-01T07:00:00"))
            #expect(report.findings.first?.at == utc("2026-11-01T07:30:00"))
        }

        @Test(
            "a missing or late start says what AWS's schedules explain: a disabled rule, a changed or deleted one, a flexible window"
        )
        func problemsExplainedByAWSSchedules() async throws {
            let (bed, environment) = try await freshTestBed()
            let client = try makeClient(environment: environment, region: Fixed.region)
            let names = ["nightly-etl", "export", "cleanup", "report", "sync"]
            let seeded = try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(name: "nightly-etl", region: Fixed.region),
                    .init(
                        name: "export", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-20T04:00:04"), stop: jst("2026-11-20T04:20:00"))]),
                    .init(name: "cleanup", region: Fixed.region),
                    .init(
                        name: "report", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-20T05:12:00"), stop: jst("2026-11-20T05:20:00"))]),
                    .init(
                        name: "sync", region: Fixed.region,
                        executions: [.init(start: jst("2026-11-20T06:00:04"), stop: jst("2026-11-20T06:20:00"))]),
                ]))
            let arn = { (name: String) in seeded.stateMachines[name]! }
            // 17:00 UTC is 02:00 in Tokyo. 19:00 UTC is 04:00, not the configured 03:00. cleanup: no rule at all.
            try await client.create(
                TestBed.EventBridgeRule(
                    "nightly-etl", schedule: "cron(0 17 * * ? *)", state: "DISABLED",
                    stateMachineArn: arn("nightly-etl")))
            try await client.create(
                TestBed.EventBridgeRule("export-at-19", schedule: "cron(0 19 * * ? *)", stateMachineArn: arn("export")))
            try await client.create(
                TestBed.SchedulerSchedule(
                    "report-flex", expression: "cron(0 5 * * ? *)", timeZone: "Asia/Tokyo", windowMinutes: 15,
                    targetArn: arn("report")))
            try await client.create(
                TestBed.EventBridgeRule("sync-at-21", schedule: "cron(0 21 * * ? *)", stateMachineArn: arn("sync")))
            let jobs =
                "jobs:\n"
                + zip(names, [2, 3, 4, 5, 6]).map { name, hour in
                    "  - {name: \(name), state_machine: \(name), schedule: \"cron(0 \(hour) * * ? *)\", start_within: 10m}\n"
                }.joined()
            let report = try await runCheck(
                yaml: tokyoConfig(jobs, includeUnscheduled: false), environment: environment, window: .date(Fixed.date),
                now: Fixed.now)

            let details = Dictionary(
                uniqueKeysWithValues: report.findings.map { ("\($0.kind.rawValue) \($0.job)", $0.detail ?? "") })
            #expect(
                details.keys.sorted() == ["late export", "late report", "missing cleanup", "missing nightly-etl"],
                "\(report.findings)")
            #expect(details["missing nightly-etl"] == "its rule default/nightly-etl is DISABLED")
            #expect(details["late export"]?.hasSuffix(" · AWS now starts it at 04:00 Asia/Tokyo") == true, "\(details)")
            #expect(details["missing cleanup"] == "no EventBridge rule or Scheduler schedule starts it")
            #expect(
                details["late report"]?.hasSuffix(
                    " · its schedule default/report-flex starts it within a 15-minute flexible window") == true)
            #expect(Digest(report: report).text().contains("its rule default/nightly-etl is DISABLED"))
            #expect(
                report.notes.isEmpty, "sync's rule differs too, but its run came when configured: nothing to explain")
        }

        @Test("validate --against-aws prints every job's comparison with AWS and exits 0")
        func validateAgainstAWS() async throws {
            let (bed, environment) = try await freshTestBed()
            let client = try makeClient(environment: environment, region: Fixed.region)
            let seeded = try await bed.seed(
                TestBed.Scenario(
                    stateMachines: ["nightly-etl", "export", "cleanup"].map { .init(name: $0, region: Fixed.region) }))
            try await client.create(
                TestBed.EventBridgeRule(
                    "nightly-etl-at-17", schedule: "cron(0 17 * * ? *)",
                    stateMachineArn: seeded.stateMachines["nightly-etl"]!))
            try await client.create(
                TestBed.EventBridgeRule(
                    "export-at-19", schedule: "cron(0 19 * * ? *)", stateMachineArn: seeded.stateMachines["export"]!))
            let path = try writeConfig(
                tokyoConfig(
                    """
                    jobs:
                      - {name: nightly-etl, state_machine: nightly-etl, schedule: "cron(0 2 * * ? *)"}
                      - {name: export-job, state_machine: export, schedule: "cron(0 3 * * ? *)"}
                      - {name: cleanup, state_machine: cleanup, schedule: "cron(0 4 * * ? *)"}

                    """, includeUnscheduled: false))
            let run = try await runBatchwatch(
                ["validate", "--config", path, "--against-aws"], environment: environment)

            #expect(run.status == 0, "\(run.stderr)")
            #expect(
                run.stdoutText.contains("nightly-etl: matches AWS (rule default/nightly-etl-at-17)"),
                "\(run.stdoutText)")
            #expect(
                run.stdoutText.contains(
                    "export-job: differs from AWS (rule default/export-at-19): the configuration expects 14 starts"))
            #expect(run.stdoutText.contains("cleanup: nothing in AWS starts cleanup on a schedule"))
        }

        @Test("a healthy world with written schedules makes no EventBridge or Scheduler call")
        func healthyWorldReadsNoSchedules() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightScenario.scenario)
            let jobs = """
                jobs:
                  - {name: report, state_machine: report, schedule: "cron(0 5 * * ? *)"}

                """
            var configuration = try ConfigurationLoader.parse(
                yaml: tokyoConfig(jobs, includeUnscheduled: false), file: "it.yml", environment: environment)
            for mode in [BatchwatchConfiguration.MetricsMode.auto, .off] {
                configuration.metrics = mode
                try await bed.resetCalls()
                let window = try WindowSelection.date("2026-11-19").resolve(
                    now: Fixed.now, timeZone: configuration.timeZone)
                let report = await Checker(
                    configuration: configuration,
                    client: try makeClient(environment: environment, region: Fixed.region), logger: quietLogger
                )
                .run(window: window, now: Fixed.now)
                #expect(report.findings.isEmpty, "\(report.findings)")
                let calls = try await bed.calls()
                #expect(
                    calls.calls.keys.filter { $0.hasPrefix("events:") || $0.hasPrefix("scheduler:") }.isEmpty,
                    "\(calls.calls)")
            }
        }
    }
}

/// An instant written in UTC, `2026-11-01T07:00:00`.
private func utc(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text + "Z") else { fatalError("bad test instant \(text)") }
    return date
}
