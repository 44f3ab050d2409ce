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

    enum CodingKeys: String, CodingKey {
        case target, window, payload
        case spooledAt = "spooled_at"
    }
}

/// What one target is sent: the body, and for SNS a Subject.
struct DeliveryPayload: Codable, Equatable, Sendable {
    var subject: String?
    var body: String
}

/// `<state dir>/spool/`: one JSON file per undelivered digest. A digest the receiver rejects
/// as malformed is renamed to `….rejected` and no longer sent.
struct DeliverySpool {
    let directory: URL
    let logger: Logger

    /// Writes `digest` to a new spool file and returns its URL.
    func add(_ digest: SpooledDigest, now: Date) throws -> URL {
        let stamp = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let url = directory.appendingPathComponent("\(digest.target)-\(digest.window.fileNamePart)-\(stamp).json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(digest), to: url)
        return url
    }

    /// The spooled digests of `target`, oldest first. Unreadable files are reported and skipped.
    func pending(target: String) -> [(url: URL, digest: SpooledDigest)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("\(target)-") && $0.hasSuffix(".json") }.sorted()
            .compactMap { name in
                let url = directory.appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: url.path),
                    let digest = try? JSONDecoder().decode(SpooledDigest.self, from: data), digest.target == target
                else {
                    logger.warning("spool file \(url.path) is not readable; leaving it alone")
                    return nil
                }
                return (url, digest)
            }
            .sorted { ($0.digest.spooledAt, $0.url.lastPathComponent) < ($1.digest.spooledAt, $1.url.lastPathComponent) }
    }

    /// Removes a spool file whose digest was delivered or replaced.
    func remove(_ url: URL) {
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            logger.warning("could not remove spool file \(url.path): it may be sent again")
        }
    }

    /// Renames a spool file whose digest the receiver rejects as malformed, so it is kept but not re-sent.
    func setAside(_ url: URL) -> URL {
        let aside = url.deletingPathExtension().appendingPathExtension("rejected")
        try? FileManager.default.removeItem(at: aside)
        do {
            try FileManager.default.moveItem(at: url, to: aside)
        } catch {
            remove(url)
        }
        return aside
    }
}
