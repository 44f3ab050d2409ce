import AWSClient
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `<state dir>/batchwatch.lock`: an exclusive `flock(2)` that one run holds from reading the state
/// file to recording its deliveries, so two runs of the same configuration never both post.
///
/// The lock belongs to an open file, not to the file's existence: the kernel releases it when
/// the process ends however it ends (`kill -9` included), so a stale lock file never blocks a
/// later run. The file itself is left in place and holds nothing.
final class StateLock {
    /// The lock file's name in the state directory.
    static let fileName = "batchwatch.lock"

    /// Why the lock was not taken.
    enum Failure: Error, CustomStringConvertible {
        /// Another process still held it after `seconds`.
        case timedOut(path: String, seconds: Double)
        /// The file could not be opened or locked (`errno`).
        case unavailable(path: String, code: Int32)

        var description: String {
            switch self {
            case .timedOut(let path, let seconds):
                "another batchwatch run still held \(path) after \(Int(seconds.rounded())) s"
            case .unavailable(let path, let code):
                "cannot lock \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock in `directory` (created, mode 0700, when missing). While another process
    /// holds it, tries again every `poll` seconds on `clock`, which sleeps without using the CPU,
    /// for at most `wait` seconds. `waiting` is called once, before the first wait.
    static func acquire(
        in directory: URL, clock: any WallClock, wait: Double, poll: Double = 0.1, waiting: () -> Void = {}
    ) async throws(Failure) -> StateLock {
        let path = directory.appendingPathComponent(fileName).path
        try? AtomicFile.createDirectory(directory)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unavailable(path: path, code: errno) }
        let deadline = clock.now().addingTimeInterval(wait)
        var waited = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(descriptor)
                throw .unavailable(path: path, code: code)
            }
            let left = deadline.timeIntervalSince(clock.now())
            guard left > 0 else {
                close(descriptor)
                throw .timedOut(path: path, seconds: wait)
            }
            if !waited {
                waited = true
                waiting()
            }
            do {
                try await clock.sleep(seconds: min(poll, left))
            } catch {
                close(descriptor)
                throw .timedOut(path: path, seconds: wait)
            }
        }
        return StateLock(path: path, descriptor: descriptor)
    }

    /// Releases the lock (closing the file releases it); a second call does nothing.
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit {
        release()
    }
}
