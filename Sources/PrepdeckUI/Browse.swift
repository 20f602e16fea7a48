import Foundation
import PrepdeckCore

/// The Browse screen: the question list, the detail pane, search, filters and sort.
public struct BrowseState: Sendable {
    public enum Pane: Sendable { case list, detail }

    public var filter = QuestionFilter()
    public var sort: QuestionSort = .bank
    /// Indices into the catalogue, in display order.
    public private(set) var results: [Int] = []
    public var selected = 0
    public var listScroll = 0
    public var detailScroll = 0
    public var focus: Pane = .list
    public var revealed = false
    public var searching = false
    public var filterMenu: FilterMenu?
    /// The selected question's id, kept across searches and tab changes.
    public var selectedID: String?
    /// Geometry of the last frame, for mouse hits and paging.
    var listRect = Rect(x: 0, y: 0, width: 0, height: 0)
    var detailRect = Rect(x: 0, y: 0, width: 0, height: 0)

    public init() {}

    public var selectedIndex: Int? { results.indices.contains(selected) ? results[selected] : nil }

    /// Re-runs the query and keeps the selection on the same question when it is still listed.
    mutating func refresh(_ m: AppModel, now: Date) {
        results = runQuery(catalog: m.catalog, index: m.searchIndex, filter: filter, sort: sort,
                           info: { m.info(at: $0, now: now) }, now: now)
        if let id = selectedID, let pos = m.catalog.position(of: id), let k = results.firstIndex(of: pos) {
            if k != selected { detailScroll = 0 }
            selected = k
        } else {
            selected = 0
            detailScroll = 0
            revealed = false
        }
        selectedID = selectedIndex.map(m.catalog.id(at:))
        clamp(m)
    }

    mutating func clamp(_ m: AppModel) {
        selected = max(0, min(selected, results.count - 1))
        let rows = max(1, listRect.height)
        if selected < listScroll { listScroll = selected }
        if selected >= listScroll + rows { listScroll = selected - rows + 1 }
        listScroll = max(0, min(listScroll, max(0, results.count - rows)))
    }

    mutating func select(_ k: Int, _ m: AppModel) {
        let new = max(0, min(k, results.count - 1))
        if new != selected { detailScroll = 0; revealed = false }
        selected = new
        selectedID = selectedIndex.map(m.catalog.id(at:))
        clamp(m)
    }

    /// Hints while search or the filter menu is active.
    var modalHints: [(String, String)]? {
        if searching { return [("Enter", "keep"), ("Esc", "clear"), ("↑↓", "move"), ("type", "to search")] }
        if filterMenu != nil { return Keymap.filterMenu.compactMap { b in b.hint.map { (b.keys.first!.label, $0) } } + [("j/k", "move")] }
        return nil
    }

    /// Keys for the search field and the filter menu. Returns nil when the key is not theirs.
    mutating func handleModalKey(_ key: Key, model m: AppModel, now: Date) -> [Effect]? {
        if searching {
            switch key {
            case .enter: searching = false
            case .escape:
                searching = false
                filter.search = ""
                refresh(m, now: now)
            case .backspace:
                if !filter.search.isEmpty { filter.search.removeLast(); refresh(m, now: now) }
            case .ctrl("u"):
                filter.search = ""; refresh(m, now: now)
            case .up: select(selected - 1, m)
            case .down: select(selected + 1, m)
            case let .char(c):
                filter.search.append(c)
                refresh(m, now: now)
            default: break
            }
            return []
        }
        if var menu = filterMenu {
            guard let action = Keymap.action(for: key, in: Keymap.filterMenu) else { return [] }
            switch action {
            case .down: menu.move(1)
            case .up: menu.move(-1)
            case .toggle:
                menu.toggle(&filter)
                refresh(m, now: now)
            case .clearAll:
                let search = filter.search
                filter = QuestionFilter()
                filter.search = search
                refresh(m, now: now)
            case .close:
                filterMenu = nil
                return []
            default: break
            }
            filterMenu = menu
            return []
        }
        return nil
    }

