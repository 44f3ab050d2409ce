/// What the parser read from the fields of an EventBridge `cron(...)`, for code that rewrites one
/// (e.g. into another time zone) without parsing the fields again.
public struct EventBridgeCronFields: Sendable, Hashable {
    /// Minutes 0-59 the schedule runs at, in every hour it runs.
    public let minutes: Set<Int>
    /// Hours 0-23 the schedule runs in.
    public let hours: Set<Int>
    /// Whether day-of-month is written `*` (every day of every month).
    public let isDayOfMonthWildcard: Bool
    /// Whether day-of-week is written `*` (every day of the week).
    public let isDayOfWeekWildcard: Bool
    /// Whether month is written `*`.
    public let isMonthWildcard: Bool
    /// Whether year is written `*`.
    public let isYearWildcard: Bool
    /// The weekdays (0 = Sunday … 6 = Saturday) day-of-week selects, when it is only numbers, names,
    /// ranges, lists and steps; `nil` when it is `?` or uses `L`, `nL` or `n#k`.
    public let plainWeekdays: Set<Int>?
}
