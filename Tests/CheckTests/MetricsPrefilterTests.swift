import AWSClient
import Foundation
import Logging
import Testing

@testable import BatchwatchCheck
@testable import TestSupport

/// `MetricsPrefilter` against recorded GetMetricData answers: metrics clear a machine only where
/// they are present, readable and consistent; everything else is listed.
@Suite struct MetricsPrefilterTests {
    static let arn = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:etl"
    static let window = CheckWindow(
        from: instant("2026-11-20T00:00:00+09:00"), to: instant("2026-11-21T00:00:00+09:00"),
        timeZone: TimeZone(identifier: "Asia/Tokyo")!)
    static let now = instant("2026-11-21T08:30:00+09:00")

    /// A run started at 03:00 JST that succeeded ten minutes later, as AWS/States reports it.
    static let healthyRun: [String: [Datapoint]] = [
        "ExecutionsStarted": [.init("2026-11-19T18:00:00Z", "1.0")],
        "ExecutionsSucceeded": [.init("2026-11-19T18:10:00Z", "1.0")],
        "ExecutionTime": [.init("2026-11-19T18:10:00Z", "600000.0")],
    ]

    static let unscheduled = CheckTarget(arn: arn, name: "etl", jobs: [])
    static let scheduled = CheckTarget(
        arn: arn, name: "etl",
        jobs: [
            JobExpectation(
                name: "etl", occurrences: [instant("2026-11-20T03:00:00+09:00")],
                nextOccurrence: instant("2026-11-21T03:00:00+09:00"),
                startWithin: 900, maxDuration: 7200)
        ])

    func decide(
        _ target: CheckTarget, _ metrics: [String: [Datapoint]], account: [String: [Datapoint]]? = nil,
        status: [String: String] = [:]
    ) async -> MetricsPrefilter.Decision {
        let transport = FakeTransport { request, _ in
            recordedGetMetricData(request, metrics: metrics, account: account ?? metrics, status: status)
        }
        return await MetricsPrefilter(client: makeCheckClient(transport), concurrency: 4).decide(
            [target], window: Self.window, now: Self.now)
    }

    @Test func balancedMetricsClearBothKindsOfMachine() async {
        for target in [Self.unscheduled, Self.scheduled] {
            let decision = await decide(target, Self.healthyRun)
            #expect(decision.needsListing.isEmpty)
            #expect(decision.startsInWindow[Self.arn] == 1)
        }
    }

    @Test func aStartWithoutItsOutcomeIsListed() async {
        for target in [Self.unscheduled, Self.scheduled] {
            var metrics = Self.healthyRun
            metrics["ExecutionsSucceeded"] = nil
            metrics["ExecutionTime"] = nil
            #expect(await decide(target, metrics).needsListing == [Self.arn])
        }
    }

    @Test func anOutcomeWithoutItsRunTimeIsListed() async {
        var metrics = Self.healthyRun
        metrics["ExecutionTime"] = nil
        #expect(await decide(Self.unscheduled, metrics).needsListing == [Self.arn])
    }

    @Test func anExtraStartNoOutcomeExplainsIsListed() async {
        var metrics = Self.healthyRun
        metrics["ExecutionsStarted"]?.append(.init("2026-11-19T20:00:00Z", "1.0"))
        #expect(await decide(Self.unscheduled, metrics).needsListing == [Self.arn])
    }

    @Test func aMachineWithNoDatapointsIsIdleOnlyWithoutASchedule() async {
        #expect(await decide(Self.unscheduled, [:]).needsListing.isEmpty)
        #expect(await decide(Self.scheduled, [:]).needsListing == [Self.arn])
    }

    @Test func aRunFromBeforeTheWindowIsMatchedWithItsStart() async {
        // Started 23:50 the evening before, ended 00:20 inside the window, 30 minutes long.
        let straddling: [String: [Datapoint]] = [
            "ExecutionsStarted": [.init("2026-11-19T14:50:00Z", "1.0")],
            "ExecutionsSucceeded": [.init("2026-11-19T15:20:00Z", "1.0")],
            "ExecutionTime": [.init("2026-11-19T15:20:00Z", "1800000.0")],
        ]
        #expect(await decide(Self.unscheduled, straddling).needsListing.isEmpty)
        var delayed = straddling
        delayed["ExecutionsStarted"] = nil  // the start's datapoint never came
        #expect(await decide(Self.unscheduled, delayed).needsListing == [Self.arn])
    }

    @Test func anAccountLevelFailureNoMachineShowsListsTheUnscheduledMachines() async {
        var account = Self.healthyRun
        account["ExecutionsFailed"] = [.init("2026-11-19T19:00:00Z", "1.0")]
        #expect(await decide(Self.unscheduled, Self.healthyRun, account: account).needsListing == [Self.arn])
        #expect(await decide(Self.unscheduled, [:], account: account).needsListing == [Self.arn])
        // A scheduled job's own series proves its occurrences: the unexplained failure is not its.
        #expect(await decide(Self.scheduled, Self.healthyRun, account: account).needsListing.isEmpty)
    }

