import Foundation
import Schedules
import Testing

@testable import BatchwatchConfig

/// Each kind of mistake gives exactly `file:line: keyPath: message`.
@Suite struct ConfigurationErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        let expected: String
        var testDescription: String { name }
    }

    static let job = "jobs:\n  - name: nightly\n    state_machine: nightly\n    schedule: rate(1 day)\n"

    static let cases: [Case] = [
        Case(
            name: "unknown job key with a suggestion",
            yaml: "jobs:\n  - name: a\n    stat_machine: a\n    schedule: rate(1 day)\n",
            expected: "test.yml:3: jobs[0].stat_machine: unknown key 'stat_machine' (did you mean 'state_machine'?)"),
        Case(
            name: "unknown top-level key with a suggestion",
            yaml: "timezon: UTC\n",
            expected: "test.yml:1: timezon: unknown key 'timezon' (did you mean 'timezone'?)"),
        Case(
            name: "unknown language",
            yaml: "timezone: Asia/Tokyo\nlanguage: fr\n",
            expected: "test.yml:2: language: expected en or ja, found 'fr'"),
        Case(
            name: "unknown key without a close match",
            yaml: "alarms:\n  colour: red\n",
            expected: "test.yml:2: alarms.colour: unknown key 'colour'; expected one of: names, prefixes"),
        Case(
            name: "list expected",
            yaml: "jobs: nightly\n",
            expected: "test.yml:1: jobs: expected a list, found a string"),
        Case(
            name: "mapping expected",
            yaml: "notify:\n  slack: https://hooks.slack.com/services/T0AAAA/B0BBBB/secretpart\n",
            expected:
                "test.yml:2: notify.slack: expected a mapping with webhook_url, or token and channel, found a string"),
        Case(
            name: "string expected",
            yaml: "region: [ap-northeast-1]\n",
            expected: "test.yml:1: region: expected a string, found a list"),
        Case(
            name: "whole number expected",
            yaml: "concurrency: eight\n",
            expected: "test.yml:1: concurrency: expected a whole number, found 'eight'"),
        Case(
            name: "octal-looking number refused",
            yaml: "concurrency: 010\n",
            expected: "test.yml:1: concurrency: expected a whole number, found '010'"),
        Case(
            name: "concurrency out of range",
            yaml: "concurrency: 65\n",
            expected: "test.yml:1: concurrency: must be between 1 and 64, found 65"),
        Case(
            name: "YAML 1.1 boolean refused",
            yaml: "include_unscheduled: yes\n",
            expected: "test.yml:1: include_unscheduled: expected true or false, found 'yes'"),
        Case(
            name: "bad enumeration value",
            yaml: "metrics: false\n",
            expected: "test.yml:1: metrics: expected auto or off, found 'false'"),
        Case(
            name: "empty value",
            yaml: "timezone:\n",
            expected: "test.yml:1: timezone: expected a string, found no value"),
        Case(
            name: "duration without a unit",
            yaml: job + "    start_within: 15\n",
            expected: "test.yml:5: jobs[0].start_within: '15' has no unit; write one like 90s, 30m, 2h or 1h30m"),
        Case(
            name: "base-60 time is not a duration",
            yaml: job + "    max_duration: 1:30\n",
            expected: "test.yml:5: jobs[0].max_duration: '1:30' is not a duration; write one like 90s, 30m, 2h or 1h30m"
        ),
        Case(
            name: "units out of order",
            yaml: job + "    max_duration: 30m1h\n",
            expected:
                "test.yml:5: jobs[0].max_duration: '30m1h' is not a duration; write one like 90s, 30m, 2h or 1h30m"),
        Case(
            name: "negative duration",
            yaml: job + "    start_within: -5m\n",
            expected: "test.yml:5: jobs[0].start_within: a duration cannot be negative, found '-5m'"),
        Case(
            name: "zero duration",
            yaml: job + "    max_duration: 0m\n",
            expected: "test.yml:5: jobs[0].max_duration: must be longer than zero, found '0m'"),
        Case(
            name: "unknown timezone with a suggestion",
            yaml: "timezone: tokyo\n",
            expected: "test.yml:1: timezone: unknown timezone 'tokyo' (did you mean 'Asia/Tokyo'?)"),
        Case(
            name: "abbreviation that is not a zoneinfo name",
            yaml: job + "    timezone: JST\n",
            expected: "test.yml:5: jobs[0].timezone: unknown timezone 'JST'; use an IANA name like Asia/Tokyo or UTC"),
        Case(
            name: "unset environment variable",
            yaml: "notify:\n  slack:\n    webhook_url: ${SLACK_WEBHOOK_URL}\n",
            expected: "test.yml:3: notify.slack.webhook_url: environment variable SLACK_WEBHOOK_URL is not set"),
        Case(
            name: "unterminated ${",
            yaml: "state_dir: /var/${HOME\n",
            expected: "test.yml:1: state_dir: '${' has no closing '}' (write $${ for a literal ${)"),
        Case(
            name: "duplicate job name",
            yaml: job + "  - name: nightly\n    state_machine: other\n    schedule: auto\n",
            expected: "test.yml:5: jobs[1].name: duplicate job name 'nightly' (first used at line 2)"),
        Case(
            name: "duplicate default job name",
            yaml: job + "  - state_machine: nightly\n    schedule: auto\n",
            expected: "test.yml:5: jobs[1]: duplicate job name 'nightly' (first used at line 2)"),
        Case(
            name: "missing schedule",
            yaml: "jobs:\n  - name: a\n    state_machine: a\n",
            expected: "test.yml:2: jobs[0]: missing required key 'schedule'"),
        Case(
            name: "malformed state machine ARN",
            yaml: "jobs:\n  - state_machine: arn:aws:states:ap-northeast-1:1234:stateMachine:x\n    schedule: auto\n",
            expected:
                "test.yml:2: jobs[0].state_machine: 'arn:aws:states:ap-northeast-1:1234:stateMachine:x' is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)"
        ),
        Case(
            name: "state machine name with a space",
            yaml: "jobs:\n  - state_machine: nightly etl\n    schedule: auto\n",
            expected:
                "test.yml:2: jobs[0].state_machine: 'nightly etl' is not a state machine name (at most 80 characters, no spaces or :/*?\"#%\\^|~`$&,;<>{}[])"
        ),
        Case(
            name: "malformed SNS topic ARN",
            yaml: "notify:\n  sns:\n    topic_arn: arn:aws:sqs:ap-northeast-1:123456789012:q\n",
            expected:
                "test.yml:3: notify.sns.topic_arn: 'arn:aws:sqs:ap-northeast-1:123456789012:q' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)"
        ),
        Case(
            name: "bad region",
            yaml: "region: tokyo\n",
            expected: "test.yml:1: region: 'tokyo' is not an AWS region name like ap-northeast-1"),
        Case(
            name: "slack with both webhook and token",
            yaml: "notify:\n  slack:\n    webhook_url: https://hooks.slack.com/services/a/b/c\n    token: xoxb-1\n",
            expected: "test.yml:3: notify.slack: give either webhook_url, or token and channel, not both"),
        Case(
            name: "slack token without a channel",
            yaml: "notify:\n  slack:\n    token: xoxb-1\n",
            expected: "test.yml:3: notify.slack: missing required key 'channel' (a bot token posts to a channel)"),
        Case(
            name: "slack channel written as a comment",
            yaml: "notify:\n  slack:\n    token: xoxb-1\n    channel: #alerts\n",
            expected:
                "test.yml:4: notify.slack.channel: expected a channel, found no value (a '#' starts a YAML comment: quote it, \"#alerts\")"
        ),
        Case(
            name: "empty ignore rule",
            yaml: "ignore:\n  - {}\n",
            expected:
                "test.yml:2: ignore[0]: an ignore rule needs at least one of job, error, state, cause, kind, account, region"
        ),
        Case(
            name: "YAML syntax error",
            yaml: "jobs:\n  - name: a\n   state_machine: b\n",
            expected:
                "test.yml:3: invalid YAML: did not find expected '-' indicator (while parsing a block collection at line 2)"
        ),
        Case(
            name: "duplicate key",
            yaml: "region: ap-northeast-1\nregion: us-east-1\n",
            expected: "test.yml:1: duplicate key 'region' in one mapping"),
        Case(
            name: "top level is not a mapping",
            yaml: "- a\n- b\n",
            expected: "test.yml:1: expected a mapping of configuration keys, found a list"),
    ]

    @Test(arguments: cases) func reportsFileLineKeyPathAndMessage(_ testCase: Case) {
        #expect(Fixtures.errorText(testCase.yaml) == testCase.expected)
    }

    @Test func badScheduleUsesTheScheduleErrorAtItsLine() throws {
        let expression = "cron(0 25 * * ? *)"
        var scheduleMessage: String?
        do { _ = try Schedule(parsing: expression) } catch { scheduleMessage = error.message }
        let message = try #require(scheduleMessage, "the schedule parser accepted hour 25")
        let yaml = "timezone: UTC\njobs:\n  - name: a\n    state_machine: a\n    schedule: \"\(expression)\"\n"
        #expect(Fixtures.errorText(yaml) == "test.yml:5: jobs[0].schedule: \(message)")
    }

    @Test func errorStructureCarriesItsParts() throws {
        do {
            _ = try Fixtures.parse(
                "jobs:\n  - name: a\n    state_machine: a\n    schedule: auto\n    max_duration: 2\n")
            Issue.record("a bare number was accepted as a duration")
        } catch {
            #expect(error.file == "test.yml")
            #expect(error.line == 5)
            #expect(error.keyPath == "jobs[0].max_duration")
            #expect(error.message == "'2' has no unit; write one like 90s, 30m, 2h or 1h30m")
        }
    }

    @Test func descriptionLeavesOutUnknownParts() {
        #expect(ConfigurationError(file: "a.yml", line: nil, keyPath: nil, message: "m").description == "a.yml: m")
        #expect(ConfigurationError(file: "a.yml", line: 3, keyPath: nil, message: "m").description == "a.yml:3: m")
        #expect(
            ConfigurationError(file: "a.yml", line: 3, keyPath: "jobs[0]", message: "m").description
                == "a.yml:3: jobs[0]: m")
    }
}
