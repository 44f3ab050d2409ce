import BatchwatchCheck
import BatchwatchDelivery
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGTERM (systemd stopping the unit, `timeout` in a cron line) and SIGINT (Ctrl-C) during
/// `check`: the run prints what it has, the digest, to stdout, leaves the state files whole and
/// exits 3 (incomplete or undelivered). The digest is in the spool before any post is tried,
/// so the next run delivers it.
final class StopSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    /// The digest as stdout would carry it, given the deliveries so far; `nil` before the check ends.
    private var pendingOutput: (@Sendable ([DeliveryOutcome]) -> String)?
    private var outcomes: [DeliveryOutcome] = []
    /// Set once the run printed its own output: a signal then only ends the process.
    private var finishedStatus: Int32?

    /// Handles SIGTERM and SIGINT from now on, instead of dying at once.
    init() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in stop(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// What to print if stopped from now on: `render` of the delivery outcomes known then.
    func checked(render: @escaping @Sendable ([DeliveryOutcome]) -> String) {
        lock.withLock { pendingOutput = render }
    }

    /// One target's delivery outcome, as the deliverer reports it.
    func delivered(_ outcome: DeliveryOutcome) {
        lock.withLock { outcomes.append(outcome) }
    }

    /// Prints the run's own `output`, unless a signal got there first (then this never returns).
    func finish(printing output: String, status: ExitStatus) {
        lock.withLock {
            print(output)
            fflush(nil)
            finishedStatus = status.rawValue
        }
    }

    private func stop(_ number: Int32) {
        // No state file or spool write is cut in half, and none starts after this.
        StateWrites.halt()
        // Held until the process exits: the run cannot print its output too.
        lock.lock()
        if let finishedStatus {
            fflush(nil)
            _exit(finishedStatus)
        }
        let name = number == SIGINT ? "SIGINT" : "SIGTERM"
        var message = "batchwatch: stopped by \(name)"
        if let pendingOutput {
            FileHandle.standardOutput.write(Data((pendingOutput(outcomes) + "\n").utf8))
            message +=
                " before every digest was delivered; an undelivered digest is in the spool and the next run sends it"
        } else {
            message += " before the check finished; nothing was delivered"
        }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        fflush(nil)
        _exit(ExitStatus.incomplete.rawValue)
    }
}
