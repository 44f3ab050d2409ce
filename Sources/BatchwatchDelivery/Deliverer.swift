import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Logging

/// Delivers a check's digest to the configured Slack and SNS targets, exactly once per window
/// and target, and never loses one: what a target does not accept after retries is spooled and
/// sent first by the next run.
///
/// State lives in the state directory: `delivered.json` (what each target accepted), `spool/`
/// (what is still to be sent) and `batchwatch.lock` (held by the run that is delivering). None
/// holds a URL or a token.
public struct Deliverer: Sendable {
    let settings: NotifySettings
    let stateDirectory: URL?
    let targets: [DeliveryTarget]
    let sender: RetryingSender
    let clock: any WallClock
    let logger: Logger
    /// How long a run waits for another run's lock on the state directory, in seconds.
    let lockWait: Double

    /// The default of `lockWait`: longer than one run's deliveries normally take.
    public static let standardLockWait: Double = 300

    /// A deliverer for `settings`. `stateDirectory` is where deliveries are recorded and spooled
    /// (`nil`: nowhere, so re-runs post again and failed digests are only logged). `transport`
    /// carries Slack posts and the heartbeat; `awsClient` publishes to SNS in the topic's region.
    /// No post, publish or heartbeat attempt starts after `deadline` (the run's).
    public init(
        settings: NotifySettings, stateDirectory: String?, transport: any HTTPTransport = URLSessionTransport.shared,
        awsClient: AWSClient?, clock: any WallClock = SystemWallClock(), logger: Logger,
        retryPolicy: RetryPolicy = .delivery(), deadline: Date? = nil, lockWait: Double = Deliverer.standardLockWait
    ) {
        self.init(
            settings: settings, stateDirectory: stateDirectory, transport: transport, awsClient: awsClient,
            clock: clock,
            logger: logger, retryPolicy: retryPolicy, deadline: deadline,
            slackAPIBaseURL: SlackPoster.defaultAPIBaseURL,
            random: { Double.random(in: 0...1) }, lockWait: lockWait)
    }

    /// The same, with Slack's Web API base URL and the backoff jitter source replaceable (tests).
    package init(
        settings: NotifySettings, stateDirectory: String?, transport: any HTTPTransport, awsClient: AWSClient?,
        clock: any WallClock, logger: Logger, retryPolicy: RetryPolicy, deadline: Date? = nil, slackAPIBaseURL: URL,
        random: @escaping @Sendable () -> Double, lockWait: Double = Deliverer.standardLockWait
    ) {
        self.settings = settings
        self.lockWait = lockWait
        self.stateDirectory = stateDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        self.clock = clock
        self.logger = logger
        let sender = RetryingSender(
            transport: transport, clock: clock, policy: retryPolicy, deadline: deadline, logger: logger, random: random)
        self.sender = sender
        var targets: [DeliveryTarget] = []
        if let slack = settings.slack {
            targets.append(.slack(SlackPoster(target: slack, apiBaseURL: slackAPIBaseURL, sender: sender)))
        }
        if let sns = settings.sns {
            targets.append(.sns(SNSPublisher(target: sns, client: awsClient?.with(deadline: deadline), logger: logger)))
        }
        self.targets = targets
    }

    /// Whether `report`'s digest is posted under `when`: always, or only when something was found
    /// or something recovered.
    public static func isDue(_ report: CheckReport, when: NotifySettings.Condition) -> Bool {
        when == .always || !report.findings.isEmpty || !report.recoveries.isEmpty
    }

