import BatchwatchConfig
import Foundation
import ScheduleDiscovery
import Testing

@testable import BatchwatchCheck

/// `language: ja`: every word of the digests from the Japanese table; names, errors, states and
/// times as they are; the JSON document the same as in English.
struct JapaneseDigestTests {
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    static func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    static var day: CheckWindow {
        CheckWindow(from: at("2026-11-20T00:00:00+09:00"), to: at("2026-11-21T00:00:00+09:00"), timeZone: tokyo)
    }

    /// The demo's night: a failure, a timeout, a late start, a missing run, a long run, an alarm.
    static func night(_ language: DigestLanguage) -> CheckReport {
        let url = "https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/arn:x"
        return CheckReport(
            window: day,
            findings: [
                Finding(
                    kind: .failed, job: "nightly-etl", at: at("2026-11-20T02:14:09+09:00"), executionArn: "arn:x",
                    error: "States.TaskFailed",
                    cause: "{\"errorMessage\":\"connection refused\",\"errorType\":\"OperationalError\"}",
                    message: "connection refused", state: "LoadToRedshift", url: url),
                Finding(kind: .timedOut, job: "export", at: at("2026-11-20T03:00:00+09:00"), error: "States.Timeout"),
                Finding(
                    kind: .late, job: "sync", at: at("2026-11-20T04:47:00+09:00"),
                    expectedAt: at("2026-11-20T04:00:00+09:00"),
                    detail: .startedLate(delay: 47 * 60, grace: 15 * 60)),
                Finding(
                    kind: .runningLong, job: "warehouse", at: at("2026-11-20T05:00:00+09:00"),
                    detail: .stillRunningAfter(7200)),
                Finding(
                    kind: .alarm, job: "batch-etl-errors", at: at("2026-11-20T02:15:00+09:00"),
                    detail: .alarmBackToOK(at: "03:12")),
                Finding(
                    kind: .missing, job: "billing", at: at("2026-11-20T23:30:00+09:00"),
                    expectedAt: at("2026-11-20T23:00:00+09:00"),
                    detail: .neverStarted),
            ],
            checked: CheckedCounts(jobs: 12, stateMachines: 40, executions: 311, alarms: 7, ignored: 2),
            notes: [
                .redriven(job: "reports", run: "r1", redrives: 2),
                .ignoreRuleExpired(subject: "export", reason: "old outage", until: "2026-11-20", isDay: true),
            ],
            language: language)
    }

