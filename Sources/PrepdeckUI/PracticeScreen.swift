import Foundation
import PrepdeckCore

/// Time presets the setup form cycles through.
let timingPresets: [PracticeTiming] = [.bankDefault, .secondsPerQuestion(120), .secondsPerQuestion(300), .secondsPerQuestion(600),
                                       .secondsPerQuestion(900), .totalMinutes(20), .totalMinutes(30), .totalMinutes(45), .totalMinutes(60)]

extension Keymap {
    public static let practiceSetup: [Binding] = [
        Binding([.char("j"), .down, .char("k"), .up], .down, "next / previous field"),
        Binding([.char("m")], .toggle, "a mock interview instead: 7 rounds of every kind, follow-ups, one clock (the form's topics and time)", hint: "mock"),
        Binding([.char("h"), .left, .char("l"), .right], .toggle, "change the value; pick the option"),
        Binding([.char(" ")], .toggle, "tick / untick the option (difficulty, kind, topics)", hint: "toggle"),
        Binding([.enter], .answer, "start the session (on Topics: choose topics)", hint: "start"),
    ]
    public static let practiceAnswering: [Binding] = [
        Binding([.ctrl("s")], .answer, "submit the answer", hint: "submit"),
        Binding([.escape], .close, "leave the editor: resume, skip, end (the draft is kept)", hint: "menu"),
        Binding([.ctrl("o")], .toggle, "edit in $VISUAL / $EDITOR", hint: "$EDITOR"),
        Binding([.ctrl("z"), .ctrl("y")], .toggle, "undo / redo"),
        Binding([.left, .right, .up, .down, .home, .end], .toggle, "move (also Ctrl-A Ctrl-E)"),
        Binding([.alt("b"), .alt("f")], .toggle, "word left / right (also Ctrl-← Ctrl-→)"),
        Binding([.backspace, .delete], .toggle, "delete"),
        Binding([.function(1)], .help, "this help (the clock stops)"),
    ]
    public static let practiceComparing: [Binding] = [
        Binding([.char("j"), .down, .char("k"), .up], .down, "next / previous key point"),
        Binding([.char(" ")], .toggle, "tick / untick a key point (they arrive ticked by the grader from your answer)", hint: "tick"),
        Binding([.pageDown, .pageUp], .pageDown, "scroll the answers"),
        Binding([.char("1"), .char("2"), .char("3"), .char("4")], .answer, "rate: Again, Hard, Good, Easy", hint: "rate"),
    ]
    public static let practiceSummary: [Binding] = [
        Binding([.char("x")], .toggle, "export this session as Markdown", hint: "export"),
        Binding([.enter], .answer, "a new session", hint: "new session"),
        Binding([.char("j"), .char("k")], .down, "scroll"),
    ]
}

extension AppModel {
    // MARK: Starting

    /// Starts a session with the given options (from the setup form or `prepdeck practice --count`).
    public mutating func startPractice(_ options: PracticeOptions, now: Date, mono: Double) -> [Effect] {
        var rng = random
        let picked = pickPracticeQuestions(catalog.questions, filter: options.filter, order: options.order, count: options.count,
                                           progress: progress, now: now, random: &rng)
        random = rng
        guard !picked.isEmpty else {
            banner = Banner("No question matches these choices: widen the topics, difficulties or kinds.", isError: true)
            return []
        }
        return beginSession(picked, timing: options.timing, now: now, mono: mono, returnToBrowse: false)
    }

    /// Answers one question from Browse, untimed.
    mutating func answerFromBrowse(_ q: Question, now: Date, mono: Double) -> [Effect] {
        // A session left running in the Practice tab ends first, so that its summary is written.
        let ended = leavePractice(now: now, mono: mono, outcome: "ended early")
        return ended + beginSession([q], timing: .untimed, now: now, mono: mono, returnToBrowse: true)
    }

    mutating func beginSession(_ qs: [Question], timing: PracticeTiming, now: Date, mono: Double, returnToBrowse: Bool) -> [Effect] {
        let budgets = timing.budgets(for: qs)
        let items = zip(qs, budgets).map { PracticeItem(question: $0, budget: $1) }
        return beginSession(items: items, timed: timing != .untimed, mock: nil, now: now, mono: mono, returnToBrowse: returnToBrowse)
    }

    /// Starts a mock interview (`prepdeck mock`, or `m` on the setup form): the loop of `buildMockLoop`, each
    /// round followed by its follow-up, on one clock.
    public mutating func startMock(_ spec: MockSpec, now: Date, mono: Double) -> [Effect] {
        let rounds = buildMockLoop(catalog.questions, spec: spec, progress: progress, now: now, previous: previousMockCards)
        guard !rounds.isEmpty else {
            banner = Banner("No question matches these topics for a mock interview: choose other topics.", isError: true)
            return []
        }
        var items: [PracticeItem] = []
        for r in rounds {
            items.append(PracticeItem(question: r.question, budget: r.budgetSeconds))
            if let f = r.followUp { items.append(PracticeItem(question: r.question, budget: r.followUpBudgetSeconds, followUp: f)) }
        }
        previousMockCards = Set(rounds.map(\.question.id))
        let loop = MockLoop(budgetSeconds: items.reduce(0) { $0 + ($1.budget ?? 0) }, seed: spec.seed)
        return beginSession(items: items, timed: true, mock: loop, now: now, mono: mono, returnToBrowse: false)
    }

