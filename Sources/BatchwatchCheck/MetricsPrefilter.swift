import AWSClient
import Foundation

/// Decides from the `AWS/States` metrics (GetMetricData) which state machines must have their
/// executions listed. Metrics may only prove that nothing is wrong; whatever they cannot prove
/// — a failure, a late or absent start, several runs in one minute, a run still going, data past
/// the one-minute retention — is left to listing, so the findings are the same in both modes.
struct MetricsPrefilter: Sendable {
    /// CloudWatch answers at most this many metric queries per GetMetricData call.
    static let queriesPerCall = 500
    /// One-minute datapoints are kept this long.
    static let oneMinuteRetention: TimeInterval = 15 * 86_400
    static let minute: TimeInterval = 60

    let client: AWSClient

    /// What the metrics settled.
    struct Decision: Sendable {
        /// ARNs of the machines that need ListExecutions.
        var needsListing: Set<String>
        /// Runs started in the window of the machines the metrics cleared, by ARN.
        var startsInWindow: [String: Int] = [:]
        /// Set when GetMetricData could not be read and every machine is listed instead.
        var fallbackNote: String?
    }

    /// The metric reads for one machine and what they must show for it to be cleared.
    private struct Plan {
        var target: Checker.Target
        /// Failures count from here; starts, completions and run times are read from `startsFrom`.
        var from: Date
        var startsFrom: Date
        var job: JobExpectation?
    }

    func decide(_ targets: [Checker.Target], window: CheckWindow, now: Date) async -> Decision {
        var plans: [Plan] = []
        var decision = Decision(needsListing: [])
        for target in targets where !target.isExpress {
            guard target.jobs.count <= 1 else {  // several jobs on one machine: who ran for whom is listing's call
                decision.needsListing.insert(target.arn)
                continue
            }
            let job = target.jobs.first
            let longest = job?.maxDuration ?? 0
            let from = Self.floorMinute(window.from.addingTimeInterval(-longest - RunClassifier.earlyStartTolerance))
            // With a limit, starts are read back far enough to find a quiet stretch before `from`.
            let startsFrom = Self.floorMinute(from.addingTimeInterval(-2 * (longest + Self.minute)))
            guard now.timeIntervalSince(startsFrom) < Self.oneMinuteRetention else {
                decision.needsListing.insert(target.arn)
                continue
            }
            plans.append(Plan(target: target, from: from, startsFrom: startsFrom, job: job))
        }
        guard !plans.isEmpty else { return decision }

        let end = Self.ceilMinute(now)
        let queries = plans.enumerated().flatMap { index, plan in Self.queries(for: plan, index: index) }
        let results: [String: [(Date, Double)]]
        do {
            results = try await read(queries, from: plans.map(\.startsFrom).min()!, to: end)
        } catch {
            decision.needsListing.formUnion(plans.map(\.target.arn))
            decision.fallbackNote = "AWS/States metrics could not be read, so every state machine was listed instead (\(error))"
            return decision
        }
        for (index, plan) in plans.enumerated() {
            if let starts = Self.clearedStarts(plan, index: index, results: results, window: window, now: now) {
                decision.startsInWindow[plan.target.arn] = starts
            } else {
                decision.needsListing.insert(plan.target.arn)
            }
        }
        return decision
    }

    /// One metric query: a metric of one machine at one-minute resolution. CloudWatch returns
    /// datapoints only for minutes that have data, so the answer is as small as the activity.
    struct Query: Sendable {
        var id: String
        var metric: String
        var arn: String
        var stat: String
    }

    private static let failureMetrics = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"]

    private static func queries(for plan: Plan, index: Int) -> [Query] {
        let arn = plan.target.arn
        var queries = failureMetrics.enumerated().map { offset, metric in
            Query(id: "m\(index)_f\(offset)", metric: metric, arn: arn, stat: "Sum")
        }
        guard let job = plan.job else { return queries }
        queries.append(Query(id: "m\(index)_s", metric: "ExecutionsStarted", arn: arn, stat: "Sum"))
        if job.maxDuration != nil {
            queries.append(Query(id: "m\(index)_c", metric: "ExecutionsSucceeded", arn: arn, stat: "Sum"))
            queries.append(Query(id: "m\(index)_t", metric: "ExecutionTime", arn: arn, stat: "Maximum"))
        }
        return queries
    }

