import Foundation

/// The status of a Step Functions execution, as ListExecutions reports it.
public enum ExecutionStatus: String, Sendable, Codable {
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case aborted = "ABORTED"
    case pendingRedrive = "PENDING_REDRIVE"

    /// The finding kind of an execution that ended badly, `nil` for the others.
    var failureKind: FindingKind? {
        switch self {
        case .failed: .failed
        case .timedOut: .timedOut
        case .aborted: .aborted
        case .running, .succeeded, .pendingRedrive: nil
        }
    }
}

/// One execution, as an item of ListExecutions (dates are epoch seconds on the wire).
public struct ExecutionRecord: Sendable, Equatable, Codable {
    public var executionArn: String
    public var name: String
    public var status: ExecutionStatus
    public var startDate: Date
    public var stopDate: Date?
    /// How often the execution was redriven; a redriven run counts by its current status.
    public var redriveCount: Int?
    public var redriveDate: Date?

    public init(
        executionArn: String, name: String, status: ExecutionStatus, startDate: Date, stopDate: Date? = nil,
        redriveCount: Int? = nil, redriveDate: Date? = nil
    ) {
        self.executionArn = executionArn
        self.name = name
        self.status = status
        self.startDate = startDate
        self.stopDate = stopDate
        self.redriveCount = redriveCount
        self.redriveDate = redriveDate
    }
}
