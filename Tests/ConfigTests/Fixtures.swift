import Foundation

@testable import BatchwatchConfig

/// A private zoneinfo directory, so timezone checks do not depend on the machine's tzdata.
enum Fixtures {
    static let zoneNames = ["Asia/Tokyo", "America/New_York", "Europe/London", "UTC", "EST"]

    static let zoneinfoDirectory: String = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("batchwatch-zoneinfo-\(UUID().uuidString)")
        for name in zoneNames {
            let file = directory.appendingPathComponent(name)
            try! FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! Data("TZif".utf8).write(to: file)
        }
        return directory.path
    }()

    /// Parses `yaml` as the file `test.yml`.
    static func parse(
        _ yaml: String, environment: [String: String] = [:]
    ) throws(ConfigurationError)
        -> BatchwatchConfiguration
    {
        try ConfigurationLoader.parse(
            yaml: yaml, file: "test.yml", environment: environment, zoneinfoDirectory: zoneinfoDirectory)
    }

    /// The error text parsing `yaml` gives, or `nil` when it parses.
    static func errorText(_ yaml: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try parse(yaml, environment: environment)
            return nil
        } catch {
            return error.description
        }
    }

    /// The repository's `examples/batchwatch.yml`, found from this file's real location.
    static var examplePath: String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/batchwatch.yml").path
    }
}
