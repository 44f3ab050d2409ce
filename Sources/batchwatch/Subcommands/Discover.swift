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
