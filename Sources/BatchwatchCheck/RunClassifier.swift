import Foundation

/// What one job expects of its state machine in a window: its occurrences and its limits.
public struct JobExpectation: Sendable, Equatable {
    public var name: String
    /// Expected starts inside the window, ascending.
    public var occurrences: [Date]
    /// The first expected start at or after the window's end; it bounds the last occurrence's runs.
    public var nextOccurrence: Date?
    public var startWithin: TimeInterval
    public var maxDuration: TimeInterval?
    /// `finish_by`: the occurrences whose deadline falls in the window (`RunClassifier+Deadlines.swift`).
    public var deadlines: [FinishDeadline]
    /// The schedule the occurrences come from, for reading back across nights (`ReadHistory`);
    /// `nil` when the job has no expected starts.
    public var source: OccurrenceSource?

    public init(
        name: String, occurrences: [Date], nextOccurrence: Date?, startWithin: TimeInterval, maxDuration: TimeInterval?,
        deadlines: [FinishDeadline] = [], source: OccurrenceSource? = nil
    ) {
        self.name = name
        self.occurrences = occurrences
        self.nextOccurrence = nextOccurrence
        self.startWithin = startWithin
        self.maxDuration = maxDuration
        self.deadlines = deadlines
        self.source = source
    }

    /// When an occurrence stops being pending: its start grace plus its longest allowed run.
    func deadline(of occurrence: Date) -> Date {
        occurrence.addingTimeInterval(startWithin + (maxDuration ?? 0))
    }
}

/// Compares the executions of one state machine with what its jobs expect (README, "How a check decides").
///
/// Pure: the executions and "now" are given, so every rule is testable without AWS or a clock.
public struct RunClassifier: Sendable {
    /// A run may start this much before its expected time (clock drift, schedulers firing early).
    public static let earlyStartTolerance: TimeInterval = 60

    public let window: CheckWindow
    public let now: Date

    public init(window: CheckWindow, now: Date) {
        self.window = window
        self.now = now
    }

    /// The result of comparing one machine's executions with its jobs.
    public struct Outcome: Sendable, Equatable {
        /// Missing, late, running-long and failure findings; failures still lack their history details.
        public var findings: [Finding] = []
        /// Digest notes, such as runs redriven to success.
        public var notes: [DigestText] = []
    }

    /// Classifies `executions` (any order) of a machine that `jobs` name; with no jobs, the machine is
    /// unscheduled and only its failures in the window are reported, under `machineName`.
    public func classify(executions: [ExecutionRecord], jobs: [JobExpectation], machineName: String) -> Outcome {
        let runs = executions.sorted { $0.startDate < $1.startDate }
        var outcome = Outcome()
        var owningJob: [String: String] = [:]  // execution ARN -> job whose in-window occurrence it ran for

        // Every job's expected starts bound each other: a run belongs to the latest expected start
        // (of any job on this machine) at or before it, give or take the early-start tolerance.
        let boundaries = Array(Set(jobs.flatMap(\.occurrences) + jobs.compactMap(\.nextOccurrence))).sorted()
        let starts = runs.map(\.startDate)
        for job in jobs {
            for occurrence in job.occurrences {
                // Binary searches over the sorted boundaries and starts: matching costs N log N, not N².
                let position = boundaries.firstIndex(notBefore: occurrence)
                let following = position + 1 < boundaries.count ? position + 1 : nil
                let earliest = occurrence.addingTimeInterval(-tolerance(at: position, boundaries: boundaries))
                let latest =
                    following.map { boundaries[$0].addingTimeInterval(-tolerance(at: $0, boundaries: boundaries)) }
                    ?? .distantFuture
                let candidates = runs[starts.firstIndex(notBefore: earliest)..<starts.firstIndex(notBefore: latest)]
                for run in candidates where owningJob[run.executionArn] == nil {
                    owningJob[run.executionArn] = job.name
                }
                if let run = candidates.first {
                    if run.startDate > occurrence.addingTimeInterval(job.startWithin) {
                        outcome.findings.append(
                            Finding(
                                kind: .late, job: job.name, at: run.startDate, expectedAt: occurrence,
                                executionArn: run.executionArn,
                                detail: .startedLate(
                                    delay: run.startDate.timeIntervalSince(occurrence), grace: job.startWithin)
                            )
                        )
                    }
                } else if job.deadline(of: occurrence) <= now {
                    outcome.findings.append(
                        Finding(
                            kind: .missing, job: job.name, at: job.deadline(of: occurrence), expectedAt: occurrence,
                            detail: .neverStarted)
                    )
                }
            }
        }

        var reportedLong = Set<String>()
        for job in jobs {
            guard let maxDuration = job.maxDuration else { continue }
            for run in runs where !reportedLong.contains(run.executionArn) {
                let limit = run.startDate.addingTimeInterval(maxDuration)
                guard limit >= window.from, limit < window.to, limit <= now else { continue }
                guard (run.stopDate ?? .distantFuture) > limit else { continue }
                reportedLong.insert(run.executionArn)
                outcome.findings.append(
                    Finding(
                        kind: .runningLong, job: owningJob[run.executionArn] ?? job.name, at: limit,
                        executionArn: run.executionArn,
                        detail: run.stopDate.map { .took($0.timeIntervalSince(run.startDate), limit: maxDuration) }
                            ?? .stillRunningAfter(maxDuration)
                    )
                )
            }
        }

        let fallbackName = jobs.first?.name ?? machineName
        for run in runs {
            let owner = owningJob[run.executionArn]
            let startedInWindow = run.startDate >= window.from && run.startDate < window.to
            guard owner != nil || startedInWindow else { continue }
            let job = owner ?? fallbackName
            if let kind = run.status.failureKind {
                var finding = Finding(
                    kind: kind, job: job, at: run.stopDate ?? run.startDate, executionArn: run.executionArn)
                finding.subject = jobs.isEmpty ? .stateMachine : .job
                outcome.findings.append(finding)
            } else if run.status == .succeeded, let redrives = run.redriveCount, redrives > 0 {
                outcome.notes.append(.redriven(job: job, run: run.name, redrives: redrives))
            }
        }
        outcome.findings += jobs.flatMap { deadlineFindings(runs: runs, job: $0) }
        return outcome
    }

    /// How early a run may start for the expected start `boundaries[index]`: the tolerance, but
    /// never more than half the gap to a neighbouring expected start (an every-minute job has 30 s).
    private func tolerance(at index: Int, boundaries: [Date]) -> TimeInterval {
        let instant = boundaries[index]
        let gap: TimeInterval
        if index > 0 {
            gap = instant.timeIntervalSince(boundaries[index - 1])
        } else if index + 1 < boundaries.count {
            gap = boundaries[index + 1].timeIntervalSince(instant)
        } else {
            return Self.earlyStartTolerance
        }
        return min(Self.earlyStartTolerance, gap / 2)
    }
}

extension Array where Element == Date {
    /// The index of the first instant at or after `instant` in this ascending array (`count` when none is).
    func firstIndex(notBefore instant: Date) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < instant { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
