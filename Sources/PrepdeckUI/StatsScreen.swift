import Foundation
import PrepdeckCore

/// The Stats screen: what is due, how the last months went, which topics are weakest. Drawn from a
/// `StatsReport` (the same figures as `prepdeck stats --json`) as a column of lines that scrolls: the
/// summary, the 30-day due forecast (bars), the heat map of the last 26 weeks (a calendar of shaded cells,
/// readable without colour), retention, and per-topic mastery bars, weakest first.
public struct StatsScreen {
    /// Shades of the heat map, from no rating to the busiest days: distinct characters, so that the map reads
    /// without colour (`theme.heat` styles them).
    public static let heatGlyphs = ["·", "░", "▒", "▓", "█"]
    /// Eighths of a cell, for the forecast bars.
    static let eighths = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Draws the screen into `r`, its content scrolled up by `scroll` lines (clamped).
    public static func draw(_ g: inout Grid, in r: Rect, report: StatsReport, readiness: ReadinessReport? = nil, weights: String? = nil,
                            theme: Theme, scroll: Int) {
        guard r.width > 0, r.height > 0 else { return }
        g.fill(r, style: theme.text)
        let inner = Rect(x: r.x + 1, y: r.y, width: r.width - 2, height: r.height)
        guard inner.width > 0 else { return }
        let all = lines(width: inner.width, report: report, readiness: readiness, weights: weights, theme: theme)
        let top = max(0, min(scroll, all.count - inner.height))
        for (k, line) in all.dropFirst(top).prefix(inner.height).enumerated() {
            g.put(line, x: inner.x, y: inner.y + k, clip: inner)
        }
        // Show that there is more above or below.
        if top > 0 { g.put("↑", x: r.maxX - 1, y: r.y, style: theme.muted, clip: r) }
        if top + inner.height < all.count { g.put("↓", x: r.maxX - 1, y: r.maxY - 1, style: theme.muted, clip: r) }
    }

    /// How many lines the content takes in a rectangle `width` cells wide (for clamping the scroll offset:
    /// the largest useful offset is `contentHeight - height`).
    public static func contentHeight(width: Int, report: StatsReport, readiness: ReadinessReport? = nil, weights: String? = nil) -> Int {
        lines(width: max(0, width - 2), report: report, readiness: readiness, weights: weights, theme: .monochrome).count
    }

    // MARK: Content

    /// Every line of the content for a column `width` cells wide; no line is wider.
    static func lines(width: Int, report: StatsReport, readiness: ReadinessReport? = nil, weights: String? = nil, theme: Theme) -> [Line] {
        guard width > 0 else { return [] }
        var out: [Line] = []
        out += summary(width: width, report: report, theme: theme)
        out.append([])
        if let readiness {
            out += ready(width: width, report: readiness, theme: theme)
            out.append([])
        } else {
            out += wrapSpans([Span("Interview coming? ", theme.muted), Span("i", theme.hintKey),
                              Span(" sets its date: readiness per topic and a plan to the day.", theme.muted)], width: width)
            out.append([])
        }
        out += forecast(width: width, report: report, theme: theme)
        out.append([])
        out += heatmap(width: width, report: report, theme: theme)
        out.append([])
        out += retention(width: width, report: report, theme: theme)
        if let weights { out += wrapSpans([Span("Scheduler weights: ", theme.muted), Span(weights, theme.text)], width: width) }
        out.append([])
        out += topics(width: width, report: report, theme: theme)
        return out.map { clipLine($0, width) }
    }

    static func heading(_ text: String, _ detail: String, width: Int, theme: Theme) -> Line {
        let t = truncate(text, to: width)
        let rest = width - displayWidth(t)
        guard !detail.isEmpty, rest > 4 else { return [Span(t, theme.heading)] }
        return [Span(t, theme.heading), Span(truncate("  " + detail, to: rest), theme.muted)]
    }

    /// The summary: the day's figures, then streak, retention and time spent; items never split across lines.
    static func summary(width: Int, report r: StatsReport, theme: Theme) -> [Line] {
        func item(_ value: String, _ label: String, _ style: Style) -> Line { [Span(value, style), Span(" " + label, theme.text)] }
        var items: [Line] = [
            item("\(r.dueToday)", "due today", r.dueToday > 0 ? theme.statusDue : theme.bold),
            item("\(r.newAvailableToday)", "new today", theme.statusNew.with(.bold)),
            item("\(r.learning)", "learning", theme.statusLearning.with(.bold)),
            item("\(r.reviewsToday)", "reviewed today", theme.bold),
            item(r.streakDays == 1 ? "1 day" : "\(r.streakDays) days", "streak", theme.bold),
            item(r.retention30d.map(percent) ?? "—", "retention", theme.bold),
            item(duration(r.totalReviewSeconds), "reviewing", theme.bold),
            item(duration(r.totalPracticeSeconds), "practicing", theme.bold),
        ]
        if r.cards > 0 { items.append(item("\(r.cards)", r.cards == 1 ? "card" : "cards", theme.bold)) }
        var out = pack(items, width: width, separator: Span(" · ", theme.muted))
        // The weakest topics at a glance (the full list is further down).
        let weakest = r.weakestTopics.prefix(3)
        if !weakest.isEmpty {
            let lead: Line = [Span("Weakest: ", theme.muted)]
            let entries: [Line] = weakest.map { t in
                [Span(truncate(t.topic, to: max(8, width / 4)), theme.text), Span(" \(Int((t.mastery * 100).rounded()))%", theme.warning)]
            }
            let packed = pack(entries, width: width - lead.width, separator: Span(" · ", theme.muted))
            out.append(lead + packed[0])
        }
        return out
    }