    mutating func handle(_ action: Action, model m: inout AppModel, now: Date) -> [Effect] {
        let page = max(1, (focus == .list ? listRect.height : detailRect.height - 2) - 1)
        switch action {
        case .nextPane: focus = focus == .list ? .detail : .list
        case .down: focus == .list ? select(selected + 1, m) : scrollDetail(1, m, now)
        case .up: focus == .list ? select(selected - 1, m) : scrollDetail(-1, m, now)
        case .top: focus == .list ? select(0, m) : (detailScroll = 0)
        case .bottom: focus == .list ? select(results.count - 1, m) : scrollDetail(100_000, m, now)
        case .pageDown: focus == .list ? select(selected + page, m) : scrollDetail(page, m, now)
        case .pageUp: focus == .list ? select(selected - page, m) : scrollDetail(-page, m, now)
        case .halfDown: focus == .list ? select(selected + page / 2, m) : scrollDetail(page / 2, m, now)
        case .halfUp: focus == .list ? select(selected - page / 2, m) : scrollDetail(-page / 2, m, now)
        case .search:
            searching = true
            focus = .list
        case .filter:
            filterMenu = FilterMenu(catalog: m.catalog)
        case .sort:
            let all = QuestionSort.allCases
            sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
            refresh(m, now: now)
            m.banner = Banner("Sorted by \(sort.label) (o for the next order)")
        case .toggleAnswer:
            guard selectedIndex != nil else { return [] }
            revealed.toggle()
            if revealed {
                // Bring the answer into view: the "Model answer" rule goes to the top of the pane.
                focus = .detail
                let w = detailRect.width - 4
                let lines = detailLines(model: m, width: w, now: now)
                if let k = lines.firstIndex(where: { $0.plainText.hasPrefix("── Model answer") }) { detailScroll = k }
            } else {
                detailScroll = 0
            }
        case .toggle:
            guard let i = selectedIndex else { return [] }
            let id = m.catalog.id(at: i)
            var s = m.progress.settings
            if let k = s.suspended.firstIndex(of: id) {
                s.suspended.remove(at: k)
                m.banner = Banner("Unsuspended: Review shows it again when it is due.")
            } else {
                s.suspended.append(id)
                m.banner = Banner("Suspended: Review leaves it out until you press s here again.")
            }
            m.progress.settings = s
            return [.saveSettings(s)]
        default: break
        }
        return []
    }

    mutating func scrollDetail(_ d: Int, _ m: AppModel, _ now: Date) {
        let inner = max(1, detailRect.height - 2)
        let total = detailLines(model: m, width: max(1, detailRect.width - 4), now: now).count
        detailScroll = max(0, min(detailScroll + d, total - inner))
    }

    mutating func handleMouse(_ e: MouseEvent, model m: AppModel, now: Date) {
        switch e {
        case let .click(x, y):
            if listRect.contains(x: x, y: y) {
                focus = .list
                select(listScroll + (y - listRect.y), m)
            } else if detailRect.contains(x: x, y: y) {
                focus = .detail
            }
        case let .wheelDown(x, y):
            if detailRect.contains(x: x, y: y) { scrollDetail(3, m, now) } else { select(selected + 3, m) }
        case let .wheelUp(x, y):
            if detailRect.contains(x: x, y: y) { scrollDetail(-3, m, now) } else { select(selected - 3, m) }
        }
    }

    // MARK: Drawing

    mutating func layout(_ body: Rect) {
        if body.width >= 100 {
            let lw = max(44, min(70, body.width * 9 / 20))
            listRect = Rect(x: body.x + 1, y: body.y + 1, width: lw - 2, height: body.height - 2)
            detailRect = Rect(x: body.x + lw, y: body.y, width: body.width - lw, height: body.height)
        } else {
            let lh = max(5, body.height * 2 / 5)
            listRect = Rect(x: body.x + 1, y: body.y + 1, width: body.width - 2, height: lh - 2)
            detailRect = Rect(x: body.x, y: body.y + lh, width: body.width, height: body.height - lh)
        }
    }

    func draw(_ g: inout Grid, in body: Rect, model m: AppModel, now: Date) {
        var me = self
        me.layout(body) // normally done in update already; keeps a fresh model drawable
        me.clamp(m)
        let t = m.theme
        let listBox = Rect(x: me.listRect.x - 1, y: me.listRect.y - 1, width: me.listRect.width + 2, height: me.listRect.height + 2)
        var title = "Questions \(results.count)/\(m.catalog.count)"
        if sort != .bank { title += " · \(sort.label)" }
        if filter.hasFacets { title += " · filtered" }
        g.box(listBox, style: focus == .list ? t.borderFocused : t.border, title: title, titleStyle: t.title)
        me.drawList(&g, model: m, now: now)
        me.drawDetail(&g, model: m, now: now)
        if let menu = filterMenu { menu.draw(&g, in: body, filter: filter, theme: t, matches: results.count) }
    }

