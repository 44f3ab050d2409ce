import BatchwatchConfig
import Foundation
import ScheduleDiscovery

/// A few words the check has to say that are not a field of the JSON document: a finding's
/// particulars ("started 47m late, grace 15m") and the digest's notes. The check records what
/// it saw as a value; the digests put it in words in their language (`DigestStrings`).
/// Times are already local (`03:12`); durations are rendered in the language.
public enum DigestText: Sendable, Equatable, CustomStringConvertible {
    // A finding's particulars.
    case startedLate(delay: TimeInterval, grace: TimeInterval)
    case neverStarted
    case took(TimeInterval, limit: TimeInterval)
    case stillRunningAfter(TimeInterval)
    case succeededLate(at: String, late: TimeInterval, due: String)
    case startedOnlyAt(String, due: String)
    case stillRunningAtDeadline(started: String, due: String)
    case notStartedByDeadline(due: String)
    case alarmBackToOK(at: String)
    /// The alarm left ALARM for another state (`INSUFFICIENT_DATA`).
    case alarmState(String, at: String)
    case alarmStillInAlarm
    /// A Map Run failed; how many items failed when that could be read.
    case mapRunFailed(failedItems: Int?)
    case schedule(ScheduleExplanation.Reason)

    // Notes.
    case redriven(job: String, run: String, redrives: Int)
    case autoWithoutSchedule(job: String, machine: String)
    /// `since`: when the rule or schedule was last changed, local.
    case scheduleNotEnabled(job: String, source: DiscoveredSchedule.Source, state: String, since: String?)
    /// `reason`: why the expression cannot be used, as the discoverer said it.
    case scheduleNotChecked(job: String, source: DiscoveredSchedule.Source, reason: String?)
    case expressSkipped(machine: String)
    case schedulesUnreadable(count: Int, error: String)
    case metricsFallback(error: String)
    case historyUnreadable(machine: String, error: String)
    case accountIdUnreadable(error: String)
    /// A note of one account and Region when several are checked: `prod us-east-1: …`.
    indirect case scoped(String, DigestText)
    /// `subject`: the rule's job, or its fields; `until` as the configuration wrote it.
    case ignoreRuleExpired(subject: String, reason: String?, until: String, isDay: Bool)

    /// In English: what logs and tests read.
    public var description: String { rendered(in: .en) }

