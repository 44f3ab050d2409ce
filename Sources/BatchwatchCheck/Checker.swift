import AWSClient
import BatchwatchConfig
import Foundation
import Logging
import ScheduleDiscovery
import Schedules

/// Runs a check: reads what ran and what fired in a window and compares it with the configuration.
///
/// It never gives a false all-clear: whatever could not be read becomes a `check_error` finding,
/// and the rest of the check still completes.
public struct Checker: Sendable {
    let configuration: BatchwatchConfiguration
    let client: AWSClient
    let stepFunctions: StepFunctionsReader
    let alarms: AlarmReader
    let region: String
    let logger: Logger

    public init(configuration: BatchwatchConfiguration, client: AWSClient, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.stepFunctions = StepFunctionsReader(client: client)
        self.alarms = AlarmReader(client: client)
        self.region = client.region
        self.logger = logger
    }

    /// A state machine to read, with the jobs that expect runs of it (none: unscheduled).
    struct Target: Sendable {
        var arn: String
        var name: String
        var isExpress: Bool
        var jobs: [JobExpectation]
    }

    /// What reading one state machine gave.
    struct MachineResult: Sendable {
        var outcome = RunClassifier.Outcome()
        var executionsRead = 0
    }

    /// Checks `window` as it stands at `now`.
    public func run(window: CheckWindow, now: Date) async -> CheckReport {
        var findings: [Finding] = []
        var notes: [String] = []
        var counts = CheckedCounts(jobs: configuration.jobs.count)

        // Alarms are read alongside the executions: nothing in one waits for the other.
        async let alarmResult = configuration.alarms.isEmpty ? ([], 0) : alarmFindings(window: window, now: now)
        let plan = await plan(window: window, now: now)
        let targets = plan.targets
        findings += plan.findings
        notes += plan.notes
        counts.skipped = plan.skipped.count
        notes += plan.skipped.map { "\($0.name): skipped, an Express state machine (ListExecutions does not serve Express executions)" }

        var toList = targets
        if configuration.metrics == .auto {
            let decision = await MetricsPrefilter(client: client).decide(targets, window: window, now: now)
            toList = targets.filter { $0.isExpress || decision.needsListing.contains($0.arn) }
            counts.executions += decision.startsInWindow.values.reduce(0, +)
            notes += [decision.fallbackNote].compactMap { $0 }
            logger.info("metrics cleared \(targets.count - toList.count) of \(targets.count) state machines")
        }
        let classifier = RunClassifier(window: window, now: now)
        let results = await concurrentMap(toList, limit: configuration.concurrency) { target in
            await read(target, classifier: classifier, window: window)
        }
        counts.stateMachines = targets.count
        for result in results {
            findings += result.outcome.findings
            notes += result.outcome.notes
            counts.executions += result.executionsRead
        }

        findings = await addFailureDetails(to: findings, now: now)
        let (alarmFindings, alarmCount) = await alarmResult
        findings += alarmFindings
        counts.alarms = alarmCount

        let kept = findings.filter { finding in
            finding.kind == .checkError || !configuration.ignore.contains {
                $0.matches(job: finding.job, error: finding.error, state: finding.state, cause: finding.cause)
                    || $0.matches(job: finding.job, error: finding.error, state: finding.state, cause: finding.message)
            }
        }
        counts.ignored = findings.count - kept.count
        return CheckReport(window: window, findings: kept, checked: counts, notes: notes)
    }

    /// Which machines to read and what each job expects; jobs that cannot be resolved become findings.
    private func plan(window: CheckWindow, now: Date) async -> Plan {
        var plan = Plan()
        let needsListing = configuration.includeUnscheduled || configuration.jobs.contains {
            if case .name = $0.stateMachine { return true } else { return false }
        }
        var listed: [StateMachineSummary]?
        if needsListing {
            do {
                listed = try await stepFunctions.stateMachines()
            } catch {
                plan.findings.append(Self.checkError(job: "state machines", at: now, error: error))
            }
        }

        var resolved: [(job: BatchwatchConfiguration.Job, machine: StateMachineSummary)] = []
        for job in configuration.jobs {
            switch job.stateMachine {
            case .arn(let arn):
                let known = listed?.first { $0.stateMachineArn == arn }
                resolved.append((job, known ?? StateMachineSummary(stateMachineArn: arn, name: job.stateMachine.name, type: "STANDARD")))
            case .name(let name):
                guard let listed else { continue }  // the listing error is already a finding
                guard let machine = listed.first(where: { $0.name == name }) else {
                    plan.findings.append(
                        Finding(kind: .checkError, job: job.name, at: now, error: "StateMachineDoesNotExist", cause: "no state machine named '\(name)' in \(region)")
                    )
                    continue
                }
                resolved.append((job, machine))
            }
        }

        let discovered = await discoverSchedules(of: resolved, now: now, plan: &plan)
        for (job, machine) in resolved {
            let expectations: [JobExpectation]
            switch job.schedule {
            case .expression(let schedule):
                let zone = configuration.timeZone(for: job)
                expectations = [
                    JobExpectation(
                        name: job.name, occurrences: schedule.occurrences(from: window.from, to: window.to, in: zone),
                        nextOccurrence: schedule.nextOccurrences(after: window.to.addingTimeInterval(-0.001), count: 1, in: zone).first,
                        startWithin: job.startWithin, maxDuration: job.maxDuration
                    )
                ]
                warnOfDrift(job: job, schedule: schedule, discovered: discovered?[machine.stateMachineArn] ?? [], now: now, plan: &plan)
            case .auto:
                // Schedules that could not be read are already a check_error.
                let schedules = discovered?[machine.stateMachineArn] ?? []
                expectations = discovered == nil ? [] : autoExpectations(job: job, machine: machine, schedules: schedules, window: window, plan: &plan)
            }
            // A job with no expected start still owns its machine's runs: their failures and
            // `max_duration` are reported under its name.
            let owner = JobExpectation(name: job.name, occurrences: [], nextOccurrence: nil, startWithin: job.startWithin, maxDuration: job.maxDuration)
            plan.add(machine, jobs: expectations.isEmpty ? [owner] : expectations)
        }
        if configuration.includeUnscheduled, let listed {
            for machine in listed where !plan.targets.contains(where: { $0.arn == machine.stateMachineArn }) {
                if machine.isExpress { plan.skipped.append(machine) } else { plan.add(machine, jobs: []) }
            }
        }
        return plan
    }

