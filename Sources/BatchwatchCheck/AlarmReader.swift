import AWSClient
import Foundation

/// The state of a CloudWatch alarm.
public enum AlarmState: String, Sendable, Equatable {
    case ok = "OK"
    case alarm = "ALARM"
    case insufficientData = "INSUFFICIENT_DATA"
}

/// One transition of an alarm, from DescribeAlarmHistory (`HistoryItemType=StateUpdate`).
public struct AlarmTransition: Sendable, Equatable {
    public var alarmName: String
    public var timestamp: Date
    /// The state it went into.
    public var newState: AlarmState
    /// `newState.stateReason` from HistoryData, else HistorySummary.
    public var reason: String
}

/// The CloudWatch calls a check makes to find alarms that fired. An answer it cannot read is an
/// `unreadableResponse` error, never a transition left out.
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
        var selections: [[(String, String)]] = names.batches(of: Self.namesPerCall).map { batch in
            batch.enumerated().map { ("AlarmNames.member.\($0.offset + 1)", $0.element) }
        }
        selections += prefixes.map { [("AlarmNamePrefix", $0)] }
        var found: [String] = []
        for selection in selections {
            let pages = client.queryPages(
                .cloudWatch, action: "DescribeAlarms", version: Self.version,
                parameters: selection + Self.bothAlarmTypes + [("MaxRecords", "100")])
            for try await result in pages {
                for group in ["MetricAlarms", "CompositeAlarms"] {
                    for member in result.child(group)?.children("member") ?? [] {
                        guard let name = member.text(at: "AlarmName"), !name.isEmpty else {
                            throw Self.unreadable("DescribeAlarms", "an alarm without an <AlarmName>")
                        }
                        found.append(name)
                    }
                }
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// Every state change between `from` and `to` of the alarms named in `selected` (one paginated
    /// stream, both alarm types), oldest first. An item of a selected alarm, or an item without a
    /// name, that cannot be read is an error.
    public func transitions(from: Date, to: Date, of selected: Set<String>) async throws -> [AlarmTransition] {
        let timestamps = ISO8601DateFormatter()
        let pages = client.queryPages(
            .cloudWatch, action: "DescribeAlarmHistory", version: Self.version,
            parameters: Self.bothAlarmTypes + [
                ("HistoryItemType", "StateUpdate"), ("StartDate", timestamps.string(from: from)),
                ("EndDate", timestamps.string(from: to)), ("MaxRecords", "100"),
            ])
        var transitions: [AlarmTransition] = []
        for try await result in pages {
            for item in result.child("AlarmHistoryItems")?.children("member") ?? [] {
                guard let name = item.text(at: "AlarmName"), !name.isEmpty else {
                    throw Self.unreadable("DescribeAlarmHistory", "a history item without an <AlarmName>")
                }
                guard selected.contains(name) else { continue }
                transitions.append(try Self.transition(from: item, alarmName: name))
            }
        }
        return transitions.sorted { $0.timestamp < $1.timestamp }
    }

    private static let bothAlarmTypes = [
        ("AlarmTypes.member.1", "MetricAlarm"), ("AlarmTypes.member.2", "CompositeAlarm"),
    ]

    /// Reads one `member` of AlarmHistoryItems; the new state comes from HistoryData's JSON, else
    /// from HistorySummary ("Alarm updated from OK to ALARM").
    static func transition(from item: XMLElementNode, alarmName: String) throws -> AlarmTransition {
        struct HistoryData: Decodable {
            struct State: Decodable {
                var stateValue: String
                var stateReason: String?
            }
            var newState: State
        }
        let stamp = item.text(at: "Timestamp") ?? ""
        guard let timestamp = parseTimestamp(stamp) else {
            throw unreadable(
                "DescribeAlarmHistory",
                "\(alarmName): a history item's <Timestamp> '\(stamp)' is not an ISO 8601 instant")
        }
        let summary = item.text(at: "HistorySummary") ?? ""
        let data = item.text(at: "HistoryData").flatMap {
            try? JSONDecoder().decode(HistoryData.self, from: Data($0.utf8))
        }
        let stateText = data?.newState.stateValue ?? summary.components(separatedBy: " to ").dropFirst().last ?? ""
        guard let newState = AlarmState(rawValue: stateText) else {
            throw unreadable("DescribeAlarmHistory", "\(alarmName): the new state of a history item cannot be read")
        }
        return AlarmTransition(
            alarmName: alarmName, timestamp: timestamp, newState: newState,
            reason: data?.newState.stateReason ?? summary)
    }

    private static func unreadable(_ operation: String, _ message: String) -> AWSError {
        AWSError(kind: .unreadableResponse, message: message, service: "monitoring", operation: operation)
    }

    /// Parses an ISO 8601 timestamp, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
