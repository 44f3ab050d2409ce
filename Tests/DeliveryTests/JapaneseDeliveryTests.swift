import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery

/// `language: ja` in every payload that is posted: Slack blocks and fallback, SNS Subject and
/// text, Chatbot title, description and next steps; and Slack's and SNS's limits with
/// multi-byte text.
struct JapaneseDeliveryTests {
    static func japanese(_ report: CheckReport) -> CheckReport {
        var report = report
        report.language = .ja
        return report
    }

    @Test func slackMessageIsJapaneseWithNamesAndErrorsUnchanged() throws {
        let message = SlackDigest(report: Self.japanese(Fixture.report())).message()
        #expect(message.blocks.first == .header("batchwatch: 問題 3件（2026-11-20）"))
        let sections = message.blocks.filter { $0.type == "section" }.map(\.visibleText)
        let failed = try #require(sections.first { $0.hasPrefix("*nightly-etl*") })
        #expect(failed.hasPrefix("*nightly-etl* · 失敗 · 02:14"))
        #expect(failed.contains("ステート LoadToRedshift · States.TaskFailed · Load failed"))
        #expect(failed.hasSuffix("|実行を開く>"))
        #expect(sections.contains { $0.hasPrefix("*billing* · 未実行 · 11-21 01:00\n開始されていません") })
        #expect(sections.contains { $0.hasPrefix("*etl-errors* · アラーム · 03:00") })
        let context = try #require(message.blocks.last)
        #expect(
            context.visibleText
                == "対象期間 2026-11-20 Asia/Tokyo · 問題 3件: 失敗 1件、未実行 1件、アラーム 1件 · 確認対象: ジョブ 12件、ステートマシン 40件、実行 311件、アラーム 7件"
        )
        #expect(message.text.hasPrefix("batchwatch: 失敗 1件、未実行 1件、アラーム 1件 — 2026-11-20 Asia/Tokyo\n"))
        #expect(message.text.contains("確認対象: "))
        #expect(!message.text.contains("failed,") && !message.text.contains("checked"))