    mutating func beginSession(items: [PracticeItem], timed: Bool, mock: MockLoop?, now: Date, mono: Double, returnToBrowse: Bool) -> [Effect] {
        var rng = random
        let id = EventID.make(at: now, random: &rng)
        random = rng
        practice.session = PracticeSession(id: id, started: now, items: items, timed: timed, mock: mock)
        practice.returnToBrowse = returnToBrowse
        practice.lastSummary = nil
        tab = .practice
        openQuestion(mono: mono)
        return []
    }

    /// Shows the current question's editor with its draft, and starts its clock.
    mutating func openQuestion(mono: Double) {
        guard let item = practice.current else { return }
        practice.phase = .answering
        practice.menuOpen = false
        practice.editor = TextEditor(text: item.followUp == nil ? drafts[item.question.id] ?? "" : "")
        practice.savedVersion = practice.editor.version
        practice.savedAt = mono
        practice.pointCursor = 0
        practice.compareScroll = 0
        practice.clockFrom = mono
        layoutPractice()
    }

    // MARK: Keys

    mutating func handlePracticeKey(_ key: Key, now: Date, mono: Double) -> [Effect]? {
        switch practice.phase {
        case .setup: return handleSetupKey(key, now: now, mono: mono)
        case .answering: return handleAnsweringKey(key, now: now, mono: mono)
        case .comparing: return handleComparingKey(key, now: now, mono: mono)
        case .summary: return handleSummaryKey(key, now: now, mono: mono)
        }
    }

    /// Setup rows: 0 count, 1 difficulty, 2 kind, 3 topics, 4 time, 5 order.
    static let setupRows = 6

    mutating func handleSetupKey(_ key: Key, now: Date, mono: Double) -> [Effect]? {
        if var picker = topicPicker {
            let topics = catalog.topicCounts.map(\.topic)
            topicPicker = TopicPicker.handle(key, cursor: &picker, selected: &practice.options.filter.topics, topics: topics) ? picker : nil
            return []
        }
        var o = practice.options
        switch key {
        case .char("j"), .down: practice.setupRow = min(AppModel.setupRows - 1, practice.setupRow + 1); practice.setupColumn = 0
        case .char("k"), .up: practice.setupRow = max(0, practice.setupRow - 1); practice.setupColumn = 0
        case .char("h"), .left, .char("l"), .right:
            let d = (key == .char("h") || key == .left) ? -1 : 1
            switch practice.setupRow {
            case 0: o.count = max(1, min(50, o.count + d))
            case 1: practice.setupColumn = max(0, min(Difficulty.allCases.count - 1, practice.setupColumn + d))
            case 2: practice.setupColumn = max(0, min(Kind.allCases.count - 1, practice.setupColumn + d))
            case 4:
                let k = timingPresets.firstIndex(of: o.timing) ?? 0
                o.timing = timingPresets[(k + d + timingPresets.count) % timingPresets.count]
            case 5:
                let all = PracticeOrder.allCases
                o.order = all[(all.firstIndex(of: o.order)! + d + all.count) % all.count]
            default: break
            }
        case .char(" "):
            switch practice.setupRow {
            case 1:
                let v = Difficulty.allCases[practice.setupColumn]
                if o.filter.difficulties.contains(v) { o.filter.difficulties.remove(v) } else { o.filter.difficulties.insert(v) }
            case 2:
                let v = Kind.allCases[practice.setupColumn]
                if o.filter.kinds.contains(v) { o.filter.kinds.remove(v) } else { o.filter.kinds.insert(v) }
            case 3: topicPicker = 0
            default: break
            }
        case .enter:
            if practice.setupRow == 3 { topicPicker = 0; return [] }
            practice.options = o
            return startPractice(o, now: now, mono: mono)
        case .char("m"):
            practice.options = o
            var rng = random
            let seed = rng.next()
            random = rng
            let minutes: Int
            if case let .totalMinutes(m) = o.timing { minutes = m } else { minutes = 45 }
            return startMock(MockSpec(minutes: minutes, topics: o.filter.topics, seed: seed), now: now, mono: mono)
        default: return nil
        }
        practice.options = o
        return []
    }

    mutating func handleAnsweringKey(_ key: Key, now: Date, mono: Double) -> [Effect]? {
        guard var s = practice.session, s.items.indices.contains(s.index) else { return nil }
        let card = s.items[s.index].question.id
        if practice.menuOpen {
            switch key {
            case .enter, .escape, .char("r"):
                practice.menuOpen = false
                practice.resumeClock(at: mono)
            case .char("s"):
                practice.menuOpen = false
                s.items[s.index].skipped = true
                s.items[s.index].text = practice.editor.text
                practice.session = s
                return [saveDraftEffect(mono: mono, force: true)].compactMap { $0 } + nextQuestion(now: now, mono: mono)
            case .char("e"), .char("q"):
                practice.menuOpen = false
                return [saveDraftEffect(mono: mono, force: true)].compactMap { $0 } + finishSession(outcome: "ended early", now: now)
            default: return nil // the tab keys and help work from the menu
            }
            return []
        }
        switch key {
        case .escape:
            practice.pauseClock(at: mono)
            practice.menuOpen = true
            return [saveDraftEffect(mono: mono, force: true)].compactMap { $0 }
        case .ctrl("s"):
            practice.pauseClock(at: mono)
            s = practice.session!
            s.items[s.index].text = practice.editor.text
            s.items[s.index].submitted = true
            grade(&s.items[s.index])
            practice.session = s
            practice.phase = .comparing
            practice.pointCursor = 0
            practice.compareScroll = 0
            // The text stays in the draft until the rating has been written.
            return [saveDraftEffect(mono: mono, force: true)].compactMap { $0 }
        case .ctrl("o"):
            practice.pauseClock(at: mono)
            return [.openEditor(card: card, text: practice.editor.text)]
        case .function(1):
            practice.pauseClock(at: mono)
            showHelp = true
            return []
        default:
            guard practice.editor.handle(key) else { return [] }
            return [saveDraftEffect(mono: mono)].compactMap { $0 }
        }
    }

