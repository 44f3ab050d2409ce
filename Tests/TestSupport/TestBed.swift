import AWSClient
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The local AWS test bed (moto behind `testbed/server.py`): one server process per instance.
///
/// `shared()` is the one instance of the test process, which the integration tests reset and
/// seed; `launch()` starts one of the caller's own, for tests that run beside them. Each server
/// runs with `--exit-on-stdin-eof` and a pipe as its stdin that its object keeps open: when the
/// test process ends, the pipe closes and the server stops. Control calls go to the unsigned
/// `/_testbed/` endpoints (testbed/README.md). Tests that reset or seed one instance must not
/// overlap: run them in one `.serialized` suite.
public actor TestBed {
    /// Credentials of the test bed's IAM user, as `/_testbed/reset` and the ready line give them.
    public struct Credentials: Sendable, Equatable, Decodable {
        public let accessKeyId: String
        public let secretAccessKey: String
        public let region: String
        public let account: String
        public let userArn: String
        /// A role the user may assume (`sts:AssumeRole`).
        public let roleArn: String

        enum CodingKeys: String, CodingKey {
            case accessKeyId = "access_key_id"
            case secretAccessKey = "secret_access_key"
            case region, account
            case userArn = "user_arn"
            case roleArn = "role_arn"
        }
    }

    /// Signed AWS requests counted by the test bed since the last reset, per `signing-name:Operation`.
    public struct CallCounts: Sendable, Equatable, Decodable {
        /// Calls per API, refused and fault-injected ones included (`states:ListExecutions`: 3).
        public let calls: [String: Int]
        public let total: Int
        /// Injected faults per `API kind` (`states:ListExecutions throttle`: 1).
        public let faults: [String: Int]

        /// The calls of one API, 0 when there were none.
        public subscript(api: String) -> Int { calls[api] ?? 0 }

        /// All injected faults.
        public var faultCount: Int { faults.values.reduce(0, +) }
    }

    /// The ARNs a seed created (the answer of `/_testbed/seed`).
    public struct SeedResult: Sendable, Decodable {
        public struct Execution: Sendable, Decodable {
            public let machine: String
            public let name: String
            public let executionArn: String
            public let mapRunArn: String?
        }

        public struct Topic: Sendable, Decodable {
            public let topicArn: String
            public let queueArn: String?
            public let queueUrl: String?
            public let subscriptionArn: String?
        }

        /// State machine name to ARN.
        public let stateMachines: [String: String]
        public let executions: [Execution]
        /// Alarm name to ARN.
        public let alarms: [String: String]
        public let topics: [String: Topic]
    }

    /// Why the test bed could not be started or answered a control call with an error.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `http://127.0.0.1:PORT`, the one endpoint for every service and the control calls.
    public nonisolated let endpoint: URL
    /// The credentials of the latest reset (or of the start).
    public private(set) var credentials: Credentials

    private let process: Process
    /// The write end of the server's stdin; held so the pipe stays open while the tests run.
    private let stdinPipe: Pipe

    private init(endpoint: URL, credentials: Credentials, process: Process, stdinPipe: Pipe) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.process = process
        self.stdinPipe = stdinPipe
    }

    private static let instance = Task<TestBed, any Error> { try await launch() }

    /// The test bed of this test process, started on first use.
    public static func shared() async throws -> TestBed {
        try await instance.value
    }

    // MARK: Control calls

    /// Wipes every backend and creates a new user (the old key stops working); `deny` attaches an
    /// explicit Deny for those IAM actions (`states:GetExecutionHistory`). Returns the new credentials.
    @discardableResult
    public func reset(deny: [String] = []) async throws -> Credentials {
        struct Body: Encodable { let deny: [String] }
        credentials = try await control("POST", "reset", body: Body(deny: deny))
        return credentials
    }

    /// Adds `scenario` (testbed/README.md "Scenario format", e.g. a `TestBed.Scenario`) to the backends.
    @discardableResult
    public func seed(_ scenario: some Encodable & Sendable) async throws -> SeedResult {
        try await control("POST", "seed", body: scenario)
    }

    /// The signed requests counted since the last reset or `resetCalls()`.
    public func calls() async throws -> CallCounts {
        try await control("GET", "calls", body: nil as String?)
    }

    /// Sets the call counts back to zero.
    public func resetCalls() async throws {
        struct Empty: Encodable {}
        struct Status: Decodable { let status: String }
        let _: Status = try await control("POST", "calls/reset", body: Empty())
    }

    /// Fails each signed request with probability `rate` (0 turns injection off), with one of
    /// `kinds` (`500`, `503`, `throttle`, `html503`), reproducibly for `seed`; `apis` limits it to those APIs.
    public func faults(
        rate: Double, kinds: [String] = ["500", "503", "throttle"], seed: Int = 7, apis: [String]? = nil
    )
        async throws
    {
        struct Body: Encodable {
            let rate: Double
            let kinds: [String]
            let seed: Int
            let apis: [String]?
        }
        struct Plan: Decodable {}
        let _: Plan = try await control("POST", "faults", body: Body(rate: rate, kinds: kinds, seed: seed, apis: apis))
    }

    /// The environment a client or the `batchwatch` binary needs to reach the test bed with
    /// `credentials`: endpoint, keys, region, IMDS off, and `HOME` set to a new empty directory so
    /// that no real `~/.aws` is read.
    public nonisolated func environment(credentials: Credentials) -> [String: String] {
        [
            "AWS_ENDPOINT_URL": endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_REGION": credentials.region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": Self.makeEmptyDirectory().path,
        ]
    }

    /// A new empty directory, inside this process's scratch directory (`batchwatch-it-PID` under the
    /// system's temporary directory; those of processes that have ended are removed at launch).
    public nonisolated static func makeEmptyDirectory() -> URL {
        let directory = scratchDirectory(pid: getpid()).appendingPathComponent(UUID().uuidString, isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private nonisolated static func scratchDirectory(pid: Int32) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("batchwatch-it-\(pid)", isDirectory: true)
    }

    /// Removes the scratch directories of earlier test processes that are no longer running.
    private static func removeStaleScratchDirectories() {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix("batchwatch-it-") {
            guard let pid = Int32(name.dropFirst("batchwatch-it-".count)), pid != getpid(), kill(pid, 0) != 0 else {
                continue
            }
            try? FileManager.default.removeItem(at: scratchDirectory(pid: pid))
        }
    }

    private func control<Response: Decodable>(
        _ method: String, _ path: String, body: (some Encodable)?
    ) async throws
        -> Response
    {
        var request = URLRequest(url: endpoint.appendingPathComponent("_testbed/\(path)"), timeoutInterval: 120)
        request.httpMethod = method
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try Scenario.encoder.encode(body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw Failure(
                description:
                    "test bed \(method) /_testbed/\(path): HTTP \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONDecoder().decode(Response.self, from: data)
    }

    // MARK: Starting

    private struct ReadyLine: Decodable {
        let endpoint: String
    }

    /// Starts a test bed of the caller's own: a new server process, with its own backends and
    /// credentials, that nothing else resets. It stops when the test process ends.
    public static func launch() async throws -> TestBed {
        removeStaleScratchDirectories()
        let environment = ProcessInfo.processInfo.environment
        let server = environment["BATCHWATCH_TESTBED_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? locateServerScript()
        let python = environment["BATCHWATCH_TESTBED_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, server, "--exit-on-stdin-eof"]
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let logURL = makeEmptyDirectory().appendingPathComponent("testbed.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()

        let line = await readLine(from: stdoutPipe.fileHandleForReading)
        func failure(_ what: String) -> Failure {
            let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            return Failure(description: "the test bed (\(python) \(server)) \(what); its log:\n\(log.suffix(2000))")
        }
        guard let line, let data = line.data(using: .utf8) else { throw failure("exited before it was ready") }
        guard let ready = try? JSONDecoder().decode(ReadyLine.self, from: data),
            let endpoint = URL(string: ready.endpoint),
            let credentials = try? JSONDecoder().decode(Credentials.self, from: data)
        else {
            throw failure("printed an unreadable ready line: \(line)")
        }
        return TestBed(endpoint: endpoint, credentials: credentials, process: process, stdinPipe: stdinPipe)
    }

    /// The first line of `handle`, `nil` at end of file first. Blocks a thread of its own.
    private static func readLine(from handle: FileHandle) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    bytes.append(chunk)
                    if bytes.contains(UInt8(ascii: "\n")) { break }
                }
                guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
                    continuation.resume(returning: nil)
                    return
                }
                continuation.resume(returning: String(decoding: bytes[..<newline], as: UTF8.self))
            }
        }
    }

    /// `testbed/server.py` of the package this file belongs to, found by walking up from this file.
    private static func locateServerScript(from file: String = #filePath) -> String {
        var directory = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("testbed/server.py")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        return "testbed/server.py"
    }
}

