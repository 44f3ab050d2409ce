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
        let now = Date()
        print(ValidationSummary.render(configuration, now: now))
        // Warnings are in the summary and on stderr; they do not change the exit status.
        for warning in ValidationSummary.warnings(configuration, now: now) {
            printError("batchwatch: warning: \(warning)")
        }
    }
}