    /// Pre-ticks the checklist from the grader's scores and suggests a rating (an empty answer covers nothing).
    mutating func grade(_ item: inout PracticeItem) {
        let points = item.points
        let empty = item.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let covered = empty ? [] : item.followUp != nil ? ensureGrader().coveredSentences(answer: item.text, sentences: points)
            : ensureGrader().covered(answer: item.text, keyPoints: points, modelAnswer: item.modelAnswer)
        item.covered = covered
        item.suggested = covered
        item.suggestedRating = suggestedRating(covered: covered.count, total: points.count, seconds: item.elapsed, budgetSeconds: item.budget)
    }

    /// The grader: the one the runtime made ahead, else made now (`gradingDocuments`).
    mutating func ensureGrader() -> Grader {
        if let g = grader { return g }
        let g = makeGrader?() ?? Grader(terms: GradingTerms(glossary: glossary, documents: gradingDocuments(catalog)))
        grader = g
        return g
    }

    /// A draft save when the text changed and the last save is a second old (or `force`).
    mutating func saveDraftEffect(mono: Double, force: Bool = false) -> Effect? {
        guard let item = practice.current, item.followUp == nil, practice.editor.version != practice.savedVersion else { return nil }
        if !force && mono - practice.savedAt < 1 { return nil }
        practice.savedVersion = practice.editor.version
        practice.savedAt = mono
        let text = practice.editor.text
        drafts[item.question.id] = text.isEmpty ? nil : text
        return .saveDraft(card: item.question.id, text: text)
    }

    mutating func handleComparingKey(_ key: Key, now: Date, mono: Double) -> [Effect]? {
        guard var s = practice.session, s.items.indices.contains(s.index) else { return nil }
        let count = s.items[s.index].points.count
        switch key {
        case .char("j"), .down: practice.pointCursor = min(count - 1, practice.pointCursor + 1)
        case .char("k"), .up: practice.pointCursor = max(0, practice.pointCursor - 1)
        case .char(" "):
            if s.items[s.index].covered.contains(practice.pointCursor) { s.items[s.index].covered.remove(practice.pointCursor) }
            else { s.items[s.index].covered.insert(practice.pointCursor) }
            practice.session = s
        case .pageDown: practice.compareScroll += 10
        case .pageUp: practice.compareScroll = max(0, practice.compareScroll - 10)
        case .char("1"), .char("2"), .char("3"), .char("4"):
            guard let c = key.character, let r = Int(String(c)).flatMap(Rating.init(rawValue:)) else { return [] }
            return rate(r, now: now, mono: mono)
        default: return nil
        }
        return []
    }

    /// Logs the rating (mode practice) and the answer, clears the draft, and moves on.
    mutating func rate(_ r: Rating, now: Date, mono: Double) -> [Effect] {
        guard var s = practice.session, s.items.indices.contains(s.index) else { return [] }
        var item = s.items[s.index]
        if let f = item.followUp {
            // A follow-up is graded and kept with its answer; its card was rated in its own round.
            var rng = random
            let answerID = EventID.make(at: now, random: &rng)
            random = rng
            let answer = AnswerRecord(id: answerID, card: item.question.id, at: now, session: s.id, text: item.text, seconds: item.elapsed,
                                      budgetSeconds: item.budget, keyPoints: item.covered.sorted(), keyPointsTotal: item.points.count,
                                      rating: r, suggestedKeyPoints: item.suggested?.sorted(), suggestedRating: item.suggestedRating, followUp: f)
            item.rating = r
            item.answerID = answerID
            s.items[s.index] = item
            practice.session = s
            answers[item.question.id, default: []].insert(answer, at: 0)
            return [.appendAnswer(answer.jsonLine)] + nextQuestion(now: now, mono: mono)
        }
        var rng = random
        let reviewID = EventID.make(at: now, random: &rng)
        let answerID = EventID.make(at: now, random: &rng)
        random = rng
        let event = ReviewEvent(id: reviewID, card: item.question.id, rating: r, at: now, ms: Int(item.elapsed * 1000), mode: .practice)
        let line = LogEntry.review(event).jsonLine
        markLogUndoPoint(line: line, card: item.question.id)
        let answer = AnswerRecord(id: answerID, card: item.question.id, at: now, session: s.id, text: item.text, seconds: item.elapsed,
                                  budgetSeconds: item.budget, keyPoints: item.covered.sorted(), keyPointsTotal: item.question.keyPoints.count, rating: r,
                                  suggestedKeyPoints: item.suggested?.sorted(), suggestedRating: item.suggestedRating)
        item.rating = r
        item.answerID = answerID
        s.items[s.index] = item
        practice.session = s
        progress.apply(event)
        noteProgressChanged(item.question.id)
        answers[item.question.id, default: []].insert(answer, at: 0)
        drafts[item.question.id] = nil
        refreshDue(now: now, force: true)
        let effects: [Effect] = [.appendReview(line), .appendAnswer(answer.jsonLine), .saveDraft(card: item.question.id, text: "")]
        return effects + nextQuestion(now: now, mono: mono)
    }

