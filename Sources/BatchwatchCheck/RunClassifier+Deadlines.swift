import BatchwatchConfig
import Foundation

/// One occurrence of a job with `finish_by`, whose deadline falls in the window.
public struct FinishDeadline: Sendable, Equatable {
    /// The occurrence's expected start (it may lie before the window).
    public var occurrence: Date
    /// The first `finish_by` time at or after it, in the job's timezone.
    public var deadline: Date
    /// The job's next expected start after it: its runs start before that one.
    public var nextOccurrence: Date?

    public init(occurrence: Date, deadline: Date, nextOccurrence: Date?) {
        self.occurrence = occurrence
        self.deadline = deadline
        self.nextOccurrence = nextOccurrence
    }

    /// A deadline is at most a day and a daylight-saving hour after its occurrence; occurrences
    /// are looked for this far before the window.
    static let lookBack: TimeInterval = 26 * 3_600

    /// The occurrences whose `finishBy` deadline lies in `window`, whichever window holds the
    /// occurrence: a 23:00 job with `finish_by: "02:00"` is judged in the window that holds 02:00.
    /// `occurrences(from, to)` gives the job's expected starts in `[from, to)`.
    static func deadlines(
        finishBy: TimeOfDay?, timeZone: TimeZone, window: CheckWindow, occurrences: (Date, Date) -> [Date]
    ) -> [FinishDeadline] {
        guard let finishBy else { return [] }
        let starts = occurrences(window.from.addingTimeInterval(-lookBack), window.to.addingTimeInterval(lookBack))
        return starts.indices.compactMap { index in
            let occurrence = starts[index]
            let deadline = finishBy.firstInstant(atOrAfter: occurrence, in: timeZone)
            guard deadline >= window.from, deadline < window.to else { return nil }
            return FinishDeadline(
                occurrence: occurrence, deadline: deadline,
                nextOccurrence: index + 1 < starts.count ? starts[index + 1] : nil)
        }
    }
}

extension RunClassifier {
    /// `deadline_missed` for each of the job's deadlines that has passed at `now` (in the window)
    /// without a run of its occurrence that succeeded by then. Left out when the occurrence is
    /// reported otherwise: a run of it ended failed, timed out or aborted, or it has no run and its
    /// `missing` deadline has passed. `runs` are sorted by start.
    func deadlineFindings(runs: [ExecutionRecord], job: JobExpectation) -> [Finding] {
        let local = LocalTime(zone: window.timeZone)
        return job.deadlines.compactMap { deadline in
            guard deadline.deadline <= now, deadline.deadline >= window.from, deadline.deadline < window.to else {
                return nil
            }
            let gap = deadline.nextOccurrence.map { $0.timeIntervalSince(deadline.occurrence) } ?? .infinity
            let tolerance = min(Self.earlyStartTolerance, gap / 2)
            let earliest = deadline.occurrence.addingTimeInterval(-tolerance)
            let latest = deadline.nextOccurrence?.addingTimeInterval(-tolerance) ?? .distantFuture
            let mine = runs.filter { $0.startDate >= earliest && $0.startDate < latest }
            if mine.contains(where: { $0.status == .succeeded && ($0.stopDate ?? .distantFuture) <= deadline.deadline })
            {
                return nil
            }
            if mine.contains(where: { $0.status.failureKind != nil }) { return nil }
            if mine.isEmpty && job.deadline(of: deadline.occurrence) <= now { return nil }
            let due = local.minute(deadline.deadline)
            let detail: DigestText
            if let run = mine.first(where: { $0.status == .succeeded }), let stop = run.stopDate {
                detail = .succeededLate(
                    at: local.dayAndMinute(stop), late: stop.timeIntervalSince(deadline.deadline), due: due)
            } else if let run = mine.first, run.startDate > deadline.deadline {
                detail = .startedOnlyAt(local.dayAndMinute(run.startDate), due: due)
            } else if let run = mine.first {
                detail = .stillRunningAtDeadline(started: local.dayAndMinute(run.startDate), due: due)
            } else {
                detail = .notStartedByDeadline(due: due)
            }
            return Finding(
                kind: .deadlineMissed, job: job.name, at: deadline.deadline, expectedAt: deadline.occurrence,
                executionArn: mine.first?.executionArn, detail: detail)
        }
    }
}
