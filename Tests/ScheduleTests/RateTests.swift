import Foundation
import Schedules
import Testing

@Suite struct RateTests {
    @Test func everyFiveMinutesFromTheEpoch() throws {
        #expect(
            try occurrences("rate(5 minutes)", from: "2026-05-01T00:02:00Z", to: "2026-05-01T00:17:00Z")
                == instants(["2026-05-01T00:05:00Z", "2026-05-01T00:10:00Z", "2026-05-01T00:15:00Z"]))
    }

    @Test func timeZoneDoesNotMove() throws {
        #expect(
            try occurrences(
                "rate(1 day)", from: "2026-03-07T12:00:00Z", to: "2026-03-10T12:00:00Z", in: "America/New_York")
                == instants(["2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z"]))
    }

    @Test func nextIsStrict() throws {
        let rate = try Schedule(parsing: "rate(2 hours)")
        #expect(
            rate.nextOccurrences(after: instant("2026-05-01T02:00:00Z"), count: 2, in: zone("UTC"))
                == instants(["2026-05-01T04:00:00Z", "2026-05-01T06:00:00Z"]))
        #expect(
            rate.nextOccurrences(after: instant("2026-05-01T01:59:00Z"), count: 1, in: zone("UTC"))
                == [instant("2026-05-01T02:00:00Z")])
        #expect(rate.kind == .rate)
    }
}