    mutating func nextQuestion(now: Date, mono: Double) -> [Effect] {
        guard var s = practice.session else { return [] }
        if s.index + 1 < s.items.count {
            s.index += 1
            practice.session = s
            openQuestion(mono: mono)
            return []
        }
        return finishSession(outcome: "completed", now: now)
    }

    /// Ends the session: writes its summary (if anything was answered) and shows it.
    mutating func finishSession(outcome: String, now: Date) -> [Effect] {
        guard let s = practice.session else { return [] }
        practice.session = nil
        practice.clockFrom = nil
        practice.menuOpen = false
        let items = s.items.filter { $0.rating != nil || $0.skipped || $0.elapsed >= 1 }
        let record = s.mock == nil ? SessionRecord(id: s.id, started: s.started, ended: now, outcome: outcome, items: items.map { i in
            SessionRecord.Item(card: i.question.id, title: i.question.title, seconds: i.elapsed, budgetSeconds: i.budget,
                               keyPoints: i.covered.count, keyPointsTotal: i.question.keyPoints.count, rating: i.rating,
                               skipped: i.skipped || i.rating == nil, answer: i.answerID, suggestedKeyPoints: i.suggested?.count)
        }) : mockRecord(s, outcome: outcome, now: now)
        if practice.returnToBrowse {
            practice.phase = .setup
            practice.returnToBrowse = false
            tab = .browse
            if let i = s.items.first, let r = i.rating {
                let due = progress.schedule(i.question.id).due.map { shortInterval($0.timeIntervalSince(now)) } ?? "?"
                banner = Banner("Answer saved · rated \(r.label) · next review in \(due)")
            }
            return items.contains { $0.rating != nil } ? [.appendSession(record.jsonLine)] : []
        }
        // The summary (and its export) shows the session exactly as its line has it (times to 0.1 s), so that
        // `prepdeck export --session` gives the same report.
        practice.lastSummary = (try? SessionRecord.decode(try JSONParser.parse(record.jsonLine))) ?? record
        practice.summaryScroll = 0
        practice.phase = .summary
        let anything = record.isMock ? record.items.contains { !$0.skipped || $0.seconds >= 1 } : !record.items.isEmpty
        return anything ? [.appendSession(record.jsonLine)] : []
    }

    /// A mock interview's scorecard: every round (asked or not), its follow-up folded into it.
    func mockRecord(_ s: PracticeSession, outcome: String, now: Date) -> SessionRecord {
        var rounds: [SessionRecord.Item] = []
        for i in s.items {
            let skipped = i.skipped || i.rating == nil
            if let f = i.followUp, !rounds.isEmpty {
                rounds[rounds.count - 1].followUp = SessionRecord.FollowUp(
                    index: f, prompt: i.prompt, seconds: i.elapsed, budgetSeconds: i.budget, keyPoints: i.covered.count,
                    keyPointsTotal: i.points.count, suggestedKeyPoints: i.suggested?.count, rating: i.rating, skipped: skipped, answer: i.answerID)
                continue
            }
            rounds.append(SessionRecord.Item(card: i.question.id, title: i.question.title, seconds: i.elapsed, budgetSeconds: i.budget,
                                             keyPoints: i.covered.count, keyPointsTotal: i.question.keyPointCount, rating: i.rating,
                                             skipped: skipped, answer: i.answerID, kind: i.question.kind.rawValue,
                                             suggestedKeyPoints: i.suggested?.count))
        }
        return SessionRecord(id: s.id, started: s.started, ended: now, outcome: outcome, items: rounds, kind: "mock",
                             budgetSeconds: s.mock?.budgetSeconds)
    }

    mutating func handleSummaryKey(_ key: Key, now: Date, mono: Double) -> [Effect]? {
        switch key {
        case .enter:
            practice.phase = .setup
            return []
        case .char("x"):
            guard let rec = practice.lastSummary else { return [] }
            var byID: [String: AnswerRecord] = [:]
            for list in answers.values { for a in list where a.session == rec.id { byID[a.id] = a } }
            return [.exportReport(name: "session-\(rec.id).md", markdown: sessionReport(rec, answers: byID, catalog: catalog))]
        case .char("j"), .down: practice.summaryScroll += 1
        case .char("k"), .up: practice.summaryScroll = max(0, practice.summaryScroll - 1)
        default: return nil
        }
        return []
    }

    /// Quitting with a session under way: keep the draft and write what was done.
    mutating func leavePractice(now: Date, mono: Double, outcome: String = "quit") -> [Effect] {
        guard practice.session != nil else { return [] }
        practice.pauseClock(at: mono)
        var effects = [saveDraftEffect(mono: mono, force: true)].compactMap { $0 }
        let wasBrowse = practice.returnToBrowse
        effects += finishSession(outcome: outcome, now: now)
        if wasBrowse { banner = nil }
        return effects
    }

    // MARK: Layout and drawing

    /// The editor's area on the answering screen (also sets the editor's size).
    mutating func layoutPractice() {
        guard practice.phase == .answering, let item = practice.current else { return }
        let r = answeringLayout(item).editor
        practice.editor.resize(width: r.width, height: r.height)
    }

