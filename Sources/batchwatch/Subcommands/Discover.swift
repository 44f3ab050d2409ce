import AWSClient
import ArgumentParser
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Logging
import ScheduleDiscovery

/// `batchwatch discover`: list state machines and the schedules that start them.
struct Discover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List state machines and the schedules that start them, and print a config skeleton.",
        discussion: """
            The configuration is optional here: without one, crons are written in UTC and the region comes \
            from AWS_REGION, AWS_DEFAULT_REGION or the profile. The YAML goes to stdout, a table to stderr.
            """
    )

    /// No AWS call starts after this many seconds.
    static let deadlineSeconds: TimeInterval = 600

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try configurationIfAny(environment: environment)
        let logger = Logger(label: "batchwatch")
        let startedAt = Date()
        let client: AWSClient
        do {
            client = try AWSClient.make(
                environment: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory(),
                configRegion: configuration?.region, deadline: startedAt.addingTimeInterval(Self.deadlineSeconds),
                logger: logger)
        } catch {
            printError("batchwatch: \(error)")
            throw ExitCode(ExitStatus.usageOrConfiguration.rawValue)
        }

        if let configuration, configuration.checksOtherAccounts || configuration.regions.count > 1 {
            try await discoverEverywhere(configuration, client: client, logger: logger, now: startedAt)
            return
        }
        let machines: [DiscoveredStateMachine]
        do {
            machines = try await ScheduleDiscoverer(
                client: client, concurrency: configuration?.concurrency ?? BatchwatchConfiguration.defaultConcurrency
            ).discoverStateMachines()
        } catch {
            printError("batchwatch: discover: \(error)")
            throw ExitCode(ExitStatus.incomplete.rawValue)
        }
        let skeleton = ConfigSkeleton(
            machines: machines, timeZone: configuration?.timeZone ?? TimeZone(identifier: "UTC")!,
            region: client.region, now: startedAt)
        FileHandle.standardError.write(Data(skeleton.table().utf8))
        print(skeleton.yaml(), terminator: "")
    }

    /// Every account and Region of the configuration (README, "Many accounts"), read with the
    /// check's own accounts and credentials: one skeleton whose jobs say where they run. An account
    /// or Region that cannot be read is a comment and a line on stderr, and the exit status 3.
    private func discoverEverywhere(
        _ configuration: BatchwatchConfiguration, client: AWSClient, logger: Logger, now: Date
    ) async throws {
        let accounts = AccountsChecker(configuration: configuration, client: client, logger: logger)
        let found = await accounts.slices(now: now)
        var unreadable = found.findings.map { "\($0.job): \($0.cause ?? $0.error ?? "cannot be read")" }
        let inFlight = min(max(found.slices.count, 1), max(1, configuration.concurrency / 2))
        let share = max(1, configuration.concurrency / inFlight)
        let several = configuration.checksOtherAccounts
        let severalRegions = accounts.regions.count > 1
        let outcomes = await concurrentMap(found.slices, limit: inFlight) {
            slice -> Result<[DiscoveredStateMachine], any Error> in
            do {
                return .success(
                    try await ScheduleDiscoverer(client: slice.client, concurrency: share).discoverStateMachines())
            } catch {
                return .failure(error)
            }
        }
        var machines: [DiscoveredStateMachine] = []
        for (slice, outcome) in zip(found.slices, outcomes) {
            switch outcome {
            case .success(let listed):
                machines += listed.map { machine in
                    var machine = machine
                    machine.account = several ? slice.target.name : nil
                    machine.region = severalRegions ? slice.region : nil
                    return machine
                }
            case .failure(let error):
                let account = slice.target.id.map { "\(slice.target.name) (\($0))" } ?? slice.target.name
                unreadable.append("\(account) could not be read in \(slice.region): \(error)")
            }
        }
        var skeleton = ConfigSkeleton(
            machines: machines, timeZone: configuration.timeZone, region: configuration.region ?? client.region,
            now: now)
        skeleton.setupLines = ConfigSkeleton.setupLines(for: configuration)
        skeleton.unreadable = unreadable
        FileHandle.standardError.write(Data(skeleton.table().utf8))
        for line in unreadable { printError("batchwatch: discover: \(line)") }
        print(skeleton.yaml(), terminator: "")
        if !unreadable.isEmpty { throw ExitCode(ExitStatus.incomplete.rawValue) }
    }

    /// The configuration when one is named (`--config`, `$BATCHWATCH_CONFIG`) or found at a default
    /// path; `nil` when there is none. A named file that cannot be read is an error (exit 2).
    func configurationIfAny(environment: [String: String]) throws -> BatchwatchConfiguration? {
        let isNamed = options.config != nil || !(environment["BATCHWATCH_CONFIG"] ?? "").isEmpty
        let path = ConfigurationLoader.resolvePath(
            explicit: options.config, environment: environment,
            fileExists: { FileManager.default.fileExists(atPath: $0) })
        guard isNamed || FileManager.default.fileExists(atPath: path) else { return nil }
        return try options.load(environment: environment)
    }
}