extension TestBed {
    /// A seed scenario (testbed/README.md "Scenario format"). Instants are written as ISO 8601 UTC.
    public struct Scenario: Sendable, Encodable {
        public var stateMachines: [StateMachine]?
        public var alarms: [Alarm]?
        public var topics: [Topic]?

        public init(stateMachines: [StateMachine]? = nil, alarms: [Alarm]? = nil, topics: [Topic]? = nil) {
            self.stateMachines = stateMachines
            self.alarms = alarms
            self.topics = topics
        }

        /// A state machine and its executions.
        public struct StateMachine: Sendable, Encodable {
            public enum Kind: String, Sendable, Encodable { case standard = "STANDARD", express = "EXPRESS" }

            public var name: String
            public var type: Kind?
            public var region: String?
            public var startState: String?
            public var executions: [Execution]?
            /// `false`: none of the executions' `AWS/States` metrics were delivered.
            public var metrics: Bool?
            /// Metrics from this instant on were not delivered (yet).
            public var metricsUntil: Date?
            /// Datapoints that no execution explains.
            public var extraMetrics: [Datum]?
            /// The machine's `creationDate` (default: an hour before its earliest execution).
            public var created: Date?

            public init(
                name: String, type: Kind? = nil, region: String? = nil, startState: String? = nil,
                executions: [Execution]? = nil,
                metrics: Bool? = nil, metricsUntil: Date? = nil, extraMetrics: [Datum]? = nil, created: Date? = nil
            ) {
                self.created = created
                self.name = name
                self.type = type
                self.region = region
                self.startState = startState
                self.executions = executions
                self.metrics = metrics
                self.metricsUntil = metricsUntil
                self.extraMetrics = extraMetrics
            }

