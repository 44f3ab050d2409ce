import Foundation
import Schedules

/// The whole configuration file, read into typed values.
public struct BatchwatchConfiguration: Sendable, Equatable {
    /// The file it was read from, as named to the loader.
    public var file: String
    /// `timezone`: schedules and `--date` are read in it. Default UTC.
    public var timeZone: TimeZone
    /// `region`: when `nil`, AWS_REGION, AWS_DEFAULT_REGION, then the profile decide.
    public var region: String?
    /// `include_unscheduled`: report failures of state machines that no job names. Default true.
    public var includeUnscheduled: Bool
    /// `concurrency`: AWS calls in flight at once, 1...64. Default 8.
    public var concurrency: Int
    /// `metrics`: whether CloudWatch metrics are read before listing executions.
    public var metrics: MetricsMode
    /// `state_dir`: where deliveries are recorded; `nil` means the default (see `stateDirectory(environment:)`).
    public var stateDirectoryOverride: String?
    /// `language`: the language of the digests. Default `en`.
    public var language: DigestLanguage
    /// `jobs`: the scheduled state machines to check, in file order.
    public var jobs: [Job]
    /// `report_dir`: each check also writes its HTML timeline there, with an index; `nil`: none.
    public var reportDirectory: String?
    /// `report_url`: where `report_dir` is served (no trailing slash); the Slack and SNS digests
    /// then link the night's page.
    public var reportURL: String?
    /// `alarms`: which CloudWatch alarms' history is read.
    public var alarms: AlarmSelection
    /// `ignore`: findings to drop.
    public var ignore: [IgnoreRule]
    /// `notify`: where and when the digest goes.
    public var notify: NotifySettings
    /// `regions`: the Regions checked; empty means `[region]` (README, "Several accounts and Regions").
    public var regions: [String] = []
    /// `accounts`: the accounts checked, each through a role; empty means the credentials' own.
    public var accounts: [Account] = []
    /// `role_name`: the role assumed in each account that gives no `role_arn`.
    public var roleName: String?
    /// `organization`: every ACTIVE account of the AWS Organization, less `exclude`.
    public var organization: Organization?

    /// The default `concurrency`.
    public static let defaultConcurrency = 8
    /// The allowed `concurrency` values.
    public static let concurrencyRange = 1...64

    /// Creates a configuration; every key but `file` has the documented default.
    public init(
        file: String,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        region: String? = nil,
        includeUnscheduled: Bool = true,
        concurrency: Int = BatchwatchConfiguration.defaultConcurrency,
        metrics: MetricsMode = .auto,
        stateDirectoryOverride: String? = nil,
        language: DigestLanguage = .en,
        jobs: [Job] = [],
        alarms: AlarmSelection = AlarmSelection(),
        ignore: [IgnoreRule] = [],
        notify: NotifySettings = NotifySettings()
    ) {
        self.file = file
        self.timeZone = timeZone
        self.region = region
        self.includeUnscheduled = includeUnscheduled
        self.concurrency = concurrency
        self.metrics = metrics
        self.stateDirectoryOverride = stateDirectoryOverride
        self.language = language
        self.jobs = jobs
        self.alarms = alarms
        self.ignore = ignore
        self.notify = notify
    }

    /// Whether the check reaches into other accounts (`accounts` or `organization`) rather than
    /// only the credentials' own.
    public var checksOtherAccounts: Bool { !accounts.isEmpty || organization != nil }

    /// One entry of `accounts`: an account checked through a role assumed with STS.
    public struct Account: Sendable, Equatable {
        /// `name`: what the digest calls it; default the id.
        public var name: String
        /// `id`: the 12-digit account id.
        public var id: String
        /// `role_arn`: the role assumed; `nil` means `arn:aws:iam::<id>:role/<role_name>`.
        public var roleArn: String?
        /// `external_id`: sent with AssumeRole; never shown.
        public var externalId: Secret?

        public init(name: String? = nil, id: String, roleArn: String? = nil, externalId: Secret? = nil) {
            self.name = name ?? id
            self.id = id
            self.roleArn = roleArn
            self.externalId = externalId
        }

        /// Whether `reference` (a job's `accounts` entry, an ignore rule's `account`) names this account.
        public func isNamed(by reference: String) -> Bool {
            reference == name || reference == id
        }
    }

