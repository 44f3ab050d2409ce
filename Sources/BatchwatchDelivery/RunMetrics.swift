import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Logging

/// `notify.metrics`: after each run, the run's own figures go to CloudWatch (PutMetricData), so a
/// CloudWatch alarm on `Runs` with `TreatMissingData: breaching` notices a batchwatch that
/// stopped running.
///
/// Every metric has the dimension `Config` (`MetricsTarget.configDimension(file:)`):
/// `Runs` (1), `Findings` (all kinds), `Findings` with a second dimension `Kind` (one per kind,
/// `failed` … `check_error`, zeros included), `CheckErrors`, `Undelivered` (targets that did
/// not accept the digest) and `DurationSeconds`.
public enum RunMetrics {
    /// The CloudWatch API version of PutMetricData.
    static let version = "2010-08-01"

    /// Publishes the figures of `report` when `configuration` asks for it. A failure is logged and
    /// changes nothing else: the exit status is the check's and the delivery's.
    public static func publish(
        _ report: CheckReport, configuration: BatchwatchConfiguration, duration: TimeInterval, client: AWSClient,
        logger: Logger
    ) async {
        guard let target = configuration.notify.metrics else { return }
        let parameters = parameters(
            report, namespace: target.namespace, config: target.configDimension(file: configuration.file),
            duration: duration)
        do {
            _ = try await client.query(.cloudWatch, action: "PutMetricData", version: version, parameters: parameters)
            logger.info("published the run's metrics to CloudWatch namespace \(target.namespace)")
        } catch {
            logger.warning("could not publish the run's metrics to CloudWatch namespace \(target.namespace): \(error)")
        }
    }

    /// One metric: its name, value, unit and the dimensions besides `Config`.
    struct Datum: Equatable {
        var name: String
        var value: Double
        var unit: String
        var dimensions: [(String, String)] = []

        static func == (left: Datum, right: Datum) -> Bool {
            left.name == right.name && left.value == right.value && left.unit == right.unit
                && left.dimensions.elementsEqual(right.dimensions, by: ==)
        }
    }

    /// The figures of one run, in a fixed order.
    static func data(_ report: CheckReport, duration: TimeInterval) -> [Datum] {
        var data = [
            Datum(name: "Runs", value: 1, unit: "Count"),
            Datum(name: "Findings", value: Double(report.findings.count), unit: "Count"),
        ]
        for kind in FindingKind.allCases {
            let count = report.findings.filter { $0.kind == kind }.count
            data.append(
                Datum(name: "Findings", value: Double(count), unit: "Count", dimensions: [("Kind", kind.rawValue)]))
        }
        data.append(
            Datum(
                name: "CheckErrors", value: Double(report.findings.filter { $0.kind == .checkError }.count),
                unit: "Count"))
        data.append(Datum(name: "Undelivered", value: Double(report.delivery.filter { !$0.ok }.count), unit: "Count"))
        data.append(Datum(name: "DurationSeconds", value: max(0, duration), unit: "Seconds"))
        return data
    }

    /// The Query parameters of PutMetricData for one run.
    static func parameters(
        _ report: CheckReport, namespace: String, config: String, duration: TimeInterval
    ) -> [(String, String)] {
        var parameters = [("Namespace", namespace)]
        for (index, datum) in data(report, duration: duration).enumerated() {
            let member = "MetricData.member.\(index + 1)"
            parameters += [
                ("\(member).MetricName", datum.name), ("\(member).Value", format(datum.value)),
                ("\(member).Unit", datum.unit),
            ]
            for (dimensionIndex, (name, value)) in ([("Config", config)] + datum.dimensions).enumerated() {
                let dimension = "\(member).Dimensions.member.\(dimensionIndex + 1)"
                parameters += [("\(dimension).Name", name), ("\(dimension).Value", value)]
            }
        }
        return parameters
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3f", value)
    }
}
