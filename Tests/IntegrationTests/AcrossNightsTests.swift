import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import TestSupport
import Testing

/// Several nights seeded before the window of `Fixed.date`: streaks, last successes, recoveries.
enum NightsScenario {
    static let boom = TestBed.Scenario.Failure(state: "Load", error: "Boom")

    static func night(
        _ day: String, _ status: TestBed.Scenario.Execution.Status = .succeeded, at hour: String = "02"
    ) -> TestBed.Scenario.Execution {
        .init(
            start: jst("2026-11-\(day)T\(hour):00:05"), stop: jst("2026-11-\(day)T\(hour):31:40"), status: status,
            failure: status == .succeeded ? nil : boom)
    }

    static let scenario = TestBed.Scenario(stateMachines: [
        .init(
            name: "etl", region: Fixed.region,
            executions: [night("16"), night("17"), night("18", .failed), night("19", .failed), night("20", .failed)]),
        .init(name: "fresh", region: Fixed.region, executions: [night("18"), night("19"), night("20", .failed)]),
        .init(
            name: "billing", region: Fixed.region,
            executions: [night("17"), night("18", .failed), night("19", .failed), night("20")]),
        .init(
            name: "quarter", region: Fixed.region,
            executions: [
                night("19", at: "19"), night("20", at: "01"), night("20", .failed, at: "07"),
                night("20", .failed, at: "13"), night("20", at: "19"),
            ]),
        .init(
            name: "redriven", region: Fixed.region,
            executions: [
                .init(
                    start: jst("2026-11-19T02:00:05"), stop: jst("2026-11-19T03:10:00"), status: .succeeded,
                    failure: boom, redriveCount: 1,
                    redriveDate: jst("2026-11-19T03:00:00")),
                night("20", .failed),
            ]),
        .init(
            name: "never", region: Fixed.region,
            executions: [night("18", .failed), night("19", .failed), night("20", .failed)],
            created: jst("2026-11-17T12:00:00")),
        .init(
            name: "adhoc", region: Fixed.region,
            executions: [night("18", at: "10"), night("19", .failed, at: "10"), night("20", .failed, at: "10")]),
    ])

    static let jobs = """
        jobs:
          - name: etl
            state_machine: etl
            schedule: "cron(0 2 * * ? *)"
          - name: fresh
            state_machine: fresh
            schedule: "cron(0 2 * * ? *)"
          - name: billing
            state_machine: billing
            schedule: "cron(0 2 * * ? *)"
          - name: quarter
            state_machine: quarter
            schedule: "cron(0 1,7,13,19 * * ? *)"
          - name: redriven
            state_machine: redriven
            schedule: "cron(0 2 * * ? *)"
          - name: never
            state_machine: never
            schedule: "cron(0 2 * * ? *)"

        """
}

extension IntegrationTests {
    /// Issue 16: across nights, from AWS's own history, the same in both metrics modes.
    @Suite struct AcrossNights {
        @Test("streaks, last successes and recoveries from the executions of past nights")
        func streaksAndRecoveries() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightsScenario.scenario)
            let report = try await runCheck(yaml: tokyoConfig(NightsScenario.jobs), environment: environment)