    /// `organization`: the Organization's ACTIVE accounts, each through `role_name`.
    public struct Organization: Sendable, Equatable {
        /// `organization.role_name`, else the top-level `role_name`.
        public var roleName: String
        /// `organization.exclude`: account ids (or names) left out.
        public var exclude: [String]

        public init(roleName: String, exclude: [String] = []) {
            self.roleName = roleName
            self.exclude = exclude
        }
    }

    /// The role assumed in `account`: its own `role_arn`, else `role_name` in it.
    public func roleArn(for account: Account) -> String {
        account.roleArn ?? "arn:aws:iam::\(account.id):role/\(roleName ?? "batchwatch-reader")"
    }

    /// The timezone a job's schedule is read in: its own `timezone`, else the top-level one.
    public func timeZone(for job: Job) -> TimeZone {
        job.timeZone ?? timeZone
    }

    /// How a timezone is named to users: its IANA identifier, except that Foundation on Linux
    /// calls UTC "GMT", which is shown as `UTC`.
    public static func displayName(of timeZone: TimeZone) -> String {
        timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier
    }

    /// The address of the timeline page of the window that starts on `day` (`2026-11-20`), when
    /// `report_url` is set.
    public func reportPageURL(day: String) -> String? {
        reportURL.map { "\($0)/\(day).html" }
    }

    /// `state_dir`, else `$XDG_STATE_HOME/batchwatch`, else `$HOME/.local/state/batchwatch`;
    /// `nil` when none of these is known.
    public func stateDirectory(environment: [String: String]) -> String? {
        if let stateDirectoryOverride { return stateDirectoryOverride }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            return (xdg as NSString).appendingPathComponent("batchwatch")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return (home as NSString).appendingPathComponent(".local/state/batchwatch")
        }
        return nil
    }

    /// `metrics: auto | off`.
    public enum MetricsMode: String, Sendable, Equatable, CaseIterable {
        /// Read AWS/States metrics first and list executions only where needed.
        case auto
        /// Always list executions.
        case off
    }

    /// One entry of `jobs`: a state machine that is expected to start on a schedule.
    public struct Job: Sendable, Equatable {
        /// `name`: what the digest calls it (default: the state machine's name).
        public var name: String
        /// `state_machine`: a name in the region or a full ARN.
        public var stateMachine: StateMachineReference
        /// `schedule`: an expression, or `auto` to read it from AWS at check time.
        public var schedule: JobSchedule
        /// `timezone`: overrides the top-level timezone for this job.
        public var timeZone: TimeZone?
        /// `start_within`: grace for the start, in seconds. Default 15 minutes.
        public var startWithin: TimeInterval
        /// `max_duration`: longer runs are a problem; `nil` means no limit.
        public var maxDuration: TimeInterval?
        /// `finish_by`: each occurrence must have succeeded by the first such time (job's timezone)
        /// at or after its expected start; `nil` means no deadline.
        public var finishBy: TimeOfDay?
        /// `accounts`: names or ids of the accounts the job runs in; `nil` means every account checked.
        public var accounts: [String]?
        /// `regions`: the Regions the job runs in; `nil` means every Region checked.
        public var regions: [String]?

        /// The default `start_within`, 15 minutes.
        public static let defaultStartWithin: TimeInterval = 15 * 60

        /// Creates a job with the documented defaults.
        public init(
            name: String,
            stateMachine: StateMachineReference,
            schedule: JobSchedule,
            timeZone: TimeZone? = nil,
            startWithin: TimeInterval = Job.defaultStartWithin,
            maxDuration: TimeInterval? = nil,
            finishBy: TimeOfDay? = nil
        ) {
            self.name = name
            self.stateMachine = stateMachine
            self.schedule = schedule
            self.timeZone = timeZone
            self.startWithin = startWithin
            self.maxDuration = maxDuration
            self.finishBy = finishBy
        }
    }

    /// `alarms`: alarms named exactly, and alarms whose names start with a prefix.
    public struct AlarmSelection: Sendable, Equatable {
        /// `alarms.names`.
        public var names: [String]
        /// `alarms.prefixes`.
        public var prefixes: [String]

        /// Creates a selection; both lists default to empty.
        public init(names: [String] = [], prefixes: [String] = []) {
            self.names = names
            self.prefixes = prefixes
        }

        /// True when no alarm is selected.
        public var isEmpty: Bool { names.isEmpty && prefixes.isEmpty }
    }
}

