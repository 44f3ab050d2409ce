import BatchwatchConfig
import Foundation

/// What kind of problem a finding reports; the raw values are the `kind` strings of the JSON document (README, "The JSON document").
public enum FindingKind: String, Sendable, Codable, CaseIterable {
    case failed
    case timedOut = "timed_out"
    case aborted
    case missing
    case late
    case runningLong = "running_long"
    case deadlineMissed = "deadline_missed"
    case alarm
    case checkError = "check_error"

    /// Lower is more serious: what a shortened digest shows first.
    public var seriousness: Int {
        switch self {
        case .failed, .timedOut, .missing, .checkError: 0
        case .aborted, .runningLong, .deadlineMissed: 1
        case .late, .alarm: 2
        }
    }

    /// The English label ("timed out", "running long"); see `label(in:)`.
    public var label: String { label(in: .en) }
}

/// What a finding's `job` names. The JSON document calls it `job` whatever it is.
public enum FindingSubject: Sendable, Equatable {
    /// A job of the configuration.
    case job
    /// A state machine that no job names.
    case stateMachine
    /// A CloudWatch alarm.
    case alarm
    /// An account (its name) that could not be read at all.
    case account
    /// A read that covers several things at once and could not be done.
    case read(WholeRead)

    /// The reads that cover several things at once; the raw value is what `job` says.
    public enum WholeRead: String, Sendable, Equatable {
        case stateMachines = "state machines"
        case alarms
        case organization
    }
}

/// One problem found by a check. Fields that do not apply to its kind are `nil`.
public struct Finding: Sendable, Equatable {
    public var kind: FindingKind
    /// The name of what `subject` says it is about: a job, a state machine, an alarm, an account,
    /// or a whole read (`state machines`, `alarms`, `organization`).
    public var job: String
    /// What `job` names.
    public var subject: FindingSubject = .job
    /// When the problem happened (README, "How a check decides", for each kind).
    public var at: Date
    /// The expected start of the occurrence this finding is about.
    public var expectedAt: Date?
    public var executionArn: String?
    public var error: String?
    /// The execution's (or alarm's) own cause, verbatim: a Lambda error's JSON stays JSON.
    public var cause: String?
    /// The human text taken from `cause` (a Lambda error's `errorMessage`), when it differs from it.
    public var message: String?
    /// The failing state, or the Map state of a failed Map Run.
    public var state: String?
    /// The console deep link of the execution.
    public var url: String?
    /// What the digests say besides the JSON document's fields ("still running after 2h", "back to OK
    /// at 03:12"), in order; rendered in the digest's language.
    public var details: [DigestText]
    /// How many bad occurrences (or runs, for a machine no job names) in a row end with this one
    /// (failed, timed_out, aborted and missing findings; README, "Across nights").
    public var streak: Int?
    /// Whether `streak` counts nights (a daily job) or runs.
    public var streakUnit: StreakUnit?
    /// The stop of the latest successful run of the job (or machine) before this one.
    public var lastSuccess: Date?
    /// The 12-digit account it was found in.
    public var account: String?
    /// The Region it was found in.
    public var region: String?

    public init(
        kind: FindingKind, job: String, at: Date, expectedAt: Date? = nil, executionArn: String? = nil,
        error: String? = nil, cause: String? = nil, message: String? = nil, state: String? = nil, url: String? = nil,
        detail: DigestText? = nil
    ) {
        self.kind = kind
        self.job = job
        self.at = at
        self.expectedAt = expectedAt
        self.executionArn = executionArn
        self.error = error
        self.cause = cause
        self.message = message
        self.state = state
        self.url = url
        self.details = detail.map { [$0] } ?? []
    }

    /// The particulars in English, joined as the digests join them; `nil` when there are none.
    public var detail: String? {
        details.isEmpty ? nil : details.map(\.description).joined(separator: " · ")
    }
}

extension Finding {
    /// The human text of a cause: a Lambda task's cause is its error as JSON (`{"errorMessage": …,
    /// "errorType": …, "stackTrace": …}`) and its message is what a person needs (the error type
    /// is already the finding's `error`); `nil` for any other cause, which is read as it is.
    public static func message(fromCause cause: String) -> String? {
        struct LambdaError: Decodable {
            var errorMessage: String
        }
        guard cause.hasPrefix("{"), let error = try? JSONDecoder().decode(LambdaError.self, from: Data(cause.utf8)),
            error.errorMessage != cause
        else { return nil }
        return error.errorMessage
    }

    /// What a digest shows of the cause: the message when there is one, else the cause.
    public var readableCause: String? { message ?? cause }
}

/// What a streak counts: nights for a job that runs once a day, runs otherwise.
public enum StreakUnit: String, Sendable, Equatable {
    case night, run
}