    /// The words in `language`.
    public func rendered(in language: DigestLanguage) -> String {
        func text(_ key: DigestKey, _ values: [String: String] = [:]) -> String {
            DigestStrings.format(key, language, values)
        }
        func duration(_ interval: TimeInterval) -> String { DurationText.describe(interval, in: language) }
        func kind(_ source: DiscoveredSchedule.Source) -> String {
            switch source {
            case .rule: text(.scheduleKindRule)
            case .schedule: text(.scheduleKindSchedule)
            }
        }
        switch self {
        case .startedLate(let delay, let grace):
            return text(.startedLate, ["delay": duration(delay), "grace": duration(grace)])
        case .neverStarted: return text(.neverStarted)
        case .took(let took, let limit): return text(.took, ["duration": duration(took), "limit": duration(limit)])
        case .stillRunningAfter(let limit): return text(.stillRunningAfter, ["limit": duration(limit)])
        case .succeededLate(let at, let late, let due):
            return text(.succeededLate, ["at": at, "late": duration(late), "due": due])
        case .startedOnlyAt(let at, let due): return text(.startedOnlyAt, ["at": at, "due": due])
        case .stillRunningAtDeadline(let started, let due):
            return text(.stillRunningAtDeadline, ["started": started, "due": due])
        case .notStartedByDeadline(let due): return text(.notStartedByDeadline, ["due": due])
        case .alarmBackToOK(let at): return text(.alarmBackToOK, ["time": at])
        case .alarmState(let state, let at): return text(.alarmStateAt, ["state": state, "time": at])
        case .alarmStillInAlarm: return text(.alarmStillInAlarm)
        case .mapRunFailed(let items):
            guard let items else { return text(.mapRunFailed) }
            return items == 1 ? text(.mapRunOneItemFailed) : text(.mapRunItemsFailed, ["count": "\(items)"])
        case .schedule(let reason):
            switch reason {
            case .noSchedule: return text(.scheduleNoneStartsIt)
            case .notEnabled(let mentions):
                return mentions.map {
                    text(
                        .scheduleIsState,
                        ["kind": kind($0.source), "name": $0.source.qualifiedName, "state": $0.detail])
                }.joined(separator: text(.clauseSeparator))
            case .flexibleWindow(let source, let minutes):
                return text(
                    .scheduleFlexibleWindow,
                    ["kind": kind(source), "name": source.qualifiedName, "minutes": "\(minutes)"])
            case .notThatDay(let mentions):
                let schedules = mentions.map {
                    text(
                        .scheduleExpression,
                        ["kind": kind($0.source), "name": $0.source.qualifiedName, "expression": $0.detail])
                }
                return text(.scheduleNotThatDay, ["schedules": schedules.joined(separator: text(.listSeparator))])
            case .startsAt(let time, let zone): return text(.scheduleNowAt, ["time": time, "zone": zone])
            }
        case .redriven(let job, let run, let redrives):
            return redrives == 1
                ? text(.noteRedrivenOnce, ["job": job, "run": run])
                : text(.noteRedriven, ["job": job, "run": run, "count": "\(redrives)"])
        case .autoWithoutSchedule(let job, let machine):
            return text(.noteAutoNoSchedule, ["job": job, "machine": machine])
        case .scheduleNotEnabled(let job, let source, let state, let since):
            let since = since.map { text(.noteScheduleSince, ["time": $0]) } ?? ""
            return text(
                .noteScheduleState,
                ["job": job, "kind": kind(source), "name": source.qualifiedName, "state": state, "since": since])
        case .scheduleNotChecked(let job, let source, let reason):
            return text(
                .noteNotChecked,
                [
                    "job": job, "kind": kind(source), "name": source.qualifiedName,
                    "reason": reason ?? text(.noteExpressionUnreadable),
                ])
        case .expressSkipped(let machine): return text(.noteExpressSkipped, ["machine": machine])
        case .schedulesUnreadable(let count, let error):
            return text(.noteSchedulesUnreadable, ["count": "\(count)", "error": error])
        case .metricsFallback(let error): return text(.noteMetricsFallback, ["error": error])
        case .historyUnreadable(let machine, let error):
            return text(.noteHistoryUnreadable, ["machine": machine, "error": error])
        case .accountIdUnreadable(let error): return text(.noteAccountIdUnreadable, ["error": error])
        case .scoped(let scope, let note):
            return text(.noteScoped, ["scope": scope, "note": note.rendered(in: language)])
        case .ignoreRuleExpired(let subject, let reason, let until, let isDay):
            let reason = reason.map { text(.ignoreRuleReason, ["reason": $0]) } ?? ""
            let rule = text(.ignoreRuleTitle, ["subject": subject, "reason": reason])
            return text(isDay ? .noteIgnoreExpiredOn : .noteIgnoreExpiredAt, ["rule": rule, "until": until])
        }
    }
}

extension FindingKind {
    /// The kind as the digests of `language` print it ("timed out", "タイムアウト").
    public func label(in language: DigestLanguage) -> String {
        let key: DigestKey =
            switch self {
            case .failed: .kindFailed
            case .timedOut: .kindTimedOut
            case .aborted: .kindAborted
            case .missing: .kindMissing
            case .late: .kindLate
            case .runningLong: .kindRunningLong
            case .deadlineMissed: .kindDeadlineMissed
            case .alarm: .kindAlarm
            case .checkError: .kindCheckError
            }
        return DigestStrings.format(key, language)
    }
}
