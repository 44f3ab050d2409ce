import AWSClient
import BatchwatchCheck
import Foundation

extension Deliverer {
    /// GETs `notify.heartbeat_url` after a complete run, with `/fail` appended when `exitStatus`
    /// is 2 or 3 (exit 1, problems found and delivered, is a successful run). A failed ping is
    /// logged with the URL masked and never changes the exit status.
    public func heartbeat(exitStatus: ExitStatus) async {
        guard let secret = settings.heartbeatURL else { return }
        let fail = Self.heartbeatFails(exitStatus)
        let name = "heartbeat \(secret)\(fail ? "/fail" : "")"
        guard let url = Self.heartbeatURL(secret.revealed, fail: fail) else {
            logger.warning("\(name): heartbeat_url is not an http(s) URL; not sent")
            return
        }
        switch await sender.send(HTTPRequest(method: "GET", url: url), to: name) {
        case .success:
            logger.info("\(name) sent")
        case .failure(let failure):
            logger.warning("\(name) failed: \(failure)")
        }
    }

    /// Whether the ping reports a failure: a configuration error (2) or an incomplete run (3).
    static func heartbeatFails(_ exitStatus: ExitStatus) -> Bool {
        exitStatus == .usageOrConfiguration || exitStatus == .incomplete
    }

    /// `url`, with `/fail` appended to its path when `fail` (keeping any query).
    static func heartbeatURL(_ text: String, fail: Bool) -> URL? {
        guard var components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else { return nil }
        if fail {
            let path = components.percentEncodedPath
            components.percentEncodedPath = path + (path.hasSuffix("/") ? "fail" : "/fail")
        }
        return components.url
    }
}
