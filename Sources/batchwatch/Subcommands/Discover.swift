import ArgumentParser
import BatchwatchCheck
import Foundation

/// `batchwatch discover`: list state machines and the schedules that start them.
struct Discover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List state machines and the schedules that start them, and print a config skeleton."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        printError("batchwatch discover is not available in this version yet")
        throw ExitCode(ExitStatus.usageOrConfiguration.rawValue)
    }
}
