import AWSClient
import Foundation
import Schedules

/// Reads what starts state machines on a schedule: EventBridge rules that target them
/// (ListRules, ListTargetsByRule) and EventBridge Scheduler schedules whose target is them
/// (ListSchedules, GetSchedule).
///
/// Calls are as few as the APIs allow, whatever the number of machines asked about: per region,
/// ⌈rules/100⌉ ListRules + one ListTargetsByRule per rule that has a schedule expression
/// + ⌈schedules/100⌉ ListSchedules + one GetSchedule per schedule that targets one of the
/// machines (or a universal Step Functions target, whose input names the machine). At most
/// `concurrency` calls are in flight.
public struct ScheduleDiscoverer: Sendable {
    /// The universal targets that start a state machine named in the target's `Input`.
    static let universalStepFunctionsTargets: Set<String> = [
        "arn:aws:scheduler:::aws-sdk:sfn:startExecution", "arn:aws:scheduler:::aws-sdk:sfn:startSyncExecution",
    ]
    static let schedulesPageSize = 100
    static let rulesPageSize = 100

    let client: AWSClient
    let concurrency: Int

    /// A discoverer calling AWS through `client` (whose region is used for ARNs of that region),
    /// with at most `concurrency` calls in flight.
    public init(client: AWSClient, concurrency: Int = 8) {
        self.client = client
        self.concurrency = max(1, concurrency)
    }

    /// Every rule and schedule that starts the state machine `stateMachineArn`, enabled or not.
    public func schedules(forStateMachineArn stateMachineArn: String) async throws -> [DiscoveredSchedule] {
        try await schedules(forStateMachineArns: [stateMachineArn])[stateMachineArn] ?? []
    }

    /// For each ARN, every rule and schedule that starts it (an empty list when none does): rules
    /// first by name, then schedules by group and name. Machines in other regions than the
    /// client's are read in their own region. Throws the first `AWSError`.
    public func schedules(forStateMachineArns stateMachineArns: [String]) async throws -> [String: [DiscoveredSchedule]]
    {
        let unique = Array(Set(stateMachineArns)).sorted()
        var byRegion: [String: [String]] = [:]
        for arn in unique { byRegion[Self.region(of: arn) ?? client.region, default: []].append(arn) }

        var result: [String: [DiscoveredSchedule]] = [:]
        for (region, arns) in byRegion.sorted(by: { $0.key < $1.key }) {
            let regional =
                region == client.region
                ? client : client.with(credentialProvider: client.credentialProvider, region: region)
            let reader = RegionReader(client: regional, concurrency: concurrency)
            let rules = try await reader.rules(targeting: arns)
            let scheduled = try await reader.schedulerSchedules(targeting: Set(arns))
            for arn in arns {
                result[arn] = (rules[arn] ?? []) + (scheduled[arn] ?? [])
            }
        }
        return result
    }

    /// Every Standard state machine in the client's region (paginated ListStateMachines),
    /// sorted by name, each with the rules and schedules that start it.
    public func discoverStateMachines() async throws -> [DiscoveredStateMachine] {
        let machines = try await standardStateMachines()
        let schedules = try await schedules(forStateMachineArns: machines.map(\.arn))
        return machines.map { DiscoveredStateMachine(arn: $0.arn, name: $0.name, schedules: schedules[$0.arn] ?? []) }
    }

    /// The Standard state machines of the client's region, by name (Express ones are left out).
    func standardStateMachines() async throws -> [(arn: String, name: String)] {
        struct Request: Encodable { var maxResults = 1000; var nextToken: String? }
        struct Machine: Decodable { var stateMachineArn: String; var name: String; var type: StateMachineType? }
        struct Response: Decodable { var stateMachines: [Machine]; var nextToken: String? }
        let machines = try await client.jsonPages(
            .stepFunctions, target: "ListStateMachines", request: { Request(nextToken: $0) },
            nextToken: { (page: Response) in page.nextToken }
        ).collect { $0.stateMachines.filter { $0.type != .express } }
        return machines.map { (arn: $0.stateMachineArn, name: $0.name) }.sorted { $0.name < $1.name }
    }

    /// The region field of an ARN.
    static func region(of arn: String) -> String? {
        let fields = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count > 3, !fields[3].isEmpty else { return nil }
        return String(fields[3])
    }

