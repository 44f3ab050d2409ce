import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery
@testable import TestSupport

/// A digest counts as delivered only when the receiver itself said so: a redirect from a
/// webhook is a failed delivery (and nothing goes where it points), and an SNS Publish
/// answer without a MessageId is not a publish.
@Suite(.serialized)
struct DeliveredMeansAcceptedTests {
    @Test(arguments: [301, 302, 307])
    func aWebhookThatRedirectsIsNotDeliveredAndTheOtherHostGetsNothing(status: Int) async throws {
        let elsewhere = try SlackReceiver()
        defer { elsewhere.stop() }
        let redirecting = try MisbehavingServer(.redirect(status: status, location: elsewhere.webhookURL()))
        defer { redirecting.stop() }
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let logs = LogRecorder()
        let webhook = redirecting.url("services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX").absoluteString
        let deliverer = Fixture.deliverer(
            NotifySettings(slack: .webhook(Secret(webhook))), state: state, clock: FakeClock(Fixture.clockStart),
            logs: logs)

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "slack", ok: false)])

        #expect(elsewhere.posts.isEmpty, "the redirect is not followed")
        #expect(redirecting.connectionCount == 1, "a redirect is not retried")
        #expect(Fixture.files(under: state).filter { $0.path.hasPrefix("spool/") }.count == 1, "the digest is spooled")
        #expect(logs.contains("redirected (HTTP \(status))", atLeast: .error))
        #expect(!logs.contains("XXXXXXXXXXXXXXXXXXXXXXXX"), "the webhook secret is not logged")
    }

    @Test(arguments: [
        "<html><body><h1>Welcome</h1></body></html>",
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in<br></body></html>",
        "<PublishResponse><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>",
        "<PublishResponse><PublishResult><MessageId></MessageId></PublishResult></PublishResponse>",
        "",
    ])
    func aPublishAnswerWithoutAMessageIdIsNotDelivered(body: String) async throws {
        let transport = FakeTransport { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/html"], body: Data(body.utf8))
        }
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let state = try Fixture.stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let deliverer = Fixture.deliverer(
            NotifySettings(sns: SNSTarget(topicArn: "arn:aws:sns:us-east-1:123456789012:t")), state: state,
            clock: clock,
            logs: logs, awsClient: Fixture.awsClient(transport: transport, clock: clock, logger: logs.logger()))

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "sns", ok: false)])
        #expect(Fixture.files(under: state).filter { $0.path.hasPrefix("spool/") }.count == 1, "the digest is spooled")
    }
    // A publish answered with a MessageId is delivered: SNSDigestTests.publishSendsTopicSubjectAndMessageSignedInTheTopicsRegion.
}
