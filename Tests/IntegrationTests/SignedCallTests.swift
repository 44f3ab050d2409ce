import AWSClient
import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 2: batchwatch's signer and protocols against a SigV4-verifying local AWS.
    @Suite struct SignedCalls {
        private struct ListStateMachinesRequest: Encodable, Sendable {}
        private struct ListStateMachinesResponse: Decodable {
            struct Machine: Decodable {
                let name: String
                let stateMachineArn: String
            }
            let stateMachines: [Machine]
        }

        /// SQS as the test bed serves it (JSON 1.0), to read what SNS delivered.
        private static let sqs = AWSService(
            signingName: "sqs", endpointPrefix: "sqs", environmentSuffix: "SQS",
            wireProtocol: .json(version: "1.0", targetPrefix: "AmazonSQS"))

        @Test("signed ListStateMachines (JSON), DescribeAlarms (Query) and SNS Publish succeed")
        func signedCallsSucceed() async throws {
            let (bed, environment) = try await freshTestBed()
            let seeded = try await bed.seed(
                TestBed.Scenario(
                    stateMachines: [.init(name: "nightly-etl")],
                    alarms: [.init(name: "etl-errors")],
                    topics: [.init(name: "batch-alerts", subscribeQueue: "batch-alerts-inbox")]))
            let client = try makeClient(environment: environment)

            let listed: ListStateMachinesResponse = try await client.json(
                .stepFunctions, target: "ListStateMachines", body: ListStateMachinesRequest())
            #expect(listed.stateMachines.map(\.stateMachineArn) == [try #require(seeded.stateMachines["nightly-etl"])])

            let alarms = try await client.query(
                .cloudWatch, action: "DescribeAlarms", version: "2010-08-01",
                parameters: [("AlarmNames.member.1", "etl-errors")])
            let alarmNames = alarms.child("DescribeAlarmsResult")?.child("MetricAlarms")?.children("member")
                .compactMap { $0.text(at: "AlarmName") }
            #expect(alarmNames == ["etl-errors"])

            let topic = try #require(seeded.topics["batch-alerts"])
            let published = try await client.query(
                .sns, action: "Publish", version: "2010-03-31",
                parameters: [
                    ("TopicArn", topic.topicArn), ("Subject", "batchwatch test"), ("Message", "héllo ✓ & <tags>"),
                ])
            let messageId = try #require(published.text(at: "PublishResult/MessageId"))
            #expect(!messageId.isEmpty)

            struct Receive: Encodable, Sendable { let QueueUrl: String; let MaxNumberOfMessages = 10 }
            struct Received: Decodable {
                struct Message: Decodable { let Body: String }
                let Messages: [Message]?
            }
            let received: Received = try await client.json(
                Self.sqs, target: "ReceiveMessage", body: Receive(QueueUrl: try #require(topic.queueUrl)))
            let envelope = try #require(received.Messages?.first?.Body)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(envelope.utf8)) as? [String: Any])
            #expect(object["Message"] as? String == "héllo ✓ & <tags>")
            #expect(object["Subject"] as? String == "batchwatch test")

            let calls = try await bed.calls()
            #expect(calls["states:ListStateMachines"] == 1)
            #expect(calls["monitoring:DescribeAlarms"] == 1)
            #expect(calls["sns:Publish"] == 1)
        }

        @Test("a request signed with the wrong secret is refused, and the error says so (JSON and Query)")
        func wrongSecretIsRefused() async throws {
            let (bed, environment) = try await freshTestBed()
            var wrong = environment
            let badSecret = String(environment["AWS_SECRET_ACCESS_KEY", default: ""].reversed())
            wrong["AWS_SECRET_ACCESS_KEY"] = badSecret
            let client = try makeClient(environment: wrong)

            let jsonError = await #expect(throws: AWSError.self) {
                let _: ListStateMachinesResponse = try await client.json(
                    .stepFunctions, target: "ListStateMachines", body: ListStateMachinesRequest())
            }
            #expect(jsonError?.kind == .signature)
            #expect(jsonError?.code == "InvalidSignatureException")
            #expect(jsonError?.service == "states")
            #expect(jsonError?.operation == "ListStateMachines")
            #expect(jsonError?.status == 400)
            let jsonText = jsonError.map { "\($0)" } ?? ""
            #expect(jsonText.hasPrefix("states:ListStateMachines failed: InvalidSignatureException"))
            #expect(!jsonText.contains(badSecret))

            let queryError = await #expect(throws: AWSError.self) {
                _ = try await client.query(.cloudWatch, action: "DescribeAlarms", version: "2010-08-01", parameters: [])
            }
            #expect(queryError?.kind == .signature)
            #expect(queryError?.code == "SignatureDoesNotMatch")
            #expect(queryError?.status == 403)
            #expect(
                queryError.map { "\($0)" }?.hasPrefix("monitoring:DescribeAlarms failed: SignatureDoesNotMatch") == true
            )
            #expect(queryError?.requestId?.isEmpty == false)

            // Refused at once: a signature error is not retried.
            let calls = try await bed.calls()
            #expect(calls["states:ListStateMachines"] == 1)
            #expect(calls["monitoring:DescribeAlarms"] == 1)
        }

        @Test("AssumeRole through a profile with role_arn and source_profile, then a call with the role's credentials")
        func assumeRoleThroughProfile() async throws {
            let (bed, environment) = try await freshTestBed()
            let identity = await bed.credentials
            try await bed.seed(TestBed.Scenario(stateMachines: [.init(name: "nightly-etl")]))

            let home = try #require(environment["HOME"])
            let awsDirectory = URL(fileURLWithPath: home).appendingPathComponent(".aws")
            try FileManager.default.createDirectory(at: awsDirectory, withIntermediateDirectories: true)
            try """
            [profile batch]
            role_arn = \(identity.roleArn)
            source_profile = base
            role_session_name = integration-test
            region = us-east-1
            """.write(to: awsDirectory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
            try """
            [base]
            aws_access_key_id = \(identity.accessKeyId)
            aws_secret_access_key = \(identity.secretAccessKey)
            """.write(to: awsDirectory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
            var profileEnvironment = environment
            profileEnvironment["AWS_ACCESS_KEY_ID"] = nil
            profileEnvironment["AWS_SECRET_ACCESS_KEY"] = nil
            profileEnvironment["AWS_PROFILE"] = "batch"

            let client = try makeClient(environment: profileEnvironment)
            let provider = try #require(client.credentialProvider)
            let assumed = try await provider.credentials()
            #expect(assumed.sessionToken?.isEmpty == false)
            #expect(assumed.accessKeyId != identity.accessKeyId)
            #expect(assumed.expiration != nil)

            let listed: ListStateMachinesResponse = try await client.json(
                .stepFunctions, target: "ListStateMachines", body: ListStateMachinesRequest())
            #expect(listed.stateMachines.map(\.name) == ["nightly-etl"])
            let calls = try await bed.calls()
            #expect(calls["sts:AssumeRole"] == 1)
            #expect(calls["states:ListStateMachines"] == 1)
        }
    }
}
