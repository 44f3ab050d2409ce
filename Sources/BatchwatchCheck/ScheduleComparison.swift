import AWSClient
import BatchwatchConfig
import Foundation
import Logging
import ScheduleDiscovery

/// `batchwatch validate --against-aws`: every job with a written schedule compared with what AWS's
/// own schedules (EventBridge rules, Scheduler schedules) start over the next 14 days. The check
/// itself reads those only to explain a missing or late start; this reads them for every job.
public struct ScheduleComparison: Sendable {
    let configuration: BatchwatchConfiguration
    let client: AWSClient
    let logger: Logger

    public init(configuration: BatchwatchConfiguration, client: AWSClient, logger: Logger = Logger(label: "batchwatch"))
    {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// Whether the comparison reads several accounts or Regions (each line then says which).
    public var readsSeveralPlaces: Bool { configuration.checksOtherAccounts || configuration.regions.count > 1 }

    /// One line per job with a written schedule (a drift, agreement, or why it was not compared),
    /// and the errors that kept AWS from being read. With several accounts or Regions, each job is
    /// compared in every account and Region that checks it (the check's own accounts, roles and
    /// placement), each line starting with where: `staging us-east-1: billing: matches AWS (...)`.
    public func run(now: Date) async -> (lines: [String], errors: [String]) {
        guard readsSeveralPlaces else { return await compare(configuration.jobs, client: client, now: now) }
        let accounts = AccountsChecker(configuration: configuration, client: client, logger: logger)
        let found = await accounts.slices(now: now)
        var errors = found.findings.map { "\($0.job): \($0.cause ?? $0.error ?? "cannot be read")" }
        let placed = found.slices.map { ($0, accounts.jobs(in: $0.target, region: $0.region)) }.filter { !$1.isEmpty }
        let inFlight = min(max(placed.count, 1), max(1, configuration.concurrency / 2))
        let outcomes = await concurrentMap(placed, limit: inFlight) { slice, jobs in
            await compare(jobs, client: slice.client, now: now)
        }
        var lines: [String] = []
        for ((slice, _), outcome) in zip(placed, outcomes) {
            let place = "\(slice.target.name) \(slice.region)"
            lines += outcome.lines.map { "\(place): \($0)" }
            errors += outcome.errors.map { "\(place): \($0)" }
        }
        return (lines, errors)
    }

    /// `jobs` compared in `client`'s account and Region.
    private func compare(
        _ jobs: [BatchwatchConfiguration.Job], client: AWSClient, now: Date
    ) async -> (lines: [String], errors: [String]) {
        var configuration = configuration
        configuration.jobs = jobs
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
