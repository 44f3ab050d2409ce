import BatchwatchConfig
import Foundation
import Schedules

/// What `batchwatch discover` prints: a configuration that `batchwatch validate` accepts, with one
/// job per enabled schedule, and a table of every state machine and what starts it.
public struct ConfigSkeleton: Sendable {
    /// The state machines, in the order they are printed.
    public var machines: [DiscoveredStateMachine]
    /// The configuration's `timezone`; crons are converted into it where that is exact.
    public var timeZone: TimeZone
    /// The configuration's `region` (where the state machines were listed).
    public var region: String
    /// When discovery ran: written in the header, and decides which schedules have ended.
    public var now: Date
    /// With several accounts or Regions: the configuration's `regions`, `role_name`, `accounts` or
    /// `organization`, written after `region` (`setupLines(for:)`), so the jobs' `accounts:` and
    /// `regions:` are valid.
    public var setupLines: [String] = []
    /// Accounts and Regions that could not be read, each written as a comment.
    public var unreadable: [String] = []

    /// Creates a skeleton of `machines` for a configuration in `timeZone` and `region`.
    public init(machines: [DiscoveredStateMachine], timeZone: TimeZone, region: String, now: Date) {
        self.machines = machines
        self.timeZone = timeZone
        self.region = region
        self.now = now
    }

    /// One job of the skeleton, active or commented out.
    struct JobEntry {
        var name: String
        var machine: DiscoveredStateMachine
        var discovered: DiscoveredSchedule
        var text: JobScheduleText
    }

