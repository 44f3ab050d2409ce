import Foundation
import Schedules
import Testing

@testable import BatchwatchCheck

/// `HistoryTimeline` (the pure part of `ReadHistory`) on given runs: when to read another page,
/// streaks and recoveries.
@Suite struct HistoryTimelineTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let window = CheckWindow(from: day(20), to: day(21), timeZone: utc)
    static let now = day(21).addingTimeInterval(8 * 3_600)

    static func day(_ number: Int, hour: Double = 0) -> Date {
        Date(timeIntervalSince1970: 1_795_132_800 + Double(number - 20) * 86_400 + hour * 3_600)  // 2026-11-20T00:00Z
    }

    static func run(_ number: Int, _ status: ExecutionStatus) -> ExecutionRecord {
        ExecutionRecord(
            executionArn: "arn:exec:\(number)", name: "r\(number)", status: status, startDate: day(number, hour: 2),
            stopDate: day(number, hour: 2.5))
    }

    static func target() throws -> CheckTarget {
        let schedule = try Schedule(parsing: "cron(0 2 * * ? *)")
        let job = JobExpectation(
            name: "etl", occurrences: [day(20, hour: 2)], nextOccurrence: day(21, hour: 2), startWithin: 900,
            maxDuration: nil,
            source: .written(schedule, utc))
        return CheckTarget(arn: "arn:sm:etl", name: "etl", jobs: [job])
    }

    static func timeline(_ runs: [ExecutionRecord], complete: Bool) throws -> HistoryTimeline {
        HistoryTimeline(
            target: try target(), executions: runs, complete: complete, limit: now.addingTimeInterval(-90 * 86_400),
            window: window, now: now)
    }

    @Test func aStreakAsksForAnotherPageUntilItReachesAGoodNight() throws {
        let failed = Finding(kind: .failed, job: "etl", at: Self.day(20, hour: 2.5), executionArn: "arn:exec:20")
        let firstPage = [Self.run(20, .failed), Self.run(19, .failed)]
        #expect(try Self.timeline(firstPage, complete: false).evaluate([failed]).needsMore)

        let answer = try Self.timeline(firstPage + [Self.run(18, .failed), Self.run(17, .succeeded)], complete: false)
            .evaluate([failed])
        #expect(!answer.needsMore)
        let note = try #require(answer.annotations[historyKey(failed)])
        #expect(note.streak == 3)
        #expect(note.unit == .night)
        #expect(note.lastSuccess == Self.day(17, hour: 2.5))
    }

    @Test func aNightWithNoRunIsBadAndHistoryEndsAtTheLimit() throws {
        let failed = Finding(kind: .failed, job: "etl", at: Self.day(20, hour: 2.5), executionArn: "arn:exec:20")
        // The 19th has no run (missing: bad); nothing older exists, and the limit is 90 days back.
        let answer = try Self.timeline([Self.run(20, .failed)], complete: true).evaluate([failed])
        #expect(!answer.needsMore)
        #expect(answer.annotations[historyKey(failed)]?.lastSuccess == nil)
        #expect((answer.annotations[historyKey(failed)]?.streak ?? 0) > 80)
    }

    @Test func aGoodFirstNightAfterBadOnesIsARecovery() throws {
        let answer = try Self.timeline(
            [Self.run(20, .succeeded), Self.run(19, .failed), Self.run(18, .timedOut), Self.run(17, .succeeded)],
            complete: false
        ).evaluate([])
        #expect(answer.recoveries == [Recovery(job: "etl", at: Self.day(20, hour: 2.5), after: 2, unit: .night)])
        #expect(!answer.needsMore)
    }

    @Test func aGoodNightAfterAGoodOneIsNothing() throws {
        let answer = try Self.timeline([Self.run(20, .succeeded), Self.run(19, .succeeded)], complete: false).evaluate(
            [])
        #expect(answer.recoveries.isEmpty)
        #expect(!answer.needsMore, "the previous night is known: no page more")
    }
}
