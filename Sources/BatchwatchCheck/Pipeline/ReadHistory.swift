import AWSClient
import Foundation
import ScheduleDiscovery
import Schedules

/// Where a job's expected starts come from, so that they can be computed before the window too.
public enum OccurrenceSource: Sendable, Equatable {
    /// A schedule written in the configuration, in its timezone.
    case written(Schedule, TimeZone)
    /// A schedule AWS holds (`schedule: auto`).
    case discovered(DiscoveredSchedule)

    func occurrences(from start: Date, to end: Date) -> [Date] {
        switch self {
        case .written(let schedule, let zone): schedule.occurrences(from: start, to: end, in: zone)
        case .discovered(let schedule): schedule.occurrences(from: start, to: end)
        }
    }
}

extension JobExpectation {
    /// The latest expected start before `instant`, looked for up to `ReadHistory.retention` back.
    func occurrence(before instant: Date) -> Date? {
        guard let source else { return nil }
        for days in [2.0, 8, 32, 93] {
            if let last = source.occurrences(from: instant.addingTimeInterval(-days * 86_400), to: instant).last {
                return last
            }
        }
        return nil
    }
}

/// Step 6, after the runs are read: across nights. For each failed, timed-out, aborted or missing
/// finding, how many bad occurrences in a row end with it (`streak`) and when the job last
/// succeeded (`lastSuccess`); and which jobs recovered (README, "Across nights").
///
/// The history is AWS's own (ListExecutions keeps closed executions for 90 days), read on from
/// the pages `ReadRuns` already read, one page at a time, and only as far back as the first good
/// occurrence. A machine is read back only when one of its jobs has such a finding or may have
/// recovered: its first occurrence in the window is good and the previous one is not known to be
/// good, from the pages already read or, in metrics mode, from the metrics (`MetricsPrefilter`).
struct ReadHistory: Sendable {
    /// Step Functions keeps closed executions this long: history starts no earlier.
    static let retention: TimeInterval = 90 * 86_400

    let stepFunctions: StepFunctionsReader
    let window: CheckWindow
    let now: Date
    let concurrency: Int

    struct Output: Sendable {
        var findings: [Finding] = []
        var recoveries: [Recovery] = []
        var report = StepReport()
        /// ListExecutions pages read back beyond those `ReadRuns` read.
        var pagesRead = 0
    }

    /// `listings`: what `ReadRuns` read, by ARN (none for the machines the metrics cleared).
    /// `previousGood`: ARNs whose previous occurrence the metrics proved good.
    func run(
        _ findings: [Finding], targets: [CheckTarget], listings: [String: ExecutionPage], previousGood: Set<String>,
        startsInWindow: [String: Int]
    ) async -> Output {
        let results = await concurrentMap(targets, limit: concurrency) { target in
            await read(
                target, findings: findings, listing: listings[target.arn],
                previousGood: previousGood.contains(target.arn),
                startsInWindow: startsInWindow[target.arn])
        }
        var output = Output()
        var annotated: [String: (streak: Int, unit: StreakUnit, lastSuccess: Date?)] = [:]
        for result in results {
            annotated.merge(result.annotations) { first, _ in first }
            output.recoveries += result.recoveries
            output.report += result.report
            output.pagesRead += result.pagesRead
        }
        output.findings = findings.map { finding in
            guard let note = annotated[historyKey(finding)] else { return finding }
            var finding = finding
            finding.streak = note.streak
            finding.streakUnit = note.unit
            finding.lastSuccess = note.lastSuccess
            return finding
        }
        return output
    }

    private struct TargetResult: Sendable {
        var annotations: [String: (streak: Int, unit: StreakUnit, lastSuccess: Date?)] = [:]
        var recoveries: [Recovery] = []
        var report = StepReport()
        var pagesRead = 0
    }

    private func read(
        _ target: CheckTarget, findings: [Finding], listing: ExecutionPage?, previousGood: Bool, startsInWindow: Int?
    ) async -> TargetResult {
        let owners = Set(target.jobs.map(\.name))
        let own = findings.filter {
            HistoryTimeline.streakKinds.contains($0.kind)
                && (owners.isEmpty ? $0.job == target.name : owners.contains($0.job))
        }
        // A machine the metrics cleared: a recovery is possible only when it ran in the window
        // and the metrics could not prove the previous occurrence good.
        if listing == nil, own.isEmpty, previousGood || (startsInWindow ?? 0) == 0 { return TargetResult() }
        if listing != nil, own.isEmpty, previousGood { return TargetResult() }
        var result = TargetResult()
        do {
            // Pages are read on from where the listing stopped (or from the first, for a machine
            // the metrics cleared), through the one paginator.
            var pages = stepFunctions.executionPages(of: target.arn, after: listing?.nextToken).makeAsyncIterator()
            var known = listing ?? ExecutionPage(executions: [], nextToken: nil)
            if listing == nil, let first = try await pages.next() {
                result.pagesRead += 1
                known = first
            }
            var creation = target.creationDate
            var creationRead = creation != nil
            while true {
                let limit = max(creation ?? .distantPast, now.addingTimeInterval(-Self.retention))
                let timeline = HistoryTimeline(
                    target: target, executions: known.executions, complete: known.nextToken == nil, limit: limit,
                    window: window, now: now)
                let answer = timeline.evaluate(own)
                if answer.needsMore, known.nextToken != nil, let next = try await pages.next() {
                    result.pagesRead += 1
                    known.executions += next.executions
                    known.nextToken = next.nextToken
                    continue
                }
                // History starts at the machine's creation: read it (DescribeStateMachine) only
                // when ListStateMachines did not give it and there is something to say.
                if !creationRead, !answer.annotations.isEmpty || !answer.recoveries.isEmpty {
                    creation = try await stepFunctions.creationDate(of: target.arn)
                    creationRead = true
                    continue
                }
                result.annotations = answer.annotations
                result.recoveries = answer.recoveries
                return result
            }
        } catch {
            result.report.notes.append(.historyUnreadable(machine: target.name, error: "\(error)"))
            return result
        }
    }
}

