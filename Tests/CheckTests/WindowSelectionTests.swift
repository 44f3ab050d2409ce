import Foundation
import Testing

@testable import BatchwatchCheck

/// `--date`, `--from`/`--to` and the default window.
struct WindowSelectionTests {
    let now = ISO8601DateFormatter().date(from: "2026-11-21T08:30:00+09:00")!

    @Test func dateIsTheCalendarDayInTheTimezone() throws {
        let window = try WindowSelection.date("2026-11-20").resolve(now: now, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(window.from == ISO8601DateFormatter().date(from: "2026-11-19T15:00:00Z"))
        #expect(window.to == ISO8601DateFormatter().date(from: "2026-11-20T15:00:00Z"))
    }

    @Test func fallBackDayIsTwentyFiveHours() throws {
        let window = try WindowSelection.date("2026-11-01").resolve(now: now, timeZone: TimeZone(identifier: "America/New_York")!)
        #expect(window.to.timeIntervalSince(window.from) == 25 * 3600)
    }

    @Test func defaultIsTheDayEndingNow() throws {
        let window = try WindowSelection.lastDay.resolve(now: now, timeZone: .gmt)
        #expect(window.to == now && window.from == now.addingTimeInterval(-86_400))
    }

    @Test func rangeTakesInstantsWithOffsets() throws {
        let window = try WindowSelection.range(from: "2026-11-20T08:30:00+09:00", to: "2026-11-20T23:30:00.5Z").resolve(now: now, timeZone: .gmt)
        #expect(window.from == ISO8601DateFormatter().date(from: "2026-11-19T23:30:00Z"))
        #expect(window.to.timeIntervalSince(window.from) == 24 * 3600 + 0.5)
    }

    @Test(arguments: [
        WindowSelection.date("2026-02-30"), .date("20261120"), .date("2026-11-2x"),
        .range(from: "2026-11-20", to: "2026-11-21T00:00:00Z"),
        .range(from: "2026-11-21T00:00:00Z", to: "2026-11-20T00:00:00Z"),
    ])
    func badInputIsRefusedWithTheOptionNamed(selection: WindowSelection) {
        #expect(throws: WindowError.self) { try selection.resolve(now: now, timeZone: .gmt) }
    }
}
