import Foundation
import Schedules
import Testing

/// Day rules, names, steps and years, all in UTC (2026-01-01 is a Thursday).
@Suite struct CalendarRuleTests {
    @Test func nearestWeekday() throws {
        // 15 Feb and 15 Mar 2026 are Sundays: Monday the 16th.
        #expect(
            try occurrences("cron(0 12 15W * ? 2026)", from: "2026-02-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == instants(["2026-02-16T12:00:00Z", "2026-03-16T12:00:00Z"]))
        // 15 Aug 2026 is a Saturday: Friday the 14th.
        #expect(
            try occurrences("cron(0 12 15W * ? 2026)", from: "2026-08-01T00:00:00Z", to: "2026-09-01T00:00:00Z")
                == [instant("2026-08-14T12:00:00Z")])
        // 1 Aug 2026 is a Saturday: Monday the 3rd, never back into July.
        #expect(
            try Schedule(parsing: "cron(0 12 1W * ? *)")
                .nextOccurrences(after: instant("2026-07-15T00:00:00Z"), count: 2, in: zone("UTC"))
                == instants(["2026-08-03T12:00:00Z", "2026-09-01T12:00:00Z"]))
        // 31W: no 31st in April; 31 May 2026 is a Sunday and the last day: Friday the 29th.
        #expect(
            try occurrences("cron(0 0 31W * ? *)", from: "2026-04-01T00:00:00Z", to: "2026-06-01T00:00:00Z")
                == [instant("2026-05-29T00:00:00Z")])
    }

    @Test func lastWeekdayAndLastDayLessN() throws {
        #expect(
            try occurrences("cron(0 18 LW * ? *)", from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z")
                == instants([
                    "2026-01-30T18:00:00Z", "2026-02-27T18:00:00Z", "2026-03-31T18:00:00Z",
                    "2026-04-30T18:00:00Z", "2026-05-29T18:00:00Z",
                ]))
        #expect(
            try occurrences("cron(0 0 L-2 * ? *)", from: "2026-02-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == instants(["2026-02-26T00:00:00Z", "2026-03-29T00:00:00Z"]))
    }

    @Test func nthWeekdayOfMonth() throws {
        #expect(
            try occurrences("cron(0 10 ? * MON#1 *)", from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == instants(["2026-01-05T10:00:00Z", "2026-02-02T10:00:00Z", "2026-03-02T10:00:00Z"]))
        // A fifth Monday only in some months.
        #expect(
            try Schedule(parsing: "cron(0 10 ? * 2#5 *)")
                .nextOccurrences(after: instant("2026-01-01T00:00:00Z"), count: 3, in: zone("UTC"))
                == instants(["2026-03-30T10:00:00Z", "2026-06-29T10:00:00Z", "2026-08-31T10:00:00Z"]))
    }

    @Test func lastWeekdayOfMonth() throws {
        let lastFridays = instants(["2026-01-30T22:00:00Z", "2026-02-27T22:00:00Z", "2026-03-27T22:00:00Z"])
        #expect(
            try occurrences("cron(0 22 ? * 6L *)", from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == lastFridays)
        #expect(
            try occurrences("cron(0 22 ? * FRIL *)", from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == lastFridays)
        // L alone in day-of-week is its last day, Saturday.
        #expect(
            try occurrences("cron(0 0 ? * L *)", from: "2026-01-01T00:00:00Z", to: "2026-01-18T00:00:00Z")
                == instants(["2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-17T00:00:00Z"]))
    }

    @Test func namesAndRanges() throws {
        // Weekdays of January to March, case-insensitive names; 1-7 is SUN-SAT.
        let weekdays = try occurrences(
            "cron(0 8 ? jan-MAR Mon-FRI 2026)", from: "2026-03-25T00:00:00Z", to: "2026-04-03T00:00:00Z")
        #expect(
            weekdays
                == instants([
                    "2026-03-25T08:00:00Z", "2026-03-26T08:00:00Z", "2026-03-27T08:00:00Z",
                    "2026-03-30T08:00:00Z", "2026-03-31T08:00:00Z",
                ]))
        #expect(
            try occurrences("cron(0 8 ? 1-3 2-6 2026)", from: "2026-03-25T00:00:00Z", to: "2026-04-03T00:00:00Z")
                == weekdays)
    }

    @Test func steps() throws {
        #expect(
            try occurrences("cron(0/15 9 * * ? *)", from: "2026-05-01T00:00:00Z", to: "2026-05-02T00:00:00Z")
                == instants([
                    "2026-05-01T09:00:00Z", "2026-05-01T09:15:00Z", "2026-05-01T09:30:00Z", "2026-05-01T09:45:00Z",
                ]))
        #expect(
            try occurrences("5-20/5 */8 * * *", from: "2026-05-01T00:00:00Z", to: "2026-05-01T09:00:00Z")
                == instants([
                    "2026-05-01T00:05:00Z", "2026-05-01T00:10:00Z", "2026-05-01T00:15:00Z", "2026-05-01T00:20:00Z",
                    "2026-05-01T08:05:00Z", "2026-05-01T08:10:00Z", "2026-05-01T08:15:00Z", "2026-05-01T08:20:00Z",
                ]))
        // 45/10 runs from 45 to the end of the hour.
        #expect(
            try occurrences("45/10 3 * * *", from: "2026-05-01T00:00:00Z", to: "2026-05-02T00:00:00Z")
                == instants(["2026-05-01T03:45:00Z", "2026-05-01T03:55:00Z"]))
    }

    @Test func yearRangesAndLists() throws {
        let newYears = try Schedule(parsing: "cron(0 0 1 1 ? 2026-2027,2029)")
        #expect(
            newYears.nextOccurrences(after: instant("2025-06-01T00:00:00Z"), count: 5, in: zone("UTC"))
                == instants(["2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "2029-01-01T00:00:00Z"]))
        #expect(
            try occurrences("cron(0 0 1 1 ? 2030/5)", from: "2029-01-01T00:00:00Z", to: "2041-01-01T00:00:00Z")
                == instants(["2030-01-01T00:00:00Z", "2035-01-01T00:00:00Z", "2040-01-01T00:00:00Z"]))
    }

    @Test func vixieDayOfMonthOrDayOfWeek() throws {
        // Both restricted: the 13th or any Friday (April 2026: Fridays 3, 10, 17, 24; the 13th is a Monday).
        #expect(
            try occurrences("0 0 13 * 5", from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z")
                == instants([
                    "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z",
                    "2026-04-17T00:00:00Z", "2026-04-24T00:00:00Z",
                ]))
        // A day field starting with '*' is unrestricted, so both must match: odd days that are Fridays.
        #expect(
            try occurrences("0 0 */2 * fri", from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z")
                == instants(["2026-04-03T00:00:00Z", "2026-04-17T00:00:00Z"]))
        // 0 and 7 are both Sunday; 5-7 is Friday to Sunday.
        #expect(
            try occurrences("0 0 * * 0,7", from: "2026-04-01T00:00:00Z", to: "2026-04-20T00:00:00Z")
                == instants(["2026-04-05T00:00:00Z", "2026-04-12T00:00:00Z", "2026-04-19T00:00:00Z"]))
        #expect(
            try occurrences("0 0 * * 5-7", from: "2026-04-01T00:00:00Z", to: "2026-04-07T00:00:00Z")
                == instants(["2026-04-03T00:00:00Z", "2026-04-04T00:00:00Z", "2026-04-05T00:00:00Z"]))
    }

    @Test func nextOccurrencesIsStrictAndCounts() throws {
        let hourly = try Schedule(parsing: "0 * * * *")
        let utc = zone("UTC")
        #expect(
            hourly.nextOccurrences(after: instant("2026-05-01T10:00:00Z"), count: 3, in: utc)
                == instants(["2026-05-01T11:00:00Z", "2026-05-01T12:00:00Z", "2026-05-01T13:00:00Z"]))
        #expect(
            hourly.nextOccurrences(after: instant("2026-05-01T09:59:59Z"), count: 1, in: utc)
                == [instant("2026-05-01T10:00:00Z")])
        #expect(hourly.nextOccurrences(after: instant("2026-05-01T10:00:00Z"), count: 0, in: utc) == [])
        // Across the New York fall-back night a repeated wall time comes once, in order.
        #expect(
            try Schedule(parsing: "cron(30 * * * ? *)")
                .nextOccurrences(after: instant("2026-11-01T04:45:00Z"), count: 3, in: zone("America/New_York"))
                == instants(["2026-11-01T05:30:00Z", "2026-11-01T07:30:00Z", "2026-11-01T08:30:00Z"]))
        // 31 February never comes.
        #expect(
            try Schedule(parsing: "0 0 31 2 *").nextOccurrences(
                after: instant("2026-01-01T00:00:00Z"), count: 1, in: utc)
                == [])
    }

    @Test func occurrencesAreHalfOpen() throws {
        #expect(
            try occurrences("0 * * * *", from: "2026-05-01T10:00:00Z", to: "2026-05-01T12:00:00Z")
                == instants(["2026-05-01T10:00:00Z", "2026-05-01T11:00:00Z"]))
        #expect(try occurrences("0 * * * *", from: "2026-05-01T12:00:00Z", to: "2026-05-01T10:00:00Z") == [])
    }

    @Test func everyFiveMinutesForAMonthIsFast() throws {
        let schedule = try Schedule(parsing: "*/5 * * * *")
        let clock = ContinuousClock()
        var result: [Date] = []
        let elapsed = clock.measure {
            result = schedule.occurrences(
                from: instant("2026-10-15T00:00:00-04:00"), to: instant("2026-11-15T00:00:00-05:00"),
                in: zone("America/New_York"))
        }
        // 31 days of 288, plus the 12 of the repeated hour.
        #expect(result.count == 31 * 288 + 12)
        #expect(elapsed < .milliseconds(500))
    }
}