    /// The parsed expression, or why batchwatch cannot use it.
    static func parse(_ expression: String) -> (Schedule?, String?) {
        if expression.hasPrefix("at(") {
            return (nil, "a one-time schedule, \(expression)")
        }
        do {
            return (try Schedule(parsing: expression), nil)
        } catch {
            return (nil, "cannot read \(expression): \(error.message)")
        }
    }
}

/// The calls of one region.
private struct RegionReader: Sendable {
    let client: AWSClient
    let concurrency: Int

    // MARK: EventBridge rules

    /// The scheduled rules (those with a `ScheduleExpression`) that target each machine: ListRules
    /// once (pages of 100, each rule with its expression and state), then ListTargetsByRule only
    /// for the rules that have a schedule.
    func rules(targeting arns: [String]) async throws -> [String: [DiscoveredSchedule]] {
        struct Request: Encodable {
            var limit: Int
            var nextToken: String?
            enum CodingKeys: String, CodingKey { case limit = "Limit", nextToken = "NextToken" }
        }
        struct Response: Decodable {
            var rules: [RuleSummary]?
            var nextToken: String?
            enum CodingKeys: String, CodingKey { case rules = "Rules", nextToken = "NextToken" }
        }
        let scheduled = try await client.jsonPages(
            .eventBridge, target: "ListRules",
            request: { Request(limit: ScheduleDiscoverer.rulesPageSize, nextToken: $0) },
            nextToken: { (page: Response) in page.nextToken }
        ).collect { ($0.rules ?? []).filter { !($0.scheduleExpression ?? "").isEmpty } }
        let targetsPerRule = try await concurrentMap(scheduled, limit: concurrency) { rule in
            try await targets(ofRule: rule.name)
        }
        let wanted = Set(arns)
        var result: [String: [DiscoveredSchedule]] = [:]
        for (rule, targets) in zip(scheduled, targetsPerRule).sorted(by: { $0.0.name < $1.0.name }) {
            let expression = rule.scheduleExpression ?? ""
            let (schedule, reason) = ScheduleDiscoverer.parse(expression)
            for arn in Set(targets).intersection(wanted).sorted() {
                result[arn, default: []].append(
                    DiscoveredSchedule(
                        source: .rule(name: rule.name), stateMachineArn: arn, expression: expression,
                        schedule: schedule,
                        unusableReason: reason, timeZone: TimeZone(identifier: "UTC")!, state: rule.state ?? .enabled))
            }
        }
        return result
    }

    /// The ARNs a rule targets (paginated ListTargetsByRule).
    private func targets(ofRule name: String) async throws -> [String] {
        struct Request: Encodable {
            var rule: String
            var limit: Int
            var nextToken: String?
            enum CodingKeys: String, CodingKey { case rule = "Rule", limit = "Limit", nextToken = "NextToken" }
        }
        struct Response: Decodable {
            struct Target: Decodable { var arn: String; enum CodingKeys: String, CodingKey { case arn = "Arn" } }
            var targets: [Target]?
            var nextToken: String?
            enum CodingKeys: String, CodingKey { case targets = "Targets", nextToken = "NextToken" }
        }
        return try await client.jsonPages(
            .eventBridge, target: "ListTargetsByRule",
            request: { Request(rule: name, limit: ScheduleDiscoverer.rulesPageSize, nextToken: $0) },
            nextToken: { (page: Response) in page.nextToken }
        ).collect { ($0.targets ?? []).map(\.arn) }
    }

    // MARK: EventBridge Scheduler

    /// The schedules that target one of `arns`, by machine: ListSchedules once, GetSchedule for those.
    func schedulerSchedules(targeting arns: Set<String>) async throws -> [String: [DiscoveredSchedule]] {
        let summaries = try await listSchedules().filter {
            arns.contains($0.target.arn) || ScheduleDiscoverer.universalStepFunctionsTargets.contains($0.target.arn)
        }.sorted { ($0.groupName ?? "default", $0.name) < ($1.groupName ?? "default", $1.name) }
        let details = try await concurrentMap(summaries, limit: concurrency) { summary in
            try await getSchedule(name: summary.name, group: summary.groupName ?? "default")
        }
        var result: [String: [DiscoveredSchedule]] = [:]
        for detail in details.compactMap({ $0 }) {
            guard let target = detail.stateMachineArn, arns.contains(target) else { continue }
            result[target, default: []].append(detail.discovered(stateMachineArn: target))
        }
        return result
    }

