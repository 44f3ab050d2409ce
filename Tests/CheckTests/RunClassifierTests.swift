import Foundation
import Schedules
import Testing

@testable import BatchwatchCheck

/// Occurrence matching and classification, with times written out in full.
struct RunClassifierTests {
    let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    func run(
        _ name: String, _ status: ExecutionStatus, start: String, stop: String? = nil, redrives: Int? = nil
    ) -> ExecutionRecord {
        ExecutionRecord(
            executionArn: "arn:aws:states:ap-northeast-1:123456789012:execution:etl:\(name)", name: name,
            status: status,
            startDate: at(start), stopDate: stop.map(at), redriveCount: redrives
        )
    }

    var day: CheckWindow {
        CheckWindow(from: at("2026-11-20T00:00:00+09:00"), to: at("2026-11-21T00:00:00+09:00"), timeZone: tokyo)
    }

    func nightly(maxDuration: TimeInterval? = 7200) -> JobExpectation {
        JobExpectation(
            name: "nightly-etl", occurrences: [at("2026-11-20T02:00:00+09:00")],
            nextOccurrence: at("2026-11-21T02:00:00+09:00"),
            startWithin: 1800, maxDuration: maxDuration
        )
    }

    @Test func onTimeSuccessIsFine() {
        let classifier = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00"))
        let outcome = classifier.classify(
            executions: [run("a", .succeeded, start: "2026-11-20T02:00:03+09:00", stop: "2026-11-20T02:40:00+09:00")],
            jobs: [nightly()], machineName: "etl"
        )
        #expect(outcome.findings.isEmpty)
    }

    @Test func failedRunIsReportedAtItsStop() {
        let classifier = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00"))
        let outcome = classifier.classify(
            executions: [run("a", .failed, start: "2026-11-20T02:00:03+09:00", stop: "2026-11-20T02:14:09+09:00")],
            jobs: [nightly()], machineName: "etl"
        )
        #expect(outcome.findings.map(\.kind) == [.failed])
        #expect(outcome.findings.first?.at == at("2026-11-20T02:14:09+09:00"))
        #expect(outcome.findings.first?.job == "nightly-etl")
    }

    @Test func missingIsReportedAtTheDeadlineOnlyOnceItHasPassed() {
        let job = nightly()
        let pending = RunClassifier(window: day, now: at("2026-11-20T04:29:00+09:00")).classify(
            executions: [], jobs: [job], machineName: "etl")
        #expect(pending.findings.isEmpty)
        let missed = RunClassifier(window: day, now: at("2026-11-20T04:30:00+09:00")).classify(
            executions: [], jobs: [job], machineName: "etl")
        #expect(missed.findings.map(\.kind) == [.missing])
        #expect(missed.findings.first?.at == at("2026-11-20T04:30:00+09:00"))
        #expect(missed.findings.first?.expectedAt == at("2026-11-20T02:00:00+09:00"))
    }

