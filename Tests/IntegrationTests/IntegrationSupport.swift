import AWSClient
import BatchwatchCheck
import BatchwatchConfig
import Foundation
import Logging
import TestSupport
import Testing

/// Every integration test shares one test bed and resets it, so they all run one after another
/// under this suite (each file adds a nested suite in an extension).
@Suite(.serialized) struct IntegrationTests {}

/// The fixed window of the check tests: 2026-11-20 in Asia/Tokyo, checked the next morning.
enum Fixed {
    static let date = "2026-11-20"
    static let nowText = "2026-11-21T08:30:00+09:00"
    static let now = jst("2026-11-21T08:30:00")
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!
    static let region = "ap-northeast-1"
}

/// An instant written in Tokyo local time, `2026-11-20T02:00:05`.
func jst(_ local: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: local + "+09:00") else {
        fatalError("bad test instant \(local)")
    }
    return date
}

/// A logger that prints nothing.
let quietLogger = Logger(label: "integration-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// The test bed, reset (optionally denying `deny`), with the AWS environment of its fresh credentials.
func freshTestBed(deny: [String] = []) async throws -> (bed: TestBed, environment: [String: String]) {
    let bed = try await TestBed.shared()
    let credentials = try await bed.reset(deny: deny)
    return (bed, bed.environment(credentials: credentials))
}

/// A client as the CLI builds it, from `environment` alone, except that its retry backoff and
/// throttling waits pass in virtual time (`SkippingClock`), so injected faults cost no real seconds.
func makeClient(environment: [String: String], region: String? = nil) throws -> AWSClient {
    try AWSClient.make(
        environment: environment, homeDirectory: environment["HOME"] ?? "/nonexistent", configRegion: region,
        logger: quietLogger, clock: SkippingClock())
}

/// The real clock, but a wait returns at once and moves this clock's time forward instead.
final class SkippingClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var skipped: Double = 0

    func now() -> Date { Date().addingTimeInterval(lock.withLock { skipped }) }

    func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        lock.withLock { skipped += max(seconds, 0) }
        await Task.yield()
    }
}

/// Parses `yaml` and runs the check of `selection` (default `Fixed.date`) at `now` (default
/// `Fixed.now`) through `Checker`, once with `metrics: auto` and once with `metrics: off`: metrics
/// first must find exactly what listing finds, in every scenario these tests seed. Returns the
/// listing run's report; the test bed's call counts are those of the listing run alone.
func runCheck(
    yaml: String, environment: [String: String], window selection: WindowSelection = .date(Fixed.date),
    now: Date = Fixed.now
) async throws -> CheckReport {
    var configuration = try ConfigurationLoader.parse(yaml: yaml, file: "it.yml", environment: environment)
    let window = try selection.resolve(now: now, timeZone: configuration.timeZone)
    let client = try makeClient(environment: environment, region: configuration.region)
    configuration.metrics = .auto
    let metricsFirst = await Checker(configuration: configuration, client: client, logger: quietLogger).run(
        window: window, now: now)
    try await TestBed.shared().resetCalls()
    configuration.metrics = .off
    let listing = await Checker(configuration: configuration, client: client, logger: quietLogger).run(
        window: window, now: now)
    #expect(
        metricsFirst.findings.map(withoutRequestId) == listing.findings.map(withoutRequestId),
        "metrics: auto found other findings than metrics: off")
    return listing
}

