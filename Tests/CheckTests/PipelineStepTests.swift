import AWSClient
import BatchwatchConfig
import Foundation
import Logging
import Testing

@testable import BatchwatchCheck
@testable import TestSupport

/// The check's steps against recorded Step Functions answers, without a network.
@Suite struct PipelineStepTests {
    static let region = "ap-northeast-1"
    static func arn(_ name: String) -> String { "arn:aws:states:\(region):123456789012:stateMachine:\(name)" }

    /// Answers ListStateMachines with `machines` (name, type) and ListExecutions with `pages`.
    static func stepFunctions(machines: [(String, String)] = [], pages: [String] = []) -> FakeTransport {
        let listed = machines.map {
            #"{"stateMachineArn": "\#(arn($0.0))", "name": "\#($0.0)", "type": "\#($0.1)", "creationDate": 1}"#
        }
        let lock = NSLock()
        nonisolated(unsafe) var page = 0
        return FakeTransport { request, _ in
            let body: String
            switch request.headers["X-Amz-Target"] {
            case "AWSStepFunctions.ListStateMachines"?:
                body = #"{"stateMachines": [\#(listed.joined(separator: ","))]}"#
            case "AWSStepFunctions.ListExecutions"?:
                body = lock.withLock {
                    defer { page += 1 }
                    return pages[min(page, pages.count - 1)]
                }
            default:
                body = "{}"
            }
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "application/x-amz-json-1.0"], body: Data(body.utf8))
        }
    }

    static func configuration(_ yaml: String) throws -> BatchwatchConfiguration {
        try ConfigurationLoader.parse(yaml: "region: \(region)\n" + yaml, file: "t.yml", environment: [:])
    }

    @Test func resolvesNamesAndSetsExpressMachinesApartOnce() async throws {
        let transport = Self.stepFunctions(machines: [
            ("etl", "STANDARD"), ("events", "EXPRESS"), ("stream", "EXPRESS"), ("adhoc", "STANDARD"),
        ])
        let configuration = try Self.configuration(
            """
            jobs:
              - {name: etl, state_machine: etl, schedule: "cron(0 2 * * ? *)"}
              - {name: events, state_machine: events, schedule: "cron(0 3 * * ? *)"}
              - {name: gone, state_machine: gone, schedule: "cron(0 4 * * ? *)"}

            """)
        let output = await ResolveTargets(
            configuration: configuration, stepFunctions: StepFunctionsReader(client: makeCheckClient(transport)),
            region: Self.region
        ).run(now: instant("2026-11-21T08:30:00+09:00"))

        #expect(output.jobs.map(\.machine.name) == ["etl"])
        #expect(output.unscheduled.map(\.name) == ["adhoc"])
        #expect(output.skipped.map(\.name) == ["stream"])
        #expect(
            output.report.findings.map { "\($0.job) \($0.error ?? "")" } == [
                "events ExpressStateMachine", "gone StateMachineDoesNotExist",
            ])
        #expect(
            output.report.notes.map(\.description) == [
                "stream: skipped, an Express state machine (ListExecutions does not serve Express executions)"
            ])
        #expect(transport.requests.count == 1, "ListStateMachines is read once")
    }

    @Test func aListingThatIsDeniedIsOneCheckErrorAboutTheWholeRead() async throws {
        let transport = FakeTransport { _, _ in
            HTTPResponse(
                status: 400, headers: ["Content-Type": "application/x-amz-json-1.0"],
                body: Data(#"{"__type": "AccessDeniedException", "message": "no"}"#.utf8))
        }
        let configuration = try Self.configuration(
            "jobs:\n  - {name: etl, state_machine: etl, schedule: \"cron(0 2 * * ? *)\"}\n")
        let output = await ResolveTargets(
            configuration: configuration, stepFunctions: StepFunctionsReader(client: makeCheckClient(transport)),
            region: Self.region
        ).run(now: instant("2026-11-21T08:30:00+09:00"))
        let finding = try #require(output.report.findings.first)
        #expect(output.report.findings.count == 1)
        #expect(finding.subject == .read(.stateMachines))
        #expect(finding.job == "state machines")
        #expect(finding.error == "AccessDeniedException")
    }

    @Test func readRunsStopsPagingOnceAPageReachesBackPastTheWindow() async throws {
        let window = CheckWindow(
            from: instant("2026-11-20T00:00:00+09:00"), to: instant("2026-11-21T00:00:00+09:00"),
            timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        func execution(_ name: String, _ start: String, _ status: String) -> String {
            let epoch = instant(start).timeIntervalSince1970
            return
                #"{"executionArn": "arn:x:\#(name)", "name": "\#(name)", "status": "\#(status)", "startDate": \#(epoch), "stopDate": \#(epoch + 60)}"#
        }
        let pages = [
            #"{"executions": [\#(execution("late-failure", "2026-11-20T22:00:00+09:00", "FAILED"))], "nextToken": "p2"}"#,
            #"{"executions": [\#(execution("early", "2026-11-20T01:00:00+09:00", "SUCCEEDED")), \#(execution("yesterday", "2026-11-19T10:00:00+09:00", "FAILED"))], "nextToken": "p3"}"#,
            #"{"executions": []}"#,
        ]
        let transport = Self.stepFunctions(pages: pages)
        let output = await ReadRuns(
            stepFunctions: StepFunctionsReader(client: makeCheckClient(transport)),
            classifier: RunClassifier(window: window, now: instant("2026-11-21T08:30:00+09:00")), concurrency: 2,
            logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
        ).run([CheckTarget(arn: Self.arn("etl"), name: "etl", jobs: [])])

        #expect(transport.requests.count == 2, "the second page reaches back before the window: no third call")
        #expect(output.executionsRead == 2)
        #expect(
            output.report.findings.map { "\($0.kind.rawValue) \($0.executionArn ?? "")" } == [
                "failed arn:x:late-failure"
            ])
    }

    @Test func ignoreRulesMatchTheCauseOrItsMessageAndNeverHideACheckError() {
        let at = instant("2026-11-20T02:00:00+09:00")
        let lambda = Finding(
            kind: .failed, job: "etl", at: at, error: "OperationalError",
            cause: #"{"errorMessage": "connection refused"}"#,
            message: "connection refused")
        let other = Finding(kind: .failed, job: "etl", at: at, error: "States.Timeout", cause: "timed out")
        let error = Finding(kind: .checkError, job: "etl", at: at, error: "AccessDenied", cause: "connection refused")
        let filtered = FilterIgnored(rules: [IgnoreRule(cause: "connection refused")]).run([lambda, other, error])
        #expect(filtered.kept == [other, error])
        #expect(filtered.ignored == 1)
    }
}
