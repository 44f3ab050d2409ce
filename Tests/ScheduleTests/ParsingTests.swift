import Foundation
import Schedules
import Testing

@Suite struct ParsingTests {
    @Test func kinds() throws {
        #expect(try Schedule(parsing: "cron(0 2 * * ? *)").kind == .eventBridgeCron)
        #expect(try Schedule(parsing: "  0 2 * * *\n").kind == .unixCron)
        #expect(try Schedule(parsing: "rate(1 minute)").kind == .rate)
        #expect(try Schedule(parsing: " rate(1 hour) ").expression == "rate(1 hour)")
        #expect(try Schedule(parsing: "rate(1 hour)").description == "rate(1 hour)")
    }

    static let badExpressions: [(String, String)] = [
        ("", "the schedule is empty"),
        (
            "daily",
            "'daily' is not a schedule: expected cron(...), rate(...) or a 5-field cron line such as '0 2 * * *'"
        ),
        ("cron(0 2 * * ? *", "cron(...) is missing its closing ')'"),
        ("cron(0 2 * * ?)", "cron() needs 6 fields (minute hour day-of-month month day-of-week year), found 5"),
        (
            "cron(0 2 * * 1 *)",
            "day-of-month '*' and day-of-week '1' are both given: EventBridge needs '?' in one of them"
        ),
        ("cron(0 2 ? * ? *)", "day-of-month and day-of-week are both '?': one of them must be given"),
        ("cron(0 2 ? * 9 *)", "day-of-week field '9': must be 1-7 or SUN-SAT"),
        ("cron(0 2 ? * 1,9 *)", "day-of-week field '1,9': '9' must be 1-7 or SUN-SAT"),
        ("cron(0 2 ? * 0 *)", "day-of-week field '0': must be 1-7 or SUN-SAT"),
        ("cron(60 2 * * ? *)", "minute field '60': must be 0-59"),
        ("cron(0 24 * * ? *)", "hour field '24': must be 0-23"),
        ("cron(0 2 32 * ? *)", "day-of-month field '32': must be 1-31, L, L-n, nW or LW"),
        ("cron(0 2 0 * ? *)", "day-of-month field '0': must be 1-31, L, L-n, nW or LW"),
        ("cron(0 2 * 13 ? *)", "month field '13': must be 1-12 or JAN-DEC"),
        ("cron(0 2 * JANUARY ? *)", "month field 'JANUARY': must be 1-12 or JAN-DEC"),
        ("cron(0 2 * * ? 2200)", "year field '2200': must be 1970-2199"),
        ("cron(0 2 * * ? 1969-1975)", "year field '1969-1975': '1969' must be 1970-2199"),
        ("cron(*/0 2 * * ? *)", "minute field '*/0': step '0' must be 1-59"),
        ("cron(5,*/60 2 * * ? *)", "minute field '5,*/60': in '*/60': step '60' must be 1-59"),
        ("cron(0 2 1,,2 * ? *)", "day-of-month field '1,,2': has an empty item in its list"),
        ("cron(0 2 ? * FRI-MON *)", "day-of-week field 'FRI-MON': range 'FRI-MON' runs backwards; write it as a list"),
        ("cron(0 2 ? * 2#6 *)", "day-of-week field '2#6': the week after '#' must be 1-5"),
        ("cron(0 2 ? * 8L *)", "day-of-week field '8L': '8' must be 1-7 or SUN-SAT"),
        ("cron(0 2 32W * ? *)", "day-of-month field '32W': 'nW' needs a day 1-31 before 'W'"),
        (
            "cron(0 2 L-31 * ? *)",
            "day-of-month field 'L-31': 'L-n' needs n 0-30 (days before the last day of the month)"
        ),
        ("cron(? 2 * * ? *)", "minute field '?': '?' is only allowed in day-of-month or day-of-week"),
        ("cron(0 2 ?,1 * ? *)", "day-of-month field '?,1': '?' must be the whole field"),
        ("cron(0 2 1/2/3 * ? *)", "day-of-month field '1/2/3': has more than one '/'"),
        ("cron(0 -2 * * ? *)", "hour field '-2': '-2' is not a range like 1-5"),
        ("cron(/5 2 * * ? *)", "minute field '/5': a value is missing before '/'"),
        ("0 2 * *", "a cron line needs 5 fields (minute hour day-of-month month day-of-week), found 4"),
        (
            "0 2 * * ? *",
            "a cron line needs 5 fields (minute hour day-of-month month day-of-week), found 6; EventBridge's 6-field form is written cron(...)"
        ),
        ("0 2 * * 8", "day-of-week field '8': must be 0-7 or SUN-SAT"),
        ("0 2 ? * 1", "day-of-month field '?': '?' is only allowed in EventBridge cron(...)"),
        ("0 2 * * 1#2", "day-of-week field '1#2': '#' is only allowed in EventBridge cron(...)"),
        ("0 2 L * *", "day-of-month field 'L': must be 1-31"),
        ("5 minutes", "a cron line needs 5 fields (minute hour day-of-month month day-of-week), found 2"),
        ("rate(0 minutes)", "rate() value '0': must be a whole number of at least 1"),
        ("rate(-5 minutes)", "rate() value '-5': must be a whole number of at least 1"),
        ("rate(5 weeks)", "rate() unit 'weeks': must be minute(s), hour(s) or day(s)"),
        ("rate(1 minutes)", "rate(1 minutes): use the singular 'minute' when the value is 1"),
        ("rate(5 hour)", "rate(5 hour): use the plural 'hours' when the value is more than 1"),
        ("rate(5)", "rate() needs a value and a unit, e.g. rate(5 minutes), found '5'"),
        ("rate(99999999999999 days)", "rate() value '99999999999999': too large"),
    ]

    @Test(arguments: badExpressions)
    func badExpressionGivesASpecificError(expression: String, message: String) {
        #expect(throws: ScheduleError(message)) { try Schedule(parsing: expression) }
    }
}
