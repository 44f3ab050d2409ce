import BatchwatchConfig
import Foundation
import Schedules
import Testing

@testable import ScheduleDiscovery

func machineArn(_ name: String) -> String { "arn:aws:states:us-east-1:123456789012:stateMachine:\(name)" }

@Suite struct SkeletonTests {
    /// A region with every case the skeleton distinguishes.
    func sampleMachines() throws -> [DiscoveredStateMachine] {
        func machine(_ name: String, _ schedules: [DiscoveredSchedule]) -> DiscoveredStateMachine {
            DiscoveredStateMachine(
                arn: machineArn(name), name: name,
                schedules: schedules.map {
                    var copy = $0; copy.stateMachineArn = machineArn(name); return copy
                })
        }
        return [
            machine(
                "nightly-etl", [try discovered(.rule(name: "nightly-etl-schedule"), "cron(0 17 * * ? *)", in: utcZone)]),
            machine(
                "report",
                [
                    try discovered(.rule(name: "report-legacy"), "cron(0 12 ? * MON *)", in: utcZone, state: .disabled),
                    try discovered(
                        .schedule(group: "default", name: "report-ny"), "cron(0 7 ? * MON-FRI *)", in: newYork,
                        window: 900),
                ]),
            machine(
                "sync",
                [
                    try discovered(.rule(name: "sync-a"), "rate(1 hour)", in: utcZone),
                    try discovered(.schedule(group: "ops", name: "sync-b"), "cron(30 20 ? * MON-FRI *)", in: utcZone),
                ]),
            machine("orphan", []),
            machine(
                "once",
                [try discovered(.schedule(group: "default", name: "once"), "at(2026-12-01T00:00:00)", in: utcZone)]),
        ]
    }

    func parse(_ yaml: String) throws -> BatchwatchConfiguration {
        try ConfigurationLoader.parse(yaml: yaml, file: "discovered.yml", environment: [:])
    }

    @Test func yamlIsAValidConfigurationWithOneJobPerEnabledSchedule() throws {
        let skeleton = ConfigSkeleton(
            machines: try sampleMachines(), timeZone: tokyo, region: "us-east-1", now: referenceDate)
        let configuration = try parse(skeleton.yaml())

        #expect(configuration.timeZone.identifier == "Asia/Tokyo")
        #expect(configuration.region == "us-east-1")
        let jobs = configuration.jobs
        #expect(jobs.map(\.name) == ["nightly-etl", "report", "sync (sync-a)", "sync (ops/sync-b)"])
        #expect(jobs.map(\.stateMachine) == [.name("nightly-etl"), .name("report"), .name("sync"), .name("sync")])
        #expect(
            jobs.map(\.schedule) == [
                .expression(try Schedule(parsing: "cron(0 2 * * ? *)")),
                .expression(try Schedule(parsing: "cron(0 7 ? * MON-FRI *)")),
                .expression(try Schedule(parsing: "rate(1 hour)")),
                .expression(try Schedule(parsing: "cron(30 5 ? * TUE-SAT *)")),
            ])
        #expect(jobs.map { $0.timeZone?.identifier } == [nil, "America/New_York", nil, nil])
        #expect(jobs.map(\.startWithin) == [900, 1800, 900, 900])
    }

    @Test func disabledSchedulesAreCommentedOutJobsThatUncommentToValidOnes() throws {
        let skeleton = ConfigSkeleton(
            machines: try sampleMachines(), timeZone: tokyo, region: "us-east-1", now: referenceDate)
        let yaml = skeleton.yaml()
        #expect(yaml.contains("#   - name: \"report (report-legacy)\""))
        #expect(yaml.contains("# - orphan: \(machineArn("orphan"))"))
        #expect(yaml.contains("# - once: schedule default/once: a one-time schedule, at(2026-12-01T00:00:00)"))

        let uncommented = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("#   ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
        let jobs = try parse(uncommented).jobs
        #expect(jobs.count == 5)
        #expect(jobs.last?.name == "report (report-legacy)")
        // Monday 12:00 UTC is Monday 21:00 in Tokyo.
        #expect(jobs.last?.schedule == .expression(try Schedule(parsing: "cron(0 21 ? * MON *)")))
    }

    @Test func endedSchedulesAreNotJobs() throws {
        var ended = try discovered(.schedule(group: "default", name: "old"), "cron(0 3 * * ? *)", in: utcZone)
        ended.endDate = utc("2026-01-01T00:00:00")
        let skeleton = ConfigSkeleton(
            machines: [DiscoveredStateMachine(arn: machineArn("old"), name: "old", schedules: [ended])],
            timeZone: utcZone, region: "us-east-1", now: referenceDate)
        let yaml = skeleton.yaml()
        #expect(yaml.contains("jobs: []"))
        #expect(yaml.contains("#   - name: \"old\""))
        #expect(try parse(yaml).jobs.isEmpty)
        #expect(skeleton.table().contains("ENABLED (ended)"))
    }

    @Test func namesAndExpressionsAreQuotedForYAML() throws {
        let odd = try discovered(.rule(name: "r"), "cron(0 1 * * ? *)", in: utcZone)
        let skeleton = ConfigSkeleton(
            machines: [DiscoveredStateMachine(arn: machineArn("yes"), name: "yes", schedules: [odd])],
            timeZone: utcZone, region: "us-east-1", now: referenceDate)
        // `yes` would be a YAML 1.1 boolean without the quotes.
        #expect(try parse(skeleton.yaml()).jobs.first?.name == "yes")
        #expect(ConfigSkeleton.quoted("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000A\"")
    }

    @Test func severalAccountsAndRegionsPlaceEachJobAndKeepSharedNamesApart() throws {
        let configuration = try parse(
            """
            region: us-east-1
            regions: [us-east-1, eu-west-1]
            role_name: batchwatch-reader
            accounts:
              - {name: prod, id: "111111111111", external_id: secret-1}
              - {name: staging, id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/custom"}
            jobs: []
            """)
        func machine(_ name: String, _ account: String, _ region: String) throws -> DiscoveredStateMachine {
            let arn = "arn:aws:states:\(region):111111111111:stateMachine:\(name)"
            var rule = try discovered(.rule(name: "\(name)-rule"), "cron(0 17 * * ? *)", in: utcZone)
            rule.stateMachineArn = arn
            return DiscoveredStateMachine(arn: arn, name: name, schedules: [rule], account: account, region: region)
        }
        var skeleton = ConfigSkeleton(
            machines: [
                try machine("etl", "prod", "us-east-1"), try machine("etl", "staging", "us-east-1"),
                try machine("billing", "staging", "eu-west-1"),
            ],
            timeZone: utcZone, region: "us-east-1", now: referenceDate)
        skeleton.setupLines = ConfigSkeleton.setupLines(for: configuration)
        skeleton.unreadable = ["gone (444444444444) could not be read in us-east-1: AccessDenied"]
        let yaml = skeleton.yaml()
        let written = try parse(yaml)
        #expect(written.jobs.map(\.name) == ["etl (prod us-east-1)", "etl (staging us-east-1)", "billing"])
        #expect(written.jobs.map(\.accounts) == [["prod"], ["staging"], ["staging"]])
        #expect(written.jobs.map(\.regions) == [["us-east-1"], ["us-east-1"], ["eu-west-1"]])
        #expect(written.accounts.map(\.name) == ["prod", "staging"])
        #expect(written.accounts.map(\.roleArn) == [nil, "arn:aws:iam::222222222222:role/custom"])
        #expect(written.regions == ["us-east-1", "eu-west-1"])
        #expect(!yaml.contains("secret-1"))
        #expect(yaml.contains("# - gone (444444444444) could not be read in us-east-1: AccessDenied"))
        #expect(skeleton.table().hasPrefix("WHERE"))
    }

    @Test func tableHasARowPerScheduleAndPerUnscheduledMachine() throws {
        let skeleton = ConfigSkeleton(
            machines: try sampleMachines(), timeZone: tokyo, region: "us-east-1", now: referenceDate)
        let lines = skeleton.table().split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + 1 + 2 + 2 + 1 + 1)
        #expect(lines[0].hasPrefix("STATE MACHINE"))
        let reportLine = try #require(lines.first { $0.contains("schedule default/report-ny") })
        #expect(reportLine.contains("America/New_York"))
        #expect(reportLine.contains("15m"))
        #expect(lines.contains { $0.hasPrefix("orphan") && $0.hasSuffix("no schedule") })
        #expect(lines.contains { $0.contains("rule report-legacy") && $0.hasSuffix("DISABLED") })
    }
}

