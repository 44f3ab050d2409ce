import AWSClient
import Foundation

/// One transition of an alarm, from DescribeAlarmHistory (`HistoryItemType=StateUpdate`).
public struct AlarmTransition: Sendable, Equatable {
    public var alarmName: String
    public var timestamp: Date
    /// The state it went into (`ALARM`, `OK`, `INSUFFICIENT_DATA`).
    public var newState: String
    /// `newState.stateReason` from HistoryData, else HistorySummary.
    public var reason: String
}

/// The CloudWatch calls a check makes to find alarms that fired.
public struct AlarmReader: Sendable {
    static let version = "2010-08-01"
    /// DescribeAlarms takes at most 100 names per call.
    static let namesPerCall = 100

    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// The names of the metric and composite alarms that `names` and `prefixes` select and that exist.
    public func alarmNames(names: [String], prefixes: [String]) async throws -> [String] {
        var selections: [[(String, String)]] = stride(from: 0, to: names.count, by: Self.namesPerCall).map { start in
            names[start..<min(start + Self.namesPerCall, names.count)].enumerated().map { ("AlarmNames.member.\($0.offset + 1)", $0.element) }
        }
        selections += prefixes.map { [("AlarmNamePrefix", $0)] }
        var found: [String] = []
        for selection in selections {
            var token: String?
            repeat {
                var parameters = selection + Self.bothAlarmTypes + [("MaxRecords", "100")]
                if let token { parameters.append(("NextToken", token)) }
                let response = try await client.query(.cloudWatch, action: "DescribeAlarms", version: Self.version, parameters: parameters)
                let result = try Self.result(of: response, "DescribeAlarmsResult", operation: "DescribeAlarms")
                for group in ["MetricAlarms", "CompositeAlarms"] {
                    found += result.child(group)?.children("member").compactMap { $0.text(at: "AlarmName") } ?? []
                }
                token = result.text(at: "NextToken").flatMap { $0.isEmpty ? nil : $0 }
            } while token != nil
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// Every state change of every alarm between `from` and `to` (one paginated stream, both alarm
    /// types), oldest first.
    public func transitions(from: Date, to: Date) async throws -> [AlarmTransition] {
        let timestamps = ISO8601DateFormatter()
        var transitions: [AlarmTransition] = []
        var token: String?
        repeat {
            var parameters = Self.bothAlarmTypes + [
                ("HistoryItemType", "StateUpdate"), ("StartDate", timestamps.string(from: from)),
                ("EndDate", timestamps.string(from: to)), ("MaxRecords", "100"),
            ]
            if let token { parameters.append(("NextToken", token)) }
            let response = try await client.query(.cloudWatch, action: "DescribeAlarmHistory", version: Self.version, parameters: parameters)
            let result = try Self.result(of: response, "DescribeAlarmHistoryResult", operation: "DescribeAlarmHistory")
            for item in result.child("AlarmHistoryItems")?.children("member") ?? [] {
                if let transition = Self.transition(from: item) { transitions.append(transition) }
            }
            token = result.text(at: "NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return transitions.sorted { $0.timestamp < $1.timestamp }
    }

    private static let bothAlarmTypes = [("AlarmTypes.member.1", "MetricAlarm"), ("AlarmTypes.member.2", "CompositeAlarm")]

    private static func result(of response: XMLElementNode, _ name: String, operation: String) throws -> XMLElementNode {
        guard let result = response.child(name) else {
            throw AWSError(kind: .unreadableResponse, message: "no <\(name)> in the response", service: "monitoring", operation: operation)
        }
        return result
    }

    /// Reads one `member` of AlarmHistoryItems; the new state comes from HistoryData's JSON.
    static func transition(from item: XMLElementNode) -> AlarmTransition? {
        struct HistoryData: Decodable {
            struct State: Decodable {
                var stateValue: String
                var stateReason: String?
            }
            var newState: State
        }
        guard let name = item.text(at: "AlarmName"), let stamp = item.text(at: "Timestamp"), let timestamp = parseTimestamp(stamp) else {
            return nil
        }
        let summary = item.text(at: "HistorySummary") ?? ""
        let data = item.text(at: "HistoryData").flatMap { try? JSONDecoder().decode(HistoryData.self, from: Data($0.utf8)) }
        let newState = data?.newState.stateValue ?? summary.components(separatedBy: " to ").last ?? ""
        return AlarmTransition(alarmName: name, timestamp: timestamp, newState: newState, reason: data?.newState.stateReason ?? summary)
    }

    /// Parses an ISO 8601 timestamp, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