    /// The machines to read, the findings and notes of planning, and the Express machines skipped.
    struct Plan {
        var targets: [Target] = []
        var findings: [Finding] = []
        var notes: [String] = []
        var skipped: [StateMachineSummary] = []

        mutating func add(_ machine: StateMachineSummary, jobs: [JobExpectation]) {
            if let index = targets.firstIndex(where: { $0.arn == machine.stateMachineArn }) {
                targets[index].jobs += jobs
            } else {
                targets.append(Target(arn: machine.stateMachineArn, name: machine.name, isExpress: machine.isExpress, jobs: jobs))
            }
        }
    }

    /// The schedules AWS holds for the jobs' machines, read once for all of them: what `schedule: auto`
    /// checks, and what an explicit schedule is compared with. `nil` when they could not be read.
    private func discoverSchedules(
        of resolved: [(job: BatchwatchConfiguration.Job, machine: StateMachineSummary)], now: Date, plan: inout Plan
    ) async -> [String: [DiscoveredSchedule]]? {
        let arns = Array(Set(resolved.map(\.machine.stateMachineArn))).sorted()
        guard !arns.isEmpty else { return [:] }
        do {
            return try await ScheduleDiscoverer(client: client, concurrency: configuration.concurrency).schedules(forStateMachineArns: arns)
        } catch {
            for (job, _) in resolved where job.schedule == .auto {
                plan.findings.append(Self.checkError(job: job.name, at: now, error: error))
            }
            if resolved.contains(where: { $0.job.schedule != .auto }) {
                plan.notes.append("the schedules in AWS could not be read, so configured schedules were not compared with them (\(error))")
            }
            return nil
        }
    }

    /// One expectation per enabled schedule that starts the machine; disabled ones are noted once.
    private func autoExpectations(
        job: BatchwatchConfiguration.Job, machine: StateMachineSummary, schedules: [DiscoveredSchedule], window: CheckWindow,
        plan: inout Plan
    ) -> [JobExpectation] {
        let local = LocalTime(zone: window.timeZone)
        if schedules.isEmpty {
            plan.notes.append("\(job.name): schedule: auto, but no EventBridge rule or Scheduler schedule starts \(machine.name)")
        }
        return schedules.compactMap { discovered in
            guard discovered.isEnabled else {
                let since = discovered.lastModified.map { " since \(local.dayAndMinute($0))" } ?? ""
                plan.notes.append("\(job.name): its schedule (\(discovered.source)) is \(discovered.state)\(since)")
                return nil
            }
            guard discovered.schedule != nil else {
                plan.notes.append("\(job.name): \(discovered.source) is not checked: \(discovered.unusableReason ?? "its expression cannot be read")")
                return nil
            }
            let next = discovered.occurrences(from: window.to, to: window.to.addingTimeInterval(2 * 86_400)).first
                ?? discovered.occurrences(from: window.to, to: window.to.addingTimeInterval(400 * 86_400)).first
            return JobExpectation(
                name: job.name, occurrences: discovered.occurrences(from: window.from, to: window.to), nextOccurrence: next,
                startWithin: discovered.startWithin(base: job.startWithin), maxDuration: job.maxDuration
            )
        }
    }

    /// Notes when AWS starts the machine on other times than the configured schedule says.
    private func warnOfDrift(job: BatchwatchConfiguration.Job, schedule: Schedule, discovered: [DiscoveredSchedule], now: Date, plan: inout Plan) {
        guard !discovered.isEmpty else { return }  // started some other way: nothing to compare with
        let zone = configuration.timeZone(for: job)
        if let drift = ScheduleDrift.compare(configured: schedule, timeZone: zone, discovered: discovered, from: now) {
            plan.notes.append("\(job.name): the configured schedule differs from AWS's: \(drift.summary(in: zone))")
        }
    }

