import Foundation

/// One execution the check read, as the HTML timeline draws it: a bar on its job's row.
public struct TimelineRun: Sendable, Equatable {
    /// The row: the job it belongs to, or the machine's name when no job names the machine.
    public var row: String
    public var name: String
    public var executionArn: String
    public var start: Date
    /// `nil` while it runs.
    public var stop: Date?
    public var status: ExecutionStatus
    /// The console page of the execution.
    public var url: String?

    public init(
        row: String, name: String, executionArn: String, start: Date, stop: Date?, status: ExecutionStatus,
        url: String? = nil
    ) {
        self.row = row
        self.name = name
        self.executionArn = executionArn
        self.start = start
        self.stop = stop
        self.status = status
        self.url = url
    }
}

/// One expected start of a job, as the timeline draws it: the start grace and `max_duration`
/// as a band, and the `finish_by` deadline as a tick.
public struct TimelineOccurrence: Sendable, Equatable {
    public var row: String
    public var expectedStart: Date
    /// `start_within`, in seconds.
    public var startWithin: TimeInterval
    /// `max_duration`, in seconds; `nil` when the job has none.
    public var maxDuration: TimeInterval?
    /// The first `finish_by` time at or after the expected start; `nil` without `finish_by`.
    public var finishBy: Date?

    public init(
        row: String, expectedStart: Date, startWithin: TimeInterval, maxDuration: TimeInterval?, finishBy: Date? = nil
    ) {
        self.row = row
        self.expectedStart = expectedStart
        self.startWithin = startWithin
        self.maxDuration = maxDuration
        self.finishBy = finishBy
    }
}

/// What the HTML timeline needs beyond the findings: the runs the check read, what it expected,
/// and which rows' runs it could not read (so that an empty row is not mistaken for a quiet one).
/// Not part of the JSON document.
public struct TimelineData: Sendable, Equatable {
    /// Rows in the order they are drawn: jobs in configuration order, then unscheduled machines.
    public var rows: [String]
    public var runs: [TimelineRun]
    public var occurrences: [TimelineOccurrence]
    /// Rows whose executions were not listed (a failed listing, or cleared by metrics): their
    /// runs are unknown, not absent.
    public var unlisted: [String]
    /// The instant the check took as now.
    public var now: Date

    public init(
        rows: [String] = [], runs: [TimelineRun] = [], occurrences: [TimelineOccurrence] = [], unlisted: [String] = [],
        now: Date
    ) {
        self.rows = rows
        self.runs = runs
        self.occurrences = occurrences
        self.unlisted = unlisted
        self.now = now
    }
}

extension TimelineData {
    /// The timeline of one check: every listed machine's runs that overlap the window (or start
    /// before its end), each on the row of the job whose latest expected start precedes it.
    static func collect(
        targets: [CheckTarget], listings: [String: ExecutionPage], window: CheckWindow, now: Date, region: String
    ) -> TimelineData {
        var data = TimelineData(now: now)
        for target in targets {
            let jobRows = uniqued(target.jobs.map(\.name))
            let rows = jobRows.isEmpty ? [target.name] : jobRows
            for row in rows where !data.rows.contains(row) { data.rows.append(row) }
            for job in target.jobs {
                let deadlines = Dictionary(job.deadlines.map { ($0.occurrence, $0.deadline) }, uniquingKeysWith: min)
                data.occurrences += job.occurrences.map {
                    TimelineOccurrence(
                        row: job.name, expectedStart: $0, startWithin: job.startWithin, maxDuration: job.maxDuration,
                        finishBy: deadlines[$0])
                }
                // A deadline in the window whose occurrence lies before it still gets its tick.
                for deadline in job.deadlines where !job.occurrences.contains(deadline.occurrence) {
                    data.occurrences.append(
                        TimelineOccurrence(
                            row: job.name, expectedStart: deadline.occurrence, startWithin: job.startWithin,
                            maxDuration: job.maxDuration, finishBy: deadline.deadline))
                }
            }
            guard let listing = listings[target.arn] else {
                data.unlisted += rows
                continue
            }
            let starts = target.jobs.flatMap { job in job.occurrences.map { ($0, job.name) } }.sorted { $0.0 < $1.0 }
            for execution in listing.executions
            where execution.startDate < window.to && (execution.stopDate ?? now) >= window.from {
                let owner = starts.last {
                    $0.0 <= execution.startDate.addingTimeInterval(RunClassifier.earlyStartTolerance)
                }?.1
                data.runs.append(
                    TimelineRun(
                        row: owner ?? rows[0], name: execution.name, executionArn: execution.executionArn,
                        start: execution.startDate, stop: execution.stopDate, status: execution.status,
                        url: Checker.consoleURL(executionArn: execution.executionArn, region: region)))
            }
        }
        // Unscheduled machines with no run in the window are left out: they are not news.
        let scheduled = Set(targets.flatMap { $0.jobs.map(\.name) })
        let withRuns = Set(data.runs.map(\.row))
        data.rows.removeAll { !scheduled.contains($0) && !withRuns.contains($0) && !data.unlisted.contains($0) }
        data.unlisted = uniqued(data.unlisted)
        data.runs.sort { ($0.start, $0.name) < ($1.start, $1.name) }
        return data
    }

    private static func uniqued(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
