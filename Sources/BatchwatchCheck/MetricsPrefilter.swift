import AWSClient
import Foundation

/// Decides from the `AWS/States` metrics (GetMetricData) which state machines must have their
/// executions listed. Metrics may only prove that nothing is wrong, and only where they are
/// present and consistent: Step Functions delivers them on a best-effort basis, so a datapoint
/// that is absent is never read as a zero. Whatever they cannot prove — a failure, a late or
/// absent start, several runs in one minute, a start with no outcome (a run still going, or an
/// outcome that was not delivered), an answer that cannot be read, data past the one-minute
/// retention — is left to listing, so the findings are the same in both modes.
struct MetricsPrefilter: Sendable {
    /// CloudWatch answers at most this many metric queries per GetMetricData call.
    static let queriesPerCall = 500
    /// One-minute datapoints are kept this long.
    static let oneMinuteRetention: TimeInterval = 15 * 86_400
    static let minute: TimeInterval = 60
    /// Datapoints are read at least this far before the first instant that matters, so that the
    /// starts of runs that ended after it are found.
    static let readBack: TimeInterval = 6 * 3_600

    let client: AWSClient
    /// GetMetricData calls in flight at once (the configuration's `concurrency`).
    let concurrency: Int

    /// What the metrics settled.
    struct Decision: Sendable {
        /// ARNs of the machines that need ListExecutions.
        var needsListing: Set<String>
        /// Runs started in the window of the machines the metrics cleared, by ARN.
        var startsInWindow: [String: Int] = [:]
        /// Set when GetMetricData could not be read and every machine is listed instead.
        var fallbackNote: DigestText?
        /// ARNs of cleared machines whose job's last occurrence before the window (or, for a
        /// machine no job names, whose last run before the window) the metrics prove good: no
        /// recovery to look for, so `ReadHistory` lists nothing for them.
        var previousGood: Set<String> = []
    }

    /// The metric reads for one machine and what they must show for it to be cleared.
    private struct MachineReads {
        var target: CheckTarget
        /// The earliest start of a run the window is about: its failures count from here.
        var from: Date
        /// Datapoints are read from here.
        var readFrom: Date
        var job: JobExpectation?
        /// The span in which a start proves the previous occurrence (or run) good: the job's last
        /// occurrence before the window, or the day before the window for a machine no job names.
        var previousSpan: Range<Date>?
    }

    func decide(_ targets: [CheckTarget], window: CheckWindow, now: Date) async -> Decision {
        var plans: [MachineReads] = []
        var decision = Decision(needsListing: [])
        for target in targets {
            // Several jobs on one machine: who ran for whom is listing's call. Its metrics are still
            // read, to account for its failures in the account-level series.
            if target.jobs.count > 1 { decision.needsListing.insert(target.arn) }
            // A `finish_by` deadline in the window: when the run ended is listing's call.
            if target.jobs.contains(where: { !$0.deadlines.isEmpty }) { decision.needsListing.insert(target.arn) }
            let job = target.jobs.count == 1 ? target.jobs.first : nil
            let longest = job?.maxDuration ?? 0
            let from = Self.floorMinute(window.from.addingTimeInterval(-longest - RunClassifier.earlyStartTolerance))
            let readFrom = Self.floorMinute(from.addingTimeInterval(-max(2 * (longest + Self.minute), Self.readBack)))
            guard now.timeIntervalSince(readFrom) < Self.oneMinuteRetention else {
                decision.needsListing.insert(target.arn)
                continue
            }
            // Read back far enough to prove the previous occurrence good, in the same call
            // (`ReadHistory`: a healthy morning costs no extra call), where one-minute data is kept.
            var plan = MachineReads(target: target, from: from, readFrom: readFrom, job: job)
            if let span = Self.previousSpan(of: target, job: job, window: window),
                now.timeIntervalSince(Self.floorMinute(span.lowerBound)) < Self.oneMinuteRetention
            {
                plan.previousSpan = span
                plan.readFrom = min(readFrom, Self.floorMinute(span.lowerBound))
            }
            plans.append(plan)
        }
        guard !plans.isEmpty else { return decision }

        let end = Self.ceilMinute(now)
        let queries =
            plans.enumerated().flatMap { index, plan in Self.queries(for: plan, index: index) } + Self.accountQueries
        let answer: MetricAnswer
        do {
            answer = try await read(queries, from: plans.map(\.readFrom).min()!, to: end)
        } catch {
            decision.needsListing.formUnion(plans.map(\.target.arn))
            decision.fallbackNote = .metricsFallback(error: "\(error)")
            return decision
        }
        for (index, plan) in plans.enumerated() where !decision.needsListing.contains(plan.target.arn) {
            let series = answer.series(of: index, since: plan.readFrom)
            if let starts = Self.clearedStarts(plan, series: series, window: window, now: now) {
                decision.startsInWindow[plan.target.arn] = starts
                if Self.previousProvenGood(plan, series: series) { decision.previousGood.insert(plan.target.arn) }
            } else {
                decision.needsListing.insert(plan.target.arn)
            }
        }
        let earliest = plans.map(\.from).min()!
        if !Self.accountFailuresExplained(answer, plans: plans, since: earliest) {
            // A failure that no machine's own series shows: its datapoints were lost, or it is an
            // Express machine's. Machines no job names could hide it, so they are listed.
            for plan in plans where plan.target.jobs.isEmpty {
                decision.startsInWindow[plan.target.arn] = nil
                decision.needsListing.insert(plan.target.arn)
            }
        }
        return decision
    }