    /// The runs started in the window when the metrics prove `plan`'s machine has nothing to
    /// report, `nil` when it must be listed.
    private static func clearedStarts(
        _ plan: Plan, index: Int, results: [String: [(Date, Double)]], window: CheckWindow, now: Date
    ) -> Int? {
        // A run of the window that failed did so after `from`; so did its redrive, if any.
        let failures = (0..<failureMetrics.count).flatMap { results["m\(index)_f\($0)"] ?? [] }.filter { $0.0 >= plan.from }
        guard failures.allSatisfy({ $0.1 == 0 }) else { return nil }
        guard let job = plan.job else { return 0 }

        let buckets = (results["m\(index)_s"] ?? []).filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
        guard buckets.allSatisfy({ $0.1 == 1 }) else { return nil }  // several runs in one minute
        let boundaries = job.occurrences + [job.nextOccurrence].compactMap { $0 }
        for (position, occurrence) in job.occurrences.enumerated() {
            let following = boundaries.count > position + 1 ? boundaries[position + 1] : nil
            let gap = following.map { $0.timeIntervalSince(occurrence) } ?? .infinity
            let tolerance = min(RunClassifier.earlyStartTolerance, gap / 2)
            let earliest = occurrence.addingTimeInterval(-tolerance)
            let latest = following?.addingTimeInterval(-tolerance) ?? .distantFuture
            // A minute that straddles either end of the occurrence's span cannot be attributed.
            if buckets.contains(where: { straddles($0.0, earliest) || straddles($0.0, latest) }) { return nil }
            guard let first = buckets.first(where: { $0.0 >= earliest && $0.0 < latest }) else {
                if job.deadline(of: occurrence) > now { continue }  // pending: listing would not report it either
                return nil  // missing, or the metric is absent although the machine ran
            }
            guard first.0.addingTimeInterval(minute) <= occurrence.addingTimeInterval(job.startWithin) else { return nil }
        }

        if let maxDuration = job.maxDuration {
            // No run may still be going, and none may have taken longer than the limit. Take the latest
            // instant `quiet` at or before `from` with no start in the `maxDuration` (and a minute)
            // before it: a run that completed since `quiet` within the limit started after it, so if
            // every start since `quiet` has a completion and the longest completion is inside the
            // limit, nothing is still running.
            let reach = maxDuration + minute
            let earlierStarts = buckets.map(\.0).filter { $0 < plan.from }
            let quiet = ([plan.from] + earlierStarts.reversed()).first { candidate in
                candidate.addingTimeInterval(-reach) >= plan.startsFrom
                    && !earlierStarts.contains { $0 < candidate && $0 > candidate.addingTimeInterval(-reach) }
            }
            guard let quiet else { return nil }
            let completionIds = ["m\(index)_c"] + (0..<failureMetrics.count).map { "m\(index)_f\($0)" }
            let completions = completionIds.flatMap { results[$0] ?? [] }.filter { $0.0 >= quiet }.reduce(0) { $0 + Int($1.1) }
            let startsSinceQuiet = buckets.filter { $0.0 >= quiet }.count
            let longest = (results["m\(index)_t"] ?? []).filter { $0.0 >= quiet }.map(\.1).max() ?? 0
            guard completions == startsSinceQuiet, longest <= maxDuration * 1000 else { return nil }
        }
        return buckets.filter { $0.0 >= floorMinute(window.from) && $0.0 < window.to }.count
    }

    private static func straddles(_ bucket: Date, _ instant: Date) -> Bool {
        bucket < instant && bucket.addingTimeInterval(minute) > instant
    }

    /// Runs the queries in calls of at most `queriesPerCall`, following NextToken.
    private func read(_ queries: [Query], from: Date, to: Date) async throws -> [String: [(Date, Double)]] {
        let timestamps = ISO8601DateFormatter()
        var results: [String: [(Date, Double)]] = [:]
        for start in stride(from: 0, to: queries.count, by: Self.queriesPerCall) {
            let chunk = queries[start..<min(start + Self.queriesPerCall, queries.count)]
            var token: String?
            repeat {
                var parameters: [(String, String)] = [
                    ("StartTime", timestamps.string(from: from)), ("EndTime", timestamps.string(from: to)),
                    ("ScanBy", "TimestampAscending"),
                ]
                for (offset, query) in chunk.enumerated() {
                    let prefix = "MetricDataQueries.member.\(offset + 1)"
                    parameters += [
                        ("\(prefix).Id", query.id),
                        ("\(prefix).MetricStat.Metric.Namespace", "AWS/States"),
                        ("\(prefix).MetricStat.Metric.MetricName", query.metric),
                        ("\(prefix).MetricStat.Metric.Dimensions.member.1.Name", "StateMachineArn"),
                        ("\(prefix).MetricStat.Metric.Dimensions.member.1.Value", query.arn),
                        ("\(prefix).MetricStat.Period", "60"),
                        ("\(prefix).MetricStat.Stat", query.stat),
                    ]
                }
                if let token { parameters.append(("NextToken", token)) }
                let response = try await client.query(.cloudWatch, action: "GetMetricData", version: AlarmReader.version, parameters: parameters)
                guard let result = response.child("GetMetricDataResult") else {
                    throw AWSError(kind: .unreadableResponse, message: "no <GetMetricDataResult> in the response", service: "monitoring", operation: "GetMetricData")
                }
                for member in result.child("MetricDataResults")?.children("member") ?? [] {
                    guard let id = member.text(at: "Id") else { continue }
                    let times = member.child("Timestamps")?.children("member").compactMap { AlarmReader.parseTimestamp($0.text) } ?? []
                    let values = member.child("Values")?.children("member").compactMap { Double($0.text) } ?? []
                    results[id, default: []] += zip(times, values).map { ($0, $1) }
                }
                token = result.text(at: "NextToken").flatMap { $0.isEmpty ? nil : $0 }
            } while token != nil
        }
        return results
    }

    static func floorMinute(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / minute).rounded(.down) * minute)
    }

    static func ceilMinute(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / minute).rounded(.up) * minute)
    }
}
