import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import BatchwatchDelivery
import Foundation
import TestSupport
import Testing

/// Issue 18 against the test bed: `finish_by` deadlines, ignore rules that expire, and a run
/// publishing its own metrics.
enum DeadlineScenario {
    static let scenario = TestBed.Scenario(
        stateMachines: [
            // Started on time, succeeded after the 07:00 deadline.
            .init(
                name: "daily-report", region: Fixed.region,
                executions: [.init(start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T08:10:00"))]),
            // Succeeded before its deadline.
            .init(
                name: "on-time", region: Fixed.region,
                executions: [.init(start: jst("2026-11-20T03:00:04"), stop: jst("2026-11-20T03:40:00"))]),
            // 23:00 with finish_by 02:00: the evening before's run is still going at 02:00 of the
            // checked day; this evening's run is judged tomorrow.
            .init(
                name: "overnight", region: Fixed.region,
                executions: [
                    .init(start: jst("2026-11-19T23:00:04"), status: .running, failure: .init(state: "Aggregate")),
                    .init(start: jst("2026-11-20T23:00:03"), status: .running, failure: .init(state: "Aggregate")),
                ]),
            // Failed: reported failed, not deadline_missed.
            .init(
                name: "broken", region: Fixed.region,
                executions: [
                    .init(
                        start: jst("2026-11-20T04:00:02"), stop: jst("2026-11-20T04:30:00"), status: .failed,
                        failure: .init(state: "Load", error: "States.TaskFailed", cause: "boom"))
                ]),
            // Never ran: reported missing, not deadline_missed.
            .init(name: "absent", region: Fixed.region, executions: []),
        ])

    static let jobs = """
        jobs:
          - name: daily-report
            state_machine: daily-report
            schedule: "cron(0 2 * * ? *)"
            finish_by: "07:00"
          - name: on-time
            state_machine: on-time
            schedule: "cron(0 3 * * ? *)"
            finish_by: "07:00"
          - name: overnight
            state_machine: overnight
            schedule: "cron(0 23 * * ? *)"
            finish_by: "02:00"
          - name: broken
            state_machine: broken
            schedule: "cron(0 4 * * ? *)"
            finish_by: "07:00"
          - name: absent
            state_machine: absent
            schedule: "cron(0 5 * * ? *)"
            finish_by: "07:00"

        """
}

extension IntegrationTests {
    @Suite struct DeadlinesSilencesMetrics {
        @Test("finish_by: deadline_missed at the deadline, in the window that holds it; never beside failed or missing")
        func finishByDeadlines() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(DeadlineScenario.scenario)
            let report = try await runCheck(
                yaml: tokyoConfig(DeadlineScenario.jobs, includeUnscheduled: false), environment: environment)

            #expect(
                report.findings.map { "\($0.kind.rawValue) \($0.job)" }
                    == ["deadline_missed overnight", "failed broken", "missing absent", "deadline_missed daily-report"])
            let overnight = try #require(report.findings(.deadlineMissed).first { $0.job == "overnight" })
            #expect(overnight.at == jst("2026-11-20T02:00:00"))
            #expect(overnight.expectedAt == jst("2026-11-19T23:00:00"))
            #expect(overnight.executionArn?.contains("overnight-20261119T140004Z") == true)
            #expect(overnight.detail == "still running at the deadline (started 2026-11-19 23:00), due 02:00")
            let report07 = try #require(report.findings(.deadlineMissed).first { $0.job == "daily-report" })
            #expect(report07.at == jst("2026-11-20T07:00:00"))
            #expect(report07.expectedAt == jst("2026-11-20T02:00:00"))
            #expect(report07.detail == "succeeded at 2026-11-20 08:10, 1h10m late, due 07:00")
            #expect(Digest(report: report).text().contains("deadline missed"))

            let json = try #require(try JSONSerialization.jsonObject(with: report.jsonDocument()) as? [String: Any])
            let kinds = (json["findings"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            #expect(kinds.filter { $0 == "deadline_missed" }.count == 2)

            // Before 07:00 the daily deadline is pending.
            let early = try await runCheck(
                yaml: tokyoConfig(DeadlineScenario.jobs, includeUnscheduled: false), environment: environment,
                now: jst("2026-11-20T06:30:00"))
            #expect(early.findings(.deadlineMissed).map(\.job) == ["overnight"])
        }

        @Test(
            "ignore: until, reason, kind, account and region; an expired rule hides nothing and is noted once; digests count what was hidden"
        )
        func expiringSilences() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightScenario.scenario)
            let ignore = """
                ignore:
                  - job: nightly-etl
                    kind: failed
                    until: 2026-12-31
                    reason: vendor API migration
                  - job: export
                    until: 2026-11-20
                    reason: old outage
                  - kind: late
                    region: us-east-1
                  - kind: missing
                    account: "123456789012"
                  - kind: aborted
                    account: "999999999999"

                """
            let yaml = tokyoConfig(NightScenario.jobs + ignore)
            let report = try await runCheck(yaml: yaml, environment: environment)

            #expect(
                report.findings.map { "\($0.kind.rawValue) \($0.job)" }
                    == [
                        "alarm batch-etl-errors", "timed_out export", "running_long warehouse", "aborted cleanup",
                        "late sync",
                    ])
            #expect(report.checked.ignored == 2)
            #expect(
                report.notes.map(\.description).filter { $0.contains("expired") } == [
                    "ignore rule for export (old outage) expired on 2026-11-20"
                ])

            let text = Digest(report: report).text()
            #expect(text.contains("2 hidden by ignore rules"), "\(text)")
            #expect(text.components(separatedBy: "expired on 2026-11-20").count == 2, "noted once: \(text)")
            #expect(Digest(report: report).markdown().contains("2 hidden by ignore rules"))
            let settings = NotifySettings(sns: SNSTarget(topicArn: "arn:aws:sns:ap-northeast-1:123456789012:t"))
            #expect(
                Deliverer.payload(for: report, format: .slack, settings: settings).contains("2 hidden by ignore rules"))
            #expect(
                Deliverer.payload(for: report, format: .sns, settings: settings).contains("2 hidden by ignore rules"))
            let json = try #require(try JSONSerialization.jsonObject(with: report.jsonDocument()) as? [String: Any])
            #expect((json["checked"] as? [String: Any])?["ignored"] as? Int == 2)

            // Before its until, the export rule hides the timed-out run too.
            let before = try await runCheck(yaml: yaml, environment: environment, now: jst("2026-11-20T23:00:00"))
            #expect(before.findings(.timedOut).isEmpty)
            #expect(!before.notes.map(\.description).contains { $0.contains("expired") })
        }

        @Test(
            "notify.metrics: the run's figures read back from CloudWatch; a denied PutMetricData changes nothing else")
        func runMetricsArePublished() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(NightScenario.scenario)
            let configName = "it-\(UUID().uuidString.prefix(8))"
            let yaml = tokyoConfig(
                NightScenario.jobs + "notify:\n  metrics: {namespace: BatchwatchIT, config_name: \(configName)}\n")
            let run = try await runCheckBinary(yaml: yaml, environment: environment)
            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect((try await bed.calls())["monitoring:PutMetricData"] == 1)

            let client = try makeClient(environment: environment, region: Fixed.region)
            func sum(_ metric: String, kind: String? = nil) async throws -> Double? {
                var parameters = [
                    ("MetricDataQueries.member.1.Id", "m"),
                    ("MetricDataQueries.member.1.MetricStat.Metric.Namespace", "BatchwatchIT"),
                    ("MetricDataQueries.member.1.MetricStat.Metric.MetricName", metric),
                    ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "Config"),
                    ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value", configName),
                    ("MetricDataQueries.member.1.MetricStat.Period", "3600"),
                    ("MetricDataQueries.member.1.MetricStat.Stat", "Sum"),
                    ("StartTime", ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3_600))),
                    ("EndTime", ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))),
                ]
                if let kind {
                    parameters += [
                        ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name", "Kind"),
                        ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value", kind),
                    ]
                }
                let answer = try await client.query(
                    .cloudWatch, action: "GetMetricData", version: "2010-08-01", parameters: parameters)
                let values = answer.firstDescendant(named: "Values")?.children.compactMap { Double($0.text) } ?? []
                return values.isEmpty ? nil : values.reduce(0, +)
            }
            #expect(try await sum("Runs") == 1)
            #expect(try await sum("Findings") == 7)
            #expect(try await sum("Findings", kind: "failed") == 1)
            #expect(try await sum("Findings", kind: "deadline_missed") == 0)
            #expect(try await sum("CheckErrors") == 0)
            #expect(try await sum("Undelivered") == 0)
            #expect(try await sum("DurationSeconds") != nil)

            // Denied: logged, and the exit status is still the check's.
            let (_, deniedEnvironment) = try await freshTestBed(deny: ["cloudwatch:PutMetricData"])
            try await bed.seed(NightScenario.scenario)
            let denied = try await runCheckBinary(yaml: yaml, environment: deniedEnvironment)
            #expect(denied.status == 1, "stderr: \(denied.stderr)")
            #expect(denied.stderr.contains("could not publish the run's metrics"), "stderr: \(denied.stderr)")
            #expect(!denied.stderr.contains(deniedEnvironment["AWS_SECRET_ACCESS_KEY"] ?? "no secret"))
        }
    }
}
