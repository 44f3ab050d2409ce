import Foundation
import Logging

/// Every log line written through loggers made by `logger()`, level, message and metadata.
public final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(level: Logger.Level, text: String)] = []

    public init() {}

    /// A trace-level logger writing here.
    public func logger() -> Logger {
        Logger(label: "test") { _ in RecordingHandler(recorder: self) }
    }

    func append(_ level: Logger.Level, _ text: String) {
        lock.withLock { recorded.append((level, text)) }
    }

    public var lines: [(level: Logger.Level, text: String)] { lock.withLock { recorded } }
    public var text: String { lines.map(\.text).joined(separator: "\n") }

    /// Whether a line at `level` or above contains `fragment`.
    public func contains(_ fragment: String, atLeast level: Logger.Level = .trace) -> Bool {
        lines.contains { $0.level >= level && $0.text.contains(fragment) }
    }

    private struct RecordingHandler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered =
                all.isEmpty
                ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            recorder.append(event.level, "\(event.message)\(rendered)")
        }
    }
}