    func drawList(_ g: inout Grid, model m: AppModel, now: Date) {
        let t = m.theme
        var r = listRect
        if searching || !filter.search.isEmpty {
            // The search line sits on the last row of the list.
            let y = r.maxY - 1
            r.height -= 1
            let count = results.count == 1 ? "1 match" : "\(results.count) matches"
            var x = g.put("/", x: r.x, y: y, style: t.hintKey, clip: listRect)
            x = g.put(" " + filter.search, x: x, y: y, style: searching ? t.input : t.match, clip: listRect)
            if searching { g.cursor = (min(x, listRect.maxX - 1), y) }
            let cw = displayWidth(count)
            if x + cw + 2 <= listRect.maxX { g.put(count, x: listRect.maxX - cw, y: y, style: t.muted) }
        }
        if results.isEmpty {
            let msg = ["No questions match.", !filter.search.isEmpty ? "Esc clears the search (press / first)." : "",
                       filter.hasFacets ? "Press f, then c, to clear the filters." : ""].filter { !$0.isEmpty }
            var y = r.y
            for line in msg { for l in wrap(line, width: r.width) where y < r.maxY { g.put(l, x: r.x, y: y, style: t.muted, clip: r); y += 1 } }
            return
        }
        let showKind = r.width >= 50
        let showCount = r.width >= 36
        for row in 0..<r.height {
            let k = listScroll + row
            guard k < results.count else { break }
            let q = m.catalog.question(at: results[k])
            let info = m.info(at: results[k], now: now)
            let status = CardStatus(info.schedule, now: now)
            let y = r.y + row
            let isSel = k == selected
            let base = isSel ? (focus == .list ? t.selected : t.selectedUnfocused) : t.text
            g.fill(Rect(x: r.x, y: y, width: r.width, height: 1), style: base)
            let diffStyle: Style = q.difficulty == .easy ? t.easy : q.difficulty == .medium ? t.medium : t.hard
            var x = g.put(String(q.difficulty.rawValue.prefix(1).uppercased()), x: r.x, y: y, style: isSel ? base.with(.bold) : diffStyle, clip: r)
            x += 1
            if showKind { x = g.put(fit(q.kind.short, 6), x: x, y: y, style: isSel ? base : t.muted, clip: r) + 1 }
            let right = (showCount ? 5 : 0) + 9
            let titleW = max(1, r.maxX - x - right)
            g.put(fit(q.title, titleW), x: x, y: y, style: base, clip: r)
            let statusStyle: Style
            switch status {
            case .new: statusStyle = t.statusNew
            case .due: statusStyle = t.statusDue
            case .learning: statusStyle = t.statusLearning
            case .learned: statusStyle = t.statusLearned
            }
            let sx = r.maxX - right + 1
            let suspended = m.progress.settings.suspended.contains(q.id)
            g.put(fit(suspended ? "suspend" : status.rawValue, 8), x: sx, y: y, style: isSel ? base : (suspended ? t.muted : statusStyle), clip: r)
            if showCount {
                let c = info.practiced > 0 ? "×\(info.practiced)" : ""
                g.put(String(repeating: " ", count: max(0, 4 - c.count)) + c, x: r.maxX - 4, y: y, style: isSel ? base : t.muted, clip: r)
            }
        }
    }

    /// The detail pane's content for the selected question at a width.
    func detailLines(model m: AppModel, width: Int, now: Date) -> [Line] {
        guard let i = selectedIndex else { return [] }
        let t = m.theme
        let q = m.catalog.question(at: i)
        let info = m.info(at: i, now: now)
        let status = CardStatus(info.schedule, now: now)
        var out: [Line] = []
        out += wrapSpans([Span(q.title, t.title)], width: width)
        let diffStyle: Style = q.difficulty == .easy ? t.easy : q.difficulty == .medium ? t.medium : t.hard
        var meta: Line = [Span(q.difficulty.label, diffStyle), Span(" · " + q.kind.label + " · \(q.defaultBudgetSeconds / 60) min · ", t.muted)]
        meta.append(Span(status.rawValue, t.text))
        if info.practiced > 0 { meta.append(Span(" · practiced \(info.practiced)×", t.muted)) }
        if let due = info.schedule.due, info.schedule.state != .new {
            let d = due.timeIntervalSince(now)
            meta.append(Span(d <= 0 ? " · due now" : " · due in " + shortInterval(d), t.muted))
        }
        out += wrapSpans(meta, width: width)
        out += wrapSpans([Span("Topics: ", t.muted), Span(q.topics.joined(separator: ", "), t.accent)], width: width, indent: [Span("  ")])
        out.append([])
        out += wrapSpans([Span(q.prompt, t.text)], width: width)
        out.append([])
        out.append(rule("Model answer", width: width, theme: t))
        if !revealed {
            out.append([Span("Hidden. Press ", t.muted), Span("space", t.hintKey), Span(" to show it, ", t.muted), Span("Enter", t.hintKey), Span(" to answer it.", t.muted)])
            out += earlierAnswers(q, model: m, width: width)
            return out
        }
        out += Markdown.render(q.answer, width: width, theme: t)
        out.append([])
        out.append(rule("Key points", width: width, theme: t))
        for k in q.keyPoints { out += wrapSpans([Span("☐ ", t.accent)] + Markdown.inline(k, theme: t), width: width, indent: [Span("  ")]) }
        out += followUpLines(q, width: width, theme: t)
        out += earlierAnswers(q, model: m, width: width)
        return out
    }