    func answeringLayout(_ item: PracticeItem) -> (header: Int, prompt: Rect, editor: Rect) {
        let body = bodyRect
        let promptLines = wrap(item.prompt, width: max(1, body.width - 4)).count
        let promptH = min(promptLines + 2, max(3, body.height / 3))
        let prompt = Rect(x: body.x, y: body.y + 1, width: body.width, height: promptH)
        let editorBox = Rect(x: body.x, y: prompt.maxY, width: body.width, height: body.maxY - prompt.maxY)
        return (body.y, prompt, Rect(x: editorBox.x + 2, y: editorBox.y + 1, width: editorBox.width - 4, height: editorBox.height - 2))
    }

    func drawPractice(_ g: inout Grid, in body: Rect, now: Date) {
        switch practice.phase {
        case .setup: drawSetup(&g, in: body)
        case .answering: drawAnswering(&g, in: body)
        case .comparing: drawComparing(&g, in: body, now: now)
        case .summary: drawSummary(&g, in: body)
        }
    }

    func drawSetup(_ g: inout Grid, in body: Rect) {
        let t = theme
        g.box(body, style: t.borderFocused, title: "New practice session", titleStyle: t.title)
        let inner = Rect(x: body.x + 2, y: body.y + 1, width: body.width - 4, height: body.height - 2)
        let o = practice.options
        let labelW = 12
        func row(_ k: Int, _ label: String, _ value: Line) {
            let y = inner.y + 1 + k * 2
            guard y < inner.maxY else { return }
            let sel = practice.setupRow == k
            g.put((sel ? "› " : "  ") + label, x: inner.x, y: y, style: sel ? t.accent.with(.bold) : t.text, clip: inner)
            g.put(value, x: inner.x + labelW + 2, y: y, clip: inner)
        }
        func choices<T: Hashable>(_ all: [T], _ on: Set<T>, _ name: (T) -> String, row r: Int) -> Line {
            var line: Line = []
            for (k, v) in all.enumerated() {
                let ticked = on.isEmpty || on.contains(v)
                let cursor = practice.setupRow == r && practice.setupColumn == k
                line.append(Span((ticked ? "[x] " : "[ ] ") + name(v), cursor ? t.selected : t.text))
                line.append(Span("  "))
            }
            return line
        }
        let arrows = { (s: String, k: Int) -> Line in
            [Span("◂ ", t.muted), Span(s, self.practice.setupRow == k ? t.selected : t.text), Span(" ▸", t.muted)]
        }
        row(0, "Questions", arrows("\(o.count)", 0))
        row(1, "Difficulty", choices(Difficulty.allCases, o.filter.difficulties, { $0.label }, row: 1))
        row(2, "Kind", choices(Kind.allCases, o.filter.kinds, { $0.short }, row: 2))
        let topics = o.filter.topics.isEmpty ? "all topics" : o.filter.topics.sorted().joined(separator: ", ")
        row(3, "Topics", [Span(truncate(topics, to: max(4, inner.width - labelW - 30)), practice.setupRow == 3 ? t.selected : t.text), Span("  (Enter to choose)", t.muted)])
        row(4, "Time", arrows(o.timing.label, 4))
        row(5, "Order", arrows(o.order.label, 5))
        let test = o.filter.facetTest.on(catalog.columns)
        let pool = (0..<catalog.count).reduce(0) { $0 + (test.admits($1, status: .new) ? 1 : 0) }
        let y = inner.y + 1 + AppModel.setupRows * 2
        if y < inner.maxY {
            g.put([Span("\(pool) questions match · ", t.muted), Span("Enter", t.hintKey), Span(" starts \(min(pool, o.count)) of them", t.muted)], x: inner.x, y: y, clip: inner)
        }
        if let picker = topicPicker {
            TopicPicker.draw(&g, in: body, cursor: picker, selected: o.filter.topics, all: catalog.topicCounts, theme: t)
        }
    }

    /// The countdown text and its style: normal, warning in the last 20 %, overtime after zero.
    func countdown(_ item: PracticeItem) -> (String, Style) {
        guard let budget = item.budget, let left = item.remaining else {
            return ("⏱ " + clockText(item.elapsed), theme.accent)
        }
        if left < 0 { return ("⏱ +" + clockText(-left) + " over " + clockText(Double(budget)), theme.danger) }
        let style = left <= Double(budget) * 0.2 ? theme.warning : theme.accent
        return ("⏱ " + clockText(left.rounded(.up)) + " / " + clockText(Double(budget)), style)
    }

