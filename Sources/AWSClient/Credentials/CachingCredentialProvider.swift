import Foundation

/// Keeps the credentials of another provider and refreshes them `refreshMargin` seconds before
/// they expire. One refresh runs at a time: callers arriving during a refresh await the same task.
public actor CachingCredentialProvider: CredentialProvider {
    private let base: any CredentialProvider
    private let clock: any WallClock
    private let refreshMargin: TimeInterval
    private var cached: AWSCredentials?
    private var refresh: Task<AWSCredentials, any Error>?

    /// Caches `base`, judging expiry by `clock`; the default margin is 5 minutes.
    public init(_ base: any CredentialProvider, clock: any WallClock, refreshMargin: TimeInterval = 300) {
        self.base = base
        self.clock = clock
        self.refreshMargin = refreshMargin
    }

    /// The cached credentials while they are fresh, else new ones from the base provider.
    /// Credentials without an expiration are kept for good.
    public func credentials() async throws -> AWSCredentials {
        if let cached, isFresh(cached) { return cached }
        if let refresh { return try await refresh.value }
        let task = Task { [base] in try await base.credentials() }
        refresh = task
        defer { refresh = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh
    }

    private func isFresh(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        return clock.now() < expiration.addingTimeInterval(-refreshMargin)
    }
}
