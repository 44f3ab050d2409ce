import ArgumentParser
import BatchwatchCheck
import Foundation
import Logging

/// The `batchwatch` command: a digest of what failed, was missing or ran late in the nightly batches.
@main
struct Batchwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchwatch",
        abstract: "Check AWS Step Functions batches against their schedules and post one digest.",
        version: "batchwatch 0.1.0",
        subcommands: [Check.self, Validate.self, Discover.self]
    )

    /// Parses and runs the command; usage errors exit 2 (README, exit statuses), not ArgumentParser's 64.
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel =
                ProcessInfo.processInfo.environment["BATCHWATCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
                ?? .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usageOrConfiguration.rawValue)
            }
            exit(withError: error)
        }
    }
}