    /// Sends spooled digests first, then `report`'s digest to every target that has not yet
    /// accepted this window's (all of them when `force`). Returns one outcome per target that
    /// was due or had something spooled; an `ok: false` outcome makes the exit status 3.
    /// `progress` is told each outcome as soon as it is known.
    ///
    /// With a state directory, the whole delivery holds `batchwatch.lock` there (see `StateLock`):
    /// a second run waits up to `lockWait` seconds, then reads what the first recorded. One that
    /// is still waiting then delivers nothing: it spools its digest (the next run sends it, or
    /// drops it when the state file shows that the other run delivered that window) and fails.
    public func deliver(
        _ report: CheckReport, force: Bool = false, progress: @Sendable (DeliveryOutcome) -> Void = { _ in }
    ) async -> [DeliveryOutcome] {
        guard !targets.isEmpty else { return [] }
        guard let stateDirectory else {
            logger.warning("no state directory: deliveries are not recorded and undelivered digests cannot be spooled")
            var ledger: DeliveryLedger?
            return await deliver(report, force: force, ledger: &ledger, progress: progress)
        }
        let lock: StateLock?
        do {
            lock = try await StateLock.acquire(in: stateDirectory, clock: clock, wait: lockWait) {
                logger.notice(
                    "another batchwatch run holds \(stateDirectory.appendingPathComponent(StateLock.fileName).path); waiting for it (at most \(Int(lockWait)) s)"
                )
            }
        } catch .timedOut(let path, let seconds) {
            logger.error("another batchwatch run still held \(path) after \(Int(seconds)) s; this run delivers nothing")
            return spoolUndelivered(report, force: force, progress: progress)
        } catch {
            logger.warning("\(error); delivering without the lock: a run at the same time may post too")
            lock = nil
        }
        defer { lock?.release() }
        var ledger: DeliveryLedger? = DeliveryLedger.load(directory: stateDirectory, logger: logger)
        return await deliver(report, force: force, ledger: &ledger, progress: progress)
    }

