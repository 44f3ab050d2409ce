import AWSClient
import BatchwatchConfig
import Foundation
import ScheduleDiscovery

/// `batchwatch validate --against-aws`: every job with a written schedule compared with what AWS's
/// own schedules (EventBridge rules, Scheduler schedules) start over the next 14 days. The check
/// itself reads those only to explain a missing or late start; this reads them for every job.
public struct ScheduleComparison: Sendable {
    let configuration: BatchwatchConfiguration
    let client: AWSClient

    public init(configuration: BatchwatchConfiguration, client: AWSClient) {
        self.configuration = configuration
        self.client = client
    }

    /// One line per job with a written schedule (a drift, agreement, or why it was not compared),
    /// and the errors that kept AWS from being read.
    public func run(now: Date) async -> (lines: [String], errors: [String]) {
        let resolved = await ResolveTargets(
            configuration: configuration, stepFunctions: StepFunctionsReader(client: client), region: client.region
        ).run(now: now)
        var errors = resolved.report.findings.map { "\($0.job): \($0.cause ?? $0.error ?? "cannot be resolved")" }
        let written = resolved.jobs.filter { $0.job.schedule != .auto }
        let read = await ReadSchedules(client: client, concurrency: configuration.concurrency).run(
            jobs: written, now: now)
        guard let schedules = read.schedules else {
            errors.append("the schedules in AWS could not be read: \(read.error.map { "\($0)" } ?? "unknown error")")
            return ([], errors)
        }
        let lines = written.compactMap { job, machine -> String? in
            guard case .expression(let schedule) = job.schedule else { return nil }
            let discovered = schedules[machine.stateMachineArn] ?? []
            let zone = configuration.timeZone(for: job)
            guard !discovered.isEmpty else {
                return
                    "\(job.name): nothing in AWS starts \(machine.name) on a schedule (no rule or Scheduler schedule)"
            }
            let sources = discovered.map { "\($0.source.kindName) \($0.source.qualifiedName)" }.joined(separator: ", ")
            guard
                let drift = ScheduleDrift.compare(
                    configured: schedule, timeZone: zone, discovered: discovered, from: now)
            else {
                return "\(job.name): matches AWS (\(sources))"
            }
            return "\(job.name): differs from AWS (\(sources)): \(drift.summary(in: zone))"
        }
        return (lines, errors)
    }
}