/// The key that ties a finding to its annotation: kind, job, run or expected start.
func historyKey(_ finding: Finding) -> String {
    "\(finding.kind.rawValue)|\(finding.job)|\(finding.executionArn ?? "")|\(finding.expectedAt?.timeIntervalSince1970 ?? 0)"
}

/// One machine's runs as far back as they are known, and what they say across nights. Pure: the
/// runs, the limit of history and "now" are given.
struct HistoryTimeline: Sendable {
    static let streakKinds: Set<FindingKind> = [.failed, .timedOut, .aborted, .missing]

    let target: CheckTarget
    /// Every execution known, any order.
    let executions: [ExecutionRecord]
    /// Whether no older execution exists than those given.
    let complete: Bool
    /// No occurrence before it is good or bad: the machine's creation, or 90 days back.
    let limit: Date
    let window: CheckWindow
    let now: Date

    struct Answer: Sendable {
        var annotations: [String: (streak: Int, unit: StreakUnit, lastSuccess: Date?)] = [:]
        var recoveries: [Recovery] = []
        /// The runs known do not reach back far enough: read another page.
        var needsMore = false
    }

    /// What an occurrence (or run) turned out to be.
    enum Outcome: Equatable {
        case good(stop: Date)
        case bad
        case pending
        /// Its runs are older than what is known.
        case unknown
    }

    /// Runs with a start at or after this instant are all known.
    private var knownFrom: Date {
        complete ? .distantPast : (executions.map(\.startDate).min() ?? .distantFuture).addingTimeInterval(1)
    }