    private func listSchedules() async throws -> [ScheduleSummary] {
        struct Response: Decodable {
            var schedules: [ScheduleSummary]?
            var nextToken: String?
            enum CodingKeys: String, CodingKey { case schedules = "Schedules", nextToken = "NextToken" }
        }
        return try await client.restJSONPages(
            .scheduler, path: "/schedules", query: [("MaxResults", String(ScheduleDiscoverer.schedulesPageSize))],
            operation: "ListSchedules", nextToken: { (page: Response) in page.nextToken }
        ).collect { $0.schedules ?? [] }
    }

    /// GetSchedule's answer; `nil` when the schedule was deleted between the calls.
    private func getSchedule(name: String, group: String) async throws -> ScheduleDetail? {
        do {
            return try await client.restJSON(
                .scheduler, method: "GET", path: "/schedules/\(name)", query: [("groupName", group)],
                operation: "GetSchedule")
        } catch let error as AWSError where error.kind == .notFound {
            return nil
        }
    }
}

// MARK: - Wire shapes

/// One ListRules entry (the members batchwatch reads).
private struct RuleSummary: Decodable, Sendable {
    var name: String
    var scheduleExpression: String?
    var state: ScheduleState?

    enum CodingKeys: String, CodingKey {
        case name = "Name", scheduleExpression = "ScheduleExpression", state = "State"
    }
}

/// A schedule's target as ListSchedules and GetSchedule show it.
private struct ScheduleTarget: Decodable, Sendable {
    var arn: String
    /// Only in GetSchedule.
    var input: String?

    enum CodingKeys: String, CodingKey {
        case arn = "Arn", input = "Input"
    }
}

/// One ListSchedules entry.
private struct ScheduleSummary: Decodable, Sendable {
    var name: String
    var groupName: String?
    var target: ScheduleTarget

    enum CodingKeys: String, CodingKey {
        case name = "Name", groupName = "GroupName", target = "Target"
    }
}

/// GetSchedule's answer (the members batchwatch reads). Dates are epoch seconds.
private struct ScheduleDetail: Decodable, Sendable {
    struct Window: Decodable, Sendable {
        var mode: String?
        var maximumWindowInMinutes: Int?

        enum CodingKeys: String, CodingKey {
            case mode = "Mode", maximumWindowInMinutes = "MaximumWindowInMinutes"
        }
    }

    var name: String
    var groupName: String?
    var scheduleExpression: String
    var scheduleExpressionTimezone: String?
    var flexibleTimeWindow: Window?
    var startDate: Date?
    var endDate: Date?
    var state: ScheduleState?
    var lastModificationDate: Date?
    var target: ScheduleTarget

    enum CodingKeys: String, CodingKey {
        case name = "Name", groupName = "GroupName", scheduleExpression = "ScheduleExpression"
        case scheduleExpressionTimezone = "ScheduleExpressionTimezone", flexibleTimeWindow = "FlexibleTimeWindow"
        case startDate = "StartDate", endDate = "EndDate", state = "State"
        case lastModificationDate = "LastModificationDate", target = "Target"
    }

    /// The state machine it starts: the target itself, or `StateMachineArn` in a universal target's input.
    var stateMachineArn: String? {
        guard ScheduleDiscoverer.universalStepFunctionsTargets.contains(target.arn) else { return target.arn }
        guard let input = target.input,
            let object = (try? JSONSerialization.jsonObject(with: Data(input.utf8))) as? [String: Any]
        else { return nil }
        return object["StateMachineArn"] as? String
    }

    func discovered(stateMachineArn: String) -> DiscoveredSchedule {
        var (schedule, reason) = ScheduleDiscoverer.parse(scheduleExpression)
        let zoneName = scheduleExpressionTimezone.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"
        var zone = TimeZone(identifier: "UTC")!
        if let named = TimeZone(identifier: zoneName) {
            zone = named
        } else {
            schedule = nil
            reason = "unknown timezone \(zoneName)"
        }
        let isFlexible = flexibleTimeWindow?.mode?.uppercased() == "FLEXIBLE"
        let window = isFlexible ? TimeInterval((flexibleTimeWindow?.maximumWindowInMinutes ?? 0) * 60) : 0
        return DiscoveredSchedule(
            source: .schedule(group: groupName ?? "default", name: name), stateMachineArn: stateMachineArn,
            expression: scheduleExpression, schedule: schedule, unusableReason: reason, timeZone: zone,
            flexibleWindow: window, state: state ?? .enabled, startDate: startDate, endDate: endDate,
            lastModified: lastModificationDate)
    }
}
