import Foundation

/// A Standard state machine the check reads, with the jobs that expect runs of it (none:
/// unscheduled). Express machines never become targets: `ResolveTargets` decides that once.
struct CheckTarget: Sendable, Equatable {
    var arn: String
    var name: String
    var jobs: [JobExpectation]
    /// When the machine was created, when ListStateMachines gave it: history starts there.
    var creationDate: Date? = nil
}

/// What one step of the check adds to the report besides its value: findings and notes.
struct StepReport: Sendable, Equatable {
    var findings: [Finding] = []
    var notes: [DigestText] = []

    static func += (left: inout StepReport, right: StepReport) {
        left.findings += right.findings
        left.notes += right.notes
    }
}
