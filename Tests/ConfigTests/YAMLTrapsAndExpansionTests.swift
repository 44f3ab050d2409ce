import Foundation
import Testing

@testable import BatchwatchConfig

/// YAML 1.1's implicit types must not change strings, and `${VAR}` reads the environment.
@Suite struct YAMLTrapsAndExpansionTests {
    @Test func yamlOneOneScalarsStayStringsAsWritten() throws {
        let config = try Fixtures.parse(
            """
            metrics: off
            jobs:
              - name: no
                state_machine: on
                schedule: auto
              - name: 1:30
                state_machine: arn:aws:states:ap-northeast-1:012345678901:stateMachine:yes
                schedule: auto
              - name: 0123456789012
                state_machine: 0777
                schedule: auto
            alarms:
              names: [off, Yes, 1e3, 0x1F, ~tilde]
            ignore:
              - error: null-pointer
                state: NO
            notify:
              sns:
                topic_arn: arn:aws:sns:ap-northeast-1:000000000001:alerts
            """)
        #expect(config.metrics == .off)
        #expect(config.jobs.map(\.name) == ["no", "1:30", "0123456789012"])
        #expect(config.jobs[0].stateMachine == .name("on"))
        #expect(config.jobs[1].stateMachine == .arn("arn:aws:states:ap-northeast-1:012345678901:stateMachine:yes"))
        #expect(config.jobs[1].stateMachine.name == "yes")
        #expect(config.jobs[2].stateMachine == .name("0777"))
        #expect(config.alarms.names == ["off", "Yes", "1e3", "0x1F", "~tilde"])
        #expect(config.ignore == [IgnoreRule(error: "null-pointer", state: "NO")])
        #expect(config.notify.sns?.topicArn == "arn:aws:sns:ap-northeast-1:000000000001:alerts")
    }

    @Test func baseSixtyTimeIsRefusedAsADuration() {
        let yaml = "jobs:\n  - name: 1:30\n    state_machine: a\n    schedule: auto\n    start_within: 1:30\n"
        #expect(
            Fixtures.errorText(yaml)
                == "test.yml:5: jobs[0].start_within: '1:30' is not a duration; write one like 90s, 30m, 2h or 1h30m")
    }

    @Test func expandsVariablesInEveryStringValue() throws {
        let config = try Fixtures.parse(
            """
            timezone: ${TZ_NAME}
            region: ${AWS_REGION}
            state_dir: ${BASE}/state-${ENV}
            jobs:
              - name: etl-${ENV}
                state_machine: arn:aws:states:${AWS_REGION}:${ACCOUNT}:stateMachine:etl-${ENV}
                schedule: ${SCHEDULE}
                start_within: ${GRACE}
            alarms:
              prefixes: ["${ENV}-"]
            """,
            environment: [
                "TZ_NAME": "Asia/Tokyo", "AWS_REGION": "ap-northeast-1", "BASE": "/srv", "ENV": "prod",
                "ACCOUNT": "012345678901", "SCHEDULE": "auto", "GRACE": "20m",
            ])
        #expect(config.timeZone.identifier == "Asia/Tokyo")
        #expect(config.region == "ap-northeast-1")
        #expect(config.stateDirectoryOverride == "/srv/state-prod")
        #expect(config.jobs[0].name == "etl-prod")
        #expect(config.jobs[0].stateMachine == .arn("arn:aws:states:ap-northeast-1:012345678901:stateMachine:etl-prod"))
        #expect(config.jobs[0].schedule == .auto)
        #expect(config.jobs[0].startWithin == 1200)
        #expect(config.alarms.prefixes == ["prod-"])
    }

    @Test func expansionRules() throws {
        let environment = ["A": "x", "EMPTY": ""]
        #expect(try EnvironmentExpansion.expand("${A}${A}-${EMPTY}.", environment: environment) == "xx-.")
        #expect(
            try EnvironmentExpansion.expand("$${A} costs $5 or $A", environment: environment) == "${A} costs $5 or $A")
        #expect(throws: EnvironmentExpansion.Failure.unset("B")) {
            try EnvironmentExpansion.expand("a${B}", environment: environment)
        }
        #expect(
            throws: EnvironmentExpansion.Failure.malformed("'${1A}' is not a variable name (letters, digits and _)")
        ) {
            try EnvironmentExpansion.expand("${1A}", environment: environment)
        }
    }

    @Test func unsetVariableIsNamedWithItsKeyPath() {
        let yaml = "jobs:\n  - name: a\n    state_machine: ${MACHINE}\n    schedule: auto\n"
        #expect(
            Fixtures.errorText(yaml, environment: ["MACHINES": "a"])
                == "test.yml:3: jobs[0].state_machine: environment variable MACHINE is not set")
    }
}
