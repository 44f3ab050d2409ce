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

    /// Creates a rule; a field left `nil` matches anything.
    public init(job: String? = nil, error: String? = nil, state: String? = nil, cause: String? = nil) {
        self.job = job
        self.error = error
        self.state = state
        self.cause = cause
    }

    /// Whether a finding with these values is ignored. A field the rule gives never matches a
    /// value the finding does not have.
    public func matches(job: String?, error: String?, state: String?, cause: String?) -> Bool {
        Self.field(self.job, matches: job) && Self.field(self.error, matches: error)
            && Self.field(self.state, matches: state) && Self.field(self.cause, matches: cause)
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