    private func deliver(
        _ report: CheckReport, force: Bool, ledger: inout DeliveryLedger?, progress: @Sendable (DeliveryOutcome) -> Void
    ) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        for target in targets {
            if let ok = await deliver(report, to: target, force: force, ledger: &ledger) {
                let outcome = DeliveryOutcome(target: target.name, ok: ok)
                outcomes.append(outcome)
                progress(outcome)
            }
        }
        return outcomes
    }

    /// When the lock could not be had: spools the digest for every target that is due and, as far
    /// as the state file shows now, has not accepted it. Each of those is a failed delivery.
    private func spoolUndelivered(
        _ report: CheckReport, force: Bool, progress: @Sendable (DeliveryOutcome) -> Void
    ) -> [DeliveryOutcome] {
        guard Self.isDue(report, when: settings.when), let stateDirectory else { return [] }
        let window = WindowKey(report.window)
        let ledger = DeliveryLedger.load(directory: stateDirectory, logger: logger)
        var outcomes: [DeliveryOutcome] = []
        for target in targets where force || !ledger.contains(target: target.name, window: window) {
            let url = spoolPayload(target.payload(for: report), of: window, for: target, force: force)
            logger.error(
                "\(target.logName): digest not delivered: another run holds the state directory; \(spooledWhere(url))")
            let outcome = DeliveryOutcome(target: target.name, ok: false)
            outcomes.append(outcome)
            progress(outcome)
        }
        return outcomes
    }

    /// One target: its spool, then the current digest. `nil` when nothing was due for it.
    private func deliver(
        _ report: CheckReport, to target: DeliveryTarget, force: Bool, ledger: inout DeliveryLedger?
    ) async -> Bool? {
        let window = WindowKey(report.window)
        let due = Self.isDue(report, when: settings.when)
        let alreadyAccepted = ledger?.contains(target: target.name, window: window) ?? false
        let sendsCurrent = due && (force || !alreadyAccepted)
        var blocked = false
        var sentSpooled = false
        let pending = spool?.pending(target: target.name) ?? []
        for (url, spooled) in pending {
            if sendsCurrent && spooled.window == window {
                logger.info(
                    "\(target.logName): spooled digest \(url.lastPathComponent) is replaced by this run's digest of the same window"
                )
                spool?.remove(url)
                continue
            }
            if spooled.force != true, ledger?.contains(target: target.name, window: spooled.window) == true {
                logger.info(
                    "\(target.logName): spooled digest \(url.lastPathComponent) was already delivered (the state file records its window); removed"
                )
                spool?.remove(url)
                continue
            }
            if blocked { continue }
            sentSpooled = true
            switch await target.send(spooled.payload) {
            case .success:
                logger.notice(
                    "\(target.logName): spooled digest of \(spooled.window.from) – \(spooled.window.to) delivered")
                record(target, spooled.window, in: &ledger)
                spool?.remove(url)
            case .failure(let failure) where target.refusesPayload(failure):
                let aside = spool?.setAside(url)
                logger.warning(
                    "\(target.logName): spooled digest \(url.path) \(failure); moved to \(aside?.path ?? url.path), not sent again"
                )
            case .failure(let failure):
                logger.error("\(target.logName): spooled digest still not delivered: \(failure); kept in \(url.path)")
                blocked = true
            }
        }
        guard due else { return sentSpooled ? !blocked : nil }
        guard sendsCurrent else {
            logger.info(
                "\(target.logName): the digest of \(window.from) – \(window.to) was already delivered; not posting again (--force posts anyway)"
            )
            return !blocked
        }
        // Spooled before it is sent, so a run stopped during the post leaves it for the next run.
        let payload = target.payload(for: report)
        let spooledURL = spoolPayload(payload, of: window, for: target, force: force)
        if blocked {
            logger.error(
                "\(target.logName): digest not delivered: earlier digests are still undelivered; \(spooledWhere(spooledURL))"
            )
            return false
        }
        switch await target.send(payload) {
        case .success:
            logger.info("\(target.logName): digest of \(window.from) – \(window.to) delivered")
            record(target, window, in: &ledger)
            if let spooledURL { spool?.remove(spooledURL) }
            return true
        case .failure(let failure):
            logger.error("\(target.logName): digest not delivered: \(failure); \(spooledWhere(spooledURL))")
            return false
        }
    }

    /// "spooled to PATH, the next run sends it first", or that there is no spool copy.
    private func spooledWhere(_ url: URL?) -> String {
        guard let url else {
            return stateDirectory == nil
                ? "no state directory to spool it to" : "it could not be spooled, so it is only in this run's output"
        }
        return "spooled to \(url.path), the next run sends it first"
    }

    private var spool: DeliverySpool? {
        stateDirectory.map {
            DeliverySpool(directory: $0.appendingPathComponent("spool", isDirectory: true), logger: logger)
        }
    }

    /// Writes `payload` to the spool and returns where, or logs why it could not and returns `nil`.
    private func spoolPayload(
        _ payload: DeliveryPayload, of window: WindowKey, for target: DeliveryTarget, force: Bool
    ) -> URL? {
        guard let spool else { return nil }
        let now = clock.now()
        let digest = SpooledDigest(
            target: target.name, window: window, spooledAt: WindowKey.instant(now), payload: payload,
            force: force ? true : nil)
        do {
            let url = try spool.add(digest, now: now)
            logger.debug("\(target.logName): digest spooled to \(url.path) until it is delivered")
            return url
        } catch {
            logger.error(
                "\(target.logName): could not write the digest to the spool \(spool.directory.path) (\(error.localizedDescription))"
            )
            return nil
        }
    }

    /// Records an accepted digest and saves the state file at once; a failed save is only a warning.
    private func record(_ target: DeliveryTarget, _ window: WindowKey, in ledger: inout DeliveryLedger?) {
        guard ledger != nil else { return }
        ledger?.record(target: target.name, window: window, at: clock.now())
        do {
            try ledger?.save()
        } catch {
            logger.warning(
                "could not write the state file \(ledger?.url.path ?? ""): \(error.localizedDescription); a re-run may post again"
            )
        }
    }
}
