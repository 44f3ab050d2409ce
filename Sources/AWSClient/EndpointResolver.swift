import Foundation

/// Finds the base URL of a service: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`,
/// else `https://<prefix>.<region>.amazonaws.com` (`.amazonaws.com.cn` in `cn-` regions).
public struct EndpointResolver: Sendable {
    private let environment: [String: String]

    /// Creates a resolver reading the endpoint variables of `environment`.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The base URL for `service` in `region`.
    public func endpoint(for service: AWSService, region: String) throws -> URL {
        for name in ["AWS_ENDPOINT_URL_\(service.environmentSuffix)", "AWS_ENDPOINT_URL"] {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { continue }
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host != nil
            else {
                throw AWSConfigurationError("\(name) is not an http(s) URL: \(value)")
            }
            return url
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        guard let url = URL(string: "https://\(service.endpointPrefix).\(region).\(suffix)") else {
            throw AWSConfigurationError("no endpoint can be built for \(service.signingName) in region \(region)")
        }
        return url
    }
}

/// A problem with how AWS access is set up (region, endpoint, profile), found before any call.
public struct AWSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
