import Foundation
import Logging

/// A digest that a target did not accept, kept to be sent again by the next run.
/// Names its target (`slack`, `sns`), never the target's URL or token.
struct SpooledDigest: Codable, Equatable {
    var target: String
    var window: WindowKey
    var spooledAt: String
    /// The exact payload: a Slack message's JSON, or an SNS Subject and Message.
    var payload: DeliveryPayload
    /// A `--force` digest, sent even when the state file says its window was delivered.
    /// Left out of the file when `nil` (not forced).
    var force: Bool?

    enum CodingKeys: String, CodingKey {
        case target, window, payload, force
        case spooledAt = "spooled_at"
    }
}

/// What one target is sent: the body, and for SNS a Subject.
struct DeliveryPayload: Codable, Equatable, Sendable {
    var subject: String?
    var body: String
}

/// `<state dir>/spool/`: one JSON file per digest not yet delivered. A run writes its digest here
/// before it posts it and removes it once delivered, so a run stopped at any point leaves it for
/// the next. A file that does not parse, or whose digest the receiver refuses as a message, is
/// moved to `spool/rejected/` and no longer sent.
struct DeliverySpool {
    let directory: URL
    let logger: Logger

    /// Writes `digest` to a new spool file and returns its URL.
    func add(_ digest: SpooledDigest, now: Date) throws -> URL {
        let stamp = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let url = directory.appendingPathComponent("\(digest.target)-\(digest.window.fileNamePart)-\(stamp).json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(digest)
        try StateWrites.perform { try AtomicFile.write(data, to: url) }
        return url
    }

    /// Where set-aside files go.
    var rejectedDirectory: URL { directory.appendingPathComponent("rejected", isDirectory: true) }

    /// The spooled digests of `target`, oldest first. A file that does not parse is moved to
    /// `rejected/` with a warning naming it, so it never stands in the way of a later digest.
    func pending(target: String) -> [(url: URL, digest: SpooledDigest)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("\(target)-") && $0.hasSuffix(".json") }.sorted()
            .compactMap { name in
                let url = directory.appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: url.path),
                    let digest = try? JSONDecoder().decode(SpooledDigest.self, from: data), digest.target == target
                else {
                    if FileManager.default.fileExists(atPath: url.path) {
                        let aside = setAside(url)
                        logger.warning(
                            "spool file \(url.path) does not parse as a spooled digest; moved to \(aside.path), not sent"
                        )
                    }
                    return nil
                }
                return (url, digest)
            }
            .sorted {
                ($0.digest.spooledAt, $0.url.lastPathComponent) < ($1.digest.spooledAt, $1.url.lastPathComponent)
            }
    }

    /// Removes a spool file whose digest was delivered or replaced.
    func remove(_ url: URL) {
        StateWrites.perform {
            do {
                try FileManager.default.removeItem(at: url)
            } catch {
                logger.warning("could not remove spool file \(url.path): it may be sent again")
            }
        }
    }

    /// Moves a spool file that cannot be delivered as it is to `rejected/` (same name), so it is
    /// kept for a person to look at but never sent again. Removes it when it cannot be moved.
    func setAside(_ url: URL) -> URL {
        let aside = rejectedDirectory.appendingPathComponent(url.lastPathComponent)
        return StateWrites.perform {
            try? FileManager.default.removeItem(at: aside)
            do {
                try AtomicFile.createDirectory(rejectedDirectory)
                try FileManager.default.moveItem(at: url, to: aside)
            } catch {
                try? FileManager.default.removeItem(at: url)
            }
            return aside
        }
    }
}
