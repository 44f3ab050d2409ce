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
    }

    func run(_ targets: [CheckTarget]) async -> Output {
        let results = await concurrentMap(targets, limit: concurrency) { target in await read(target) }
        var output = Output()
        for (report, count) in results {
            output.report += report
            output.executionsRead += count
        }
        return output
    }

    private func read(_ target: CheckTarget) async -> (StepReport, Int) {
        let longest = target.jobs.compactMap(\.maxDuration).max() ?? 0
        let earliestDeadlineOccurrence = target.jobs.flatMap(\.deadlines).map(\.occurrence).min() ?? .distantFuture
        let notBefore = min(classifier.window.from.addingTimeInterval(-longest), earliestDeadlineOccurrence)
            .addingTimeInterval(-RunClassifier.earlyStartTolerance)
        do {
            let executions = try await stepFunctions.executions(of: target.arn, notBefore: notBefore)
            logger.debug("read \(executions.count) executions", metadata: ["stateMachine": "\(target.name)"])
            let outcome = classifier.classify(executions: executions, jobs: target.jobs, machineName: target.name)
            return (StepReport(findings: outcome.findings, notes: outcome.notes), executions.count)
        } catch {
            let owners = target.jobs.isEmpty ? [target.name] : Array(Set(target.jobs.map(\.name))).sorted()
            return (StepReport(findings: owners.map { .checkError(job: $0, at: classifier.now, error: error) }), 0)
        }
    }
}
