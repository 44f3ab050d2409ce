import Foundation
import Schedules
import Testing

@testable import BatchwatchConfig

@Suite struct ConfigurationLoaderTests {
    static let fullYAML = """
        timezone: Asia/Tokyo
        region: ap-northeast-1
        include_unscheduled: false
        concurrency: 12
        metrics: off
        state_dir: /var/lib/batchwatch
        language: ja
        jobs:
          - name: nightly-etl
            state_machine: nightly-etl
            schedule: "cron(0 2 * * ? *)"
            timezone: UTC
            start_within: 30m
            max_duration: 1h30m15s
          - state_machine: arn:aws:states:ap-northeast-1:012345678901:stateMachine:weekly-report
            schedule: auto
        alarms:
          names: [etl-errors]
          prefixes: [batch-, etl-]
        ignore:
          - job: "sandbox-*"
            error: States.Timeout
          - state: Load?
            cause: "*throttl*"
        notify:
          when: always
          heartbeat_url: https://hc-ping.com/1234abcd
          slack:
            token: ${SLACK_BOT_TOKEN}
            channel: "#batch-alerts"
          sns:
            topic_arn: arn:aws:sns:ap-northeast-1:123456789012:batch-alerts
            format: chatbot
        """

    @Test func readsEveryKey() throws {
        let config = try Fixtures.parse(Self.fullYAML, environment: ["SLACK_BOT_TOKEN": "xoxb-1-secret"])
        #expect(config.file == "test.yml")
        #expect(config.timeZone.identifier == "Asia/Tokyo")
        #expect(config.region == "ap-northeast-1")
        #expect(config.includeUnscheduled == false)
        #expect(config.concurrency == 12)
        #expect(config.metrics == .off)
        #expect(config.language == .ja)
        #expect(config.stateDirectoryOverride == "/var/lib/batchwatch")
        #expect(config.jobs.count == 2)

        let nightly = config.jobs[0]
        #expect(nightly.name == "nightly-etl")
        #expect(nightly.stateMachine == .name("nightly-etl"))
        #expect(nightly.schedule == .expression(try Schedule(parsing: "cron(0 2 * * ? *)")))
        #expect(nightly.timeZone == TimeZone(identifier: "UTC"))
        #expect(nightly.timeZone.map(BatchwatchConfiguration.displayName(of:)) == "UTC")
        #expect(nightly.startWithin == 1800)
        #expect(nightly.maxDuration == 5415)
        #expect(config.timeZone(for: nightly) == TimeZone(identifier: "UTC"))

        let weekly = config.jobs[1]
        #expect(weekly.name == "weekly-report")
        #expect(weekly.stateMachine == .arn("arn:aws:states:ap-northeast-1:012345678901:stateMachine:weekly-report"))
        #expect(weekly.stateMachine.name == "weekly-report")
        #expect(weekly.stateMachine.region == "ap-northeast-1")
        #expect(weekly.schedule == .auto)
        #expect(weekly.timeZone == nil)
        #expect(weekly.startWithin == 900)
        #expect(weekly.maxDuration == nil)
        #expect(config.timeZone(for: weekly).identifier == "Asia/Tokyo")

        #expect(config.alarms == .init(names: ["etl-errors"], prefixes: ["batch-", "etl-"]))
        #expect(
            config.ignore == [
                IgnoreRule(job: "sandbox-*", error: "States.Timeout"),
                IgnoreRule(state: "Load?", cause: "*throttl*"),
            ])
        #expect(config.notify.when == .always)
        #expect(config.notify.heartbeatURL?.revealed == "https://hc-ping.com/1234abcd")
        #expect(config.notify.slack == .bot(token: Secret("xoxb-1-secret"), channel: "#batch-alerts"))
        #expect(
            config.notify.sns
                == SNSTarget(
                    topicArn: "arn:aws:sns:ap-northeast-1:123456789012:batch-alerts", format: .chatbot))
        #expect(config.notify.sns?.region == "ap-northeast-1")
    }

    @Test func appliesDefaults() throws {
        let config = try Fixtures.parse(
            """
            jobs:
              - state_machine: nightly-etl
                schedule: rate(1 day)
            """)
        #expect(config.timeZone == TimeZone(identifier: "UTC"))
        #expect(BatchwatchConfiguration.displayName(of: config.timeZone) == "UTC")
        #expect(config.region == nil)
        #expect(config.includeUnscheduled == true)
        #expect(config.concurrency == 8)
        #expect(config.metrics == .auto)
        #expect(config.language == .en)
        #expect(config.stateDirectoryOverride == nil)
        #expect(
            config.jobs == [
                .init(
                    name: "nightly-etl", stateMachine: .name("nightly-etl"),
                    schedule: .expression(try Schedule(parsing: "rate(1 day)")))
            ])
        #expect(config.alarms.isEmpty)
        #expect(config.ignore.isEmpty)
        #expect(config.notify == NotifySettings(when: .problems))
    }

    @Test func readsSlackWebhookFromTheEnvironment() throws {
        let url = "https://hooks.slack.com/services/T0AAAA/B0BBBB/secretpart"
        let config = try Fixtures.parse(
            """
            notify:
              slack:
                webhook_url: ${SLACK_WEBHOOK_URL}
            """, environment: ["SLACK_WEBHOOK_URL": url])
        #expect(config.notify.slack == .webhook(Secret(url)))
    }

    @Test func stateDirectoryFallsBackToXDGThenHome() throws {
        let config = try Fixtures.parse("concurrency: 1")
        #expect(config.stateDirectory(environment: ["XDG_STATE_HOME": "/x", "HOME": "/home/a"]) == "/x/batchwatch")
        #expect(config.stateDirectory(environment: ["HOME": "/home/a"]) == "/home/a/.local/state/batchwatch")
        #expect(config.stateDirectory(environment: [:]) == nil)
        let tilde = try Fixtures.parse("state_dir: ~/state", environment: ["HOME": "/home/a"])
        #expect(tilde.stateDirectory(environment: ["XDG_STATE_HOME": "/x"]) == "/home/a/state")
    }

    @Test func loadsTheExampleFile() throws {
        let config = try ConfigurationLoader.load(
            path: Fixtures.examplePath,
            environment: ["SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/XXXX"])
        #expect(config.timeZone.identifier == "Asia/Tokyo")
        #expect(config.region == "ap-northeast-1")
        #expect(
            config.jobs.map(\.name) == [
                "nightly-etl", "month-end-close", "order-sync", "inventory-refresh", "weekly-report",
            ])
        #expect(config.jobs[1].stateMachine.name == "month-end-close")
        #expect(config.jobs[4].schedule == .auto)
        #expect(config.notify.sns?.format == .text)
    }

    @Test func exampleFileNamesTheUnsetWebhookVariable() {
        do {
            _ = try ConfigurationLoader.load(path: Fixtures.examplePath, environment: [:])
            Issue.record("the example loaded without SLACK_WEBHOOK_URL")
        } catch {
            #expect(error.keyPath == "notify.slack.webhook_url")
            #expect(error.message == "environment variable SLACK_WEBHOOK_URL is not set")
        }
    }

    @Test func loadReportsUnreadableFilesWithoutALine() throws {
        let missing = "/nonexistent/batchwatch-\(UUID().uuidString).yml"
        #expect(
            throws: ConfigurationError(
                file: missing, line: nil, keyPath: nil,
                message: "no such file (name one with --config or BATCHWATCH_CONFIG)")
        ) {
            try ConfigurationLoader.load(path: missing, environment: [:])
        }
        let directory = FileManager.default.temporaryDirectory.path
        do {
            _ = try ConfigurationLoader.load(path: directory, environment: [:])
            Issue.record("a directory was accepted")
        } catch {
            #expect(error.description == "\(directory): is a directory, not a configuration file")
        }
    }

    @Test func emptyDocumentIsAnError() {
        #expect(Fixtures.errorText("# nothing here\n") == "test.yml: the configuration is empty")
    }
}