    @Test func textIsJapaneseWithNamesErrorsAndTimesUnchanged() {
        let text = Digest(report: Self.night(.ja)).text()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "失敗 1件、タイムアウト 1件、未実行 1件、開始遅延 1件、長時間実行 1件、アラーム 1件 — 2026-11-20 Asia/Tokyo")
        #expect(
            lines.contains {
                $0.contains("失敗") && $0.contains("nightly-etl") && $0.contains("02:14")
                    && $0.contains("ステート LoadToRedshift · States.TaskFailed · connection refused")
            })
        #expect(lines.contains { $0.contains("開始遅延") && $0.contains("sync") && $0.contains("47分遅れて開始（猶予 15分）") })
        #expect(lines.contains { $0.contains("長時間実行") && $0.contains("warehouse") && $0.contains("2時間を過ぎても実行中") })
        #expect(
            lines.contains { $0.contains("アラーム") && $0.contains("batch-etl-errors") && $0.contains("03:12 に OK へ復帰") })
        #expect(lines.contains { $0.contains("未実行") && $0.contains("billing") && $0.contains("開始されていません") })
        #expect(lines.contains { $0.contains("タイムアウト") && $0.contains("export") && $0.contains("States.Timeout") })
        #expect(text.contains("補足: reports: 実行 r1 は失敗しましたが、再実行（redrive 2回）で成功しました"))
        #expect(text.contains("補足: export の無視ルール（old outage）は 2026-11-20 に期限切れになりました"))
        #expect(text.contains("確認対象: ジョブ 12件、ステートマシン 40件、実行 311件、アラーム 7件、無視ルールで非表示 2件"))
        for english in [
            "failed", "timed out", "missing", "late", "running long", "alarm", "note:", "checked", "never started",
            "grace",
        ] {
            #expect(!text.contains(english), "'\(english)' left in English: \(text)")
        }
    }

    @Test func streaksAndRecoveriesAreSaidInEachLanguage() {
        var failed = Finding(
            kind: .failed, job: "nightly-etl", at: Self.at("2026-11-20T02:14:09+09:00"), error: "States.TaskFailed")
        failed.streak = 3
        failed.streakUnit = .night
        failed.lastSuccess = Self.at("2026-11-16T02:31:00+09:00")
        let recovery = Recovery(job: "billing-sync", at: Self.at("2026-11-20T01:04:12+09:00"), after: 2, unit: .run)
        func text(_ language: DigestLanguage) -> String {
            Digest(
                report: CheckReport(
                    window: Self.day, findings: [failed], checked: CheckedCounts(jobs: 2), recoveries: [recovery],
                    language: language)
            ).text()
        }
        #expect(
            text(.en).contains("States.TaskFailed · 3rd night in a row, last success Mon 11-16 02:31"), "\(text(.en))")
        #expect(text(.en).contains("✅ recovered: billing-sync, after 2 bad runs"))
        #expect(text(.ja).contains("States.TaskFailed · 3夜連続、最終成功 2026-11-16 02:31"), "\(text(.ja))")
        #expect(text(.ja).contains("✅ 回復: billing-sync（2回連続の失敗の後）"))
    }

    @Test func textColumnsLineUpInATerminal() {
        let lines = Digest(report: Self.night(.ja)).text().split(separator: "\n").map(String.init).dropFirst().prefix(6)
        let jobColumns = Set(
            lines.map { line -> Int in
                let jobs = ["nightly-etl", "export", "sync", "warehouse", "batch-etl-errors", "billing"]
                let job = jobs.first { line.contains("  \($0) ") }!
                return Digest.width(of: String(line[..<line.range(of: "  \(job) ")!.lowerBound]))
            })
        #expect(jobColumns.count == 1, "kinds are padded to the same width in columns: \(lines)")
    }

    @Test func markdownIsJapanese() {
        let markdown = Digest(report: Self.night(.ja)).markdown()
        #expect(markdown.hasPrefix("**失敗 1件、タイムアウト 1件、未実行 1件、開始遅延 1件、長時間実行 1件、アラーム 1件 — 2026-11-20 Asia/Tokyo**"))
        #expect(
            markdown.contains(
                "- **nightly-etl** 失敗（02:14）: ステート LoadToRedshift · States.TaskFailed · connection refused ([実行を開く](https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/arn:x))"
            ))
        #expect(markdown.contains("- _補足:_ reports: 実行 r1"))
        #expect(markdown.hasSuffix("_確認対象: ジョブ 12件、ステートマシン 40件、実行 311件、アラーム 7件、無視ルールで非表示 2件_"))
    }

    @Test func cleanAndIncompleteDaysAreJapanese() {
        let clean = CheckReport(window: Self.day, findings: [], checked: CheckedCounts(jobs: 3), language: .ja)
        #expect(Digest(report: clean).text() == "異常なし — 2026-11-20 Asia/Tokyo")
        let incomplete = CheckReport(
            window: Self.day,
            findings: [Finding(kind: .checkError, job: "nightly-etl", at: Self.day.to, error: "AccessDeniedException")],
            checked: CheckedCounts(), language: .ja)
        #expect(Digest(report: incomplete).headline == "確認エラー 1件 — 2026-11-20 Asia/Tokyo（未完了: 確認できなかった対象があります）")
    }

    @Test func theJSONDocumentIsTheSameInBothLanguages() {
        #expect(Self.night(.ja).jsonDocument() == Self.night(.en).jsonDocument())
        #expect(Digest(report: Self.night(.ja)).text() != Digest(report: Self.night(.en)).text())
    }

    @Test func everyDetailAndNoteIsRenderedInBothLanguages() {
        let texts: [DigestText] = [
            .startedLate(delay: 2820, grace: 900), .neverStarted, .took(9000, limit: 7200), .stillRunningAfter(7200),
            .succeededLate(at: "2026-11-20 08:10", late: 4200, due: "07:00"),
            .startedOnlyAt("2026-11-20 07:30", due: "07:00"),
            .stillRunningAtDeadline(started: "2026-11-19 23:00", due: "02:00"), .notStartedByDeadline(due: "07:00"),
            .alarmBackToOK(at: "03:12"), .alarmState("INSUFFICIENT_DATA", at: "03:12"), .alarmStillInAlarm,
            .mapRunFailed(failedItems: nil), .mapRunFailed(failedItems: 1), .mapRunFailed(failedItems: 3),
            .schedule(.noSchedule),
            .schedule(.notEnabled([.init(source: .rule(name: "nightly-etl"), detail: "DISABLED")])),
            .schedule(.flexibleWindow(.schedule(group: "default", name: "report-flex"), minutes: 15)),
            .schedule(.notThatDay([.init(source: .rule(name: "weekly"), detail: "cron(0 2 ? * MON *)")])),
            .schedule(.startsAt(time: "04:00", zone: "Asia/Tokyo")),
            .redriven(job: "reports", run: "r1", redrives: 1), .redriven(job: "reports", run: "r1", redrives: 3),
            .autoWithoutSchedule(job: "etl", machine: "etl-sm"),
            .scheduleNotEnabled(
                job: "weekly-report", source: .schedule(group: "default", name: "weekly-paused"), state: "DISABLED",
                since: "2026-11-01 10:00"),
            .scheduleNotChecked(job: "etl", source: .rule(name: "etl"), reason: nil),
            .expressSkipped(machine: "stream"),
            .schedulesUnreadable(count: 2, error: "AccessDenied"), .metricsFallback(error: "Throttling"),
            .ignoreRuleExpired(subject: "kind late", reason: nil, until: "2026-11-20T18:00:00+09:00", isDay: false),
        ]
        for text in texts {
            let english = text.rendered(in: .en)
            let japanese = text.rendered(in: .ja)
            #expect(
                !english.contains("{") && !japanese.contains("{"),
                "a placeholder left unfilled: \(english) / \(japanese)")
            #expect(japanese != english, "not translated: \(english)")
            #expect(japanese.unicodeScalars.contains { $0.value >= 0x3000 }, "no Japanese in: \(japanese)")
        }
        #expect(DigestText.startedLate(delay: 2820, grace: 900).description == "started 47m late, grace 15m")
        #expect(
            DigestText.schedule(.notEnabled([.init(source: .rule(name: "nightly-etl"), detail: "DISABLED")])).rendered(
                in: .ja)
                == "ルール default/nightly-etl は DISABLED")
        #expect(DurationText.describe(5400, in: .ja) == "1時間30分")
        #expect(DurationText.describe(90, in: .ja) == "1分30秒")
    }
}

