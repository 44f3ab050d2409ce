import Foundation
import Testing

@testable import BatchwatchCheck

/// The text and Markdown digests a person reads in ten seconds.
struct DigestTests {
    let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    @Test func durationTextIsSafeForAnyValue() {
        #expect(DurationText.describe(5400) == "1h30m")
        #expect(DurationText.describe(3.3e22) == "\((1 << 62) / 3600)h\((1 << 62) % 3600 / 60)m")
        #expect(DurationText.describe(.infinity) == DurationText.describe(3.3e22))
        #expect(DurationText.describe(.nan) == "0s")
        #expect(DurationText.describe(-.infinity) == "0s")
    }

    func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    var day: CheckWindow {
        CheckWindow(from: at("2026-11-20T00:00:00+09:00"), to: at("2026-11-21T00:00:00+09:00"), timeZone: tokyo)
    }

    var sample: CheckReport {
        CheckReport(
            window: day,
            findings: [
                Finding(
                    kind: .alarm, job: "etl-errors", at: at("2026-11-20T03:05:00+09:00"), cause: "Threshold Crossed",
                    detail: .alarmBackToOK(at: "03:20")),
                Finding(
                    kind: .failed, job: "nightly-etl", at: at("2026-11-20T02:14:09+09:00"), executionArn: "arn:x",
                    error: "States.TaskFailed", cause: String(repeating: "x", count: 400), state: "LoadToRedshift",
                    url: "https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/arn:x"
                ),
                Finding(
                    kind: .missing, job: "billing", at: at("2026-11-21T01:15:00+09:00"),
                    expectedAt: at("2026-11-20T23:00:00+09:00"), detail: .neverStarted),
            ],
            checked: CheckedCounts(jobs: 12, stateMachines: 40, executions: 311, alarms: 7),
            notes: [.redriven(job: "reports", run: "r1", redrives: 1)]
        )
    }

    @Test func headlineCountsProblemsByKindAndNamesTheDay() {
        #expect(Digest(report: sample).headline == "1 failed, 1 missing, 1 alarm — 2026-11-20 Asia/Tokyo")
    }

