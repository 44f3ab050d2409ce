import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery
@testable import TestSupport

/// Webhook URLs, tokens and AWS secrets appear in nothing delivery writes or returns.
@Suite(.serialized)
struct SecretLeakTests {
    static let webhookSecretPath = "T0SECRETTEAM/B0SECRETHOOK/hookSecretValue123456"
    static let botToken = "xoxb-111-222-botSecretValue987"
    static let heartbeatSecret = "hbSecret-4f1c-9a7e"

    @Test func nothingWrittenLoggedOrReturnedHoldsASecret() async throws {
        let receiver = try SlackReceiver(then: .serverError)
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let webhookURL = receiver.webhookURL(secretPath: Self.webhookSecretPath)
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let sns = FakeTransport { request, _ in
            if request.url.path.contains(Self.heartbeatSecret) { throw URLError(.timedOut) }
            return HTTPResponse(
                status: 500,
                body: Data(
                    "<ErrorResponse><Error><Code>InternalError</Code><Message>boom</Message></Error></ErrorResponse>"
                        .utf8))
        }
        let policy = RetryPolicy.delivery(maxAttempts: 2, requestTimeout: 5)
        let webhookSettings = NotifySettings(
            when: .always, heartbeatURL: Secret("https://hc-ping.example/ping/\(Self.heartbeatSecret)"),
            slack: .webhook(Secret(webhookURL)),
            sns: SNSTarget(topicArn: "arn:aws:sns:ap-northeast-1:123456789012:alerts", format: .chatbot))
        let botSettings = NotifySettings(slack: .bot(token: Secret(Self.botToken), channel: "#batch"))
        let awsClient = Fixture.awsClient(transport: sns, clock: clock, logger: logs.logger(), maxAttempts: 2)

        let webhookRun = Fixture.deliverer(
            webhookSettings, state: state, clock: clock, logs: logs, receiver: receiver,
            transport: URLSessionTransport.shared,
            awsClient: awsClient, retryPolicy: policy)
        let outcomes = await webhookRun.deliver(Fixture.report())
        #expect(outcomes == [DeliveryOutcome(target: "slack", ok: false), DeliveryOutcome(target: "sns", ok: false)])
        await Fixture.deliverer(
            webhookSettings, state: state, clock: clock, logs: logs, transport: sns, retryPolicy: policy
        )
        .heartbeat(exitStatus: .incomplete)
        let botRun = Fixture.deliverer(
            botSettings, state: state, clock: clock, logs: logs, receiver: receiver, retryPolicy: policy)
        #expect(
            await botRun.deliver(Fixture.report(window: Fixture.nextDay)) == [
                DeliveryOutcome(target: "slack", ok: false)
            ])
        receiver.stop()

        let files = Fixture.files(under: state)
        #expect(
            files.map { $0.path.prefix(10) } == ["batchwatch", "spool/slac", "spool/slac", "spool/sns-"],
            "the (empty) lock file and three spool files, no state file")
        var written = files.map(\.contents)
        written.append(logs.text)
        for format in PayloadFormat.allCases {
            written.append(Deliverer.payload(for: Fixture.report(), format: format, settings: webhookSettings))
            written.append(Deliverer.payload(for: Fixture.report(), format: format, settings: botSettings))
        }
        written.append("\(webhookSettings) \(botSettings) \(webhookRun) \(botRun)")

        let secrets = [
            webhookURL, Self.webhookSecretPath, "hookSecretValue123456", "B0SECRETHOOK", Self.botToken,
            "botSecretValue987",
            Self.heartbeatSecret, Fixture.credentials.secretAccessKey, try #require(Fixture.credentials.sessionToken),
        ]
        for text in written {
            for secret in secrets {
                #expect(!text.contains(secret), "a secret leaked into: \(text.prefix(200))")
            }
        }
        #expect(logs.contains("slack webhook http://127.0.0.1:"), "the webhook is named, masked")
        #expect(logs.contains("/services/T0…/…"))
        #expect(logs.contains("heartbeat https://hc-ping.example/ping/hb…/fail failed"))
    }
}
