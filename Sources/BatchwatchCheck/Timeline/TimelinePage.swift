import Foundation

/// The night as one self-contained HTML page (`--format html`, `report_dir`): the headline and
/// totals of the text digest, a timeline (one row per job and per unscheduled machine that ran,
/// expected starts as bands, runs as bars, `finish_by` deadlines as ticks, findings as marks, the
/// window and now as lines), the findings as a table, and the notes.
///
/// Inline CSS and SVG only: no script, no font, image or style sheet from anywhere, so it opens
/// from a file and from a mail attachment. Dark and light themes follow `prefers-color-scheme`;
/// failed, aborted and running bars differ from succeeded ones by pattern and outline as well as
/// colour. Hovering a bar shows the run (SVG `<title>`); clicking it opens the execution.
public struct TimelinePage: Sendable {
    public let report: CheckReport

    /// Where the plot starts, right of the row labels.
    static let labelWidth = 220.0
    static let plotWidth = 1200.0
    static let rowHeight = 20.0
    static let axisHeight = 34.0
    /// How far past the window's end the axis goes, at most, to show late runs and deadlines.
    static let maxOverhang: TimeInterval = 12 * 3600

    public init(report: CheckReport) {
        self.report = report
    }

    /// The whole page.
    public func html() -> String {
        let digest = Digest(report: report)
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>batchwatch: \(Self.escape(digest.headline))</title>
            <style>\(Self.css)</style>
            </head><body>
            <h1>\(Self.escape(digest.headline))</h1>
            <p class="totals">Checked: \(Self.escape(digest.checkedSummary)).</p>

            """
        page += "<section><h2>Timeline</h2>\n\(legend)\n<div class=\"plot\">\(svg())</div></section>\n"
        page += findingsTable(digest)
        page += notesList(digest)
        page += "</body></html>\n"
        return page
    }

    // MARK: Axis

    /// The instants the plot spans: the window, and past its end up to `maxOverhang` when runs,
    /// deadlines or now lie there.
    var axis: (from: Date, to: Date) {
        let window = report.window
        var latest = window.to
        if let timeline = report.timeline {
            latest = max(latest, timeline.now)
            latest = timeline.runs.map { $0.stop ?? timeline.now }.reduce(latest, max)
            latest = timeline.occurrences.compactMap(\.finishBy).reduce(latest, max)
        }
        latest = report.findings.map(\.at).reduce(latest, max)
        let end = min(latest, window.to.addingTimeInterval(Self.maxOverhang))
        // Round the overhang up to a whole hour after the window's end.
        let overhang = end.timeIntervalSince(window.to)
        return (window.from, window.to.addingTimeInterval((overhang / 3600).rounded(.up) * 3600))
    }

    /// The hour lines: every local whole hour in the axis, with its label ("02", or "11-21" at a
    /// local midnight). On a daylight-saving day they are what the clock said: 23 or 25 of them.
    func hourTicks() -> [(at: Date, label: String, inWindow: Bool)] {
        let (from, to) = axis
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = report.window.timeZone
        guard var tick = calendar.dateInterval(of: .hour, for: from)?.start else { return [] }
        if tick < from { tick = tick.addingTimeInterval(3600) }
        var ticks: [(Date, String, Bool)] = []
        while tick <= to {
            let parts = calendar.dateComponents([.month, .day, .hour], from: tick)
            let label =
                parts.hour == 0
                ? String(format: "%02d-%02d", parts.month!, parts.day!) : String(format: "%02d", parts.hour!)
            ticks.append((tick, label, tick >= report.window.from && tick < report.window.to))
            tick = tick.addingTimeInterval(3600)
        }
        return ticks
    }

    // MARK: The timeline

    /// The rows, in order: the timeline's (jobs, then machines), then whatever else has findings
    /// (alarms, check errors that name an account).
    var rows: [String] {
        var rows = report.timeline?.rows ?? []
        var seen = Set(rows)
        for finding in report.findings where seen.insert(finding.job).inserted {
            rows.append(finding.job)
        }
        return rows
    }

    func svg() -> String {
        let rows = self.rows
        let (from, to) = axis
        let span = max(to.timeIntervalSince(from), 1)
        let left = Self.labelWidth
        let width = left + Self.plotWidth + 24
        let top = Self.axisHeight
        let height = top + Double(rows.count) * Self.rowHeight + 8
        let bottom = height - 4
        func x(_ date: Date) -> Double {
            left + min(max(date.timeIntervalSince(from), 0), span) / span * Self.plotWidth
        }
        let rowIndex = Dictionary(rows.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: min)
        func y(_ row: String) -> Double? { rowIndex[row].map { top + Double($0) * Self.rowHeight } }
        let local = LocalTime(zone: report.window.timeZone)
        let unlisted = Set(report.timeline?.unlisted ?? [])

        var out =
            "<svg class=\"tl\" role=\"img\" aria-label=\"timeline of the window\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\">"
        out += Self.patterns
        // Row stripes and labels.
        for (index, row) in rows.enumerated() {
            let rowTop = top + Double(index) * Self.rowHeight
            let unknown = unlisted.contains(row)
            let stripe = unknown ? "rb unk" : (index % 2 == 0 ? "rb" : "rb alt")
            out +=
                "<rect class=\"\(stripe)\" x=\"0\" y=\"\(Self.n(rowTop))\" width=\"\(Self.n(width))\" height=\"\(Self.n(Self.rowHeight))\"/>"
            let label = TextCut.cut(row, to: 30) + (unknown ? " (runs not read)" : "")
            out +=
                "<text class=\"lbl\" x=\"\(Self.n(left - 6))\" y=\"\(Self.n(rowTop + 14))\">\(Self.escape(label))<title>\(Self.escape(row))\(unknown ? ": its executions were not listed, so its runs are unknown" : "")</title></text>"
        }
        // Hour lines and labels.
        for tick in hourTicks() {
            let tx = Self.n(x(tick.at))
            out += "<line class=\"g\" x1=\"\(tx)\" y1=\"\(Self.n(top - 6))\" x2=\"\(tx)\" y2=\"\(Self.n(bottom))\"/>"
            let kind = tick.label.count > 2 ? "hour day" : "hour"
            out +=
                "<text class=\"\(kind)\(tick.inWindow ? "" : " out")\" x=\"\(tx)\" y=\"\(Self.n(top - 10))\">\(tick.label)</text>"
        }
        // Expected starts: the start grace, then max_duration, and the finish_by tick.
        for occurrence in report.timeline?.occurrences ?? [] {
            guard let rowTop = y(occurrence.row) else { continue }
            let start = occurrence.expectedStart
            let grace = start.addingTimeInterval(occurrence.startWithin)
            var title =
                "\(occurrence.row): expected \(local.minute(start)), start within \(DurationText.describe(occurrence.startWithin))"
            if let maxDuration = occurrence.maxDuration {
                let end = grace.addingTimeInterval(maxDuration)
                title += ", max_duration \(DurationText.describe(maxDuration))"
                out += Self.rect("band maxd", x(grace), rowTop + 3, x(end) - x(grace), Self.rowHeight - 6, title: nil)
            }
            if let finishBy = occurrence.finishBy { title += ", finish by \(local.minute(finishBy))" }
            out += Self.rect(
                "band grace", x(start), rowTop + 3, max(x(grace) - x(start), 1.5), Self.rowHeight - 6, title: title)
            if let finishBy = occurrence.finishBy, finishBy >= from, finishBy <= to {
                let fx = x(finishBy)
                out +=
                    "<path class=\"dl\" d=\"M\(Self.n(fx)) \(Self.n(rowTop + 1))v\(Self.n(Self.rowHeight - 2))m-4 0h8\"><title>\(Self.escape("\(occurrence.row): finish by \(local.minute(finishBy))"))</title></path>"
            }
        }
        // Runs, coloured and patterned by outcome, each linking to its execution.
        let now = report.timeline?.now ?? report.window.to
        for run in report.timeline?.runs ?? [] {
            guard let rowTop = y(run.row) else { continue }
            let x0 = x(run.start)
            let x1 = x(run.stop ?? now)
            let stop = run.stop.map { Self.clock($0, local: local) } ?? "still running"
            let title = "\(run.name)\n\(Self.clock(run.start, local: local)) – \(stop)\n\(run.status.rawValue)"
            let bar = Self.rect(
                "r \(Self.outcomeClass(run.status))", x0, rowTop + 5, max(x1 - x0, 2), Self.rowHeight - 10, title: title
            )
            if let url = run.url {
                out += "<a href=\"\(Self.escape(url))\">\(bar)</a>"
            } else {
                out += bar
            }
        }
        // Findings: a diamond for an alarm, a downward triangle for any other problem.
        for finding in report.findings {
            guard let rowTop = y(finding.job), finding.at >= from, finding.at <= to else { continue }
            let fx = x(finding.at)
            let title =
                "\(finding.kind.label) · \(finding.job) · \(local.dayAndMinute(finding.at))"
                + (finding.readableCause.map { " · " + Digest.shorten($0, to: 200) } ?? "")
            let shape =
                finding.kind == .alarm
                ? "M\(Self.n(fx)) \(Self.n(rowTop + 2))l6 8-6 8-6-8z"
                : "M\(Self.n(fx - 6)) \(Self.n(rowTop + 2))h12l-6 10z"
            out +=
                "<path class=\"mk k-\(finding.kind.rawValue)\" d=\"\(shape)\"><title>\(Self.escape(title))</title></path>"
        }
        // The window's ends, and now.
        for (edge, label) in [(report.window.from, "window start"), (report.window.to, "window end")]
        where edge >= from && edge <= to {
            let wx = Self.n(x(edge))
            out +=
                "<line class=\"win\" x1=\"\(wx)\" y1=\"\(Self.n(top - 4))\" x2=\"\(wx)\" y2=\"\(Self.n(bottom))\"><title>\(label) \(local.dayAndMinute(edge))</title></line>"
        }
        if let timelineNow = report.timeline?.now, timelineNow >= from, timelineNow <= to {
            let nx = Self.n(x(timelineNow))
            out +=
                "<line class=\"now\" x1=\"\(nx)\" y1=\"\(Self.n(top - 4))\" x2=\"\(nx)\" y2=\"\(Self.n(bottom))\"><title>now \(local.dayAndMinute(timelineNow))</title></line>"
            out += "<text class=\"nowl\" x=\"\(nx)\" y=\"\(Self.n(top - 24))\">now</text>"
        }
        if rows.isEmpty {
            out +=
                "<text class=\"lbl\" x=\"\(Self.n(left + 8))\" y=\"\(Self.n(top + 14))\" text-anchor=\"start\">No runs, expected starts or findings in the window.</text>"
        }
        return out + "</svg>"
    }

    /// The key to the picture, drawn with the same shapes.
    var legend: String {
        let items: [(String, String)] = [
            ("<rect class=\"r ok\" x=\"2\" y=\"4\" width=\"24\" height=\"10\"/>", "succeeded"),
            ("<rect class=\"r fail\" x=\"2\" y=\"4\" width=\"24\" height=\"10\"/>", "failed / timed out"),
            ("<rect class=\"r abort\" x=\"2\" y=\"4\" width=\"24\" height=\"10\"/>", "aborted"),
            ("<rect class=\"r run\" x=\"2\" y=\"4\" width=\"24\" height=\"10\"/>", "running"),
            (
                "<rect class=\"band grace\" x=\"2\" y=\"2\" width=\"8\" height=\"14\"/><rect class=\"band maxd\" x=\"10\" y=\"2\" width=\"16\" height=\"14\"/>",
                "expected start: grace, then max_duration"
            ),
            ("<path class=\"dl\" d=\"M14 1v16m-4 0h8\"/>", "finish_by deadline"),
            ("<path class=\"mk k-failed\" d=\"M8 3h12l-6 10z\"/>", "problem"),
            ("<path class=\"mk k-alarm\" d=\"M14 1l6 8-6 8-6-8z\"/>", "alarm"),
            ("<line class=\"now\" x1=\"14\" y1=\"0\" x2=\"14\" y2=\"18\"/>", "now"),
        ]
        let entries = items.map {
            "<span><svg width=\"28\" height=\"18\" aria-hidden=\"true\">\(Self.patterns)\($0.0)</svg>\($0.1)</span>"
        }
        return "<p class=\"legend\">" + entries.joined() + "</p>"
    }

    // MARK: Findings and notes

    func findingsTable(_ digest: Digest) -> String {
        guard !report.findings.isEmpty else { return "<section><h2>Findings</h2><p>None.</p></section>\n" }
        let local = LocalTime(zone: report.window.timeZone)
        var out =
            "<section><h2>Findings</h2>\n<table><thead><tr><th>kind</th><th>job</th><th>time</th><th>state</th><th>error</th><th>message</th><th>streak</th><th>console</th></tr></thead><tbody>\n"
        for finding in report.findings {
            let message = [finding.detail, finding.readableCause.map { Digest.shorten($0, to: 300) }].compactMap { $0 }
                .joined(separator: " · ")
            let streak = [finding.streak.map(String.init), digest.acrossNights(finding, local: local).nilIfEmpty]
                .compactMap { $0 }.joined(separator: " · ")
            let link = finding.url.map { "<a href=\"\(Self.escape($0))\">execution</a>" } ?? ""
            let cells = [
                "<span class=\"kind k-\(finding.kind.rawValue)\">\(Self.escape(finding.kind.label))</span>",
                Self.escape(finding.job),
                Self.escape(local.dayAndMinute(finding.at)), Self.escape(finding.state ?? ""),
                Self.escape(finding.error ?? ""),
                Self.escape(message), Self.escape(streak), link,
            ]
            out +=
                "<tr>"
                + cells.enumerated().map {
                    $0.offset == 2 ? "<td class=\"t\">\($0.element)</td>" : "<td>\($0.element)</td>"
                }.joined() + "</tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    func notesList(_ digest: Digest) -> String {
        var items = digest.recoveryLines
        items += digest.notes.map { digest.phrase(.textNote, ["note": $0]) }
        if let unlisted = report.timeline?.unlisted, !unlisted.isEmpty {
            items.append(
                "note: the executions of \(unlisted.joined(separator: ", ")) were not listed: their rows show no runs because none were read"
            )
        }
        guard !items.isEmpty else { return "" }
        return "<section><h2>Notes</h2><ul>" + items.map { "<li>\(Self.escape($0))</li>" }.joined()
            + "</ul></section>\n"
    }

    // MARK: Pieces

    static func outcomeClass(_ status: ExecutionStatus) -> String {
        switch status {
        case .succeeded: "ok"
        case .failed, .timedOut: "fail"
        case .aborted: "abort"
        case .running, .pendingRedrive: "run"
        }
    }

    static func rect(
        _ cls: String, _ x: Double, _ y: Double, _ width: Double, _ height: Double, title: String?
    ) -> String {
        let body = title.map { "><title>\(escape($0))</title></rect>" } ?? "/>"
        return "<rect class=\"\(cls)\" x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\"\(body)"
    }

    /// `02:14:09`, with the date when it is not the window's first day.
    static func clock(_ date: Date, local: LocalTime) -> String {
        let seconds = local.calendar.component(.second, from: date)
        return "\(local.dayAndMinute(date)):\(String(format: "%02d", seconds))"
    }

    /// A coordinate with at most one decimal: small pages.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// Text and attribute values, escaped for HTML.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Hatching for failed bars, dots for aborted ones: readable without colour.
    static let patterns = """
        <defs><pattern id="hf" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect class="pf" width="5" height="5"/><line class="ph" x1="0" y1="0" x2="0" y2="5"/></pattern>\
        <pattern id="ha" width="4" height="4" patternUnits="userSpaceOnUse"><rect class="pa" width="4" height="4"/>\
        <circle class="pd" cx="2" cy="2" r="0.9"/></pattern></defs>
        """

    static let css = """
        :root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--mut:#59636e;--grid:#d1d9e0;--stripe:#f6f8fa;--ok:#009e73;\
        --fail:#d55e00;--abort:#e69f00;--run:#0072b2;--band:#56b4e9;--dl:#8250df;--now:#cc79a7;--win:#1f2328}
        @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mut:#9198a1;--grid:#3d444d;--stripe:#151b23;\
        --ok:#2fbf8f;--fail:#ff7b3a;--abort:#f0b72f;--run:#4aa3e0;--band:#56b4e9;--dl:#c297ff;--now:#e58fc4;--win:#e6edf3}}
        body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em}
        h1{font-size:1.3em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.2em 0 .4em}.totals{color:var(--mut);margin:0}
        .plot{overflow-x:auto}.tl{display:block}.tl text{fill:var(--fg);font-size:11px}
        .lbl{text-anchor:end}.hour{text-anchor:middle;fill:var(--mut)!important}.hour.day{font-weight:600;fill:var(--fg)!important}
        .hour.out{font-style:italic}.g{stroke:var(--grid);stroke-width:1}.rb{fill:var(--bg)}.rb.alt{fill:var(--stripe)}
        .rb.unk{fill:var(--stripe);stroke:var(--mut);stroke-dasharray:2 3}
        .band.grace{fill:var(--band);opacity:.55}.band.maxd{fill:var(--band);opacity:.18}
        .r{stroke-width:1}.r.ok{fill:var(--ok);stroke:var(--ok)}.r.fail{fill:url(#hf);stroke:var(--fail);stroke-width:1.5}
        .r.abort{fill:url(#ha);stroke:var(--abort);stroke-width:1.5}.r.run{fill:none;stroke:var(--run);stroke-width:1.5;stroke-dasharray:3 2}
        .pf{fill:var(--fail)}.ph{stroke:var(--bg);stroke-width:2}.pa{fill:var(--abort)}.pd{fill:var(--bg)}
        a:hover .r{stroke:var(--fg);stroke-width:2}.dl{stroke:var(--dl);stroke-width:2;fill:none}
        .mk{fill:var(--fail);stroke:var(--bg);stroke-width:1}.mk.k-alarm{fill:var(--dl)}.mk.k-late,.mk.k-running_long,.mk.k-deadline_missed{fill:var(--abort)}
        .win{stroke:var(--win);stroke-width:1.5;stroke-dasharray:6 3}.now{stroke:var(--now);stroke-width:2}.tl .nowl{fill:var(--now);text-anchor:middle;font-weight:600}
        .legend span{display:inline-flex;align-items:center;gap:.3em;margin-right:1.1em;color:var(--mut)}
        .legend .tl text{fill:var(--fg)}
        table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid var(--grid);padding:.3em .6em;text-align:left;vertical-align:top}
        th{color:var(--mut);font-weight:600}td.t{white-space:nowrap}.kind{font-weight:600}.kind.k-failed,.kind.k-timed_out,.kind.k-missing,.kind.k-check_error{color:var(--fail)}
        a{color:var(--run)}
        """
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