    @Test func textHasOneLinePerProblemInTimeOrder() {
        let lines = Digest(report: sample).text().split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + 3 + 1 + 1)
        #expect(
            lines[1].contains("nightly-etl") && lines[1].contains("02:14")
                && lines[1].contains("in LoadToRedshift · States.TaskFailed"))
        #expect(lines[1].hasSuffix("…"))
        #expect(lines[1].count < 260)
        #expect(lines[2].contains("etl-errors") && lines[2].contains("back to OK at 03:20"))
        #expect(lines[3].contains("11-21 01:15"), "a time after the window's day shows its date")
        #expect(lines[4].contains("redriven"))
    }

    @Test func cleanDayIsOneLine() {
        let clean = CheckReport(window: day, findings: [], checked: CheckedCounts(jobs: 3))
        #expect(Digest(report: clean).text() == "All clear — 2026-11-20 Asia/Tokyo")
    }

    @Test func incompleteCheckSaysSo() {
        let report = CheckReport(
            window: day,
            findings: [Finding(kind: .checkError, job: "nightly-etl", at: day.to, error: "AccessDeniedException")],
            checked: CheckedCounts()
        )
        #expect(Digest(report: report).headline.contains("INCOMPLETE"))
        #expect(ExitStatus(report: report) == .incomplete)
    }

    @Test func arbitraryWindowShowsBothEnds() {
        let window = CheckWindow(
            from: at("2026-11-20T08:30:00+09:00"), to: at("2026-11-21T08:30:00+09:00"), timeZone: tokyo)
        let report = CheckReport(window: window, findings: [], checked: CheckedCounts())
        #expect(Digest(report: report).windowLabel == "2026-11-20 08:30 – 2026-11-21 08:30 Asia/Tokyo")
    }

    @Test func markdownLinksTheExecution() {
        let markdown = Digest(report: sample).markdown()
        #expect(markdown.hasPrefix("**1 failed, 1 missing, 1 alarm — 2026-11-20 Asia/Tokyo**"))
        #expect(markdown.contains("- **nightly-etl** failed at 02:14: in LoadToRedshift · States.TaskFailed"))
        #expect(
            markdown.contains(
                "([execution](https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/arn:x))"
            ))
    }

    @Test func lambdaErrorCauseGivesItsMessage() {
        let cause =
            #"{"errorMessage": "connection refused by analytics:5439", "errorType": "OperationalError", "stackTrace": ["  File x"]}"#
        #expect(Finding.message(fromCause: cause) == "connection refused by analytics:5439")
        #expect(Finding.message(fromCause: "{not json") == nil)
        #expect(Finding.message(fromCause: "Task timed out") == nil)
    }

    @Test func digestShowsTheMessageAndJSONKeepsTheCause() throws {
        let cause = #"{"errorMessage": "connection refused", "errorType": "OperationalError"}"#
        let finding = Finding(
            kind: .failed, job: "etl", at: at("2026-11-20T02:14:00+09:00"), error: "OperationalError", cause: cause,
            message: Finding.message(fromCause: cause))
        let window = CheckWindow(
            from: at("2026-11-20T00:00:00+09:00"), to: at("2026-11-21T00:00:00+09:00"), timeZone: tokyo)
        let report = CheckReport(window: window, findings: [finding], checked: CheckedCounts())
        #expect(Digest(report: report).text().contains("OperationalError · connection refused"))
        #expect(!Digest(report: report).text().contains("errorMessage"))
        let document = try JSONSerialization.jsonObject(with: report.jsonDocument()) as? [String: Any]
        let json = try #require((document?["findings"] as? [[String: Any]])?.first)
        #expect(json["cause"] as? String == cause)
        #expect(json["message"] as? String == "connection refused")
    }
}

/// Issue 17: with more than one account or Region the digests group findings by both, naming
/// the account, and the JSON document carries `account` and `region` on every finding.
@Suite struct GroupedDigestTests {
    static func report() -> CheckReport {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let from = ISO8601DateFormatter().date(from: "2026-11-19T15:00:00Z")!
        var staging = Finding(
            kind: .failed, job: "billing", at: from.addingTimeInterval(3600), error: "States.TaskFailed")
        staging.account = "222222222222"
        staging.region = "us-east-1"
        var prod = Finding(kind: .missing, job: "nightly-etl", at: from.addingTimeInterval(7200))
        prod.account = "111111111111"
        prod.region = "ap-northeast-1"
        var report = CheckReport(
            window: CheckWindow(from: from, to: from.addingTimeInterval(86_400), timeZone: tokyo),
            findings: [staging, prod],
            checked: CheckedCounts(jobs: 2, accounts: 2, regions: 2))
        report.accountNames = ["111111111111": "prod", "222222222222": "staging"]
        return report
    }

    @Test func textGroupsByAccountAndRegionWithTotalsAtTheTop() {
        let text = Digest(report: Self.report()).text()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("1 failed, 1 missing"))
        #expect(lines[1] == "  prod (111111111111) · ap-northeast-1")
        #expect(lines[2].contains("nightly-etl"))
        #expect(lines[3] == "  staging (222222222222) · us-east-1")
        #expect(lines[4].contains("billing"))
    }

    @Test func jsonCarriesAccountAndRegionOnEveryFinding() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Self.report().jsonDocument()) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(
            findings.map { "\($0["account"] ?? "-") \($0["region"] ?? "-")" } == [
                "222222222222 us-east-1", "111111111111 ap-northeast-1",
            ])
        let checked = try #require(document["checked"] as? [String: Any])
        #expect(checked["accounts"] as? Int == 2 && checked["regions"] as? Int == 2)
    }
}
