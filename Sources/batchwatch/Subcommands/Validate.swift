import AWSClient
import ArgumentParser
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Logging

/// `batchwatch validate`: parse and lint the configuration and print a summary; touches no AWS,
/// unless `--against-aws` compares every written schedule with AWS's own.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check the configuration and show each job's next expected starts. No AWS calls unless --against-aws.",
        discussion: """
            With --against-aws, also compares each job's written schedule with the EventBridge rules and \
            Scheduler schedules that start its state machine over the next 14 days, and prints every \
            difference (exit 0; 3 when AWS could not be read).
            """
    )

    /// No AWS call starts after this many seconds (`--against-aws`).
    static let deadlineSeconds: TimeInterval = 600

    @OptionGroup var options: ConfigOptions

    @Flag(
        name: .customLong("against-aws"),
        help: "Compare every written schedule with what AWS starts (read-only AWS calls).")
    var againstAWS = false

    func run() async throws {
        let configuration = try options.load(environment: ProcessInfo.processInfo.environment)
        let now = Date()
        print(ValidationSummary.render(configuration, now: now))
        // Warnings are in the summary and on stderr; they do not change the exit status.
        for warning in ValidationSummary.warnings(configuration, now: now) {
            printError("batchwatch: warning: \(warning)")
        }
        if againstAWS {
            try await compareWithAWS(configuration, now: now)
        }
    }

    /// Prints each written schedule's comparison with AWS; exit 3 when AWS could not be read.
    private func compareWithAWS(_ configuration: BatchwatchConfiguration, now: Date) async throws {
        let environment = ProcessInfo.processInfo.environment
        let client: AWSClient
        do {
            client = try AWSClient.make(
                environment: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory(),
                configRegion: configuration.region, deadline: now.addingTimeInterval(Self.deadlineSeconds),
                logger: Logger(label: "batchwatch"))
        } catch {
            printError("batchwatch: \(error)")
            throw ExitCode(ExitStatus.usageOrConfiguration.rawValue)
        }
        let comparison = ScheduleComparison(
            configuration: configuration, client: client, logger: Logger(label: "batchwatch"))
        let (lines, errors) = await comparison.run(now: now)
        print(
            "\nAgainst AWS (\(comparison.readsSeveralPlaces ? "every account and Region" : client.region)), the next 14 days:"
        )
        for line in lines { print("  \(line)") }
        for error in errors { printError("batchwatch: \(error)") }
        if !errors.isEmpty { throw ExitCode(ExitStatus.incomplete.rawValue) }
    }
}
