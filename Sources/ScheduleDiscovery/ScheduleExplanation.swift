import Foundation
import Schedules

/// Why an expected start of a job may not have come, as AWS's own schedules tell it: what a
/// `missing` or `late` finding adds ("its rule default/nightly-etl is DISABLED", "AWS now starts
/// it at 03:00 Asia/Tokyo"). `nil` when AWS's schedules agree with the job. The reason is a value;
/// the digests put it in words, in their language.
public enum ScheduleExplanation {
    /// A rule or schedule, and what is said of it: its state, or its expression.
    public struct Mention: Sendable, Equatable {
        public var source: DiscoveredSchedule.Source
        public var detail: String

        public init(source: DiscoveredSchedule.Source, detail: String) {
            self.source = source
            self.detail = detail
        }
    }

    public enum Reason: Sendable, Equatable {
        /// No EventBridge rule or Scheduler schedule starts the machine.
        case noSchedule
        /// Every one that starts it is not enabled; each mention gives its state (`DISABLED`).
        case notEnabled([Mention])
        /// It starts it at that time, within a flexible window of `minutes`.
        case flexibleWindow(DiscoveredSchedule.Source, minutes: Int)
        /// None starts it within a day of the expected start; each mention gives its expression.
        case notThatDay([Mention])
        /// AWS starts it at another time: `time` (`03:00`, or `2026-11-21 03:00` on another day) in `zone`.
        case startsAt(time: String, zone: String)
    }

    /// Explains the occurrence `expected` of a job whose machine AWS starts with `discovered`;
    /// times are shown in `timeZone` (the job's). `isLate`: the run came, after its grace.
    public static func explain(
        expected: Date, isLate: Bool, discovered: [DiscoveredSchedule], timeZone: TimeZone
    ) -> Reason? {
        guard !discovered.isEmpty else { return .noSchedule }
        let enabled = discovered.filter(\.isEnabled)
        guard !enabled.isEmpty else {
            return .notEnabled(discovered.map { Mention(source: $0.source, detail: "\($0.state)") })
        }
        let around = (from: expected.addingTimeInterval(-86_400), to: expected.addingTimeInterval(86_400))
        let starts = enabled.flatMap { schedule in
            schedule.occurrences(from: around.from, to: around.to).map { (instant: $0, schedule: schedule) }
        }
        if let same = starts.first(where: { $0.instant == expected }) {
            guard isLate, same.schedule.flexibleWindow > 0 else { return nil }
            return .flexibleWindow(same.schedule.source, minutes: Int(same.schedule.flexibleWindow / 60))
        }
        guard
            let nearest = starts.min(by: {
                abs($0.instant.timeIntervalSince(expected)) < abs($1.instant.timeIntervalSince(expected))
            })
        else {
            return .notThatDay(enabled.map { Mention(source: $0.source, detail: $0.expression) })
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        formatter.dateFormat = calendar.isDate(nearest.instant, inSameDayAs: expected) ? "HH:mm" : "yyyy-MM-dd HH:mm"
        return .startsAt(time: formatter.string(from: nearest.instant), zone: timeZone.identifier)
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
