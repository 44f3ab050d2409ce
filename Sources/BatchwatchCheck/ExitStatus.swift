/// The exit statuses of the README, for cron and scripts.
public enum ExitStatus: Int32, Sendable {
    /// Everything was checked and nothing is wrong.
    case ok = 0
    /// Problems were found (and delivered where configured).
    case problems = 1
    /// Usage or configuration error: nothing was checked.
    case usageOrConfiguration = 2
    /// The check is incomplete, or a digest could not be delivered. Outranks `problems`.
    case incomplete = 3

    /// The status of a finished run: 3 outranks 1.
    public init(report: CheckReport) {
        if report.status == .incomplete || report.delivery.contains(where: { !$0.ok }) {
            self = .incomplete
        } else {
            self = report.status == .problems ? .problems : .ok
        }
    }
}
