import AWSClient
import Foundation
import Logging
import Testing

@testable import TestSupport

/// One delivery test's world: the reset test bed seeded with `DeliveryBench.scenario`, a state
/// directory of its own, and everything the `batchwatch` runs wrote, kept for the secret grep.
struct DeliveryBench {
    /// nightly-etl runs at 02:00 Tokyo time.
    static let jobs = """
        jobs:
          - name: nightly-etl
            state_machine: nightly-etl
            schedule: "cron(0 2 * * ? *)"

        """

    /// A clean day before `Fixed.date`: nightly-etl succeeded.
    static let cleanDate = "2026-11-19"

    /// nightly-etl succeeded on `cleanDate` and failed on `Fixed.date`; the topic `batch-alerts`
    /// is subscribed by the SQS queue `batch-alerts-inbox`.
    static let scenario = TestBed.Scenario(
        stateMachines: [
            .init(
                name: "nightly-etl", region: Fixed.region,
                executions: [
                    .init(start: jst("2026-11-19T02:00:04"), stop: jst("2026-11-19T02:40:00")),
                    .init(
                        start: jst("2026-11-20T02:00:05"), stop: jst("2026-11-20T02:14:09"), status: .failed,
                        failure: .init(state: "LoadToRedshift", error: "States.TaskFailed", cause: "connection refused")
                    ),
                ])
        ],
        topics: [.init(name: "batch-alerts", region: Fixed.region, subscribeQueue: "batch-alerts-inbox")])

    let bed: TestBed
    /// The test bed's AWS environment, plus `SLACK_WEBHOOK_URL` once `useWebhook` set it.
    var environment: [String: String]
    let seeded: TestBed.SeedResult
    let stateDirectory: URL
    /// `(what, text)` of every stdout and stderr so far.
    private(set) var outputs: [(what: String, text: String)] = []

    /// Resets and seeds the test bed (`scenario` by default) and makes an empty state directory.
    static func start(scenario: TestBed.Scenario = scenario) async throws -> DeliveryBench {
        let (bed, environment) = try await freshTestBed()
        let seeded = try await bed.seed(scenario)
        return DeliveryBench(
            bed: bed, environment: environment, seeded: seeded,
            stateDirectory: TestBed.makeEmptyDirectory().appendingPathComponent("state", isDirectory: true))
    }

    /// The seeded topic and its queue.
    var topic: TestBed.SeedResult.Topic {
        get throws { try #require(seeded.topics["batch-alerts"]) }
    }

    /// A configuration file for `DeliveryBench.jobs` with this bench's state directory (or
    /// `stateDirectory`) and `notify` (the indented lines under `notify:`).
    func configFile(notify: String, stateDirectory: URL? = nil, jobs: String = DeliveryBench.jobs) throws -> String {
        let directory = stateDirectory ?? self.stateDirectory
        return try writeConfig(tokyoConfig("state_dir: \(directory.path)\n" + jobs + "notify:\n" + notify))
    }

    /// `notify:` lines for a webhook read from `${SLACK_WEBHOOK_URL}`, as a real config would.
    static let webhookNotify = """
          slack:
            webhook_url: ${SLACK_WEBHOOK_URL}

        """

    /// Points `${SLACK_WEBHOOK_URL}` at `receiver`, with `secretPath` as the webhook's secret path.
    mutating func useWebhook(of receiver: SlackReceiver, secretPath: String) {
        environment["SLACK_WEBHOOK_URL"] = receiver.webhookURL(secretPath: secretPath)
    }

    /// `check --config F --date D --now Fixed.now --format F [extra]`.
    static func checkArguments(
        _ config: String, date: String = Fixed.date, format: String = "json", _ extra: [String] = []
    ) -> [String] {
        ["check", "--config", config, "--date", date, "--now", Fixed.nowText, "--format", format] + extra
    }

    /// Starts `batchwatch check` (as `check` runs it) without waiting for it; its output is not kept.
    func launchCheck(_ config: String, date: String = Fixed.date, _ extra: [String] = []) throws -> LaunchedBatchwatch {
        try launchBatchwatch(Self.checkArguments(config, date: date, extra), environment: environment)
    }

    /// Keeps `run`'s output for the secret grep, labelled `label`.
    mutating func keep(_ run: BinaryRun, label: String) {
        outputs.append(("stdout of \(label)", run.stdoutText))
        outputs.append(("stderr of \(label)", run.stderr))
    }

    /// `batchwatch check --config F --date D --now Fixed.now --format F [extra]`, its output kept.
    mutating func check(
        _ config: String, date: String = Fixed.date, format: String = "json", _ extra: [String] = [],
        logLevel: String? = nil
    ) async throws -> BinaryRun {
        var runEnvironment = environment
        runEnvironment["BATCHWATCH_LOG_LEVEL"] = logLevel
        let arguments =
            ["check", "--config", config, "--date", date, "--now", Fixed.nowText, "--format", format] + extra
        let run = try await runBatchwatch(arguments, environment: runEnvironment)
        let label = arguments.dropFirst(3).joined(separator: " ")
        outputs.append(("stdout of check \(label)", run.stdoutText))
        outputs.append(("stderr of check \(label)", run.stderr))
        return run
    }
}

extension BinaryRun {
    /// The JSON document's `delivery`, as `slack ok` / `sns failed` lines.
    func deliverySummary() throws -> [String] {
        let delivery = try #require(try jsonDocument()["delivery"] as? [[String: Any]], "no delivery in \(stdoutText)")
        return delivery.map { "\($0["target"] as? String ?? "?") \($0["ok"] as? Bool == true ? "ok" : "failed")" }
    }

