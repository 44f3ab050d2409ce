import Foundation
import Schedules
import Testing

@testable import BatchwatchCheck

/// `--date`, `--from`/`--to` and the default window.
struct WindowSelectionTests {
    let now = ISO8601DateFormatter().date(from: "2026-11-21T08:30:00+09:00")!

    @Test func dateIsTheCalendarDayInTheTimezone() throws {
        let window = try WindowSelection.date("2026-11-20").resolve(
            now: now, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(window.from == ISO8601DateFormatter().date(from: "2026-11-19T15:00:00Z"))
        #expect(window.to == ISO8601DateFormatter().date(from: "2026-11-20T15:00:00Z"))
    }

    @Test func fallBackDayIsTwentyFiveHours() throws {
        let window = try WindowSelection.date("2026-11-01").resolve(
            now: now, timeZone: TimeZone(identifier: "America/New_York")!)
        #expect(window.to.timeIntervalSince(window.from) == 25 * 3600)
    }

    @Test func defaultIsTheDayEndingNow() throws {
        let window = try WindowSelection.lastDay.resolve(now: now, timeZone: .gmt)
        #expect(window.to == now && window.from == now.addingTimeInterval(-86_400))
    }

    @Test func rangeTakesInstantsWithOffsets() throws {
        let window = try WindowSelection.range(from: "2026-11-20T08:30:00+09:00", to: "2026-11-20T23:30:00.5Z").resolve(
            now: now, timeZone: .gmt)
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

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func day(_ date: String, _ zone: String, now: Date = at("2026-11-21T00:00:00Z")) throws -> CheckWindow {
        try WindowSelection.date(date).resolve(now: now, timeZone: TimeZone(identifier: zone)!)
    }

    @Test func aDayWhoseMidnightIsSkippedRunsFromItsFirstInstantToTheNextDaysFirstInstant() throws {
        // Santiago 2026-09-06: 00:00 -04 jumps to 01:00 -03 (04:00Z). The day ends at 2026-09-07T00:00-03.
        let santiago = try Self.day("2026-09-06", "America/Santiago")
        #expect(santiago.from == Self.at("2026-09-06T04:00:00Z"))
        #expect(santiago.to == Self.at("2026-09-07T03:00:00Z"))
        #expect(santiago.isOneLocalDay)
        #expect(santiago.firstLocalDay == "2026-09-06")
        let hourly = try Schedule(parsing: "0 * * * *")
        #expect(hourly.occurrences(from: santiago.from, to: santiago.to, in: santiago.timeZone).count == 23)
        #expect(try Self.day("2026-09-07", "America/Santiago").from == santiago.to)

        // Havana: midnight is skipped on 2025-03-09 and 2026-03-08 (00:00 CST to 01:00 CDT at 05:00Z).
        let havana = try Self.day("2025-03-09", "America/Havana")
        #expect(havana.from == Self.at("2025-03-09T05:00:00Z"))
        #expect(havana.to == Self.at("2025-03-10T04:00:00Z"))
        #expect(try Self.day("2026-03-08", "America/Havana").to == Self.at("2026-03-09T04:00:00Z"))
    }

    @Test func consecutiveDaysNeitherOverlapNorLeaveAGap() throws {
        // (zone, first day, the hours of each of three days from it)
        let cases: [(String, LocalDay, [Double])] = [
            ("America/Santiago", LocalDay(year: 2026, month: 9, day: 5)!, [24, 23, 24]),
            ("America/Santiago", LocalDay(year: 2026, month: 4, day: 4)!, [25, 24, 24]),
            ("America/Havana", LocalDay(year: 2025, month: 3, day: 8)!, [24, 23, 24]),
            ("America/Havana", LocalDay(year: 2026, month: 10, day: 31)!, [24, 25, 24]),
            ("Australia/Lord_Howe", LocalDay(year: 2025, month: 10, day: 4)!, [24, 23.5, 24]),
            ("Australia/Lord_Howe", LocalDay(year: 2026, month: 4, day: 4)!, [24, 24.5, 24]),
            ("Pacific/Chatham", LocalDay(year: 2025, month: 9, day: 27)!, [24, 23, 24]),
            ("Pacific/Chatham", LocalDay(year: 2026, month: 4, day: 4)!, [24, 25, 24]),
        ]
        for (zone, first, hours) in cases {
            let days = [first, first.next, first.next.next]
            let windows = try days.map { try Self.day($0.description, zone) }
            #expect(windows.map { $0.to.timeIntervalSince($0.from) / 3600 } == hours, "\(zone) from \(first)")
            #expect(windows[0].to == windows[1].from && windows[1].to == windows[2].from, "\(zone) from \(first)")
            #expect(windows.filter { !$0.isOneLocalDay }.isEmpty, "\(zone) from \(first)")
        }
    }

    @Test(arguments: ["2026-11-20T09:00:00+99:00", "2026-11-20T09:00:00+24:00", "2026-02-30T00:00:00Z"])
    func anInstantThatDoesNotExistIsRefused(text: String) {
        #expect(throws: WindowError.self) { try WindowSelection.instant(text, option: "--now") }
        #expect(throws: WindowError.self) {
            try WindowSelection.range(from: text, to: "2026-11-21T00:00:00Z").resolve(now: now, timeZone: .gmt)
        }
    }

    @Test func strictInstantsStillReadEveryRFC3339Form() throws {
        #expect(
            try WindowSelection.instant("2026-11-20T08:30:00+09:00", option: "--now") == Self.at("2026-11-19T23:30:00Z")
        )
        #expect(
            try WindowSelection.instant("2026-11-20T08:30:00-03:30", option: "--now") == Self.at("2026-11-20T12:00:00Z")
        )
        #expect(
            try WindowSelection.instant("2026-11-20t08:30:00.25z", option: "--now")
                == Self.at("2026-11-20T08:30:00Z").addingTimeInterval(0.25))
        #expect(
            try WindowSelection.instant("2028-02-29T23:59:59+14:00", option: "--now") == Self.at("2028-02-29T09:59:59Z")
        )
        do {
            _ = try WindowSelection.instant("2026-11-20T09:00:00+24:00", option: "--now")
            Issue.record("2026-11-20T09:00:00+24:00 was accepted")
        } catch {
            #expect(
                error.description
                    == "--now '2026-11-20T09:00:00+24:00': the offset +24:00 is not one in use (-14:00 to +14:00)")
        }
        do {
            _ = try WindowSelection.instant("2026-02-30T00:00:00Z", option: "--from")
            Issue.record("2026-02-30T00:00:00Z was accepted")
        } catch {
            #expect(error.description == "--from '2026-02-30T00:00:00Z': 2026-02-30 is not a calendar date")
        }
    }

    @Test func aWindowLongerThan31DaysIsRefused() throws {
        #expect(throws: WindowError.self) {
            try WindowSelection.range(from: "0001-01-01T00:00:00Z", to: "9999-12-31T00:00:00Z").resolve(
                now: now, timeZone: .gmt)
        }
        do {
            _ = try WindowSelection.range(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:01Z").resolve(
                now: now, timeZone: .gmt)
            Issue.record("a window of 31 days and a second was accepted")
        } catch {
            #expect(error.description.contains("longer than 31 days"))
        }
        let longest = try WindowSelection.range(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z").resolve(
            now: now, timeZone: .gmt)
        #expect(longest.to.timeIntervalSince(longest.from) == 31 * 86_400)
    }

    @Test func aWindowThatStartsAfterNowIsRefused() throws {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        do {
            _ = try WindowSelection.date("2026-11-22").resolve(now: now, timeZone: tokyo)
            Issue.record("a day that has not begun was accepted")
        } catch {
            #expect(error.description.contains("that day has not begun"))
        }
        // Today has begun: its window ends after now, and what is not due yet is pending.
        let today = try WindowSelection.date("2026-11-21").resolve(now: now, timeZone: tokyo)
        #expect(today.from == Self.at("2026-11-20T15:00:00Z"))
        #expect(throws: WindowError.self) {
            try WindowSelection.range(from: "2026-11-21T08:30:01+09:00", to: "2026-11-21T09:00:00+09:00").resolve(
                now: now, timeZone: tokyo)
        }
    }
}
