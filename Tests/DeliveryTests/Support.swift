import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Logging

@testable import BatchwatchDelivery
@testable import TestSupport

/// Reports and settings the tests share.
enum Fixture {
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    static func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    /// Where the tests' clocks start: 2026-11-20 23:46:40 in Tokyo.
    static let clockStart = at("2026-11-20T14:46:40Z")

    static let day = CheckWindow(
        from: at("2026-11-20T00:00:00+09:00"), to: at("2026-11-21T00:00:00+09:00"), timeZone: tokyo)
    static let nextDay = CheckWindow(
        from: at("2026-11-21T00:00:00+09:00"), to: at("2026-11-22T00:00:00+09:00"), timeZone: tokyo)

    static func failed(
        _ job: String, at time: Date = at("2026-11-20T02:14:09+09:00"), cause: String = "Load failed"
    ) -> Finding {
        Finding(
            kind: .failed, job: job, at: time,
            executionArn: "arn:aws:states:ap-northeast-1:123456789012:execution:\(job):r1",
            error: "States.TaskFailed", cause: cause, state: "LoadToRedshift",
            url:
                "https://console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/arn:aws:states:ap-northeast-1:123456789012:execution:\(job):r1"
        )
    }

    /// Three problems on 2026-11-20 in Tokyo.
    static func report(window: CheckWindow = day) -> CheckReport {
        CheckReport(
            window: window,
            findings: [
                failed("nightly-etl", at: window.from.addingTimeInterval(8049)),
                Finding(
                    kind: .missing, job: "billing", at: window.from.addingTimeInterval(3600 * 25),
                    expectedAt: window.from.addingTimeInterval(3600 * 23), detail: .neverStarted),
                Finding(
                    kind: .alarm, job: "etl-errors", at: window.from.addingTimeInterval(3600 * 3),
                    cause: "Threshold Crossed"),
            ],
            checked: CheckedCounts(jobs: 12, stateMachines: 40, executions: 311, alarms: 7))
    }

    static func clean(window: CheckWindow = day) -> CheckReport {
        CheckReport(
            window: window, findings: [],
            checked: CheckedCounts(jobs: 12, stateMachines: 40, executions: 311, alarms: 7))
    }

    /// A fresh state directory, removed by the caller.
    static func stateDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every regular file under `directory`, relative path and contents.
    static func files(under directory: URL) -> [(path: String, contents: String)] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var files: [(String, String)] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = directory.appendingPathComponent(path).path
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            files.append((path, String(decoding: FileManager.default.contents(atPath: full) ?? Data(), as: UTF8.self)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    static let credentials = AWSCredentials(
        accessKeyId: "AKIDDELIVERYTEST", secretAccessKey: "deliverySecretKey/K7MDENG+bPxRfiCYzzzz",
        sessionToken: "deliverySessionTokenZZZ")

    /// An AWS client over `transport` and `clock`, signing with `credentials`.
    static func awsClient(
        transport: any HTTPTransport, clock: any WallClock, logger: Logger, maxAttempts: Int = 1
    ) -> AWSClient {
        AWSClient(
            region: "us-east-1", credentialProvider: StaticCredentialProvider(credentials), transport: transport,
            endpoints: EndpointResolver(environment: [:]), clock: clock,
            retryPolicy: RetryPolicy(maxAttempts: maxAttempts),
            logger: logger, random: { 1 })
    }

    /// A deliverer with Slack's API on `receiver` and waits on `clock`.
    static func deliverer(
        _ settings: NotifySettings, state: URL?, clock: FakeClock, logs: LogRecorder, receiver: SlackReceiver? = nil,
        transport: any HTTPTransport = URLSessionTransport.shared, awsClient: AWSClient? = nil,
        retryPolicy: RetryPolicy = .delivery(requestTimeout: 5), lockWait: Double = Deliverer.standardLockWait
    ) -> Deliverer {
        Deliverer(
            settings: settings, stateDirectory: state?.path, transport: transport, awsClient: awsClient, clock: clock,
            logger: logs.logger(), retryPolicy: retryPolicy,
            slackAPIBaseURL: receiver?.apiBaseURL ?? URL(string: "http://127.0.0.1:9/api/")!, random: { 1 },
            lockWait: lockWait)
    }
}

extension SlackBlock {
    /// The block's own text, or its first element's.
    var visibleText: String { text?.text ?? elements?.first?.text ?? "" }
}
