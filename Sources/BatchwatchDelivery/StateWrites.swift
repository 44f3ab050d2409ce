import Foundation

/// The state directory's writes in this process, made one at a time and stoppable: a run that
/// is stopped by a signal calls `halt()` before it exits, so it never exits half-way through
/// recording a delivery (the state file written but the delivered spool file still there).
public enum StateWrites {
    private static let gate = NSLock()

    /// Runs `write` while no `halt()` is in progress.
    static func perform<T>(_ write: () throws -> T) rethrows -> T {
        gate.lock()
        defer { gate.unlock() }
        return try write()
    }

    /// Waits for the write in progress, if any, and lets no other one start, for the rest of
    /// the process's life. For a process about to exit.
    public static func halt() {
        gate.lock()
    }
}
