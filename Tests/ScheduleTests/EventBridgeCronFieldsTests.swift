import Schedules
import Testing

@Suite struct EventBridgeCronFieldsTests {
    func fields(_ expression: String) throws -> EventBridgeCronFields? {
        try Schedule(parsing: expression).eventBridgeCronFields
    }

    @Test func minutesAndHoursAreTheParsedSets() throws {
        let parsed = try #require(try fields("cron(0,30 */6 * * ? *)"))
        #expect(parsed.minutes == [0, 30])
        #expect(parsed.hours == [0, 6, 12, 18])
        #expect(try fields("cron(5/20 9-11 * * ? *)")?.minutes == [5, 25, 45])
        #expect(try fields("cron(5/20 9-11 * * ? *)")?.hours == [9, 10, 11])
    }

    @Test func wildcardsAreThoseWrittenAsStar() throws {
        let everyDay = try #require(try fields("cron(0 2 * * ? *)"))
        #expect(everyDay.isDayOfMonthWildcard && everyDay.isMonthWildcard && everyDay.isYearWildcard)
        #expect(!everyDay.isDayOfWeekWildcard)
        #expect(everyDay.plainWeekdays == nil)

        let restricted = try #require(try fields("cron(0 2 1 JAN ? 2027)"))
        #expect(!restricted.isDayOfMonthWildcard && !restricted.isMonthWildcard && !restricted.isYearWildcard)

        let everyWeekday = try #require(try fields("cron(0 2 ? * * *)"))
        #expect(everyWeekday.isDayOfWeekWildcard && !everyWeekday.isDayOfMonthWildcard)
        #expect(everyWeekday.plainWeekdays == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test func plainWeekdaysCountFromSundayAndExcludeLastAndNth() throws {
        #expect(try fields("cron(0 2 ? * MON-FRI *)")?.plainWeekdays == [1, 2, 3, 4, 5])
        #expect(try fields("cron(0 2 ? * 1,7 *)")?.plainWeekdays == [0, 6])
        #expect(try fields("cron(0 2 ? * sun/2 *)")?.plainWeekdays == [0, 2, 4, 6])
        #expect(try fields("cron(0 2 ? * L *)")?.plainWeekdays == nil)
        #expect(try fields("cron(0 2 ? * 6L *)")?.plainWeekdays == nil)
        #expect(try fields("cron(0 2 ? * MON,2#1 *)")?.plainWeekdays == nil)
    }

    @Test func otherKindsHaveNoEventBridgeFields() throws {
        #expect(try fields("rate(5 minutes)") == nil)
        #expect(try fields("0 2 * * *") == nil)
    }
}
