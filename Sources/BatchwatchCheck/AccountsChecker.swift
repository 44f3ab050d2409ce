import AWSClient
import BatchwatchConfig
import Foundation
import Logging

/// Runs the check in every account and Region the configuration names (README, "Several accounts
/// and Regions"): the same `Checker` pipeline once per account and Region, side by side, each with
/// its own client (the account's credentials, its Region, throttles paced apart), and one report.
///
/// Credentials for another account come from STS AssumeRole with the base credentials, assumed
/// once per account before any of its Regions is read. A role that cannot be assumed, and an
/// account or Region that denies the reads, is one `check_error` naming the account; every other
/// account is still checked.
public struct AccountsChecker: Sendable {
    let configuration: BatchwatchConfiguration
    /// The base client: the credentials' own account, in the configuration's Region.
    let client: AWSClient
    let logger: Logger
    /// Whether the report carries the timeline (`Checker.collectsTimeline`), for every account
    /// and Region; its rows are named by account and Region when there are several.
    public var collectsTimeline = false

    public init(configuration: BatchwatchConfiguration, client: AWSClient, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// One account to check: who it is and how its credentials are had.
    public struct Target: Sendable, Equatable {
        /// The 12-digit id; `nil` for the base account when STS GetCallerIdentity could not say.
        public var id: String?
        public var name: String
        /// The role assumed; `nil` for the base account (its own credentials).
        public var roleArn: String?
        var externalId: Secret?

        /// The id, else the name.
        var key: String { id ?? name }
    }

    /// The Regions checked: `regions`, else the base client's.
    public var regions: [String] {
        configuration.regions.isEmpty ? [client.region] : configuration.regions
    }

    /// The accounts to check, with the findings and notes that finding them gave (an Organization
    /// that cannot be listed, a base account whose id cannot be read).
    public func targets(now: Date) async -> (targets: [Target], findings: [Finding], notes: [DigestText]) {
        if let organization = configuration.organization {
            do {
                let listed = try await OrganizationAccounts(client: client).active()
                let targets =
                    listed
                    .filter { account in !organization.exclude.contains { $0 == account.id || $0 == account.name } }
                    .map {
                        Target(id: $0.id, name: $0.name, roleArn: "arn:aws:iam::\($0.id):role/\(organization.roleName)")
                    }
                return (targets, [], [])
            } catch {
                var finding = Finding.checkError(of: .organization, at: now, error: error)
                finding.region = OrganizationAccounts.region
                return ([], [finding], [])
            }
        }
        if !configuration.accounts.isEmpty {
            let targets = configuration.accounts.map {
                Target(id: $0.id, name: $0.name, roleArn: configuration.roleArn(for: $0), externalId: $0.externalId)
            }
            return (targets, [], [])
        }
        do {
            let id = try await client.callerAccount()
            return ([Target(id: id, name: id)], [], [])
        } catch {
            logger.warning("the account id could not be read: \(error)")
            return ([Target(id: nil, name: "this account")], [], [.accountIdUnreadable(error: "\(error)")])
        }
    }

    /// One account and Region to read, with a client holding that account's credentials (throttles
    /// paced apart from every other account and Region).
    public struct Slice: Sendable {
        public var target: Target
        public var region: String
        public var client: AWSClient
    }

    /// Every account and Region to read, each with its client: the accounts resolved (`targets`),
    /// then each account's credentials, once per account. An Organization that cannot be listed
    /// and a role that cannot be assumed are findings (`check_error`s naming the account); the
    /// slices are those of every other account. `check`, `discover` and `validate --against-aws`
    /// all read through these.
    public func slices(
        now: Date
    ) async -> (slices: [Slice], targets: [Target], findings: [Finding], notes: [DigestText]) {
        let found = await targets(now: now)
        var findings = found.findings
        let regions = self.regions
        let inFlight = max(1, configuration.concurrency / 2)
        let credentials = await concurrentMap(found.targets, limit: inFlight) { target in
            await credentialProvider(for: target, now: now)
        }
        var slices: [Slice] = []
        for (target, outcome) in zip(found.targets, credentials) {
            switch outcome {
            case .success(let provider):
                slices += regions.map {
                    Slice(
                        target: target, region: $0,
                        client: client.with(account: target.key, credentialProvider: provider, region: $0))
                }
            case .failure(let finding): findings.append(finding)
            }
        }
        return (slices, found.targets, findings, found.notes)
    }

    /// The jobs of `configuration` that are checked in `target` and `region`.
    public func jobs(in target: Target, region: String) -> [BatchwatchConfiguration.Job] {
        JobPlacement(jobs: configuration.jobs).jobs(in: target, region: region)
    }

    /// Checks `window` as it stands at `now` in every account and Region.
    public func run(window: CheckWindow, now: Date) async -> CheckReport {
        let found = await slices(now: now)
        var findings = found.findings
        var notes = found.notes
        let regions = self.regions
        let slices = found.slices
        let inFlight = max(1, configuration.concurrency / 2)

        let placement = JobPlacement(jobs: configuration.jobs)
        findings += placement.unplaced(in: found.targets, regions: regions, at: now)

        let slicesInFlight = min(max(slices.count, 1), inFlight)
        let share = max(1, configuration.concurrency / slicesInFlight)
        let reports = await concurrentMap(slices, limit: slicesInFlight) { slice in
            await check(
                slice.target, region: slice.region, client: slice.client,
                jobs: placement.jobs(in: slice.target, region: slice.region),
                concurrency: share, window: window, now: now)
        }

        var counts = CheckedCounts(jobs: configuration.jobs.count)
        counts.accounts = found.targets.count
        counts.regions = regions.count
        let grouped = counts.accounts > 1 || counts.regions > 1
        // A note every account and Region gave is said once; any other is said with its scope.
        let noteCounts = Dictionary(
            reports.flatMap { Set($0.notes.map(\.description)) }.map { ($0, 1) }, uniquingKeysWith: +)
        var sharedNotes: [DigestText] = []
        var recoveries: [Recovery] = []
        for (slice, report) in zip(slices, reports) {
            findings += report.findings
            counts.stateMachines += report.checked.stateMachines
            counts.executions += report.checked.executions
            counts.alarms += report.checked.alarms
            counts.skipped += report.checked.skipped
            counts.ignored += report.checked.ignored
            recoveries += report.recoveries
            for note in report.notes {
                if !grouped || noteCounts[note.description] == reports.count {
                    if !sharedNotes.contains(note) { sharedNotes.append(note) }
                } else {
                    notes.append(.scoped("\(slice.target.name) \(slice.region)", note))
                }
            }
        }
        var report = CheckReport(
            window: window, findings: findings, checked: counts, notes: notes + sharedNotes, recoveries: recoveries,
            language: configuration.language)
        for target in found.targets { if let id = target.id { report.accountNames[id] = target.name } }
        if collectsTimeline {
            var timeline = TimelineData(now: now)
            for part in reports.compactMap(\.timeline) {
                timeline.rows += part.rows
                timeline.runs += part.runs
                timeline.occurrences += part.occurrences
                timeline.unlisted += part.unlisted
            }
            report.timeline = timeline
        }
        return report
    }

    /// The credentials for `target`: the base ones, or a role assumed (and cached) now.
    private enum Credentials: Sendable {
        /// The provider to sign with (`nil`: the base client signs nothing, so neither does this).
        case success((any CredentialProvider)?)
        case failure(Finding)
    }

    private func credentialProvider(for target: Target, now: Date) async -> Credentials {
        guard let roleArn = target.roleArn, let base = client.credentialProvider else {
            return .success(client.credentialProvider)
        }
        let provider = CachingCredentialProvider(
            AssumeRoleCredentialProvider(
                sts: client.with(credentialProvider: base), roleArn: roleArn, externalId: target.externalId?.revealed),
            clock: client.clock)
        do {
            _ = try await provider.credentials()
            return .success(provider)
        } catch {
            var finding = Finding.checkError(job: target.name, at: now, error: error)
            finding.cause = "\(target.name) could not be checked: assuming \(roleArn) failed: \(error)"
            finding.account = target.id
            finding.region = client.region
            return .failure(finding)
        }
    }

    /// Today's check in one account and Region; every finding carries both.
    private func check(
        _ target: Target, region: String, client: AWSClient, jobs: [BatchwatchConfiguration.Job],
        concurrency: Int, window: CheckWindow, now: Date
    ) async -> CheckReport {
        var sliceConfiguration = configuration
        sliceConfiguration.jobs = jobs
        sliceConfiguration.concurrency = concurrency
        var checker = Checker(
            configuration: sliceConfiguration, client: client,
            logger: logger)
        if let id = target.id { checker.account = (id, target.name) }
        checker.collectsTimeline = collectsTimeline
        let report = await checker.run(window: window, now: now)
        let several = configuration.checksOtherAccounts || regions.count > 1
        var findings =
            several
            ? Self.collapsedIfUnreadable(report.findings, target: target, region: region, at: now) : report.findings
        for index in findings.indices {
            findings[index].region = region
            findings[index].account = target.id ?? findings[index].executionArn.flatMap(FilterIgnored.account(inArn:))
        }
        if target.id == nil, let account = findings.lazy.compactMap(\.account).first {
            for index in findings.indices where findings[index].account == nil { findings[index].account = account }
        }
        let account = target.id ?? findings.lazy.compactMap(\.account).first
        let recoveries = report.recoveries.map { recovery in
            var recovery = recovery
            recovery.account = account
            recovery.region = region
            return recovery
        }
        var sliceReport = CheckReport(
            window: window, findings: findings, checked: report.checked, notes: report.notes, recoveries: recoveries,
            language: report.language)
        sliceReport.timeline = report.timeline.map {
            several ? Self.timeline($0, prefixedWith: "\(target.name) · \(region) · ") : $0
        }
        return sliceReport
    }

    /// `timeline` with each row named after its account and Region too.
    private static func timeline(_ timeline: TimelineData, prefixedWith prefix: String) -> TimelineData {
        var named = timeline
        named.rows = timeline.rows.map { prefix + $0 }
        named.runs = timeline.runs.map {
            var run = $0; run.row = prefix + run.row; return run
        }
        named.occurrences = timeline.occurrences.map {
            var occurrence = $0; occurrence.row = prefix + occurrence.row; return occurrence
        }
        named.unlisted = timeline.unlisted.map { prefix + $0 }
        return named
    }

    /// Error codes that say the credentials are not good in this account or Region at all (a Region
    /// that is not enabled, a session the Region does not know) or that the reads are denied.
    static let unreadableCodes: Set<String> = [
        "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired", "ExpiredToken",
        "ExpiredTokenException", "accessDenied",
    ]

    /// A slice whose state machine listing was denied, or whose credentials the Region does not
    /// know: its check_errors become one naming the account (a single denied API stays per job).
    static func collapsedIfUnreadable(_ findings: [Finding], target: Target, region: String, at now: Date) -> [Finding]
    {
        let errors = findings.filter { $0.kind == .checkError }
        func isDenial(_ finding: Finding) -> Bool {
            guard let code = finding.error else { return false }
            return unreadableCodes.contains(code) || AWSError.accessDeniedCodes.contains(code)
        }
        let listingDenied = errors.contains { $0.subject == .read(.stateMachines) && isDenial($0) }
        let unknownCredentials = errors.contains {
            ["UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired"].contains(
                $0.error ?? "")
        }
        guard listingDenied || unknownCredentials, let first = errors.first(where: isDenial) else { return findings }
        var finding = Finding(
            kind: .checkError, job: target.name, at: now, error: first.error,
            cause: "\(target.name) could not be read in \(region): \(first.cause ?? "denied")")
        finding.account = target.id
        finding.subject = .account
        return findings.filter { $0.kind != .checkError } + [finding]
    }
}

/// Which jobs are checked where: a job's ARN fixes its account and Region; otherwise its
/// `accounts` and `regions` (default: everywhere).
struct JobPlacement: Sendable {
    let jobs: [BatchwatchConfiguration.Job]

