import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery

/// The Block Kit message: what it says, and Slack's limits.
struct SlackDigestTests {
    @Test func headerSectionsAndContextSayWhatTheDigestSays() throws {
        let message = SlackDigest(report: Fixture.report()).message()
        #expect(message.blocks.first == .header("batchwatch: 3 problems on 2026-11-20"))
        let sections = message.blocks.filter { $0.type == "section" }.map(\.visibleText)
        #expect(sections.count == 3)
        let failed = try #require(sections.first { $0.contains("nightly-etl") })
        #expect(failed.hasPrefix("*nightly-etl* · failed · 02:14"))
        #expect(failed.contains("in LoadToRedshift · States.TaskFailed · Load failed"))
        #expect(
            failed.contains(
                "<https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/arn:aws:states:ap-northeast-1:123456789012:execution:nightly-etl:r1|Open execution>"
            ))
        #expect(sections.contains { $0.hasPrefix("*billing* · missing · 11-21 01:00") })
        let context = try #require(message.blocks.last)
        #expect(context.type == "context")
        #expect(context.visibleText.contains("2026-11-20 Asia/Tokyo"))
        #expect(context.visibleText.contains("3 problems: 1 failed, 1 missing, 1 alarm"))
        #expect(context.visibleText.contains("12 jobs, 40 state machines, 311 executions, 7 alarms"))
        #expect(message.text.hasPrefix("batchwatch: 1 failed, 1 missing, 1 alarm — 2026-11-20 Asia/Tokyo\n"))
        #expect(
            message.text.contains("nightly-etl") && message.text.contains("billing")
                && message.text.contains("etl-errors"))
    }

    @Test func aWindowThatIsNotOneDayIsNamedByItsEnds() {
        let window = CheckWindow(
            from: Fixture.at("2026-11-20T07:00:00+09:00"), to: Fixture.at("2026-11-21T07:00:00+09:00"),
            timeZone: Fixture.tokyo)
        let header = SlackDigest(report: Fixture.report(window: window)).header
        #expect(header == "batchwatch: 3 problems in 2026-11-20 07:00 – 2026-11-21 07:00 Asia/Tokyo")
    }

    @Test func anIncompleteCheckSaysSoInTheHeader() {
        let report = CheckReport(
            window: Fixture.day,
            findings: [
                Finding(kind: .checkError, job: "nightly-etl", at: Fixture.day.to, error: "AccessDeniedException")
            ],
            checked: CheckedCounts())
        #expect(SlackDigest(report: report).header == "batchwatch: 1 problem on 2026-11-20 (check incomplete)")
    }

    @Test func userTextIsEscapedSoItCannotMentionOrLink() {
        let report = CheckReport(
            window: Fixture.day,
            findings: [Fixture.failed("a<b>&c", cause: "<!channel> see <http://evil|here> & more")],
            checked: CheckedCounts(jobs: 1))
        let message = SlackDigest(report: report).message()
        let section = message.blocks[1].visibleText
        #expect(section.hasPrefix("*a&lt;b&gt;&amp;c*"))
        #expect(section.contains("&lt;!channel&gt; see &lt;http://evil|here&gt; &amp; more"))
        #expect(!message.text.contains("<!channel>") && message.text.contains("&lt;!channel&gt;"))
    }

    @Test func oneHundredTwentyFindingsStayWithinSlackLimitsMostSeriousFirst() throws {
        // 40 alarms early in the day, then 80 failures with long causes and names.
        var findings: [Finding] = []
        for index in 0..<40 {
            findings.append(
                Finding(
                    kind: .alarm, job: "alarm-\(index)", at: Fixture.day.from.addingTimeInterval(Double(index) * 60)))
        }
        for index in 0..<80 {
            findings.append(
                Fixture.failed(
                    "job-\(index)-" + String(repeating: "x", count: 400),
                    at: Fixture.day.from.addingTimeInterval(7200 + Double(index) * 60),
                    cause: String(repeating: "<&> cause ", count: 500)))
        }
        let report = CheckReport(window: Fixture.day, findings: findings, checked: CheckedCounts(jobs: 80, alarms: 40))
        let message = SlackDigest(report: report).message()

        #expect(message.blocks.count <= 50)
        let header = try #require(message.blocks.first)
        #expect(header.type == "header" && header.visibleText.count <= 150)
        #expect(header.visibleText == "batchwatch: 120 problems on 2026-11-20", "the header shows the total")
        for block in message.blocks {
            #expect(block.visibleText.count <= 3000)
        }
        let sections = message.blocks.filter { $0.type == "section" }.map(\.visibleText)
        #expect(sections.count == 47)
        #expect(sections.allSatisfy { $0.contains("· failed ·") }, "the 80 failures outrank the 40 alarms")
        #expect(sections.first?.hasPrefix("*job-0-") == true)
        let more = try #require(message.blocks.first { $0.visibleText.hasPrefix("…and ") })
        #expect(more.visibleText.hasPrefix("…and 73 more (120 problems in all: 80 failed, 40 alarm)"))
        #expect(message.text.count < 40_000)
        #expect(message.text.hasPrefix("batchwatch: 80 failed, 40 alarm"))
        let json = try JSONSerialization.jsonObject(with: message.json()) as? [String: Any]
        #expect((json?["blocks"] as? [Any])?.count == message.blocks.count)
    }

    @Test func whenEverythingFitsTheProblemsStayInTimeOrder() {
        let findings = (0..<47).map { index in
            Finding(
                kind: index.isMultiple(of: 2) ? .alarm : .failed, job: "job-\(index)",
                at: Fixture.day.from.addingTimeInterval(Double(index) * 60))
        }
        let message = SlackDigest(
            report: CheckReport(window: Fixture.day, findings: findings, checked: CheckedCounts())
        ).message()
        let sections = message.blocks.filter { $0.type == "section" }.map(\.visibleText)
        #expect(sections.count == 47)
        #expect(sections.first?.hasPrefix("*job-0*") == true && sections.last?.hasPrefix("*job-46*") == true)
        #expect(message.blocks.count == 49)
        #expect(!message.blocks.contains { $0.visibleText.hasPrefix("…and") })
    }

    @Test func aCleanDayIsOneGreenLine() {
        let message = SlackDigest(report: Fixture.clean()).message()
        #expect(message.blocks.count == 1)
        #expect(
            message.text
                == "✅ batchwatch: All clear — 2026-11-20 Asia/Tokyo · checked 12 jobs, 40 state machines, 311 executions, 7 alarms"
        )
        #expect(message.blocks[0].visibleText == message.text)
        #expect(!message.text.contains("\n"))
    }

    @Test func notesGoInAContextBlock() {
        var report = Fixture.report()
        report.notes = [.metricsFallback(error: "GetMetricData was denied")]
        let message = SlackDigest(report: report).message()
        #expect(
            message.blocks.contains {
                $0.type == "context"
                    && $0.visibleText
                        == "note: AWS/States metrics could not be read, so every state machine was listed instead (GetMetricData was denied)"
            })
        #expect(message.text.contains("note: AWS/States metrics could not be read"))
    }

    @Test func textIsCutOnceAtTheLimitOfWhereItGoesKeepingTheLinkAndEscapes() {
        #expect(TextCut.cut("a &amp; b", to: 5) == "a…", "an escape is never split")
        #expect(TextCut.cut("abc   defgh", to: 7) == "abc…", "no whitespace before the ellipsis")
        #expect(TextCut.cut("abcdefgh", to: 6, ellipsis: "...") == "abc...")
        #expect(TextCut.cut("short", to: 5) == "short")

        var finding = Fixture.failed("nightly-etl", cause: String(repeating: "<x> ", count: 2_000))
        finding.error = String(repeating: "E", count: 4_000)
        let report = CheckReport(window: Fixture.day, findings: [finding], checked: CheckedCounts())
        let section = SlackDigest(report: report).message().blocks.filter { $0.type == "section" }.map(\.visibleText)
        #expect(section.count == 1)
        let text = section[0]
        #expect(text.count <= SlackDigest.maxSectionText)
        #expect(text.hasSuffix("|Open execution>"), "the link survives the cut")
        #expect(text.contains("…\n<https://"))
    }
}
