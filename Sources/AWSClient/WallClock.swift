import Foundation

/// The time source of everything that waits or stamps: signing dates, backoff, credential expiry.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Waits `seconds`, throwing `CancellationError` if the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemWallClock: WallClock {
    /// The system clock.
    public init() {}

    /// The system's current instant.
    public func now() -> Date { Date() }

    /// Sleeps for `seconds` (nothing for zero or less).
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}
