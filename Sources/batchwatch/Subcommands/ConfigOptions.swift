import ArgumentParser
import BatchwatchCheck
import BatchwatchConfig
import Foundation

/// The `--config` option shared by every subcommand.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The configuration file (default: $BATCHWATCH_CONFIG, ./batchwatch.yml, /etc/batchwatch/config.yml).")
    var config: String?

    /// Reads the configuration, or prints `file:line: key path: problem` and exits 2.
    func load(environment: [String: String]) throws -> BatchwatchConfiguration {
        let path = ConfigurationLoader.resolvePath(
            explicit: config, environment: environment, fileExists: { FileManager.default.fileExists(atPath: $0) }
        )
        do {
            return try ConfigurationLoader.load(path: path, environment: environment)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrConfiguration.rawValue)
        }
    }
}

/// Writes one line to stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
