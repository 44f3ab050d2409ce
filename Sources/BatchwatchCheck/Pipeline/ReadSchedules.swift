import AWSClient
import BatchwatchConfig
import Foundation
import ScheduleDiscovery

/// Step 2: the schedules AWS holds for the jobs' machines (EventBridge rules, Scheduler
/// schedules), read once for all of them: what `schedule: auto` checks, and what an explicit
/// schedule is compared with.
struct ReadSchedules: Sendable {
    let client: AWSClient
    let concurrency: Int

    /// The schedules by machine ARN; `nil` when they could not be read (then each `auto` job is a
    /// check_error and the drift comparison is skipped with a note).
    struct Output: Sendable {
        var schedules: [String: [DiscoveredSchedule]]?
        var report = StepReport()
    }

    func run(jobs: [(job: BatchwatchConfiguration.Job, machine: StateMachineSummary)], now: Date) async -> Output {
        let arns = Array(Set(jobs.map(\.machine.stateMachineArn))).sorted()
        guard !arns.isEmpty else { return Output(schedules: [:]) }
        do {
            let schedules = try await ScheduleDiscoverer(client: client, concurrency: concurrency)
                .schedules(forStateMachineArns: arns)
            return Output(schedules: schedules)
        } catch {
            var output = Output(schedules: nil)
            for (job, _) in jobs where job.schedule == .auto {
                output.report.findings.append(.checkError(job: job.name, at: now, error: error))
            }
            if jobs.contains(where: { $0.job.schedule != .auto }) {
                output.report.notes.append(
                    "the schedules in AWS could not be read, so configured schedules were not compared with them (\(error))")
            }
            return output
        }
    }
}
