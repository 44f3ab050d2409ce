import Foundation
import Schedules
import Testing

@testable import ScheduleDiscovery

/// An instant written in UTC, `2026-11-20T00:00:00`.
func utc(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text + "Z") else { fatalError("bad test instant \(text)") }
    return date
}

func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("unknown zone \(identifier)") }
    return zone
}

let referenceDate = utc("2026-11-20T00:00:00")
let utcZone = zone("UTC")
let tokyo = zone("Asia/Tokyo")
let newYork = zone("America/New_York")

@Suite struct ConversionTests {
    func convert(_ expression: String, to target: TimeZone, from source: TimeZone = utcZone) -> String? {
        CronZoneConversion.convert(expression, from: source, to: target, around: referenceDate)
    }

    @Test func utcCronMovesIntoTokyoByNineHours() {
        #expect(convert("cron(0 17 * * ? *)", to: tokyo) == "cron(0 2 * * ? *)")
        #expect(convert("cron(15 1 1 * ? *)", to: tokyo) == "cron(15 10 1 * ? *)")
    }

    @Test func crossingMidnightRotatesTheDaysOfWeek() {
        #expect(convert("cron(30 20 ? * MON-FRI *)", to: tokyo) == "cron(30 5 ? * TUE-SAT *)")
        #expect(convert("cron(0 22 ? * 7,1 *)", to: tokyo) == "cron(0 7 ? * SUN,MON *)")
        // Backwards, into a zone west of UTC without daylight saving (UTC-5 all year).
        #expect(convert("cron(0 3 ? * SUN *)", to: zone("America/Panama")) == "cron(0 22 ? * SAT *)")
    }

    @Test func everyDaySchedulesMayCrossMidnightFreely() {
        #expect(convert("cron(0 */6 * * ? *)", to: tokyo) == "cron(0 3-21/6 * * ? *)")
        #expect(convert("cron(0 * * * ? *)", to: tokyo) == "cron(0 * * * ? *)")
    }

    @Test func halfAndQuarterHourOffsetsMoveTheMinutes() {
        #expect(convert("cron(0 2 * * ? *)", to: zone("Asia/Kolkata")) == "cron(30 7 * * ? *)")
        #expect(convert("cron(0,30 * * * ? *)", to: zone("Asia/Kathmandu")) == "cron(15,45 * * * ? *)")
        // 02:00 and 02:10 become 07:45 and 07:55, but 02:20 becomes 08:05: no longer hours × minutes.
        #expect(convert("cron(0,10,20 2 * * ? *)", to: zone("Asia/Kathmandu")) == nil)
    }

    @Test func crossingMidnightIsRefusedWhenDayOfMonthMonthOrYearIsRestricted() {
        #expect(convert("cron(0 20 1 * ? *)", to: tokyo) == nil)
        #expect(convert("cron(0 20 L * ? *)", to: tokyo) == nil)
        #expect(convert("cron(0 20 * 1 ? *)", to: tokyo) == nil)
        #expect(convert("cron(0 20 * * ? 2027)", to: tokyo) == nil)
        #expect(convert("cron(0 1 * * ? 2027)", to: tokyo) == "cron(0 10 * * ? 2027)")
    }

    @Test func crossingMidnightIsRefusedForNthAndLastWeekdaysAndMixedShifts() {
        #expect(convert("cron(0 20 ? * 2#1 *)", to: tokyo) == nil)
        #expect(convert("cron(0 20 ? * 6L *)", to: tokyo) == nil)
        // 00:00 and 06:00 stay on Monday, 18:00 moves to Tuesday.
        #expect(convert("cron(0 */6 ? * MON *)", to: tokyo) == nil)
    }

    @Test func zonesWithDaylightSavingAreNeverConverted() {
        #expect(convert("cron(0 17 * * ? *)", to: newYork) == nil)
        #expect(convert("cron(0 2 * * ? *)", to: tokyo, from: newYork) == nil)
        #expect(CronZoneConversion.fixedOffset(of: newYork, around: referenceDate) == nil)
        #expect(CronZoneConversion.fixedOffset(of: zone("Europe/London"), around: referenceDate) == nil)
        #expect(CronZoneConversion.fixedOffset(of: tokyo, around: referenceDate) == 9 * 3600)
        #expect(CronZoneConversion.fixedOffset(of: utcZone, around: referenceDate) == 0)
    }

    @Test func jobScheduleConvertsOrKeepsTheZone() throws {
        let rule = try discovered(.rule(name: "nightly"), "cron(0 17 * * ? *)", in: utcZone)
        #expect(
            CronZoneConversion.jobSchedule(for: rule, configurationZone: tokyo, now: referenceDate)
                == JobScheduleText(expression: "cron(0 2 * * ? *)", timeZone: nil))
        let kept = CronZoneConversion.jobSchedule(for: rule, configurationZone: newYork, now: referenceDate)
        #expect(kept.expression == "cron(0 17 * * ? *)")
        #expect(kept.timeZone.map { CronZoneConversion.sameZone($0, utcZone) } == true)

        let monthly = try discovered(.rule(name: "monthly"), "cron(0 20 1 * ? *)", in: utcZone)
        let refused = CronZoneConversion.jobSchedule(for: monthly, configurationZone: tokyo, now: referenceDate)
        #expect(refused.expression == "cron(0 20 1 * ? *)")
        #expect(refused.timeZone.map { CronZoneConversion.sameZone($0, utcZone) } == true)

        let sameZone = try discovered(.schedule(group: "default", name: "s"), "cron(0 2 * * ? *)", in: tokyo)
        #expect(
            CronZoneConversion.jobSchedule(for: sameZone, configurationZone: tokyo, now: referenceDate)
                == JobScheduleText(expression: "cron(0 2 * * ? *)", timeZone: nil))
        let newYorkSchedule = try discovered(.schedule(group: "default", name: "s"), "cron(0 2 * * ? *)", in: newYork)
        #expect(
            CronZoneConversion.jobSchedule(for: newYorkSchedule, configurationZone: tokyo, now: referenceDate)
                == JobScheduleText(expression: "cron(0 2 * * ? *)", timeZone: newYork))

        let rate = try discovered(.rule(name: "hourly"), "rate(1 hour)", in: utcZone)
        #expect(
            CronZoneConversion.jobSchedule(for: rate, configurationZone: newYork, now: referenceDate)
                == JobScheduleText(expression: "rate(1 hour)", timeZone: nil))
    }
}

/// A discovered schedule for tests, enabled unless `state` says otherwise.
func discovered(
    _ source: DiscoveredSchedule.Source, _ expression: String, in timeZone: TimeZone, window: TimeInterval = 0,
    state: ScheduleState = .enabled, machine: String = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
) throws -> DiscoveredSchedule {
    let (schedule, reason) = ScheduleDiscoverer.parse(expression)
    return DiscoveredSchedule(
        source: source, stateMachineArn: machine, expression: expression, schedule: schedule, unusableReason: reason,
        timeZone: timeZone, flexibleWindow: window, state: state)
}
