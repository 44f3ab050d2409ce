import BatchwatchConfig
import Foundation
import ScheduleDiscovery

/// Step 6: what AWS's own schedules say about a `missing` or `late` occurrence of a job with a
/// written `cron()` or `rate()` schedule (a 5-field cron is a host's crontab line, not AWS's): a disabled or deleted rule, a schedule changed to another time, a flexible
/// window. The rules and schedules are read only here, only when such a finding exists (or were
/// read already for `schedule: auto`): a job whose runs came on time needs no such call.
struct ExplainProblems: Sendable {
    let configuration: BatchwatchConfiguration
    let readSchedules: ReadSchedules

    func run(
        _ findings: [Finding], jobs: [(job: BatchwatchConfiguration.Job, machine: StateMachineSummary)],
        schedules known: [String: [DiscoveredSchedule]]?, now: Date
    ) async -> (findings: [Finding], notes: [DigestText]) {
        // A 5-field cron is a host's crontab line: AWS's schedules say nothing about it.
        let written = Dictionary(
            jobs.filter {
                if case .expression(let schedule) = $0.job.schedule { schedule.kind != .unixCron } else { false }
            }
            .map { ($0.job.name, $0) },
            uniquingKeysWith: { first, _ in first })
        let explained = findings.filter {
            [.missing, .late].contains($0.kind) && $0.expectedAt != nil && written[$0.job] != nil
        }
        guard !explained.isEmpty else { return (findings, []) }
        var schedules = known
        var notes: [DigestText] = []
        if schedules == nil {
            let machines = explained.compactMap { written[$0.job] }
            let output = await readSchedules.run(jobs: machines, now: now)
            schedules = output.schedules
            if schedules == nil {
                notes.append(
                    .schedulesUnreadable(count: explained.count, error: output.error.map { "\($0)" } ?? "unknown error")
                )
            }
        }
        guard let schedules else { return (findings, notes) }
        let annotated = findings.map { finding -> Finding in
            guard explained.contains(finding), let (job, machine) = written[finding.job],
                let expected = finding.expectedAt,
                let reason = ScheduleExplanation.explain(
                    expected: expected, isLate: finding.kind == .late,
                    discovered: schedules[machine.stateMachineArn] ?? [],
                    timeZone: configuration.timeZone(for: job))
            else { return finding }
            var finding = finding
            finding.details = (finding.kind == .missing ? [] : finding.details) + [.schedule(reason)]
            return finding
        }
        return (annotated, notes)
    }
}
