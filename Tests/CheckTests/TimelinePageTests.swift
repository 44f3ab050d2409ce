import Foundation
import Testing

@testable import BatchwatchCheck

/// The HTML timeline (`--format html`, `report_dir`): self-contained, every bar explained on
/// hover, a daylight-saving day drawn with the hours the clock showed, and small enough.
struct TimelinePageTests {
    let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    func day(_ date: String, _ zone: TimeZone) -> CheckWindow {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = date.split(separator: "-").map { Int($0)! }
        let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        return CheckWindow(from: start, to: calendar.date(byAdding: .day, value: 1, to: start)!, timeZone: zone)
    }

    func run(_ row: String, _ name: String, _ start: Date, minutes: Double, _ status: ExecutionStatus) -> TimelineRun {
        let arn = "arn:aws:states:ap-northeast-1:123456789012:execution:\(row):\(name)"
        return TimelineRun(
            row: row, name: name, executionArn: arn, start: start,
            stop: status == .running ? nil : start.addingTimeInterval(minutes * 60), status: status,
            url: Checker.consoleURL(executionArn: arn, region: "ap-northeast-1"))
    }

    var night: CheckReport {
        let window = day("2026-11-20", tokyo)
        var report = CheckReport(
            window: window,
            findings: [
                Finding(
                    kind: .failed, job: "nightly-etl", at: at("2026-11-20T02:14:09+09:00"),
                    expectedAt: at("2026-11-20T02:00:00+09:00"),
                    executionArn: "arn:aws:states:ap-northeast-1:123456789012:execution:nightly-etl:r1",
                    error: "States.TaskFailed",
                    cause: "<b>connection refused</b> & more", state: "LoadToRedshift",
                    url: "https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/x"),
                Finding(
                    kind: .alarm, job: "etl-errors", at: at("2026-11-20T02:15:00+09:00"), cause: "Threshold Crossed"),
                Finding(kind: .missing, job: "partner-export", at: at("2026-11-20T05:15:00+09:00")),
            ],
            checked: CheckedCounts(jobs: 3, stateMachines: 3, executions: 3),
            notes: [.expressSkipped(machine: "clickstream")])
        report.timeline = TimelineData(
            rows: ["nightly-etl", "partner-export", "<orphan>"],
            runs: [
                run("nightly-etl", "r1", at("2026-11-20T02:00:30+09:00"), minutes: 14, .failed),
                run("nightly-etl", "r2", at("2026-11-20T03:00:00+09:00"), minutes: 40, .succeeded),
                run("<orphan>", "o1", at("2026-11-20T23:50:00+09:00"), minutes: 0, .running),
            ],
            occurrences: [
                TimelineOccurrence(
                    row: "nightly-etl", expectedStart: at("2026-11-20T02:00:00+09:00"), startWithin: 900,
                    maxDuration: 7200,
                    finishBy: at("2026-11-20T07:00:00+09:00")),
                TimelineOccurrence(
                    row: "partner-export", expectedStart: at("2026-11-20T05:00:00+09:00"), startWithin: 900,
                    maxDuration: nil),
            ],
            unlisted: ["partner-export"], now: at("2026-11-21T08:30:00+09:00"))
        return report
    }

    /// How often `pattern` (a regular expression) matches in `text`.
    func count(_ pattern: String, in text: String) -> Int {
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }

    @Test func thePageIsSelfContained() {
        let html = TimelinePage(report: night).html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for banned in ["<script", "src=", "<link", "@import", "url(http", "<iframe", "<object", "<img", "xlink:href"] {
            #expect(!html.lowercased().contains(banned), "the page has \(banned)")
        }
        // The only addresses are links a person clicks: console pages, never something loaded.
        let addresses = count("http", in: html)
        #expect(addresses > 0)
        #expect(count("href=\"https://console\\.aws\\.amazon\\.com/", in: html) == addresses)
        // Every url() in the style sheet points into the page itself.
        #expect(count("url\\(#", in: html) == count("url\\(", in: html))
    }

