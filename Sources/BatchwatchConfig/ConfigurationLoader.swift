import Foundation
import Schedules
import Yams

/// Reads a configuration file into a `BatchwatchConfiguration`, or says exactly what is wrong.
public enum ConfigurationLoader {
    /// Where the system's tzdata lives.
    public static let defaultZoneinfoDirectory = "/usr/share/zoneinfo"

    /// The configuration file to read: `explicit` (`--config`), else `$BATCHWATCH_CONFIG`,
    /// else `./batchwatch.yml` when it exists, else `/etc/batchwatch/config.yml`.
    public static func resolvePath(
        explicit: String?, environment: [String: String], fileExists: (String) -> Bool
    ) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["BATCHWATCH_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        if fileExists("./batchwatch.yml") { return "./batchwatch.yml" }
        return "/etc/batchwatch/config.yml"
    }

    /// Reads and parses the file at `path`; `${VAR}` is expanded from `environment`.
    public static func load(
        path: String, environment: [String: String], zoneinfoDirectory: String = defaultZoneinfoDirectory
    ) throws(ConfigurationError) -> BatchwatchConfiguration {
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(file: path, line: nil, keyPath: nil, message: message)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw failure("no such file (name one with --config or BATCHWATCH_CONFIG)")
        }
        guard !isDirectory.boolValue else { throw failure("is a directory, not a configuration file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure("cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw failure("is not UTF-8 text") }
        return try parse(yaml: text, file: path, environment: environment, zoneinfoDirectory: zoneinfoDirectory)
    }

    /// Parses YAML text; `file` names it in errors.
    public static func parse(
        yaml: String, file: String, environment: [String: String],
        zoneinfoDirectory: String = defaultZoneinfoDirectory
    ) throws(ConfigurationError) -> BatchwatchConfiguration {
        let root = try compose(yaml: yaml, file: file)
        let reader = YAMLReader(file: file, environment: environment, zoneinfoDirectory: zoneinfoDirectory)
        return try ConfigurationBuilder(reader: reader).configuration(from: root)
    }

