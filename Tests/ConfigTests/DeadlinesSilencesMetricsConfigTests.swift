import Foundation
import Testing

@testable import BatchwatchConfig

/// Issue 18: `finish_by`, ignore rules that expire (`until`, `reason`, `kind`, `account`,
/// `region`) and `notify.metrics`, as the configuration reads them and `validate` warns about them.
@Suite struct DeadlinesSilencesMetricsConfigTests {
    static let job = "jobs:\n  - name: nightly\n    state_machine: nightly\n    schedule: cron(0 2 * * ? *)\n"

    static func instant(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    // MARK: finish_by

    @Test func finishByIsReadAsATimeOfDay() throws {
        let config = try Fixtures.parse(Self.job + "    finish_by: \"07:00\"\n")
        #expect(config.jobs[0].finishBy == TimeOfDay(hour: 7, minute: 0))
        // Unquoted, YAML 1.1 would read 7:30 as base-60 (450); the text is taken as written.
        let unquoted = try Fixtures.parse(Self.job + "    finish_by: 7:30\n")
        #expect(unquoted.jobs[0].finishBy?.description == "07:30")
    }

    @Test(arguments: ["24:00", "7", "07:60", "7am", "07:00:00", "-1:00"])
    func badFinishByNamesFileLineAndKeyPath(_ value: String) {
        #expect(
            Fixtures.errorText(Self.job + "    finish_by: \"\(value)\"\n")
                == "test.yml:5: jobs[0].finish_by: expected a time of day HH:MM like \"07:00\" (00:00 to 23:59), found '\(value)'"
        )
    }