    /// The account-level failure series (no dimensions): every machine of the Region publishes
    /// its failures there too.
    private static let accountQueries = failureMetrics.enumerated().map { offset, metric in
        Query(id: "a_\(offset)", metric: metric, arn: nil, stat: "Sum")
    }

    /// Whether every failure in the account-level series since `since` is one that a machine's
    /// own series shows, minute by minute. An account-level series that cannot be read explains nothing.
    private static func accountFailuresExplained(_ answer: MetricAnswer, plans: [MachineReads], since: Date) -> Bool {
        var unexplained: [Date: Double] = [:]
        for offset in failureMetrics.indices {
            guard let points = answer.points(of: "a_\(offset)") else { return false }
            for (minute, value) in points where minute >= since { unexplained[minute, default: 0] += value }
            for index in plans.indices {
                for (minute, value) in answer.points(of: queryId(index, failureMetrics[offset])) ?? [] {
                    unexplained[minute, default: 0] -= value
                }
            }
        }
        return unexplained.values.allSatisfy { $0 <= 0 }
    }

    /// One metric query: a metric of one machine at one-minute resolution. CloudWatch returns
    /// datapoints only for minutes that have data, so the answer is as small as the activity.
    struct Query: Sendable {
        var id: String
        var metric: String
        /// The machine; `nil` for the account-level series.
        var arn: String?
        var stat: String
    }

    /// What one machine's queries read, by metric; `nil` when the metric's answer could not be read.
    struct MachineSeries {
        var series: [String: [(Date, Double)]?]

        /// The datapoints of `metric` with a value above zero, oldest first; `nil` when unreadable.
        func positive(_ metric: String) -> [(Date, Double)]? {
            guard let points = series[metric] ?? nil else { return nil }
            return points.filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
        }
    }

    private static let startMetrics = ["ExecutionsStarted", "ExecutionsRedriven"]
    private static let failureMetrics = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"]
    private static let outcomeMetrics = ["ExecutionsSucceeded"] + failureMetrics
    private static let executionTime = "ExecutionTime"
    /// Every machine's series: counts summed per minute, and the longest run time.
    private static let machineMetrics =
        (startMetrics + outcomeMetrics).map { ($0, "Sum") } + [(executionTime, "Maximum")]

    /// The query Id of `metric` for the machine read `index`th (Ids start with a lowercase letter).
    private static func queryId(_ index: Int, _ metric: String) -> String {
        "m\(index)_\(machineMetrics.firstIndex { $0.0 == metric }!)"
    }

    /// Every machine's starts, outcomes and run times: a machine is cleared only when each start
    /// has its outcome, so every one of them is read, scheduled or not.
    private static func queries(for plan: MachineReads, index: Int) -> [Query] {
        machineMetrics.map { metric, stat in
            Query(id: queryId(index, metric), metric: metric, arn: plan.target.arn, stat: stat)
        }
    }

    /// The runs started in the window when the metrics prove `plan`'s machine has nothing to
    /// report, `nil` when it must be listed.
    private static func clearedStarts(
        _ plan: MachineReads, series: MachineSeries, window: CheckWindow, now: Date
    ) -> Int? {
        guard let starts = series.positive("ExecutionsStarted"), let redrives = series.positive("ExecutionsRedriven"),
            let times = series.positive(executionTime)
        else { return nil }
        var outcomes: [(Date, Double)] = []
        for metric in outcomeMetrics {
            guard let points = series.positive(metric) else { return nil }
            outcomes += points
            // A run of the window that failed did so after `from`; so did its redrive, if any.
            if failureMetrics.contains(metric), points.contains(where: { $0.0 >= plan.from }) { return nil }
        }
        // Every start (or redrive) read has its outcome, and every outcome read belongs to a run
        // started since then (or is a single outcome of an older run): nothing is still going, and
        // no outcome went missing, also of a run that started before the window and ended inside it.
        guard let ended = outcomesOfRunsStarted(since: plan.readFrom, outcomes: outcomes, times: times) else {
            return nil
        }
        let started = (starts + redrives).reduce(0) { $0 + $1.1 }
        guard started == ended else { return nil }

        if let job = plan.job {
            guard occurrencesStartedInTime(job, starts: starts, now: now) else { return nil }
            if let maxDuration = job.maxDuration {
                let longest = times.filter { $0.0 >= plan.from }.map(\.1).max() ?? 0
                guard longest <= maxDuration * 1000 else { return nil }
            }
        }
        return Int(starts.filter { $0.0 >= floorMinute(window.from) && $0.0 < window.to }.reduce(0) { $0 + $1.1 })
    }

