import AWSClient
import Foundation
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 17 through the real binary: every account and Region in one digest, against member
    /// accounts whose reader roles the test bed creates (one denied its reads, one without the role).
    @Suite struct ManyAccounts {
        struct Run: Encodable, Sendable {
            var start: String
            var stop: String
            var status: String
            var failure: [String: String]?
        }

        struct Machine: Encodable, Sendable {
            var name: String
            var account: String
            var region: String
            var executions: [Run] = []
        }

        struct Member: Encodable, Sendable {
            var id: String
            var externalId: String?
            var deny: [String]?
            var missingRole: Bool?
        }

        struct OrgAccount: Encodable, Sendable {
            var id: String
            var name: String
            var status: String = "ACTIVE"
        }

        struct Organization: Encodable, Sendable {
            var accounts: [OrgAccount]
        }

        struct Scenario: Encodable, Sendable {
            var accounts: [Member]
            var stateMachines: [Machine]
            var organization: Organization?
        }

        static let prod = "111111111111"
        static let staging = "222222222222"
        static let denied = "333333333333"
        static let gone = "444444444444"

        static func failed(_ start: String, _ stop: String) -> Run {
            Run(start: start, stop: stop, status: "FAILED", failure: ["state": "Load", "error": "States.TaskFailed"])
        }

        /// prod and staging both run nightly-etl in Tokyo (prod's failed, staging's never started);
        /// staging runs billing in us-east-1 (failed); prod has an unscheduled machine in us-east-1.
        static func seedWorld(
            organization: Organization? = nil, prodExternalId: String? = "ext-prod"
        ) async throws -> [String: String] {
            let (bed, environment) = try await freshTestBed()
            _ = try await bed.seed(
                Scenario(
                    accounts: [
                        Member(id: prod, externalId: prodExternalId), Member(id: staging),
                        Member(id: denied, deny: ["states:ListStateMachines"]), Member(id: gone, missingRole: true),
                    ],
                    stateMachines: [
                        Machine(
                            name: "nightly-etl", account: prod, region: "ap-northeast-1",
                            executions: [failed("2026-11-20T02:00:05+09:00", "2026-11-20T02:14:09+09:00")]),
                        Machine(name: "nightly-etl", account: staging, region: "ap-northeast-1"),
                        Machine(
                            name: "billing", account: staging, region: "us-east-1",
                            executions: [failed("2026-11-20T03:00:05+09:00", "2026-11-20T03:04:00+09:00")]),
                        Machine(
                            name: "adhoc", account: prod, region: "us-east-1",
                            executions: [failed("2026-11-20T12:00:00+09:00", "2026-11-20T12:01:00+09:00")]),
                        Machine(name: "nightly-etl", account: denied, region: "ap-northeast-1"),
                    ],
                    organization: organization))
            return environment
        }

        static let jobs = """
            jobs:
              - name: nightly-etl
                state_machine: nightly-etl
                schedule: "cron(0 2 * * ? *)"
                regions: [ap-northeast-1]
              - name: billing
                state_machine: billing
                schedule: "cron(0 3 * * ? *)"
                accounts: [staging]
                regions: [us-east-1]
            """

        static let accountsConfig = """
            timezone: Asia/Tokyo
            region: ap-northeast-1
            regions: [ap-northeast-1, us-east-1]
            role_name: batchwatch-reader
            accounts:
              - {name: prod, id: "\(prod)", external_id: ext-prod}
              - {name: staging, id: "\(staging)"}
              - {name: denied, id: "\(denied)"}
              - {name: gone, id: "\(gone)"}

            """ + jobs

        static func summary(_ finding: [String: Any]) -> String {
            "\(finding["kind"] as? String ?? "?") \(finding["job"] as? String ?? "?") \(finding["account"] as? String ?? "-") \(finding["region"] as? String ?? "-")"
        }

        @Test func everyAccountAndRegionInOneDigestAndTheUnreadableOnesAsOneCheckErrorEach() async throws {
            let environment = try await Self.seedWorld()
            let run = try await runCheckBinary(yaml: Self.accountsConfig, environment: environment)
            #expect(run.status == 3, "\(run.stderr)")
            let document = try run.jsonDocument()
            #expect(document["status"] as? String == "incomplete")
            let findings = try run.findings()
            let summaries = Set(findings.map(Self.summary))
            #expect(
                summaries.isSuperset(of: [
                    "failed nightly-etl \(Self.prod) ap-northeast-1",
                    "missing nightly-etl \(Self.staging) ap-northeast-1",
                    "failed billing \(Self.staging) us-east-1",
                    "failed adhoc \(Self.prod) us-east-1",
                ]), "\(summaries.sorted())")
            // The pinned job is read in staging only; the job name shared by two accounts is two findings.
            #expect(findings.filter { $0["job"] as? String == "billing" }.count == 1)
            // The denied account: one check_error per Region, naming it and the API; nothing else of it.
            let deniedFindings = findings.filter { $0["account"] as? String == Self.denied }
            #expect(deniedFindings.count == 2, "\(deniedFindings)")
            for finding in deniedFindings {
                let cause = (finding["cause"] as? String) ?? ""
                #expect(finding["kind"] as? String == "check_error" && finding["job"] as? String == "denied")
                #expect(cause.contains("ListStateMachines"), "\(cause)")
            }
            // The account without the role: one check_error naming it and AssumeRole.
            let goneFindings = findings.filter { $0["account"] as? String == Self.gone }
            #expect(goneFindings.count == 1)
            #expect(goneFindings.first?["job"] as? String == "gone")
            let goneCause = goneFindings.first?["cause"] as? String ?? ""
            #expect(goneCause.contains("AssumeRole"))
            // Every finding carries a 12-digit account and a Region; links point at their own Region.
            for finding in findings {
                #expect((finding["account"] as? String)?.count == 12 && finding["region"] != nil, "\(finding)")
                if let url = finding["url"] as? String, let region = finding["region"] as? String {
                    #expect(url.contains("region=\(region)"))
                }
            }
            let checked = try #require(document["checked"] as? [String: Any])
            #expect(checked["accounts"] as? Int == 4 && checked["regions"] as? Int == 2)
            #expect(findings.count == 7, "\(summaries.sorted())")

            let calls = try await TestBed.shared().calls().calls
            #expect(calls["sts:AssumeRole"] == 4, "one AssumeRole per account, cached for its Regions")
        }

        @Test func organizationChecksItsActiveAccountsLessTheExcluded() async throws {
            let organization = Organization(accounts: [
                OrgAccount(id: Self.prod, name: "prod"), OrgAccount(id: Self.staging, name: "staging"),
                OrgAccount(id: Self.denied, name: "denied"),
                OrgAccount(id: "555555555555", name: "closed", status: "SUSPENDED"),
            ])
            let environment = try await Self.seedWorld(organization: organization, prodExternalId: nil)
            let yaml = """
                timezone: Asia/Tokyo
                region: ap-northeast-1
                regions: [ap-northeast-1, us-east-1]
                organization: {role_name: batchwatch-reader, exclude: ["\(Self.denied)", master]}

                """
                + Self.jobs.replacingOccurrences(
                    of: "state_machine: nightly-etl",
                    with: "state_machine: nightly-etl\n    accounts: [\"\(Self.staging)\"]")
            let run = try await runCheckBinary(yaml: yaml, environment: environment)
            let findings = try run.findings()
            let accounts = Set(findings.compactMap { $0["account"] as? String })
            #expect(accounts == [Self.prod, Self.staging], "\(findings.map(Self.summary))")
            // nightly-etl is a job only where it is pinned; in prod its machine is an unscheduled one.
            #expect(
                Set(findings.map(Self.summary)) == [
                    "failed nightly-etl \(Self.prod) ap-northeast-1",
                    "missing nightly-etl \(Self.staging) ap-northeast-1",
                    "failed billing \(Self.staging) us-east-1",
                    "failed adhoc \(Self.prod) us-east-1",
                ], "\(findings.map(Self.summary))")
            #expect(run.status == 1, "\(run.stderr)")
            let checked = try #require(try run.jsonDocument()["checked"] as? [String: Any])
            #expect(checked["accounts"] as? Int == 2)
        }

        /// A client in member `account`'s reader role, for creating its rules and schedules.
        static func memberClient(
            _ account: String, region: String, externalId: String? = nil, environment: [String: String]
        ) throws -> AWSClient {
            let base = try makeClient(environment: environment, region: region)
            let role = AssumeRoleCredentialProvider(
                sts: base, roleArn: "arn:aws:iam::\(account):role/batchwatch-reader", externalId: externalId)
            return base.with(credentialProvider: role, region: region)
        }

        static func machineArn(_ name: String, _ account: String, _ region: String) -> String {
            "arn:aws:states:\(region):\(account):stateMachine:\(name)"
        }

        /// `seedWorld`, and what starts its machines: prod's nightly-etl by a UTC rule (02:00 in
        /// Tokyo), staging's by a Scheduler schedule in Tokyo, staging's billing in us-east-1 by a
        /// rule at 19:00 UTC (04:00 in Tokyo, an hour off the job's 03:00).
        static func seedScheduledWorld() async throws -> [String: String] {
            let environment = try await seedWorld()
            let tokyo = "ap-northeast-1"
            try await memberClient(Self.prod, region: tokyo, externalId: "ext-prod", environment: environment).create(
                TestBed.EventBridgeRule(
                    "etl-nightly", schedule: "cron(0 17 * * ? *)",
                    stateMachineArn: machineArn("nightly-etl", prod, tokyo)))
            try await memberClient(Self.staging, region: tokyo, environment: environment).create(
                TestBed.SchedulerSchedule(
                    "etl-nightly", expression: "cron(0 2 * * ? *)", timeZone: "Asia/Tokyo",
                    targetArn: machineArn("nightly-etl", staging, tokyo)))
            try await memberClient(Self.staging, region: "us-east-1", environment: environment).create(
                TestBed.EventBridgeRule(
                    "billing-daily", schedule: "cron(0 19 * * ? *)",
                    stateMachineArn: machineArn("billing", staging, "us-east-1")))
            return environment
        }

        @Test func discoverListsEveryAccountAndRegionAndWritesAConfigValidateAccepts() async throws {
            let environment = try await Self.seedScheduledWorld()
            let run = try await runBatchwatch(
                ["discover", "--config", try writeConfig(Self.accountsConfig)], environment: environment)
            let yaml = String(decoding: run.stdout, as: UTF8.self)
            // denied and gone cannot be read: exit 3, and still every other account's jobs.
            #expect(run.status == 3, "\(run.stderr)")
            #expect(
                yaml.contains(
                    "  - name: \"nightly-etl (prod ap-northeast-1)\"\n    state_machine: \"nightly-etl\"\n    accounts: [\"prod\"]\n    regions: [\"ap-northeast-1\"]"
                ), "\(yaml)")
            #expect(
                yaml.contains(
                    "  - name: \"nightly-etl (staging ap-northeast-1)\"\n    state_machine: \"nightly-etl\"\n    accounts: [\"staging\"]\n    regions: [\"ap-northeast-1\"]"
                ), "\(yaml)")
            #expect(
                yaml.contains(
                    "  - name: \"billing\"\n    state_machine: \"billing\"\n    accounts: [\"staging\"]\n    regions: [\"us-east-1\"]"
                ), "\(yaml)")
            #expect(
                yaml.contains("# - adhoc (prod us-east-1): \(Self.machineArn("adhoc", Self.prod, "us-east-1"))"),
                "\(yaml)")
            #expect(!yaml.contains("ext-prod"))
            // One comment and one stderr line per unreadable account (and Region).
            let comments = yaml.split(separator: "\n").filter { $0.hasPrefix("# - denied") || $0.hasPrefix("# - gone") }
            #expect(comments.count == 3, "\(yaml)")
            #expect(
                comments.contains {
                    $0.contains("denied (\(Self.denied)) could not be read in ap-northeast-1")
                        && $0.contains("ListStateMachines")
                })
            #expect(comments.contains { $0.hasPrefix("# - gone") && $0.contains("AssumeRole") })
            #expect(
                run.stderr.split(separator: "\n").filter { $0.hasPrefix("batchwatch: discover:") }.count == 3,
                "\(run.stderr)")
            #expect(run.stderr.contains("WHERE"))

            let validated = try await runBatchwatch(
                ["validate", "--config", try writeConfig(yaml)], environment: environment)
            #expect(validated.status == 0, "\(validated.stderr)\n\(yaml)")
        }

        @Test func validateAgainstAWSComparesEachJobWhereItIsChecked() async throws {
            let environment = try await Self.seedScheduledWorld()
            let run = try await runBatchwatch(
                ["validate", "--against-aws", "--config", try writeConfig(Self.accountsConfig)],
                environment: environment)
            let out = String(decoding: run.stdout, as: UTF8.self)
            #expect(run.status == 3, "\(run.stderr)")
            #expect(out.contains("Against AWS (every account and Region), the next 14 days:"))
            #expect(out.contains("prod ap-northeast-1: nightly-etl: matches AWS (rule default/etl-nightly)"), "\(out)")
            #expect(out.contains("staging ap-northeast-1: nightly-etl: matches AWS"), "\(out)")
            #expect(out.contains("staging us-east-1: billing: differs from AWS (rule default/billing-daily)"), "\(out)")
            // billing is pinned to staging, nightly-etl to Tokyo: nothing compared anywhere else.
            let compared = (out.components(separatedBy: "the next 14 days:\n").last ?? "").split(separator: "\n")
            #expect(compared.count == 3, "\(out)")
            #expect(run.stderr.contains("gone") && run.stderr.contains("AssumeRole"), "\(run.stderr)")
            #expect(run.stderr.contains("denied ap-northeast-1"), "\(run.stderr)")
        }

        @Test func oneAccountOneRegionStillNamesBoth() async throws {
            let (bed, environment) = try await freshTestBed()
            _ = try await bed.seed(
                Scenario(
                    accounts: [],
                    stateMachines: [
                        Machine(
                            name: "adhoc", account: "123456789012", region: "ap-northeast-1",
                            executions: [Self.failed("2026-11-20T12:00:00+09:00", "2026-11-20T12:01:00+09:00")])
                    ]))
            let run = try await runCheckBinary(yaml: tokyoConfig(""), environment: environment)
            let findings = try run.findings()
            #expect(findings.map(Self.summary) == ["failed adhoc 123456789012 ap-northeast-1"])
            let calls = try await bed.calls().calls
            #expect(calls["sts:GetCallerIdentity"] == 1)
        }
    }
}
