import Foundation
import Schedules
import Testing

/// EventBridge Scheduler's daylight-saving rules, and Unix cron's (Vixie cron, cronie) for
/// wildcard jobs (minute or hour field starting with `*`) and fixed-time jobs (any other).
@Suite struct NewYorkDaylightSavingTests {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT. The local day is 05:00Z to 04:00Z (23 hours).
    static let springDay = ("2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00")
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST. The local day is 04:00Z to 05:00Z (25 hours).
    static let fallDay = ("2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00")

    static let springHours = instants([
        "2026-03-08T05:00:00Z", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z",
        "2026-03-08T09:00:00Z", "2026-03-08T10:00:00Z", "2026-03-08T11:00:00Z", "2026-03-08T12:00:00Z",
        "2026-03-08T13:00:00Z", "2026-03-08T14:00:00Z", "2026-03-08T15:00:00Z", "2026-03-08T16:00:00Z",
        "2026-03-08T17:00:00Z", "2026-03-08T18:00:00Z", "2026-03-08T19:00:00Z", "2026-03-08T20:00:00Z",
        "2026-03-08T21:00:00Z", "2026-03-08T22:00:00Z", "2026-03-08T23:00:00Z", "2026-03-09T00:00:00Z",
        "2026-03-09T01:00:00Z", "2026-03-09T02:00:00Z", "2026-03-09T03:00:00Z",
    ])

    static let fallHours = instants([
        "2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z",
        "2026-11-01T08:00:00Z", "2026-11-01T09:00:00Z", "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z",
        "2026-11-01T12:00:00Z", "2026-11-01T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-01T15:00:00Z",
        "2026-11-01T16:00:00Z", "2026-11-01T17:00:00Z", "2026-11-01T18:00:00Z", "2026-11-01T19:00:00Z",
        "2026-11-01T20:00:00Z", "2026-11-01T21:00:00Z", "2026-11-01T22:00:00Z", "2026-11-01T23:00:00Z",
        "2026-11-02T00:00:00Z", "2026-11-02T01:00:00Z", "2026-11-02T02:00:00Z", "2026-11-02T03:00:00Z",
        "2026-11-02T04:00:00Z",
    ])

    func onSpringDay(_ expression: String) throws -> [Date] {
        try occurrences(expression, from: Self.springDay.0, to: Self.springDay.1, in: "America/New_York")
    }

    func onFallDay(_ expression: String) throws -> [Date] {
        try occurrences(expression, from: Self.fallDay.0, to: Self.fallDay.1, in: "America/New_York")
    }

    @Test func unixHourlySkipsTheMissingHourAndRunsInBothCopiesOfTheRepeatedOne() throws {
        #expect(try onSpringDay("0 * * * *") == Self.springHours)
        #expect(Self.springHours.count == 23)
        #expect(try onFallDay("0 * * * *") == Self.fallHours)
        #expect(Self.fallHours.count == 25)
    }

    @Test func eventBridgeHourlyRunsOnceInTheRepeatedHour() throws {
        #expect(try onSpringDay("cron(0 * * * ? *)") == Self.springHours)
        let fall = try onFallDay("cron(0 * * * ? *)")
        #expect(fall.count == 24)
        // 01:00 EST (06:00Z), the second copy of 01:00, is left out.
        #expect(fall == Self.fallHours.filter { $0 != instant("2026-11-01T06:00:00Z") })
    }

    @Test func eventBridgeDailyJobInTheMissingHourSkipsThatDayOnly() throws {
        let result = try occurrences(
            "cron(30 2 * * ? *)", from: "2026-03-07T00:00:00-05:00", to: "2026-03-10T00:00:00-04:00",
            in: "America/New_York")
        #expect(result == instants(["2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z"]))
    }

