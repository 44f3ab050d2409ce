import Foundation
import Testing

@testable import BatchwatchConfig

@Suite struct ConfigPathTests {
    @Test func explicitPathWins() {
        let path = ConfigurationLoader.resolvePath(
            explicit: "my.yml", environment: ["BATCHWATCH_CONFIG": "env.yml"], fileExists: { _ in true })
        #expect(path == "my.yml")
    }

    @Test func environmentVariableComesNext() {
        let path = ConfigurationLoader.resolvePath(
            explicit: nil, environment: ["BATCHWATCH_CONFIG": "env.yml"], fileExists: { _ in true })
        #expect(path == "env.yml")
    }

    @Test func localFileWhenItExists() {
        let path = ConfigurationLoader.resolvePath(
            explicit: nil, environment: ["BATCHWATCH_CONFIG": ""], fileExists: { $0 == "./batchwatch.yml" })
        #expect(path == "./batchwatch.yml")
    }

    @Test func systemFileLast() {
        let path = ConfigurationLoader.resolvePath(explicit: nil, environment: [:], fileExists: { _ in false })
        #expect(path == "/etc/batchwatch/config.yml")
    }
}

@Suite struct IgnoreRuleTests {
    @Test(arguments: [
        ("sandbox-*", "sandbox-etl", true),
        ("sandbox-*", "sandbox-", true),
        ("sandbox-*", "prod-sandbox-etl", false),
        ("*", "", true),
        ("?", "", false),
        ("Load?", "Load1", true),
        ("Load?", "Load12", false),
        ("*throttl*", "Rate exceeded: throttled", true),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("States.Timeout", "States.Timeout", true),
        ("States.Timeout", "states.timeout", false),
        ("*.*", "States.TaskFailed", true),
        ("a*a*a*a*b", String(repeating: "a", count: 200), false),
    ])
    func globs(pattern: String, text: String, expected: Bool) {
        #expect(IgnoreRule.globMatches(pattern: pattern, text: text) == expected)
    }

    @Test func everyGivenFieldMustMatch() {
        let rule = IgnoreRule(job: "sandbox-*", error: "States.Timeout")
        #expect(rule.matches(job: "sandbox-a", error: "States.Timeout", state: "S", cause: nil))
        #expect(!rule.matches(job: "sandbox-a", error: "States.TaskFailed", state: nil, cause: nil))
        #expect(!rule.matches(job: "prod", error: "States.Timeout", state: nil, cause: nil))
        #expect(!rule.matches(job: "sandbox-a", error: nil, state: nil, cause: nil))
        #expect(IgnoreRule(cause: "*quota*").matches(job: "x", error: nil, state: nil, cause: "over quota today"))
    }
}

@Suite struct SecretTests {
    static let webhook = "https://hooks.slack.com/services/T0AAAA/B0BBBB/secretpart"

    @Test func masksWebhookURLs() {
        let secret = Secret(Self.webhook)
        #expect(secret.description == "https://hooks.slack.com/services/T0…/…")
        #expect(secret.debugDescription == "https://hooks.slack.com/services/T0…/…")
        #expect("\(secret)" == "https://hooks.slack.com/services/T0…/…")
        #expect(String(reflecting: secret) == "https://hooks.slack.com/services/T0…/…")
        #expect(secret.revealed == Self.webhook)
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("secretpart") && !dumped.contains("B0BBBB"))
        #expect(!String(describing: SlackTarget.webhook(secret)).contains("secretpart"))
    }

    @Test func masksOtherValues() {
        #expect(Secret("xoxb-1234-5678-abcdef").description == "xoxb-…")
        #expect(Secret("https://hc-ping.com/1234abcd-5678?x=1").description == "https://hc-ping.com/12…?…")
        #expect(Secret("http://127.0.0.1:8080/hook").description == "http://127.0.0.1:8080/…")
        #expect(Secret("plain-secret-value").description == "…")
        #expect(Secret("ghp_abcdef").description == "ghp_…")
        #expect(Secret("").description == "(empty)")
    }

    @Test func invalidWebhookErrorDoesNotPrintTheSecretPath() {
        let yaml = "notify:\n  slack:\n    webhook_url: ${HOOK}\n"
        let text = Fixtures.errorText(
            yaml, environment: ["HOOK": "http://hooks.slack.com/services/T0AAAA/B0BBBB/secretpart"])
        #expect(
            text
                == "test.yml:3: notify.slack.webhook_url: expected an https URL, found http://hooks.slack.com/services/T0…/…"
        )
        #expect(text?.contains("secretpart") == false)
    }

    @Test func invalidTokenErrorDoesNotPrintTheToken() {
        let yaml = "notify:\n  slack:\n    token: ${TOKEN}\n    channel: C0123\n"
        let text = Fixtures.errorText(yaml, environment: ["TOKEN": "abc-supersecret"])
        #expect(text == "test.yml:3: notify.slack.token: expected a Slack token (xoxb-…), found abc-…")
    }

    @Test func plainHTTPIsAllowedOnlyForLoopbackWebhooks() throws {
        let config = try Fixtures.parse("notify:\n  slack:\n    webhook_url: http://127.0.0.1:9999/hook\n")
        #expect(config.notify.slack == .webhook(Secret("http://127.0.0.1:9999/hook")))
    }
}