    @Test func deadlineIsTheFirstSuchTimeAtOrAfterTheStart() {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let seven = TimeOfDay(hour: 7, minute: 0)!
        #expect(
            seven.firstInstant(atOrAfter: Self.instant("2026-11-20T02:00:00+09:00"), in: tokyo)
                == Self.instant("2026-11-20T07:00:00+09:00"))
        #expect(
            seven.firstInstant(atOrAfter: Self.instant("2026-11-20T07:00:00+09:00"), in: tokyo)
                == Self.instant("2026-11-20T07:00:00+09:00"))
        // A 23:00 start: the next morning.
        let two = TimeOfDay(hour: 2, minute: 0)!
        #expect(
            two.firstInstant(atOrAfter: Self.instant("2026-11-19T23:00:00+09:00"), in: tokyo)
                == Self.instant("2026-11-20T02:00:00+09:00"))
    }

    @Test func deadlineInASkippedHourMovesToTheFirstInstantAfterTheGap() {
        let newYork = TimeZone(identifier: "America/New_York")!
        let halfPastTwo = TimeOfDay(hour: 2, minute: 30)!
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist; 03:00 EDT is 07:00Z.
        #expect(
            halfPastTwo.firstInstant(atOrAfter: Self.instant("2026-03-08T00:00:00-05:00"), in: newYork)
                == Self.instant("2026-03-08T03:00:00-04:00"))
        // 2026-11-01: 01:30 happens twice; the deadline is its first instant (EDT).
        let halfPastOne = TimeOfDay(hour: 1, minute: 30)!
        #expect(
            halfPastOne.firstInstant(atOrAfter: Self.instant("2026-11-01T00:00:00-04:00"), in: newYork)
                == Self.instant("2026-11-01T01:30:00-04:00"))
    }

    // MARK: ignore

    @Test func ignoreRulesReadUntilReasonKindAccountAndRegion() throws {
        let config = try Fixtures.parse(
            """
            timezone: Asia/Tokyo
            ignore:
              - job: billing-sync
                kind: late
                account: "123456789012"
                region: ap-northeast-1
                until: 2026-12-31
                reason: vendor API migration
              - error: States.Timeout
                until: "2026-11-20T18:00:00+09:00"

            """)
        let rule = config.ignore[0]
        #expect(rule.kind == "late" && rule.account == "123456789012" && rule.region == "ap-northeast-1")
        #expect(rule.reason == "vendor API migration")
        // Through the end of 2026-12-31 in Tokyo.
        #expect(rule.until?.instant == Self.instant("2027-01-01T00:00:00+09:00"))
        #expect(!rule.isExpired(at: Self.instant("2026-12-31T23:59:59+09:00")))
        #expect(rule.isExpired(at: Self.instant("2027-01-01T00:00:00+09:00")))
        #expect(rule.expiryNote == "ignore rule for billing-sync (vendor API migration) expired on 2026-12-31")
        #expect(config.ignore[1].until?.instant == Self.instant("2026-11-20T09:00:00Z"))
        #expect(
            config.ignore[1].expiryNote == "ignore rule for error States.Timeout expired at 2026-11-20T18:00:00+09:00")
    }

    @Test func kindAccountAndRegionMustAllMatch() {
        let rule = IgnoreRule(job: "etl", kind: "late", account: "1234*", region: "ap-*")
        #expect(
            rule.matches(
                job: "etl", error: nil, state: nil, cause: nil, kind: "late", account: "123456789012",
                region: "ap-northeast-1"))
        #expect(
            !rule.matches(
                job: "etl", error: nil, state: nil, cause: nil, kind: "failed", account: "123456789012",
                region: "ap-northeast-1"))
        #expect(
            !rule.matches(
                job: "etl", error: nil, state: nil, cause: nil, kind: "late", account: "999999999999",
                region: "ap-northeast-1"))
        #expect(
            !rule.matches(
                job: "etl", error: nil, state: nil, cause: nil, kind: "late", account: "123456789012",
                region: "us-east-1"))
        // An account that is not known never matches a rule that names one.
        #expect(
            !rule.matches(
                job: "etl", error: nil, state: nil, cause: nil, kind: "late", account: nil, region: "ap-northeast-1"))
    }

    @Test(arguments: [
        ("2026-13-01", "test.yml:3: ignore[0].until: '2026-13-01' is not a date in the calendar"),
        ("2026-02-30", "test.yml:3: ignore[0].until: '2026-02-30' is not a date in the calendar"),
        (
            "next friday",
            "test.yml:3: ignore[0].until: expected a date YYYY-MM-DD or an ISO 8601 instant with offset (2026-12-31T18:00:00+09:00), found 'next friday'"
        ),
        (
            "2026-12-31T18:00:00",
            "test.yml:3: ignore[0].until: expected a date YYYY-MM-DD or an ISO 8601 instant with offset (2026-12-31T18:00:00+09:00), found '2026-12-31T18:00:00'"
        ),
    ])
    func badUntilNamesFileLineAndKeyPath(_ value: String, _ expected: String) {
        #expect(Fixtures.errorText("ignore:\n  - job: a\n    until: \"\(value)\"\n") == expected)
    }

    @Test func aKindThatNoFindingHasIsAnError() {
        #expect(
            Fixtures.errorText("ignore:\n  - kind: lates\n")
                == "test.yml:2: ignore[0].kind: 'lates' matches no finding kind (failed, timed_out, aborted, missing, late, running_long, deadline_missed, alarm, check_error)"
        )
        #expect(
            Fixtures.errorText("ignore:\n  - reason: just because\n")?.contains("an ignore rule needs at least one of")
                == true)
    }

    @Test func validateWarnsAboutExpiredRulesAndJobGlobsThatMatchNothing() throws {
        let config = try Fixtures.parse(
            Self.job + """
                ignore:
                  - job: nightly
                    until: 2026-01-31
                    reason: old outage
                  - job: "nightly*"
                  - job: sandbox-*
                    reason: never configured
                  - error: States.Timeout

                """)
        let warnings = ValidationSummary.warnings(config, now: Self.instant("2026-11-20T00:00:00Z"))
        #expect(
            warnings == [
                "ignore rule for nightly (old outage) expired on 2026-01-31, so it hides nothing (remove it, or move its until)",
                "ignore rule for sandbox-* (never configured): job 'sandbox-*' matches no job and no state machine named in this file "
                    + "(it can still match an unscheduled machine or an alarm)",
            ])
        let summary = ValidationSummary.render(config, now: Self.instant("2026-11-20T00:00:00Z"))
        #expect(summary.contains("job=nightly until=2026-01-31 reason=old outage"))
    }

    // MARK: notify.metrics

    @Test func notifyMetricsReadsANamespaceAndTheConfigDimension() throws {
        let config = try Fixtures.parse("notify:\n  metrics: {namespace: Batchwatch}\n")
        #expect(config.notify.metrics == MetricsTarget(namespace: "Batchwatch"))
        #expect(config.notify.metrics?.configDimension(file: "/etc/batchwatch/config.yml") == "config")
        let named = try Fixtures.parse("notify:\n  metrics: {namespace: Batchwatch, config_name: prod}\n")
        #expect(named.notify.metrics?.configDimension(file: "/etc/batchwatch/config.yml") == "prod")
        #expect(
            Fixtures.errorText("notify:\n  metrics: {namespace: AWS/States}\n")
                == "test.yml:2: notify.metrics.namespace: 'AWS/States' is not a CloudWatch namespace (1 to 255 of A-Z a-z 0-9 . - _ / # :, not starting with AWS/)"
        )
        #expect(
            Fixtures.errorText("notify:\n  metrics: {}\n")
                == "test.yml:2: notify.metrics: missing required key 'namespace'")
    }
}
