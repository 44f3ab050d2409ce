import Foundation
import Schedules
import Testing

/// cron/batchwatch.crontab and deploy/systemd/batchwatch.timer: the example schedule a
/// newcomer copies is a valid cron entry, read by the project's own parser, at 08:30 Tokyo.
@Suite struct CrontabTests {
    /// The repository root, found from this file (through the symlinks of a mini package).
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A crontab's `NAME=value` settings and its job lines (comments and blank lines dropped).
    struct Crontab {
        var variables: [String: String] = [:]
        var entries: [String] = []

        init(_ text: String) {
            for rawLine in text.split(separator: "\n") {
                let line = rawLine.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                if let equals = line.firstIndex(of: "="),
                    line[..<equals].trimmingCharacters(in: .whitespaces).allSatisfy({
                        $0.isLetter || $0.isNumber || $0 == "_"
                    })
                {
                    let name = line[..<equals].trimmingCharacters(in: .whitespaces)
                    variables[name] = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
                } else {
                    entries.append(line)
                }
            }
        }
    }

    static func crontab() throws -> Crontab {
        Crontab(try String(contentsOf: repository.appendingPathComponent("cron/batchwatch.crontab"), encoding: .utf8))
    }

    /// The one job line, split into its five time fields and its command.
    static func entry() throws -> (schedule: String, command: String) {
        let entries = try crontab().entries
        try #require(entries.count == 1, "expected exactly one job line, found \(entries)")
        let fields = entries[0].split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        try #require(fields.count == 6, "a user crontab line is five time fields and a command: \(entries[0])")
        return (fields.prefix(5).joined(separator: " "), String(fields[5]))
    }

    @Test func jobLineIsAFiveFieldCronAt0830InCronTZ() throws {
        let crontab = try Self.crontab()
        let zoneName = try #require(crontab.variables["CRON_TZ"], "CRON_TZ is shown")
        let zone = try #require(TimeZone(identifier: zoneName), "CRON_TZ=\(zoneName) is a known zone")
        #expect(zoneName == "Asia/Tokyo")

        let schedule = try Schedule(parsing: try Self.entry().schedule)
        #expect(schedule.kind == .unixCron)

        // 2026-11-20 21:00 in Tokyo: the next runs are the following two mornings at 08:30.
        let after = try #require(ISO8601DateFormatter().date(from: "2026-11-20T12:00:00Z"))
        let next = schedule.nextOccurrences(after: after, count: 2, in: zone)
        let expected = ["2026-11-20T23:30:00Z", "2026-11-21T23:30:00Z"].compactMap(ISO8601DateFormatter().date(from:))
        #expect(next == expected)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        for date in next {
            let local = calendar.dateComponents([.hour, .minute], from: date)
            #expect(local.hour == 8 && local.minute == 30)
        }
    }

    @Test func jobRunsTheWrapperMailsAndAppendsToALog() throws {
        let crontab = try Self.crontab()
        let mailTo = try #require(crontab.variables["MAILTO"], "MAILTO is shown")
        #expect(mailTo.contains("@"))
        let command = try Self.entry().command
        #expect(command.hasPrefix("batchwatch-cron "))
        #expect(command.contains(">> /var/log/batchwatch.log 2>&1"))
        // `%` ends a cron command line (the rest becomes stdin): it must not appear.
        #expect(!command.contains("%"))
        let wrapper = Self.repository.appendingPathComponent("cron/batchwatch-cron").path
        #expect(FileManager.default.isExecutableFile(atPath: wrapper))
    }

    @Test func systemdTimerRunsAtTheSameTimeAsTheCrontab() throws {
        let timer = try String(
            contentsOf: Self.repository.appendingPathComponent("deploy/systemd/batchwatch.timer"), encoding: .utf8)
        let onCalendar = try #require(
            timer.split(separator: "\n").first { $0.hasPrefix("OnCalendar=") }?.dropFirst("OnCalendar=".count))
        #expect(timer.contains("\nPersistent=true\n"))
        // "*-*-* 08:30:00 Asia/Tokyo": every day, a time, a zone.
        let parts = onCalendar.split(separator: " ")
        try #require(parts.count == 3, "OnCalendar=\(onCalendar)")
        #expect(parts[0] == "*-*-*")
        #expect(parts[1] == "08:30:00")
        #expect(String(parts[2]) == (try Self.crontab()).variables["CRON_TZ"])
        #expect(try Self.entry().schedule == "30 8 * * *")
    }
}