    /// The YAML configuration: `timezone`, `region`, then `jobs` with one job per enabled, usable
    /// schedule. Disabled or ended schedules follow as commented-out jobs; unusable schedules
    /// (one-time, unreadable) and state machines that nothing starts as comments.
    public func yaml() -> String {
        let (active, inactive) = jobEntries()
        var lines =
            [
                "# Written by batchwatch discover at \(Self.instantText(now)) from the state machines in \(setupLines.isEmpty ? region : "every account and Region configured").",
                "# One job per enabled EventBridge rule or Scheduler schedule. Instead of an expression,",
                "# schedule: auto reads the state machine's schedules from AWS at each check.",
                "timezone: \(Self.quoted(BatchwatchConfiguration.displayName(of: timeZone)))",
                "region: \(Self.quoted(region))",
            ] + setupLines
        if !unreadable.isEmpty {
            lines.append("# Could not be read, so no jobs from there (run discover again when it can be):")
            lines += unreadable.map { "# - \(Self.comment($0))" }
        }
        lines.append(active.isEmpty ? "jobs: []" : "jobs:")
        for entry in active { lines += jobLines(entry) }
        if !inactive.isEmpty {
            lines += ["", "# Disabled or ended in AWS, so not checked (uncomment a job to check it anyway):"]
            for entry in inactive { lines += jobLines(entry).map { "# " + $0 } }
        }
        let unusable = machines.flatMap { machine in
            machine.schedules.filter { $0.schedule == nil }.map { (machine, $0) }
        }
        if !unusable.isEmpty {
            lines += ["", "# Schedules batchwatch cannot check:"]
            for (machine, discovered) in unusable {
                let reason = discovered.unusableReason ?? discovered.expression
                let name = machine.placement.map { "\(machine.name) (\($0))" } ?? machine.name
                lines.append(
                    "# - \(Self.comment(name)): \(Self.comment(discovered.source.description)): \(Self.comment(reason))"
                )
            }
        }
        let unscheduled = machines.filter(\.schedules.isEmpty)
        if !unscheduled.isEmpty {
            lines += ["", "# State machines that no EventBridge rule or Scheduler schedule starts:"]
            for machine in unscheduled {
                let name = machine.placement.map { "\(machine.name) (\($0))" } ?? machine.name
                lines.append("# - \(Self.comment(name)): \(Self.comment(machine.arn))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A table for people: state machine, source, expression, timezone, flexible window, state.
    /// A state machine that nothing starts has one row with `-` as its source.
    public func table() -> String {
        let placed = machines.contains { $0.placement != nil }
        var rows = [
            (placed ? ["WHERE"] : []) + ["STATE MACHINE", "SOURCE", "EXPRESSION", "TIMEZONE", "WINDOW", "STATE"]
        ]
        for machine in machines {
            let place = placed ? [machine.placement ?? "-"] : []
            if machine.schedules.isEmpty {
                rows.append(place + [machine.name, "-", "-", "-", "-", "no schedule"])
            }
            for discovered in machine.schedules {
                var state = discovered.state.rawValue
                if discovered.hasEnded(at: now) { state += " (ended)" }
                if discovered.schedule == nil { state += " (cannot check)" }
                rows.append(
                    place + [
                        machine.name, discovered.source.description, discovered.expression, discovered.timeZoneName,
                        discovered.flexibleWindow > 0 ? DurationSyntax.format(discovered.flexibleWindow) : "-", state,
                    ])
            }
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    // MARK: Jobs

    /// The jobs to write (enabled, usable, not ended) and to comment out (disabled or ended), with
    /// unique names: the state machine's name when it has one such schedule, else `machine (source)`.
    /// A machine name listed in more than one account or Region is followed by where it was listed:
    /// `nightly-etl (staging ap-northeast-1)`.
    func jobEntries() -> (active: [JobEntry], inactive: [JobEntry]) {
        let places = Dictionary(grouping: machines, by: \.name).mapValues { Set($0.map { $0.placement ?? "" }) }
        func baseName(_ machine: DiscoveredStateMachine) -> String {
            guard let placement = machine.placement, (places[machine.name]?.count ?? 0) > 1 else { return machine.name }
            return "\(machine.name) (\(placement))"
        }
        var active: [JobEntry] = []
        var inactive: [JobEntry] = []
        var usedNames = Set<String>()
        func uniqueName(_ base: String) -> String {
            var name = base
            var counter = 2
            while usedNames.contains(name) {
                name = "\(base) \(counter)"
                counter += 1
            }
            usedNames.insert(name)
            return name
        }
        var pendingInactive: [(DiscoveredStateMachine, DiscoveredSchedule, plain: Bool)] = []
        for machine in machines {
            let usable = machine.schedules.filter { $0.schedule != nil }
            let running = usable.filter { $0.isEnabled && !$0.hasEnded(at: now) }
            let stopped = usable.filter { !($0.isEnabled && !$0.hasEnded(at: now)) }
            for discovered in running {
                let name = uniqueName(
                    running.count == 1 ? baseName(machine) : "\(baseName(machine)) (\(discovered.source.name))")
                active.append(entry(name: name, machine: machine, discovered: discovered))
            }
            for discovered in stopped {
                pendingInactive.append((machine, discovered, running.isEmpty && stopped.count == 1))
            }
        }
        // Active jobs keep the plain names; commented ones take what is left.
        for (machine, discovered, plain) in pendingInactive {
            let name = uniqueName(plain ? baseName(machine) : "\(baseName(machine)) (\(discovered.source.name))")
            inactive.append(entry(name: name, machine: machine, discovered: discovered))
        }
        return (active, inactive)
    }

    private func entry(name: String, machine: DiscoveredStateMachine, discovered: DiscoveredSchedule) -> JobEntry {
        JobEntry(
            name: name, machine: machine, discovered: discovered,
            text: CronZoneConversion.jobSchedule(for: discovered, configurationZone: timeZone, now: now))
    }

    /// The lines of one job, indented as an item of `jobs:`.
    private func jobLines(_ entry: JobEntry) -> [String] {
        let discovered = entry.discovered
        var origin = "\(discovered.source): \(discovered.expression)"
        if discovered.schedule?.kind != .rate { origin += " in \(discovered.timeZoneName)" }
        if discovered.flexibleWindow > 0 {
            origin += ", flexible window \(DurationSyntax.format(discovered.flexibleWindow))"
        }
        if !discovered.isEnabled { origin += ", \(discovered.state)" }
        if let endDate = discovered.endDate { origin += ", ends \(Self.instantText(endDate))" }
        var lines = [
            "  - name: \(Self.quoted(entry.name))",
            "    state_machine: \(Self.quoted(entry.machine.name))",
        ]
        if let account = entry.machine.account { lines.append("    accounts: [\(Self.quoted(account))]") }
        if let region = entry.machine.region { lines.append("    regions: [\(Self.quoted(region))]") }
        lines += [
            "    # \(Self.comment(origin))",
            "    schedule: \(Self.quoted(entry.text.expression))",
        ]
        if let zone = entry.text.timeZone {
            lines.append("    timezone: \(Self.quoted(BatchwatchConfiguration.displayName(of: zone)))")
        }
        lines.append("    start_within: \(DurationSyntax.format(discovered.startWithin()))")
        return lines
    }

    /// With several accounts or Regions, the top-level keys that say which (`regions`, `role_name`,
    /// `accounts` or `organization`), as `configuration` has them; an external id is never
    /// written, only a comment where one is configured. Empty with one account and Region.
    public static func setupLines(for configuration: BatchwatchConfiguration) -> [String] {
        var lines: [String] = []
        if !configuration.regions.isEmpty {
            lines.append("regions: [\(configuration.regions.map(quoted).joined(separator: ", "))]")
        }
        if let roleName = configuration.roleName { lines.append("role_name: \(quoted(roleName))") }
        if let organization = configuration.organization {
            let exclude = organization.exclude.map(quoted).joined(separator: ", ")
            lines.append("organization: {role_name: \(quoted(organization.roleName)), exclude: [\(exclude)]}")
        }
        if !configuration.accounts.isEmpty {
            lines.append("accounts:")
            for account in configuration.accounts {
                var fields = ["name: \(quoted(account.name))", "id: \(quoted(account.id))"]
                if let roleArn = account.roleArn { fields.append("role_arn: \(quoted(roleArn))") }
                var line = "  - {\(fields.joined(separator: ", "))}"
                if account.externalId != nil { line += "  # add its external_id as in your configuration" }
                lines.append(line)
            }
        }
        return lines
    }

    // MARK: Text

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += String(format: "\\u%04X", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Text made safe for one comment line.
    static func comment(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// An instant in UTC, ISO 8601.
    static func instantText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