    func drawAnswering(_ g: inout Grid, in body: Rect) {
        guard let s = practice.session, let item = practice.current else { return }
        let t = theme
        let q = item.question
        let layout = answeringLayout(item)
        var (clock, clockStyle) = countdown(item)
        var head = "Question \(s.index + 1) of \(s.items.count) · \(q.difficulty.label) · \(q.kind.label) · \(q.topics.first ?? "")"
        if let loop = s.mock {
            let narrow = body.width < 70
            head = narrow ? "Mock " + mockPosition(s, short: true) : "Mock · " + mockPosition(s) + " · \(q.kind.label)"
            if narrow { clock = clock.components(separatedBy: " / ")[0].components(separatedBy: " over ")[0] }
            let left = Double(loop.budgetSeconds) - s.elapsed
            clock += left >= 0 ? " · loop \(clockText(left.rounded(.up)))" + (narrow ? "" : " left") : " · loop +\(clockText(-left))" + (narrow ? "" : " over")
            if left < 0 { clockStyle = t.danger }
        }
        let cw = displayWidth(clock)
        g.put(" " + truncate(head, to: max(1, body.width - cw - 4)), x: body.x, y: body.y, style: t.title)
        g.put(clock + " ", x: max(body.x, body.maxX - cw - 1), y: body.y, style: clockStyle, clip: body)
        g.box(layout.prompt, style: t.border, title: item.followUp == nil ? q.title : "Follow-up · " + q.title, titleStyle: t.title)
        let pin = Rect(x: layout.prompt.x + 2, y: layout.prompt.y + 1, width: layout.prompt.width - 4, height: layout.prompt.height - 2)
        for (k, l) in wrap(item.prompt, width: pin.width).prefix(pin.height).enumerated() { g.put(l, x: pin.x, y: pin.y + k, style: t.text, clip: pin) }
        let e = layout.editor
        let box = Rect(x: e.x - 2, y: e.y - 1, width: e.width + 4, height: e.height + 2)
        let words = practice.editor.wordCount
        g.box(box, style: t.borderFocused, title: "Your answer · \(words) word\(words == 1 ? "" : "s") · \(practice.editor.lineCount) line\(practice.editor.lineCount == 1 ? "" : "s")", titleStyle: t.title)
        var ed = practice.editor
        ed.draw(&g, in: e, style: t.text, placeholder: "Type your answer. Ctrl-S submits, Esc leaves (the draft is kept), Ctrl-O opens $EDITOR.", placeholderStyle: t.muted, focused: !practice.menuOpen)
        if practice.menuOpen {
            let lines: [(String, String)] = [("Enter", "resume (the clock runs again)"), ("s", "skip this question"), ("e", "end the session and see the summary")]
            let w = min(body.width - 4, 52), h = lines.count + 4
            let r = Rect(x: body.x + (body.width - w) / 2, y: body.y + (body.height - h) / 2, width: w, height: h)
            g.fill(r, style: t.overlay)
            g.box(r, style: t.borderFocused, title: "Paused · draft saved", titleStyle: t.title)
            for (k, (key, text)) in lines.enumerated() {
                g.put(key, x: r.x + 3, y: r.y + 2 + k, style: t.hintKey)
                g.put(text, x: r.x + 11, y: r.y + 2 + k, style: t.text, clip: r.inset(1))
            }
        }
    }

    func drawComparing(_ g: inout Grid, in body: Rect, now: Date) {
        guard let s = practice.session, let item = practice.current else { return }
        let t = theme
        let q = item.question
        var head = (s.mock != nil ? "Compare · " + mockPosition(s) : "Compare · question \(s.index + 1) of \(s.items.count)") + " · you took " + clockText(item.elapsed)
        if let b = item.budget { head += " of " + clockText(Double(b)) + (item.elapsed > Double(b) ? " (overtime " + clockText(item.elapsed - Double(b)) + ")" : "") }
        g.put(" " + truncate(head, to: body.width - 2), x: body.x, y: body.y, style: t.title)
        // Bottom: key points and the rating bar.
        let points = item.points
        let pointsH = min(points.count + 2, max(4, body.height / 3))
        let ratingY = body.maxY - 1
        let pointsBox = Rect(x: body.x, y: ratingY - pointsH, width: body.width, height: pointsH)
        let top = Rect(x: body.x, y: body.y + 1, width: body.width, height: pointsBox.y - body.y - 1)
        // Side by side from 100 columns, else one under the other.
        let wide = body.width >= 100
        let modelWidth = (wide ? top.width - top.width / 2 : top.width) - 4
        var modelLines = Markdown.render(item.modelAnswer, width: modelWidth, theme: t)
        if item.followUp == nil { modelLines += followUpLines(q, width: modelWidth, theme: t) }
        let mine: [Line] = item.text.isEmpty ? [[Span("(empty)", t.muted)]] : wrap(item.text, width: max(1, (wide ? body.width / 2 : body.width) - 4)).map { [Span($0, t.text)] }
        if wide {
            let left = Rect(x: top.x, y: top.y, width: top.width / 2, height: top.height)
            let right = Rect(x: left.maxX, y: top.y, width: top.width - left.width, height: top.height)
            drawScrolled(&g, mine, in: left, title: "Your answer")
            drawScrolled(&g, modelLines, in: right, title: item.followUp == nil ? "Model answer" : "Model answer to the follow-up")
        } else {
            var lines = mine
            lines.append([])
            lines.append([Span("── Model answer " + String(repeating: "─", count: max(0, top.width - 20)), t.heading)])
            lines += modelLines
            drawScrolled(&g, lines, in: top, title: "Your answer, then the model answer")
        }
        let covered = item.covered.count
        let source = item.suggested == nil ? "" : " · pre-ticked from your answer (\(item.suggested!.count))"
        g.box(pointsBox, style: t.borderFocused, title: "Key points covered · \(covered)/\(points.count)\(source) · space ticks", titleStyle: t.title)
        let pin = Rect(x: pointsBox.x + 2, y: pointsBox.y + 1, width: pointsBox.width - 4, height: pointsBox.height - 2)
        let first = max(0, min(practice.pointCursor - pin.height + 1, points.count - pin.height))
        for (k, p) in points.enumerated().dropFirst(first).prefix(pin.height) {
            let y = pin.y + k - first
            let sel = k == practice.pointCursor
            let mark = item.covered.contains(k) ? "[x] " : "[ ] "
            if sel { g.fill(Rect(x: pin.x, y: y, width: pin.width, height: 1), style: t.selected) }
            g.put(mark + p, x: pin.x, y: y, style: sel ? t.selected : (item.covered.contains(k) ? t.success : t.text), clip: pin)
        }
        if item.followUp != nil {
            // A follow-up's rating is kept in the scorecard; the card was rated (and rescheduled) in its round.
            let cx = drawSuggestedRating(&g, item.suggestedRating, x: body.x + 1, y: ratingY)
            g.put("Rate the follow-up 1–4 (scorecard only)", x: cx, y: ratingY, style: t.text, clip: body)
        } else {
            drawRatingBar(&g, card: q.id, y: ratingY, x: body.x, width: body.width, now: now, suggested: item.suggestedRating)
        }
    }

