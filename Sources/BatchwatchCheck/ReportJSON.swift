import BatchwatchConfig
import Foundation

extension CheckReport {
    /// The JSON document of the README (`--format json`), times in the window's timezone.
    public func jsonDocument() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and booleans cannot fail.
        return try! encoder.encode(JSONReport(self))
    }
}

/// Formats instants as ISO 8601 with a numeric offset, e.g. `2026-11-20T02:14:09+09:00`.
public struct OffsetTimestampFormatter: Sendable {
    private let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public func string(from date: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d",
            parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!,
            sign, magnitude / 3600, (magnitude % 3600) / 60
        )
    }
}

/// The wire shape of the report; keys that do not apply are left out.
private struct JSONReport: Encodable {
    struct Window: Encodable {
        let from: String
        let to: String
        let timezone: String
    }

    struct JSONFinding: Encodable {
        let kind: String
        let job: String
        let account: String?
        let region: String?
        let at: String
        let expectedAt: String?
        let executionArn: String?
        let error: String?
        let cause: String?
        let message: String?
        let state: String?
        let url: String?
        let streak: Int?
        let lastSuccess: String?

        enum CodingKeys: String, CodingKey {
            case kind, job, account, region, at, error, cause, message, state, url, streak
            case expectedAt = "expected_at"
            case executionArn = "execution_arn"
            case lastSuccess = "last_success"
        }
    }

    struct JSONRecovery: Encodable {
        let job: String
        let account: String?
        let region: String?
        let at: String
        let after: Int
    }

    struct Checked: Encodable {
        let jobs: Int
        let stateMachines: Int
        let executions: Int
        let alarms: Int
        let skipped: Int
        let ignored: Int
        let accounts: Int
        let regions: Int

        enum CodingKeys: String, CodingKey {
            case jobs, executions, alarms, skipped, ignored, accounts, regions
            case stateMachines = "state_machines"
        }
    }

    struct Delivery: Encodable {
        let target: String
        let ok: Bool
    }

    let window: Window
    let status: String
    let findings: [JSONFinding]
    let recovered: [JSONRecovery]
    let checked: Checked
    let delivery: [Delivery]

    init(_ report: CheckReport) {
        let formatter = OffsetTimestampFormatter(timeZone: report.window.timeZone)
        window = Window(
            from: formatter.string(from: report.window.from),
            to: formatter.string(from: report.window.to),
            timezone: BatchwatchConfiguration.displayName(of: report.window.timeZone)
        )
        status = report.status.rawValue
        findings = report.findings.map { finding in
            JSONFinding(
                kind: finding.kind.rawValue,
                job: finding.job,
                account: finding.account,
                region: finding.region,
                at: formatter.string(from: finding.at),
                expectedAt: finding.expectedAt.map(formatter.string(from:)),
                executionArn: finding.executionArn,
                error: finding.error,
                cause: finding.cause,
                message: finding.message,
                state: finding.state,
                url: finding.url,
                streak: finding.streak,
                lastSuccess: finding.lastSuccess.map(formatter.string(from:))
            )
        }
        recovered = report.recoveries.map {
            JSONRecovery(
                job: $0.job, account: $0.account, region: $0.region, at: formatter.string(from: $0.at), after: $0.after)
        }
        let counts = report.checked
        checked = Checked(
            jobs: counts.jobs, stateMachines: counts.stateMachines, executions: counts.executions,
            alarms: counts.alarms, skipped: counts.skipped, ignored: counts.ignored,
            accounts: max(counts.accounts, 1), regions: max(counts.regions, 1)
        )
        delivery = report.delivery.map { Delivery(target: $0.target, ok: $0.ok) }
    }
}
