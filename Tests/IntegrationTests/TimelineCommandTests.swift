import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 19 through the real binary: `--format html`, and `report_dir`/`report_url` with the
    /// Slack payload's link, against the local AWS.
    @Suite struct TimelineCommand {
        @Test(
            "report_dir gets the night's page and the index (0644); the SNS digest links it; the findings do not change"
        )
        func reportDirectoryAndLink() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                CheckCommand.nightly(
                    .init(
                        start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T02:14:09"), status: .failed,
                        failure: .init(state: "LoadToRedshift", error: "States.TaskFailed", cause: "connection refused")
                    )))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "timeline-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let yaml =
                tokyoConfig(CheckCommand.nightlyJob)
                + "report_dir: \(directory.path)\nreport_url: https://ops.example.com/batchwatch/\n"
            let config = try writeConfig(yaml)
            let run = try await runBatchwatch(
                ["check", "--config", config, "--date", Fixed.date, "--now", Fixed.nowText, "--format", "sns"],
                environment: environment)
            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(run.stdoutText.contains("Open the timeline: https://ops.example.com/batchwatch/2026-11-20.html"))

            let page = try String(contentsOf: directory.appendingPathComponent("2026-11-20.html"), encoding: .utf8)
            #expect(page.contains(">nightly-etl<"))
            #expect(page.contains("FAILED</title>"))
            #expect(!page.contains("<script"))
            let index = try String(contentsOf: directory.appendingPathComponent("index.html"), encoding: .utf8)
            #expect(index.contains("<a href=\"2026-11-20.html\">1 failed — 2026-11-20 Asia/Tokyo</a>"))
            for file in ["2026-11-20.html", "index.html"] {
                let mode = try FileManager.default.attributesOfItem(
                    atPath: directory.appendingPathComponent(file).path)[.posixPermissions]
                #expect((mode as? NSNumber)?.intValue == 0o644)
            }

            // The same night as JSON: the document has no timeline in it and the same finding.
            let json = try await runCheckBinary(yaml: yaml, environment: environment)
            #expect(json.status == 1)
            #expect(!json.stdoutText.contains("timeline"))
            #expect(try json.findings().map { $0["kind"] as? String } == ["failed"])
        }

        @Test("--format html prints the page and nothing else on stdout")
        func formatHTML() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(
                CheckCommand.nightly(.init(start: jst("2026-11-20T02:00:04"), stop: jst("2026-11-20T02:40:00"))))
            let run = try await runBatchwatch(
                [
                    "check", "--config", try writeConfig(tokyoConfig(CheckCommand.nightlyJob)), "--date", Fixed.date,
                    "--now", Fixed.nowText,
                    "--format", "html",
                ],
                environment: environment)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.stdoutText.hasPrefix("<!DOCTYPE html>"))
            #expect(run.stdoutText.hasSuffix("</body></html>\n"))
            #expect(run.stdoutText.contains("<h1>All clear — 2026-11-20 Asia/Tokyo</h1>"))
            #expect(run.stdoutText.contains("2026-11-20 02:00:04 – 2026-11-20 02:40:00\nSUCCEEDED</title>"))
        }
    }
}
