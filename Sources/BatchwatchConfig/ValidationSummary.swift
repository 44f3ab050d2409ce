import Foundation
import Schedules

/// The text `batchwatch validate` prints for a configuration that was read without errors.
public enum ValidationSummary {
    /// A header (file, timezone, region, job count), each job with its next three expected
    /// starts after `now` in the job's timezone, then alarms, ignore rules and notify targets.
    /// Secrets appear masked.
    public static func render(_ config: BatchwatchConfiguration, now: Date) -> String {
        var lines: [String] = []
        let jobCount = config.jobs.count == 1 ? "1 job" : "\(config.jobs.count) jobs"
        let region = config.region ?? "from AWS_REGION, AWS_DEFAULT_REGION or the profile"
        let timeZone = BatchwatchConfiguration.displayName(of: config.timeZone)
        lines.append("\(config.file): timezone \(timeZone), region \(region), \(jobCount)")
        lines.append(
            "  include_unscheduled: \(config.includeUnscheduled)  concurrency: \(config.concurrency)"
                + "  metrics: \(config.metrics.rawValue)  state_dir: \(config.stateDirectoryOverride ?? "(default)")")
        lines.append("")
        lines += accountLines(config)
        lines.append("Jobs")
        if config.jobs.isEmpty { lines.append("  (none)") }
        for job in config.jobs {
            lines += jobLines(job, timeZone: config.timeZone(for: job), now: now)
        }
        lines.append("")
        lines.append("Alarms")
        if config.alarms.isEmpty { lines.append("  (none)") }
        if !config.alarms.names.isEmpty { lines.append("  names     " + config.alarms.names.joined(separator: ", ")) }
        if !config.alarms.prefixes.isEmpty {
            lines.append("  prefixes  " + config.alarms.prefixes.joined(separator: ", "))
        }
        lines.append("")
        lines.append("Ignore")
        if config.ignore.isEmpty { lines.append("  (none)") }
        for rule in config.ignore { lines.append("  " + describe(rule)) }
        lines.append("")
        lines += notifyLines(config.notify)
        let warnings = warnings(config, now: now)
        if !warnings.isEmpty {
            lines.append("")
            lines.append("Warnings")
            lines += warnings.map { "  " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What is allowed but almost certainly a mistake: a job whose schedule has no start after
    /// `now` (a date that never comes, such as 30 February, or years that have passed), so it
    /// is never expected to run. `validate` prints them and still exits 0.
    public static func warnings(_ config: BatchwatchConfiguration, now: Date) -> [String] {
        scheduleWarnings(config, now: now) + ignoreWarnings(config, now: now)
    }

    /// Ignore rules that hide nothing: expired at `now`, or with a `job` glob that matches no job
    /// name and no state machine name in the configuration (the only names known without AWS).
    static func ignoreWarnings(_ config: BatchwatchConfiguration, now: Date) -> [String] {
        let names = config.jobs.flatMap { [$0.name, $0.stateMachine.name] }
        return config.ignore.flatMap { rule -> [String] in
            var warnings: [String] = []
            if rule.isExpired(at: now), let note = rule.expiryNote {
                warnings.append("\(note), so it hides nothing (remove it, or move its until)")
            }
            if let job = rule.job, !names.contains(where: { IgnoreRule.globMatches(pattern: job, text: $0) }) {
                warnings.append(
                    "\(rule.title): job '\(job)' matches no job and no state machine named in this file "
                        + "(it can still match an unscheduled machine or an alarm)")
            }
            return warnings
        }
    }

    private static func scheduleWarnings(_ config: BatchwatchConfiguration, now: Date) -> [String] {
        config.jobs.compactMap { job in
            guard case .expression(let schedule) = job.schedule else { return nil }
            let timeZone = config.timeZone(for: job)
            guard schedule.nextOccurrences(after: now, count: 1, in: timeZone).isEmpty else { return nil }
            return "job \(job.name): schedule \(schedule.expression) never fires after \(format(now, in: timeZone)), "
                + "so the job is never expected to run"
        }
    }

    /// The accounts and Regions the check reads, and the role assumed in each (never the external id).
    static func accountLines(_ config: BatchwatchConfiguration) -> [String] {
        var lines = ["Accounts and Regions"]
        let regions = config.regions.isEmpty ? [config.region ?? "(the default Region)"] : config.regions
        lines.append("  regions   " + regions.joined(separator: ", "))
        if let organization = config.organization {
            lines.append(
                "  organization: every ACTIVE account (organizations:ListAccounts), role \(organization.roleName)")
            if !organization.exclude.isEmpty {
                lines.append("  exclude   " + organization.exclude.joined(separator: ", "))
            }
        } else if config.accounts.isEmpty {
            lines.append("  the credentials' own account")
        }
        for account in config.accounts {
            let externalId = account.externalId == nil ? "" : " (with an external id)"
            lines.append("  \(account.name)  \(account.id)  assumes \(config.roleArn(for: account))\(externalId)")
        }
        lines.append("")
        return lines
    }

    private static func jobLines(_ job: BatchwatchConfiguration.Job, timeZone: TimeZone, now: Date) -> [String] {
        var lines = ["  \(job.name)", "    state machine  \(job.stateMachine.text)"]
        switch job.schedule {
        case .auto:
            lines.append("    schedule       auto (read from EventBridge rules and Scheduler schedules at check time)")
        case .expression(let schedule):
            lines.append("    schedule       \(schedule.expression)")
        }
        if let own = job.timeZone { lines.append("    timezone       \(BatchwatchConfiguration.displayName(of: own))") }
        lines.append("    start within   \(DurationSyntax.format(job.startWithin))")
        lines.append("    max duration   \(job.maxDuration.map(DurationSyntax.format) ?? "none")")
        if let finishBy = job.finishBy { lines.append("    finish by      \(finishBy)") }
        if let accounts = job.accounts { lines.append("    accounts       \(accounts.joined(separator: ", "))") }
        if let regions = job.regions { lines.append("    regions        \(regions.joined(separator: ", "))") }
        if case .expression(let schedule) = job.schedule {
            let starts = schedule.nextOccurrences(after: now, count: 3, in: timeZone)
            if starts.isEmpty {
                lines.append("    next starts    none (the schedule has no start after \(format(now, in: timeZone)))")
            }
            for (index, start) in starts.enumerated() {
                lines.append((index == 0 ? "    next starts    " : "                   ") + format(start, in: timeZone))
            }
        }
        return lines
    }

    private static func notifyLines(_ notify: NotifySettings) -> [String] {
        var lines = ["Notify (when: \(notify.when.rawValue))"]
        switch notify.slack {
        case .webhook(let url)?: lines.append("  slack      webhook \(url)")
        case .bot(let token, let channel)?: lines.append("  slack      \(channel) with token \(token)")
        case nil: break
        }
        if let sns = notify.sns { lines.append("  sns        \(sns.topicArn) (\(sns.format.rawValue))") }
        if let heartbeat = notify.heartbeatURL { lines.append("  heartbeat  \(heartbeat)") }
        if let metrics = notify.metrics { lines.append("  metrics    CloudWatch namespace \(metrics.namespace)") }
        if notify.slack == nil && notify.sns == nil && notify.heartbeatURL == nil {
            lines.append("  (nowhere: the digest is printed only)")
        }
        return lines
    }

    private static func describe(_ rule: IgnoreRule) -> String {
        [
            ("job", rule.job), ("error", rule.error), ("state", rule.state), ("cause", rule.cause), ("kind", rule.kind),
            ("account", rule.account), ("region", rule.region), ("until", rule.until?.text), ("reason", rule.reason),
        ]
        .compactMap { key, value in value.map { "\(key)=\($0)" } }
        .joined(separator: " ")
    }

    /// `2026-11-22 02:00 (Asia/Tokyo)`.
    private static func format(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let text = String(
            format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0)
        return "\(text) (\(BatchwatchConfiguration.displayName(of: timeZone)))"
    }
}