    @Test func unixFixedTimeInTheMissingHourCatchesUpAtTheChange() throws {
        // 2025-03-09: 02:30 does not exist; cronie runs the job at 03:00 EDT (07:00Z).
        let result = try occurrences(
            "30 2 * * *", from: "2025-03-08T00:00:00-05:00", to: "2025-03-11T00:00:00-04:00", in: "America/New_York")
        #expect(result == instants(["2025-03-08T07:30:00Z", "2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z"]))
        #expect(try onSpringDay("30 2 * * *") == [instant("2026-03-08T07:00:00Z")])
        // Ranges, lists and steps that do not start with `*` are fixed times too.
        #expect(
            try onSpringDay("0 1-5/2 * * *")
                == instants([
                    "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T09:00:00Z",
                ]))
        #expect(try onSpringDay("5/10 2 * * *") == [instant("2026-03-08T07:00:00Z")])
        // Wildcard jobs have nothing in the missing hour.
        #expect(try onSpringDay("*/30 2 * * *") == [])
        #expect(try onSpringDay("30 * * * *").count == 23)
    }

    @Test func severalFixedTimesInTheMissingHourAreOneRun() throws {
        #expect(try onSpringDay("0,20,40 2 * * *") == [instant("2026-03-08T07:00:00Z")])
        // 02:00 and 02:30 catch up at 03:00 EDT, which is also the job's own 03:00: one run.
        #expect(try onSpringDay("0,30 2,3 * * *") == instants(["2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"]))
    }

    @Test func nextStartsIncludeTheCatchUpRun() throws {
        let next = try Schedule(parsing: "30 2 * * *")
            .nextOccurrences(after: instant("2025-03-08T12:00:00-05:00"), count: 2, in: zone("America/New_York"))
        #expect(next == instants(["2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z"]))
        let eventBridge = try Schedule(parsing: "cron(30 2 * * ? *)")
            .nextOccurrences(after: instant("2025-03-08T12:00:00-05:00"), count: 2, in: zone("America/New_York"))
        #expect(eventBridge == instants(["2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z"]))
    }

    @Test func fixedTimeInTheRepeatedHourRunsOnceAtItsFirstInstant() throws {
        #expect(try onFallDay("cron(30 1 * * ? *)") == [instant("2026-11-01T05:30:00Z")])
        #expect(try onFallDay("30 1 * * *") == [instant("2026-11-01T05:30:00Z")])
    }

    @Test func unixStepInTheRepeatedHourRunsInBothCopies() throws {
        #expect(
            try onFallDay("*/30 1 * * *")
                == instants([
                    "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z",
                ]))
        // The same minutes written as a list are fixed times: first copy only.
        #expect(try onFallDay("0,30 1 * * *") == instants(["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z"]))
    }

    @Test func unixStepThatDoesNotStartWithAStarIsAFixedTime() throws {
        // 01:00 EDT (05:00Z), 03:00 EST (08:00Z), 05:00 EST (10:00Z): not the second 01:00 (06:00Z).
        #expect(
            try onFallDay("0 1-5/2 * * *")
                == instants([
                    "2026-11-01T05:00:00Z", "2026-11-01T08:00:00Z", "2026-11-01T10:00:00Z",
                ]))
        #expect(
            try onFallDay("5/10 1 * * *")
                == instants([
                    "2026-11-01T05:05:00Z", "2026-11-01T05:15:00Z", "2026-11-01T05:25:00Z",
                    "2026-11-01T05:35:00Z", "2026-11-01T05:45:00Z", "2026-11-01T05:55:00Z",
                ]))
        // `*` inside a list does not make a wildcard job: only a field that starts with it.
        #expect(
            try onFallDay("15,*/20 1,2 * * *")
                == instants([
                    "2026-11-01T05:00:00Z", "2026-11-01T05:15:00Z", "2026-11-01T05:20:00Z", "2026-11-01T05:40:00Z",
                    "2026-11-01T07:00:00Z", "2026-11-01T07:15:00Z", "2026-11-01T07:20:00Z", "2026-11-01T07:40:00Z",
                ]))
    }
}

@Suite struct LondonDaylightSavingTests {
    // 2026-03-29: 01:00 GMT jumps to 02:00 BST. 2026-10-25: 02:00 BST falls back to 01:00 GMT.
    func onSpringDay(_ expression: String) throws -> [Date] {
        try occurrences(expression, from: "2026-03-29T00:00:00Z", to: "2026-03-29T23:00:00Z", in: "Europe/London")
    }

    func onFallDay(_ expression: String) throws -> [Date] {
        try occurrences(expression, from: "2026-10-24T23:00:00Z", to: "2026-10-26T00:00:00Z", in: "Europe/London")
    }

