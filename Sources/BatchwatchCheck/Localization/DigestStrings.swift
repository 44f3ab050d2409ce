import BatchwatchConfig

/// Every human-facing string of the digests, one table per language.
///
/// A string is a template: `{name}` is replaced by a value (a job name, a time, a count, or
/// another rendered string). Each language orders and punctuates its own sentence; the values
/// (job names, errors, states, times) are never translated. A key missing from a table falls
/// back to English, and a test fails when any table lacks a key or a placeholder.
public enum DigestKey: String, Sendable, CaseIterable {
    // Kinds of finding.
    case kindFailed, kindTimedOut, kindAborted, kindMissing, kindLate, kindRunningLong, kindDeadlineMissed, kindAlarm
    case kindCheckError
    // Lists and counts.
    case countOfKind, listSeparator, clauseSeparator
    // Durations.
    case durationHours, durationMinutes, durationSeconds
    // Headline and window.
    case headline, allClear, headlineIncomplete, windowDay, windowRange, titled
    // What was checked.
    case checkedJobs, checkedStateMachines, checkedExecutions, checkedAlarms, checkedSkipped, checkedIgnored
    // Text and Markdown digests.
    case textNote, textChecked, markdownLine, markdownDetail, markdownLink, markdownNote, markdownChecked
    // A finding's particulars.
    case inState, startedLate, neverStarted, took, stillRunningAfter
    case succeededLate, startedOnlyAt, stillRunningAtDeadline, notStartedByDeadline
    case alarmBackToOK, alarmStateAt, alarmStillInAlarm, mapRunFailed, mapRunOneItemFailed, mapRunItemsFailed
    // Across nights.
    case streakInARow, lastSuccess, recovered, unitNight, unitNights, unitRun, unitRuns
    // What AWS's own schedules say about a missing or late start.
    case scheduleKindRule, scheduleKindSchedule, scheduleNoneStartsIt, scheduleIsState, scheduleFlexibleWindow
    case scheduleExpression, scheduleNotThatDay, scheduleNowAt
    // Notes.
    case noteRedrivenOnce, noteRedriven, noteAutoNoSchedule, noteScheduleState, noteScheduleSince, noteNotChecked
    case noteExpressionUnreadable, noteExpressSkipped, noteSchedulesUnreadable, noteMetricsFallback,
        noteHistoryUnreadable
    case noteAccountIdUnreadable, noteScoped
    case ignoreRuleTitle, ignoreRuleReason, noteIgnoreExpiredOn, noteIgnoreExpiredAt
    // Slack.
    case slackHeader, slackOneProblem, slackProblems, slackOnDay, slackInWindow, slackIncomplete, slackAllClear
    case slackOpenExecution, slackSignInTo, slackMore, slackContext, fallbackMoreLines
    // SNS and AWS Chatbot.
    case snsCutNotice, stepRedrive, stepSchedules, stepRunningLong, stepDeadline, stepAlarms, stepCheckErrors
}

/// The tables, and the one function that fills a template.
public enum DigestStrings {
    /// The table of `language`.
    public static func table(for language: DigestLanguage) -> [DigestKey: String] {
        switch language {
        case .en: english
        case .ja: japanese
        }
    }