            /// One `AWS/States` datapoint of the machine.
            public struct Datum: Sendable, Encodable {
                public var name: String
                public var value: Double
                public var at: Date

                public init(name: String, value: Double = 1, at: Date) {
                    self.name = name
                    self.value = value
                    self.at = at
                }
            }
        }

        /// One execution as it stands now.
        public struct Execution: Sendable, Encodable {
            public enum Status: String, Sendable, Encodable {
                case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", timedOut = "TIMED_OUT", aborted =
                    "ABORTED"
            }

            public var start: Date
            public var stop: Date?
            public var status: Status?
            public var name: String?
            public var failure: Failure?
            public var redriveCount: Int?
            public var redriveDate: Date?
            public var redriveStatus: String?
            /// Metrics of this run that were not delivered (`ExecutionsFailed`, `ExecutionTime`, …).
            public var metricsOmitted: [String]?

            public init(
                start: Date, stop: Date? = nil, status: Status? = nil, name: String? = nil, failure: Failure? = nil,
                redriveCount: Int? = nil, redriveDate: Date? = nil, redriveStatus: String? = nil,
                metricsOmitted: [String]? = nil
            ) {
                self.metricsOmitted = metricsOmitted
                self.start = start
                self.stop = stop
                self.status = status
                self.name = name
                self.failure = failure
                self.redriveCount = redriveCount
                self.redriveDate = redriveDate
                self.redriveStatus = redriveStatus
            }
        }