    @Test func hourlyCounts() throws {
        let spring = try onSpringDay("0 * * * *")
        #expect(spring.count == 23)
        #expect(spring.first == instant("2026-03-29T00:00:00Z"))
        #expect(spring.dropFirst().first == instant("2026-03-29T01:00:00Z"))  // 02:00 BST
        #expect(spring.last == instant("2026-03-29T22:00:00Z"))
        #expect(try onSpringDay("cron(0 * * * ? *)") == spring)

        let unixFall = try onFallDay("0 * * * *")
        #expect(unixFall.count == 25)
        #expect(
            Array(unixFall.prefix(4))
                == instants([
                    "2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z",
                ]))
        #expect(unixFall.last == instant("2026-10-25T23:00:00Z"))
        let eventBridgeFall = try onFallDay("cron(0 * * * ? *)")
        #expect(eventBridgeFall.count == 24)
        #expect(eventBridgeFall == unixFall.filter { $0 != instant("2026-10-25T01:00:00Z") })
    }

    @Test func missingTime() throws {
        #expect(try onSpringDay("cron(30 1 * * ? *)") == [])
        #expect(try onSpringDay("*/30 1 * * *") == [])
        // A fixed-time Unix job catches up at 02:00 BST (01:00Z).
        #expect(try onSpringDay("30 1 * * *") == [instant("2026-03-29T01:00:00Z")])
        #expect(try onSpringDay("0 1-3/2 * * *") == instants(["2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"]))
        let around = try occurrences(
            "cron(30 1 * * ? *)", from: "2026-03-28T00:00:00Z", to: "2026-03-31T00:00:00Z", in: "Europe/London")
        #expect(around == instants(["2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"]))
    }

    @Test func repeatedTime() throws {
        #expect(try onFallDay("cron(30 1 * * ? *)") == [instant("2026-10-25T00:30:00Z")])
        #expect(try onFallDay("30 1 * * *") == [instant("2026-10-25T00:30:00Z")])
        #expect(
            try onFallDay("*/20 1 * * *")
                == instants([
                    "2026-10-25T00:00:00Z", "2026-10-25T00:20:00Z", "2026-10-25T00:40:00Z",
                    "2026-10-25T01:00:00Z", "2026-10-25T01:20:00Z", "2026-10-25T01:40:00Z",
                ]))
        // A step in the hour field that starts with `*` counts too; a range or a range with a step does not.
        #expect(
            try Array(onFallDay("30 */1 * * *").prefix(3))
                == instants(["2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"]))
        #expect(try onFallDay("30 1-3/2 * * *") == instants(["2026-10-25T00:30:00Z", "2026-10-25T03:30:00Z"]))
        #expect(try onFallDay("0 1-2 * * *") == instants(["2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"]))
    }
}

@Suite struct TokyoTests {
    @Test func lastDayAcrossAMonthEnd() throws {
        let result = try occurrences(
            "cron(0 0 L * ? *)", from: "2026-01-31T00:00:00+09:00", to: "2026-02-02T00:00:00+09:00",
            in: "Asia/Tokyo")
        #expect(result == [instant("2026-01-30T15:00:00Z")])
        let next = try Schedule(parsing: "cron(0 0 L * ? *)")
            .nextOccurrences(after: instant("2026-01-30T15:00:00Z"), count: 3, in: zone("Asia/Tokyo"))
        #expect(next == instants(["2026-02-27T15:00:00Z", "2026-03-30T15:00:00Z", "2026-04-29T15:00:00Z"]))
    }

    @Test func leapDay() throws {
        let leapDay = try Schedule(parsing: "cron(0 9 29 2 ? *)")
        #expect(
            leapDay.occurrences(
                from: instant("2027-01-01T00:00:00+09:00"), to: instant("2028-01-01T00:00:00+09:00"),
                in: zone("Asia/Tokyo")) == [])
        #expect(
            leapDay.nextOccurrences(after: instant("2026-06-01T00:00:00Z"), count: 2, in: zone("Asia/Tokyo"))
                == instants(["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]))
        #expect(
            try occurrences(
                "cron(0 9 L 2 ? *)", from: "2027-01-01T00:00:00+09:00", to: "2029-01-01T00:00:00+09:00",
                in: "Asia/Tokyo") == instants(["2027-02-28T00:00:00Z", "2028-02-29T00:00:00Z"]))
    }
}