/// A job (or machine no job names) whose last occurrence before the window was bad and whose
/// first one in the window is good.
public struct Recovery: Sendable, Equatable {
    public var job: String
    /// The stop of the successful run that ended the streak.
    public var at: Date
    /// The streak it ended.
    public var after: Int
    public var unit: StreakUnit
    /// The 12-digit account and the Region it was found in.
    public var account: String?
    public var region: String?

    public init(job: String, at: Date, after: Int, unit: StreakUnit = .run) {
        self.job = job
        self.at = at
        self.after = after
        self.unit = unit
    }
}

/// The span of time a check covers, and the timezone its times are shown in.
public struct CheckWindow: Sendable, Equatable {
    public var from: Date
    public var to: Date
    public var timeZone: TimeZone

    public init(from: Date, to: Date, timeZone: TimeZone) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }
}

/// The outcome of the check alone; delivery shows in `CheckReport.delivery` and the exit status.
public enum CheckStatus: String, Sendable, Codable {
    case ok, problems, incomplete
}

/// What a check looked at, for the `checked` object of the JSON document.
public struct CheckedCounts: Sendable, Equatable {
    public var jobs = 0
    public var stateMachines = 0
    public var executions = 0
    public var alarms = 0
    /// State machines that could not be read and that no job names (Express machines).
    public var skipped = 0
    /// Findings dropped by `ignore:` rules.
    public var ignored = 0
    /// Accounts checked (or tried).
    public var accounts = 0
    /// Regions checked (or tried).
    public var regions = 0

    public init(
        jobs: Int = 0, stateMachines: Int = 0, executions: Int = 0, alarms: Int = 0, skipped: Int = 0, ignored: Int = 0,
        accounts: Int = 0, regions: Int = 0
    ) {
        self.accounts = accounts
        self.regions = regions
        self.jobs = jobs
        self.stateMachines = stateMachines
        self.executions = executions
        self.alarms = alarms
        self.skipped = skipped
        self.ignored = ignored
    }
}

/// Whether one delivery target accepted the digest.
public struct DeliveryOutcome: Sendable, Equatable {
    /// `slack` or `sns`.
    public var target: String
    public var ok: Bool

    public init(target: String, ok: Bool) {
        self.target = target
        self.ok = ok
    }
}

/// Everything one run of `batchwatch check` found, ready to render or deliver.
public struct CheckReport: Sendable, Equatable {
    public var window: CheckWindow
    /// Findings in time order (then by job name).
    public private(set) var findings: [Finding]
    public var checked: CheckedCounts
    /// Things the digest mentions that are not problems: recovered redrives, skipped machines,
    /// a metrics fallback, disabled schedules.
    public var notes: [DigestText]
    public var delivery: [DeliveryOutcome]
    /// Jobs and machines that recovered: news, not problems (`status` does not change).
    public var recoveries: [Recovery] = []
    /// The language the digests of this report are written in (`language`); the JSON document
    /// does not depend on it.
    public var language: DigestLanguage
    /// What the digests call each account, by 12-digit id (`accounts[].name`, the Organization's names).
    public var accountNames: [String: String] = [:]
    /// The runs the check read and the starts it expected, for the HTML timeline; `nil` when the
    /// check did not collect them (`Checker.collectsTimeline`). Not part of the JSON document.
    public var timeline: TimelineData?
    /// Where the night's timeline page is served (`report_url`): the Slack and SNS digests link it.
    public var timelineURL: String?

    public init(
        window: CheckWindow, findings: [Finding], checked: CheckedCounts, notes: [DigestText] = [],
        delivery: [DeliveryOutcome] = [],
        recoveries: [Recovery] = [], language: DigestLanguage = .en
    ) {
        self.recoveries = recoveries.sorted { ($0.at, $0.job) < ($1.at, $1.job) }
        self.window = window
        self.findings = findings.sorted { ($0.at, $0.job, $0.kind.rawValue) < ($1.at, $1.job, $1.kind.rawValue) }
        self.checked = checked
        self.notes = notes
        self.delivery = delivery
        self.language = language
    }

    /// `incomplete` when anything could not be checked, else `problems` when anything was found.
    public var status: CheckStatus {
        if findings.contains(where: { $0.kind == .checkError }) { return .incomplete }
        return findings.isEmpty ? .ok : .problems
    }

    /// Whether the digests group findings by account and Region: more than one was checked.
    public var isGrouped: Bool { checked.accounts > 1 || checked.regions > 1 }

    /// How the digests name an account: `prod (111111111111)`, or the id alone.
    public func accountLabel(_ id: String) -> String {
        guard let name = accountNames[id], name != id else { return id }
        return "\(name) (\(id))"
    }

    /// How many findings there are of each kind, in the order of `FindingKind.allCases`.
    public var countsByKind: [(kind: FindingKind, count: Int)] {
        FindingKind.allCases
            .map { kind in (kind, findings.filter { $0.kind == kind }.count) }
            .filter { $0.1 > 0 }
    }
}