    /// Items on as few lines as fit, separated by `separator`; an item wider than the line is truncated.
    static func pack(_ items: [Line], width: Int, separator: Span) -> [Line] {
        var lines: [Line] = []
        var line: Line = []
        var used = 0
        let sw = displayWidth(separator.text)
        for item in items {
            let w = item.width
            if !line.isEmpty && used + sw + w > width {
                lines.append(line)
                line = []
                used = 0
            }
            if !line.isEmpty { line.append(separator); used += sw }
            line += item
            used += w
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The next 30 days as vertical bars, today first, with the largest value on the axis and day labels.
    static func forecast(width: Int, report r: StatsReport, theme: Theme) -> [Line] {
        let days = r.forecast
        let peak = days.max() ?? 0
        let total = days.reduce(0, +)
        let week = days.prefix(7).reduce(0, +)
        var out: [Line] = [heading("Due — next 30 days", "\(week) this week · \(total) in 30 days", width: width, theme: theme)]
        guard !days.isEmpty, peak > 0 else {
            out.append([Span("Nothing is due in the next 30 days.", theme.muted)])
            return out
        }
        let label = String(peak)
        let axisW = displayWidth(label) + 2 // the label, a space, then the axis line
        let colW = max(1, min(3, (width - axisW) / days.count))
        let shown = min(days.count, max(1, (width - axisW) / colW))
        let height = width >= 100 ? 8 : 5
        let units = height * 8
        let heights = days.prefix(shown).map { v -> Int in
            v == 0 ? 0 : max(1, Int((Double(v) / Double(peak) * Double(units)).rounded()))
        }
        for row in 0..<height {
            let bottom = (height - 1 - row) * 8
            var line: Line = [Span(row == 0 ? label.leftPadded(axisW - 2) + " " : String(repeating: " ", count: axisW - 1), theme.muted),
                              Span(row == 0 ? "┤" : "│", theme.border)]
            var bars = ""
            for h in heights {
                let fill = min(8, max(0, h - bottom))
                let glyph = fill == 0 ? " " : eighths[fill - 1]
                bars += String(repeating: glyph, count: max(1, colW - 1)) + (colW > 1 ? " " : "")
            }
            line.append(Span(bars, theme.accent))
            out.append(line)
        }
        out.append([Span(String(repeating: " ", count: axisW - 1) + "└" + String(repeating: "─", count: shown * colW), theme.border)])
        // Day labels under their columns, where they fit.
        var labels = [Character](repeating: " ", count: axisW + shown * colW)
        var end = 0
        for k in stride(from: 0, to: shown, by: 7) {
            let text = k == 0 ? "today" : "+\(k)d"
            let x = axisW + k * colW
            guard x >= end, x + text.count <= labels.count || k == 0 else { continue }
            for (j, c) in text.enumerated() where x + j < labels.count { labels[x + j] = c }
            end = x + text.count + 1
        }
        out.append([Span(String(labels), theme.muted)])
        return out
    }

    /// The last 26 weeks: a column a week, a row a weekday, the bottom right cell today.
    static func heatmap(width: Int, report r: StatsReport, theme: Theme) -> [Line] {
        let days = r.heatmap
        let total = days.reduce(0) { $0 + $1.count }
        let busiest = days.max { $0.count < $1.count }
        var detail = "\(total) rating\(total == 1 ? "" : "s")"
        if let b = busiest, b.count > 0 { detail += " · busiest \(b.date): \(b.count)" }
        var out: [Line] = [heading("Reviews — last 26 weeks", detail, width: width, theme: theme)]
        guard !days.isEmpty else { return out }
        let labelW = 3
        let weeks = (days.count + 6) / 7
        let cellW = width >= labelW + weeks * 2 ? 2 : 1
        let shownWeeks = min(weeks, max(1, (width - labelW) / cellW))
        let peak = days.map(\.count).max() ?? 0
        // Columns are the 7-day runs ending today (the last column ends today); the oldest are dropped when narrow.
        let lastDay = days[days.count - 1].day
        let firstShown = lastDay - shownWeeks * 7 + 1
        var counts: [Int: Int] = [:]
        for d in days { counts[d.day] = d.count }
        // Month names over the column where a month begins.
        var monthLine = [Character](repeating: " ", count: labelW + shownWeeks * cellW)
        var end = 0
        var previousMonth = -1
        for w in 0..<shownWeeks {
            let (_, m, _) = RFC3339.civilFromDays(firstShown + w * 7)
            defer { previousMonth = m }
            guard m != previousMonth else { continue }
            let name = monthNames[m - 1]
            let x = labelW + w * cellW
            guard x >= end, x + name.count <= monthLine.count else { continue }
            for (j, c) in name.enumerated() { monthLine[x + j] = c }
            end = x + name.count + 1
        }
        out.append([Span(String(monthLine), theme.muted)])
        for row in 0..<7 {
            let weekday = ((firstShown + row) % 7 + 7 + 3) % 7 // day 0 (1970-01-01) was a Thursday; 0 = Monday
            var line: Line = [Span(weekdayNames[weekday] + " ", theme.muted)]
            for w in 0..<shownWeeks {
                let day = firstShown + w * 7 + row
                guard let count = counts[day] else { line.append(Span(String(repeating: " ", count: cellW))); continue }
                let level = heatLevel(count, peak: peak)
                line.append(Span(heatGlyphs[level], theme.heat[min(level, theme.heat.count - 1)]))
                if cellW > 1 { line.append(Span(" ")) }
            }
            out.append(line)
        }
        var legend: Line = [Span(String(repeating: " ", count: labelW) + "less ", theme.muted)]
        for (k, glyph) in heatGlyphs.enumerated() {
            legend.append(Span(glyph, theme.heat[min(k, theme.heat.count - 1)]))
            legend.append(Span(" "))
        }
        legend.append(Span("more", theme.muted))
        if peak > 0 { legend.append(Span("  (█ ≥ \(max(1, (3 * peak) / 4 + 1)) a day)", theme.muted)) }
        out.append(legend)
        return out
    }

    /// 0 for no rating, else 1…4 by quarters of the busiest day.
    public static func heatLevel(_ count: Int, peak: Int) -> Int {
        guard count > 0, peak > 0 else { return 0 }
        return min(4, 1 + (count * 4 - 1) / peak)
    }

    static func retention(width: Int, report r: StatsReport, theme: Theme) -> [Line] {
        var out: [Line] = [heading("Retention — last 30 days", "ratings of cards in review that were not Again", width: width, theme: theme)]
        guard let share = r.retention30d else {
            out.append([Span("No card in review was rated in the last 30 days.", theme.muted)])
            return out
        }
        let text = " \(percent(share)) of \(r.retentionRatings) rating\(r.retentionRatings == 1 ? "" : "s")"
        let barW = max(0, min(30, width - displayWidth(text)))
        var line = bar(share, width: barW, theme: theme, style: share >= 0.8 ? theme.success : theme.warning)
        line.append(Span(text, theme.bold))
        out.append(line)
        return out
    }

    /// Per-topic mastery, weakest first: name, bar, percent, learned/cards.
    static func topics(width: Int, report r: StatsReport, theme: Theme) -> [Line] {
        let list = r.weakestTopics
        var out: [Line] = [heading("Topics — mastery, weakest first", "mean recall probability now · learned/cards", width: width, theme: theme)]
        guard !list.isEmpty else {
            out.append([Span("No topics.", theme.muted)])
            return out
        }
        let counts = list.map { "\($0.learned)/\($0.cards)" }
        let countW = counts.map(\.count).max() ?? 3
        let longest = list.map { displayWidth($0.topic) }.max() ?? 8
        let nameW = max(4, min(longest, max(10, width / 4)))
        let fixed = nameW + 1 + 1 + 4 + 2 + countW // name, space, (bar), space, "100%", two spaces, counts
        let barW = max(0, min(40, width - fixed))
        for (t, count) in zip(list, counts) {
            var line: Line = [Span(fit(t.topic, nameW) + " ", theme.text)]
            line += bar(t.mastery, width: barW, theme: theme, style: t.mastery < 0.5 ? theme.warning : theme.success)
            let pct = "\(Int((t.mastery * 100).rounded()))%"
            line.append(Span(" " + pct.leftPadded(4), theme.bold))
            line.append(Span("  " + count.leftPadded(countW), theme.muted))
            out.append(line)
        }
        return out
    }

    /// Ready for the interview (issue 12): the predicted recall on the day overall and per topic, weakest first,
    /// with the cards never seen and the ones that would be forgotten by then.
    static func ready(width: Int, report r: ReadinessReport, theme: Theme) -> [Line] {
        let when = r.daysLeft > 1 ? "in \(r.daysLeft) days" : r.daysLeft == 1 ? "tomorrow" : r.daysLeft == 0 ? "today" : "passed"
        var out: [Line] = [heading("Ready for \(r.date) — \(when)", "predicted recall on the day, weakest first", width: width, theme: theme)]
        func pct(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
        let o = r.overall
        out += pack([[Span(pct(o.recall), theme.bold), Span(" overall", theme.text)],
                     [Span("\(o.neverSeen)", o.neverSeen > 0 ? theme.warning : theme.text), Span(" cards never seen", theme.text)],
                     [Span("\(o.forgotten)", o.forgotten > 0 ? theme.warning : theme.text), Span(" would be forgotten by then", theme.text)]],
                    width: width, separator: Span(" · ", theme.muted))
        if let n = r.planNewToday, r.overall.neverSeen > 0 {
            out.append([Span("Plan: ", theme.muted), Span("\(n) new today", theme.accent), Span(" in Review, to see every chosen card before the day", theme.muted)])
        }
        if let p = r.plan {
            if let followed = o.recallIfFollowed {
                out += pack([[Span("If followed: ", theme.muted), Span(pct(followed), theme.success.with(.bold)), Span(" on the day", theme.muted)],
                             [Span("if you stop now: ", theme.muted), Span(pct(o.recall), theme.warning.with(.bold))]],
                            width: width, separator: Span(" · ", theme.muted))
            }
            let perDay: [Line] = p.days.map { d in
                let name = d.day == p.days.first?.day ? "today" : weekdayNames[((d.day + 3) % 7 + 7) % 7]
                return [Span(name + " ", theme.muted), Span("\(d.new + d.reviews + d.ahead)", theme.text)]
            }
            out += pack([[Span("Ratings a day:", theme.muted)]] + perDay.prefix(14), width: width, separator: Span(" ", theme.muted))
            if p.aheadCandidates > 0 {
                out.append([Span("\(p.aheadCandidates) review(s) pulled ahead", theme.accent), Span(" so they are above \(pct(r.desiredRetention)) on the day", theme.muted)])
            }
        }
        guard !r.topics.isEmpty else { return out + [[Span("No cards in the chosen topics.", theme.muted)]] }
        let notes = r.topics.map { t in
            "\(t.neverSeen) unseen · \(t.forgotten) forgotten" + (t.recallIfFollowed.map { " · plan \(pct($0))" } ?? "")
        }
        let noteW = min(notes.map(\.count).max() ?? 0, max(0, width / 2))
        let nameW = max(4, min(r.topics.map { displayWidth($0.topic) }.max() ?? 8, max(8, width / 4)))
        let barW = max(0, min(30, width - nameW - 1 - 5 - 2 - noteW))
        for (t, note) in zip(r.topics, notes) {
            var line: Line = [Span(fit(t.topic, nameW) + " ", theme.text)]
            line += bar(t.recall, width: barW, theme: theme, style: t.recall < r.desiredRetention ? theme.warning : theme.success)
            line.append(Span(" " + pct(t.recall).leftPadded(4), theme.bold))
            line.append(Span("  " + note, theme.muted))
            out.append(line)
        }
        return out
    }

    /// A horizontal bar of `width` cells: `█` for the share, `░` for the rest (readable without colour).
    static func bar(_ share: Double, width: Int, theme: Theme, style: Style) -> Line {
        guard width > 0 else { return [] }
        let s = share.isFinite ? min(1, max(0, share)) : 0
        let filled = Int((s * Double(width)).rounded())
        return [Span(String(repeating: "█", count: filled), style), Span(String(repeating: "░", count: width - filled), theme.muted)]
    }

    // MARK: Helpers

    static let weekdayNames = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func percent(_ x: Double) -> String {
        let p = (x * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p)) %" : "\(p) %"
    }

    /// `0m`, `45m`, `3h 05m`, `1,203h`.
    static func duration(_ seconds: Int) -> String {
        let m = max(0, seconds) / 60
        if m < 60 { return "\(m)m" }
        let h = m / 60
        if h >= 1000 { return "\(h)h" }
        return "\(h)h " + (m % 60 < 10 ? "0" : "") + "\(m % 60)m"
    }

    /// Cuts a line to `width` cells.
    static func clipLine(_ line: Line, _ width: Int) -> Line {
        guard line.width > width else { return line }
        var out: Line = []
        var left = width
        for s in line {
            guard left > 0 else { break }
            let w = displayWidth(s.text)
            if w <= left { out.append(s); left -= w; continue }
            out.append(Span(truncate(s.text, to: left), s.style))
            left = 0
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String {
        let w = displayWidth(self)
        return w >= n ? self : String(repeating: " ", count: n - w) + self
    }
}