    /// Your earlier answers to the question, newest first, and an unsubmitted draft.
    func earlierAnswers(_ q: Question, model m: AppModel, width: Int) -> [Line] {
        let t = m.theme
        var out: [Line] = []
        let list = m.answers[q.id] ?? []
        if let draft = m.drafts[q.id], !draft.isEmpty {
            out.append([])
            out.append(rule("Your draft (not submitted)", width: width, theme: t))
            out += previewLines(draft, width: width, theme: t)
        }
        guard !list.isEmpty else { return out }
        out.append([])
        out.append(rule("Your answers (\(list.count))", width: width, theme: t))
        for a in list {
            var meta = RFC3339.format(a.at).prefix(16).replacingOccurrences(of: "T", with: " ") + " · " + clockText(a.seconds)
            if let b = a.budgetSeconds { meta += " of " + clockText(Double(b)) }
            if a.keyPointsTotal > 0 { meta += " · key points \(a.keyPoints.count)/\(a.keyPointsTotal)" }
            if let r = a.rating { meta += " · " + r.label }
            out.append([Span(meta, t.accent)])
            out += previewLines(a.text.isEmpty ? "(empty)" : a.text, width: width, theme: t)
            out.append([])
        }
        return out
    }

    func rule(_ title: String, width: Int, theme t: Theme) -> Line { sectionRule(title, width: width, theme: t) }

    static let previewRows = 60

    /// A draft or an answer in the detail pane: its first `previewRows` rows, then how much more there is. The
    /// pane is drawn every frame, so a pasted megabyte must not be wrapped whole each time.
    func previewLines(_ text: String, width: Int, theme t: Theme) -> [Line] {
        let budget = BrowseState.previewRows * max(1, width) * 4 // characters: enough for the rows shown
        let head = text.utf8.count <= budget ? text : String(text.prefix(budget))
        var rows = wrap(head, width: width)
        let cut = head.utf8.count < text.utf8.count || rows.count > BrowseState.previewRows
        guard cut else { return rows.map { [Span($0, t.text)] } }
        rows = Array(rows.prefix(BrowseState.previewRows))
        let lines = text.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        return rows.map { [Span($0, t.text)] } + [[Span("… \(lines) lines in all; Enter opens it in the editor", t.muted)]]
    }

    func drawDetail(_ g: inout Grid, model m: AppModel, now: Date) {
        let t = m.theme
        let box = detailRect
        g.box(box, style: focus == .detail ? t.borderFocused : t.border, title: "Question", titleStyle: t.title)
        let inner = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
        guard inner.width > 0, inner.height > 0 else { return }
        let lines = detailLines(model: m, width: inner.width, now: now)
        if lines.isEmpty {
            g.put("Nothing selected.", x: inner.x, y: inner.y, style: t.muted, clip: inner)
            return
        }
        let maxScroll = max(0, lines.count - inner.height)
        let top = min(detailScroll, maxScroll)
        for (k, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            g.put(line, x: inner.x, y: inner.y + k, clip: inner)
        }
        if maxScroll > 0 {
            let pct = "\(Int(Double(top) / Double(maxScroll) * 100))%"
            let label = " \(top > 0 ? "↑" : " ")\(top < maxScroll ? "↓" : " ") \(pct) "
            g.put(label, x: box.maxX - displayWidth(label) - 2, y: box.maxY - 1, style: t.muted)
        }
    }
}