    @Test func lateStartIsReportedAtTheRunsStart() {
        let outcome = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00")).classify(
            executions: [run("a", .succeeded, start: "2026-11-20T02:45:00+09:00", stop: "2026-11-20T03:00:00+09:00")],
            jobs: [nightly()], machineName: "etl"
        )
        #expect(outcome.findings.map(\.kind) == [.late])
        #expect(outcome.findings.first?.at == at("2026-11-20T02:45:00+09:00"))
        #expect(outcome.findings.first?.expectedAt == at("2026-11-20T02:00:00+09:00"))
        #expect(outcome.findings.first?.detail == "started 45m late, grace 30m")
    }

    @Test func runForTheLastOccurrenceMayStartAfterMidnight() {
        let job = JobExpectation(
            name: "late-night", occurrences: [at("2026-11-20T23:50:00+09:00")],
            nextOccurrence: at("2026-11-21T23:50:00+09:00"),
            startWithin: 900, maxDuration: nil
        )
        let outcome = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00")).classify(
            executions: [run("a", .failed, start: "2026-11-21T00:20:00+09:00", stop: "2026-11-21T00:30:00+09:00")],
            jobs: [job], machineName: "etl"
        )
        #expect(outcome.findings.map(\.kind) == [.late, .failed])
        #expect(outcome.findings.allSatisfy { $0.job == "late-night" })
    }

    @Test func runFromThePreviousEveningStillRunningIsRunningLongInThisWindow() {
        let outcome = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00")).classify(
            executions: [
                run("yesterday", .running, start: "2026-11-19T23:30:00+09:00"),
                run("today", .succeeded, start: "2026-11-20T02:00:00+09:00", stop: "2026-11-20T03:00:00+09:00"),
            ],
            jobs: [nightly()], machineName: "etl"
        )
        #expect(outcome.findings.map(\.kind) == [.runningLong])
        #expect(outcome.findings.first?.at == at("2026-11-20T01:30:00+09:00"))
        #expect(outcome.findings.first?.detail == "still running after 2h")
        #expect(outcome.findings.first?.executionArn?.hasSuffix(":yesterday") == true)
    }

    @Test func runningLongIsReportedInTheWindowThatHoldsTheLimit() {
        let executions = [run("a", .running, start: "2026-11-20T23:00:00+09:00")]
        let job = nightly()
        let sameDay = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00")).classify(
            executions: executions, jobs: [job], machineName: "etl")
        #expect(!sameDay.findings.contains { $0.kind == .runningLong })
        let nextDay = CheckWindow(from: day.to, to: day.to.addingTimeInterval(86400), timeZone: tokyo)
        let later = RunClassifier(window: nextDay, now: at("2026-11-22T08:30:00+09:00")).classify(
            executions: executions, jobs: [job], machineName: "etl")
        #expect(later.findings.filter { $0.kind == .runningLong }.map(\.at) == [at("2026-11-21T01:00:00+09:00")])
    }

    @Test func redrivenToSuccessIsANoteNotAFailure() {
        let outcome = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00")).classify(
            executions: [
                run("a", .succeeded, start: "2026-11-20T02:00:00+09:00", stop: "2026-11-20T03:00:00+09:00", redrives: 1)
            ],
            jobs: [nightly()], machineName: "etl"
        )
        #expect(outcome.findings.isEmpty)
        #expect(outcome.notes.count == 1)
        #expect(outcome.notes.first?.description.contains("redriven") == true)
    }

    @Test func unscheduledMachineReportsOnlyFailuresStartedInTheWindow() {
        let outcome = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00")).classify(
            executions: [
                run("before", .failed, start: "2026-11-19T23:59:59+09:00", stop: "2026-11-20T00:10:00+09:00"),
                run("inside", .timedOut, start: "2026-11-20T00:00:00+09:00", stop: "2026-11-20T01:00:00+09:00"),
                run("after", .aborted, start: "2026-11-21T00:00:00+09:00", stop: "2026-11-21T00:05:00+09:00"),
            ],
            jobs: [], machineName: "adhoc-report"
        )
        #expect(outcome.findings.map(\.kind) == [.timedOut])
        #expect(outcome.findings.first?.job == "adhoc-report")
    }

    @Test func everyMinuteRunsMatchTheirOwnMinute() {
        let starts = (0..<60).map { at("2026-11-20T03:00:00+09:00").addingTimeInterval(Double($0) * 60) }
        let job = JobExpectation(
            name: "minutely", occurrences: starts, nextOccurrence: at("2026-11-21T03:00:00+09:00"), startWithin: 20,
            maxDuration: nil)
        let runs = starts.enumerated().map { index, start in
            ExecutionRecord(
                executionArn: "arn:run:\(index)", name: "r\(index)", status: .succeeded,
                startDate: start.addingTimeInterval(5),
                stopDate: start.addingTimeInterval(30)
            )
        }
        let outcome = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00")).classify(
            executions: runs, jobs: [job], machineName: "m")
        #expect(outcome.findings.isEmpty)
    }

    @Test func twoJobsOnOneMachineEachOwnTheirRuns() {
        let morning = JobExpectation(
            name: "etl-morning", occurrences: [at("2026-11-20T02:00:00+09:00")],
            nextOccurrence: at("2026-11-21T02:00:00+09:00"),
            startWithin: 900, maxDuration: nil
        )
        let afternoon = JobExpectation(
            name: "etl-afternoon", occurrences: [at("2026-11-20T14:00:00+09:00")],
            nextOccurrence: at("2026-11-21T14:00:00+09:00"),
            startWithin: 900, maxDuration: nil
        )
        let classifier = RunClassifier(window: day, now: at("2026-11-21T08:30:00+09:00"))
        let outcome = classifier.classify(
            executions: [
                run("a", .succeeded, start: "2026-11-20T02:00:03+09:00", stop: "2026-11-20T02:10:00+09:00"),
                run("b", .failed, start: "2026-11-20T14:00:03+09:00", stop: "2026-11-20T14:10:00+09:00"),
            ],
            jobs: [morning, afternoon], machineName: "shared-etl"
        )
        #expect(outcome.findings.map(\.kind) == [.failed])
        #expect(outcome.findings.first?.job == "etl-afternoon")
        let morningMissed = classifier.classify(
            executions: [run("b", .succeeded, start: "2026-11-20T14:00:03+09:00", stop: "2026-11-20T14:10:00+09:00")],
            jobs: [morning, afternoon], machineName: "shared-etl"
        )
        #expect(morningMissed.findings.map(\.kind) == [.missing])
        #expect(morningMissed.findings.first?.job == "etl-morning")
    }

    /// An hourly Unix cron on the fall-back day has 25 occurrences; 25 runs, one per occurrence
    /// (both 01:00s included), are all fine, and one run fewer is exactly one `missing`.
    @Test func hourlyJobOnTheFallBackDayMatchesBothRepeatedHours() throws {
        let newYork = TimeZone(identifier: "America/New_York")!
        let window = CheckWindow(
            from: at("2026-11-01T00:00:00-04:00"), to: at("2026-11-02T00:00:00-05:00"), timeZone: newYork)
        let schedule = try Schedule(parsing: "0 * * * *")
        let occurrences = schedule.occurrences(from: window.from, to: window.to, in: newYork)
        #expect(occurrences.count == 25)
        let job = JobExpectation(
            name: "hourly", occurrences: occurrences,
            nextOccurrence: schedule.nextOccurrences(after: window.to.addingTimeInterval(-1), count: 1, in: newYork)
                .first,
            startWithin: 300, maxDuration: 1800
        )
        let runs = occurrences.enumerated().map { index, start in
            ExecutionRecord(
                executionArn: "arn:run:\(index)", name: "r\(index)", status: .succeeded,
                startDate: start.addingTimeInterval(4), stopDate: start.addingTimeInterval(600))
        }
        let classifier = RunClassifier(window: window, now: at("2026-11-02T08:00:00-05:00"))
        #expect(classifier.classify(executions: runs, jobs: [job], machineName: "m").findings.isEmpty)
        let secondOneOClock = occurrences[2]  // 01:00 EST, the repeated hour
        #expect(secondOneOClock == at("2026-11-01T01:00:00-05:00"))
        let withoutIt = classifier.classify(
            executions: runs.filter { $0.startDate != secondOneOClock.addingTimeInterval(4) }, jobs: [job],
            machineName: "m")
        #expect(withoutIt.findings.map(\.kind) == [.missing])
        #expect(withoutIt.findings.first?.expectedAt == secondOneOClock)
    }

    /// On the spring-forward day a daily 02:30 job has no occurrence, so nothing is missing.
    @Test func nonexistentTimeOnTheSpringForwardDayIsNeverMissing() throws {
        let newYork = TimeZone(identifier: "America/New_York")!
        let window = CheckWindow(
            from: at("2026-03-08T00:00:00-05:00"), to: at("2026-03-09T00:00:00-04:00"), timeZone: newYork)
        let schedule = try Schedule(parsing: "cron(30 2 * * ? *)")
        let job = JobExpectation(
            name: "daily", occurrences: schedule.occurrences(from: window.from, to: window.to, in: newYork),
            nextOccurrence: schedule.nextOccurrences(after: window.to, count: 1, in: newYork).first, startWithin: 900,
            maxDuration: nil
        )
        #expect(job.occurrences.isEmpty)
        #expect(
            RunClassifier(window: window, now: at("2026-03-09T08:00:00-04:00")).classify(
                executions: [], jobs: [job], machineName: "m"
            ).findings.isEmpty)
    }

    @Test func jsonDocumentUsesTheWindowsTimezoneAndLeavesOutWhatDoesNotApply() throws {
        let report = CheckReport(
            window: day,
            findings: [
                Finding(
                    kind: .missing, job: "nightly-etl", at: at("2026-11-20T04:30:00+09:00"),
                    expectedAt: at("2026-11-20T02:00:00+09:00"),
                    detail: .neverStarted
                )
            ],
            checked: CheckedCounts(jobs: 1, stateMachines: 1, executions: 0, alarms: 0),
            delivery: [DeliveryOutcome(target: "slack", ok: true)]
        )
        let object = try JSONSerialization.jsonObject(with: report.jsonDocument()) as! [String: Any]
        #expect(object["status"] as? String == "problems")
        let window = object["window"] as! [String: Any]
        #expect(window["from"] as? String == "2026-11-20T00:00:00+09:00")
        #expect(window["timezone"] as? String == "Asia/Tokyo")
        let finding = (object["findings"] as! [[String: Any]])[0]
        #expect(Set(finding.keys) == ["kind", "job", "at", "expected_at"])  // `detail` is for digests only
        #expect(finding["at"] as? String == "2026-11-20T04:30:00+09:00")
        #expect((object["checked"] as! [String: Any])["state_machines"] as? Int == 1)
        #expect(ExitStatus(report: report) == .problems)
    }
}