        /// What went wrong in a run (or, for a running one, the state it is in).
        public struct Failure: Sendable, Encodable {
            public var state: String?
            public var error: String?
            public var cause: String?
            public var at: Date?
            public var mapRun: MapRun?

            public init(
                state: String? = nil, error: String? = nil, cause: String? = nil, at: Date? = nil, mapRun: MapRun? = nil
            ) {
                self.state = state
                self.error = error
                self.cause = cause
                self.at = at
                self.mapRun = mapRun
            }
        }

        /// A failed Distributed Map run.
        public struct MapRun: Sendable, Encodable {
            public var state: String
            public var failedItems: Int
            public var totalItems: Int?

            public init(state: String, failedItems: Int, totalItems: Int? = nil) {
                self.state = state
                self.failedItems = failedItems
                self.totalItems = totalItems
            }
        }

        /// A metric or composite alarm with its state changes, oldest first.
        public struct Alarm: Sendable, Encodable {
            public var name: String
            public var type: String?
            public var region: String?
            public var rule: String?
            public var initialState: String?
            public var history: [StateChange]?

            public init(
                name: String, type: String? = nil, region: String? = nil, rule: String? = nil,
                initialState: String? = nil,
                history: [StateChange]? = nil
            ) {
                self.name = name
                self.type = type
                self.region = region
                self.rule = rule
                self.initialState = initialState
                self.history = history
            }
        }

        /// One alarm state change.
        public struct StateChange: Sendable, Encodable {
            public var at: Date
            public var state: String
            public var reason: String?

            public init(at: Date, state: String, reason: String? = nil) {
                self.at = at
                self.state = state
                self.reason = reason
            }
        }

        /// An SNS topic, optionally subscribed by a new SQS queue.
        public struct Topic: Sendable, Encodable {
            public var name: String
            public var region: String?
            public var subscribeQueue: String?

            public init(name: String, region: String? = nil, subscribeQueue: String? = nil) {
                self.name = name
                self.region = region
                self.subscribeQueue = subscribeQueue
            }
        }

        /// Encodes control bodies: dates as ISO 8601 with `Z`.
        static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            return encoder
        }()
    }
}

extension TestBed {
    /// An EventBridge rule on the default bus that targets a state machine: the bodies of the
    /// PutRule and PutTargets calls that create it (`client.create(rule)` sends them).
    public struct EventBridgeRule: Sendable {
        /// PutRule's body.
        public struct PutRule: Sendable, Encodable {
            public var name: String
            public var scheduleExpression: String?
            public var eventPattern: String?
            public var state: String

            enum CodingKeys: String, CodingKey {
                case name = "Name", scheduleExpression = "ScheduleExpression", eventPattern = "EventPattern", state =
                    "State"
            }
        }

        /// PutTargets' body.
        public struct PutTargets: Sendable, Encodable {
            public struct RuleTarget: Sendable, Encodable {
                public var id: String
                public var arn: String
                public var roleArn: String

                enum CodingKeys: String, CodingKey { case id = "Id", arn = "Arn", roleArn = "RoleArn" }
            }

            public var rule: String
            public var targets: [RuleTarget]

            enum CodingKeys: String, CodingKey { case rule = "Rule", targets = "Targets" }
        }

        public var putRule: PutRule
        public var putTargets: PutTargets

