import Foundation
import Testing
import Yams

/// deploy/iam-policy.json grants exactly the AWS actions that batchwatch signs: the sources
/// are scanned for every `json(.service, target: "X")`, `query(.service, action: "X")` and
/// `restJSON(.service, ...)` call and their paged forms (`jsonPages`, `queryPages`,
/// `restJSONPages`), so a new call without a policy line fails here.
@Suite struct IAMPolicyTests {
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What a scan of Swift source found: IAM actions with where they are signed, and calls
    /// whose action it could not tell.
    struct Scan {
        var actions: [String: [String]] = [:]
        var unrecognised: [String] = []
    }

    /// The IAM prefix of each `AWSService` member; `nil` for services called with the
    /// caller's own permissions (STS AssumeRole* belongs in the role's trust policy).
    static let iamPrefixes: [String: String?] = [
        "stepFunctions": "states", "cloudWatch": "cloudwatch", "sns": "sns",
        "eventBridge": "events", "scheduler": "scheduler", "sts": nil, "organizations": "organizations",
    ]

    /// Signed with the base credentials only, never in a member account: delivery, the run's own
    /// metrics, and listing the Organization.
    static let baseAccountOnly: Set<String> = ["sns:Publish", "cloudwatch:PutMetricData", "organizations:ListAccounts"]

    /// Every client call in `source`, by `location` (a file name, for messages).
    static func scan(_ source: String, location: String, into scan: inout Scan) {
        // `try await client.json(`, `try await query(`, `await with(...).query(`, `client.restJSON(`.
        let call = #/(?:\bawait\s+(?:[\w.$]+(?:\([^()]*\))?\.)?|\bclient\.)(?<kind>json|query|restJSON)(?:Pages)?\(\s*/#
        let service = #/^\.(?<name>\w+)\s*,/#
        let literalOperation = #/(?:target|action|operation):\s*"(?<name>\w+)"/#
        let method = #/method:\s*"(?<verb>\w+)"/#
        let path = #/path:\s*"(?<path>[^"]*)"/#
        for match in source.matches(of: call) {
            let line = source[..<match.range.lowerBound].count { $0 == "\n" } + 1
            let arguments = argumentText(source[match.range.upperBound...])
            let here = "\(location):\(line)"
            // The protocol layer itself forwards whatever service its caller names.
            if location.hasPrefix("Sources/AWSClient/"), arguments.firstMatch(of: service) == nil { continue }
            guard let serviceName = arguments.firstMatch(of: service)?.output.name,
                let prefix = iamPrefixes[String(serviceName)]
            else {
                scan.unrecognised.append("\(here): \(match.output.kind)(\(arguments.prefix(60))")
                continue
            }
            var operation = arguments.firstMatch(of: literalOperation).map { String($0.output.name) }
            if operation == nil, match.output.kind == "restJSON",
                arguments.firstMatch(of: method)?.output.verb.uppercased() == "GET",
                let requestPath = arguments.firstMatch(of: path)?.output.path
            {
                // EventBridge Scheduler's REST paths, when the call names no operation.
                if requestPath == "/schedules" {
                    operation = "ListSchedules"
                } else if requestPath.hasPrefix("/schedules/") {
                    operation = "GetSchedule"
                }
            }
            guard let operation else {
                scan.unrecognised.append(
                    "\(here): \(match.output.kind)(\(arguments.prefix(60)) names no literal operation")
                continue
            }
            guard let prefix else { continue }
            scan.actions["\(prefix):\(operation)", default: []].append(here)
        }
    }

    /// The text of a call's arguments: everything up to the parenthesis that closes the call.
    static func argumentText(_ rest: Substring) -> String {
        var depth = 0
        for index in rest.indices {
            switch rest[index] {
            case "(": depth += 1
            case ")" where depth == 0: return String(rest[..<index])
            case ")": depth -= 1
            default: break
            }
        }
        return String(rest)
    }

