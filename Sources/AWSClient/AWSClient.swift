import Foundation
import Logging
@_exported import SigV4

/// Calls AWS services: signs each attempt, retries as `retryPolicy` says (the SDKs' standard mode,
/// with throttles backed off and paced as in their adaptive mode), corrects clock skew and keeps
/// within one deadline for the whole run.
///
/// Copies share the clock-skew correction and the pacing of throttled operations. The wire
/// protocols are in `json`, `query` and `restJSON`.
public struct AWSClient: Sendable {
    public let region: String
    /// `nil` sends requests unsigned (STS AssumeRoleWithWebIdentity).
    public let credentialProvider: (any CredentialProvider)?
    public let transport: any HTTPTransport
    public let endpoints: EndpointResolver
    public let clock: any WallClock
    public let retryPolicy: RetryPolicy
    /// No attempt starts and no backoff sleeps past this instant.
    public let deadline: Date?
    public let logger: Logger
    let random: @Sendable () -> Double
    let clockOffset: ClockOffset
    let pacer: ThrottlePacer
    /// The account this client's calls go to, when it is one of several (pacing is kept per account).
    public let account: String?

    /// Creates a client from its parts. `random` returns a uniform number in `0...1` for backoff jitter.
    public init(
        region: String,
        credentialProvider: (any CredentialProvider)?,
        transport: any HTTPTransport,
        endpoints: EndpointResolver,
        clock: any WallClock = SystemWallClock(),
        retryPolicy: RetryPolicy = .standard,
        deadline: Date? = nil,
        logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.region = region
        self.credentialProvider = credentialProvider
        self.transport = transport
        self.endpoints = endpoints
        self.clock = clock
        self.retryPolicy = retryPolicy
        self.deadline = deadline
        self.logger = logger
        self.random = random
        self.clockOffset = ClockOffset()
        self.pacer = ThrottlePacer()
        self.account = nil
    }

    private init(
        copying other: AWSClient, credentialProvider: (any CredentialProvider)?, region: String, deadline: Date?,
        account: String?
    ) {
        self.account = account
        self.region = region
        self.credentialProvider = credentialProvider
        self.transport = other.transport
        self.endpoints = other.endpoints
        self.clock = other.clock
        self.retryPolicy = other.retryPolicy
        self.deadline = deadline
        self.logger = other.logger
        self.random = other.random
        self.clockOffset = other.clockOffset
        self.pacer = other.pacer
    }

    /// The same client signing with `provider` (`nil`: unsigned), optionally in another region.
    public func with(credentialProvider provider: (any CredentialProvider)?, region: String? = nil) -> AWSClient {
        AWSClient(
            copying: self, credentialProvider: provider, region: region ?? self.region, deadline: deadline,
            account: account)
    }

    /// The same client calling `account` with `provider` (`nil`: unsigned) in `region`: its
    /// throttles are paced apart from every other account's.
    public func with(
        account: String, credentialProvider provider: (any CredentialProvider)?, region: String
    ) -> AWSClient {
        AWSClient(copying: self, credentialProvider: provider, region: region, deadline: deadline, account: account)
    }

    /// The same client with another deadline (no attempt starts and no backoff sleeps past it).
    public func with(deadline: Date?) -> AWSClient {
        AWSClient(
            copying: self, credentialProvider: credentialProvider, region: region, deadline: deadline, account: account)
    }

    /// The seconds added to the local clock to get the servers' time (0 until a skew was seen).
    public func clockSkew() async -> Double {
        await clockOffset.seconds
    }

    /// The requests per second that `service`'s `operation` in this client's region is paced to
    /// after throttles; `nil` while it has not been throttled (or pacing is off in `retryPolicy`).
    public func pacedSendRate(_ service: AWSService, operation: String) async -> Double? {
        await pacer.sendRate(pacingKey(service, operation))
    }

    /// Quotas are per account, Region, service and operation, so pacing is too.
    func pacingKey(_ service: AWSService, _ operation: String) -> String {
        (account.map { "\($0)/" } ?? "") + "\(region)/\(service.signingName):\(operation)"
    }
}

/// The offset between the servers' clock and ours, learned from a skew error.
actor ClockOffset {
    private(set) var seconds: Double = 0

    func set(_ seconds: Double) {
        self.seconds = seconds
    }
}