        /// A rule `name` that starts `stateMachineArn` on `schedule` (`cron(0 17 * * ? *)`, read in
        /// UTC) or on events matching `pattern`, in `state` (`ENABLED` or `DISABLED`).
        public init(
            _ name: String, schedule: String? = nil, pattern: String? = nil, state: String = "ENABLED",
            stateMachineArn: String
        ) {
            putRule = PutRule(name: name, scheduleExpression: schedule, eventPattern: pattern, state: state)
            putTargets = PutTargets(
                rule: name,
                targets: [.init(id: "machine", arn: stateMachineArn, roleArn: "arn:aws:iam::123456789012:role/events")])
        }
    }

    /// An EventBridge Scheduler schedule: CreateSchedule's body, sent as `POST path` (REST-JSON)
    /// by `client.create(schedule)`.
    public struct SchedulerSchedule: Sendable, Encodable {
        public var name: String
        /// `nil`: the `default` group.
        public var group: String?
        public var expression: String
        /// `ScheduleExpressionTimezone`; `nil`: UTC.
        public var timeZone: String?
        /// The flexible time window's `MaximumWindowInMinutes`; `nil`: mode `OFF`.
        public var windowMinutes: Int?
        public var state: String
        public var targetArn: String

        /// A schedule `name` that starts `targetArn` (a state machine, or anything else) on `expression`.
        public init(
            _ name: String, group: String? = nil, expression: String, timeZone: String? = nil,
            windowMinutes: Int? = nil,
            state: String = "ENABLED", targetArn: String
        ) {
            self.name = name
            self.group = group
            self.expression = expression
            self.timeZone = timeZone
            self.windowMinutes = windowMinutes
            self.state = state
            self.targetArn = targetArn
        }

        /// `/schedules/NAME`.
        public var path: String { "/schedules/\(name)" }

        /// CreateSchedule's JSON body.
        public func body() throws -> Data { try JSONEncoder().encode(self) }

        private enum Key: String, CodingKey {
            case GroupName, ScheduleExpression, ScheduleExpressionTimezone, FlexibleTimeWindow, State, Target
            case Mode, MaximumWindowInMinutes, Arn, RoleArn
        }

        /// Encodes CreateSchedule's members.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(group, forKey: .GroupName)
            try container.encode(expression, forKey: .ScheduleExpression)
            try container.encodeIfPresent(timeZone, forKey: .ScheduleExpressionTimezone)
            try container.encode(state, forKey: .State)
            var window = container.nestedContainer(keyedBy: Key.self, forKey: .FlexibleTimeWindow)
            try window.encode(windowMinutes == nil ? "OFF" : "FLEXIBLE", forKey: .Mode)
            try window.encodeIfPresent(windowMinutes, forKey: .MaximumWindowInMinutes)
            var target = container.nestedContainer(keyedBy: Key.self, forKey: .Target)
            try target.encode(targetArn, forKey: .Arn)
            try target.encode("arn:aws:iam::123456789012:role/scheduler", forKey: .RoleArn)
        }
    }
}

extension AWSClient {
    private struct Empty: Decodable {}

    /// Creates `rule` with the signed PutRule and PutTargets calls any SDK makes.
    public func create(_ rule: TestBed.EventBridgeRule) async throws {
        let _: Empty = try await json(.eventBridge, target: "PutRule", body: rule.putRule)
        let _: Empty = try await json(.eventBridge, target: "PutTargets", body: rule.putTargets)
    }

    /// Creates `schedule` with a signed CreateSchedule call.
    public func create(_ schedule: TestBed.SchedulerSchedule) async throws {
        let _: Empty = try await restJSON(.scheduler, method: "POST", path: schedule.path, body: try schedule.body())
    }

    /// Creates the Scheduler schedule group `name` (CreateScheduleGroup).
    public func createScheduleGroup(_ name: String) async throws {
        let _: Empty = try await restJSON(
            .scheduler, method: "POST", path: "/schedule-groups/\(name)", body: Data("{}".utf8))
    }
}
