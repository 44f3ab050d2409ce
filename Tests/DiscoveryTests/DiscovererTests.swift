import AWSClient
import BatchwatchConfig
import Foundation
import Logging
import Schedules
import TestSupport
import Testing

@testable import ScheduleDiscovery

/// The rules and schedules these tests find, created once through the real EventBridge and
/// Scheduler APIs of the test bed (moto):
/// - `nightly-etl`: rule `nightly-etl-at-17` `cron(0 17 * * ? *)`, and an event-pattern rule (not a schedule);
/// - `report`: schedule `report-ny` `cron(0 2 * * ? *)` in America/New_York, flexible window 15 minutes;
/// - `weekly`: a disabled rule and a disabled schedule;
/// - `dual`: rule `dual-rule` `rate(6 hours)` and schedule `ops/dual-schedule`;
/// - `orphan`: nothing; `stream`: an Express machine; and a schedule that targets a Lambda function.
///
/// The test bed is one of this suite's own (`TestBed.launch()`): the integration tests, which run in
/// the same test process, reset `TestBed.shared()` while these run.
struct DiscoveryWorld: Sendable {
    let bed: TestBed
    let client: AWSClient
    let arns: [String: String]

    static let machineNames = ["nightly-etl", "report", "weekly", "dual", "orphan"]
    private static let instance = Task<DiscoveryWorld, any Error> { try await build() }
    static func shared() async throws -> DiscoveryWorld { try await instance.value }

    func arn(_ name: String) -> String { arns[name]! }

    private static func build() async throws -> DiscoveryWorld {
        let bed = try await TestBed.launch()
        let environment = bed.environment(credentials: await bed.credentials)
        let client = try AWSClient.make(
            environment: environment, homeDirectory: environment["HOME"] ?? "/nonexistent",
            logger: Logger(label: "discovery-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        let arns = try await bed.seed(
            TestBed.Scenario(
                stateMachines: machineNames.map { TestBed.Scenario.StateMachine(name: $0) }
                    + [TestBed.Scenario.StateMachine(name: "stream", type: .express)])
        ).stateMachines
        let world = DiscoveryWorld(bed: bed, client: client, arns: arns)
        try await client.create(
            TestBed.EventBridgeRule(
                "nightly-etl-at-17", schedule: "cron(0 17 * * ? *)", stateMachineArn: arns["nightly-etl"]!))
        try await client.create(
            TestBed.EventBridgeRule(
                "nightly-etl-on-upload", pattern: #"{"source": ["aws.s3"]}"#, stateMachineArn: arns["nightly-etl"]!))
        try await client.create(
            TestBed.EventBridgeRule(
                "weekly-rule", schedule: "cron(0 3 ? * MON *)", state: "DISABLED", stateMachineArn: arns["weekly"]!))
        try await client.create(
            TestBed.EventBridgeRule("dual-rule", schedule: "rate(6 hours)", stateMachineArn: arns["dual"]!))
        try await client.createScheduleGroup("ops")
        try await client.create(
            TestBed.SchedulerSchedule(
                "report-ny", expression: "cron(0 2 * * ? *)", timeZone: "America/New_York", windowMinutes: 15,
                targetArn: arns["report"]!))
        try await client.create(
            TestBed.SchedulerSchedule(
                "weekly-paused", expression: "cron(0 4 ? * SUN *)", state: "DISABLED", targetArn: arns["weekly"]!))
        try await client.create(
            TestBed.SchedulerSchedule(
                "dual-schedule", group: "ops", expression: "cron(30 20 ? * MON-FRI *)", targetArn: arns["dual"]!))
        try await client.create(
            TestBed.SchedulerSchedule(
                "lambda-ping", expression: "rate(5 minutes)",
                targetArn: "arn:aws:lambda:us-east-1:123456789012:function:ping"))
        return world
    }
}

@Suite(.serialized) struct DiscovererTests {
    @Test func aUTCCronRuleIsFoundAndEventPatternRulesAreNot() async throws {
        let world = try await DiscoveryWorld.shared()
        let schedules = try await ScheduleDiscoverer(client: world.client).schedules(
            forStateMachineArn: world.arn("nightly-etl"))
        #expect(schedules.count == 1)
        let rule = try #require(schedules.first)
        #expect(rule.source == .rule(name: "nightly-etl-at-17"))
        #expect(rule.expression == "cron(0 17 * * ? *)")
        #expect(rule.schedule == (try Schedule(parsing: "cron(0 17 * * ? *)")))
        #expect(rule.timeZoneName == "UTC")
        #expect(rule.isEnabled)
        #expect(rule.flexibleWindow == 0)
        #expect(rule.stateMachineArn == world.arn("nightly-etl"))
        #expect(
            CronZoneConversion.jobSchedule(for: rule, configurationZone: tokyo, now: referenceDate)
                == JobScheduleText(expression: "cron(0 2 * * ? *)", timeZone: nil))
    }

    @Test func aNewYorkScheduleWithAFlexibleWindowFollowsTheDaylightSavingChange() async throws {
        let world = try await DiscoveryWorld.shared()
        let schedules = try await ScheduleDiscoverer(client: world.client).schedules(
            forStateMachineArn: world.arn("report"))
        let schedule = try #require(schedules.first)
        #expect(schedules.count == 1)
        #expect(schedule.source == .schedule(group: "default", name: "report-ny"))
        #expect(schedule.timeZone.identifier == "America/New_York")
        #expect(schedule.flexibleWindow == 15 * 60)
        #expect(schedule.startWithin() == 30 * 60)
        #expect(schedule.isEnabled)
        #expect(schedule.lastModified != nil)
        // 02:00 in New York is 06:00 UTC under daylight saving time and 07:00 UTC after 1 November 2026.
        #expect(
            schedule.occurrences(from: utc("2026-10-30T00:00:00"), to: utc("2026-11-03T00:00:00")) == [
                utc("2026-10-30T06:00:00"), utc("2026-10-31T06:00:00"), utc("2026-11-01T07:00:00"),
                utc("2026-11-02T07:00:00"),
            ])
        // Not convertible into Tokyo: kept in its own zone, with the window added to start_within.
        let skeleton = ConfigSkeleton(
            machines: [DiscoveredStateMachine(arn: world.arn("report"), name: "report", schedules: schedules)],
            timeZone: tokyo, region: "us-east-1", now: referenceDate)
        let job = try #require(
            try ConfigurationLoader.parse(yaml: skeleton.yaml(), file: "d.yml", environment: [:]).jobs.first)
        #expect(job.timeZone?.identifier == "America/New_York")
        #expect(job.startWithin == 30 * 60)
        #expect(job.schedule == .expression(try Schedule(parsing: "cron(0 2 * * ? *)")))
    }