/// The tables themselves.
struct DigestStringsTests {
    @Test(arguments: DigestLanguage.allCases)
    func everyKeyHasAStringWithTheSamePlaceholdersAsEnglish(_ language: DigestLanguage) {
        let table = DigestStrings.table(for: language)
        let english = DigestStrings.table(for: .en)
        for key in DigestKey.allCases {
            let template = table[key]
            #expect(template != nil && template?.isEmpty == false, "\(language) has no string for \(key)")
            guard let template, let reference = english[key] else { continue }
            #expect(
                DigestStrings.placeholders(of: template) == DigestStrings.placeholders(of: reference),
                "\(language).\(key) has placeholders \(DigestStrings.placeholders(of: template)), English \(DigestStrings.placeholders(of: reference))"
            )
        }
        #expect(Set(table.keys) == Set(DigestKey.allCases), "\(language) has a string for no key")
    }

    @Test func kindLabelsAreDistinctInEachLanguage() {
        for language in DigestLanguage.allCases {
            let labels = FindingKind.allCases.map { $0.label(in: language) }
            #expect(Set(labels).count == labels.count, "\(language): \(labels)")
        }
        #expect(
            FindingKind.allCases.map { $0.label(in: .ja) } == [
                "失敗", "タイムアウト", "中断", "未実行", "開始遅延", "長時間実行", "期限超過", "アラーム", "確認エラー",
            ])
        #expect(FindingKind.timedOut.label == "timed out")
    }

    @Test func valuesAreInsertedAsTheyAreNeverReadAsTemplates() {
        #expect(DigestStrings.format(.textNote, .ja, ["note": "{note} & {job}"]) == "補足: {note} & {job}")
        #expect(DigestStrings.format(.neverStarted, .ja) == "開始されていません")
    }
}
