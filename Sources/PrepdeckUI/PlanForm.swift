import Foundation
import PrepdeckCore

/// The interview-date form of the Stats tab (`i`): the date and the topics that matter, saved in settings.json
/// (`interview_date`, `interview_topics`) as `prepdeck plan --interview` does.
public struct PlanForm: Sendable, Equatable {
    /// The date as typed, `YYYY-MM-DD`.
    public var date: String
    /// The topics that matter (empty: every topic).
    public var topics: Set<String>
    /// 0: the date, 1: the topics.
    public var row = 0
    /// The topic picker's cursor, when it is open.
    public var picker: Int?
    /// Why the last save was refused (a date that is not a date, or has passed).
    public var error: String?

    public init(date: String, topics: Set<String>) {
        self.date = date
        self.topics = topics
    }
}

extension Keymap {
    public static let stats: [Binding] = [
        Binding([.char("i")], .search, "set the interview date and the topics that matter (Ready)", hint: "interview date"),
    ]
    /// The form's keys, for the help overlay and the hint bar (it handles them itself).
    public static let planForm: [Binding] = [
        Binding([.char("j"), .char("k")], .down, "next / previous field (also ↓ ↑ Tab)"),
        Binding([.left, .right], .toggle, "the date a day earlier / later (digits and - type it)", hint: "±day"),
        Binding([.pageUp, .pageDown], .pageDown, "the date a week earlier / later"),
        Binding([.char(" "), .char("t")], .toggle, "choose the topics (space on Topics, t anywhere)", hint: "topics"),
        Binding([.enter], .answer, "save", hint: "save"),
        Binding([.char("x")], .clearAll, "clear the interview date", hint: "clear"),
        Binding([.escape], .close, "cancel", hint: "cancel"),
    ]
}

/// The topic picker overlay shared by the practice setup form and the interview form: a list of the catalogue's
/// topics with their counts, `space` ticks, `c` clears, `Enter`/`Esc`/`q` closes.
enum TopicPicker {
    static let hints = [("j/k", "move"), ("space", "tick"), ("c", "clear"), ("Enter", "done")]

    /// Handles a key; returns false when the picker closes.
    static func handle(_ key: Key, cursor: inout Int, selected: inout Set<String>, topics: [String]) -> Bool {
        switch key {
        case .char("j"), .down: cursor = min(topics.count - 1, cursor + 1)
        case .char("k"), .up: cursor = max(0, cursor - 1)
        case .char(" "):
            guard topics.indices.contains(cursor) else { break }
            let t = topics[cursor]
            if selected.contains(t) { selected.remove(t) } else { selected.insert(t) }
        case .char("c"): selected = []
        case .enter, .escape, .char("q"): return false
        default: break
        }
        return true
    }

    static func draw(_ g: inout Grid, in body: Rect, cursor: Int, selected: Set<String>, all: [(topic: String, count: Int)], theme t: Theme) {
        let w = min(body.width - 4, 44), h = min(body.height - 2, all.count + 2)
        guard w > 6, h > 2 else { return }
        let r = Rect(x: body.x + (body.width - w) / 2, y: body.y + 1, width: w, height: h)
        g.fill(r, style: t.overlay)
        g.box(r, style: t.borderFocused, title: "Topics · space ticks · c clears · Enter done", titleStyle: t.title)
        let pin = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        let top = max(0, min(cursor - pin.height / 2, all.count - pin.height))
        for (k, tc) in all.dropFirst(top).prefix(pin.height).enumerated() {
            let idx = top + k
            let style = idx == cursor ? t.selected : t.text
            if idx == cursor { g.fill(Rect(x: pin.x, y: pin.y + k, width: pin.width, height: 1), style: style) }
            g.put((selected.contains(tc.topic) ? "[x] " : "[ ] ") + "\(tc.topic) (\(tc.count))", x: pin.x, y: pin.y + k, style: style, clip: pin)
        }
    }
}

extension AppModel {
    /// The form opened on the saved date (else a week from today) and topics.
    func makePlanForm(now: Date) -> PlanForm {
        let s = progress.settings
        let date = s.interviewDate ?? RFC3339.formatDay(calendar.day(of: now) + 7)
        return PlanForm(date: date, topics: Set(s.interviewTopics))
    }

