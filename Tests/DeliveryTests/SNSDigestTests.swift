import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Testing

@testable import BatchwatchDelivery
@testable import TestSupport

/// The SNS message in both formats, and the Publish call that carries it.
struct SNSDigestTests {
    @Test func textFormatHasAOneLineASCIISubjectAndTheTextDigest() {
        let message = SNSDigest(report: Fixture.report(), format: .text).message()
        #expect(message.subject == "batchwatch: 1 failed, 1 missing, 1 alarm - 2026-11-20 Asia/Tokyo")
        #expect(message.message == Digest(report: Fixture.report()).text())
    }

    @Test func aLongSubjectIsCutBelowOneHundredCharactersOnOneLine() throws {
        let window = CheckWindow(
            from: Fixture.at("2026-11-20T07:00:00+09:00"), to: Fixture.at("2026-11-21T07:00:00+09:00"),
            timeZone: Fixture.tokyo)
        var findings: [Finding] = []
        for kind in FindingKind.allCases {
            findings.append(Finding(kind: kind, job: "job\n\u{7}\(kind)", at: window.from.addingTimeInterval(60)))
        }
        let subject = try #require(
            SNSDigest(report: CheckReport(window: window, findings: findings, checked: CheckedCounts()), format: .text)
                .message().subject)
        #expect(subject.count < 100)
        #expect(subject.hasSuffix("..."))
        #expect(subject.unicodeScalars.allSatisfy { $0.isASCII && $0.properties.generalCategory != .control })
        #expect(!subject.contains("\n"))
    }

    @Test func asciiLineRemovesLineBreaksAndControlCharacters() {
        #expect(TextLimits.asciiLine("a\nb\r\n\tc\u{0}d — e… ü") == "a b c d - e... ?")
    }

    @Test func aHugeTextDigestIsCutUnder256KBAndSaysSo() {
        let findings = (0..<3000).map { index in
            Fixture.failed(
                "job-\(index)-" + String(repeating: "y", count: 100),
                at: Fixture.day.from.addingTimeInterval(Double(index)))
        }
        let report = CheckReport(window: Fixture.day, findings: findings, checked: CheckedCounts())
        let text = SNSDigest(report: report, format: .text).message().message
        #expect(text.utf8.count <= 256 * 1024)
        #expect(text.components(separatedBy: "\n").last?.hasPrefix("… digest cut: ") == true)
        #expect(text.hasPrefix("3000 failed"))

        let chatbot = SNSDigest(report: report, format: .chatbot).message().message
        #expect(chatbot.utf8.count <= 256 * 1024)
        let description =
            (try? JSONSerialization.jsonObject(with: Data(chatbot.utf8)) as? [String: Any])
            .flatMap { $0["content"] as? [String: Any] }?["description"] as? String
        #expect(description?.contains("… digest cut: ") == true)
    }

    @Test func chatbotNotificationShapeFieldByField() throws {
        let message = SNSDigest(report: Fixture.report(), format: .chatbot).message()
        #expect(message.subject == nil)
        let json = try #require(JSONSerialization.jsonObject(with: Data(message.message.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["version", "source", "content", "metadata"])
        #expect(json["version"] as? String == "1.0")
        #expect(json["source"] as? String == "custom")
        let content = try #require(json["content"] as? [String: Any])
        #expect(Set(content.keys) == ["textType", "title", "description", "nextSteps", "keywords"])
        #expect(content["textType"] as? String == "client-markdown")
        #expect(content["title"] as? String == "batchwatch: 1 failed, 1 missing, 1 alarm — 2026-11-20 Asia/Tokyo")
        #expect(content["description"] as? String == Digest(report: Fixture.report()).markdown())
        let nextSteps = try #require(content["nextSteps"] as? [String])
        #expect(nextSteps.count == 3)
        #expect(nextSteps[0].contains("failed executions"))
        #expect(content["keywords"] as? [String] == ["batchwatch", "problems", "failed", "missing", "alarm"])
        let metadata = try #require(json["metadata"] as? [String: Any])
        #expect(Set(metadata.keys) == ["threadId", "summary"])
        #expect(metadata["threadId"] as? String == "batchwatch-2026-11-20")
        #expect(metadata["summary"] as? String == content["title"] as? String)
    }

    @Test func oneDaysDigestsShareAThreadAndTheNextDayStartsAnother() throws {
        func threadId(_ report: CheckReport) throws -> String? {
            let json =
                try JSONSerialization.jsonObject(with: SNSDigest(report: report, format: .chatbot).chatbotJSON())
                as? [String: Any]
            return (json?["metadata"] as? [String: Any])?["threadId"] as? String
        }
        #expect(try threadId(Fixture.report()) == threadId(Fixture.clean()))
        #expect(try threadId(Fixture.report(window: Fixture.nextDay)) == "batchwatch-2026-11-21")
    }

    @Test func publishSendsTopicSubjectAndMessageSignedInTheTopicsRegion() async throws {
        let transport = FakeTransport { _, _ in
            HTTPResponse(
                status: 200, headers: ["Content-Type": "text/xml"],
                body: Data(
                    "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>".utf8)
            )
        }
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let topic = "arn:aws:sns:ap-northeast-1:123456789012:batch-alerts"
        let deliverer = Fixture.deliverer(
            NotifySettings(sns: SNSTarget(topicArn: topic)), state: nil, clock: clock, logs: logs,
            awsClient: Fixture.awsClient(transport: transport, clock: clock, logger: logs.logger()))

        let outcomes = await deliverer.deliver(Fixture.report())

        #expect(outcomes == [DeliveryOutcome(target: "sns", ok: true)])
        let request = try #require(transport.requests.first)
        #expect(request.url.host == "sns.ap-northeast-1.amazonaws.com")
        #expect(request.headers["Authorization"]?.contains("/ap-northeast-1/sns/aws4_request") == true)
        let fields = formFields(request.body)
        #expect(fields["Action"] == "Publish")
        #expect(fields["Version"] == "2010-03-31")
        #expect(fields["TopicArn"] == topic)
        #expect(fields["Subject"] == "batchwatch: 1 failed, 1 missing, 1 alarm - 2026-11-20 Asia/Tokyo")
        #expect(fields["Message"] == Digest(report: Fixture.report()).text())
    }

    @Test func chatbotPublishHasNoSubjectAndTheJSONAsMessage() async throws {
        let transport = FakeTransport { _, _ in
            HTTPResponse(
                status: 200,
                body: Data(
                    "<PublishResponse><PublishResult><MessageId>m-2</MessageId></PublishResult></PublishResponse>".utf8)
            )
        }
        let clock = FakeClock(Fixture.clockStart)
        let logs = LogRecorder()
        let settings = NotifySettings(
            sns: SNSTarget(topicArn: "arn:aws:sns:eu-west-1:123456789012:t", format: .chatbot))
        let deliverer = Fixture.deliverer(
            settings, state: nil, clock: clock, logs: logs,
            awsClient: Fixture.awsClient(transport: transport, clock: clock, logger: logs.logger()))

        #expect(await deliverer.deliver(Fixture.report()) == [DeliveryOutcome(target: "sns", ok: true)])
        let fields = formFields(try #require(transport.requests.first).body)
        #expect(fields["Subject"] == nil)
        #expect(fields["Message"] == Deliverer.payload(for: Fixture.report(), format: .sns, settings: settings))
    }

    @Test func dryRunPayloadOfTextSNSIsSubjectLineThenMessage() {
        let settings = NotifySettings(sns: SNSTarget(topicArn: "arn:aws:sns:eu-west-1:123456789012:t"))
        let payload = Deliverer.payload(for: Fixture.report(), format: .sns, settings: settings)
        #expect(
            payload == "Subject: batchwatch: 1 failed, 1 missing, 1 alarm - 2026-11-20 Asia/Tokyo\n\n"
                + Digest(report: Fixture.report()).text())
    }

    /// The form fields of a Query request body.
    private func formFields(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}
