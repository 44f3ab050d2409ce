import Foundation

/// One entry of `ignore`: a finding is dropped when every field the rule gives matches.
///
/// Fields are globs: `*` matches any run of characters (also none), `?` exactly one;
/// everything else matches itself, case-sensitively.
public struct IgnoreRule: Sendable, Equatable {
    /// `job`: the job's (or alarm's) name.
    public var job: String?
    /// `error`: the execution's error, e.g. `States.Timeout`.
    public var error: String?
    /// `state`: the state that failed.
    public var state: String?
    /// `cause`: the execution's cause text.
    public var cause: String?
    /// `kind`: the finding's kind (`late`, `timed_out`, …).
    public var kind: String?
    /// `account`: the 12-digit account the finding was found in, as far as it is known.
    public var account: String?
    /// `region`: the Region the finding was found in.
    public var region: String?
    /// `until`: the rule hides nothing from this instant on; `nil` means for ever.
    public var until: Expiry?
    /// `reason`: why the rule exists, shown wherever the rule is mentioned.
    public var reason: String?

    /// Creates a rule; a field left `nil` matches anything.
    public init(
        job: String? = nil, error: String? = nil, state: String? = nil, cause: String? = nil, kind: String? = nil,
        account: String? = nil, region: String? = nil, until: Expiry? = nil, reason: String? = nil
    ) {
        self.job = job
        self.error = error
        self.state = state
        self.cause = cause
        self.kind = kind
        self.account = account
        self.region = region
        self.until = until
        self.reason = reason
    }

    /// The finding kinds a `kind` glob may name: the `kind` strings of the JSON document.
    public static let findingKinds = [
        "failed", "timed_out", "aborted", "missing", "late", "running_long", "deadline_missed", "alarm", "check_error",
    ]

    /// When a rule stops hiding findings, and how the configuration wrote it.
    public struct Expiry: Sendable, Equatable {
        /// The first instant at which the rule no longer holds.
        public var instant: Date
        /// `2026-12-31` (the rule holds through that day) or the ISO instant as written.
        public var text: String
        /// Whether `text` is a date (`expired on …`) rather than an instant (`expired at …`).
        public var isDay: Bool

        public init(instant: Date, text: String, isDay: Bool) {
            self.instant = instant
            self.text = text
            self.isDay = isDay
        }
    }

    /// Whether the rule has expired at `now`: it then hides nothing.
    public func isExpired(at now: Date) -> Bool {
        guard let until else { return false }
        return now >= until.instant
    }

    /// How the digest and `validate` name the rule: "ignore rule for billing-sync (vendor API migration)".
    public var title: String {
        "ignore rule for \(subject)" + (reason.map { " (\($0))" } ?? "")
    }

    /// What the rule is about: its job, or its other fields ("kind late, error States.Timeout").
    public var subject: String {
        job
            ?? [
                ("kind", kind), ("error", error), ("state", state), ("cause", cause), ("account", account),
                ("region", region),
            ]
            .compactMap { key, value in value.map { "\(key) \($0)" } }.joined(separator: ", ")
    }

    /// The note a check prints once when the rule has expired:
    /// "ignore rule for billing-sync (vendor API migration) expired on 2026-12-31".
    public var expiryNote: String? {
        guard let until else { return nil }
        return "\(title) expired \(until.isDay ? "on" : "at") \(until.text)"
    }

    /// Whether a finding with these values is ignored (expiry aside: see `isExpired(at:)`). A
    /// field the rule gives never matches a value the finding does not have, so a rule with
    /// `account` never hides a finding whose account is not known.
    public func matches(
        job: String?, error: String?, state: String?, cause: String?, kind: String?, account: String?, region: String?
    ) -> Bool {
        Self.field(self.job, matches: job) && Self.field(self.error, matches: error)
            && Self.field(self.state, matches: state) && Self.field(self.cause, matches: cause)
            && Self.field(self.kind, matches: kind) && Self.field(self.account, matches: account)
            && Self.field(self.region, matches: region)
    }

    /// Whether a finding with these values, and no known kind, account or Region, is ignored.
    public func matches(job: String?, error: String?, state: String?, cause: String?) -> Bool {
        matches(job: job, error: error, state: state, cause: cause, kind: nil, account: nil, region: nil)
    }

    private static func field(_ pattern: String?, matches value: String?) -> Bool {
        guard let pattern else { return true }
        guard let value else { return false }
        return globMatches(pattern: pattern, text: value)
    }

    /// Whether `text` matches the glob `pattern` (`*` and `?`), by linear backtracking over the
    /// last `*` only, so no pattern can take exponential time.
    public static func globMatches(pattern: String, text: String) -> Bool {
        let pattern = Array(pattern)
        let text = Array(text)
        var p = 0
        var t = 0
        var lastStar: Int?
        var textAtStar = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                lastStar = p
                textAtStar = t
                p += 1
            } else if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star = lastStar {
                p = star + 1
                textAtStar += 1
                t = textAtStar
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
