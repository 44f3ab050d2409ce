import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import BatchwatchDelivery
import Foundation
import Testing

@testable import TestSupport

extension IntegrationTests {
    /// Issue 4 on the real wire: the `batchwatch check` binary posting to the loopback Slack
    /// receiver and publishing to the test bed's SNS (read back from a subscribed SQS queue).
    @Suite struct DeliveryEndToEnd {
        /// The part of the webhook URL that is the secret, new for each test process.
        static let webhookSecret = "hook" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        static let webhookSecretPath = "T000/B000/\(webhookSecret)"

        @Test(
            "webhook: --dry-run posts and records nothing; one post per window; a re-run posts nothing; --force posts again"
        )
        func webhookPostsOncePerWindow() async throws {
            var bench = try await DeliveryBench.start()
            let receiver = try SlackReceiver()
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.webhookSecretPath)
            let config = try bench.configFile(notify: DeliveryBench.webhookNotify)

            let preview = try await bench.check(config, format: "slack", ["--dry-run"])
            #expect(preview.status == 1, "stderr: \(preview.stderr)")
            let dryJSON = try await bench.check(config, ["--dry-run"])
            #expect(dryJSON.status == 1, "stderr: \(dryJSON.stderr)")
            #expect(try dryJSON.deliverySummary() == [])
            #expect(receiver.posts.isEmpty, "--dry-run posted")
            #expect(filesWritten(under: bench.stateDirectory).map(\.path) == [], "--dry-run recorded")

            let first = try await bench.check(config)
            #expect(first.status == 1, "stderr: \(first.stderr)")
            #expect(try first.deliverySummary() == ["slack ok"])
            #expect(receiver.posts.count == 1)
            let post = try #require(receiver.posts.first)
            #expect(post.path == "/services/\(Self.webhookSecretPath)")
            #expect(post.contentType?.hasPrefix("application/json") == true)
            #expect(
                String(decoding: post.body, as: UTF8.self) + "\n" == preview.stdoutText,
                "--format slack --dry-run shows exactly what is posted")
            let blocks = try #require(post.json["blocks"] as? [[String: Any]])
            let header = try #require(blocks.first?["text"] as? [String: Any])
            #expect(header["text"] as? String == "batchwatch: 1 problem on 2026-11-20")
            let fallback = try #require(post.json["text"] as? String)
            #expect(fallback.contains("nightly-etl") && fallback.contains("LoadToRedshift"))
            let state = filesWritten(under: bench.stateDirectory)
            #expect(state.map(\.path) == ["delivered.json"])
            let ledger = state.first?.contents ?? ""
            #expect(ledger.contains("\"target\" : \"slack\""), "\(ledger)")
            #expect(ledger.contains("2026-11-19T15:00:00Z") && ledger.contains("2026-11-20T15:00:00Z"), "\(ledger)")

            let second = try await bench.check(config)
            #expect(second.status == 1, "stderr: \(second.stderr)")
            #expect(try second.deliverySummary() == ["slack ok"])
            #expect(receiver.posts.count == 1, "a re-run of the same window posted again")

            let forced = try await bench.check(config, ["--force"])
            #expect(forced.status == 1, "stderr: \(forced.stderr)")
            #expect(try forced.deliverySummary() == ["slack ok"])
            #expect(receiver.posts.count == 2)
            #expect(receiver.posts.last?.body == post.body)