    /// Lists one machine's executions back to the earliest instant that matters and classifies them.
    private func read(
        _ target: Target, classifier: RunClassifier, window: CheckWindow
    ) async -> MachineResult {
        var result = MachineResult()
        let owners = target.jobs.isEmpty ? [target.name] : target.jobs.map(\.name)
        if target.isExpress {
            result.outcome.findings = owners.map {
                Finding(kind: .checkError, job: $0, at: classifier.now, error: "ExpressStateMachine", cause: "\(target.name) is an Express state machine: ListExecutions cannot read its runs")
            }
            return result
        }
        let longest = target.jobs.compactMap(\.maxDuration).max() ?? 0
        let notBefore = window.from.addingTimeInterval(-longest - RunClassifier.earlyStartTolerance)
        do {
            let executions = try await stepFunctions.executions(of: target.arn, notBefore: notBefore)
            logger.debug("read \(executions.count) executions", metadata: ["stateMachine": "\(target.name)"])
            result.executionsRead = executions.count
            result.outcome = classifier.classify(executions: executions, jobs: target.jobs, machineName: target.name)
        } catch {
            result.outcome.findings = owners.map { Self.checkError(job: $0, at: classifier.now, error: error) }
        }
        return result
    }

    /// Reads the history of each failed, timed-out or aborted run for its failing state, error and cause.
    private func addFailureDetails(to findings: [Finding], now: Date) async -> [Finding] {
        let region = self.region
        let detailed = await concurrentMap(findings, limit: configuration.concurrency) { finding -> [Finding] in
            var finding = finding
            finding.url = finding.executionArn.map { Self.consoleURL(executionArn: $0, region: region) }
            guard [.failed, .timedOut, .aborted].contains(finding.kind), let arn = finding.executionArn else { return [finding] }
            do {
                let details = try await stepFunctions.failureDetails(of: arn)
                finding.state = details.state
                finding.error = details.error
                finding.cause = details.cause
                finding.message = details.cause.flatMap(Finding.message(fromCause:))
                finding.at = details.stoppedAt ?? finding.at
                if details.isMapRunFailure {
                    finding.detail = "Map Run failed"
                    if let mapRunArn = details.mapRunArn {
                        let failedItems = try await stepFunctions.failedItemCount(ofMapRun: mapRunArn)
                        finding.detail = "Map Run failed: \(failedItems) item\(failedItems == 1 ? "" : "s") failed"
                    }
                }
                return [finding]
            } catch {
                return [finding, Self.checkError(job: finding.job, at: now, error: error)]
            }
        }
        return detailed.flatMap { $0 }
    }

    /// Alarm transitions into ALARM inside the window, each saying whether it was back to OK by the end.
    private func alarmFindings(window: CheckWindow, now: Date) async -> ([Finding], Int) {
        do {
            let names = try await alarms.alarmNames(names: configuration.alarms.names, prefixes: configuration.alarms.prefixes)
            let selected = Set(names)
            let transitions = try await alarms.transitions(from: window.from, to: window.to, of: selected)
                .filter { $0.timestamp >= window.from && $0.timestamp < window.to }
            let local = LocalTime(zone: window.timeZone)
            let findings = transitions.enumerated().compactMap { index, transition -> Finding? in
                guard transition.newState == .alarm else { return nil }
                let next = transitions[(index + 1)...].first { $0.alarmName == transition.alarmName && $0.newState != .alarm }
                let detail = next.map { $0.newState == .ok ? "back to OK at \(local.minute($0.timestamp))" : "\($0.newState.rawValue) at \(local.minute($0.timestamp))" }
                return Finding(
                    kind: .alarm, job: transition.alarmName, at: transition.timestamp, cause: transition.reason,
                    detail: detail ?? "still in ALARM at the end of the window"
                )
            }
            let absent = configuration.alarms.names.filter { !selected.contains($0) }.map { name in
                Finding(kind: .checkError, job: name, at: now, error: "AlarmNotFound", cause: "no alarm named '\(name)' in \(region) (alarms.names)")
            }
            return (findings + absent, names.count)
        } catch {
            return ([Self.checkError(job: "alarms", at: now, error: error)], 0)
        }
    }

    /// A `check_error` finding that names the job and the API that failed.
    static func checkError(job: String, at: Date, error: any Error) -> Finding {
        let awsError = error as? AWSError
        return Finding(kind: .checkError, job: job, at: at, error: awsError?.code ?? awsError?.kind.rawValue ?? "Error", cause: "\(error)")
    }

    /// The Step Functions console page of an execution.
    public static func consoleURL(executionArn: String, region: String) -> String {
        let host = region.hasPrefix("cn-") ? "console.amazonaws.cn" : "console.aws.amazon.com"
        return "https://\(host)/states/home?region=\(region)#/v2/executions/details/\(executionArn)"
    }
}