    func jobs(in target: AccountsChecker.Target, region: String) -> [BatchwatchConfiguration.Job] {
        jobs.filter { isPlaced($0, in: target, region: region) }
    }

    func isPlaced(_ job: BatchwatchConfiguration.Job, in target: AccountsChecker.Target, region: String) -> Bool {
        if case .arn = job.stateMachine {
            return job.stateMachine.region == region && (target.id == nil || job.stateMachine.account == target.id)
        }
        let inAccount = job.accounts.map { names in names.contains { $0 == target.name || $0 == target.id } } ?? true
        let inRegion = job.regions.map { $0.contains(region) } ?? true
        return inAccount && inRegion
    }

    /// A `check_error` for each job no checked account and Region takes: never a silent gap.
    func unplaced(in targets: [AccountsChecker.Target], regions: [String], at now: Date) -> [Finding] {
        guard !targets.isEmpty else { return [] }
        return jobs.filter { job in
            !targets.contains { target in regions.contains { isPlaced(job, in: target, region: $0) } }
        }
        .map { job in
            let place: String
            if case .arn = job.stateMachine {
                place =
                    "its state machine ARN is in account \(job.stateMachine.account ?? "?") and Region \(job.stateMachine.region ?? "?")"
            } else {
                place = "its accounts \(job.accounts ?? []) and regions \(job.regions ?? regions)"
            }
            return Finding(
                kind: .checkError, job: job.name, at: now, error: "NotChecked",
                cause: "\(job.name) was not checked: \(place) match no account and Region checked")
        }
    }
}

/// The ACTIVE accounts of the AWS Organization (organizations:ListAccounts, from the base account).
struct OrganizationAccounts: Sendable {
    /// Organizations is a global service, signed and served in us-east-1.
    static let region = "us-east-1"

    let client: AWSClient

    struct Account: Sendable, Equatable {
        var id: String
        var name: String
    }

    private struct Request: Encodable, Sendable {
        var NextToken: String?
    }

    private struct Page: Decodable, Sendable {
        struct Item: Decodable, Sendable {
            var Id: String
            var Name: String?
            var Status: String?
            var State: String?
        }
        var Accounts: [Item]?
        var NextToken: String?
    }

    func active() async throws -> [Account] {
        let organizations = client.with(credentialProvider: client.credentialProvider, region: Self.region)
        let items = try await organizations.jsonPages(
            .organizations, target: "ListAccounts", request: { Request(NextToken: $0) },
            nextToken: { (page: Page) in page.NextToken }
        ).collect { $0.Accounts ?? [] }
        return items.filter { ($0.State ?? $0.Status) == "ACTIVE" }.map { Account(id: $0.Id, name: $0.Name ?? $0.Id) }
    }
}