    /// The template `key` of `language` with each `{name}` replaced by `values[name]`.
    public static func format(_ key: DigestKey, _ language: DigestLanguage, _ values: [String: String] = [:]) -> String
    {
        let template = table(for: language)[key] ?? english[key] ?? key.rawValue
        guard !values.isEmpty else { return template }
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            output += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    /// The `{name}` placeholders of a template.
    public static func placeholders(of template: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static let english: [DigestKey: String] = [
        .kindFailed: "failed",
        .kindTimedOut: "timed out",
        .kindAborted: "aborted",
        .kindMissing: "missing",
        .kindLate: "late",
        .kindRunningLong: "running long",
        .kindDeadlineMissed: "deadline missed",
        .kindAlarm: "alarm",
        .kindCheckError: "check error",

        .countOfKind: "{count} {kind}",
        .listSeparator: ", ",
        .clauseSeparator: "; ",

        .durationHours: "{n}h",
        .durationMinutes: "{n}m",
        .durationSeconds: "{n}s",

        .headline: "{summary} — {window}{incomplete}",
        .allClear: "All clear",
        .headlineIncomplete: " (INCOMPLETE: some things could not be checked)",
        .windowDay: "{day} {zone}",
        .windowRange: "{from} – {to} {zone}",
        .titled: "batchwatch: {headline}",

        .checkedJobs: "{count} jobs",
        .checkedStateMachines: "{count} state machines",
        .checkedExecutions: "{count} executions",
        .checkedAlarms: "{count} alarms",
        .checkedSkipped: "{count} skipped",
        .checkedIgnored: "{count} hidden by ignore rules",
        .streakInARow: "{nth} {unit} in a row",
        .lastSuccess: "last success {time}",
        .recovered: "✅ recovered: {job}, after {count} bad {unit}",
        .unitNight: "night",
        .unitNights: "nights",
        .unitRun: "run",
        .unitRuns: "runs",

        .textNote: "note: {note}",
        .textChecked: "checked: {summary}",
        .markdownLine: "**{job}** {kind} at {when}{detail}{link}",
        .markdownDetail: ": {detail}",
        .markdownLink: " ([execution]({url}))",
        .markdownNote: "_note:_ {note}",
        .markdownChecked: "_Checked: {summary}._",

        .inState: "in {state}",
        .startedLate: "started {delay} late, grace {grace}",
        .neverStarted: "never started",
        .took: "took {duration}, limit {limit}",
        .stillRunningAfter: "still running after {limit}",
        .succeededLate: "succeeded at {at}, {late} late, due {due}",
        .startedOnlyAt: "started only at {at}, due {due}",
        .stillRunningAtDeadline: "still running at the deadline (started {started}), due {due}",
        .notStartedByDeadline: "not started by the deadline, due {due}",
        .alarmBackToOK: "back to OK at {time}",
        .alarmStateAt: "{state} at {time}",
        .alarmStillInAlarm: "still in ALARM at the end of the window",
        .mapRunFailed: "Map Run failed",
        .mapRunOneItemFailed: "Map Run failed: 1 item failed",
        .mapRunItemsFailed: "Map Run failed: {count} items failed",

        .scheduleKindRule: "rule",
        .scheduleKindSchedule: "schedule",
        .scheduleNoneStartsIt: "no EventBridge rule or Scheduler schedule starts it",
        .scheduleIsState: "its {kind} {name} is {state}",
        .scheduleFlexibleWindow: "its {kind} {name} starts it within a {minutes}-minute flexible window",
        .scheduleExpression: "{kind} {name}: {expression}",
        .scheduleNotThatDay: "AWS does not start it that day ({schedules})",
        .scheduleNowAt: "AWS now starts it at {time} {zone}",

        .noteRedrivenOnce: "{job}: run {run} failed and was redriven to success (1 redrive)",
        .noteRedriven: "{job}: run {run} failed and was redriven to success ({count} redrives)",
        .noteAutoNoSchedule: "{job}: schedule: auto, but no EventBridge rule or Scheduler schedule starts {machine}",
        .noteScheduleState: "{job}: its {kind} {name} is {state}{since}",
        .noteScheduleSince: " since {time}",
        .noteNotChecked: "{job}: {kind} {name} is not checked: {reason}",
        .noteExpressionUnreadable: "its expression cannot be read",
        .noteExpressSkipped:
            "{machine}: skipped, an Express state machine (ListExecutions does not serve Express executions)",
        .noteSchedulesUnreadable:
            "the schedules in AWS could not be read to explain {count} missing or late start(s) ({error})",
        .noteMetricsFallback:
            "AWS/States metrics could not be read, so every state machine was listed instead ({error})",
        .noteHistoryUnreadable:
            "{machine}: its history could not be read, so streaks and recoveries are not shown ({error})",
        .noteAccountIdUnreadable:
            "the account id could not be read ({error}); findings take it from their state machine ARNs",
        .noteScoped: "{scope}: {note}",
        .ignoreRuleTitle: "ignore rule for {subject}{reason}",
        .ignoreRuleReason: " ({reason})",
        .noteIgnoreExpiredOn: "{rule} expired on {until}",
        .noteIgnoreExpiredAt: "{rule} expired at {until}",

        .slackHeader: "batchwatch: {problems} {when}{incomplete}",
        .slackOneProblem: "1 problem",
        .slackProblems: "{count} problems",
        .slackOnDay: "on {day}",
        .slackInWindow: "in {window}",
        .slackIncomplete: " (check incomplete)",
        .slackAllClear: "✅ batchwatch: {headline} · checked {summary}",
        .slackOpenExecution: "Open execution",
        .slackSignInTo: " (sign in to {account})",
        .slackMore:
            "…and {omitted} more ({total} problems in all: {counts}). Run `batchwatch check` for the full list.",
        .slackContext: "Window {window} · {total} problems: {counts} · checked {summary}",
        .fallbackMoreLines: "…and {count} more lines",

        .snsCutNotice:
            "… digest cut: {count} more lines left out to stay within SNS's 256 KB limit; run `batchwatch check` for all of it.",
        .stepRedrive: "Open the failed executions from the links above, then redrive or re-run them",
        .stepSchedules: "Check the schedules and rules that should have started the missing or late jobs",
        .stepRunningLong: "Look at the long-running executions before they overlap the next run",
        .stepDeadline: "Tell the people waiting for the data that it was not ready by its deadline",
        .stepAlarms: "Look at the alarms that went into ALARM",
        .stepCheckErrors: "Some things could not be checked: fix the access or throttling named in the check errors",
    ]

    static let japanese: [DigestKey: String] = [
        .kindFailed: "失敗",
        .kindTimedOut: "タイムアウト",
        .kindAborted: "中断",
        .kindMissing: "未実行",
        .kindLate: "開始遅延",
        .kindRunningLong: "長時間実行",
        .kindDeadlineMissed: "期限超過",
        .kindAlarm: "アラーム",
        .kindCheckError: "確認エラー",

        .countOfKind: "{kind} {count}件",
        .listSeparator: "、",
        .clauseSeparator: "；",

        .durationHours: "{n}時間",
        .durationMinutes: "{n}分",
        .durationSeconds: "{n}秒",

        .headline: "{summary} — {window}{incomplete}",
        .allClear: "異常なし",
        .headlineIncomplete: "（未完了: 確認できなかった対象があります）",
        .windowDay: "{day} {zone}",
        .windowRange: "{from} – {to} {zone}",
        .titled: "batchwatch: {headline}",

        .checkedJobs: "ジョブ {count}件",
        .checkedStateMachines: "ステートマシン {count}件",
        .checkedExecutions: "実行 {count}件",
        .checkedAlarms: "アラーム {count}件",
        .checkedSkipped: "スキップ {count}件",
        .checkedIgnored: "無視ルールで非表示 {count}件",
        .streakInARow: "{nth}{unit}連続",
        .lastSuccess: "最終成功 {time}",
        .recovered: "✅ 回復: {job}（{count}{unit}連続の失敗の後）",
        .unitNight: "夜",
        .unitNights: "夜",
        .unitRun: "回",
        .unitRuns: "回",

        .textNote: "補足: {note}",
        .textChecked: "確認対象: {summary}",
        .markdownLine: "**{job}** {kind}（{when}）{detail}{link}",
        .markdownDetail: ": {detail}",
        .markdownLink: " ([実行を開く]({url}))",
        .markdownNote: "_補足:_ {note}",
        .markdownChecked: "_確認対象: {summary}_",

        .inState: "ステート {state}",
        .startedLate: "{delay}遅れて開始（猶予 {grace}）",
        .neverStarted: "開始されていません",
        .took: "所要 {duration}（上限 {limit}）",
        .stillRunningAfter: "{limit}を過ぎても実行中",
        .succeededLate: "{at} に成功（{late}超過、期限 {due}）",
        .startedOnlyAt: "{at} にようやく開始（期限 {due}）",
        .stillRunningAtDeadline: "期限の時点で実行中（{started} 開始、期限 {due}）",
        .notStartedByDeadline: "期限までに開始されていません（期限 {due}）",
        .alarmBackToOK: "{time} に OK へ復帰",
        .alarmStateAt: "{time} に {state}",
        .alarmStillInAlarm: "対象期間の終わりまで ALARM のまま",
        .mapRunFailed: "Map Run が失敗",
        .mapRunOneItemFailed: "Map Run が失敗（失敗した項目 1件）",
        .mapRunItemsFailed: "Map Run が失敗（失敗した項目 {count}件）",

        .scheduleKindRule: "ルール",
        .scheduleKindSchedule: "スケジュール",
        .scheduleNoneStartsIt: "起動する EventBridge ルールも Scheduler スケジュールもありません",
        .scheduleIsState: "{kind} {name} は {state}",
        .scheduleFlexibleWindow: "{kind} {name} は {minutes}分のフレックスウィンドウ内で起動します",
        .scheduleExpression: "{kind} {name}: {expression}",
        .scheduleNotThatDay: "AWS はこの日に起動しません（{schedules}）",
        .scheduleNowAt: "AWS は現在 {time} {zone} に起動します",

        .noteRedrivenOnce: "{job}: 実行 {run} は失敗しましたが、再実行（redrive 1回）で成功しました",
        .noteRedriven: "{job}: 実行 {run} は失敗しましたが、再実行（redrive {count}回）で成功しました",
        .noteAutoNoSchedule: "{job}: schedule: auto ですが、{machine} を起動する EventBridge ルールも Scheduler スケジュールもありません",
        .noteScheduleState: "{job}: {kind} {name} は {state}{since}",
        .noteScheduleSince: "（{time} 以降）",
        .noteNotChecked: "{job}: {kind} {name} は確認していません: {reason}",
        .noteExpressionUnreadable: "式を読み取れません",
        .noteExpressSkipped: "{machine}: Express ステートマシンのためスキップしました（ListExecutions は Express の実行を返しません）",
        .noteSchedulesUnreadable: "未実行・開始遅延 {count}件の理由を調べる AWS のスケジュールを読み取れませんでした（{error}）",
        .noteMetricsFallback: "AWS/States メトリクスを読み取れなかったため、すべてのステートマシンの実行を一覧しました（{error}）",
        .noteHistoryUnreadable: "{machine}: 実行履歴を読み取れなかったため、連続失敗と回復は表示していません（{error}）",
        .noteAccountIdUnreadable: "アカウント ID を読み取れなかったため、各検出のアカウントはステートマシンの ARN から取りました（{error}）",
        .noteScoped: "{scope}: {note}",
        .ignoreRuleTitle: "{subject} の無視ルール{reason}",
        .ignoreRuleReason: "（{reason}）",
        .noteIgnoreExpiredOn: "{rule}は {until} に期限切れになりました",
        .noteIgnoreExpiredAt: "{rule}は {until} に期限切れになりました",

        .slackHeader: "batchwatch: {problems}{when}{incomplete}",
        .slackOneProblem: "問題 1件",
        .slackProblems: "問題 {count}件",
        .slackOnDay: "（{day}）",
        .slackInWindow: "（{window}）",
        .slackIncomplete: "（確認未完了）",
        .slackAllClear: "✅ batchwatch: {headline} · 確認対象: {summary}",
        .slackOpenExecution: "実行を開く",
        .slackSignInTo: "（{account} にサインイン）",
        .slackMore: "ほか {omitted} 件（問題は全部で {total}件: {counts}）。すべて見るには `batchwatch check` を実行してください。",
        .slackContext: "対象期間 {window} · 問題 {total}件: {counts} · 確認対象: {summary}",
        .fallbackMoreLines: "ほか {count} 行",

        .snsCutNotice: "… ダイジェストを省略: SNS の 256 KB 制限に収めるため、ほか {count} 行を省きました。すべて見るには `batchwatch check` を実行してください。",
        .stepRedrive: "上のリンクから失敗した実行を開き、redrive または再実行してください",
        .stepSchedules: "未実行・開始遅延のジョブを起動するはずのスケジュールとルールを確認してください",
        .stepRunningLong: "次の実行と重なる前に、長時間実行中の実行を確認してください",
        .stepDeadline: "データを待っている人に、期限までに準備できなかったことを伝えてください",
        .stepAlarms: "ALARM になったアラームを確認してください",
        .stepCheckErrors: "確認できなかった対象があります: 確認エラーに示されたアクセス権限やスロットリングを解消してください",
    ]
}
