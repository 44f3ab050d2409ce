import BatchwatchConfig
import Foundation

/// The last step: drops the findings an `ignore` rule matches (a rule's `cause` glob is tried on
/// the cause and on its message). A check_error is never dropped.
struct FilterIgnored: Sendable {
    let rules: [IgnoreRule]

    /// The findings kept, and how many were dropped.
    func run(_ findings: [Finding]) -> (kept: [Finding], ignored: Int) {
        let kept = findings.filter { finding in
            finding.kind == .checkError || !rules.contains { rule in
                [finding.cause, finding.message].contains { text in
                    rule.matches(job: finding.job, error: finding.error, state: finding.state, cause: text)
                }
            }
        }
        return (kept, findings.count - kept.count)
    }
}
