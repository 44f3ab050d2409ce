import Foundation
import Testing
import Schedules

/// EventBridge Scheduler's daylight-saving rules, and Unix cron's for wildcard/step jobs.
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

    @Test func dailyJobInTheMissingHourSkipsThatDayOnly() throws {
        let result = try occurrences(
            "cron(30 2 * * ? *)", from: "2026-03-07T00:00:00-05:00", to: "2026-03-10T00:00:00-04:00",
            in: "America/New_York")
        #expect(result == instants(["2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z"]))
        #expect(try onSpringDay("30 2 * * *") == [])
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
        #expect(Array(unixFall.prefix(4)) == instants([
            "2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z",
        ]))
        #expect(unixFall.last == instant("2026-10-25T23:00:00Z"))
        let eventBridgeFall = try onFallDay("cron(0 * * * ? *)")
        #expect(eventBridgeFall.count == 24)
        #expect(eventBridgeFall == unixFall.filter { $0 != instant("2026-10-25T01:00:00Z") })
    }

    @Test func missingTime() throws {
        #expect(try onSpringDay("cron(30 1 * * ? *)") == [])
        #expect(try onSpringDay("30 1 * * *") == [])
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
        // A step in the hour field counts too; a plain range does not.
        #expect(
            try onFallDay("30 1-3/2 * * *")
                == instants(["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T03:30:00Z"]))
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
