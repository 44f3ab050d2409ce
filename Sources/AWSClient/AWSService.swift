import Foundation

/// The wire protocol an AWS service speaks.
public enum AWSProtocol: Sendable, Equatable {
    /// POST / with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON body of the given version ("1.0", "1.1").
    case json(version: String, targetPrefix: String)
    /// Form POST with `Action=` and `Version=`, answered in XML.
    case query
    /// REST paths and methods with JSON bodies.
    case restJSON
}

/// One AWS service as batchwatch calls it: how it is signed, where it lives, how it talks.
public struct AWSService: Sendable, Equatable, CustomStringConvertible {
    /// The SigV4 service name (`states`, `monitoring`, …), also used in error descriptions.
    public let signingName: String
    /// The first label of the default endpoint host (`states` in `states.us-east-1.amazonaws.com`).
    public let endpointPrefix: String
    /// The suffix of the service's endpoint variable (`SFN` in `AWS_ENDPOINT_URL_SFN`).
    public let environmentSuffix: String
    /// The wire protocol.
    public let wireProtocol: AWSProtocol

    /// Describes a service; the common ones are the static members below.
    public init(signingName: String, endpointPrefix: String, environmentSuffix: String, wireProtocol: AWSProtocol) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.environmentSuffix = environmentSuffix
        self.wireProtocol = wireProtocol
    }

    public var description: String { signingName }

    /// AWS Step Functions (JSON 1.0).
    public static let stepFunctions = AWSService(
        signingName: "states", endpointPrefix: "states", environmentSuffix: "SFN",
        wireProtocol: .json(version: "1.0", targetPrefix: "AWSStepFunctions"))
    /// Amazon CloudWatch (Query, version 2010-08-01).
    public static let cloudWatch = AWSService(
        signingName: "monitoring", endpointPrefix: "monitoring", environmentSuffix: "CLOUDWATCH", wireProtocol: .query)
    /// Amazon SNS (Query, version 2010-03-31).
    public static let sns = AWSService(
        signingName: "sns", endpointPrefix: "sns", environmentSuffix: "SNS", wireProtocol: .query)
    /// AWS STS (Query, version 2011-06-15).
    public static let sts = AWSService(
        signingName: "sts", endpointPrefix: "sts", environmentSuffix: "STS", wireProtocol: .query)
    /// Amazon EventBridge (JSON 1.1).
    public static let eventBridge = AWSService(
        signingName: "events", endpointPrefix: "events", environmentSuffix: "EVENTBRIDGE",
        wireProtocol: .json(version: "1.1", targetPrefix: "AWSEvents"))
    /// Amazon EventBridge Scheduler (REST-JSON).
    public static let scheduler = AWSService(
        signingName: "scheduler", endpointPrefix: "scheduler", environmentSuffix: "SCHEDULER", wireProtocol: .restJSON)
    /// AWS Organizations (JSON 1.1), a global service signed and served in us-east-1.
    public static let organizations = AWSService(
        signingName: "organizations", endpointPrefix: "organizations", environmentSuffix: "ORGANIZATIONS",
        wireProtocol: .json(version: "1.1", targetPrefix: "AWSOrganizationsV20161128"))
}