    @Test func aFailureWhoseTimestampCannotBeReadIsListed() async {
        var metrics = Self.healthyRun
        metrics["ExecutionsFailed"] = [.init("2026/11/19 18:12:00", "1.0")]
        #expect(await decide(Self.unscheduled, metrics).needsListing == [Self.arn])
    }

    @Test func timestampsAndValuesThatDoNotPairAreListed() async {
        var metrics = Self.healthyRun
        metrics["ExecutionsSucceeded"] = [.init("2026-11-19T18:10:00Z", "1.0"), .init("2026-11-19T18:11:00Z", nil)]
        #expect(await decide(Self.unscheduled, metrics).needsListing == [Self.arn])
    }

    @Test func aQueryThatIsNotCompleteIsListed() async {
        for status in ["InternalError", "Forbidden", "PartialData"] {
            let decision = await decide(Self.unscheduled, Self.healthyRun, status: ["ExecutionsFailed": status])
            #expect(decision.needsListing == [Self.arn], "StatusCode \(status)")
        }
    }

    @Test("more queries than one call takes: calls of at most 500, every machine's answer read")
    func queriesAreSplitIntoCallsOfAtMost500() async throws {
        let targets = (0..<80).map { CheckTarget(arn: "\(Self.arn)-\($0)", name: "etl-\($0)", jobs: []) }
        let transport = FakeTransport { request, _ in
            recordedGetMetricData(request, metrics: Self.healthyRun, account: Self.healthyRun)
        }
        let decision = await MetricsPrefilter(client: makeCheckClient(transport), concurrency: 4).decide(
            targets, window: Self.window, now: Self.now)
        let calls = transport.requests.map { formFields($0.body).keys.filter { $0.hasSuffix(".Id") }.count }
        #expect(calls.count == 2 && calls.allSatisfy { $0 <= 500 }, "queries per call: \(calls)")
        #expect(decision.needsListing.isEmpty)
        #expect(decision.startsInWindow.count == 80 && decision.startsInWindow.values.allSatisfy { $0 == 1 })
    }

    @Test func anAnswerWithoutItsResultListsEverythingAndSaysSo() async {
        let transport = FakeTransport { _, _ in
            HTTPResponse(
                status: 200, headers: ["Content-Type": "text/xml"],
                body: Data("<html><body>maintenance</body></html>".utf8))
        }
        let decision = await MetricsPrefilter(client: makeCheckClient(transport), concurrency: 4).decide(
            [Self.unscheduled], window: Self.window, now: Self.now)
        #expect(decision.needsListing == [Self.arn])
        #expect(decision.fallbackNote?.description.contains("GetMetricDataResult") == true)
    }
}

/// An ISO 8601 instant with offset, for test values.
func instant(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text)!
}

/// One datapoint of a recorded answer, as text on the wire (`nil`: the element is left out).
struct Datapoint {
    var timestamp: String?
    var value: String?

    init(_ timestamp: String?, _ value: String?) {
        self.timestamp = timestamp
        self.value = value
    }
}

/// A GetMetricData answer to `request` in CloudWatch's XML: each query of a machine gets the
/// datapoints of its metric name in `metrics` (account-level queries: in `account`), with
/// `StatusCode` `Complete` unless `status` says otherwise.
func recordedGetMetricData(
    _ request: HTTPRequest, metrics: [String: [Datapoint]], account: [String: [Datapoint]],
    status: [String: String] = [:]
) -> HTTPResponse {
    let fields = formFields(request.body)
    var members = ""
    var index = 1
    while let id = fields["MetricDataQueries.member.\(index).Id"] {
        let name = fields["MetricDataQueries.member.\(index).MetricStat.Metric.MetricName"] ?? ""
        let isAccountLevel =
            fields["MetricDataQueries.member.\(index).MetricStat.Metric.Dimensions.member.1.Name"] == nil
        let points = (isAccountLevel ? account : metrics)[name] ?? []
        let stamps = points.compactMap(\.timestamp).map { "<member>\($0)</member>" }.joined()
        let values = points.compactMap(\.value).map { "<member>\($0)</member>" }.joined()
        members += """
            <member><Id>\(id)</Id><Label>\(name)</Label><StatusCode>\(status[name] ?? "Complete")</StatusCode>
            <Timestamps>\(stamps)</Timestamps><Values>\(values)</Values></member>
            """
        index += 1
    }
    let body = """
        <GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
          <GetMetricDataResult><MetricDataResults>\(members)</MetricDataResults><Messages/></GetMetricDataResult>
          <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
        </GetMetricDataResponse>
        """
    return HTTPResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(body.utf8))
}

/// A client over `transport` with fixed credentials, a fake clock and no network.
func makeCheckClient(_ transport: any HTTPTransport) -> AWSClient {
    AWSClient(
        region: "ap-northeast-1",
        credentialProvider: StaticCredentialProvider(
            AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")),
        transport: transport, endpoints: EndpointResolver(environment: [:]), clock: FakeClock(),
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, random: { 0 })
}
