import AWSClient
import ArgumentParser
import BatchwatchCheck
import BatchwatchConfig
import BatchwatchDelivery
import Foundation
import Logging

/// `batchwatch check`: compare what ran with what was expected, print the digest, deliver it.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a window of executions and alarms, print the digest and deliver it.",
        discussion: """
            Exit status: 0 all clear, 1 problems found, 2 usage or configuration error, 3 incomplete or undelivered \
            (also when stopped by SIGTERM or SIGINT before the digest was delivered: it is printed and left in the spool).
            """
    )

    /// What stdout carries.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, slack, sns
    }

    @OptionGroup var options: ConfigOptions

    @Option(help: "The calendar day YYYY-MM-DD in the configuration's timezone.")
    var date: String?

    @Option(help: "Window start, an ISO 8601 instant with offset (with --to).")
    var from: String?

    @Option(help: "Window end, an ISO 8601 instant with offset (with --from).")
    var to: String?

    @Option(help: "What to print: text, json, markdown, slack or sns (the payload that would be posted).")
    var format: Format = .text

    @Flag(help: "Check and print, but post nothing and record nothing.")
    var dryRun = false

    @Flag(help: "Post even if a target already accepted this window's digest.")
    var force = false

    @Option(help: "Take this instant as now (ISO 8601 with offset), for ad hoc runs and tests.")
    var now: String?

    /// The run's deadline, in seconds from its start: no AWS call of the check starts after it
    /// less the delivery's reserve, and no delivery attempt after it.
    @Option(help: .hidden)
    var deadlineSeconds: Double = 900

    /// The end of the run kept for delivery (3 minutes, at most half the run): the check's AWS
    /// calls stop this long before the deadline.
    var deliveryReserveSeconds: Double { min(180, deadlineSeconds / 2) }

    /// For tests only: the first delivery retry's backoff, in seconds (default 1, doubling).
    @Option(help: .hidden)
    var deliveryBackoffSeconds: Double?

    func validate() throws {
        if date != nil && (from != nil || to != nil) {
            throw ValidationError("--date cannot be combined with --from/--to")
        }
        if (from == nil) != (to == nil) {
            throw ValidationError("--from and --to go together")
        }
    }

    var windowSelection: WindowSelection {
        if let date { return .date(date) }
        if let from, let to { return .range(from: from, to: to) }
        return .lastDay
    }

    func run() async throws {
        let stopSignals = StopSignals()
        let environment = ProcessInfo.processInfo.environment
        let configuration = try options.load(environment: environment)
        let logger = Logger(label: "batchwatch")
        let startedAt = Date()
        let instant: Date
        let window: CheckWindow
        let client: AWSClient
        do {
            instant = try now.map { try WindowSelection.instant($0, option: "--now") } ?? startedAt
            window = try windowSelection.resolve(now: instant, timeZone: configuration.timeZone)
            client = try AWSClient.make(
                environment: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory(),
                configRegion: configuration.region ?? configuration.regions.first,
                deadline: startedAt.addingTimeInterval(deadlineSeconds - deliveryReserveSeconds), logger: logger
            )
        } catch {
            printError("batchwatch: \(error)")
            throw ExitCode(ExitStatus.usageOrConfiguration.rawValue)
        }

        var report = await AccountsChecker(configuration: configuration, client: client, logger: logger).run(
            window: window, now: instant)
        let deliverer = Deliverer(
            settings: configuration.notify, stateDirectory: configuration.stateDirectory(environment: environment),
            awsClient: client, logger: logger,
            retryPolicy: deliveryBackoffSeconds.map { RetryPolicy.delivery(baseDelay: $0) } ?? .delivery(),
            deadline: startedAt.addingTimeInterval(deadlineSeconds)
        )
        if !dryRun {
            stopSignals.checked { [self, report] outcomes in
                render(
                    Self.interrupted(report, outcomes: outcomes, notify: configuration.notify),
                    notify: configuration.notify)
            }
            report.delivery = await deliverer.deliver(report, force: force, progress: stopSignals.delivered)
        }
        let status = ExitStatus(report: report)
        stopSignals.finish(printing: render(report, notify: configuration.notify), status: status)
        if !dryRun {
            await RunMetrics.publish(
                report, configuration: configuration, duration: Date().timeIntervalSince(startedAt), client: client,
                logger: logger)
            await deliverer.heartbeat(exitStatus: status)
        }
        throw ExitCode(status.rawValue)
    }

    /// `report` as a run stopped during delivery prints it: `outcomes` so far, and every other
    /// configured target that was due marked as not delivered.
    static func interrupted(_ report: CheckReport, outcomes: [DeliveryOutcome], notify: NotifySettings) -> CheckReport {
        var report = report
        let configured = [notify.slack.map { _ in "slack" }, notify.sns.map { _ in "sns" }].compactMap { $0 }
        let due = Deliverer.isDue(report, when: notify.when)
        report.delivery = configured.compactMap { target in
            outcomes.first { $0.target == target } ?? (due ? DeliveryOutcome(target: target, ok: false) : nil)
        }
        return report
    }

    func render(_ report: CheckReport, notify: NotifySettings) -> String {
        switch format {
        case .text: Digest(report: report).text()
        case .markdown: Digest(report: report).markdown()
        case .json: String(decoding: report.jsonDocument(), as: UTF8.self)
        case .slack: Deliverer.payload(for: report, format: .slack, settings: notify)
        case .sns: Deliverer.payload(for: report, format: .sns, settings: notify)
        }
    }
}
