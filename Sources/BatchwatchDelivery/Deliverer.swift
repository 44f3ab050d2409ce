import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Logging

/// Delivers a check's digest to the configured Slack and SNS targets, exactly once per window
/// and target, and never loses one: what a target does not accept after retries is spooled and
/// sent first by the next run.
///
/// State lives in the state directory: `delivered.json` (what each target accepted) and
/// `spool/` (what is still to be sent). Neither holds a URL or a token.
public struct Deliverer: Sendable {
    let settings: NotifySettings
    let stateDirectory: URL?
    let targets: [DeliveryTarget]
    let sender: RetryingSender
    let clock: any WallClock
    let logger: Logger

    /// A deliverer for `settings`. `stateDirectory` is where deliveries are recorded and spooled
    /// (`nil`: nowhere, so re-runs post again and failed digests are only logged). `transport`
    /// carries Slack posts and the heartbeat; `awsClient` publishes to SNS in the topic's region.
    public init(
        settings: NotifySettings, stateDirectory: String?, transport: any HTTPTransport = URLSessionTransport.shared,
        awsClient: AWSClient?, clock: any WallClock = SystemWallClock(), logger: Logger,
        retryPolicy: RetryPolicy = .delivery()
    ) {
        self.init(
            settings: settings, stateDirectory: stateDirectory, transport: transport, awsClient: awsClient, clock: clock,
            logger: logger, retryPolicy: retryPolicy, slackAPIBaseURL: SlackPoster.defaultAPIBaseURL,
            random: { Double.random(in: 0...1) })
    }

    /// The same, with Slack's Web API base URL and the backoff jitter source replaceable (tests).
    package init(
        settings: NotifySettings, stateDirectory: String?, transport: any HTTPTransport, awsClient: AWSClient?,
        clock: any WallClock, logger: Logger, retryPolicy: RetryPolicy, slackAPIBaseURL: URL,
        random: @escaping @Sendable () -> Double
    ) {
        self.settings = settings
        self.stateDirectory = stateDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        self.clock = clock
        self.logger = logger
        let sender = RetryingSender(transport: transport, clock: clock, policy: retryPolicy, logger: logger, random: random)
        self.sender = sender
        var targets: [DeliveryTarget] = []
        if let slack = settings.slack {
            targets.append(.slack(SlackPoster(target: slack, apiBaseURL: slackAPIBaseURL, sender: sender)))
        }
        if let sns = settings.sns {
            targets.append(.sns(SNSPublisher(target: sns, client: awsClient, logger: logger)))
        }
        self.targets = targets
    }

    /// Whether `report`'s digest is posted under `when`: always, or only when something was found.
    public static func isDue(_ report: CheckReport, when: NotifySettings.Condition) -> Bool {
        when == .always || !report.findings.isEmpty
    }

    /// Sends spooled digests first, then `report`'s digest to every target that has not yet
    /// accepted this window's (all of them when `force`). Returns one outcome per target that
    /// was due or had something spooled; an `ok: false` outcome makes the exit status 3.
    public func deliver(_ report: CheckReport, force: Bool = false) async -> [DeliveryOutcome] {
        guard !targets.isEmpty else { return [] }
        if stateDirectory == nil {
            logger.warning("no state directory: deliveries are not recorded and undelivered digests cannot be spooled")
        }
        var ledger = stateDirectory.map { DeliveryLedger.load(directory: $0, logger: logger) }
        var outcomes: [DeliveryOutcome] = []
        for target in targets {
            if let ok = await deliver(report, to: target, force: force, ledger: &ledger) {
                outcomes.append(DeliveryOutcome(target: target.name, ok: ok))
            }
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
                logger.info("\(target.logName): spooled digest \(url.lastPathComponent) is replaced by this run's digest of the same window")
                spool?.remove(url)
                continue
            }
            if blocked { continue }
            sentSpooled = true
            switch await target.send(spooled.payload) {
            case .success:
                logger.notice("\(target.logName): spooled digest of \(spooled.window.from) – \(spooled.window.to) delivered")
                spool?.remove(url)
                record(target, spooled.window, in: &ledger)
            case .failure(let failure) where failure.rejectsPayload:
                let aside = spool?.setAside(url)
                logger.error("\(target.logName): spooled digest \(failure); set aside as \(aside?.path ?? url.path), not sent again")
            case .failure(let failure):
                logger.error("\(target.logName): spooled digest still not delivered: \(failure); kept in \(url.path)")
                blocked = true
            }
        }
        guard due else { return sentSpooled ? !blocked : nil }
        guard sendsCurrent else {
            logger.info(
                "\(target.logName): the digest of \(window.from) – \(window.to) was already delivered; not posting again (--force posts anyway)")
            return !blocked
        }
        let payload = target.payload(for: report)
        if blocked {
            spoolPayload(payload, of: window, for: target, because: "earlier digests are still undelivered")
            return false
        }
        switch await target.send(payload) {
        case .success:
            logger.info("\(target.logName): digest of \(window.from) – \(window.to) delivered")
            record(target, window, in: &ledger)
            return true
        case .failure(let failure):
            spoolPayload(payload, of: window, for: target, because: failure.description)
            return false
        }
    }

    private var spool: DeliverySpool? {
        stateDirectory.map { DeliverySpool(directory: $0.appendingPathComponent("spool", isDirectory: true), logger: logger) }
    }

    /// Writes `payload` to the spool and says where, or says it is lost when it cannot be written.
    private func spoolPayload(_ payload: DeliveryPayload, of window: WindowKey, for target: DeliveryTarget, because reason: String) {
        let now = clock.now()
        let digest = SpooledDigest(target: target.name, window: window, spooledAt: WindowKey.instant(now), payload: payload)
        guard let spool else {
            logger.error("\(target.logName): digest not delivered: \(reason); no state directory to spool it to")
            return
        }
        do {
            let url = try spool.add(digest, now: now)
            logger.error("\(target.logName): digest not delivered: \(reason); spooled to \(url.path), the next run sends it first")
        } catch {
            logger.error("\(target.logName): digest not delivered: \(reason); spooling it to \(spool.directory.path) failed too (\(error.localizedDescription))")
        }
    }

    /// Records an accepted digest and saves the state file at once; a failed save is only a warning.
    private func record(_ target: DeliveryTarget, _ window: WindowKey, in ledger: inout DeliveryLedger?) {
        guard ledger != nil else { return }
        ledger?.record(target: target.name, window: window, at: clock.now())
        do {
            try ledger?.save()
        } catch {
            logger.warning("could not write the state file \(ledger?.url.path ?? ""): \(error.localizedDescription); a re-run may post again")
        }
    }
}
