import Foundation
import PrepdeckCore

/// The Review tab: the due queue, one card at a time.
public struct ReviewState: Sendable {
    /// The card on screen (nil: nothing due now).
    public var card: String?
    public var revealed = false
    public var scroll = 0
    /// When the card was shown (monotonic seconds), for the time spent.
    var shownAt: Double?
    /// Ratings given in this session, newest last, for `u` (several levels).
    public var undoable: [(review: String, card: String)] = []
    /// `e`: an answer being written before revealing, and the answer written.
    public var editor: TextEditor?
    public var written: String?
    public var reviewedThisSession = 0
    /// Cram (`prepdeck review --cram`): the cards still to go, lowest predicted recall first, whatever their
    /// due dates; nil in ordinary review. Cram ratings are logged as practice.
    public var cram: [String]?
    /// The editor's version last written as a draft, and when (autosave, as in Practice).
    var savedVersion = 0
    var savedAt: Double = 0

    public init() {}
}

extension Keymap {
    public static let review: [Binding] = [
        Binding([.char(" ")], .toggleAnswer, "reveal the model answer and key points", hint: "reveal"),
        Binding([.char("1"), .char("2"), .char("3"), .char("4")], .answer, "rate: 1 Again, 2 Hard, 3 Good, 4 Easy (after reveal)", hint: "rate"),
        Binding([.char("u")], .close, "undo the last rating (several levels)", hint: "undo"),
        Binding([.char("e")], .search, "write an answer first (Ctrl-S done, Esc cancel)", hint: "write"),
        Binding([.char("b")], .filter, "bury: skip this card until tomorrow", hint: "bury"),
        Binding([.char("s")], .sort, "suspend: leave this card out until unsuspended (s in Browse)", hint: "suspend"),
        Binding([.pageDown, .pageUp], .pageDown, "scroll the answer"),
    ]
    public static let reviewEditor: [Binding] = [
        Binding([.ctrl("s")], .answer, "done: reveal the model answer beside it", hint: "done"),
        Binding([.escape], .close, "cancel (the draft is kept)", hint: "cancel"),
    ]
}

extension AppModel {
    /// The study day now and the cards Review leaves out today.
    func reviewExclusions(now: Date) -> Set<String> {
        progress.settings.excludedCards(onDay: calendar.day(of: now))
    }

    public func dueQueue(now: Date) -> DueQueue {
        let catalog = catalog, schedules = positionSchedules
        let plan = InterviewPlan(settings: progress.settings, catalog: catalog, schedules: schedules, calendar: calendar, now: now)
        return DueQueue(count: catalog.count, id: catalog.id(at:), schedule: { schedules[$0] }, progress: progress,
                        settings: progress.settings, calendar: calendar, now: now, excluding: reviewExclusions(now: now), plan: plan)
    }

    /// Starts cramming: every card of `topics` (all when empty) but the suspended ones, lowest retrievability now
    /// first (never seen: 0), ties in bank order.
    public mutating func startCram(topics: [String], now: Date, mono: Double) {
        let wanted = Set(topics), suspended = Set(progress.settings.suspended)
        var picked: [(r: Double, k: Int)] = []
        for (k, q) in catalog.questions.enumerated() where !suspended.contains(q.id) && (wanted.isEmpty || q.topics.contains { wanted.contains($0) }) {
            let s = positionSchedules[k] ?? CardSchedule()
            let r = s.state == .new ? 0 : progress.scheduler.retrievability(s, at: now)
            picked.append((r.isFinite ? r : 0, k))
        }
        picked.sort { $0.r != $1.r ? $0.r < $1.r : $0.k < $1.k }
        review.cram = picked.map { catalog.questions[$0.k].id }
        review.card = nil
        tab = .review
        fillReview(now: now, mono: mono)
    }

    /// Puts the next card of the queue on screen if none is (or the current one left the queue).
    mutating func fillReview(now: Date, mono: Double) {
        if let c = review.card, review.revealed || review.editor != nil {
            _ = c
            return // keep the card being answered
        }
        let next = review.cram.map { $0.first } ?? dueQueue(now: now).next
        if next != review.card {
            review.card = next
            review.revealed = false
            review.scroll = 0
            review.written = nil
            review.shownAt = next == nil ? nil : mono
        } else if review.shownAt == nil && next != nil {
            review.shownAt = mono
        }
    }