    /// Keys of the Stats tab before the global map: `i` opens the interview form, which then takes every key.
    mutating func handleStatsKey(_ key: Key, now: Date) -> [Effect]? {
        guard var form = planForm else {
            if key == .char("i") { planForm = makePlanForm(now: now); return [] }
            return nil
        }
        defer { if planForm != nil { planForm = form } }
        if var cursor = form.picker {
            let topics = catalog.topicCounts.map(\.topic)
            form.picker = TopicPicker.handle(key, cursor: &cursor, selected: &form.topics, topics: topics) ? cursor : nil
            return []
        }
        form.error = nil
        let today = calendar.day(of: now)
        func shift(_ days: Int) {
            let base = RFC3339.parseDay(form.date) ?? today + 7
            form.date = RFC3339.formatDay(max(today, base + days))
        }
        switch key {
        case .escape, .char("q"): planForm = nil
        case .char("j"), .down, .tab: form.row = min(1, form.row + 1)
        case .char("k"), .up: form.row = max(0, form.row - 1)
        case .left, .char("h"): shift(-1)
        case .right, .char("l"): shift(1)
        case .pageUp: shift(-7)
        case .pageDown: shift(7)
        case .backspace where form.row == 0: if !form.date.isEmpty { form.date.removeLast() }
        case let .char(c) where form.row == 0 && (c.isASCII && c.isNumber || c == "-"):
            if form.date.count < 10 { form.date.append(c) }
        case .char(" ") where form.row == 1, .char("t"): form.row = 1; form.picker = 0
        case .enter:
            if let why = planFormError(form, now: now) { form.error = why; return [] }
            planForm = nil
            return savePlan(form, now: now)
        case .char("x"):
            planForm = nil
            var s = progress.settings
            guard s.interviewDate != nil || !s.interviewTopics.isEmpty else { banner = Banner("No interview date was set."); return [] }
            s.interviewDate = nil
            s.interviewTopics = []
            return applySettings(s, banner: "Interview date cleared.")
        default: break
        }
        return []
    }

    /// Why the form's date cannot be saved (not a date, or passed), or nil.
    func planFormError(_ form: PlanForm, now: Date) -> String? {
        guard let day = RFC3339.parseDay(form.date) else { return "'\(form.date)' is not a date: YYYY-MM-DD" }
        return day < calendar.day(of: now) ? "\(form.date) has passed" : nil
    }

    /// Saves the form's date (valid: `planFormError` is nil) and topics.
    mutating func savePlan(_ form: PlanForm, now: Date) -> [Effect] {
        let left = (RFC3339.parseDay(form.date) ?? 0) - calendar.day(of: now)
        var s = progress.settings
        s.interviewDate = form.date
        let known = catalog.topicCounts.map(\.topic)
        s.interviewTopics = known.filter { form.topics.contains($0) }
        let when = left > 1 ? "in \(left) days" : left == 1 ? "tomorrow" : "today"
        return applySettings(s, banner: "Interview \(form.date) (\(when)) saved: Review follows the plan.")
    }

    /// Replaces the settings (interview fields only: nothing that changes a schedule) and refreshes the figures.
    mutating func applySettings(_ s: Settings, banner text: String) -> [Effect] {
        progress.settings = s
        statsReport = nil
        readinessReport = nil
        banner = Banner(text)
        return [.saveSettings(s)]
    }

    func drawPlanForm(_ g: inout Grid, in body: Rect, now: Date) {
        guard let form = planForm else { return }
        let t = theme
        let w = min(body.width - 2, 60), h = min(body.height, 8)
        guard w > 10, h > 4 else { return }
        let r = Rect(x: body.x + (body.width - w) / 2, y: body.y + max(0, (body.height - h) / 2), width: w, height: h)
        g.fill(r, style: t.overlay)
        g.box(r, style: t.borderFocused, title: "Interview date", titleStyle: t.title)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        let labelW = 8
        let today = calendar.day(of: now)
        let when: String
        if let d = RFC3339.parseDay(form.date) {
            let left = d - today
            when = left > 1 ? "in \(left) days" : left == 1 ? "tomorrow" : left == 0 ? "today" : "passed"
        } else {
            when = "YYYY-MM-DD"
        }
        func label(_ text: String, _ row: Int) -> Span { Span(text.padding(toLength: labelW, withPad: " ", startingAt: 0), form.row == row ? t.accent.with(.bold) : t.muted) }
        g.put([label("Date", 0), Span("[" + form.date + (form.row == 0 ? "_" : "") + "]", form.row == 0 ? t.selected : t.text),
               Span("  " + when + " · ←/→ a day", t.muted)], x: inner.x, y: inner.y, clip: inner)
        let topics = form.topics.isEmpty ? "all topics" : catalog.topicCounts.map(\.topic).filter { form.topics.contains($0) }.joined(separator: ", ")
        g.put([label("Topics", 1), Span(truncate(topics, to: max(4, inner.width - labelW - 12)), form.row == 1 ? t.selected : t.text),
               Span("  (space chooses)", t.muted)], x: inner.x, y: inner.y + 1, clip: inner)
        if let e = form.error { g.put(truncate(e, to: inner.width), x: inner.x, y: inner.y + 3, style: t.danger, clip: inner) }
        let help = "Enter saves · t topics · x clears the date · Esc cancels"
        g.put(truncate(help, to: inner.width), x: inner.x, y: inner.maxY - 1, style: t.muted, clip: inner)
        if let cursor = form.picker {
            TopicPicker.draw(&g, in: body, cursor: cursor, selected: form.topics, all: catalog.topicCounts.map { ($0.topic, $0.count) }, theme: t)
        }
    }
}
