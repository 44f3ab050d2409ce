import AWSClient
import Foundation
import Logging
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A test bed server of this suite's own. `TestBed.shared()` is one server for the whole test
/// process, which other test targets reset while their tests run; these tests run beside them, so
/// they start a second server (same script, same ready line, testbed/README.md) and never reset it.
actor PrivateTestBed {
    let endpoint: URL
    let credentials: TestBed.Credentials
    private let process: Process
    /// Held so the server's stdin stays open; it exits when this process ends.
    private let stdinPipe: Pipe

    private init(endpoint: URL, credentials: TestBed.Credentials, process: Process, stdinPipe: Pipe) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.process = process
        self.stdinPipe = stdinPipe
    }

    private static let instance = Task<PrivateTestBed, any Error> { try await launch() }

    /// The server of this suite, started on first use.
    static func shared() async throws -> PrivateTestBed { try await instance.value }

    /// A client signing with the test bed's credentials, as the CLI builds one from its environment.
    nonisolated func client() throws -> AWSClient {
        let environment = [
            "AWS_ENDPOINT_URL": endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_REGION": credentials.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        return try AWSClient.make(
            environment: environment, homeDirectory: TestBed.makeEmptyDirectory().path,
            logger: Logger(label: "discovery-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Seeds state machines; returns name → ARN.
    func seed(_ scenario: TestBed.Scenario) async throws -> [String: String] {
        struct Answer: Decodable { let stateMachines: [String: String] }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let answer: Answer = try await control("POST", "seed", body: try encoder.encode(scenario))
        return answer.stateMachines
    }

    /// Signed requests per `signing-name:Operation` since the last `resetCalls()`.
    func calls() async throws -> [String: Int] {
        struct Answer: Decodable { let calls: [String: Int] }
        let answer: Answer = try await control("GET", "calls", body: nil)
        return answer.calls
    }

    /// Sets the call counts back to zero.
    func resetCalls() async throws {
        struct Answer: Decodable { let status: String }
        let _: Answer = try await control("POST", "calls/reset", body: Data("{}".utf8))
    }

    private func control<Answer: Decodable>(_ method: String, _ path: String, body: Data?) async throws -> Answer {
        var request = URLRequest(url: endpoint.appendingPathComponent("_testbed/\(path)"), timeoutInterval: 120)
        request.httpMethod = method
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw TestBedFailure(description: "test bed /_testbed/\(path): HTTP \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONDecoder().decode(Answer.self, from: data)
    }

    private struct ReadyLine: Decodable { let endpoint: String }

    private static func launch() async throws -> PrivateTestBed {
        let environment = ProcessInfo.processInfo.environment
        let server = environment["BATCHWATCH_TESTBED_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? serverScript()
        let python = environment["BATCHWATCH_TESTBED_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, server, "--exit-on-stdin-eof"]
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.nullDevice
        try process.run()

        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            Thread.detachNewThread {
                var bytes = Data()
                while !bytes.contains(UInt8(ascii: "\n")) {
                    let chunk = stdoutPipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    bytes.append(chunk)
                }
                let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))
                continuation.resume(returning: newline.map { String(decoding: bytes[..<$0], as: UTF8.self) })
            }
        }
        guard let data = line?.data(using: .utf8),
            let ready = try? JSONDecoder().decode(ReadyLine.self, from: data), let endpoint = URL(string: ready.endpoint),
            let credentials = try? JSONDecoder().decode(TestBed.Credentials.self, from: data)
        else {
            throw TestBedFailure(description: "the test bed (\(python) \(server)) did not print its ready line: \(line ?? "")")
        }
        return PrivateTestBed(endpoint: endpoint, credentials: credentials, process: process, stdinPipe: stdinPipe)
    }

    /// `testbed/server.py`, found by walking up from this file.
    private static func serverScript(from file: String = #filePath) -> String {
        var directory = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("testbed/server.py")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        return "testbed/server.py"
    }
}

/// Why the private test bed could not be started or refused a control call.
struct TestBedFailure: Error, CustomStringConvertible {
    let description: String
}