    /// "round 3 of 7" (and "follow-up" when it is one).
    func mockPosition(_ s: PracticeSession, short: Bool = false) -> String {
        let rounds = s.items.filter { $0.followUp == nil }.count
        let round = s.items.prefix(s.index + 1).filter { $0.followUp == nil }.count
        let follow = s.items[s.index].followUp != nil
        if short { return "\(round)/\(rounds)" + (follow ? " follow-up" : "") }
        return "round \(round) of \(rounds)" + (follow ? " · follow-up" : "")
    }

    /// "Suggested 3 Good · " (the grader's rating) when there is one; returns the column after it.
    func drawSuggestedRating(_ g: inout Grid, _ suggested: Rating?, x: Int, y: Int) -> Int {
        guard let r = suggested else { return x }
        var cx = g.put("Suggested ", x: x, y: y, style: theme.muted)
        cx = g.put("\(r.rawValue) \(r.label)", x: cx, y: y, style: theme.accent.with(.bold))
        return g.put(" · ", x: cx, y: y, style: theme.muted)
    }

    /// "1 Again · 10m   2 Hard · 1d   3 Good · 4d   4 Easy · 9d" from the real scheduler.
    func drawRatingBar(_ g: inout Grid, card: String, y: Int, x: Int, width: Int, now: Date, suggested: Rating? = nil) {
        let previews = progress.scheduler.previews(progress.schedule(card), cardID: card, at: now)
        var cx = drawSuggestedRating(&g, width >= 60 ? suggested : nil, x: x + 1, y: y)
        g.put("Rate:", x: cx, y: y, style: theme.muted)
        cx += 6
        for p in previews {
            let label = "\(p.rating.label) · \(shortInterval(p.due.timeIntervalSince(now)))"
            if cx + displayWidth(label) + 4 > x + width { break }
            cx = g.put("\(p.rating.rawValue)", x: cx, y: y, style: theme.hintKey)
            cx = g.put(" " + label + "   ", x: cx, y: y, style: theme.text)
        }
    }

    func drawScrolled(_ g: inout Grid, _ lines: [Line], in r: Rect, title: String) {
        g.box(r, style: theme.border, title: title, titleStyle: theme.title)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        let top = max(0, min(practice.compareScroll, lines.count - inner.height))
        for (k, l) in lines.dropFirst(top).prefix(inner.height).enumerated() { g.put(l, x: inner.x, y: inner.y + k, clip: inner) }
        if lines.count > inner.height {
            let label = " \(top > 0 ? "↑" : " ")\(top < lines.count - inner.height ? "↓" : " ") PgUp/PgDn "
            g.put(label, x: r.maxX - displayWidth(label) - 2, y: r.maxY - 1, style: theme.muted)
        }
    }

    func drawSummary(_ g: inout Grid, in body: Rect) {
        let t = theme
        guard let rec = practice.lastSummary else { return }
        if rec.isMock { drawScorecard(&g, rec, in: body); return }
        g.box(body, style: t.borderFocused, title: "Session summary · \(rec.outcome)", titleStyle: t.title)
        let inner = Rect(x: body.x + 2, y: body.y + 1, width: body.width - 4, height: body.height - 2)
        var lines: [Line] = []
        let timeW = 17, pointsW = 7, ratingW = 7
        let titleW = max(8, inner.width - timeW - pointsW - ratingW - 6)
        lines.append([Span(fit("#  Question", titleW + 3), t.muted), Span(fit("Time / budget", timeW), t.muted), Span(fit("Points", pointsW), t.muted), Span("Rating", t.muted)])
        for (k, i) in rec.items.enumerated() {
            var time = i.skipped ? "skipped" : clockText(i.seconds)
            var timeStyle = t.text
            if let b = i.budgetSeconds, !i.skipped {
                time += " / " + clockText(Double(b))
                if i.seconds > Double(b) { timeStyle = t.danger; time += " +" }
            }
            let ratingStyle: Style = i.rating == .again ? t.danger : i.rating == .easy || i.rating == .good ? t.success : t.text
            lines.append([Span(fit("\(k + 1)", 3), t.muted), Span(fit(i.title, titleW - 1) + " ", t.text), Span(fit(time, timeW), timeStyle),
                          Span(fit(i.skipped ? "–" : "\(i.keyPoints)/\(i.keyPointsTotal)", pointsW), t.text),
                          Span(i.rating?.label ?? "–", ratingStyle)])
        }
        lines.append([])
        let covered = rec.items.reduce(0) { $0 + $1.keyPoints }, total = rec.items.reduce(0) { $0 + $1.keyPointsTotal }
        var totals = "Total: " + clockText(rec.totalSeconds)
        if let b = rec.totalBudget { totals += " of " + clockText(Double(b)) }
        totals += " · key points \(covered)/\(total)"
        let answered = rec.items.filter { $0.rating != nil }.count
        totals += " · \(answered) answered, \(rec.items.count - answered) skipped"
        lines.append([Span(totals, t.title)])
        lines.append([Span("Saved to sessions.jsonl. ", t.muted), Span("x", t.hintKey), Span(" exports it as Markdown, ", t.muted), Span("Enter", t.hintKey), Span(" starts a new session.", t.muted)])
        let top = max(0, min(practice.summaryScroll, lines.count - inner.height))
        for (k, l) in lines.dropFirst(top).prefix(inner.height).enumerated() { g.put(l, x: inner.x, y: inner.y + k, clip: inner) }
    }
}