    func evaluate(_ findings: [Finding]) -> Answer {
        var answer = Answer()
        let runs = executions.sorted { $0.startDate < $1.startDate }
        let scheduled = target.jobs.filter { !$0.occurrences.isEmpty || $0.source != nil }
        let from = max(limit, complete ? limit : knownFrom.addingTimeInterval(-86_400))
        // Every job's expected starts on this machine bound each other's runs, as in `RunClassifier`.
        var byJob: [String: [Date]] = [:]
        for job in scheduled {
            let past = job.source?.occurrences(from: from, to: window.from) ?? []
            byJob[job.name, default: []] += past + job.occurrences
        }
        for name in byJob.keys { byJob[name] = Array(Set(byJob[name]!)).sorted() }
        let boundaries = Array(Set(byJob.values.flatMap { $0 } + scheduled.compactMap(\.nextOccurrence))).sorted()
        let spans = Spans(boundaries: boundaries)
        let expectations = Dictionary(scheduled.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        func outcome(of occurrence: Date, job: JobExpectation) -> Outcome {
            let span = spans.span(of: occurrence)
            let own = runs.filter { span.contains($0.startDate) }
            // A success seen proves the occurrence good; anything else needs all of its runs.
            if let success = own.filter({ $0.status == .succeeded }).min(by: {
                ($0.stopDate ?? $0.startDate) < ($1.stopDate ?? $1.startDate)
            }) {
                return .good(stop: success.stopDate ?? success.startDate)
            }
            guard complete || span.lowerBound >= knownFrom else { return .unknown }
            if job.deadline(of: occurrence) > now
                || own.contains(where: { [.running, .pendingRedrive].contains($0.status) })
            {
                return .pending
            }
            return .bad
        }

        /// Walks back from the occurrence before `index`: the bad ones in a row, and the latest good one.
        func walkBack(
            _ occurrences: [Date], before index: Int, job: JobExpectation
        ) -> (count: Int, lastSuccess: Date?, needsMore: Bool) {
            var count = 0
            var counting = true
            var position = index - 1
            while position >= 0 {
                let occurrence = occurrences[position]
                guard occurrence >= limit else { return (count, nil, false) }
                switch outcome(of: occurrence, job: job) {
                case .unknown: return (count, nil, true)
                case .good(let stop): return (count, stop, false)
                case .bad: if counting { count += 1 }
                case .pending: counting = false
                }
                position -= 1
            }
            return (count, nil, !complete && from > limit)
        }

        func unit(_ occurrences: [Date], at index: Int) -> StreakUnit {
            let gap =
                index > 0
                ? occurrences[index].timeIntervalSince(occurrences[index - 1])
                : (index + 1 < occurrences.count
                    ? occurrences[index + 1].timeIntervalSince(occurrences[index]) : 86_400)
            return gap >= 20 * 3_600 && gap <= 28 * 3_600 ? .night : .run
        }

        // Streaks of the findings.
        for finding in findings {
            let key = historyKey(finding)
            if let job = expectations[finding.job], let occurrences = byJob[finding.job], !occurrences.isEmpty {
                let instant: Date?
                if finding.kind == .missing {
                    instant = finding.expectedAt
                } else {
                    instant = runs.first { $0.executionArn == finding.executionArn }?.startDate
                }
                if let instant, let index = occurrences.lastIndex(where: { spans.span(of: $0).lowerBound <= instant }) {
                    let walked = walkBack(occurrences, before: index, job: job)
                    answer.needsMore = answer.needsMore || walked.needsMore
                    answer.annotations[key] = (1 + walked.count, unit(occurrences, at: index), walked.lastSuccess)
                    continue
                }
            }
            // A machine no job names, or a run outside every expected start: runs in a row.
            guard let index = runs.firstIndex(where: { $0.executionArn == finding.executionArn }) else { continue }
            let walked = walkBackRuns(runs, before: index)
            answer.needsMore = answer.needsMore || walked.needsMore
            answer.annotations[key] = (1 + walked.count, .run, walked.lastSuccess)
        }

        // Recoveries.
        if scheduled.isEmpty {
            if target.jobs.isEmpty,
                let first = runs.firstIndex(where: { $0.startDate >= window.from && $0.startDate < window.to }),
                runs[first].status == .succeeded
            {
                let previous = runs[..<first].lastIndex { ![.running, .pendingRedrive].contains($0.status) }
                if let previous, runs[previous].status != .succeeded {
                    let walked = walkBackRuns(runs, before: previous)
                    answer.needsMore = answer.needsMore || walked.needsMore
                    answer.recoveries.append(
                        Recovery(
                            job: target.name, at: runs[first].stopDate ?? runs[first].startDate,
                            after: 1 + walked.count, unit: .run))
                } else if previous == nil, !complete {
                    answer.needsMore = true
                }
            }
            return answer
        }
        for name in Set(scheduled.map(\.name)).sorted() {
            guard let job = expectations[name], let occurrences = byJob[name],
                let first = occurrences.firstIndex(where: { $0 >= window.from && $0 < window.to }),
                case .good(let stop) = outcome(of: occurrences[first], job: job)
            else { continue }
            guard first > 0 else {
                answer.needsMore = answer.needsMore || (!complete && from > limit)
                continue
            }
            let previous = occurrences[first - 1]
            guard previous >= limit else { continue }
            switch outcome(of: previous, job: job) {
            case .unknown: answer.needsMore = true
            case .bad:
                let walked = walkBack(occurrences, before: first - 1, job: job)
                answer.needsMore = answer.needsMore || walked.needsMore
                answer.recoveries.append(
                    Recovery(job: name, at: stop, after: 1 + walked.count, unit: unit(occurrences, at: first - 1)))
            case .good, .pending: break
            }
        }
        return answer
    }

    /// Walks back over the runs before `index`: those in a row that did not succeed (runs still
    /// going are passed over), and the stop of the latest one that did.
    private func walkBackRuns(
        _ runs: [ExecutionRecord], before index: Int
    ) -> (count: Int, lastSuccess: Date?, needsMore: Bool) {
        var count = 0
        for run in runs[..<index].reversed() {
            switch run.status {
            case .succeeded: return (count, run.stopDate ?? run.startDate, false)
            case .running, .pendingRedrive: continue
            case .failed, .timedOut, .aborted: count += 1
            }
        }
        return (count, nil, !complete)
    }
}

/// The span of runs each expected start owns: from it (less the early-start tolerance) to the
/// next one (less its tolerance), as `RunClassifier` attributes runs.
private struct Spans {
    let boundaries: [Date]

    func span(of occurrence: Date) -> Range<Date> {
        let index = boundaries.firstIndex(notBefore: occurrence)
        let start = occurrence.addingTimeInterval(-tolerance(at: index))
        let end =
            index + 1 < boundaries.count
            ? boundaries[index + 1].addingTimeInterval(-tolerance(at: index + 1)) : .distantFuture
        return start..<max(start, end)
    }

    private func tolerance(at index: Int) -> TimeInterval {
        guard index < boundaries.count else { return RunClassifier.earlyStartTolerance }
        let gap: TimeInterval
        if index > 0 {
            gap = boundaries[index].timeIntervalSince(boundaries[index - 1])
        } else if index + 1 < boundaries.count {
            gap = boundaries[index + 1].timeIntervalSince(boundaries[index])
        } else {
            return RunClassifier.earlyStartTolerance
        }
        return min(RunClassifier.earlyStartTolerance, gap / 2)
    }
}