    mutating func handleReviewKey(_ key: Key, now: Date, mono: Double) -> [Effect]? {
        if var ed = review.editor {
            switch key {
            case .ctrl("s"):
                review.written = ed.text
                review.editor = nil
                review.revealed = true
                if let c = review.card { drafts[c] = ed.text.isEmpty ? nil : ed.text; return [.saveDraft(card: c, text: ed.text)] }
                return []
            case .escape:
                review.editor = nil
                if let c = review.card { drafts[c] = ed.text.isEmpty ? nil : ed.text; return [.saveDraft(card: c, text: ed.text)] }
                return []
            default:
                ed.handle(key)
                review.editor = ed
                return []
            }
        }
        guard let action = Keymap.action(for: key, in: Keymap.review) else { return nil }
        switch action {
        case .toggleAnswer:
            guard review.card != nil else { return [] }
            review.revealed.toggle()
            review.scroll = 0
        case .pageDown: review.scroll += 10
        case .pageUp: review.scroll = max(0, review.scroll - 10)
        case .answer:
            guard let card = review.card, let c = key.character, let r = Int(String(c)).flatMap(Rating.init(rawValue:)) else { return [] }
            guard review.revealed else {
                banner = Banner("Reveal the answer first (space), then rate it.")
                return []
            }
            return rateReview(card, r, now: now, mono: mono)
        case .close: return undoReview(now: now, mono: mono)
        case .search:
            guard let card = review.card else { return [] }
            var ed = TextEditor(text: drafts[card] ?? "")
            ed.resize(width: max(10, width - 6), height: max(3, height / 2))
            review.editor = ed
            review.savedVersion = ed.version
            review.savedAt = mono
        case .filter, .sort:
            guard let card = review.card else { return [] }
            var s = progress.settings
            if action == .filter {
                s.buried[card] = RFC3339.formatDay(calendar.day(of: now))
                banner = Banner("Buried until the next study day (days start at 04:00).")
            } else {
                if !s.suspended.contains(card) { s.suspended.append(card) }
                banner = Banner("Suspended: it stays out of Review until you unsuspend it (s in Browse).")
            }
            progress.settings = s
            review.card = nil
            fillReview(now: now, mono: mono)
            refreshDue(now: now, force: true)
            return [.saveSettings(s)]
        default: return nil
        }
        return []
    }

    /// The Review editor's text as a draft when it changed at least a second ago (`force`: at once), so that
    /// what is typed there trails on disk by about a second, as in Practice.
    mutating func reviewDraftEffect(mono: Double, force: Bool = false) -> Effect? {
        guard let ed = review.editor, let card = review.card, ed.version != review.savedVersion else { return nil }
        if !force && mono - review.savedAt < 1 { return nil }
        review.savedVersion = ed.version
        review.savedAt = mono
        let text = ed.text
        drafts[card] = text.isEmpty ? nil : text
        return .saveDraft(card: card, text: text)
    }

    /// Logs a rating (mode review, with the time spent), then shows the next card.
    mutating func rateReview(_ card: String, _ r: Rating, now: Date, mono: Double) -> [Effect] {
        var rng = random
        let id = EventID.make(at: now, random: &rng)
        let ms = review.shownAt.map { Int(max(0, mono - $0) * 1000) }
        var effects: [Effect] = []
        let event = ReviewEvent(id: id, card: card, rating: r, at: now, ms: ms, mode: review.cram == nil ? .review : .practice)
        let line = LogEntry.review(event).jsonLine
        markLogUndoPoint(line: line, card: card)
        effects.append(.appendReview(line))
        if let text = review.written {
            let answer = AnswerRecord(id: EventID.make(at: now, random: &rng), card: card, at: now, session: nil, text: text,
                                      seconds: Double(ms ?? 0) / 1000, budgetSeconds: nil, keyPoints: [],
                                      keyPointsTotal: catalog.question(card)?.keyPoints.count ?? 0, rating: r)
            effects.append(.appendAnswer(answer.jsonLine))
            effects.append(.saveDraft(card: card, text: ""))
            answers[card, default: []].insert(answer, at: 0)
            drafts[card] = nil
        }
        random = rng
        progress.apply(event)
        noteProgressChanged(card)
        review.undoable.append((id, card))
        review.reviewedThisSession += 1
        review.cram?.removeAll { $0 == card }
        review.card = nil
        review.revealed = false
        review.written = nil
        fillReview(now: now, mono: mono)
        refreshDue(now: now, force: true)
        return effects
    }