extension AppModel {
    /// A mock interview's scorecard: per round the time, the key points (the grader's → yours), the rating and
    /// the follow-up; then the topics, weakest first.
    func drawScorecard(_ g: inout Grid, _ rec: SessionRecord, in body: Rect) {
        let t = theme
        var title = "Mock interview scorecard · \(rec.outcome) · \(clockText(rec.totalSeconds))"
        if let b = rec.budgetSeconds { title += " of \(clockText(Double(b)))" }
        g.box(body, style: t.borderFocused, title: title, titleStyle: t.title)
        let inner = Rect(x: body.x + 2, y: body.y + 1, width: body.width - 4, height: body.height - 2)
        let wide = inner.width >= 90
        let kindW = wide ? 15 : 7, timeW = 13, pointsW = 9, ratingW = 7, followW = wide ? 16 : 0
        let titleW = max(6, inner.width - kindW - timeW - pointsW - ratingW - followW - 4)
        var lines: [Line] = []
        var header: Line = [Span(fit("# ", 3), t.muted), Span(fit("Round", kindW), t.muted), Span(fit("Question", titleW), t.muted),
                            Span(fit("Time", timeW), t.muted), Span(fit("Points", pointsW), t.muted), Span(fit("Rating", ratingW), t.muted)]
        if wide { header.append(Span("Follow-up", t.muted)) }
        lines.append(header)
        for (k, i) in rec.items.enumerated() {
            let kind = i.kind.flatMap(Kind.init(rawValue:))
            var time = i.skipped ? "–" : clockText(i.seconds)
            if let b = i.budgetSeconds, !i.skipped { time += "/" + clockText(Double(b)) }
            let over = !i.skipped && (i.budgetSeconds.map { i.seconds > Double($0) } ?? false)
            let points = i.skipped ? "–" : "\(i.suggestedKeyPoints.map(String.init) ?? "–")→\(i.keyPoints)/\(i.keyPointsTotal)"
            let ratingStyle: Style = i.rating == .again ? t.danger : i.rating == .easy || i.rating == .good ? t.success : t.text
            var row: Line = [Span(fit("\(k + 1)", 3), t.muted), Span(fit(wide ? kind?.label ?? "" : kind?.short ?? "", kindW), t.accent),
                             Span(fit(i.title, titleW - 1) + " ", t.text), Span(fit(time, timeW), over ? t.danger : t.text),
                             Span(fit(points, pointsW), t.text), Span(fit(i.rating?.label ?? "–", ratingW), ratingStyle)]
            let follow = i.followUp.map { f in f.skipped ? "skipped" : "\(f.keyPoints)/\(f.keyPointsTotal) · \(f.rating?.label ?? "–")" }
            if wide, let follow { row.append(Span(follow, t.text)) }
            lines.append(row)
            // Narrow: the follow-up on a line of its own, when it was answered.
            if !wide, let f = i.followUp, !f.skipped, let follow {
                lines.append([Span(String(repeating: " ", count: 3 + kindW), t.muted), Span("↳ follow-up " + follow, t.muted)])
            }
        }
        lines.append([])
        let topics = mockTopicResults(rec) { catalog.question($0)?.topics ?? [] }
        let weak = topics.filter(\.isWeak)
        if topics.isEmpty {
            lines.append([Span("No round was answered.", t.muted)])
        } else if weak.isEmpty {
            lines.append([Span("No weak topic in this loop.", t.success)])
        } else {
            lines.append([Span("Weak: ", t.danger.with(.bold))] + weak.prefix(6).enumerated().flatMap { k, r -> [Span] in
                [Span((k > 0 ? ", " : "") + r.topic, t.text), Span(" \(r.covered)/\(r.total)", t.muted)]
            })
        }
        lines.append([Span("Points: the grader's suggestion → what you kept.", t.muted)])
        lines.append([Span("Saved to sessions.jsonl. ", t.muted), Span("x", t.hintKey), Span(" exports it as Markdown, ", t.muted),
                      Span("Enter", t.hintKey), Span(" a new session.", t.muted)])
        let top = max(0, min(practice.summaryScroll, lines.count - inner.height))
        for (k, l) in lines.dropFirst(top).prefix(inner.height).enumerated() { g.put(l, x: inner.x, y: inner.y + k, clip: inner) }
    }
}

extension Key {
    var character: Character? { if case let .char(c) = self { return c }; return nil }
}
