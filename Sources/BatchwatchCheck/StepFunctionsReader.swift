import AWSClient
import Foundation
import ScheduleDiscovery

/// A state machine as ListStateMachines lists it.
public struct StateMachineSummary: Sendable, Equatable, Codable {
    public var stateMachineArn: String
    public var name: String
    public var type: StateMachineType
    /// When the machine was created: no occurrence before it is good or bad.
    public var creationDate: Date?

    public init(stateMachineArn: String, name: String, type: StateMachineType, creationDate: Date? = nil) {
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.type = type
        self.creationDate = creationDate
    }

    /// ListExecutions serves only Standard machines.
    public var isExpress: Bool { type == .express }
}

/// Executions read from ListExecutions, newest first, and the token of the page after them
/// (`nil`: nothing older is kept).
public struct ExecutionPage: Sendable, Equatable, Decodable {
    public var executions: [ExecutionRecord]
    public var nextToken: String?

    public init(executions: [ExecutionRecord], nextToken: String? = nil) {
        self.executions = executions
        self.nextToken = nextToken
    }

    /// A ListExecutions answer; an empty `nextToken` is the end, as no token is.
    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case executions, nextToken }
        let container = try decoder.container(keyedBy: Keys.self)
        executions = try container.decode([ExecutionRecord].self, forKey: .executions)
        nextToken = try container.decodeIfPresent(String.self, forKey: .nextToken).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Why an execution ended badly, read from its history.
public struct FailureDetails: Sendable, Equatable {
    /// The state that failed; for a Map Run failure, the Map state.
    public var state: String?
    public var error: String?
    public var cause: String?
    public var stoppedAt: Date?
    /// Whether the execution failed because a Map Run failed.
    public var isMapRunFailure = false
    /// The ARN of that Map Run, whose failed items are counted separately.
    public var mapRunArn: String?
}

/// The Step Functions calls a check makes, each as few times as the answer allows.
public struct StepFunctionsReader: Sendable {
    /// ListExecutions page size: the most AWS allows, so a day of runs is usually one call.
    static let executionsPageSize = 1000
    /// History events read per page, newest first: enough to reach the failing state.
    static let historyPageSize = 25
    /// History pages read at most: the failing state is near the end of any history.
    static let historyPagesRead = 2

    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Every state machine in the region (paginated ListStateMachines).
    public func stateMachines() async throws -> [StateMachineSummary] {
        struct Request: Encodable { var maxResults = 1000; var nextToken: String? }
        struct Response: Decodable { var stateMachines: [StateMachineSummary]; var nextToken: String? }
        return try await client.jsonPages(
            .stepFunctions, target: "ListStateMachines", request: { Request(nextToken: $0) },
            nextToken: { (page: Response) in page.nextToken }
        ).collect(\.stateMachines)
    }

    /// The pages of ListExecutions of `stateMachineArn`, newest first, each with the token of the
    /// page after it, from `token` on (`nil`: the first page), through the one paginator (so a
    /// repeated token or too many pages is an error, also when reading on from a kept token).
    public func executionPages(of stateMachineArn: String, after token: String? = nil) -> AWSPages<ExecutionPage> {
        struct Request: Encodable { var stateMachineArn: String; var maxResults: Int; var nextToken: String? }
        return client.jsonPages(
            .stepFunctions, target: "ListExecutions", startToken: token,
            request: { Request(stateMachineArn: stateMachineArn, maxResults: Self.executionsPageSize, nextToken: $0) },
            nextToken: { (page: ExecutionPage) in page.nextToken })
    }

    /// The executions of `stateMachineArn` from the newest back to the first page that reaches
    /// past `notBefore` (ListExecutions answers newest first, so paging stops there), every
    /// execution of the pages read kept (older ones too), and where the next page starts, so that
    /// `ReadHistory` reads on from there.
    public func listing(of stateMachineArn: String, notBefore: Date) async throws -> ExecutionPage {
        var listing = ExecutionPage(executions: [], nextToken: nil)
        for try await page in executionPages(of: stateMachineArn) {
            listing.executions += page.executions
            listing.nextToken = page.nextToken
            if page.executions.contains(where: { $0.startDate < notBefore }) { break }
        }
        return listing
    }