@Suite struct DriftTests {
    @Test func theSameStartsWrittenInAnotherZoneDoNotDrift() throws {
        let aws = try discovered(.rule(name: "nightly"), "cron(0 17 * * ? *)", in: utcZone)
        let drift = ScheduleDrift.compare(
            configured: try Schedule(parsing: "cron(0 2 * * ? *)"), timeZone: tokyo, discovered: [aws],
            from: referenceDate)
        #expect(drift == nil)
    }

    @Test func anotherHourDrifts() throws {
        let aws = try discovered(.rule(name: "nightly"), "cron(0 18 * * ? *)", in: utcZone)
        let drift = try #require(
            ScheduleDrift.compare(
                configured: try Schedule(parsing: "cron(0 2 * * ? *)"), timeZone: tokyo, discovered: [aws],
                from: referenceDate))
        #expect(drift.onlyConfigured.count == 14)
        #expect(drift.onlyInAWS.count == 14)
        #expect(drift.onlyConfigured.first == utc("2026-11-20T17:00:00"))
        #expect(drift.onlyInAWS.first == utc("2026-11-20T18:00:00"))
        #expect(
            drift.summary(in: tokyo)
                == "the configuration expects 14 starts that AWS does not make (first 2026-11-21 02:00 +09:00); "
                + "AWS makes 14 starts that the configuration does not expect (first 2026-11-21 03:00 +09:00)")
    }

    @Test func severalSchedulesAreComparedTogetherAndDisabledOnesCountForNothing() throws {
        let weekdays = try discovered(.rule(name: "weekdays"), "cron(0 2 ? * MON-FRI *)", in: tokyo)
        let weekends = try discovered(
            .schedule(group: "default", name: "weekends"), "cron(0 2 ? * SAT,SUN *)", in: tokyo)
        let configured = try Schedule(parsing: "cron(0 2 * * ? *)")
        #expect(
            ScheduleDrift.compare(
                configured: configured, timeZone: tokyo, discovered: [weekdays, weekends], from: referenceDate)
                == nil)

        var disabled = weekends
        disabled.state = .disabled
        let drift = try #require(
            ScheduleDrift.compare(
                configured: configured, timeZone: tokyo, discovered: [weekdays, disabled], from: referenceDate))
        #expect(drift.onlyConfigured.count == 4)
        #expect(drift.onlyInAWS.isEmpty)
    }
}
