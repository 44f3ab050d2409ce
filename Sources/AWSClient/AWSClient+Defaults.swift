import Foundation
import Logging

extension AWSClient {
    /// A client wired as the AWS CLI would be: region from `configRegion`, `AWS_REGION`,
    /// `AWS_DEFAULT_REGION` or the profile; endpoints from the `AWS_ENDPOINT_URL*` variables;
    /// credentials from the default chain (cached, refreshed before expiry); the shared
    /// `URLSessionTransport`. Throws `AWSConfigurationError` when no region is found.
    public static func make(
        environment: [String: String],
        homeDirectory: String,
        configRegion: String? = nil,
        deadline: Date? = nil,
        retryPolicy: RetryPolicy = .standard,
        logger: Logger,
        transport: any HTTPTransport = URLSessionTransport.shared,
        clock: any WallClock = SystemWallClock()
    ) throws -> AWSClient {
        guard
            let region = try RegionResolver(environment: environment, homeDirectory: homeDirectory)
                .region(configRegion: configRegion)
        else {
            throw AWSConfigurationError(
                "no AWS region: set region: in the config, AWS_REGION, AWS_DEFAULT_REGION or region in the profile")
        }
        let unsigned = AWSClient(
            region: region, credentialProvider: nil, transport: transport,
            endpoints: EndpointResolver(environment: environment), clock: clock, retryPolicy: retryPolicy,
            deadline: deadline, logger: logger)
        let chain = CredentialProviderChain.standard(
            environment: environment, homeDirectory: homeDirectory, sts: unsigned)
        return unsigned.with(credentialProvider: CachingCredentialProvider(chain, clock: clock))
    }
}
