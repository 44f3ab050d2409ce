import BatchwatchConfig
import Foundation

/// The last step: drops the findings an `ignore` rule matches (a rule's `cause` glob is tried on
/// the cause and on its message). A check_error is never dropped. A rule past its `until` at
/// `now` drops nothing, and is named once in the notes.
struct FilterIgnored: Sendable {
    let rules: [IgnoreRule]
    var now: Date = .distantPast
    /// The Region every finding of this check was found in.
    var region: String?
    /// The account of each job and state machine, by name, from the ARNs the check resolved.
    var accounts: [String: String] = [:]
    /// The account every finding of this check was found in, by id and name, when it is known;
    /// a rule's `account` may name either.
    var account: (id: String, name: String)?

    /// The findings kept, how many were dropped, and a note for each expired rule.
    func run(_ findings: [Finding]) -> (kept: [Finding], ignored: Int, notes: [DigestText]) {
        let active = rules.filter { !$0.isExpired(at: now) }
        let kept = findings.filter { finding in
            finding.kind == .checkError
                || !active.contains { rule in
                    [finding.cause, finding.message].contains { text in
                        accountReferences(of: finding).contains { account in
                            rule.matches(
                                job: finding.job, error: finding.error, state: finding.state, cause: text,
                                kind: finding.kind.rawValue,
                                account: account, region: region)
                        }
                    }
                }
        }
        let notes = rules.filter { $0.isExpired(at: now) }.compactMap { rule in
            rule.until.map {
                DigestText.ignoreRuleExpired(
                    subject: rule.subject, reason: rule.reason, until: $0.text, isDay: $0.isDay)
            }
        }
        return (kept, findings.count - kept.count, notes)
    }

    /// The 12-digit account of the finding's execution, else of its job's state machine; `nil` when
    /// neither is known (an alarm).
    func account(of finding: Finding) -> String? {
        if let arn = finding.executionArn, let account = Self.account(inArn: arn) { return account }
        return accounts[finding.job]
    }

    /// The id and the name of the finding's account, as far as they are known (`[nil]` when not).
    func accountReferences(of finding: Finding) -> [String?] {
        guard let account else { return [self.account(of: finding)] }
        return account.name == account.id ? [account.id] : [account.id, account.name]
    }

    /// The account field of an ARN, when it is 12 digits.
    static func account(inArn arn: String) -> String? {
        let fields = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count > 4, fields[4].count == 12, fields[4].allSatisfy(\.isNumber) else { return nil }
        return String(fields[4])
    }
}

extension FilterIgnored {
    /// The account of every target machine and of the jobs on it, by name.
    static func accounts(of targets: [CheckTarget]) -> [String: String] {
        var accounts: [String: String] = [:]
        for target in targets {
            guard let account = account(inArn: target.arn) else { continue }
            accounts[target.name] = account
            for job in target.jobs { accounts[job.name] = account }
        }
        return accounts
    }
}