    /// The path after `spooled to ` on stderr.
    var spoolPath: String? {
        guard let range = stderr.range(of: "spooled to ") else { return nil }
        return stderr[range.upperBound...].split(separator: ",", maxSplits: 1).first.map(String.init)
    }
}

/// Every regular file under `directory` (recursively), by path relative to it, sorted; but for
/// the lock file, which is empty and stays once a run has delivered anything.
func filesWritten(under directory: URL) -> [(path: String, contents: String)] {
    let paths = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String]) ?? []
    return paths.filter { $0 != "batchwatch.lock" }.sorted().compactMap { path in
        var isDirectory: ObjCBool = false
        let full = directory.appendingPathComponent(path).path
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        return (path, String(decoding: FileManager.default.contents(atPath: full) ?? Data(), as: UTF8.self))
    }
}

/// The names of the `secrets` (name to value) that occur in any of `texts`, with where.
func secretLeaks(_ secrets: [String: String], in texts: [(what: String, text: String)]) -> [String] {
    secrets.sorted { $0.key < $1.key }.flatMap { name, value in
        texts.filter { $0.text.contains(value) }.map { "\(name) in \($0.what)" }
    }
}

/// SQS as the test bed serves it (JSON 1.0): what SNS delivered to a subscribed queue.
enum DeliveryInbox {
    static let service = AWSService(
        signingName: "sqs", endpointPrefix: "sqs", environmentSuffix: "SQS",
        wireProtocol: .json(version: "1.0", targetPrefix: "AmazonSQS"))

    private struct Receive: Encodable, Sendable {
        let queueUrl: String
        let maxNumberOfMessages = 10
        /// Received messages stay hidden for the rest of the test, so each call returns only new ones.
        let visibilityTimeout = 3600

        enum CodingKeys: String, CodingKey {
            case queueUrl = "QueueUrl"
            case maxNumberOfMessages = "MaxNumberOfMessages"
            case visibilityTimeout = "VisibilityTimeout"
        }
    }

    private struct Received: Decodable {
        struct Message: Decodable {
            let body: String
            enum CodingKeys: String, CodingKey { case body = "Body" }
        }
        let messages: [Message]?
        enum CodingKeys: String, CodingKey { case messages = "Messages" }
    }

    /// The SQS message bodies not received before, as (raw body, SNS envelope).
    static func newMessages(
        queueUrl: String, environment: [String: String]
    ) async throws
        -> [(body: String, envelope: [String: Any])]
    {
        let client = try makeClient(environment: environment, region: Fixed.region)
        var bodies: [String] = []
        while true {
            let received: Received = try await client.json(
                service, target: "ReceiveMessage", body: Receive(queueUrl: queueUrl))
            let batch = received.messages ?? []
            if batch.isEmpty { break }
            bodies += batch.map(\.body)
        }
        return try bodies.map { body in
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            return (body, envelope)
        }
    }
}
