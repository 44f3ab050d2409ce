import Foundation
import Logging

/// The state file: which window's digest each target accepted, so that a re-run of the same
/// window posts nothing. Holds target names and instants only, never URLs or tokens.
struct DeliveryLedger {
    /// One accepted digest.
    struct Entry: Codable, Equatable {
        var target: String
        var from: String
        var to: String
        var acceptedAt: String

        enum CodingKeys: String, CodingKey {
            case target, from, to
            case acceptedAt = "accepted_at"
        }
    }

    private struct Document: Codable {
        var version: Int
        var delivered: [Entry]
    }

    /// The file name in the state directory.
    static let fileName = "delivered.json"
    /// Entries for windows that ended longer ago than this are dropped, so the file stays small.
    static let retention: TimeInterval = 120 * 86_400

    let url: URL
    private(set) var entries: [Entry]

    /// Reads the state file in `directory`. A missing file is an empty ledger; an unreadable one
    /// is moved aside to `delivered.json.corrupt`, reported with a warning, and replaced.
    static func load(directory: URL, logger: Logger) -> DeliveryLedger {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return DeliveryLedger(url: url, entries: [])
        }
        do {
            return DeliveryLedger(url: url, entries: try JSONDecoder().decode(Document.self, from: data).delivered)
        } catch {
            let aside = url.appendingPathExtension("corrupt")
            try? FileManager.default.removeItem(at: aside)
            let moved = (try? FileManager.default.moveItem(at: url, to: aside)) != nil
            logger.warning(
                "state file \(url.path) is not readable (\(Self.decodingProblem(error))); \(moved ? "moved to \(aside.path) and " : "")starting afresh: a digest already posted for this window may be posted again"
            )
            return DeliveryLedger(url: url, entries: [])
        }
    }

    /// Whether `target` accepted the digest of `window`.
    func contains(target: String, window: WindowKey) -> Bool {
        entries.contains { $0.target == target && $0.from == window.from && $0.to == window.to }
    }

    /// Records that `target` accepted the digest of `window` at `now`, dropping old entries.
    mutating func record(target: String, window: WindowKey, at now: Date) {
        let cutoff = now.addingTimeInterval(-Self.retention)
        entries.removeAll { entry in
            (entry.target == target && entry.from == window.from && entry.to == window.to)
                || (WindowKey.date(entry.to).map { $0 < cutoff } ?? true)
        }
        entries.append(Entry(target: target, from: window.from, to: window.to, acceptedAt: WindowKey.instant(now)))
    }

    /// Writes the file atomically.
    func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Document(version: 1, delivered: entries))
        try StateWrites.perform { try AtomicFile.write(data, to: url) }
    }

    private static func decodingProblem(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted: "not JSON"
        case DecodingError.keyNotFound(let key, _): "no \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "unreadable"
        }
    }
}