    /// `u`: appends an undo line for the last rating of this session and puts that card back on screen.
    mutating func undoReview(now: Date, mono: Double) -> [Effect] {
        guard let last = review.undoable.popLast() else {
            banner = Banner("Nothing to undo in this session.")
            return []
        }
        var rng = random
        let id = EventID.make(at: now, random: &rng)
        random = rng
        let line = LogEntry.undo(UndoEvent(id: id, undo: last.review, at: now)).jsonLine
        review.undoable.append(last)
        markLogUndoPoint(line: line, card: last.card)
        review.undoable.removeLast()
        progress.undo(last.review, card: last.card)
        noteProgressChanged(last.card)
        if review.cram != nil { review.cram!.removeAll { $0 == last.card }; review.cram!.insert(last.card, at: 0) }
        review.reviewedThisSession = max(0, review.reviewedThisSession - 1)
        review.card = last.card
        review.revealed = false
        review.scroll = 0
        review.written = nil
        review.shownAt = mono
        refreshDue(now: now, force: true)
        banner = Banner("Undone: \(catalog.question(last.card)?.title ?? last.card)")
        return [.appendReview(line)]
    }

    // MARK: Drawing

    func drawReview(_ g: inout Grid, in body: Rect, now: Date) {
        let t = theme
        let q = dueQueue(now: now)
        var progressLine: Line = [Span(" \(q.review.count) due", q.review.isEmpty ? t.muted : t.statusDue), Span(" · ", t.muted),
                                  Span("\(q.new.count) new", t.statusNew), Span(" · ", t.muted),
                                  Span("\(q.learning.count) learning", t.statusLearning)]
        if !q.ahead.isEmpty {
            progressLine += [Span(" · ", t.muted), Span("\(q.ahead.count) ahead", t.accent), Span(" for the interview", t.muted)]
        }
        if let cram = review.cram {
            progressLine = [Span(" Cram", t.accent.with(.bold)), Span(" · ", t.muted), Span("\(cram.count) left", t.statusDue),
                            Span(" · lowest recall first (logged as practice)", t.muted)]
        }
        if review.reviewedThisSession > 0 { progressLine += [Span(" · ", t.muted), Span("\(review.reviewedThisSession) reviewed", t.muted)] }
        g.put(progressLine, x: body.x, y: body.y, clip: body)
        let area = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 2)
        guard let card = review.card, let question = catalog.question(card) else {
            drawNothingDue(&g, in: area, queue: q, now: now)
            return
        }
        if var ed = review.editor {
            g.box(area, style: t.borderFocused, title: "Your answer to: " + question.title, titleStyle: t.title)
            let inner = Rect(x: area.x + 2, y: area.y + 1, width: area.width - 4, height: area.height - 2)
            let promptLines = wrap(question.prompt, width: inner.width)
            for (k, l) in promptLines.prefix(inner.height / 3).enumerated() { g.put(l, x: inner.x, y: inner.y + k, style: t.muted, clip: inner) }
            let top = min(promptLines.count, inner.height / 3) + 1
            ed.draw(&g, in: Rect(x: inner.x, y: inner.y + top, width: inner.width, height: inner.height - top), style: t.text,
                    placeholder: "Write your answer; Ctrl-S reveals the model answer beside it.", placeholderStyle: t.muted)
            return
        }
        let state = progress.schedule(card).state
        g.box(area, style: t.borderFocused, title: question.title, titleStyle: t.title)
        let inner = Rect(x: area.x + 2, y: area.y + 1, width: area.width - 4, height: area.height - 2)
        var lines: [Line] = []
        let diffStyle: Style = question.difficulty == .easy ? t.easy : question.difficulty == .medium ? t.medium : t.hard
        lines.append([Span(question.difficulty.label, diffStyle), Span(" · \(question.kind.label) · \(question.topics.joined(separator: ", ")) · \(state.rawValue)", t.muted)])
        lines.append([])
        lines += wrapSpans([Span(question.prompt, t.text)], width: inner.width)
        lines.append([])
        if let w = review.written {
            lines.append(browse.rule("Your answer", width: inner.width, theme: t))
            lines += wrap(w.isEmpty ? "(empty)" : w, width: inner.width).map { [Span($0, t.text)] }
            lines.append([])
        }
        if review.revealed {
            lines.append(browse.rule("Model answer", width: inner.width, theme: t))
            lines += Markdown.render(question.answer, width: inner.width, theme: t)
            lines.append([])
            lines.append(browse.rule("Key points", width: inner.width, theme: t))
            for k in question.keyPoints { lines += wrapSpans([Span("☐ ", t.accent)] + Markdown.inline(k, theme: t), width: inner.width, indent: [Span("  ")]) }
        } else {
            lines.append([Span("Recall your answer, then press ", t.muted), Span("space", t.hintKey), Span(" to reveal it (", t.muted),
                          Span("e", t.hintKey), Span(" to write it first).", t.muted)])
        }
        let top = max(0, min(review.scroll, lines.count - inner.height))
        for (k, l) in lines.dropFirst(top).prefix(inner.height).enumerated() { g.put(l, x: inner.x, y: inner.y + k, clip: inner) }
        if lines.count > inner.height {
            let label = " \(top > 0 ? "↑" : " ")\(top < lines.count - inner.height ? "↓" : " ") PgUp/PgDn "
            g.put(label, x: area.maxX - displayWidth(label) - 2, y: area.maxY - 1, style: t.muted)
        }
        let barY = body.maxY - 1
        if review.revealed {
            drawRatingBar(&g, card: card, y: barY, x: body.x, width: body.width, now: now)
        } else {
            // The intervals are known before the reveal too: show them, dimmed.
            let previews = progress.scheduler.previews(progress.schedule(card), cardID: card, at: now)
            let text = previews.map { "\($0.rating.rawValue) \($0.rating.label) · \(shortInterval($0.due.timeIntervalSince(now)))" }.joined(separator: "   ")
            g.put(" " + truncate(text, to: body.width - 2), x: body.x, y: barY, style: t.muted)
        }
    }

    func drawNothingDue(_ g: inout Grid, in r: Rect, queue q: DueQueue, now: Date) {
        let t = theme
        g.box(r, style: t.border, title: "Review", titleStyle: t.title)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        if review.cram != nil {
            let lines: [Line] = [[Span("Cram done: every chosen card has been through once.", t.success)], [],
                                 [Span("\(review.reviewedThisSession) rated in this session (logged as practice).", t.text)]]
            for (k, l) in lines.prefix(inner.height).enumerated() { g.put(l, x: inner.x, y: inner.y + k, clip: inner) }
            return
        }
        var lines: [Line] = [[Span("Nothing is due right now.", t.success)], []]
        if let next = q.nextDue {
            let local = next.addingTimeInterval(Double(calendar.utcOffsetSeconds))
            let hhmm = RFC3339.format(local).dropFirst(11).prefix(5)
            let day = calendar.day(of: next) == calendar.day(of: now) ? "today" : RFC3339.formatDay(calendar.day(of: next))
            lines.append([Span("The next card is due in ", t.text), Span(shortInterval(next.timeIntervalSince(now)), t.accent.with(.bold)),
                          Span(" (\(day) at \(hhmm)).", t.text)])
        } else {
            lines.append([Span("No card is waiting: every card you have seen is scheduled, or none is yet.", t.text)])
        }
        let unseen = positionSchedules.reduce(0) { $0 + (($1?.state ?? .new) == .new ? 1 : 0) }
        if q.newLeftToday == 0 && unseen > 0 {
            let why = q.newLimit > progress.settings.newPerDay ? "the interview plan's quota" : "new_per_day in settings.json"
            lines.append([Span("You have met today's limit of \(q.newLimit) new cards (\(why)).", t.text)])
        } else {
            lines.append([Span("\(min(q.newLeftToday, unseen)) new cards are left for today.", t.text)])
        }
        if review.reviewedThisSession > 0 {
            lines.append([])
            lines.append([Span("\(review.reviewedThisSession) cards reviewed in this session. ", t.muted), Span("u", t.hintKey), Span(" undoes the last rating.", t.muted)])
        }
        lines.append([])
        lines.append([Span("Meanwhile: ", t.muted), Span("P", t.hintKey), Span(" practice under a timer, ", t.muted), Span("B", t.hintKey), Span(" browse the bank.", t.muted)])
        for (k, l) in lines.prefix(inner.height).enumerated() { g.put(l, x: inner.x, y: inner.y + k, clip: inner) }
    }
}
