import BatchwatchCheck
import Foundation

/// `report_dir`: each check's HTML timeline as `<window start date>.html`, and an `index.html`
/// that links the latest 31 of them. Both are written whole or not at all (a temporary file
/// renamed over the old one), mode 0644 in a 0755 directory, so a web server can serve them.
/// They hold what the digest holds, and no secret.
public struct ReportDirectory: Sendable {
    public let path: String
    /// How many pages the index links, newest first.
    public static let indexLength = 31

    public init(path: String) {
        self.path = path
    }

    /// Writes `report`'s page and rewrites the index; returns the page's file name.
    @discardableResult
    public func write(_ report: CheckReport) throws -> String {
        let directory = URL(fileURLWithPath: path, isDirectory: true)
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let name = "\(report.window.firstLocalDay).html"
        try AtomicFile.write(
            Data(TimelinePage(report: report).html().utf8), to: directory.appendingPathComponent(name), mode: 0o644)
        try AtomicFile.write(Data(index().utf8), to: directory.appendingPathComponent("index.html"), mode: 0o644)
        return name
    }

    /// The index page: the latest pages by date, each with the headline from its `<title>`.
    func index() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}\\.html$", options: .regularExpression) != nil }
            .sorted(by: >)
            .prefix(Self.indexLength)
        let items = names.map { name in
            let headline =
                Self.title(ofPage: (path as NSString).appendingPathComponent(name)) ?? String(name.dropLast(5))
            return "<li><a href=\"\(TimelinePage.escape(name))\">\(TimelinePage.escape(headline))</a></li>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>batchwatch: the latest \(Self.indexLength) checks</title>
            <style>:root{color-scheme:light dark}body{font:15px/1.6 system-ui,sans-serif;margin:1.5em}</style>
            </head><body><h1>batchwatch: the latest checks</h1>
            <ul>\(items.joined(separator: "\n"))</ul>
            </body></html>

            """
    }

    /// The text of a page's `<title>` without its `batchwatch: ` prefix, still escaped as written.
    static func title(ofPage path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        guard let open = head.range(of: "<title>"),
            let close = head.range(of: "</title>", range: open.upperBound..<head.endIndex)
        else { return nil }
        let title = String(head[open.upperBound..<close.lowerBound])
        let unescaped = title.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        return unescaped.hasPrefix("batchwatch: ") ? String(unescaped.dropFirst(12)) : unescaped
    }
}
