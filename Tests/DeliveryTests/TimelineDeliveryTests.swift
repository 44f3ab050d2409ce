import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery

/// `report_dir` and `report_url`: the night's page and the index on disk, and the digests' link.
struct TimelineDeliveryTests {
    static let pageURL = "https://reports.example.com/batchwatch/2026-11-20.html"

    func linked(_ report: CheckReport) -> CheckReport {
        var report = report
        report.timelineURL = Self.pageURL
        return report
    }

    @Test func slackAndSNSCarryTheTimelineLinkWhenThereIsOne() throws {
        for report in [Fixture.report(), Fixture.clean()] {
            let slack = Deliverer.payload(for: linked(report), format: .slack, settings: NotifySettings())
            #expect(slack.contains("<\(Self.pageURL)|Open the timeline>"))
            #expect(slack.contains("Open the timeline: \(Self.pageURL)"))  // the text fallback
            #expect(!Deliverer.payload(for: report, format: .slack, settings: NotifySettings()).contains("timeline"))
        }
        let text = SNSDigest(report: linked(Fixture.report()), format: .text).message().message
        #expect(text.split(separator: "\n")[1] == "Open the timeline: \(Self.pageURL)")
        let chatbot = String(
            decoding: SNSDigest(report: linked(Fixture.report()), format: .chatbot).chatbotJSON(), as: UTF8.self)
        #expect(chatbot.contains("[Open the timeline](\(Self.pageURL))"))
        #expect(
            SNSDigest(report: Fixture.report(), format: .text).message().message
                == Digest(report: Fixture.report()).text())
    }

    @Test func theLinkSurvivesAShortenedSlackDigest() throws {
        let findings = (0..<80).map { Fixture.failed("job-\($0)") }
        let report = linked(CheckReport(window: Fixture.day, findings: findings, checked: CheckedCounts()))
        let message = SlackDigest(report: report).message()
        #expect(message.blocks.count <= SlackDigest.maxBlocks)
        let payload = Deliverer.payload(for: report, format: .slack, settings: NotifySettings())
        #expect(payload.contains("|Open the timeline>"))
    }

    @Test func reportDirectoryWritesThePageAndAnIndexOfTheLatest31() throws {
        let root = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("reports")
        let reports = ReportDirectory(path: directory.path)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // 33 older nights, and something that is not a night's page.
        for day in 1...33 {
            try Data("<title>batchwatch: night \(day)</title>".utf8)
                .write(
                    to: directory.appendingPathComponent(
                        String(format: "2026-10-%02d.html", day % 31 + 1) + (day > 31 ? "x" : "")))
        }
        try Data("x".utf8).write(to: directory.appendingPathComponent("notes.html"))
        let name = try reports.write(Fixture.report())
        #expect(name == "2026-11-20.html")

        let page = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        #expect(page == TimelinePage(report: Fixture.report()).html())
        let index = try String(contentsOf: directory.appendingPathComponent("index.html"), encoding: .utf8)
        let links = index.components(separatedBy: "<li><a href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(links.count == 31)
        #expect(links.first == "2026-11-20.html")
        #expect(links.last == "2026-10-02.html")  // 2026-10-01 is the 32nd newest
        #expect(!index.contains("notes.html"))
        #expect(index.contains(">1 failed, 1 missing, 1 alarm — 2026-11-20 Asia/Tokyo</a>"))

        for file in [name, "index.html"] {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(file).path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644, "\(file)")
        }
        // Nothing is left behind by the atomic writes.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.hasPrefix(".") })
    }
}