    /// When a state machine was created (DescribeStateMachine), for a machine that was not listed.
    public func creationDate(of stateMachineArn: String) async throws -> Date? {
        struct Request: Encodable { var stateMachineArn: String }
        struct Response: Decodable { var creationDate: Date? }
        let response: Response = try await client.json(
            .stepFunctions, target: "DescribeStateMachine", body: Request(stateMachineArn: stateMachineArn))
        return response.creationDate
    }

    /// The failing state, error, cause and stop time of an execution, from the newest end of its
    /// history (GetExecutionHistory with `reverseOrder`); a second page only when the first does not
    /// reach the state that failed.
    public func failureDetails(of executionArn: String) async throws -> FailureDetails {
        var details = FailureDetails()
        let pages = client.jsonPages(
            .stepFunctions, target: "GetExecutionHistory",
            request: {
                HistoryRequest(
                    executionArn: executionArn, maxResults: Self.historyPageSize, reverseOrder: true, nextToken: $0)
            },
            nextToken: { (page: HistoryPage) in page.nextToken }
        )
        var read = 0
        for try await page in pages {
            for event in page.events {
                details.absorb(event)
            }
            read += 1
            if details.state != nil || read == Self.historyPagesRead { break }
        }
        return details
    }

    /// How many items of a Map Run failed (DescribeMapRun), read only for Map Run failures.
    public func failedItemCount(ofMapRun mapRunArn: String) async throws -> Int {
        struct Request: Encodable { var mapRunArn: String }
        struct Response: Decodable {
            struct Counts: Decodable { var failed: Int }
            var itemCounts: Counts
        }
        let response: Response = try await client.json(
            .stepFunctions, target: "DescribeMapRun", body: Request(mapRunArn: mapRunArn))
        return response.itemCounts.failed
    }
}

private struct HistoryRequest: Encodable {
    var executionArn: String
    var maxResults: Int
    var reverseOrder: Bool
    var nextToken: String?
}

private struct HistoryPage: Decodable {
    var events: [HistoryEvent]
    var nextToken: String?
}

/// The parts of a history event that say why an execution ended.
struct HistoryEvent: Decodable {
    struct ErrorDetails: Decodable {
        var error: String?
        var cause: String?
    }

    struct StateEntered: Decodable {
        var name: String
    }

    struct MapRunStarted: Decodable {
        var mapRunArn: String?
    }

    var type: String
    var timestamp: Date
    var stateEnteredEventDetails: StateEntered?
    var executionFailedEventDetails: ErrorDetails?
    var executionTimedOutEventDetails: ErrorDetails?
    var executionAbortedEventDetails: ErrorDetails?
    var mapRunFailedEventDetails: ErrorDetails?
    var mapRunStartedEventDetails: MapRunStarted?
}

extension FailureDetails {
    /// Takes what `event` tells, reading events newest first: the terminal event gives error, cause
    /// and stop time; the newest state entered is the failing one.
    mutating func absorb(_ event: HistoryEvent) {
        switch event.type {
        case "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted":
            let terminal =
                event.executionFailedEventDetails ?? event.executionTimedOutEventDetails
                ?? event.executionAbortedEventDetails
            stoppedAt = stoppedAt ?? event.timestamp
            error = error ?? terminal?.error
            cause = cause ?? terminal?.cause
        case "MapRunFailed":
            error = error ?? event.mapRunFailedEventDetails?.error
            cause = cause ?? event.mapRunFailedEventDetails?.cause
            isMapRunFailure = true
        case "MapRunStarted":
            if isMapRunFailure, mapRunArn == nil { mapRunArn = event.mapRunStartedEventDetails?.mapRunArn }
        default:
            if event.type.hasSuffix("StateEntered"), state == nil {
                state = event.stateEnteredEventDetails?.name
            }
        }
    }
}
