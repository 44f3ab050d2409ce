import BatchwatchConfig
import Foundation

/// Step 1: which state machines the check reads. Names are resolved to ARNs (ListStateMachines,
/// read once), Express machines are set apart here and only here, and a job that cannot be
/// resolved becomes a finding.
struct ResolveTargets: Sendable {
    let configuration: BatchwatchConfiguration
    let stepFunctions: StepFunctionsReader
    let region: String

    /// What was resolved.
    struct Output: Sendable {
        /// Jobs with the Standard machine each names, in configuration order.
        var jobs: [(job: BatchwatchConfiguration.Job, machine: StateMachineSummary)] = []
        /// Standard machines no job names (with `include_unscheduled`).
        var unscheduled: [StateMachineSummary] = []
        /// Express machines no job names: ListExecutions cannot read them, so they are counted.
        var skipped: [StateMachineSummary] = []
        var report = StepReport()
    }

    func run(now: Date) async -> Output {
        var output = Output()
        let needsListing =
            configuration.includeUnscheduled
            || configuration.jobs.contains {
                if case .name = $0.stateMachine { return true } else { return false }
            }
        var listed: [StateMachineSummary]?
        if needsListing {
            do {
                listed = try await stepFunctions.stateMachines()
            } catch {
                output.report.findings.append(.checkError(of: .stateMachines, at: now, error: error))
            }
        }
        var claimed = Set<String>()  // ARNs of the machines jobs name, Express ones included
        for job in configuration.jobs {
            let machine: StateMachineSummary
            switch job.stateMachine {
            case .arn(let arn):
                machine =
                    listed?.first { $0.stateMachineArn == arn }
                    ?? StateMachineSummary(stateMachineArn: arn, name: job.stateMachine.name, type: .standard)
            case .name(let name):
                guard let listed else { continue }  // the listing error is already a finding
                guard let found = listed.first(where: { $0.name == name }) else {
                    output.report.findings.append(
                        Finding(
                            kind: .checkError, job: job.name, at: now, error: "StateMachineDoesNotExist",
                            cause: "no state machine named '\(name)' in \(region)"))
                    continue
                }
                machine = found
            }
            claimed.insert(machine.stateMachineArn)
            guard !machine.isExpress else {
                output.report.findings.append(
                    Finding(
                        kind: .checkError, job: job.name, at: now, error: "ExpressStateMachine",
                        cause: "\(machine.name) is an Express state machine: ListExecutions cannot read its runs"))
                continue
            }
            output.jobs.append((job, machine))
        }
        if configuration.includeUnscheduled, let listed {
            for machine in listed where !claimed.contains(machine.stateMachineArn) {
                if machine.isExpress { output.skipped.append(machine) } else { output.unscheduled.append(machine) }
            }
        }
        output.report.notes += output.skipped.map { .expressSkipped(machine: $0.name) }
        return output
    }
}
