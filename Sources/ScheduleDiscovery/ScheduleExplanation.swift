import Foundation
import Schedules

/// Why an expected start of a job may not have come, as AWS's own schedules tell it: the few
/// words a `missing` or `late` finding carries ("its rule default/nightly-etl is DISABLED",
/// "AWS now starts it at 03:00 Asia/Tokyo"). `nil` when AWS's schedules agree with the job.
public enum ScheduleExplanation {
    /// Explains the occurrence `expected` of a job whose machine AWS starts with `discovered`;
    /// times are shown in `timeZone` (the job's). `isLate`: the run came, after its grace.
    public static func explain(expected: Date, isLate: Bool, discovered: [DiscoveredSchedule], timeZone: TimeZone) -> String? {
        guard !discovered.isEmpty else { return "no EventBridge rule or Scheduler schedule starts it" }
        let enabled = discovered.filter(\.isEnabled)
        guard !enabled.isEmpty else {
            return discovered.map { "its \($0.source.kindName) \($0.source.qualifiedName) is \($0.state)" }.joined(separator: "; ")
        }
        let around = (from: expected.addingTimeInterval(-86_400), to: expected.addingTimeInterval(86_400))
        let starts = enabled.flatMap { schedule in
            schedule.occurrences(from: around.from, to: around.to).map { (instant: $0, schedule: schedule) }
        }
        if let same = starts.first(where: { $0.instant == expected }) {
            guard isLate, same.schedule.flexibleWindow > 0 else { return nil }
            let minutes = Int(same.schedule.flexibleWindow / 60)
            return "its \(same.schedule.source.kindName) \(same.schedule.source.qualifiedName) starts it within a \(minutes)-minute flexible window"
        }
        guard let nearest = starts.min(by: { abs($0.instant.timeIntervalSince(expected)) < abs($1.instant.timeIntervalSince(expected)) })
        else {
            return "AWS does not start it that day (" + enabled.map { "\($0.source.kindName) \($0.source.qualifiedName): \($0.expression)" }
                .joined(separator: ", ") + ")"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        formatter.dateFormat = calendar.isDate(nearest.instant, inSameDayAs: expected) ? "HH:mm" : "yyyy-MM-dd HH:mm"
        return "AWS now starts it at \(formatter.string(from: nearest.instant)) \(timeZone.identifier)"
    }
}

extension DiscoveredSchedule.Source {
    /// `rule` or `schedule`.
    public var kindName: String {
        switch self {
        case .rule: "rule"
        case .schedule: "schedule"
        }
    }

    /// The event bus and rule name (`default/nightly-etl`: rules are read on the default bus), or
    /// the schedule's group and name.
    public var qualifiedName: String {
        switch self {
        case .rule(let name): "default/\(name)"
        case .schedule(let group, let name): "\(group)/\(name)"
        }
    }
}