/// The filter menu: difficulty, kind, status and topic options as checkboxes.
public struct FilterMenu: Sendable, Equatable {
    public enum Option: Sendable, Equatable {
        case heading(String)
        case difficulty(Difficulty)
        case kind(Kind)
        case status(CardStatus)
        case topic(String, Int)
    }
    public var options: [Option]
    public var cursor = 1
    public var scroll = 0

    public init(catalog: Catalog) {
        var o: [Option] = [.heading("Difficulty")]
        o += Difficulty.allCases.map { .difficulty($0) }
        o.append(.heading("Kind"))
        o += Kind.allCases.map { .kind($0) }
        o.append(.heading("Status"))
        o += CardStatus.allCases.map { .status($0) }
        o.append(.heading("Topic"))
        o += catalog.topicCounts.map { .topic($0.topic, $0.count) }
        options = o
    }

    mutating func move(_ d: Int) {
        var k = cursor + d
        while k >= 0 && k < options.count {
            if case .heading = options[k] { k += d; continue }
            cursor = k
            return
        }
    }

    func toggle(_ f: inout QuestionFilter) {
        func flip<T: Hashable>(_ set: inout Set<T>, _ v: T) { if set.contains(v) { set.remove(v) } else { set.insert(v) } }
        switch options[cursor] {
        case .heading: break
        case let .difficulty(d): flip(&f.difficulties, d)
        case let .kind(k): flip(&f.kinds, k)
        case let .status(s): flip(&f.statuses, s)
        case let .topic(t, _): flip(&f.topics, t)
        }
    }

    func label(_ o: Option, _ f: QuestionFilter) -> (String, Bool)? {
        switch o {
        case .heading: return nil
        case let .difficulty(d): return (d.label, f.difficulties.contains(d))
        case let .kind(k): return (k.label, f.kinds.contains(k))
        case let .status(s): return (s.rawValue, f.statuses.contains(s))
        case let .topic(t, n): return ("\(t) (\(n))", f.topics.contains(t))
        }
    }

    func draw(_ g: inout Grid, in body: Rect, filter: QuestionFilter, theme t: Theme, matches: Int) {
        let w = min(body.width - 4, 48)
        let h = min(body.height, options.count + 2)
        let r = Rect(x: body.x + (body.width - w) / 2, y: body.y + (body.height - h) / 2, width: w, height: h)
        g.fill(r, style: t.overlay)
        g.box(r, style: t.borderFocused, title: "Filter · \(matches) match\(matches == 1 ? "" : "es")", titleStyle: t.title)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        var top = scroll
        if cursor < top + 1 { top = max(0, cursor - 1) }
        if cursor >= top + inner.height { top = cursor - inner.height + 1 }
        for (k, o) in options.dropFirst(top).prefix(inner.height).enumerated() {
            let y = inner.y + k
            let idx = top + k
            if case let .heading(h) = o {
                g.put(h, x: inner.x, y: y, style: t.heading, clip: inner)
                continue
            }
            guard let (text, on) = label(o, filter) else { continue }
            let style = idx == cursor ? t.selected : t.text
            if idx == cursor { g.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: style) }
            g.put((on ? "  [x] " : "  [ ] ") + text, x: inner.x, y: y, style: style, clip: inner)
        }
    }
}

/// The "Follow-ups" section of a question: each follow-up, and under it its model answer when the bank
/// has one (`followUpAnswers`), rendered as Markdown and indented. Empty without follow-ups.
func followUpLines(_ q: Question, width: Int, theme t: Theme) -> [Line] {
    let followUps = q.followUps
    guard !followUps.isEmpty else { return [] }
    let answers = q.followUpAnswers
    var out: [Line] = [[], sectionRule("Follow-ups", width: width, theme: t)]
    for (k, f) in followUps.enumerated() {
        out += wrapSpans([Span("› ", t.accent)] + Markdown.inline(f, theme: t).map { Span($0.text, $0.style.with(.bold)) },
                         width: width, indent: [Span("  ")])
        if k < answers.count {
            out += Markdown.render(answers[k], width: max(1, width - 2), theme: t).map { [Span("  ")] + $0 }
            if k + 1 < followUps.count { out.append([]) }
        }
    }
    return out
}

/// "── Title ─────": a section heading across `width` cells.
func sectionRule(_ title: String, width: Int, theme t: Theme) -> Line {
    let label = "── " + title + " "
    return [Span(label, t.heading), Span(String(repeating: "─", count: max(0, width - displayWidth(label))), t.border)]
}
