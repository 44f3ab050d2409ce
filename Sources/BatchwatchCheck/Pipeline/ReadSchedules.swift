import AWSClient
import BatchwatchConfig
import Foundation
import ScheduleDiscovery

/// Step 2: the schedules AWS holds for the jobs' machines (EventBridge rules, Scheduler
/// schedules), read in one pass for all of them (what it costs does not grow with the number of
/// machines, but for GetSchedule): what `schedule: auto` checks, and what explains a missing or
/// late start of a job with a written schedule.
struct ReadSchedules: Sendable {
    let client: AWSClient
    let concurrency: Int

    /// The schedules by machine ARN, or the error that kept them from being read.
    struct Output: Sendable {
        var schedules: [String: [DiscoveredSchedule]]?
        var error: AWSError?
    }

    func run(jobs: [(job: BatchwatchConfiguration.Job, machine: StateMachineSummary)], now: Date) async -> Output {
        let arns = Array(Set(jobs.map(\.machine.stateMachineArn))).sorted()
        guard !arns.isEmpty else { return Output(schedules: [:]) }
        do {
            return Output(
                schedules: try await ScheduleDiscoverer(client: client, concurrency: concurrency).schedules(
                    forStateMachineArns: arns))
        } catch let error as AWSError {
            return Output(schedules: nil, error: error)
        } catch {
            return Output(
                schedules: nil,
                error: AWSError(kind: .service, message: "\(error)", service: "events", operation: "ListRules"))
        }
    }
}
