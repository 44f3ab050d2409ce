import BatchwatchConfig
import Foundation
import Schedules

/// Alongside the executions: the selected alarms' transitions into ALARM inside the window,
/// each saying whether it was back to OK by the end. An alarm named in `alarms.names` that
/// does not exist is a check_error.
struct ReadAlarms: Sendable {
    let alarms: AlarmReader
    let selection: BatchwatchConfiguration.AlarmSelection
    let region: String

    struct Output: Sendable {
        var report = StepReport()
        /// How many alarms were selected.
        var count = 0
    }

    func run(window: CheckWindow, now: Date) async -> Output {
        guard !selection.isEmpty else { return Output() }
        do {
            let names = try await alarms.alarmNames(names: selection.names, prefixes: selection.prefixes)
            let selected = Set(names)
            let transitions = try await alarms.transitions(from: window.from, to: window.to, of: selected)
                .filter { $0.timestamp >= window.from && $0.timestamp < window.to }
            let local = LocalTime(zone: window.timeZone)
            let fired = transitions.enumerated().compactMap { index, transition -> Finding? in
                guard transition.newState == .alarm else { return nil }
                let next = transitions[(index + 1)...].first {
                    $0.alarmName == transition.alarmName && $0.newState != .alarm
                }
                let detail = next.map { next -> DigestText in
                    next.newState == .ok
                        ? .alarmBackToOK(at: local.minute(next.timestamp))
                        : .alarmState(next.newState.rawValue, at: local.minute(next.timestamp))
                }
                var finding = Finding(
                    kind: .alarm, job: transition.alarmName, at: transition.timestamp, cause: transition.reason,
                    detail: detail ?? .alarmStillInAlarm)
                finding.subject = .alarm
                return finding
            }
            let absent = selection.names.filter { !selected.contains($0) }.map { name in
                var finding = Finding(
                    kind: .checkError, job: name, at: now, error: "AlarmNotFound",
                    cause: "no alarm named '\(name)' in \(region) (alarms.names)")
                finding.subject = .alarm
                return finding
            }
            return Output(report: StepReport(findings: fired + absent), count: names.count)
        } catch {
            return Output(report: StepReport(findings: [.checkError(of: .alarms, at: now, error: error)]))
        }
    }
}