/// `finding` with the request id of its AWS error (different on every call) left out.
func withoutRequestId(_ finding: Finding) -> Finding {
    var finding = finding
    finding.cause = finding.cause?.replacingOccurrences(
        of: #"request id [^)]*"#, with: "request id", options: .regularExpression)
    return finding
}

/// A configuration for `Fixed.region` in Asia/Tokyo with `body` (jobs, alarms, ignore…) appended.
func tokyoConfig(_ body: String, includeUnscheduled: Bool = true) -> String {
    """
    timezone: Asia/Tokyo
    region: \(Fixed.region)
    include_unscheduled: \(includeUnscheduled)

    """ + body
}

extension CheckReport {
    /// The findings of one kind.
    func findings(_ kind: FindingKind) -> [Finding] {
        findings.filter { $0.kind == kind }
    }
}

/// A finished run of the `batchwatch` binary.
struct BinaryRun {
    var status: Int32
    var stdout: Data
    var stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// stdout parsed as one JSON object (fails the test when it is not exactly that).
    func jsonDocument() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: stdout)
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(stdoutText)")
    }

    /// The `findings` of the JSON document.
    func findings() throws -> [[String: Any]] {
        try #require(try jsonDocument()["findings"] as? [[String: Any]])
    }
}

/// The `batchwatch` executable that `swift build` put next to the test bundle.
func batchwatchExecutable() throws -> URL {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
    ].map { $0.appendingPathComponent("batchwatch") }
    return try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
        "no batchwatch binary in \(candidates.map(\.path)); run swift build --build-tests first")
}

/// Runs `batchwatch arguments` with exactly `environment`, waiting for it to exit.
func runBatchwatch(_ arguments: [String], environment: [String: String]) async throws -> BinaryRun {
    try await launchBatchwatch(arguments, environment: environment).finished()
}

/// A `batchwatch` process that was started and may still be running.
struct LaunchedBatchwatch {
    /// Its process id, for signals.
    let pid: Int32
    private let exited: Task<BinaryRun, any Error>

    fileprivate init(pid: Int32, exited: Task<BinaryRun, any Error>) {
        self.pid = pid
        self.exited = exited
    }

    /// Waits for the process to exit and returns what it wrote.
    func finished() async throws -> BinaryRun {
        try await exited.value
    }
}

/// Starts `batchwatch arguments` with exactly `environment`, stdout and stderr to files.
func launchBatchwatch(_ arguments: [String], environment: [String: String]) throws -> LaunchedBatchwatch {
    let process = Process()
    process.executableURL = try batchwatchExecutable()
    process.arguments = arguments
    process.environment = environment
    let directory = TestBed.makeEmptyDirectory()
    let stdoutURL = directory.appendingPathComponent("stdout")
    let stderrURL = directory.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    let stdout = try FileHandle(forWritingTo: stdoutURL)
    let stderr = try FileHandle(forWritingTo: stderrURL)
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    let (statuses, exit) = AsyncStream.makeStream(of: Int32.self)
    process.terminationHandler = {
        exit.yield($0.terminationStatus)
        exit.finish()
    }
    try process.run()
    let pid = process.processIdentifier
    let exited = Task<BinaryRun, any Error> {
        var status: Int32 = -1
        for await exitStatus in statuses { status = exitStatus }
        try stdout.close()
        try stderr.close()
        return BinaryRun(
            status: status, stdout: try Data(contentsOf: stdoutURL),
            stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "")
    }
    return LaunchedBatchwatch(pid: pid, exited: exited)
}

/// Writes `yaml` to a new temporary file and returns its path.
func writeConfig(_ yaml: String) throws -> String {
    let url = TestBed.makeEmptyDirectory().appendingPathComponent("batchwatch.yml")
    try yaml.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// `batchwatch check --config F --date Fixed.date --now Fixed.now --format json`.
func runCheckBinary(yaml: String, environment: [String: String]) async throws -> BinaryRun {
    try await runBatchwatch(
        ["check", "--config", try writeConfig(yaml), "--date", Fixed.date, "--now", Fixed.nowText, "--format", "json"],
        environment: environment)
}

/// User and system CPU time of a running process so far, in seconds (Linux's /proc/<pid>/stat).
func processorSeconds(of pid: Int32) throws -> Double {
    let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
    let fields = try #require(stat.range(of: ") ", options: .backwards)).upperBound
    let values = stat[fields...].split(separator: " ")
    let ticks = try #require(Double(values[11])) + #require(Double(values[12]))
    return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
}
