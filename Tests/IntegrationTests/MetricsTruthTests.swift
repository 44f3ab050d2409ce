import BatchwatchCheck
import BatchwatchConfig
import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 12: metrics that were not delivered, arrive late, lack an outcome, or show more than
    /// the executions explain never clear a machine; each scenario gives the same findings in
    /// both metrics modes (`runCheck` compares them), for scheduled and unscheduled machines.
    @Suite struct MetricsTruth {
        static let failure = TestBed.Scenario.Failure(state: "Load", error: "States.TaskFailed", cause: "boom")

        /// Two machines per case: `<case>-job` (a 02:00 job) and `<case>` (no job names it), each
        /// with a good run the evening before, a run at 02:00 that failed, and what `metrics` does to them.
        static func machines(
            _ name: String, metrics: Bool? = nil, metricsUntil: Date? = nil, omitted: [String]? = nil,
            extra: [TestBed.Scenario.StateMachine.Datum]? = nil
        ) -> [TestBed.Scenario.StateMachine] {
            [name + "-job", name].map { machine in
                .init(
                    name: machine, region: Fixed.region,
                    executions: [
                        .init(start: jst("2026-11-19T23:50:00"), stop: jst("2026-11-20T00:20:00")),
                        .init(
                            start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T02:12:00"), status: .failed,
                            failure: failure,
                            metricsOmitted: omitted),
                    ],
                    metrics: metrics, metricsUntil: metricsUntil, extraMetrics: extra)
            }
        }

        static func jobs(_ names: [String]) -> String {
            "jobs:\n"
                + names.map { "  - {name: \($0)-job, state_machine: \($0)-job, schedule: \"cron(0 2 * * ? *)\"}\n" }
                .joined()
        }

        @Test(
            "metrics never delivered, stopped at the window's start, without outcome and run time: the failure is found in both modes",
            arguments: ["never-delivered", "delayed", "no-outcome"])
        func undeliveredMetricsNeverClear(name: String) async throws {
            let machines =
                switch name {
                case "never-delivered": Self.machines(name, metrics: false)
                case "delayed": Self.machines(name, metricsUntil: jst("2026-11-20T00:00:00"))
                default: Self.machines(name, omitted: ["ExecutionsFailed", "ExecutionTime"])
                }
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(TestBed.Scenario(stateMachines: machines))
            let report = try await runCheck(yaml: tokyoConfig(Self.jobs([name])), environment: environment)
            #expect(
                report.findings.map { "\($0.kind.rawValue) \($0.job)" }.sorted() == [
                    "failed \(name)", "failed \(name)-job",
                ])
        }

        @Test("a datapoint no execution explains sends the machine to listing, which finds all well")
        func extraDatapointIsListed() async throws {
            let (bed, environment) = try await freshTestBed()
            let extra = [TestBed.Scenario.StateMachine.Datum(name: "ExecutionsStarted", at: jst("2026-11-20T09:00:00"))]
            let machines = ["extra-job", "extra"].map { machine in
                TestBed.Scenario.StateMachine(
                    name: machine, region: Fixed.region,
                    executions: [.init(start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T02:12:00"))],
                    extraMetrics: extra)
            }
            try await bed.seed(TestBed.Scenario(stateMachines: machines))
            let report = try await runCheck(yaml: tokyoConfig(Self.jobs(["extra"])), environment: environment)
            #expect(report.findings.isEmpty)
            let listed = try await metricsFirstListings(
                yaml: tokyoConfig(Self.jobs(["extra"])), environment: environment)
            #expect(listed == 2, "both machines are listed: their starts and outcomes do not balance")
        }

        @Test("balanced metrics still clear scheduled and unscheduled machines without a ListExecutions")
        func balancedMetricsCostNoListing() async throws {
            let (bed, environment) = try await freshTestBed()
            let machines = ["fine-job", "fine"].map { machine in
                TestBed.Scenario.StateMachine(
                    name: machine, region: Fixed.region,
                    executions: [
                        .init(start: jst("2026-11-19T23:50:00"), stop: jst("2026-11-20T00:20:00")),
                        .init(start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T02:12:00")),
                    ])
            }
            try await bed.seed(TestBed.Scenario(stateMachines: machines))
            let listed = try await metricsFirstListings(
                yaml: tokyoConfig(Self.jobs(["fine"])), environment: environment)
            #expect(listed == 0)
        }
    }
}

/// The ListExecutions calls a `metrics: auto` check of `Fixed.date` makes.
func metricsFirstListings(yaml: String, environment: [String: String]) async throws -> Int {
    var configuration = try ConfigurationLoader.parse(yaml: yaml, file: "it.yml", environment: environment)
    configuration.metrics = .auto
    let window = try WindowSelection.date(Fixed.date).resolve(now: Fixed.now, timeZone: configuration.timeZone)
    let client = try makeClient(environment: environment, region: configuration.region)
    let bed = try await TestBed.shared()
    try await bed.resetCalls()
    _ = await Checker(configuration: configuration, client: client, logger: quietLogger).run(
        window: window, now: Fixed.now)
    return try await bed.calls()["states:ListExecutions"]
}