        let clean = SlackDigest(report: Self.japanese(Fixture.clean())).message()
        #expect(clean.text == "✅ batchwatch: 異常なし — 2026-11-20 Asia/Tokyo · 確認対象: ジョブ 12件、ステートマシン 40件、実行 311件、アラーム 7件")
    }

    @Test func snsTextAndChatbotAreJapanese() throws {
        let report = Self.japanese(Fixture.report())
        let text = SNSDigest(report: report, format: .text).message()
        #expect(text.subject == "batchwatch: 失敗 1件、未実行 1件、アラーム 1件 — 2026-11-20 Asia/Tokyo")
        #expect(text.message == Digest(report: report).text())
        #expect(text.message.hasPrefix("失敗 1件、未実行 1件、アラーム 1件 — 2026-11-20 Asia/Tokyo\n"))

        let chatbot = SNSDigest(report: report, format: .chatbot).message()
        let json = try #require(JSONSerialization.jsonObject(with: Data(chatbot.message.utf8)) as? [String: Any])
        let content = try #require(json["content"] as? [String: Any])
        #expect(content["title"] as? String == "batchwatch: 失敗 1件、未実行 1件、アラーム 1件 — 2026-11-20 Asia/Tokyo")
        #expect(content["description"] as? String == Digest(report: report).markdown())
        #expect((content["description"] as? String)?.contains("- **nightly-etl** 失敗（02:14）") == true)
        #expect(
            content["nextSteps"] as? [String] == [
                "上のリンクから失敗した実行を開き、redrive または再実行してください",
                "未実行・開始遅延のジョブを起動するはずのスケジュールとルールを確認してください",
                "ALARM になったアラームを確認してください",
            ])
        #expect(
            content["keywords"] as? [String] == ["batchwatch", "problems", "failed", "missing", "alarm"],
            "keywords stay the JSON kinds")
        #expect((json["metadata"] as? [String: Any])?["threadId"] as? String == "batchwatch-2026-11-20")

        let printed = Deliverer.payload(
            for: report, format: .sns,
            settings: NotifySettings(sns: SNSTarget(topicArn: "arn:aws:sns:ap-northeast-1:123456789012:t")))
        #expect(printed.hasPrefix("Subject: batchwatch: 失敗 1件"))
    }

    @Test func aLongJapaneseSubjectStaysOneValidLineUnderOneHundredCharacters() throws {
        let window = CheckWindow(
            from: Fixture.at("2026-11-20T07:00:00+09:00"), to: Fixture.at("2026-11-21T07:00:00+09:00"),
            timeZone: Fixture.tokyo)
        let findings = FindingKind.allCases.map {
            Finding(kind: $0, job: "job\n\u{7}\($0)", at: window.from.addingTimeInterval(60))
        }
        let report = CheckReport(window: window, findings: findings, checked: CheckedCounts(), language: .ja)
        let subject = try #require(SNSDigest(report: report, format: .text).message().subject)
        #expect(subject.utf16.count <= 99 && subject.unicodeScalars.count <= 99 && subject.count <= 99)
        #expect(subject.hasPrefix("batchwatch: 失敗 1件、タイムアウト 1件、中断 1件、未実行 1件"))
        #expect(subject.hasSuffix("…"))
        #expect(
            !subject.unicodeScalars.contains {
                [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
            })
        #expect(!subject.contains("?"), "Japanese is kept, not turned into '?'")
        #expect(TextLimits.printableLine("a\nb\u{200B}c\u{7}日本\u{2028}語") == "a b c 日本 語")
    }

    @Test func oneHundredTwentyJapaneseFindingsStayWithinSlackAndSNSLimits() throws {
        var findings: [Finding] = []
        for index in 0..<40 {
            findings.append(
                Finding(
                    kind: .alarm, job: "アラーム-\(index)", at: Fixture.day.from.addingTimeInterval(Double(index) * 60),
                    detail: .alarmStillInAlarm))
        }
        for index in 0..<80 {
            findings.append(
                Fixture.failed(
                    "夜間バッチ-\(index)-" + String(repeating: "集計", count: 200),
                    at: Fixture.day.from.addingTimeInterval(7200 + Double(index) * 60),
                    cause: String(repeating: "<&> 接続が拒否されました。", count: 300)))
        }
        let report = CheckReport(
            window: Fixture.day, findings: findings, checked: CheckedCounts(jobs: 80, alarms: 40),
            notes: [.metricsFallback(error: String(repeating: "スロットリング ", count: 500))], language: .ja)

        let message = SlackDigest(report: report).message()
        #expect(message.blocks.count <= 50)
        let header = try #require(message.blocks.first)
        #expect(header.visibleText == "batchwatch: 問題 120件（2026-11-20）" && header.visibleText.count <= 150)
        for block in message.blocks {
            #expect(block.visibleText.count <= 3000, "\(block.type) has \(block.visibleText.count) characters")
        }
        let sections = message.blocks.filter { $0.type == "section" }.map(\.visibleText)
        #expect(sections.count == 46)
        #expect(
            sections.allSatisfy { $0.contains("· 失敗 ·") && $0.hasSuffix("|実行を開く>") },
            "the failures come first, links survive")
        let more = try #require(message.blocks.first { $0.visibleText.hasPrefix("ほか ") })
        #expect(more.visibleText.hasPrefix("ほか 74 件（問題は全部で 120件: 失敗 80件、アラーム 40件）"))
        #expect(message.text.count < 40_000 && message.text.hasPrefix("batchwatch: 失敗 80件、アラーム 40件"))
        let json = try #require(JSONSerialization.jsonObject(with: message.json()) as? [String: Any])
        #expect((json["blocks"] as? [Any])?.count == message.blocks.count)

        let sns = SNSDigest(report: report, format: .text).message()
        let subject = try #require(sns.subject)
        #expect(subject.utf16.count <= 99 && !subject.contains("\n"))
        #expect(sns.message.utf8.count <= 256 * 1024)
        let chatbot = SNSDigest(report: report, format: .chatbot).message().message
        #expect(chatbot.utf8.count <= 256 * 1024)
    }

    @Test func aHugeJapaneseDigestIsCutUnder256KBAndSaysSoInJapanese() {
        let findings = (0..<3000).map { index in
            Fixture.failed(
                "ジョブ-\(index)-" + String(repeating: "検", count: 100),
                at: Fixture.day.from.addingTimeInterval(Double(index)))
        }
        let report = CheckReport(window: Fixture.day, findings: findings, checked: CheckedCounts(), language: .ja)
        let text = SNSDigest(report: report, format: .text).message().message
        #expect(text.utf8.count <= 256 * 1024)
        #expect(text.components(separatedBy: "\n").last?.hasPrefix("… ダイジェストを省略: ") == true)
        let chatbot = SNSDigest(report: report, format: .chatbot).message().message
        #expect(chatbot.utf8.count <= 256 * 1024)
        #expect(chatbot.contains("… ダイジェストを省略: "))
    }
}
