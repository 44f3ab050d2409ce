import BatchwatchCheck
import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 3: pagination, call counts and injected faults.
    @Suite struct CheckScale {
        /// A run every `step` seconds from `from` (inclusive) to `to` (exclusive), each 30 s long and
        /// 5 s after its slot; `failAt` slots fail.
        static func runs(
            every step: TimeInterval, from: Date, to: Date, failAt: Set<Date> = []
        ) -> [TestBed.Scenario.Execution] {
            stride(from: from.timeIntervalSince1970, to: to.timeIntervalSince1970, by: step).map { slot in
                let start = Date(timeIntervalSince1970: slot + 5)
                let failed = failAt.contains(Date(timeIntervalSince1970: slot))
                return TestBed.Scenario.Execution(
                    start: start, stop: start.addingTimeInterval(30), status: failed ? .failed : .succeeded,
                    failure: failed ? .init(state: "Load", error: "Lambda.Unknown", cause: "exit status 1") : nil)
            }
        }

        static func job(_ name: String, schedule: String) -> String {
            """
            jobs:
              - name: \(name)
                state_machine: arn:aws:states:\(Fixed.region):123456789012:stateMachine:\(name)
                schedule: "\(schedule)"

            """
        }

        @Test(
            "pagination: a machine with 1,440 runs in the window pages; one page costs 1 call; 2,500 runs over 30 days cost at most 2"
        )
        func listExecutionsPagination() async throws {
            let (bed, environment) = try await freshTestBed()
            let dayStart = jst("2026-11-20T00:00:00")
            let dayEnd = jst("2026-11-21T00:00:00")
            let monthStart = dayEnd.addingTimeInterval(-30 * 86_400)
            let monthRuns = Self.runs(every: 30 * 86_400 / 2_500.0, from: monthStart, to: dayEnd)  // one every 1,036.8 s
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "every-minute", region: Fixed.region,
                        executions: Self.runs(
                            every: 60, from: dayStart, to: dayEnd, failAt: [jst("2026-11-20T00:07:00")])),
                    .init(name: "month-long", region: Fixed.region, executions: monthRuns),
                    .init(
                        name: "nightly", region: Fixed.region,
                        executions: Self.runs(every: 86_400, from: monthStart, to: dayEnd)),
                ]))

            // 1,440 runs in the window: two pages of 1,000; the failure on the oldest page is found and nothing is missing.
            try await bed.resetCalls()
            let minutely = try await runCheck(
                yaml: tokyoConfig(Self.job("every-minute", schedule: "cron(* * * * ? *)"), includeUnscheduled: false),
                environment: environment)
            let failures = minutely.findings.filter { $0.kind != .missing && $0.kind != .late }
            #expect(failures.map { "\($0.kind.rawValue) \($0.job)" } == ["failed every-minute"])
            #expect(failures.first?.at == jst("2026-11-20T00:07:35"))
            #expect(failures.first?.state == "Load")
            #expect(minutely.checked.executions == 1_440)
            #expect(try await bed.calls()["states:ListExecutions"] == 2)

            // A window that fits one page costs exactly one ListExecutions.
            try await bed.resetCalls()
            let nightly = try await runCheck(
                yaml: tokyoConfig(Self.job("nightly", schedule: "cron(0 0 * * ? *)"), includeUnscheduled: false),
                environment: environment)
            #expect(nightly.status == .ok)
            #expect(try await bed.calls()["states:ListExecutions"] == 1)

            // 2,500 runs over 30 days, one-day window: stops paging once it reaches back before the window.
            try await bed.resetCalls()
            let monthly = try await runCheck(
                yaml: tokyoConfig(
                    Self.job("month-long", schedule: "cron(0 12 * * ? *)") + "    start_within: 20m\n",
                    includeUnscheduled: false),
                environment: environment)
            #expect(monthly.status == .ok)
            #expect(
                monthly.checked.executions == monthRuns.filter { $0.start >= dayStart.addingTimeInterval(-60) }.count)
            #expect(try await bed.calls()["states:ListExecutions"] <= 2)
        }

        @Test("a minutely job: each run belongs to its own minute, none is missing")
        func minutelyRunsMatchTheirOwnMinute() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "per-minute", region: Fixed.region,
                        executions: Self.runs(
                            every: 60, from: jst("2026-11-20T03:00:00"), to: jst("2026-11-20T04:00:00")))
                ]))
            let report = try await runCheck(
                yaml: tokyoConfig(Self.job("per-minute", schedule: "cron(* 3 * * ? *)"), includeUnscheduled: false),
                environment: environment)

            // Each run starts 5 s after its minute, well within the 15-minute grace.
            #expect(
                report.findings.map {
                    "\($0.kind.rawValue) \($0.expectedAt.map { OffsetTimestampFormatter(timeZone: Fixed.tokyo).string(from: $0) } ?? "")"
                } == [])
            #expect(report.status == .ok)
        }

        @Test("DescribeAlarmHistory across several pages: every transition into ALARM, each back to OK")
        func alarmHistoryPages() async throws {
            let (bed, environment) = try await freshTestBed()
            let first = jst("2026-11-20T00:05:00")
            let history = (0..<130).map { index in
                TestBed.Scenario.StateChange(
                    at: first.addingTimeInterval(Double(index) * 600), state: index.isMultiple(of: 2) ? "ALARM" : "OK",
                    reason: "transition \(index)")
            }
            try await bed.seed(
                TestBed.Scenario(alarms: [
                    .init(name: "batch-flappy", region: Fixed.region, history: history),
                    .init(
                        name: "batch-any", type: "composite", region: Fixed.region, rule: "ALARM(batch-flappy)",
                        history: [
                            .init(at: jst("2026-11-20T23:00:00"), state: "ALARM", reason: "batch-flappy is in ALARM")
                        ]),
                    .init(
                        name: "unrelated", region: Fixed.region,
                        history: [.init(at: jst("2026-11-20T03:00:00"), state: "ALARM", reason: "not selected")]),
                ]))
            let report = try await runCheck(
                yaml: tokyoConfig("jobs: []\nalarms:\n  prefixes: [batch-]\n", includeUnscheduled: false),
                environment: environment)

            let alarms = report.findings(.alarm).filter { $0.job == "batch-flappy" }
            #expect(alarms.count == 65)
            #expect(alarms.allSatisfy { $0.detail?.hasPrefix("back to OK at ") ?? false })
            #expect(alarms.first?.at == first)
            #expect(alarms.first?.cause == "transition 0")
            #expect(alarms.last?.at == first.addingTimeInterval(128 * 600))
            #expect(alarms.last?.detail == "back to OK at 21:35")
            // The composite alarm is selected by the prefix too, and is still in ALARM at the end.
            let composite = report.findings.filter { $0.job == "batch-any" }
            #expect(composite.map(\.kind) == [.alarm])
            #expect(composite.first?.detail == "still in ALARM at the end of the window")
            #expect(report.findings.count == 66)
            #expect(report.checked.alarms == 2)
            #expect(try await bed.calls()["monitoring:DescribeAlarmHistory"] == 2, "132 history items, 100 a page")
        }

        @Test("20% injected 5xx and throttling: the check completes with the same findings after retries")
        func injectedFaults() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightScenario.scenario)
            let yaml = tokyoConfig(NightScenario.jobs)
            let clean = try await runCheck(yaml: yaml, environment: environment)
            #expect(clean.findings.map { "\($0.kind.rawValue) \($0.job)" } == NightScenario.expectedKinds)

            try await bed.resetCalls()
            try await bed.faults(rate: 0.2, kinds: ["500", "503", "throttle", "html503"], seed: 7)
            let faulty = try await runCheck(yaml: yaml, environment: environment)
            let calls = try await bed.calls()
            try await bed.faults(rate: 0)

            #expect(calls.faultCount > 0, "the plan injected no fault: \(calls)")
            #expect(faulty.status == .problems)
            #expect(faulty.findings == clean.findings)
            #expect(faulty.checked == clean.checked)
        }
    }
}