    private static func compose(yaml: String, file: String) throws(ConfigurationError) -> Node {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let yamlError as YamlError {
            throw syntaxError(yamlError, file: file)
        } catch {
            throw ConfigurationError(file: file, line: nil, keyPath: nil, message: "invalid YAML: \(error)")
        }
        guard let node else {
            throw ConfigurationError(file: file, line: nil, keyPath: nil, message: "the configuration is empty")
        }
        return node
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigurationError {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> ConfigurationError {
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return ConfigurationError(file: file, line: mark.line, keyPath: nil, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigurationError(
                file: file, line: context.mark.line, keyPath: nil, message: "duplicate key \(keys) in one mapping")
        case .reader(let problem, _, _, _):
            return ConfigurationError(file: file, line: nil, keyPath: nil, message: "invalid YAML: \(problem)")
        default:
            return ConfigurationError(file: file, line: nil, keyPath: nil, message: "invalid YAML: \(error)")
        }
    }
}

/// Turns the checked YAML tree into typed values, key by key.
private struct ConfigurationBuilder {
    let reader: YAMLReader
    typealias Located = YAMLReader.Located

    func configuration(from root: Node) throws(ConfigurationError) -> BatchwatchConfiguration {
        let top = try reader.mapping(
            Located(node: root, path: ""),
            allowed: [
                "timezone", "region", "include_unscheduled", "concurrency", "metrics", "state_dir",
                "language", "jobs", "alarms", "ignore", "notify", "regions", "accounts", "role_name", "organization",
            ],
            expected: "a mapping of configuration keys")
        var configuration = BatchwatchConfiguration(file: reader.file)
        if let value = top["timezone"] { configuration.timeZone = try reader.timeZone(value) }
        if let value = top["region"] { configuration.region = try region(value) }
        if let value = top["include_unscheduled"] { configuration.includeUnscheduled = try reader.bool(value) }
        if let value = top["concurrency"] {
            configuration.concurrency = try reader.integer(value, in: BatchwatchConfiguration.concurrencyRange)
        }
        if let value = top["metrics"] {
            configuration.metrics = try reader.choice(value, of: BatchwatchConfiguration.MetricsMode.self)
        }
        if let value = top["state_dir"] { configuration.stateDirectoryOverride = try stateDirectory(value) }
        if let value = top["language"] { configuration.language = try reader.choice(value, of: DigestLanguage.self) }
        if let value = top["jobs"] { configuration.jobs = try jobs(value) }
        if let value = top["alarms"] { configuration.alarms = try alarms(value) }
        if let value = top["ignore"] { configuration.ignore = try ignoreRules(value, timeZone: configuration.timeZone) }
        if let value = top["notify"] { configuration.notify = try notify(value) }
        if let value = top["regions"] { configuration.regions = try regions(value) }
        if let value = top["role_name"] { configuration.roleName = try roleName(value) }
        if let value = top["accounts"] {
            if let organization = top["organization"] {
                throw reader.error("give either accounts or organization, not both", at: organization)
            }
            configuration.accounts = try accounts(value, roleName: configuration.roleName)
        }
        if let value = top["organization"] {
            configuration.organization = try organization(value, roleName: configuration.roleName)
        }
        try checkPlacement(of: configuration, jobs: top["jobs"])
        return configuration
    }

    // MARK: Accounts and Regions

    private func regions(_ located: Located) throws(ConfigurationError) -> [String] {
        var regions: [String] = []
        for item in try reader.sequence(located) {
            let region = try region(item)
            guard !regions.contains(region) else { throw reader.error("'\(region)' is listed twice", at: item) }
            regions.append(region)
        }
        guard !regions.isEmpty else { throw reader.error("must list at least one Region", at: located) }
        return regions
    }

    private func roleName(_ located: Located) throws(ConfigurationError) -> String {
        let name = try reader.string(located)
        guard Self.matches(name, "^[A-Za-z0-9+=,.@_/-]{1,64}$") else {
            throw reader.error("'\(name)' is not an IAM role name (1 to 64 of A-Z a-z 0-9 + = , . @ _ -)", at: located)
        }
        return name
    }

    private func accountId(_ located: Located) throws(ConfigurationError) -> String {
        let id = try reader.rawText(located, expected: "a 12-digit account id in quotes")
        guard Self.matches(id, "^[0-9]{12}$") else {
            throw reader.error(
                "expected a 12-digit account id (in quotes: \"012345678901\"), found '\(id)'", at: located)
        }
        return id
    }

    private func accounts(
        _ located: Located, roleName: String?
    ) throws(ConfigurationError) -> [BatchwatchConfiguration.Account] {
        var accounts: [BatchwatchConfiguration.Account] = []
        for item in try reader.sequence(located) {
            let fields = try reader.mapping(
                item, allowed: ["name", "id", "role_arn", "external_id"],
                expected: "an account (a mapping with name, id, role_arn, external_id)")
            let id = try accountId(try reader.required("id", in: fields))
            var account = BatchwatchConfiguration.Account(
                name: try fields["name"].map { value throws(ConfigurationError) in try reader.string(value) }, id: id)
            if let value = fields["role_arn"] {
                let arn = try reader.string(value)
                guard Self.matches(arn, "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$") else {
                    throw reader.error("'\(arn)' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", at: value)
                }
                account.roleArn = arn
            } else if roleName == nil {
                throw reader.error("account \(account.name) needs role_arn, or give a top-level role_name", at: item)
            }
            if let value = fields["external_id"] {
                let externalId = try reader.string(value)
                guard Self.matches(externalId, "^[A-Za-z0-9+=,.@:/-]{2,1224}$") else {
                    throw reader.error("expected an external id (2 to 1224 of A-Z a-z 0-9 + = , . @ : / -)", at: value)
                }
                account.externalId = Secret(externalId)
            }
            if let other = accounts.first(where: { $0.id == account.id || $0.name == account.name }) {
                throw reader.error(
                    "account \(account.name) (\(account.id)) is listed twice (first as \(other.name))", at: item)
            }
            accounts.append(account)
        }
        guard !accounts.isEmpty else { throw reader.error("must list at least one account", at: located) }
        return accounts
    }

    private func organization(
        _ located: Located, roleName: String?
    ) throws(ConfigurationError) -> BatchwatchConfiguration.Organization {
        let fields = try reader.mapping(
            located, allowed: ["role_name", "exclude"], expected: "a mapping with role_name and exclude")
        let role: String
        if let value = fields["role_name"] {
            role = try self.roleName(value)
        } else if let roleName {
            role = roleName
        } else {
            throw reader.error("missing required key 'role_name' (or give a top-level role_name)", at: located)
        }
        var organization = BatchwatchConfiguration.Organization(roleName: role)
        if let value = fields["exclude"] {
            for item in try reader.sequence(value) {
                organization.exclude.append(try reader.rawText(item, expected: "an account id"))
            }
        }
        return organization
    }

    /// A job's `accounts` must name configured accounts and its `regions` checked Regions; a
    /// job whose ARN fixes them takes neither.
    private func checkPlacement(of configuration: BatchwatchConfiguration, jobs: Located?) throws(ConfigurationError) {
        guard let jobs else { return }
        for (item, job) in zip(try reader.sequence(jobs), configuration.jobs) {
            let fields = try reader.mapping(item, allowed: Self.jobKeys, expected: "a job")
            if case .arn = job.stateMachine, let key = ["accounts", "regions"].first(where: { fields[$0] != nil }) {
                throw reader.error(
                    "a state machine ARN fixes the account and Region; leave out \(key)", at: fields[key]!)
            }
            if let names = job.accounts, let value = fields["accounts"] {
                if configuration.organization == nil {
                    let known = configuration.accounts
                    for name in names where !known.contains(where: { $0.isNamed(by: name) }) {
                        let listed =
                            known.isEmpty
                            ? "no accounts: are configured"
                            : "accounts: lists \(known.map(\.name).joined(separator: ", "))"
                        throw reader.error("'\(name)' is not a configured account (\(listed))", at: value)
                    }
                }
            }
            if let regions = job.regions, let value = fields["regions"] {
                let checked =
                    configuration.regions.isEmpty ? [configuration.region].compactMap { $0 } : configuration.regions
                for region in regions where !checked.isEmpty && !checked.contains(region) {
                    throw reader.error(
                        "'\(region)' is not a checked Region (\(checked.joined(separator: ", ")))", at: value)
                }
            }
        }
    }

    // MARK: Top level

    private func region(_ located: Located) throws(ConfigurationError) -> String {
        let region = try reader.string(located)
        guard Self.matches(region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$") else {
            throw reader.error("'\(region)' is not an AWS region name like ap-northeast-1", at: located)
        }
        return region
    }

    private func stateDirectory(_ located: Located) throws(ConfigurationError) -> String {
        let path = try reader.string(located)
        if path == "~" || path.hasPrefix("~/") {
            guard let home = reader.environment["HOME"], !home.isEmpty else {
                throw reader.error("'~' needs HOME to be set; write an absolute path", at: located)
            }
            return home + path.dropFirst()
        }
        return path
    }

    // MARK: Jobs

    private func jobs(_ located: Located) throws(ConfigurationError) -> [BatchwatchConfiguration.Job] {
        var jobs: [BatchwatchConfiguration.Job] = []
        var firstLineOfName: [String: Int] = [:]
        for item in try reader.sequence(located) {
            let (job, nameLocation) = try job(item)
            if let firstLine = firstLineOfName[job.name] {
                throw reader.error(
                    "duplicate job name '\(job.name)' (first used at line \(firstLine))", at: nameLocation)
            }
            firstLineOfName[job.name] = nameLocation.line ?? 0
            jobs.append(job)
        }
        return jobs
    }

    private func job(_ located: Located) throws(ConfigurationError) -> (BatchwatchConfiguration.Job, Located) {
        let fields = try reader.mapping(
            located,
            allowed: Self.jobKeys,
            expected: "a job (a mapping with name, state_machine and schedule)")
        let stateMachine = try stateMachine(try reader.required("state_machine", in: fields))
        let nameLocation = fields["name"] ?? Located(node: located.node, path: located.path)
        let name = try fields["name"].map { value throws(ConfigurationError) in try reader.string(value) }
        var job = BatchwatchConfiguration.Job(
            name: name ?? stateMachine.name,
            stateMachine: stateMachine,
            schedule: try schedule(try reader.required("schedule", in: fields)))
        if let value = fields["timezone"] { job.timeZone = try reader.timeZone(value) }
        if let value = fields["start_within"] { job.startWithin = try reader.duration(value) }
        if let value = fields["max_duration"] { job.maxDuration = try reader.duration(value) }
        if let value = fields["finish_by"] { job.finishBy = try finishBy(value) }
        if let value = fields["accounts"] { job.accounts = try reader.strings(value) }
        if let value = fields["regions"] { job.regions = try regions(value) }
        return (job, nameLocation)
    }

    static let jobKeys = [
        "name", "state_machine", "schedule", "timezone", "start_within", "max_duration", "finish_by", "accounts",
        "regions",
    ]

    private func finishBy(_ located: Located) throws(ConfigurationError) -> TimeOfDay {
        let text = try reader.rawText(located, expected: "a time of day like \"07:00\"")
        guard let time = TimeOfDay(parsing: text) else {
            throw reader.error(
                "expected a time of day HH:MM like \"07:00\" (00:00 to 23:59), found '\(text)'", at: located)
        }
        return time
    }

    private func stateMachine(_ located: Located) throws(ConfigurationError) -> StateMachineReference {
        let text = try reader.string(located)
        if text.hasPrefix("arn:") {
            guard Self.matches(text, "^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[^:]{1,80}$"),
                Self.isStateMachineName(StateMachineReference.arn(text).name)
            else {
                throw reader.error(
                    "'\(text)' is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)",
                    at: located)
            }
            return .arn(text)
        }
        guard Self.isStateMachineName(text) else {
            throw reader.error(
                "'\(text)' is not a state machine name (at most 80 characters, no spaces or :/*?\"#%\\^|~`$&,;<>{}[])",
                at: located)
        }
        return .name(text)
    }

    private static func isStateMachineName(_ name: String) -> Bool {
        let forbidden = Set(":/*?\"#%\\^|~`$&,;<>{}[]")
        let isControl = { (character: Character) in
            character.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        return (1...80).contains(name.count)
            && !name.contains { $0.isWhitespace || forbidden.contains($0) || isControl($0) }
    }

    private func schedule(_ located: Located) throws(ConfigurationError) -> JobSchedule {
        let text = try reader.string(located)
        if text == "auto" { return .auto }
        do {
            return .expression(try Schedule(parsing: text))
        } catch {
            throw reader.error(error.message, at: located)
        }
    }

    // MARK: Alarms and ignore

    private func alarms(_ located: Located) throws(ConfigurationError) -> BatchwatchConfiguration.AlarmSelection {
        let fields = try reader.mapping(
            located, allowed: ["names", "prefixes"], expected: "a mapping with names and prefixes")
        var selection = BatchwatchConfiguration.AlarmSelection()
        if let value = fields["names"] { selection.names = try reader.strings(value) }
        if let value = fields["prefixes"] { selection.prefixes = try reader.strings(value) }
        return selection
    }

    /// `until`: a date (the rule holds through that day in `timeZone`) or an ISO 8601 instant with offset.
    private func until(_ located: Located, timeZone: TimeZone) throws(ConfigurationError) -> IgnoreRule.Expiry {
        let text = try reader.rawText(located, expected: "a date YYYY-MM-DD or an ISO 8601 instant with offset")
        let expected =
            "expected a date YYYY-MM-DD or an ISO 8601 instant with offset (2026-12-31T18:00:00+09:00), found '\(text)'"
        if Self.matches(text, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard let day = LocalDay(year: parts[0], month: parts[1], day: parts[2]) else {
                throw reader.error("'\(text)' is not a date in the calendar", at: located)
            }
            return IgnoreRule.Expiry(instant: day.next.firstInstant(in: timeZone), text: text, isDay: true)
        }
        guard
            Self.matches(
                text, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$")
        else {
            throw reader.error(expected, at: located)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions =
            text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        let withSeconds =
            Self.matches(text, "T[0-9]{2}:[0-9]{2}:")
            ? text
            : text.replacingOccurrences(
                of: "^([^T]+T[0-9]{2}:[0-9]{2})", with: "$1:00", options: .regularExpression)
        guard let instant = formatter.date(from: withSeconds) else { throw reader.error(expected, at: located) }
        return IgnoreRule.Expiry(instant: instant, text: text, isDay: false)
    }

    private func ignoreRules(_ located: Located, timeZone: TimeZone) throws(ConfigurationError) -> [IgnoreRule] {
        var rules: [IgnoreRule] = []
        for item in try reader.sequence(located) {
            let fields = try reader.mapping(
                item, allowed: ["job", "error", "state", "cause", "kind", "account", "region", "until", "reason"],
                expected: "an ignore rule (a mapping with job, error, state, cause, kind, account or region)")
            func glob(_ key: String) throws(ConfigurationError) -> String? {
                guard let value = fields[key] else { return nil }
                return try reader.string(value)
            }
            var rule = IgnoreRule(
                job: try glob("job"), error: try glob("error"), state: try glob("state"), cause: try glob("cause"),
                kind: try glob("kind"), account: try glob("account"), region: try glob("region"))
            guard rule != IgnoreRule() else {
                throw reader.error(
                    "an ignore rule needs at least one of job, error, state, cause, kind, account, region", at: item)
            }
            if let kind = rule.kind,
                !IgnoreRule.findingKinds.contains(where: { IgnoreRule.globMatches(pattern: kind, text: $0) })
            {
                throw reader.error(
                    "'\(kind)' matches no finding kind (\(IgnoreRule.findingKinds.joined(separator: ", ")))",
                    at: fields["kind"]!)
            }
            if let value = fields["until"] { rule.until = try until(value, timeZone: timeZone) }
            rule.reason = try glob("reason")
            rules.append(rule)
        }
        return rules
    }

    // MARK: Notify

    private func notify(_ located: Located) throws(ConfigurationError) -> NotifySettings {
        let fields = try reader.mapping(
            located, allowed: ["when", "heartbeat_url", "slack", "sns", "metrics"],
            expected: "a mapping with when, slack, sns, metrics")
        var settings = NotifySettings()
        if let value = fields["when"] { settings.when = try reader.choice(value, of: NotifySettings.Condition.self) }
        if let value = fields["heartbeat_url"] {
            settings.heartbeatURL = try url(value, allowPlainHTTP: true)
        }
        if let value = fields["slack"] { settings.slack = try slack(value) }
        if let value = fields["sns"] { settings.sns = try sns(value) }
        if let value = fields["metrics"] { settings.metrics = try metrics(value) }
        return settings
    }

    private func metrics(_ located: Located) throws(ConfigurationError) -> MetricsTarget {
        let fields = try reader.mapping(
            located, allowed: ["namespace", "config_name"], expected: "a mapping with namespace (and config_name)")
        let namespaceLocation = try reader.required("namespace", in: fields)
        let namespace = try reader.string(namespaceLocation)
        guard namespace.count <= 255, !namespace.hasPrefix("AWS/"), Self.matches(namespace, "^[A-Za-z0-9._/#:-]+$")
        else {
            throw reader.error(
                "'\(namespace)' is not a CloudWatch namespace (1 to 255 of A-Z a-z 0-9 . - _ / # :, not starting with AWS/)",
                at: namespaceLocation)
        }
        var target = MetricsTarget(namespace: namespace)
        if let value = fields["config_name"] {
            let name = try reader.string(value)
            guard name.count <= 255 else { throw reader.error("must be at most 255 characters", at: value) }
            target.configName = name
        }
        return target
    }

    private func slack(_ located: Located) throws(ConfigurationError) -> SlackTarget {
        let fields = try reader.mapping(
            located, allowed: ["webhook_url", "token", "channel"],
            expected: "a mapping with webhook_url, or token and channel")
        switch (fields["webhook_url"], fields["token"], fields["channel"]) {
        case (let webhook?, nil, nil):
            return .webhook(try url(webhook, allowPlainHTTP: false))
        case (nil, let token?, let channel?):
            return .bot(token: try slackToken(token), channel: try slackChannel(channel))
        case (nil, _?, nil):
            throw reader.error("missing required key 'channel' (a bot token posts to a channel)", at: located)
        case (nil, nil, _?):
            throw reader.error(
                "missing required key 'token' (a channel needs a bot token; a webhook needs no channel)", at: located)
        case (_?, _, _):
            throw reader.error("give either webhook_url, or token and channel, not both", at: located)
        case (nil, nil, nil):
            throw reader.error("give webhook_url, or token and channel", at: located)
        }
    }

    private func slackToken(_ located: Located) throws(ConfigurationError) -> Secret {
        let token = Secret(try reader.string(located))
        guard token.revealed.hasPrefix("xox"), !token.revealed.contains(where: \.isWhitespace) else {
            throw reader.error("expected a Slack token (xoxb-…), found \(token)", at: located)
        }
        return token
    }

    private func slackChannel(_ located: Located) throws(ConfigurationError) -> String {
        if case .scalar(let scalar) = located.node, scalar.style == .plain, scalar.string.isEmpty {
            throw reader.error(
                "expected a channel, found no value (a '#' starts a YAML comment: quote it, \"#alerts\")", at: located)
        }
        return try reader.string(located)
    }

    /// An https URL (or http to localhost for tests; any http when `allowPlainHTTP`), kept secret.
    private func url(_ located: Located, allowPlainHTTP: Bool) throws(ConfigurationError) -> Secret {
        let secret = Secret(try reader.string(located))
        let components = URLComponents(string: secret.revealed)
        let scheme = components?.scheme?.lowercased()
        let host = components?.host?.lowercased() ?? ""
        let isLocal = host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1"
        let acceptable = !host.isEmpty && (scheme == "https" || (scheme == "http" && (allowPlainHTTP || isLocal)))
        guard acceptable else {
            let wanted = allowPlainHTTP ? "an http or https URL" : "an https URL"
            throw reader.error("expected \(wanted), found \(secret)", at: located)
        }
        return secret
    }

    private func sns(_ located: Located) throws(ConfigurationError) -> SNSTarget {
        let fields = try reader.mapping(
            located, allowed: ["topic_arn", "format"], expected: "a mapping with topic_arn and format")
        let arnLocation = try reader.required("topic_arn", in: fields)
        let arn = try reader.string(arnLocation)
        guard Self.matches(arn, "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$") else {
            throw reader.error("'\(arn)' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)", at: arnLocation)
        }
        var target = SNSTarget(topicArn: arn)
        if let value = fields["format"] { target.format = try reader.choice(value, of: SNSTarget.Format.self) }
        return target
    }

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }
}
