import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 14: bad input through the real binary is exit 2 with a clear message, never a crash
    /// and never a long run. None of these reach AWS, so no test bed is needed.
    @Suite struct BadInput {
        static let environment = ["HOME": TestBed.makeEmptyDirectory().path]
        static let nightly = tokyoConfig(CheckCommand.nightlyJob)

        func check(_ arguments: [String]) async throws -> BinaryRun {
            try await runBatchwatch(
                ["check", "--config", try writeConfig(Self.nightly), "--dry-run", "--format", "json"] + arguments,
                environment: Self.environment)
        }

        @Test(
            "an instant that does not exist is exit 2",
            arguments: ["2026-11-20T09:00:00+99:00", "2026-11-20T09:00:00+24:00", "2026-02-30T00:00:00Z"])
        func impossibleInstantExitsTwo(text: String) async throws {
            let run = try await check(["--now", text])
            #expect(run.status == 2, "stderr: \(run.stderr)")
            #expect(run.stderr.contains("--now '\(text)'"))
            #expect(run.stdout.isEmpty)

            let range = try await check(["--from", text, "--to", "2026-11-21T00:00:00Z", "--now", Fixed.nowText])
            #expect(range.status == 2, "stderr: \(range.stderr)")
            #expect(range.stderr.contains("--from '\(text)'"))
        }

        @Test("language: fr is exit 2 naming file, line and key path, for validate and check")
        func unknownLanguageExitsTwo() async throws {
            let path = try writeConfig(tokyoConfig("language: fr\n" + CheckCommand.nightlyJob))
            for arguments in [
                ["validate", "--config", path], ["check", "--config", path, "--dry-run", "--now", Fixed.nowText],
            ] {
                let run = try await runBatchwatch(arguments, environment: Self.environment)
                #expect(run.status == 2, "stderr: \(run.stderr)")
                #expect(
                    run.stderr.contains("\(path):4: language: expected en or ja, found 'fr'"), "stderr: \(run.stderr)")
                #expect(run.stdout.isEmpty)
            }
        }

        @Test("a window of 10,000 years is refused at once, naming the 31-day bound")
        func hugeWindowExitsTwo() async throws {
            let started = ContinuousClock.now
            let run = try await check(["--from", "0001-01-01T00:00:00Z", "--to", "9999-12-31T00:00:00Z"])
            #expect(run.status == 2, "stderr: \(run.stderr)")
            #expect(run.stderr.contains("longer than 31 days"))
            #expect(ContinuousClock.now - started < .seconds(30))
        }

        @Test("a day that has not begun is exit 2")
        func futureDayExitsTwo() async throws {
            let run = try await check(["--date", "2026-11-22", "--now", Fixed.nowText])
            #expect(run.status == 2, "stderr: \(run.stderr)")
            #expect(run.stderr.contains("--date 2026-11-22: that day has not begun"))
        }

        @Test(
            "validate: a duration longer than a year is exit 2 naming file, line and key path",
            arguments: [
                ("max_duration", "9223372036854775807h"), ("max_duration", "2562047788015216h"),
                ("start_within", "9223372036854775807h"),
            ])
        func hugeDurationExitsTwo(key: String, value: String) async throws {
            let path = try writeConfig(tokyoConfig(CheckCommand.nightlyJob + "    \(key): \(value)\n"))
            let run = try await runBatchwatch(["validate", "--config", path], environment: Self.environment)
            #expect(run.status == 2, "stderr: \(run.stderr)")
            #expect(run.stderr.contains("\(path):8: jobs[0].\(key): '\(value)' is longer than a year"))
        }

        @Test("validate: a schedule that never fires is a warning naming the job, exit 0")
        func neverFiringScheduleWarns() async throws {
            let path = try writeConfig(
                tokyoConfig(
                    """
                    jobs:
                      - name: february-30
                        state_machine: february-30
                        schedule: "0 2 30 2 *"

                    """))
            let run = try await runBatchwatch(["validate", "--config", path], environment: Self.environment)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.stderr.contains("batchwatch: warning: job february-30: schedule 0 2 30 2 * never fires"))
            #expect(run.stdoutText.contains("\nWarnings\n  job february-30: schedule 0 2 30 2 * never fires"))
        }
    }
}
