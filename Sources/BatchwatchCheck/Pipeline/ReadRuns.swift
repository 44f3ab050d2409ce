import AWSClient
import Foundation
import Logging

/// Step 5: each target's executions, listed back to the earliest instant that matters, and
/// classified against its jobs (`RunClassifier`). A machine that cannot be listed is a
/// check_error for each of its jobs (or itself, when no job names it).
struct ReadRuns: Sendable {
    let stepFunctions: StepFunctionsReader
    let classifier: RunClassifier
    let concurrency: Int
    let logger: Logger

    struct Output: Sendable {
        var report = StepReport()
        var executionsRead = 0
        /// What was read of each machine, by ARN, older executions on the pages included: where
        /// `ReadHistory` starts reading back.
        var listings: [String: ExecutionPage] = [:]
    }

    func run(_ targets: [CheckTarget]) async -> Output {
        let results = await concurrentMap(targets, limit: concurrency) { target in await read(target) }
        var output = Output()
        for (target, (report, count, listing)) in zip(targets, results) {
            output.report += report
            output.executionsRead += count
            output.listings[target.arn] = listing
        }
        return output
    }

    private func read(_ target: CheckTarget) async -> (StepReport, Int, ExecutionPage?) {
        let longest = target.jobs.compactMap(\.maxDuration).max() ?? 0
        let earliestDeadlineOccurrence = target.jobs.flatMap(\.deadlines).map(\.occurrence).min() ?? .distantFuture
        let notBefore = min(classifier.window.from.addingTimeInterval(-longest), earliestDeadlineOccurrence)
            .addingTimeInterval(-RunClassifier.earlyStartTolerance)
        do {
            let listing = try await stepFunctions.listing(of: target.arn, notBefore: notBefore)
            let executions = listing.executions.filter { $0.startDate >= notBefore }
            logger.debug("read \(executions.count) executions", metadata: ["stateMachine": "\(target.name)"])
            let outcome = classifier.classify(executions: executions, jobs: target.jobs, machineName: target.name)
            return (StepReport(findings: outcome.findings, notes: outcome.notes), executions.count, listing)
        } catch {
            let owners = target.jobs.isEmpty ? [target.name] : Array(Set(target.jobs.map(\.name))).sorted()
            let subject: FindingSubject = target.jobs.isEmpty ? .stateMachine : .job
            let findings = owners.map {
                Finding.checkError(job: $0, subject: subject, at: classifier.now, error: error)
            }
            return (StepReport(findings: findings), 0, nil)
        }
    }
}
