import AWSClient
import Foundation
import Testing

@testable import BatchwatchCheck
@testable import TestSupport

/// `AlarmReader` against recorded DescribeAlarmHistory answers: an item it cannot read is an
/// error, never a transition left out.
@Suite struct AlarmReaderTests {
    static func history(_ items: String) -> HTTPResponse {
        let body = """
            <DescribeAlarmHistoryResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
              <DescribeAlarmHistoryResult><AlarmHistoryItems>\(items)</AlarmHistoryItems></DescribeAlarmHistoryResult>
            </DescribeAlarmHistoryResponse>
            """
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(body.utf8))
    }

    static func item(name: String?, timestamp: String, summary: String = "Alarm updated from OK to ALARM") -> String {
        let nameElement = name.map { "<AlarmName>\($0)</AlarmName>" } ?? ""
        return
            "<member>\(nameElement)<Timestamp>\(timestamp)</Timestamp><HistoryItemType>StateUpdate</HistoryItemType><HistorySummary>\(summary)</HistorySummary></member>"
    }

    func transitions(_ items: String, selected: Set<String> = ["etl-errors"]) async throws -> [AlarmTransition] {
        let reader = AlarmReader(client: makeCheckClient(FakeTransport { _, _ in Self.history(items) }))
        return try await reader.transitions(
            from: instant("2026-11-20T00:00:00+09:00"), to: instant("2026-11-21T00:00:00+09:00"), of: selected)
    }

    @Test func readsATransitionFromItsSummary() async throws {
        let read = try await transitions(Self.item(name: "etl-errors", timestamp: "2026-11-19T18:12:00.000Z"))
        #expect(
            read == [
                AlarmTransition(
                    alarmName: "etl-errors", timestamp: instant("2026-11-19T18:12:00Z"), newState: .alarm,
                    reason: "Alarm updated from OK to ALARM")
            ])
    }

    @Test func aTimestampThatCannotBeReadIsAnError() async throws {
        await #expect(throws: AWSError.self) {
            _ = try await transitions(Self.item(name: "etl-errors", timestamp: "2026/11/19 03:12:00"))
        }
    }

    @Test func anItemWithoutAnAlarmNameIsAnError() async throws {
        await #expect(throws: AWSError.self) {
            _ = try await transitions(Self.item(name: nil, timestamp: "2026-11-19T18:12:00Z"))
        }
    }

    @Test func aNewStateThatCannotBeReadIsAnError() async throws {
        await #expect(throws: AWSError.self) {
            _ = try await transitions(
                Self.item(name: "etl-errors", timestamp: "2026-11-19T18:12:00Z", summary: "something happened"))
        }
    }

    @Test func anAlarmWithoutANameInDescribeAlarmsIsAnError() async throws {
        let body = """
            <DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult>
              <MetricAlarms><member><AlarmName>batch-etl</AlarmName></member><member><StateValue>ALARM</StateValue></member></MetricAlarms>
              <CompositeAlarms/></DescribeAlarmsResult></DescribeAlarmsResponse>
            """
        let transport = FakeTransport { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(body.utf8))
        }
        await #expect(throws: AWSError.self) {
            _ = try await AlarmReader(client: makeCheckClient(transport)).alarmNames(names: [], prefixes: ["batch-"])
        }
    }

    @Test func anotherAlarmsItemIsNotRead() async throws {
        let read = try await transitions(Self.item(name: "unwatched", timestamp: "not a time"))
        #expect(read.isEmpty)
    }
}