            func finding(_ job: String, at hour: String? = nil) throws -> Finding {
                try #require(
                    report.findings.first {
                        $0.job == job && (hour == nil || $0.executionArn?.contains("T\(hour!)") == true)
                    }, "\(report.findings)")
            }
            let etl = try finding("etl")
            #expect(etl.streak == 3)
            #expect(etl.streakUnit == .night)
            #expect(etl.lastSuccess == jst("2026-11-17T02:31:40"))
            let fresh = try finding("fresh")
            #expect(fresh.streak == 1)
            #expect(fresh.lastSuccess == jst("2026-11-19T02:31:40"))
            // 07:00 and 13:00 JST are 22:00 and 04:00 UTC.
            let seven = try finding("quarter", at: "22")
            let thirteen = try finding("quarter", at: "04")
            #expect(seven.streak == 1)
            #expect(thirteen.streak == 2)
            #expect(thirteen.streakUnit == .run)
            #expect(thirteen.lastSuccess == jst("2026-11-20T01:31:40"))
            let redriven = try finding("redriven")
            #expect(redriven.streak == 1, "a night redriven to success is good")
            #expect(redriven.lastSuccess == jst("2026-11-19T03:10:00"))
            let never = try finding("never")
            #expect(never.streak == 3, "occurrences before creationDate are neither good nor bad")
            #expect(never.lastSuccess == nil)
            let adhoc = try finding("adhoc")
            #expect(adhoc.streak == 2, "a machine no job names counts its runs")
            #expect(adhoc.lastSuccess == jst("2026-11-18T10:31:40"))
            #expect(!report.findings.contains { $0.job == "billing" })

            #expect(
                report.recoveries == [Recovery(job: "billing", at: jst("2026-11-20T02:31:40"), after: 2, unit: .night)])
            #expect(report.status == .problems)

            // The metrics mode finds the same recovery.
            var configuration = try ConfigurationLoader.parse(
                yaml: tokyoConfig(NightsScenario.jobs), file: "it.yml", environment: environment)
            configuration.metrics = .auto
            let window = try WindowSelection.date(Fixed.date).resolve(now: Fixed.now, timeZone: configuration.timeZone)
            let metricsFirst = await Checker(
                configuration: configuration,
                client: try makeClient(environment: environment, region: configuration.region), logger: quietLogger
            ).run(window: window, now: Fixed.now)
            #expect(metricsFirst.recoveries == report.recoveries)

            let text = Digest(report: report).text()
            #expect(text.contains("3rd night in a row, last success Tue 11-17 02:31"), "\(text)")
            #expect(text.contains("2nd run in a row, last success Fri 11-20 01:31"), "\(text)")
            #expect(text.contains("✅ recovered: billing, after 2 bad nights"), "\(text)")
            let json = try #require(try JSONSerialization.jsonObject(with: report.jsonDocument()) as? [String: Any])
            let recovered = try #require(json["recovered"] as? [[String: Any]])
            #expect(recovered.count == 1)
            #expect(recovered.first?["after"] as? Int == 2)
            #expect(recovered.first?["at"] as? String == "2026-11-20T02:31:40+09:00")
        }

        @Test("a recovery alone is posted news: status ok")
        func recoveryAlone() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                TestBed.Scenario(stateMachines: [
                    .init(
                        name: "billing", region: Fixed.region,
                        executions: [
                            NightsScenario.night("18", .failed), NightsScenario.night("19", .failed),
                            NightsScenario.night("20"),
                        ])
                ]))
            let yaml = tokyoConfig(
                "jobs:\n  - name: billing\n    state_machine: billing\n    schedule: \"cron(0 2 * * ? *)\"\n")
            let report = try await runCheck(yaml: yaml, environment: environment)
            #expect(report.findings.isEmpty)
            #expect(report.status == .ok)
            #expect(report.recoveries.map(\.after) == [2])
        }

        @Test("a healthy morning costs no extra call, in either mode")
        func healthyMorningCalls() async throws {
            let (bed, environment) = try await freshTestBed()
            let healthy = ["etl", "fresh", "billing"].map { name in
                TestBed.Scenario.StateMachine(
                    name: name, region: Fixed.region,
                    executions: ["17", "18", "19", "20"].map { NightsScenario.night($0) })
            }
            try await bed.seed(TestBed.Scenario(stateMachines: healthy))
            let yaml = tokyoConfig(
                "jobs:\n"
                    + ["etl", "fresh", "billing"].map {
                        "  - name: \($0)\n    state_machine: \($0)\n    schedule: \"cron(0 2 * * ? *)\"\n"
                    }.joined(),
                includeUnscheduled: false)
            var configuration = try ConfigurationLoader.parse(yaml: yaml, file: "it.yml", environment: environment)
            let window = try WindowSelection.date(Fixed.date).resolve(now: Fixed.now, timeZone: configuration.timeZone)
            let client = try makeClient(environment: environment, region: configuration.region)

            configuration.metrics = .auto
            try await bed.resetCalls()
            let metricsFirst = await Checker(configuration: configuration, client: client, logger: quietLogger).run(
                window: window, now: Fixed.now)
            #expect(metricsFirst.findings.isEmpty && metricsFirst.recoveries.isEmpty)
            let metricsCalls = try await bed.calls()
            #expect(metricsCalls["monitoring:GetMetricData"] == 1)
            #expect(metricsCalls["states:ListExecutions"] == 0)
            #expect(metricsCalls["states:DescribeStateMachine"] == 0)

            configuration.metrics = .off
            try await bed.resetCalls()
            let listing = await Checker(configuration: configuration, client: client, logger: quietLogger).run(
                window: window, now: Fixed.now)
            #expect(listing.findings.isEmpty && listing.recoveries.isEmpty)
            let listingCalls = try await bed.calls()
            #expect(listingCalls["states:ListExecutions"] == 3, "one page per machine, already read for the window")
            #expect(listingCalls["states:DescribeStateMachine"] == 0)
        }
    }
}
