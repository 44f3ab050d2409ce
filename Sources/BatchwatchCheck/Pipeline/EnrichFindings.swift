import AWSClient
import Foundation

/// Step 6: what a finding needs for a person to act on it: the console link of its execution,
/// and for a run that failed, timed out or was aborted, its failing state, error, cause and
/// stop time from the newest end of its history (and a failed Map Run's failed-item count).
struct EnrichFindings: Sendable {
    let stepFunctions: StepFunctionsReader
    let region: String
    let concurrency: Int

    func run(_ findings: [Finding], now: Date) async -> [Finding] {
        let enriched = await concurrentMap(findings, limit: concurrency) { finding in await enrich(finding, now: now) }
        return enriched.flatMap { $0 }
    }

    /// The finding with its details, and a check_error beside it when they could not be read.
    private func enrich(_ finding: Finding, now: Date) async -> [Finding] {
        var finding = finding
        finding.url = finding.executionArn.map { Checker.consoleURL(executionArn: $0, region: region) }
        guard [.failed, .timedOut, .aborted].contains(finding.kind), let arn = finding.executionArn else {
            return [finding]
        }
        do {
            let details = try await stepFunctions.failureDetails(of: arn)
            finding.state = details.state
            finding.error = details.error
            finding.cause = details.cause
            finding.message = details.cause.flatMap(Finding.message(fromCause:))
            finding.at = details.stoppedAt ?? finding.at
            if details.isMapRunFailure {
                finding.details = [.mapRunFailed(failedItems: nil)]
                if let mapRunArn = details.mapRunArn {
                    let failedItems = try await stepFunctions.failedItemCount(ofMapRun: mapRunArn)
                    finding.details = [.mapRunFailed(failedItems: failedItems)]
                }
            }
            return [finding]
        } catch {
            return [finding, .checkError(job: finding.job, at: now, error: error)]
        }
    }
}