    /// How many of the outcomes belong to runs that started at or after `since`: an outcome in
    /// minute `t` whose run took `d` started no earlier than `t - d`. A lone outcome of an older
    /// run is not counted; `nil` when an outcome has no run time, or when a minute holds several
    /// outcomes and one of them may be older.
    private static func outcomesOfRunsStarted(
        since: Date, outcomes: [(Date, Double)], times: [(Date, Double)]
    ) -> Double? {
        let longestByMinute = Dictionary(times.map { ($0.0, $0.1) }, uniquingKeysWith: max)
        var counted: Double = 0
        for (minute, count) in outcomes {
            guard let milliseconds = longestByMinute[minute] else { return nil }
            if floorMinute(minute.addingTimeInterval(-milliseconds / 1000)) >= since {
                counted += count
            } else if count != 1 {
                return nil
            }
        }
        return counted
    }

    /// Whether each occurrence of `job` that is due had exactly one run start inside its grace,
    /// as the start datapoints show. An occurrence with no start datapoint is never `missing`
    /// from metrics alone: it is left to listing.
    private static func occurrencesStartedInTime(_ job: JobExpectation, starts: [(Date, Double)], now: Date) -> Bool {
        guard starts.allSatisfy({ $0.1 == 1 }) else { return false }  // several runs in one minute
        let boundaries = job.occurrences + [job.nextOccurrence].compactMap { $0 }
        let minutes = starts.map(\.0)
        for (position, occurrence) in job.occurrences.enumerated() {
            let following = boundaries.count > position + 1 ? boundaries[position + 1] : nil
            let gap = following.map { $0.timeIntervalSince(occurrence) } ?? .infinity
            let tolerance = min(RunClassifier.earlyStartTolerance, gap / 2)
            let earliest = occurrence.addingTimeInterval(-tolerance)
            let latest = following?.addingTimeInterval(-tolerance) ?? .distantFuture
            // A minute that straddles either end of the occurrence's span cannot be attributed; only
            // the minute just before each end can (binary searches: N log N over a month of minutes).
            for end in [earliest, latest] {
                let before = minutes.firstIndex(notBefore: end) - 1
                if before >= 0, straddles(minutes[before], end) { return false }
            }
            let first = minutes.firstIndex(notBefore: earliest)
            guard first < minutes.count, minutes[first] < latest else {
                if job.deadline(of: occurrence) > now { continue }  // pending: listing would not report it either
                return false  // missing, or the metric is absent although the machine ran
            }
            guard minutes[first].addingTimeInterval(minute) <= occurrence.addingTimeInterval(job.startWithin) else {
                return false
            }
        }
        return true
    }

    /// Where a start proves the previous occurrence of `job` good: from its expected start to the
    /// first one in the window, each less its early-start tolerance; for a machine no job names,
    /// the day before the window. `nil` for a job with no occurrence in the window.
    private static func previousSpan(of target: CheckTarget, job: JobExpectation?, window: CheckWindow) -> Range<Date>?
    {
        guard let job else {
            return target.jobs.isEmpty ? window.from.addingTimeInterval(-86_400)..<window.from : nil
        }
        guard let first = job.occurrences.first, let previous = job.occurrence(before: first) else { return nil }
        let tolerance = min(RunClassifier.earlyStartTolerance, first.timeIntervalSince(previous) / 2)
        return previous.addingTimeInterval(-tolerance)..<first.addingTimeInterval(-tolerance)
    }

    /// Whether a cleared machine's series prove its previous occurrence (or last run before the
    /// window) good: a start inside `previousSpan`, and no failure at all since `readFrom`. The
    /// machine was cleared, so every start read has its outcome; with no failure among them, each
    /// succeeded. An absent datapoint proves nothing: without such a start, `ReadHistory` lists.
    private static func previousProvenGood(_ plan: MachineReads, series: MachineSeries) -> Bool {
        guard let span = plan.previousSpan, let starts = series.positive("ExecutionsStarted") else { return false }
        for metric in failureMetrics {
            guard let points = series.positive(metric), points.isEmpty else { return false }
        }
        return starts.contains { $0.0 >= span.lowerBound && $0.0.addingTimeInterval(minute) <= span.upperBound }
    }