            let written =
                bench.outputs
                + filesWritten(under: bench.stateDirectory).map { (what: "state file \($0.path)", text: $0.contents) }
            #expect(secretLeaks(["webhook secret": Self.webhookSecret], in: written) == [])
        }

        @Test("webhook answering 429 with Retry-After: 1 twice, then accepting: three posts, one digest, exit 1")
        func rateLimitedTwiceThenAccepted() async throws {
            var bench = try await DeliveryBench.start()
            let receiver = try SlackReceiver(script: [.rateLimited(retryAfter: 1), .rateLimited(retryAfter: 1)])
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.webhookSecretPath)
            let config = try bench.configFile(notify: DeliveryBench.webhookNotify)

            let started = ContinuousClock.now
            let run = try await bench.check(config)
            let elapsed = ContinuousClock.now - started

            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(try run.deliverySummary() == ["slack ok"])
            let posts = receiver.posts
            #expect(posts.count == 3)
            #expect(Set(posts.map(\.body)).count == 1, "every attempt carries the same digest")
            #expect(elapsed >= .seconds(2), "Retry-After was not waited for: \(elapsed)")
            #expect(filesWritten(under: bench.stateDirectory).map(\.path) == ["delivered.json"])
        }

        @Test(
            "webhook answering 500 forever: retried, spooled (path on stderr), exit 3; the next run sends the spooled digest"
        )
        func serverErrorSpoolsThenResends() async throws {
            var bench = try await DeliveryBench.start()
            let failing = try SlackReceiver(then: .serverError)
            bench.useWebhook(of: failing, secretPath: Self.webhookSecretPath)
            let config = try bench.configFile(notify: DeliveryBench.webhookNotify)

            // The binary's retry policy (6 attempts), with its backoff cut from 1 s to 10 ms
            // doubling (the hidden --delivery-backoff-seconds), so the test does not wait 15–31 s.
            let failed = try await bench.check(config, ["--delivery-backoff-seconds", "0.01"])
            failing.stop()
            #expect(failed.status == 3, "stderr: \(failed.stderr)")
            #expect(try failed.jsonDocument()["status"] as? String == "problems", "status describes the check only")
            #expect(try failed.deliverySummary() == ["slack failed"])
            #expect(failing.posts.count == RetryPolicy.delivery().maxAttempts)
            #expect(failed.stderr.contains("HTTP 500"), "stderr: \(failed.stderr)")
            let spoolPath = try #require(failed.spoolPath, "no spool path on stderr: \(failed.stderr)")
            let spoolDirectory = bench.stateDirectory.appendingPathComponent("spool").path
            #expect(spoolPath.hasPrefix(spoolDirectory + "/"))
            let written = filesWritten(under: bench.stateDirectory)
            #expect(
                written.map(\.path) == ["spool/" + URL(fileURLWithPath: spoolPath).lastPathComponent],
                "no state file yet")
            let spooled = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spoolPath)))
                    as? [String: Any])
            #expect(spooled["target"] as? String == "slack")
            let spooledBody = try #require((spooled["payload"] as? [String: Any])?["body"] as? String)
            #expect(
                Data(spooledBody.utf8) == failing.posts.first?.body,
                "the spool holds exactly the digest that was posted")
            var everything = bench.outputs + written.map { (what: "spool file \($0.path)", text: $0.contents) }

            // A copy of this state, for re-running the same window below.
            let copy = TestBed.makeEmptyDirectory().appendingPathComponent("state", isDirectory: true)
            try FileManager.default.copyItem(at: bench.stateDirectory, to: copy)

            let receiver = try SlackReceiver()
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.webhookSecretPath)

            // Another window, with nothing to report: only the spooled digest is sent, and recorded.
            let clean = try await bench.check(config, date: DeliveryBench.cleanDate)
            #expect(clean.status == 0, "stderr: \(clean.stderr)")
            #expect(try clean.deliverySummary() == ["slack ok"])
            #expect(receiver.posts.map { String(decoding: $0.body, as: UTF8.self) } == [spooledBody])
            let afterResend = filesWritten(under: bench.stateDirectory)
            #expect(afterResend.map(\.path) == ["delivered.json"], "the spool file is removed once delivered")
            #expect(
                afterResend.first?.contents.contains("2026-11-19T15:00:00Z") == true, "the spooled window is recorded")
            everything += afterResend.map { (what: "state file \($0.path)", text: $0.contents) }

            // The failed window again: recorded as delivered by the re-send, so nothing is posted.
            let again = try await bench.check(config)
            #expect(again.status == 1, "stderr: \(again.stderr)")
            #expect(try again.deliverySummary() == ["slack ok"])
            #expect(receiver.posts.count == 1)

            // From the copy, the same window again: its spooled digest is replaced by this run's
            // digest of that window (the same bytes), posted once and recorded.
            let copyConfig = try bench.configFile(notify: DeliveryBench.webhookNotify, stateDirectory: copy)
            let sameWindow = try await bench.check(copyConfig)
            #expect(sameWindow.status == 1, "stderr: \(sameWindow.stderr)")
            #expect(try sameWindow.deliverySummary() == ["slack ok"])
            #expect(receiver.posts.count == 2)
            #expect(receiver.posts.last.map { String(decoding: $0.body, as: UTF8.self) } == spooledBody)
            #expect(filesWritten(under: copy).map(\.path) == ["delivered.json"])
            let sameAgain = try await bench.check(copyConfig)
            #expect(sameAgain.status == 1, "stderr: \(sameAgain.stderr)")
            #expect(receiver.posts.count == 2)

            everything += bench.outputs
            #expect(secretLeaks(["webhook secret": Self.webhookSecret], in: everything) == [])
        }

        @Test("webhook answering 400 invalid_payload: one post, not retried, the reason on stderr, exit 3")
        func invalidPayloadIsNotRetried() async throws {
            var bench = try await DeliveryBench.start()
            let receiver = try SlackReceiver(then: .rejected(status: 400, reason: "invalid_payload"))
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.webhookSecretPath)
            let config = try bench.configFile(notify: DeliveryBench.webhookNotify)

            let run = try await bench.check(config)
            #expect(run.status == 3, "stderr: \(run.stderr)")
            #expect(try run.deliverySummary() == ["slack failed"])
            #expect(receiver.posts.count == 1)
            #expect(run.stderr.contains("rejected: invalid_payload (HTTP 400)"), "stderr: \(run.stderr)")
            #expect(!run.stderr.contains(Self.webhookSecret))
        }

        @Test("SNS text: one Publish per window; Subject one line of at most 100 characters, Message the text digest")
        func snsTextDigest() async throws {
            var bench = try await DeliveryBench.start()
            let topic = try bench.topic
            let queueUrl = try #require(topic.queueUrl)
            let config = try bench.configFile(notify: "  sns:\n    topic_arn: \(topic.topicArn)\n")

            let preview = try await bench.check(config, format: "sns", ["--dry-run"])
            #expect(preview.status == 1, "stderr: \(preview.stderr)")
            #expect(try await bench.bed.calls()["sns:Publish"] == 0)
            #expect(try await DeliveryInbox.newMessages(queueUrl: queueUrl, environment: bench.environment).isEmpty)

            let run = try await bench.check(config, format: "text")
            #expect(run.status == 1, "stderr: \(run.stderr)")
            let messages = try await DeliveryInbox.newMessages(queueUrl: queueUrl, environment: bench.environment)
            #expect(messages.count == 1)
            let envelope = try #require(messages.first?.envelope)
            #expect(envelope["Type"] as? String == "Notification")
            #expect(envelope["TopicArn"] as? String == topic.topicArn)
            let subject = try #require(envelope["Subject"] as? String)
            #expect(subject.count <= 100 && !subject.contains("\n") && !subject.contains("\r"))
            #expect(subject.hasPrefix("batchwatch: 1 failed") && subject.contains("2026-11-20"), "\(subject)")
            let message = try #require(envelope["Message"] as? String)
            #expect(message + "\n" == run.stdoutText, "the Message is the text digest")
            #expect(message.contains("nightly-etl") && message.contains("LoadToRedshift"))
            #expect(
                preview.stdoutText == "Subject: \(subject)\n\n\(message)\n",
                "--format sns --dry-run shows what is published")

            let again = try await bench.check(config)
            #expect(again.status == 1, "stderr: \(again.stderr)")
            #expect(try again.deliverySummary() == ["sns ok"])
            #expect(try await DeliveryInbox.newMessages(queueUrl: queueUrl, environment: bench.environment).isEmpty)
            #expect(try await bench.bed.calls()["sns:Publish"] == 1)
            #expect(filesWritten(under: bench.stateDirectory).map(\.path) == ["delivered.json"])
        }

        @Test("SNS chatbot: the AWS Chatbot custom notification, field by field")
        func snsChatbotDigest() async throws {
            var bench = try await DeliveryBench.start()
            let topic = try bench.topic
            let queueUrl = try #require(topic.queueUrl)
            let config = try bench.configFile(notify: "  sns:\n    topic_arn: \(topic.topicArn)\n    format: chatbot\n")

            let markdown = try await bench.check(config, format: "markdown", ["--dry-run"])
            let preview = try await bench.check(config, format: "sns", ["--dry-run"])
            let run = try await bench.check(config)
            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(try run.deliverySummary() == ["sns ok"])

            let messages = try await DeliveryInbox.newMessages(queueUrl: queueUrl, environment: bench.environment)
            #expect(messages.count == 1)
            let envelope = try #require(messages.first?.envelope)
            #expect(
                envelope["Subject"] == nil || envelope["Subject"] is NSNull, "a Chatbot notification has no Subject")
            let message = try #require(envelope["Message"] as? String)
            #expect(message + "\n" == preview.stdoutText, "--format sns --dry-run shows what is published")
            let notification = try #require(
                try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])
            #expect(Set(notification.keys) == ["version", "source", "content", "metadata"])
            #expect(notification["version"] as? String == "1.0")
            #expect(notification["source"] as? String == "custom")

            let content = try #require(notification["content"] as? [String: Any])
            #expect(content["textType"] as? String == "client-markdown")
            let digest = markdown.stdoutText.trimmingCharacters(in: .newlines)
            let headline = try #require(digest.split(separator: "\n").first).trimmingCharacters(
                in: CharacterSet(charactersIn: "*"))
            #expect(content["title"] as? String == "batchwatch: \(headline)")
            #expect((content["title"] as? String)?.contains("1 failed") == true)
            #expect(content["description"] as? String == digest, "the description is the Markdown digest")
            #expect((content["description"] as? String)?.contains("LoadToRedshift") == true)
            #expect(
                content["nextSteps"] as? [String] == [
                    "Open the failed executions from the links above, then redrive or re-run them"
                ])
            #expect(content["keywords"] as? [String] == ["batchwatch", "problems", "failed"])

            let metadata = try #require(notification["metadata"] as? [String: Any])
            #expect(metadata["threadId"] as? String == "batchwatch-2026-11-20")
        }

        @Test(
            "120 failed runs: one post of exactly 50 blocks in time order, '…and N more', within Slack's limits, a complete fallback"
        )
        func blockLimitsWith120Findings() async throws {
            let start = jst("2026-11-20T00:05:00")
            let executions = (0..<120).map { index in
                let at = start.addingTimeInterval(Double(index) * 600)
                return TestBed.Scenario.Execution(
                    start: at, stop: at.addingTimeInterval(60), status: .failed,
                    failure: .init(
                        state: "Step\(index)", error: "States.TaskFailed", cause: String(repeating: "x", count: 400)))
            }
            var bench = try await DeliveryBench.start(
                scenario: TestBed.Scenario(stateMachines: [
                    .init(name: "bulk-etl", region: Fixed.region, executions: executions)
                ]))
            let receiver = try SlackReceiver()
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.webhookSecretPath)
            let config = try bench.configFile(notify: DeliveryBench.webhookNotify, jobs: "")

            let run = try await bench.check(config)
            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(try run.findings().count == 120)
            #expect(receiver.posts.count == 1)
            let message = try #require(receiver.posts.first?.json)
            let blocks = try #require(message["blocks"] as? [[String: Any]])
            #expect(blocks.count == 50)
            func text(of block: [String: Any]) -> String {
                ((block["text"] as? [String: Any])?["text"] as? String)
                    ?? ((block["elements"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined(
                        separator: "\n") ?? "")
            }
            #expect(blocks.first?["type"] as? String == "header")
            #expect(text(of: blocks[0]) == "batchwatch: 120 problems on 2026-11-20")
            #expect(text(of: blocks[0]).count <= 150)
            let sections = blocks.filter { $0["type"] as? String == "section" }
            #expect(sections.allSatisfy { text(of: $0).count <= 3000 })
            #expect(
                sections.allSatisfy {
                    text(of: $0).contains("*bulk-etl* · failed") && text(of: $0).contains("|Open execution>")
                })
            #expect(sections.first.map(text(of:))?.contains("Step0") == true, "time order among equals")
            let more = "…and \(120 - sections.count) more (120 problems in all: 120 failed)"
            #expect(
                blocks.contains { $0["type"] as? String == "context" && text(of: $0).hasPrefix(more) }, "no '\(more)'")
            let fallback = try #require(message["text"] as? String)
            #expect(
                fallback.split(separator: "\n").filter { $0.contains("bulk-etl") }.count == 120,
                "the fallback is complete")
        }

        @Test("no secret in anything written: stdout, stderr (trace logs), state file, spool, SNS messages")
        func secretsAppearNowhere() async throws {
            var bench = try await DeliveryBench.start()
            let topic = try bench.topic
            let queueUrl = try #require(topic.queueUrl)
            let refusing = try SlackReceiver(then: .rejected(status: 404, reason: "no_service"))
            bench.useWebhook(of: refusing, secretPath: Self.webhookSecretPath)
            let refusingURL = try #require(bench.environment["SLACK_WEBHOOK_URL"])
            let config = try bench.configFile(
                notify: DeliveryBench.webhookNotify + "  sns:\n    topic_arn: \(topic.topicArn)\n")
            var written: [(what: String, text: String)] = []

            let refused = try await bench.check(config, logLevel: "trace")
            refusing.stop()
            #expect(refused.status == 3, "stderr: \(refused.stderr)")
            #expect(try refused.deliverySummary() == ["slack failed", "sns ok"])
            #expect(refusing.posts.first?.path == "/services/\(Self.webhookSecretPath)", "the secret was used")
            #expect(
                refused.stderr.contains("no_service") && refused.stderr.contains("/services/…"),
                "stderr: \(refused.stderr)")
            let afterRefusal = filesWritten(under: bench.stateDirectory)
            #expect(afterRefusal.map(\.path).first == "delivered.json", "SNS accepted its digest")
            #expect(
                afterRefusal.dropFirst().map { $0.path.hasPrefix("spool/slack-") } == [true], "one Slack spool file")
            written += afterRefusal.map { (what: "after the refused run: \($0.path)", text: $0.contents) }

            let receiver = try SlackReceiver()
            defer { receiver.stop() }
            bench.useWebhook(of: receiver, secretPath: Self.webhookSecretPath)
            let acceptingURL = try #require(bench.environment["SLACK_WEBHOOK_URL"])
            let resent = try await bench.check(config, date: DeliveryBench.cleanDate, logLevel: "trace")
            #expect(resent.status == 0, "stderr: \(resent.stderr)")
            let forced = try await bench.check(config, ["--force"], logLevel: "trace")
            #expect(forced.status == 1, "stderr: \(forced.stderr)")
            #expect(receiver.posts.count == 2)
            for format in ["text", "markdown", "slack", "sns", "json"] {
                _ = try await bench.check(config, format: format, ["--dry-run"], logLevel: "trace")
            }
            let state = filesWritten(under: bench.stateDirectory)
            #expect(state.map(\.path) == ["delivered.json"])
            written += state.map { (what: "at the end: \($0.path)", text: $0.contents) }
            let messages = try await DeliveryInbox.newMessages(queueUrl: queueUrl, environment: bench.environment)
            #expect(messages.count == 2, "the failed window, then --force")
            written += messages.map { (what: "SQS message", text: $0.body) }
            written += bench.outputs
            #expect(forced.stderr.contains("delivered"), "trace logging shows the deliveries: \(forced.stderr)")

            let secrets = [
                "webhook secret": Self.webhookSecret, "webhook path": Self.webhookSecretPath,
                "refusing webhook URL": refusingURL, "accepting webhook URL": acceptingURL,
                "AWS secret access key": try #require(bench.environment["AWS_SECRET_ACCESS_KEY"]),
            ]
            #expect(secretLeaks(secrets, in: written) == [])
        }

        @Test(
            "bot token through chat.postMessage (Deliverer, API base on loopback): ok:false spooled, then sent; token nowhere"
        )
        func botTokenNeverWritten() async throws {
            let (bed, environment) = try await freshTestBed()
            try await bed.seed(DeliveryBench.scenario)
            let report = try await runCheck(yaml: tokyoConfig(DeliveryBench.jobs), environment: environment)
            #expect(report.findings.map(\.kind) == [.failed])

            let token = "xoxb-1111-2222-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let botYAML = tokyoConfig(
                DeliveryBench.jobs
                    + "notify:\n  slack:\n    token: ${SLACK_BOT_TOKEN}\n    channel: \"#batch-alerts\"\n")
            let settings = try ConfigurationLoader.parse(
                yaml: botYAML, file: "bot.yml", environment: environment.merging(["SLACK_BOT_TOKEN": token]) { $1 }
            ).notify
            let receiver = try SlackReceiver(script: [.apiError("channel_not_found")])
            defer { receiver.stop() }
            let state = TestBed.makeEmptyDirectory().appendingPathComponent("state", isDirectory: true)
            let logs = LogRecorder()
            let deliverer = Deliverer(
                settings: settings, stateDirectory: state.path, transport: URLSessionTransport.shared, awsClient: nil,
                clock: SystemWallClock(), logger: logs.logger(), retryPolicy: .delivery(),
                slackAPIBaseURL: receiver.apiBaseURL,
                random: { 1 })
            var written: [(what: String, text: String)] = []

            #expect(await deliverer.deliver(report) == [DeliveryOutcome(target: "slack", ok: false)])
            #expect(receiver.posts.count == 1, "channel_not_found is not retried")
            let post = try #require(receiver.posts.first)
            #expect(post.path == "/api/chat.postMessage")
            #expect(post.authorization == "Bearer \(token)", "the token was used")
            #expect(post.json["channel"] as? String == "#batch-alerts")
            #expect(logs.text.contains("channel_not_found"), "\(logs.text)")
            let spooled = filesWritten(under: state)
            #expect(spooled.count == 1 && spooled.allSatisfy { $0.path.hasPrefix("spool/slack-") })
            written += spooled.map { (what: "spool file \($0.path)", text: $0.contents) }

            #expect(await deliverer.deliver(report) == [DeliveryOutcome(target: "slack", ok: true)])
            #expect(receiver.posts.count == 2)
            #expect(receiver.posts.last?.body == post.body)
            #expect(await deliverer.deliver(report) == [DeliveryOutcome(target: "slack", ok: true)])
            #expect(receiver.posts.count == 2, "recorded: not posted again")
            let recorded = filesWritten(under: state)
            #expect(recorded.map(\.path) == ["delivered.json"])
            written += recorded.map { (what: "state file \($0.path)", text: $0.contents) }
            written.append(("logs", logs.text))
            written.append(("descriptions", "\(settings) \(deliverer)"))
            for format in PayloadFormat.allCases {
                written.append(
                    ("--format \(format)", Deliverer.payload(for: report, format: format, settings: settings)))
            }

            let secrets = [
                "bot token": token, "bot token's secret part": String(token.dropFirst("xoxb-1111-2222-".count)),
                "AWS secret access key": try #require(environment["AWS_SECRET_ACCESS_KEY"]),
            ]
            #expect(secretLeaks(secrets, in: written) == [])
        }
    }
}
