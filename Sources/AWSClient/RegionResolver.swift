import Foundation

/// Finds the region as the AWS CLI does: the config's `region:`, `AWS_REGION`,
/// `AWS_DEFAULT_REGION`, then the `region` of the profile in the shared config file.
public struct RegionResolver: Sendable {
    private let environment: [String: String]
    private let homeDirectory: String

    /// Creates a resolver reading `environment` and the shared files under `homeDirectory`.
    public init(environment: [String: String], homeDirectory: String) {
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// The region, or `nil` when none of the sources names one.
    public func region(configRegion: String?) throws -> String? {
        for candidate in [configRegion, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]] {
            if let value = candidate?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                return value
            }
        }
        let files = try SharedConfigFiles.load(environment: environment, homeDirectory: homeDirectory)
        return files.profile(named: files.selectedProfile)?["region"]
    }
}