    private static func straddles(_ bucket: Date, _ instant: Date) -> Bool {
        bucket < instant && bucket.addingTimeInterval(minute) > instant
    }

    /// The datapoints of every query by Id, and the Ids whose answer could not be read.
    struct MetricAnswer: Sendable {
        var points: [String: [(Date, Double)]] = [:]
        var unreadable: Set<String> = []

        /// One machine's series by metric name from `since` on (`nil` where unreadable or not answered).
        func series(of index: Int, since: Date) -> MachineSeries {
            var series: [String: [(Date, Double)]?] = [:]
            for (metric, _) in MetricsPrefilter.machineMetrics {
                series[metric] = points(of: MetricsPrefilter.queryId(index, metric))?.filter { $0.0 >= since }
            }
            return MachineSeries(series: series)
        }

        /// The datapoints of query `id`; `nil` when unreadable.
        func points(of id: String) -> [(Date, Double)]? {
            unreadable.contains(id) ? nil : points[id] ?? []
        }
    }

    /// Runs the queries in calls of at most `queriesPerCall` (at most `concurrency` at once),
    /// following NextToken. A query whose answer is missing, incomplete, or has a timestamp or
    /// value that cannot be read is marked unreadable (its machine is listed); an answer without
    /// a `GetMetricDataResult` throws.
    private func read(_ queries: [Query], from: Date, to: Date) async throws -> MetricAnswer {
        let answers = try await concurrentMap(queries.batches(of: Self.queriesPerCall), limit: concurrency) { batch in
            try await self.readCall(batch, from: from, to: to)
        }
        var answer = MetricAnswer()
        for part in answers {
            answer.points.merge(part.points) { $0 + $1 }
            answer.unreadable.formUnion(part.unreadable)
        }
        return answer
    }

    /// One GetMetricData call of at most `queriesPerCall` queries, with its pages.
    private func readCall(_ queries: ArraySlice<Query>, from: Date, to: Date) async throws -> MetricAnswer {
        let timestamps = ISO8601DateFormatter()
        var parameters: [(String, String)] = [
            ("StartTime", timestamps.string(from: from)), ("EndTime", timestamps.string(from: to)),
            ("ScanBy", "TimestampAscending"),
        ]
        for (offset, query) in queries.enumerated() {
            let prefix = "MetricDataQueries.member.\(offset + 1)"
            parameters += [
                ("\(prefix).Id", query.id),
                ("\(prefix).MetricStat.Metric.Namespace", "AWS/States"),
                ("\(prefix).MetricStat.Metric.MetricName", query.metric),
                ("\(prefix).MetricStat.Period", "60"),
                ("\(prefix).MetricStat.Stat", query.stat),
            ]
            if let arn = query.arn {
                parameters += [
                    ("\(prefix).MetricStat.Metric.Dimensions.member.1.Name", "StateMachineArn"),
                    ("\(prefix).MetricStat.Metric.Dimensions.member.1.Value", arn),
                ]
            }
        }
        var answer = MetricAnswer()
        var finalStatus: [String: String] = [:]
        let pages = client.queryPages(
            .cloudWatch, action: "GetMetricData", version: AlarmReader.version, parameters: parameters)
        for try await result in pages {
            for member in result.child("MetricDataResults")?.children("member") ?? [] {
                guard let id = member.text(at: "Id") else {
                    throw AWSError(
                        kind: .unreadableResponse, message: "a MetricDataResult without an <Id>",
                        service: "monitoring",
                        operation: "GetMetricData")
                }
                finalStatus[id] = member.text(at: "StatusCode") ?? "Complete"
                let times =
                    member.child("Timestamps")?.children("member").map { AlarmReader.parseTimestamp($0.text) } ?? []
                let values = member.child("Values")?.children("member").map { Double($0.text) } ?? []
                guard times.count == values.count, !times.contains(nil), !values.contains(nil) else {
                    answer.unreadable.insert(id)
                    continue
                }
                answer.points[id, default: []] += zip(times, values).map { ($0!, $1!) }
            }
        }
        for query in queries where finalStatus[query.id] != "Complete" {
            answer.unreadable.insert(query.id)  // never answered, cut short (PartialData), or an error status
        }
        return answer
    }

    static func floorMinute(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / minute).rounded(.down) * minute)
    }

    static func ceilMinute(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / minute).rounded(.up) * minute)
    }
}