    /// Scans every Swift file under Sources/.
    static func scanSources() throws -> Scan {
        let sources = repository.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path))
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
        var result = Scan()
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            scan(text, location: "Sources/\(file)", into: &result)
        }
        return result
    }

    /// The policy's allowed actions, with the resources of the statement that allows each.
    static func policy(_ file: String = "deploy/iam-policy.json") throws -> [String: [String]] {
        try policy(json: try Data(contentsOf: repository.appendingPathComponent(file)))
    }

    /// The allowed actions of the policy document `data`, as `policy(_:)`.
    static func policy(json data: Data) throws -> [String: [String]] {
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["Version"] as? String == "2012-10-17")
        let statements = try #require(document["Statement"] as? [[String: Any]])
        var allowed: [String: [String]] = [:]
        for statement in statements {
            #expect(statement["Effect"] as? String == "Allow")
            #expect(statement["NotAction"] == nil && statement["NotResource"] == nil)
            let actions = (statement["Action"] as? [String]) ?? [(statement["Action"] as? String)].compactMap { $0 }
            let resources =
                (statement["Resource"] as? [String]) ?? [(statement["Resource"] as? String)].compactMap { $0 }
            for action in actions { allowed[action, default: []] += resources }
        }
        return allowed
    }

    @Test func everySignedActionIsGranted() throws {
        let scan = try Self.scanSources()
        print("AWS actions signed in Sources/:")
        for (action, places) in scan.actions.sorted(by: { $0.key < $1.key }) {
            print("  \(action)  (\(places.joined(separator: ", ")))")
        }
        #expect(scan.unrecognised.isEmpty, "calls whose IAM action the scan cannot tell: \(scan.unrecognised)")
        // The scan works at all: the check's own calls are there.
        #expect(scan.actions["states:ListExecutions"] != nil)
        #expect(scan.actions["cloudwatch:DescribeAlarms"] != nil)
        let granted = try Self.policy()
        for (action, places) in scan.actions.sorted(by: { $0.key < $1.key }) {
            #expect(granted[action] != nil, "\(action), signed at \(places[0]), is missing from deploy/iam-policy.json")
        }
    }

    @Test func policyGrantsNothingTheSourcesDoNotSign() throws {
        let signed = try Self.scanSources().actions
        for action in try Self.policy().keys.sorted() where action != "sts:AssumeRole" {
            #expect(signed[action] != nil, "deploy/iam-policy.json grants \(action), which no source signs")
        }
    }

    /// The reader role of member accounts grants every read the check and discover sign, and
    /// nothing that only the base account does; the base account may assume it and nothing else.
    @Test func memberReaderRoleGrantsEveryReadAndIsAssumedWithTheExternalId() throws {
        let signed = try Self.scanSources().actions
        let member = try Self.policy("deploy/member-reader-policy.json")
        for action in signed.keys.sorted() where !Self.baseAccountOnly.contains(action) {
            #expect(
                member[action] != nil,
                "\(action), signed at \(signed[action]![0]), is missing from deploy/member-reader-policy.json")
        }
        for action in member.keys.sorted() {
            #expect(signed[action] != nil && !Self.baseAccountOnly.contains(action), "the reader role grants \(action)")
        }
        #expect(signed["organizations:ListAccounts"] != nil)
        let assumable = try #require(try Self.policy()["sts:AssumeRole"])
        #expect(assumable == ["arn:aws:iam::*:role/batchwatch-reader"])
        let source = try String(
            contentsOf: Self.repository.appendingPathComponent(
                "Sources/AWSClient/Credentials/AssumeRoleCredentialProvider.swift"),
            encoding: .utf8)
        #expect(
            source.contains("sts.assumeRole("),
            "the base policy grants sts:AssumeRole for the member accounts' role")

        let data = try Data(
            contentsOf: Self.repository.appendingPathComponent("deploy/member-reader-trust-policy.json"))
        let trust = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let statement = try #require((trust["Statement"] as? [[String: Any]])?.first)
        #expect(statement["Action"] as? String == "sts:AssumeRole")
        let condition = statement["Condition"] as? [String: [String: String]]
        #expect(condition?["StringEquals"]?["sts:ExternalId"] != nil)
    }

    /// deploy/member-reader-role.yml, the StackSet template, creates the same role: the reader
    /// policy's actions and resources inline, trusted by the monitoring account with the ExternalId
    /// parameter as the condition.
    @Test func memberReaderRoleTemplateGrantsWhatTheReaderPolicyGrants() throws {
        let text = try String(
            contentsOf: Self.repository.appendingPathComponent("deploy/member-reader-role.yml"), encoding: .utf8)
        let template = try #require(try Yams.load(yaml: text) as? [String: Any])
        let parameters = try #require(template["Parameters"] as? [String: Any])
        #expect(parameters["ExternalId"] != nil && parameters["MonitoringAccountId"] != nil)
        let resources = try #require(template["Resources"] as? [String: [String: Any]])
        let roles = resources.values.filter { $0["Type"] as? String == "AWS::IAM::Role" }
        #expect(roles.count == 1 && resources.count == 1, "one resource, the role")
        let properties = try #require(roles.first?["Properties"] as? [String: Any])
        let policies = try #require(properties["Policies"] as? [[String: Any]])
        #expect(policies.count == 1)
        let document = try #require(policies.first?["PolicyDocument"])
        let granted = try Self.policy(json: try JSONSerialization.data(withJSONObject: document))
        let member = try Self.policy("deploy/member-reader-policy.json")
        #expect(granted == member, "the template's inline policy differs from deploy/member-reader-policy.json")
        #expect(properties["ManagedPolicyArns"] == nil)

        let trust = try #require(properties["AssumeRolePolicyDocument"] as? [String: Any])
        let statements = try #require(trust["Statement"] as? [[String: Any]])
        #expect(statements.count == 1)
        let statement = try #require(statements.first)
        #expect(statement["Effect"] as? String == "Allow" && statement["Action"] as? String == "sts:AssumeRole")
        let principal = (statement["Principal"] as? [String: Any])?["AWS"] as? [String: String]
        #expect(principal?["Fn::Sub"] == "arn:${AWS::Partition}:iam::${MonitoringAccountId}:root")
        let condition = statement["Condition"] as? [String: [String: [String: String]]]
        #expect(condition?["StringEquals"]?["sts:ExternalId"] == ["Ref": "ExternalId"])
    }

    @Test func policyUsesNoWildcardActionsAndScopesPublish() throws {
        let granted = try Self.policy()
        for action in granted.keys { #expect(!action.contains("*"), "wildcard action \(action)") }
        #expect(
            granted.keys.allSatisfy { !$0.hasPrefix("sts:") || $0 == "sts:AssumeRole" },
            "only AssumeRole, of member accounts' reader role")
        #expect(
            granted["sts:AssumeRole"]?.allSatisfy {
                $0.hasPrefix("arn:aws:iam::") && $0.hasSuffix(":role/batchwatch-reader")
            } == true)
        let publishTo = try #require(granted["sns:Publish"])
        #expect(
            !publishTo.isEmpty
                && publishTo.allSatisfy { $0.hasPrefix("arn:aws:sns:") && !$0.hasSuffix(":*") && $0 != "*" })
    }

    @Test func scanReadsEachCallStyle() {
        let source = """
            let page: Page = try await client.json(
                .stepFunctions, target: "ListExecutions", body: request)
            let alarms = try await client.query(.cloudWatch, action: "DescribeAlarms", version: v, parameters: [])
            let credentials = try await query(.sts, action: "AssumeRole", version: v, parameters: p)
            let rules: Rules = try await client.json(.eventBridge, target: "ListRuleNamesByTarget", body: b)
            let list: Schedules = try await client.restJSON(.scheduler, method: "GET", path: "/schedules")
            let one: Schedule = try await client.restJSON(.scheduler, method: "GET", path: "/schedules/\\(name)")
            let named: Schedule = try await client.restJSON(.scheduler, method: "GET", path: p, operation: "GetSchedule")
            let mystery: Data = try await client.json(service, target: "Whatever", body: b)
            let computed: Data = try await client.query(.sns, action: name, parameters: p)
            if case .json(let version, _) = service.wireProtocol { body = message.json() }
            let assumed = try await with(credentialProvider: nil).query(
                .sts, action: "AssumeRoleWithWebIdentity", version: v, parameters: p)
            async let alarms = client.query(.cloudWatch, action: "DescribeAlarmHistory", parameters: p)
            """
        var scan = Scan()
        Self.scan(source, location: "Example.swift", into: &scan)
        #expect(
            Set(scan.actions.keys) == [
                "states:ListExecutions", "cloudwatch:DescribeAlarms", "events:ListRuleNamesByTarget",
                "scheduler:ListSchedules", "scheduler:GetSchedule", "cloudwatch:DescribeAlarmHistory",
            ])
        #expect(scan.actions["states:ListExecutions"] == ["Example.swift:1"])
        #expect(scan.actions["scheduler:GetSchedule"]?.count == 2)
        #expect(scan.unrecognised.count == 2)
        #expect(scan.unrecognised.map { $0.prefix(16) } == ["Example.swift:9:", "Example.swift:10"])
    }
}
