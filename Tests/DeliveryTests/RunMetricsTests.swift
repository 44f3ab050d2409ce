import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery

/// `notify.metrics`: the PutMetricData parameters of one run.
@Suite struct RunMetricsTests {
    static let report = CheckReport(
        window: CheckWindow(
            from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 86_400), timeZone: .gmt),
        findings: [
            Finding(kind: .failed, job: "a", at: Date(timeIntervalSince1970: 10)),
            Finding(kind: .deadlineMissed, job: "b", at: Date(timeIntervalSince1970: 20)),
            Finding(kind: .checkError, job: "c", at: Date(timeIntervalSince1970: 30)),
        ],
        checked: CheckedCounts(),
        delivery: [DeliveryOutcome(target: "slack", ok: false), DeliveryOutcome(target: "sns", ok: true)])

    @Test func everyFigureCarriesTheConfigDimensionAndEachKindHasItsOwnDatum() {
        let parameters = RunMetrics.parameters(Self.report, namespace: "Batchwatch", config: "prod", duration: 12.5)
        let values = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        #expect(values["Namespace"] == "Batchwatch")
        #expect(values["MetricData.member.1.MetricName"] == "Runs" && values["MetricData.member.1.Value"] == "1")
        #expect(values["MetricData.member.1.Dimensions.member.1.Name"] == "Config")
        #expect(values["MetricData.member.1.Dimensions.member.1.Value"] == "prod")
        #expect(values["MetricData.member.2.MetricName"] == "Findings" && values["MetricData.member.2.Value"] == "3")
        let data = RunMetrics.data(Self.report, duration: 12.5)
        #expect(data.count == 2 + FindingKind.allCases.count + 3)
        #expect(data.count <= 20, "PutMetricData's smallest documented limit")
        let byKind = data.filter { $0.name == "Findings" && !$0.dimensions.isEmpty }
        #expect(byKind.map { $0.dimensions[0].1 } == FindingKind.allCases.map(\.rawValue))
        #expect(byKind.first { $0.dimensions[0].1 == "deadline_missed" }?.value == 1)
        #expect(data.first { $0.name == "CheckErrors" }?.value == 1)
        #expect(data.first { $0.name == "Undelivered" }?.value == 1)
        #expect(data.first { $0.name == "DurationSeconds" }?.unit == "Seconds")
        #expect(values.values.contains("12.500"))
    }

    @Test func ignoreRuleKindsAreTheFindingKinds() {
        #expect(IgnoreRule.findingKinds == FindingKind.allCases.map(\.rawValue))
    }
}