@Suite struct LordHoweDaylightSavingTests {
    // 2025-10-05: 02:00 +10:30 jumps to 02:30 +11 (15:30Z). 2026-04-05: 02:00 +11 falls back to
    // 01:30 +10:30 (15:00Z): 01:30-01:59 happens twice.
    let zoneName = "Australia/Lord_Howe"

    @Test func halfHourGap() throws {
        let day = ("2025-10-05T00:00:00+10:30", "2025-10-06T00:00:00+11:00")
        #expect(
            try occurrences("15 2 * * *", from: day.0, to: day.1, in: zoneName) == [instant("2025-10-04T15:30:00Z")])
        #expect(try occurrences("cron(15 2 * * ? *)", from: day.0, to: day.1, in: zoneName) == [])
        #expect(
            try occurrences("*/15 2 * * *", from: day.0, to: day.1, in: zoneName)
                == instants(["2025-10-04T15:30:00Z", "2025-10-04T15:45:00Z"]))
        #expect(try occurrences("0 * * * *", from: day.0, to: day.1, in: zoneName).count == 23)
    }

    @Test func halfHourRepeat() throws {
        let day = ("2026-04-05T00:00:00+11:00", "2026-04-06T00:00:00+10:30")
        #expect(
            try occurrences("45 1 * * *", from: day.0, to: day.1, in: zoneName) == [instant("2026-04-04T14:45:00Z")])
        #expect(
            try occurrences("45 1-3/2 * * *", from: day.0, to: day.1, in: zoneName)
                == instants(["2026-04-04T14:45:00Z", "2026-04-04T17:15:00Z"]))
        #expect(
            try occurrences("*/15 1 * * *", from: day.0, to: day.1, in: zoneName)
                == instants([
                    "2026-04-04T14:00:00Z", "2026-04-04T14:15:00Z", "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z",
                    "2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z",
                ]))
    }
}

@Suite struct ChathamDaylightSavingTests {
    // 2025-09-28: 02:45 +12:45 jumps to 03:45 +13:45 (14:00Z). 2026-04-05: 03:45 +13:45 falls
    // back to 02:45 +12:45 (14:00Z): 02:45-03:44 happens twice.
    let zoneName = "Pacific/Chatham"

    @Test func gapAtAQuarterPast() throws {
        let day = ("2025-09-28T00:00:00+12:45", "2025-09-29T00:00:00+13:45")
        #expect(try occurrences("0 3 * * *", from: day.0, to: day.1, in: zoneName) == [instant("2025-09-27T14:00:00Z")])
        #expect(
            try occurrences("0,30 3 * * *", from: day.0, to: day.1, in: zoneName) == [instant("2025-09-27T14:00:00Z")])
        #expect(try occurrences("cron(0 3 * * ? *)", from: day.0, to: day.1, in: zoneName) == [])
        #expect(try occurrences("0 * * * *", from: day.0, to: day.1, in: zoneName).count == 23)
    }

    @Test func repeatAtAQuarterPast() throws {
        let day = ("2026-04-05T00:00:00+13:45", "2026-04-06T00:00:00+12:45")
        #expect(try occurrences("0 3 * * *", from: day.0, to: day.1, in: zoneName) == [instant("2026-04-04T13:15:00Z")])
        #expect(
            try occurrences("0 3-5/2 * * *", from: day.0, to: day.1, in: zoneName)
                == instants(["2026-04-04T13:15:00Z", "2026-04-04T16:15:00Z"]))
        let hourly = try occurrences("0 * * * *", from: day.0, to: day.1, in: zoneName)
        #expect(hourly.count == 25)
        #expect(hourly.contains(instant("2026-04-04T13:15:00Z")) && hourly.contains(instant("2026-04-04T14:15:00Z")))
    }
}

@Suite struct MidnightGapTests {
    @Test func santiagoFixedTimeAtMidnightCatchesUpAtOne() throws {
        // 2025-09-07: 00:00 -04 jumps to 01:00 -03 (04:00Z).
        #expect(
            try occurrences(
                "30 0 * * *", from: "2025-09-06T00:00:00-04:00", to: "2025-09-08T00:00:00-03:00", in: "America/Santiago"
            )
                == instants(["2025-09-06T04:30:00Z", "2025-09-07T04:00:00Z"]))
    }
}