@Suite struct ValueSyntaxTests {
    @Test(arguments: [("90s", 90.0), ("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("1h30m15s", 5415), ("120m", 7200)])
    func parsesDurations(text: String, seconds: Double) throws {
        #expect(try DurationSyntax.parse(text).get() == seconds)
    }

    @Test(arguments: ["", "m", "1.5h", "1h 30m", "1d", "h1", "1m1m", "30m1h"])
    func refusesMalformedDurations(text: String) {
        #expect(throws: DurationSyntaxError.self) { try DurationSyntax.parse(text).get() }
    }

    @Test func formatsDurations() {
        #expect(DurationSyntax.format(5400) == "1h30m")
        #expect(DurationSyntax.format(90) == "1m30s")
        #expect(DurationSyntax.format(7200) == "2h")
        #expect(DurationSyntax.format(0) == "0s")
    }

    @Test func formattingAnyDurationIsSafe() {
        #expect(DurationSyntax.format(3.3e22) == "\((1 << 62) / 3600)h\((1 << 62) % 3600 / 60)m\((1 << 62) % 60)s")
        #expect(DurationSyntax.format(.infinity) == DurationSyntax.format(3.3e22))
        #expect(DurationSyntax.format(.nan) == "0s")
        #expect(DurationSyntax.format(-.infinity) == "0s")
    }

    @Test(arguments: ["9223372036854775807h", "2562047788015216h", "8761h", "8760h1s", "525601m"])
    func durationsLongerThanAYearAreRefused(text: String) {
        #expect(throws: DurationSyntaxError("'\(text)' is longer than a year (8760h), the longest duration allowed")) {
            try DurationSyntax.parse(text).get()
        }
    }

    @Test(arguments: ["max_duration", "start_within"])
    func aDurationLongerThanAYearIsAConfigurationErrorAtItsLine(key: String) throws {
        let yaml =
            "jobs:\n  - state_machine: a\n    schedule: \"cron(0 2 * * ? *)\"\n    \(key): 9223372036854775807h\n"
        #expect(
            Fixtures.errorText(yaml)
                == "test.yml:4: jobs[0].\(key): '9223372036854775807h' is longer than a year (8760h), the longest duration allowed"
        )
        let year = try Fixtures.parse(
            "jobs:\n  - state_machine: a\n    schedule: \"cron(0 2 * * ? *)\"\n    \(key): 8760h\n")
        #expect(ValidationSummary.render(year, now: Date(timeIntervalSince1970: 0)).contains("8760h"))
    }

    @Test func timezonesMustExistInTheZoneinfoDirectory() throws {
        let directory = Fixtures.zoneinfoDirectory
        #expect(
            try TimeZoneLookup.zone(named: "America/New_York", zoneinfoDirectory: directory).get().identifier
                == "America/New_York")
        #expect(try TimeZoneLookup.zone(named: "EST", zoneinfoDirectory: directory).get().identifier == "EST")
        #expect(
            try TimeZoneLookup.zone(named: "UTC", zoneinfoDirectory: "/nonexistent").get()
                == TimeZone(identifier: "UTC"))
        // Foundation knows Europe/Paris, but this zoneinfo directory does not hold it.
        #expect(TimeZone(identifier: "Europe/Paris") != nil)
        #expect(throws: TimeZoneLookup.Failure.self) {
            try TimeZoneLookup.zone(named: "Europe/Paris", zoneinfoDirectory: directory).get()
        }
        #expect(throws: TimeZoneLookup.Failure.self) {
            try TimeZoneLookup.zone(named: "America", zoneinfoDirectory: directory).get()
        }
        #expect(throws: TimeZoneLookup.Failure.self) {
            try TimeZoneLookup.zone(named: "../../etc/passwd", zoneinfoDirectory: directory).get()
        }
    }

    @Test func systemTzdataRejectsAbbreviationsThatAreNotZones() throws {
        let system = ConfigurationLoader.defaultZoneinfoDirectory
        try #require(FileManager.default.fileExists(atPath: system + "/Asia/Tokyo"), "tzdata is not installed")
        #expect(throws: TimeZoneLookup.Failure.self) {
            try TimeZoneLookup.zone(named: "JST", zoneinfoDirectory: system).get()
        }
        #expect(
            try TimeZoneLookup.zone(named: "Asia/Tokyo", zoneinfoDirectory: system).get().identifier == "Asia/Tokyo")
    }

    @Test func suggestsTheClosestKey() {
        #expect(YAMLReader.editDistance("stat_machine", "state_machine") == 1)
        #expect(YAMLReader.editDistance("", "abc") == 3)
        #expect(YAMLReader.editDistance("kitten", "sitting") == 3)
    }
}