    @Test func everyRunIsABarWithATitleAndALinkToItsExecution() throws {
        let report = night
        let html = TimelinePage(report: report).html()
        let svg = TimelinePage(report: report).svg()
        #expect(
            count(
                "<a href=\"https://[^\"]+\"><rect class=\"r (ok|fail|abort|run)\"[^>]*><title>[^<]+</title></rect></a>",
                in: svg) == 3)
        #expect(html.contains("<title>r1\n2026-11-20 02:00:30 – 2026-11-20 02:14:30\nFAILED</title>"))
        #expect(html.contains("r\u{20}fail"))
        #expect(html.contains("o1\n2026-11-20 23:50:00 – still running\nRUNNING"))
        // Failed bars are hatched, not only red; a succeeded bar is solid.
        #expect(html.contains(".r.fail{fill:url(#hf)"))
        #expect(html.contains("prefers-color-scheme:dark"))
        // A row whose runs were not read says so.
        #expect(html.contains("partner-export (runs not read)"))
        // The finish_by tick and now (the next morning, inside the axis' overhang).
        #expect(html.contains("nightly-etl: finish by 07:00"))
        #expect(html.contains("<title>now 2026-11-21 08:30</title>"))
    }

    @Test func textIsEscapedAndTheFindingsTableHasEveryColumn() {
        let html = TimelinePage(report: night).html()
        #expect(!html.contains("<orphan>"))
        #expect(html.contains("&lt;orphan&gt;"))
        #expect(html.contains("&lt;b&gt;connection refused&lt;/b&gt; &amp; more"))
        #expect(
            html.contains(
                "<th>kind</th><th>job</th><th>time</th><th>state</th><th>error</th><th>message</th><th>streak</th><th>console</th>"
            ))
        #expect(html.contains("<td>LoadToRedshift</td><td>States.TaskFailed</td>"))
        #expect(html.contains("<li>note: clickstream: skipped, an Express state machine"))
        // The headline and totals of the text digest, and every finding's job on the page.
        let digest = Digest(report: night)
        #expect(html.contains("<h1>\(TimelinePage.escape(digest.headline))</h1>"))
        #expect(html.contains(digest.checkedSummary))
        for job in ["nightly-etl", "etl-errors", "partner-export"] { #expect(html.contains(">\(job)<")) }
    }

    /// The hour labels inside the window, in order.
    func windowHours(_ report: CheckReport) -> [String] {
        TimelinePage(report: report).hourTicks().filter(\.inWindow).map(\.label)
    }

    @Test func aDaylightSavingDayShowsTheHoursTheClockShowed() {
        let newYork = TimeZone(identifier: "America/New_York")!
        let spring = windowHours(
            CheckReport(window: day("2026-03-08", newYork), findings: [], checked: CheckedCounts()))
        #expect(spring.count == 23)
        #expect(!spring.contains("02"))
        #expect(spring.first == "03-08" && spring.last == "23")
        let autumn = windowHours(
            CheckReport(window: day("2026-11-01", newYork), findings: [], checked: CheckedCounts()))
        #expect(autumn.count == 25)
        #expect(autumn.filter { $0 == "01" }.count == 2)
        #expect(
            windowHours(CheckReport(window: day("2026-11-20", tokyo), findings: [], checked: CheckedCounts())).count
                == 24)
        // The page draws them: 23 window hour labels on the spring day.
        let html = TimelinePage(
            report: CheckReport(window: day("2026-03-08", newYork), findings: [], checked: CheckedCounts())
        ).html()
        #expect(count("<text class=\"hour( day)?\" ", in: html) == 23)
    }

    /// A 120-job, 2,000-run night. With BATCHWATCH_TIMELINE_SAMPLE set, the page is written
    /// there too: scripts/test-browser opens it in Chromium.
    static func largeNight() -> CheckReport {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let from = ISO8601DateFormatter().date(from: "2026-11-20T00:00:00+09:00")!
        let window = CheckWindow(from: from, to: from.addingTimeInterval(86_400), timeZone: tokyo)
        var runs: [TimelineRun] = []
        var occurrences: [TimelineOccurrence] = []
        var findings: [Finding] = []
        let statuses: [ExecutionStatus] = [
            .succeeded, .succeeded, .succeeded, .succeeded, .succeeded, .succeeded, .failed, .succeeded, .aborted,
            .timedOut,
        ]
        for job in 0..<120 {
            let row = "batch-job-\(String(format: "%03d", job))-nightly"
            let perDay = job < 80 ? 17 : 16  // 80 × 17 + 40 × 16 = 2,000
            for index in 0..<perDay {
                let start = from.addingTimeInterval(Double(index) * 86_400 / Double(perDay) + Double(job * 37 % 600))
                occurrences.append(
                    TimelineOccurrence(row: row, expectedStart: start, startWithin: 900, maxDuration: 3600))
                let status = statuses[(job + index) % statuses.count]
                let arn =
                    "arn:aws:states:ap-northeast-1:123456789012:execution:\(row):run-\(index)-0f4c6b2a-8f1e-4c2b-9d7e-3a1b5c9d0e\(String(format: "%02d", index))"
                runs.append(
                    TimelineRun(
                        row: row, name: "run-\(index)", executionArn: arn, start: start.addingTimeInterval(60),
                        stop: start.addingTimeInterval(Double(300 + job * 13 % 2400)), status: status,
                        url: Checker.consoleURL(executionArn: arn, region: "ap-northeast-1")))
                if status == .failed {
                    findings.append(
                        Finding(
                            kind: .failed, job: row, at: start.addingTimeInterval(600), executionArn: arn,
                            error: "States.TaskFailed"))
                }
            }
        }
        var report = CheckReport(
            window: window, findings: findings,
            checked: CheckedCounts(jobs: 120, stateMachines: 120, executions: runs.count))
        report.timeline = TimelineData(
            rows: (0..<120).map { "batch-job-\(String(format: "%03d", $0))-nightly" }, runs: runs,
            occurrences: occurrences,
            now: window.to.addingTimeInterval(8 * 3600))
        return report
    }

    @Test func aLargeNightStaysUnderTwoMegabytes() throws {
        let report = Self.largeNight()
        #expect(report.timeline?.runs.count == 2000)
        let started = Date()
        let html = TimelinePage(report: report).html()
        let elapsed = Date().timeIntervalSince(started)
        #expect(html.utf8.count < 2_000_000, "the page is \(html.utf8.count) bytes")
        #expect(elapsed < 5, "rendering took \(elapsed) s")  // a debug build; far less in release
        #expect(count("<rect class=\"r (ok|fail|abort|run)\"[^>]*><title>", in: html) == 2000)
        if let path = ProcessInfo.processInfo.environment["BATCHWATCH_TIMELINE_SAMPLE"] {
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func runsGoToTheJobWhoseStartPrecedesThemAndUnreadMachinesAreNamed() {
        let window = day("2026-11-20", tokyo)
        let first = JobExpectation(
            name: "morning", occurrences: [at("2026-11-20T02:00:00+09:00")], nextOccurrence: nil, startWithin: 900,
            maxDuration: nil)
        let second = JobExpectation(
            name: "evening", occurrences: [at("2026-11-20T18:00:00+09:00")], nextOccurrence: nil, startWithin: 900,
            maxDuration: nil)
        let targets = [
            CheckTarget(arn: "arn:sm:shared", name: "shared", jobs: [first, second]),
            CheckTarget(arn: "arn:sm:quiet", name: "quiet-machine", jobs: []),
            CheckTarget(arn: "arn:sm:busy", name: "busy-machine", jobs: []),
            CheckTarget(
                arn: "arn:sm:denied", name: "denied",
                jobs: [
                    JobExpectation(
                        name: "locked", occurrences: [], nextOccurrence: nil, startWithin: 900, maxDuration: nil)
                ]),
        ]
        func execution(_ name: String, _ start: String) -> ExecutionRecord {
            ExecutionRecord(
                executionArn: "arn:x:\(name)", name: name, status: .succeeded, startDate: at(start),
                stopDate: at(start).addingTimeInterval(60))
        }
        let listings = [
            "arn:sm:shared": ExecutionPage(executions: [
                execution("a", "2026-11-20T02:01:00+09:00"), execution("b", "2026-11-20T18:02:00+09:00"),
                execution("old", "2026-11-19T02:00:00+09:00"),
            ]),
            "arn:sm:quiet": ExecutionPage(executions: []),
            "arn:sm:busy": ExecutionPage(executions: [execution("c", "2026-11-20T09:00:00+09:00")]),
        ]
        let data = TimelineData.collect(
            targets: targets, listings: listings, window: window, now: window.to, region: "ap-northeast-1")
        #expect(data.rows == ["morning", "evening", "busy-machine", "locked"])
        #expect(data.runs.map { "\($0.row):\($0.name)" } == ["morning:a", "busy-machine:c", "evening:b"])
        #expect(data.unlisted == ["locked"])
        #expect(data.occurrences.map(\.row) == ["morning", "evening"])
    }
}
