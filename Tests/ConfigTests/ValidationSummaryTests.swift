import Foundation
import Testing

@testable import BatchwatchConfig

@Suite struct ValidationSummaryTests {
    /// Saturday 2026-11-21 21:00 in Tokyo.
    static let now = ISO8601DateFormatter().date(from: "2026-11-21T12:00:00Z")!

    @Test func rendersJobsWithTheirNextStartsAndMaskedTargets() throws {
        let config = try Fixtures.parse(
            """
            timezone: Asia/Tokyo
            jobs:
              - name: nightly-etl
                state_machine: nightly-etl
                schedule: "cron(0 2 * * ? *)"
                start_within: 30m
                max_duration: 2h
              - name: hourly-utc
                state_machine: arn:aws:states:us-east-1:012345678901:stateMachine:hourly
                schedule: "5 * * * *"
                timezone: UTC
              - name: weekly-report
                state_machine: weekly-report
                schedule: auto
            ignore:
              - job: "sandbox-*"
                error: States.Timeout
            notify:
              heartbeat_url: https://hc-ping.com/1234abcd-5678
              slack:
                token: xoxb-1234-secret
                channel: "#batch-alerts"
              sns:
                topic_arn: arn:aws:sns:ap-northeast-1:123456789012:batch-alerts
            """)
        let expected = """
            test.yml: timezone Asia/Tokyo, region from AWS_REGION, AWS_DEFAULT_REGION or the profile, 3 jobs
              include_unscheduled: true  concurrency: 8  metrics: auto  state_dir: (default)

            Accounts and Regions
              regions   (the default Region)
              the credentials' own account

            Jobs
              nightly-etl
                state machine  nightly-etl
                schedule       cron(0 2 * * ? *)
                start within   30m
                max duration   2h
                next starts    2026-11-22 02:00 (Asia/Tokyo)
                               2026-11-23 02:00 (Asia/Tokyo)
                               2026-11-24 02:00 (Asia/Tokyo)
              hourly-utc
                state machine  arn:aws:states:us-east-1:012345678901:stateMachine:hourly
                schedule       5 * * * *
                timezone       UTC
                start within   15m
                max duration   none
                next starts    2026-11-21 12:05 (UTC)
                               2026-11-21 13:05 (UTC)
                               2026-11-21 14:05 (UTC)
              weekly-report
                state machine  weekly-report
                schedule       auto (read from EventBridge rules and Scheduler schedules at check time)
                start within   15m
                max duration   none

            Alarms
              (none)

            Ignore
              job=sandbox-* error=States.Timeout

            Notify (when: problems)
              slack      #batch-alerts with token xoxb-…
              sns        arn:aws:sns:ap-northeast-1:123456789012:batch-alerts (text)
              heartbeat  https://hc-ping.com/12…

            Warnings
              ignore rule for sandbox-*: job 'sandbox-*' matches no job and no state machine named in this file (it can still match an unscheduled machine or an alarm)

            """
        #expect(ValidationSummary.render(config, now: Self.now) == expected)
    }

    @Test func rendersTheExampleFileWithoutItsSecret() throws {
        let config = try ConfigurationLoader.load(
            path: Fixtures.examplePath,
            environment: ["SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0AAAA/B0BBBB/secretpart"])
        let summary = ValidationSummary.render(config, now: Self.now)
        #expect(summary.hasPrefix("\(Fixtures.examplePath): timezone Asia/Tokyo, region ap-northeast-1, 5 jobs\n"))
        #expect(
            summary.contains(
                """
                    next starts    2026-11-30 06:30 (Asia/Tokyo)
                                   2026-12-31 06:30 (Asia/Tokyo)
                                   2027-01-29 06:30 (Asia/Tokyo)
                """))
        #expect(summary.contains("  slack      webhook https://hooks.slack.com/services/T0…/…\n"))
        #expect(summary.contains("  names     etl-errors\n  prefixes  batch-\n"))
        #expect(!summary.contains("secretpart"))
    }

    @Test func saysWhenAScheduleHasNoFutureStart() throws {
        let config = try Fixtures.parse("jobs:\n  - state_machine: once\n    schedule: \"cron(0 0 1 1 ? 2020)\"\n")
        #expect(
            ValidationSummary.render(config, now: Self.now).contains(
                "    next starts    none (the schedule has no start after 2026-11-21 12:00 (UTC))\n"))
    }

    @Test(arguments: ["cron(0 2 31 2 ? *)", "0 2 30 2 *", "cron(0 2 * * ? 1970)"])
    func aScheduleThatNeverFiresIsAWarningNamingTheJob(expression: String) throws {
        let config = try Fixtures.parse(
            """
            jobs:
              - name: never
                state_machine: never
                schedule: "\(expression)"
              - name: leap-day
                state_machine: leap-day
                schedule: "0 2 29 2 *"
            """)
        let warning =
            "job never: schedule \(expression) never fires after 2026-11-21 12:00 (UTC), "
            + "so the job is never expected to run"
        #expect(ValidationSummary.warnings(config, now: Self.now) == [warning])
        #expect(ValidationSummary.render(config, now: Self.now).hasSuffix("\nWarnings\n  \(warning)\n"))
    }
}

/// Issue 17: `validate` shows the accounts and Regions it will check and the roles it assumes,
/// never an external id; accounts and jobs placed where nothing is checked are configuration errors.
@Suite struct ManyAccountsConfigTests {
    static let yaml = """
        region: ap-northeast-1
        regions: [ap-northeast-1, us-east-1]
        role_name: batchwatch-reader
        accounts:
          - {name: prod, id: "111111111111", external_id: very-secret-ext}
          - {name: staging, id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/custom"}
        jobs:
          - {name: etl, state_machine: etl, schedule: "cron(0 2 * * ? *)", accounts: [prod], regions: [us-east-1]}
        """

    @Test func validateShowsAccountsRegionsAndRolesButNoExternalId() throws {
        let config = try ConfigurationLoader.parse(yaml: Self.yaml, file: "c.yml", environment: [:])
        #expect(config.accounts.map(\.name) == ["prod", "staging"])
        #expect(config.jobs[0].accounts == ["prod"] && config.jobs[0].regions == ["us-east-1"])
        let text = ValidationSummary.render(config, now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(text.contains("regions   ap-northeast-1, us-east-1"))
        #expect(
            text.contains(
                "prod  111111111111  assumes arn:aws:iam::111111111111:role/batchwatch-reader (with an external id)"))
        #expect(text.contains("staging  222222222222  assumes arn:aws:iam::222222222222:role/custom"))
        #expect(!text.contains("very-secret-ext"))
    }

    @Test func unknownAccountsRegionsAndBothSourcesAreErrors() {
        func error(_ yaml: String) -> String {
            do {
                _ = try ConfigurationLoader.parse(yaml: yaml, file: "c.yml", environment: [:])
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(
            error(Self.yaml.replacingOccurrences(of: "accounts: [prod]", with: "accounts: [qa]")).contains(
                "'qa' is not a configured account"))
        #expect(
            error(Self.yaml.replacingOccurrences(of: "regions: [us-east-1]", with: "regions: [eu-west-1]")).contains(
                "'eu-west-1' is not a checked Region"))
        #expect(error(Self.yaml + "\norganization: {role_name: r}").contains("either accounts or organization"))
        #expect(
            error(Self.yaml.replacingOccurrences(of: "role_name: batchwatch-reader", with: "")).contains(
                "needs role_arn"))
        #expect(error(Self.yaml.replacingOccurrences(of: "\"111111111111\"", with: "111")).contains("12-digit"))
    }
}
