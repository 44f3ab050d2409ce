import BatchwatchConfig
import Foundation
import Schedules

/// One EventBridge rule or Scheduler schedule that starts a state machine, as AWS holds it.
public struct DiscoveredSchedule: Sendable, Equatable {
    /// Where the schedule lives in AWS.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// An EventBridge rule on the default event bus (its expression is read in UTC).
        case rule(name: String)
        /// An EventBridge Scheduler schedule.
        case schedule(group: String, name: String)

        /// The rule's name, or the schedule's name (prefixed by its group unless that is `default`).
        public var name: String {
            switch self {
            case .rule(let name): name
            case .schedule(let group, let name): group == "default" ? name : "\(group)/\(name)"
            }
        }

        /// `rule NAME` or `schedule GROUP/NAME`.
        public var description: String {
            switch self {
            case .rule(let name): "rule \(name)"
            case .schedule(let group, let name): "schedule \(group)/\(name)"
            }
        }
    }

    /// The rule or schedule.
    public var source: Source
    /// The state machine it starts.
    public var stateMachineArn: String
    /// The expression exactly as AWS holds it (`cron(0 17 * * ? *)`, `rate(1 hour)`, `at(...)`).
    public var expression: String
    /// The parsed expression; `nil` when batchwatch cannot use it (see `unusableReason`).
    public var schedule: Schedule?
    /// Why `schedule` is `nil`: a one-time `at(...)` schedule, an unreadable expression or timezone.
    public var unusableReason: String?
    /// The zone the expression is read in: UTC for rules, `ScheduleExpressionTimezone` for schedules.
    public var timeZone: TimeZone
    /// The flexible time window (`MaximumWindowInMinutes`) in seconds; 0 when it is `OFF`.
    public var flexibleWindow: TimeInterval
    /// The state as AWS reports it.
    public var state: ScheduleState
    /// Scheduler `StartDate`: no run before it.
    public var startDate: Date?
    /// Scheduler `EndDate`: no run at or after it.
    public var endDate: Date?
    /// Scheduler `LastModificationDate` (rules do not report one).
    public var lastModified: Date?

    /// Creates a discovered schedule; `schedule`, `unusableReason` and the dates are optional.
    public init(
        source: Source, stateMachineArn: String, expression: String, schedule: Schedule?, unusableReason: String? = nil,
        timeZone: TimeZone, flexibleWindow: TimeInterval = 0, state: ScheduleState, startDate: Date? = nil,
        endDate: Date? = nil, lastModified: Date? = nil
    ) {
        self.source = source
        self.stateMachineArn = stateMachineArn
        self.expression = expression
        self.schedule = schedule
        self.unusableReason = unusableReason
        self.timeZone = timeZone
        self.flexibleWindow = flexibleWindow
        self.state = state
        self.startDate = startDate
        self.endDate = endDate
        self.lastModified = lastModified
    }

    /// Whether AWS runs it: `ENABLED` (or `ENABLED_WITH_…`), not `DISABLED`.
    public var isEnabled: Bool { state.isEnabled }

    /// Whether its `EndDate` has passed at `instant`: it will never run again.
    public func hasEnded(at instant: Date) -> Bool {
        endDate.map { $0 <= instant } ?? false
    }

    /// The grace for a start: `base` (a job's `start_within`, default 15 minutes) plus the flexible window.
    public func startWithin(base: TimeInterval = BatchwatchConfiguration.Job.defaultStartWithin) -> TimeInterval {
        base + flexibleWindow
    }

    /// The expected starts in `[start, end)` in the schedule's own timezone, limited to its start and
    /// end dates. Does not look at `state`: a disabled schedule still lists when it would run.
    /// Empty when the expression is unusable.
    public func occurrences(from start: Date, to end: Date) -> [Date] {
        guard let schedule else { return [] }
        let from = max(start, startDate ?? start)
        let to = min(end, endDate ?? end)
        return schedule.occurrences(from: from, to: to, in: timeZone)
    }

    /// The zone's name as the configuration writes it (`UTC`, `America/New_York`).
    public var timeZoneName: String { BatchwatchConfiguration.displayName(of: timeZone) }
}

/// A Standard state machine and every rule and schedule that starts it.
public struct DiscoveredStateMachine: Sendable, Equatable {
    /// The state machine's ARN.
    public var arn: String
    /// Its name.
    public var name: String
    /// The rules first (by name), then the Scheduler schedules (by group and name); empty when nothing
    /// starts it on a schedule.
    public var schedules: [DiscoveredSchedule]
    /// With several accounts: the account's name, written in its jobs' `accounts:`.
    public var account: String?
    /// With several Regions: the Region it was listed in, written in its jobs' `regions:`.
    public var region: String?

    /// Creates an entry; `account` and `region` place its jobs when several are read.
    public init(
        arn: String, name: String, schedules: [DiscoveredSchedule], account: String? = nil, region: String? = nil
    ) {
        self.arn = arn
        self.name = name
        self.schedules = schedules
        self.account = account
        self.region = region
    }

    /// `prod us-east-1`, `prod` or `us-east-1`: where it was listed; `nil` with one account and Region.
    public var placement: String? {
        let parts = [account, region].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}

/// The state of an EventBridge rule or Scheduler schedule. Read leniently: a state this code does
/// not know is kept as AWS spells it, and shown so.
public enum ScheduleState: Sendable, Hashable, RawRepresentable, Codable, CustomStringConvertible {
    case enabled
    case disabled
    /// Another state, such as a rule's `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    case other(String)

    /// The state AWS calls `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "ENABLED": self = .enabled
        case "DISABLED": self = .disabled
        default: self = .other(rawValue)
        }
    }

    /// The state as AWS spells it.
    public var rawValue: String {
        switch self {
        case .enabled: "ENABLED"
        case .disabled: "DISABLED"
        case .other(let value): value
        }
    }

    public var description: String { rawValue }

    /// Whether AWS runs it: `ENABLED` or an `ENABLED_WITH_…` variant.
    public var isEnabled: Bool {
        switch self {
        case .enabled: true
        case .disabled: false
        case .other(let value): value.uppercased().hasPrefix("ENABLED")
        }
    }
}
