import ArgumentParser
import BatchwatchConfig
import Foundation

/// `batchwatch validate`: parse and lint the configuration and print a summary; touches no AWS.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the configuration and show each job's next expected starts. Makes no AWS calls."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.load(environment: ProcessInfo.processInfo.environment)
        print(ValidationSummary.render(configuration, now: Date()))
    }
}