    @Test func disabledRulesAndSchedulesAreFoundAsDisabled() async throws {
        let world = try await DiscoveryWorld.shared()
        let schedules = try await ScheduleDiscoverer(client: world.client).schedules(
            forStateMachineArn: world.arn("weekly"))
        #expect(
            schedules.map(\.source) == [.rule(name: "weekly-rule"), .schedule(group: "default", name: "weekly-paused")])
        #expect(schedules.map(\.state) == [.disabled, .disabled])
        #expect(schedules.allSatisfy { !$0.isEnabled })
        #expect(schedules.map(\.expression) == ["cron(0 3 ? * MON *)", "cron(0 4 ? * SUN *)"])
    }

    @Test func aStateMachineWithTwoSchedulesHasBoth() async throws {
        let world = try await DiscoveryWorld.shared()
        let schedules = try await ScheduleDiscoverer(client: world.client).schedules(
            forStateMachineArn: world.arn("dual"))
        #expect(schedules.map(\.source) == [.rule(name: "dual-rule"), .schedule(group: "ops", name: "dual-schedule")])
        #expect(schedules.map(\.expression) == ["rate(6 hours)", "cron(30 20 ? * MON-FRI *)"])
        #expect(schedules.filter(\.isEnabled).count == 2)
    }

    @Test func aStateMachineWithNoScheduleHasNone() async throws {
        let world = try await DiscoveryWorld.shared()
        let schedules = try await ScheduleDiscoverer(client: world.client).schedules(
            forStateMachineArn: world.arn("orphan"))
        #expect(schedules.isEmpty)
    }

    /// ⌈rules/100⌉ ListRules + a ListTargetsByRule per scheduled rule + ⌈schedules/100⌉ ListSchedules
    /// + a GetSchedule per schedule that targets one of the machines, however many machines.
    @Test func manyMachinesCostWhatTheFormulaSays() async throws {
        let world = try await DiscoveryWorld.shared()
        try await world.bed.resetCalls()
        let found = try await ScheduleDiscoverer(client: world.client)
            .schedules(forStateMachineArns: DiscoveryWorld.machineNames.map(world.arn))
        let calls = try await world.bed.calls()
        #expect(found.count == 5)
        #expect(found.values.map(\.count).reduce(0, +) == 6)
        #expect(calls["scheduler:ListSchedules"] == 1)
        #expect(calls["scheduler:GetSchedule"] == 3)
        #expect(calls["events:ListRules"] == 1)
        #expect(calls["events:ListTargetsByRule"] == 3, "3 scheduled rules; the event-pattern rule is not read")
        #expect(calls["events:ListRuleNamesByTarget"] == 0)
        #expect(calls["events:DescribeRule"] == 0)
    }

    @Test func discoverListsStandardMachinesAndPrintsAValidSkeleton() async throws {
        let world = try await DiscoveryWorld.shared()
        let machines = try await ScheduleDiscoverer(client: world.client).discoverStateMachines()
        #expect(machines.map(\.name) == DiscoveryWorld.machineNames.sorted())

        let skeleton = ConfigSkeleton(machines: machines, timeZone: tokyo, region: "us-east-1", now: referenceDate)
        let yaml = skeleton.yaml()
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "discovered.yml", environment: [:])
        #expect(
            configuration.jobs.map(\.name) == ["dual (dual-rule)", "dual (ops/dual-schedule)", "nightly-etl", "report"])
        #expect(configuration.jobs.map { $0.timeZone?.identifier } == [nil, nil, nil, "America/New_York"])
        #expect(yaml.contains("#   - name: \"weekly (weekly-rule)\""))
        #expect(yaml.contains("#   - name: \"weekly (weekly-paused)\""))
        #expect(yaml.contains("# - orphan: \(world.arn("orphan"))"))
    }
}
