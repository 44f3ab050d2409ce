import BatchwatchConfig
import Foundation
import ScheduleDiscovery
import Schedules

/// Step 3: what each job expects in the window: its occurrences from the configured schedule, or
/// from every enabled schedule AWS holds (`schedule: auto`, noting where an `auto` job has nothing
/// usable).
struct ExpectOccurrences: Sendable {
    let configuration: BatchwatchConfiguration
    let window: CheckWindow

    /// The machines to read, jobs first (in configuration order), then the unscheduled ones.
    struct Output: Sendable {
        var targets: [CheckTarget] = []
        var report = StepReport()
    }

    /// `schedules`: what AWS holds, when it was read (`nil`: not read, or not readable; an `auto`
    /// job then owns its machine's runs without expected starts, and its check_error says why).
    func run(resolved: ResolveTargets.Output, schedules: [String: [DiscoveredSchedule]]?) -> Output {
        var output = Output()
        for (job, machine) in resolved.jobs {
            let discovered = schedules?[machine.stateMachineArn] ?? []
            var expectations: [JobExpectation] = []
            switch job.schedule {
            case .expression(let schedule):
                let zone = configuration.timeZone(for: job)
                expectations = [
                    JobExpectation(
                        name: job.name, occurrences: schedule.occurrences(from: window.from, to: window.to, in: zone),
                        nextOccurrence: schedule.nextOccurrences(
                            after: window.to.addingTimeInterval(-0.001), count: 1, in: zone
                        ).first,
                        startWithin: job.startWithin, maxDuration: job.maxDuration,
                        deadlines: FinishDeadline.deadlines(finishBy: job.finishBy, timeZone: zone, window: window) {
                            schedule.occurrences(from: $0, to: $1, in: zone)
                        },
                        source: .written(schedule, zone))
                ]
            case .auto:
                if schedules != nil {
                    expectations = autoExpectations(
                        job: job, machine: machine, discovered: discovered, report: &output.report)
                }
            }
            // A job with no expected start still owns its machine's runs: their failures and
            // `max_duration` are reported under its name.
            let owner = JobExpectation(
                name: job.name, occurrences: [], nextOccurrence: nil, startWithin: job.startWithin,
                maxDuration: job.maxDuration)
            add(machine, jobs: expectations.isEmpty ? [owner] : expectations, to: &output.targets)
        }
        for machine in resolved.unscheduled {
            add(machine, jobs: [], to: &output.targets)
        }
        return output
    }

    private func add(_ machine: StateMachineSummary, jobs: [JobExpectation], to targets: inout [CheckTarget]) {
        if let index = targets.firstIndex(where: { $0.arn == machine.stateMachineArn }) {
            targets[index].jobs += jobs
        } else {
            targets.append(
                CheckTarget(
                    arn: machine.stateMachineArn, name: machine.name, jobs: jobs, creationDate: machine.creationDate))
        }
    }

    /// One expectation per enabled schedule that starts the machine; disabled ones are noted once.
    private func autoExpectations(
        job: BatchwatchConfiguration.Job, machine: StateMachineSummary, discovered: [DiscoveredSchedule],
        report: inout StepReport
    ) -> [JobExpectation] {
        let local = LocalTime(zone: window.timeZone)
        if discovered.isEmpty {
            report.notes.append(.autoWithoutSchedule(job: job.name, machine: machine.name))
        }
        return discovered.compactMap { schedule in
            guard schedule.isEnabled else {
                report.notes.append(
                    .scheduleNotEnabled(
                        job: job.name, source: schedule.source, state: "\(schedule.state)",
                        since: schedule.lastModified.map(local.dayAndMinute)))
                return nil
            }
            guard schedule.schedule != nil else {
                report.notes.append(
                    .scheduleNotChecked(job: job.name, source: schedule.source, reason: schedule.unusableReason))
                return nil
            }
            let next =
                schedule.occurrences(from: window.to, to: window.to.addingTimeInterval(2 * 86_400)).first
                ?? schedule.occurrences(from: window.to, to: window.to.addingTimeInterval(400 * 86_400)).first
            return JobExpectation(
                name: job.name, occurrences: schedule.occurrences(from: window.from, to: window.to),
                nextOccurrence: next,
                startWithin: schedule.startWithin(base: job.startWithin), maxDuration: job.maxDuration,
                deadlines: FinishDeadline.deadlines(
                    finishBy: job.finishBy, timeZone: configuration.timeZone(for: job), window: window
                ) { schedule.occurrences(from: $0, to: $1) },
                source: .discovered(schedule))
        }
    }
}