/// A job's `schedule`.
public enum JobSchedule: Sendable, Equatable {
    /// An expression written in the configuration.
    case expression(Schedule)
    /// `auto`: read from the EventBridge rules and Scheduler schedules that start the machine.
    case auto
}

/// A job's `state_machine`: a name in the configured region, or a full ARN.
public enum StateMachineReference: Sendable, Equatable {
    /// A state machine name, looked up in the region.
    case name(String)
    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`.
    case arn(String)

    /// The state machine's name (the last part of an ARN).
    public var name: String {
        switch self {
        case .name(let name): return name
        case .arn(let arn): return String(arn.split(separator: ":", omittingEmptySubsequences: false).last ?? "")
        }
    }

    /// The region named in an ARN; `nil` for a plain name.
    public var region: String? {
        guard case .arn(let arn) = self else { return nil }
        return arnField(arn, 3)
    }

    /// The account named in an ARN; `nil` for a plain name.
    public var account: String? {
        guard case .arn(let arn) = self else { return nil }
        return arnField(arn, 4)
    }

    /// The name or ARN exactly as written.
    public var text: String {
        switch self {
        case .name(let name): return name
        case .arn(let arn): return arn
        }
    }
}

/// `notify`: when a digest is delivered and where to.
public struct NotifySettings: Sendable, Equatable {
    /// `notify.when`.
    public var when: Condition
    /// `notify.heartbeat_url`: fetched after each run, with `/fail` appended on exit 2 or 3.
    public var heartbeatURL: Secret?
    /// `notify.slack`.
    public var slack: SlackTarget?
    /// `notify.sns`.
    public var sns: SNSTarget?
    /// `notify.metrics`: the run's own figures, published to CloudWatch after each run.
    public var metrics: MetricsTarget?

    /// Creates settings; by default only problems are delivered, nowhere.
    public init(
        when: Condition = .problems, heartbeatURL: Secret? = nil, slack: SlackTarget? = nil, sns: SNSTarget? = nil,
        metrics: MetricsTarget? = nil
    ) {
        self.when = when
        self.heartbeatURL = heartbeatURL
        self.slack = slack
        self.sns = sns
        self.metrics = metrics
    }

    /// `notify.when: problems | always`.
    public enum Condition: String, Sendable, Equatable, CaseIterable {
        /// Deliver only when something is wrong (the default).
        case problems
        /// Deliver every digest, also an all-clear one.
        case always
    }
}

/// `notify.slack`: an incoming webhook, or a bot token posting to a channel.
public enum SlackTarget: Sendable, Equatable {
    /// `webhook_url`.
    case webhook(Secret)
    /// `token` and `channel`, posted with chat.postMessage.
    case bot(token: Secret, channel: String)
}

/// `notify.metrics`: where a run publishes its own figures (CloudWatch PutMetricData).
public struct MetricsTarget: Sendable, Equatable {
    /// `namespace`, e.g. `Batchwatch`.
    public var namespace: String
    /// `config_name`: the value of the `Config` dimension; default the configuration file's
    /// name without its directory and extension (`/etc/batchwatch/config.yml` → `config`).
    public var configName: String?

    public init(namespace: String, configName: String? = nil) {
        self.namespace = namespace
        self.configName = configName
    }

    /// The `Config` dimension's value for the configuration read from `file`.
    public func configDimension(file: String) -> String {
        if let configName { return configName }
        let base = (file as NSString).lastPathComponent
        let name = (base as NSString).deletingPathExtension
        return name.isEmpty ? base : name
    }
}

/// `notify.sns`: a topic and the message format published to it.
public struct SNSTarget: Sendable, Equatable {
    /// `topic_arn`.
    public var topicArn: String
    /// `format`.
    public var format: Format

    /// Creates a target; the format defaults to text.
    public init(topicArn: String, format: Format = .text) {
        self.topicArn = topicArn
        self.format = format
    }

    /// The region named in the topic ARN.
    public var region: String? {
        arnField(topicArn, 3)
    }

    /// `notify.sns.format: text | chatbot`.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// A one-line Subject and the digest as the message.
        case text
        /// AWS Chatbot custom notification JSON.
        case chatbot
    }
}

/// The colon-separated field at `index` of an ARN, when it is there and not empty.
func arnField(_ arn: String, _ index: Int) -> String? {
    let fields = arn.split(separator: ":", omittingEmptySubsequences: false)
    guard fields.indices.contains(index), !fields[index].isEmpty else { return nil }
    return String(fields[index])
}
