import AWSClient
import BatchwatchConfig
import Foundation
import Logging
import ScheduleDiscovery

/// Runs a check: reads what ran and what fired in a window and compares it with the configuration.
///
/// The check is a pipeline of named steps, each in `Pipeline/` with its own input and output:
/// resolve targets → read schedules (for `schedule: auto`) → expect occurrences → prefilter by
/// metrics → read runs (and classify them) → read history (streaks, recoveries) → explain problems by AWS's schedules → enrich
/// findings → filter ignored; alarms are read alongside. It never gives a
/// false all-clear: whatever could not be read becomes a `check_error` finding, and the rest of
/// the check still completes.
public struct Checker: Sendable {
    let configuration: BatchwatchConfiguration
    let client: AWSClient
    let logger: Logger
    /// The account this check reads, when it is known: ignore rules may name it by id or name.
    var account: (id: String, name: String)?
    /// Whether the report carries the timeline (`--format html`, `report_dir`): then every
    /// machine's executions are listed, also where metrics would have cleared it, because the
    /// picture needs the runs. That costs one ListExecutions (or more, by pages) per machine,
    /// and GetMetricData is not called.
    public var collectsTimeline = false

    public init(configuration: BatchwatchConfiguration, client: AWSClient, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// Checks `window` as it stands at `now`.
    public func run(window: CheckWindow, now: Date) async -> CheckReport {
        let stepFunctions = StepFunctionsReader(client: client)
        let concurrency = configuration.concurrency
        var report = StepReport()
        var counts = CheckedCounts(jobs: configuration.jobs.count)

        async let alarms = ReadAlarms(
            alarms: AlarmReader(client: client), selection: configuration.alarms, region: client.region
        )
        .run(window: window, now: now)

        let resolved = await ResolveTargets(
            configuration: configuration, stepFunctions: stepFunctions, region: client.region
        )
        .run(now: now)
        report += resolved.report
        counts.skipped = resolved.skipped.count

        // AWS's schedules are read up front only for `schedule: auto` (then for every job's machine, at
        // no extra cost but GetSchedule, so that explanations reuse them); otherwise only when a
        // missing or late start needs explaining.
        let readSchedules = ReadSchedules(client: client, concurrency: concurrency)
        var schedules: [String: [DiscoveredSchedule]]?
        let autoJobs = resolved.jobs.filter { $0.job.schedule == .auto }
        if !autoJobs.isEmpty {
            let read = await readSchedules.run(jobs: resolved.jobs, now: now)
            schedules = read.schedules
            if let error = read.error {
                report.findings += autoJobs.map { .checkError(job: $0.job.name, at: now, error: error) }
            }
        }

        let expected = ExpectOccurrences(configuration: configuration, window: window).run(
            resolved: resolved, schedules: schedules)
        report += expected.report
        counts.stateMachines = expected.targets.count

        var toList = expected.targets
        var metricsDecision: MetricsPrefilter.Decision?
        if configuration.metrics == .auto && !collectsTimeline {
            let decision = await MetricsPrefilter(client: client, concurrency: concurrency).decide(
                expected.targets, window: window, now: now)
            metricsDecision = decision
            toList = expected.targets.filter { decision.needsListing.contains($0.arn) }
            counts.executions += decision.startsInWindow.values.reduce(0, +)
            report.notes += [decision.fallbackNote].compactMap { $0 }
            logger.info(
                "metrics cleared \(expected.targets.count - toList.count) of \(expected.targets.count) state machines")
        }

        let runs = await ReadRuns(
            stepFunctions: stepFunctions, classifier: RunClassifier(window: window, now: now), concurrency: concurrency,
            logger: logger
        ).run(toList)
        report += runs.report
        counts.executions += runs.executionsRead

        let history = await ReadHistory(
            stepFunctions: stepFunctions, window: window, now: now, concurrency: concurrency
        )
        .run(
            report.findings, targets: expected.targets, listings: runs.listings,
            previousGood: metricsDecision?.previousGood ?? [],
            startsInWindow: metricsDecision?.startsInWindow ?? [:])
        report.findings = history.findings
        report += history.report

        let explained = await ExplainProblems(configuration: configuration, readSchedules: readSchedules)
            .run(report.findings, jobs: resolved.jobs, schedules: schedules, now: now)
        report.notes += explained.notes

        var findings = await EnrichFindings(
            stepFunctions: stepFunctions, region: client.region, concurrency: concurrency
        )
        .run(explained.findings, now: now)
        let alarmOutput = await alarms
        findings += alarmOutput.report.findings
        counts.alarms = alarmOutput.count

        let filtered = FilterIgnored(
            rules: configuration.ignore, now: now, region: client.region,
            accounts: FilterIgnored.accounts(of: expected.targets),
            account: account
        ).run(findings)
        counts.ignored = filtered.ignored
        var checked = CheckReport(
            window: window, findings: filtered.kept, checked: counts, notes: report.notes + filtered.notes,
            recoveries: history.recoveries, language: configuration.language)
        if collectsTimeline {
            checked.timeline = TimelineData.collect(
                targets: expected.targets, listings: runs.listings, window: window, now: now, region: client.region)
        }
        return checked
    }

    /// The Step Functions console page of an execution.
    public static func consoleURL(executionArn: String, region: String) -> String {
        let host = region.hasPrefix("cn-") ? "console.amazonaws.cn" : "console.aws.amazon.com"
        return "https://\(host)/states/home?region=\(region)#/v2/executions/details/\(executionArn)"
    }
}

extension Finding {
    /// A `check_error` finding that names the job and the API that failed.
    static func checkError(job: String, subject: FindingSubject = .job, at: Date, error: any Error) -> Finding {
        let awsError = error as? AWSError
        var finding = Finding(
            kind: .checkError, job: job, at: at, error: awsError?.code ?? awsError?.kind.rawValue ?? "Error",
            cause: "\(error)")
        finding.subject = subject
        return finding
    }

    /// A `check_error` finding about a read that covers several things at once.
    static func checkError(of read: FindingSubject.WholeRead, at: Date, error: any Error) -> Finding {
        checkError(job: read.rawValue, subject: .read(read), at: at, error: error)
    }
}
