import Foundation
import PrepdeckCore

public enum Tab: Int, Sendable, CaseIterable {
    case browse, practice, review, stats
    public var name: String {
        switch self { case .browse: "Browse"; case .practice: "Practice"; case .review: "Review"; case .stats: "Stats" }
    }
}

public struct Banner: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    public init(_ text: String, isError: Bool = false) { self.text = text; self.isError = isError }
}

/// The whole application state. `update` turns a message into a new state plus effects; `view` draws
/// the state into a grid. Neither does I/O, so every screen runs headless in tests.
public struct AppModel: Sendable {
    public static let minWidth = 40
    public static let minHeight = 12

    public var catalog: Catalog
    public var progress: StudyProgress
    public var theme: Theme
    public var calendar: StudyCalendar
    public var width: Int
    public var height: Int
    public var tab: Tab = .browse
    public var showHelp = false
    public var helpScroll = 0
    public var banner: Banner?
    /// Why the data directory cannot be written (shown, and writes are refused), or nil.
    public var readOnly: String?
    public var browse: BrowseState
    public var practice = PracticeState()
    public var review = ReviewState()
    /// The Stats tab's figures, computed when the tab is shown (and again after a rating).
    public var statsReport: StatsReport?
    /// Readiness for the interview date, when one is set (computed with `statsReport`).
    public var readinessReport: ReadinessReport?
    /// Where the Stats tab gets every effective rating (the stats cache and the lines appended since, read by
    /// the store); nil: from `progress.history`, which reads the whole log.
    /// Given `StatsInput.knownCards` for this catalogue and progress.
    public var statsInput: (@Sendable (_ knownCards: Int?) -> StatsInput?)?
    public var statsScroll = 0
    /// The Stats tab's interview-date form (`i`), when open.
    public var planForm: PlanForm?
    /// The topic picker of the practice setup form (its cursor), when open.
    public var topicPicker: Int?
    /// Unsubmitted answers by question id (mirrors `drafts/`).
    public var drafts: [String: String] = [:]
    /// Submitted answers by question id, newest first (mirrors `answers.jsonl`).
    public var answers: [String: [AnswerRecord]] = [:]
    /// The grader's glossary (groups of words that mean the same; from the bundled `Assets/grading/glossary.json`).
    public var glossary: [[String]] = []
    /// The grader, made on first use from the glossary and the catalogue's texts (`ensureGrader`).
    public var grader: Grader?
    /// Gives the grader when the runtime makes it ahead (on a thread of its own at start-up); nil: made on
    /// first use.
    public var makeGrader: (@Sendable () -> Grader)?
    /// The questions of the last mock interview (a new one avoids them).
    public var previousMockCards: Set<String> = []
    /// Randomness for ids and random practice order, injected so that tests are reproducible.
    public var random = SeededRandom(seed: 0x5EED)
    let searchIndex: SearchIndex

    /// Each catalogue question's schedule (nil: never reviewed), in catalogue order: the catalogue joined to
    /// the progress once, and kept current as cards are rated (`noteProgressChanged`).
    public private(set) var positionSchedules: [CardSchedule?]

    /// The state just before the last action that logs a line to `reviews.jsonl` (a rating or an undo), kept
    /// until the next one: when the runtime cannot write that line (a full disk, a read-only data directory,
    /// an immutable log) the action is taken back, so an unsaved rating never looks accepted (issue 17, case 3).
    struct LogUndoPoint: Sendable {
        var line: String
        var card: String
        var tab: Tab
        var review: ReviewState
        var practice: PracticeState
        var progress: StudyProgress
        var answers: [AnswerRecord]?
        var draft: String?
        var banner: Banner?
    }
    var logUndoPoint: LogUndoPoint?

    /// `positionSchedules`: the join if the caller made it already (else it is made here).
    public init(catalog: Catalog, progress: StudyProgress, positionSchedules: [CardSchedule?]? = nil, theme: Theme = .color,
                calendar: StudyCalendar = StudyCalendar(), width: Int = 80, height: Int = 24, now: Date) {
        self.catalog = catalog
        self.progress = progress
        if let given = positionSchedules, given.count == catalog.count {
            self.positionSchedules = given
        } else {
            self.positionSchedules = (0..<catalog.count).map { progress.reviewedSchedule(catalog.id(at: $0)) }
        }
        self.theme = theme
        self.calendar = calendar
        self.width = width
        self.height = height
        searchIndex = SearchIndex(catalog)
        browse = BrowseState()
        browse.layout(bodyRect)
        browse.refresh(self, now: now)
        refreshDue(now: now, force: true)
    }

    public var tooSmall: Bool { width < AppModel.minWidth || height < AppModel.minHeight }

    /// Cards due now, as of the last update (kept current by `refreshDue`).
    public private(set) var dueNow = 0
    /// When the due count next changes (a card falls due), or nil when no card is waiting.
    public private(set) var dueChangesAt: Date?

    /// Recounts the due cards: after a rating, or when the clock passes `dueChangesAt`.
    public mutating func refreshDue(now: Date, force: Bool = false) {
        if !force { guard let at = dueChangesAt, now >= at else { return } }
        var n = 0
        var next: Date?
        for s in positionSchedules {
            guard let s, s.state != .new, let due = s.due else { continue }
            if due <= now { n += 1 } else if next.map({ due < $0 }) ?? true { next = due }
        }
        dueNow = n
        dueChangesAt = next
    }

    /// The draft saves still owed before the process stops (a signal: the terminal closed, SIGTERM…): the
    /// practice editor's text if it changed since its last save, and the Review editor's text.
    public mutating func draftsToFlush(mono: Double) -> [Effect] {
        var out: [Effect] = []
        if practice.phase == .answering, let e = saveDraftEffect(mono: mono, force: true) { out.append(e) }
        if let e = reviewDraftEffect(mono: mono, force: true) { out.append(e) }
        return out
    }

    /// Readiness for `interview_date` (nil when none is set), from the joined schedules and the timed answers.
    func makeReadiness(now: Date) -> ReadinessReport? {
        guard let date = progress.settings.interviewDate, let day = RFC3339.parseDay(date) else { return nil }
        let timed = Set(answers.compactMap { card, list in list.contains { $0.budgetSeconds != nil } ? card : nil })
        var r = ReadinessReport(catalog: catalog, schedules: positionSchedules, scheduler: progress.scheduler,
                                desiredRetention: progress.settings.desiredRetention, date: date, day: day,
                                topics: progress.settings.interviewTopics, timed: timed, calendar: calendar, now: now)
        r.addPlan(settings: progress.settings, questions: catalog.questions, schedules: positionSchedules, progress: progress,
                  calendar: calendar, now: now)
        return r
    }

    /// The Stats figures now: from `statsInput` when it is set (the same cache as `stats --json`).
    func makeStatsReport(now: Date) -> StatsReport {
        if let input = statsInput?(StatsInput.knownCards(schedules: positionSchedules, progress: progress)) {
            return StatsReport(catalog: catalog, progress: progress, settings: progress.settings, calendar: calendar, now: now,
                               input: input, schedules: positionSchedules)
        }
        return StatsReport(catalog: catalog, progress: progress, settings: progress.settings, calendar: calendar, now: now)
    }

    /// Remembers the state before an action whose first effect appends `line` to the review log.
    mutating func markLogUndoPoint(line: String, card: String) {
        logUndoPoint = LogUndoPoint(line: line, card: card, tab: tab, review: review, practice: practice, progress: progress,
                                    answers: answers[card], draft: drafts[card], banner: banner)
    }

    /// Puts the state back as it was before the action whose log line could not be written.
    mutating func takeBack(_ point: LogUndoPoint, now: Date) {
        logUndoPoint = nil
        tab = point.tab
        review = point.review
        practice = point.practice
        progress = point.progress
        answers[point.card] = point.answers
        drafts[point.card] = point.draft
        banner = point.banner
        noteProgressChanged(point.card)
        refreshDue(now: now, force: true)
    }

    /// Keeps `positionSchedules` current after `progress` changed for `card`.
    mutating func noteProgressChanged(_ card: String) {
        if let k = catalog.position(of: card) { positionSchedules[k] = progress.reviewedSchedule(card) }
    }

    /// A catalogue question's progress figures, by position.
    func info(at i: Int, now: Date) -> CardInfo {
        let s = positionSchedules[i] ?? CardSchedule()
        return CardInfo(schedule: s, practiced: s.reps, retrievability: progress.scheduler.retrievability(s, at: now))
    }

    /// The current screen's own keys (without the global ones), for the help overlay and hint bar.
    var screenBindings: [Binding] {
        let all = activeBindings
        return all.count > Keymap.global.count && all.suffix(Keymap.global.count).map(\.action) == Keymap.global.map(\.action)
            ? Array(all.dropLast(Keymap.global.count)) : (all.map(\.action) == Keymap.global.map(\.action) ? [] : all)
    }

    var screenName: String {
        switch tab {
        case .browse: return browse.filterMenu != nil ? "Filter menu" : "Browse"
        case .practice:
            switch practice.phase {
            case .setup: return "Practice · setup"
            case .answering: return "Practice · answer editor"
            case .comparing: return "Practice · compare and rate"
            case .summary: return "Practice · summary"
            }
        case .review: return review.editor != nil ? "Review · writing an answer" : "Review"
        case .stats: return planForm != nil ? "Stats · interview date" : "Stats"
        default: return tab.name
        }
    }

    /// The bindings that apply on the current screen (screen first, then global), for help and dispatch.
    public var activeBindings: [Binding] {
        if browse.filterMenu != nil && tab == .browse { return Keymap.filterMenu }
        switch tab {
        case .browse: return Keymap.browse + Keymap.global
        case .practice:
            switch practice.phase {
            case .setup: return Keymap.practiceSetup + Keymap.global
            case .answering: return practice.menuOpen ? Keymap.global : Keymap.practiceAnswering
            case .comparing: return Keymap.practiceComparing + Keymap.global
            case .summary: return Keymap.practiceSummary + Keymap.global
            }
        case .review: return review.editor != nil ? Keymap.reviewEditor : Keymap.review + Keymap.global
        case .stats: return planForm != nil ? Keymap.planForm : Keymap.stats + Keymap.global
        }
    }

    /// How long the runtime may wait for input before it must send a `.tick`: -1 (forever) when
    /// nothing on screen changes with time, else the milliseconds until the next change.
    public func tickIntervalMs(now: Date) -> Int32 {
        var wait: Int32 = -1
        func consider(_ ms: Int32) { wait = wait < 0 ? ms : min(wait, ms) }
        if let n = dueChangesAt {
            let ms = n.timeIntervalSince(now) * 1000 + 50
            consider(ms > 3_600_000 ? 3_600_000 : Int32(max(50, ms)))
        }
        if let ms = practice.msToNextSecond() { consider(ms) }
        // An unsaved draft is written within a second or two.
        if practice.phase == .answering && practice.editor.version != practice.savedVersion { consider(1000) }
        if let ed = review.editor, ed.version != review.savedVersion { consider(1000) }
        return wait
    }

    // MARK: Update

    /// Handles one message at wall time `now`; `mono` is a monotonic clock in seconds for the practice
    /// countdown (tests may leave it out: the wall time is used).
    public mutating func update(_ msg: Msg, now: Date, mono: Double? = nil) -> [Effect] {
        let m = mono ?? now.timeIntervalSince1970
        practice.advanceClock(to: m)
        var effects = dispatch(msg, now: now, mono: m)
        let saving = effects.contains { if case .saveDraft = $0 { return true }; return false }
        if practice.phase == .answering, !saving, let save = saveDraftEffect(mono: m) {
            effects.append(save) // autosave, at most a second behind the typing
        }
        if tab == .review, !saving, let save = reviewDraftEffect(mono: m) { effects.append(save) }
        refreshDue(now: now)
        if tab == .review { fillReview(now: now, mono: m) }
        if tab == .stats && statsReport == nil { statsReport = makeStatsReport(now: now); readinessReport = makeReadiness(now: now) }
        if tab != .stats, case .key = msg { statsReport = nil } // fresh figures on the next visit
        browse.layout(bodyRect)
        browse.clamp(self)
        layoutPractice()
        return effects
    }

    /// Whether keys go to a text editor (so letters are text, not commands).
    var editorFocused: Bool {
        (tab == .practice && practice.phase == .answering && !practice.menuOpen) || (tab == .review && review.editor != nil)
    }

    /// The screen area between the tab bar and the banner / hint rows.
    var bodyRect: Rect {
        let bannerRows = banner != nil || readOnly != nil ? 1 : 0
        return Rect(x: 0, y: 1, width: width, height: height - 2 - bannerRows)
    }

    mutating func dispatch(_ msg: Msg, now: Date, mono: Double) -> [Effect] {
        switch msg {
        case let .resize(w, h):
            width = w
            height = h
            browse.clamp(self)
            return []
        case let .saved(result):
            switch result {
            case let .failure(f): banner = Banner(f.message, isError: true)
            case let .success(path): banner = Banner("Wrote \(path)")
            }
            return []
        case let .writeFailed(effect, f):
            if case let .appendReview(line) = effect, let point = logUndoPoint, point.line == line {
                takeBack(point, now: now)
                // What it means first: a long reason is cut at the screen's edge.
                let what = line.contains("\"undo\"") ? "Undo not saved, the rating stands" : "Rating not saved, the card stays"
                banner = Banner("\(what): \(f.message)", isError: true)
            } else {
                banner = Banner(f.message, isError: true)
            }
            return []
        case .tick:
            return []
        case let .paste(text):
            if editorFocused && tab == .review { review.editor?.paste(text); return [] }
            if editorFocused { practice.editor.paste(text); return [saveDraftEffect(mono: mono)].compactMap { $0 } }
            if tab == .browse && browse.searching {
                browse.filter.search += text.replacingOccurrences(of: "\n", with: " ")
                browse.refresh(self, now: now)
            }
            return []
        case let .editorReturned(card, text):
            if practice.current?.question.id == card, let text {
                practice.editor.setText(text)
            } else if text == nil {
                banner = Banner("The external editor failed or was cancelled; your text is unchanged.", isError: true)
            }
            practice.resumeClock(at: mono)
            return [saveDraftEffect(mono: mono, force: true)].compactMap { $0 }
        case let .mouse(m):
            return handleMouse(m, now: now)
        case let .key(key):
            return handleKey(key, now: now, mono: mono)
        }
    }

    /// Quits, first writing what a session under way has done.
    mutating func quit(now: Date, mono: Double) -> [Effect] {
        leavePractice(now: now, mono: mono) + [.quit]
    }

    mutating func handleKey(_ key: Key, now: Date, mono: Double) -> [Effect] {
        if key == .ctrl("c") { return quit(now: now, mono: mono) }
        if tooSmall { return key == .char("q") ? quit(now: now, mono: mono) : [] }
        if showHelp {
            switch key {
            case .char("j"), .down: helpScroll += 1
            case .char("k"), .up: helpScroll = max(0, helpScroll - 1)
            default:
                showHelp = false
                helpScroll = 0
                practice.resumeClock(at: mono)
            }
            return []
        }
        banner = nil
        // Text input (search, the answer editor) and menus take the keys before the global map.
        if tab == .browse, let effects = browse.handleModalKey(key, model: self, now: now) { return effects }
        if tab == .practice, let effects = handlePracticeKey(key, now: now, mono: mono) { return effects }
        if tab == .review, let effects = handleReviewKey(key, now: now, mono: mono) { return effects }
        if tab == .stats, let effects = handleStatsKey(key, now: now) { return effects }
        let bindings = activeBindings
        guard let action = Keymap.action(for: key, in: bindings) else { return [] }
        switch action {
        case .quit:
            if tab != .browse { tab = .browse; return [] }
            return quit(now: now, mono: mono)
        case .help:
            showHelp = true
            practice.pauseClock(at: mono)
            return []
        case .goBrowse: tab = .browse
        case .goPractice: tab = .practice
        case .goReview: tab = .review
        case .goStats: tab = .stats
        case .prevTab: tab = Tab(rawValue: (tab.rawValue + Tab.allCases.count - 1) % Tab.allCases.count)!
        case .nextTab: tab = Tab(rawValue: (tab.rawValue + 1) % Tab.allCases.count)!
        default:
            if tab == .stats, let report = statsReport {
                let maxScroll = max(0, StatsScreen.contentHeight(width: bodyRect.width, report: report, readiness: readinessReport,
                                                                        weights: progress.settings.weightsSummary) - bodyRect.height)
                let page = max(1, bodyRect.height - 2)
                switch action {
                case .down: statsScroll += 1
                case .up: statsScroll -= 1
                case .pageDown, .halfDown: statsScroll += page
                case .pageUp, .halfUp: statsScroll -= page
                case .top: statsScroll = 0
                case .bottom: statsScroll = maxScroll
                default: break
                }
                statsScroll = max(0, min(statsScroll, maxScroll))
                return []
            }
            if tab == .browse {
                if action == .answer, let i = browse.selectedIndex {
                    return answerFromBrowse(catalog.question(at: i), now: now, mono: mono)
                }
                var b = browse
                let effects = b.handle(action, model: &self, now: now)
                browse = b
                return effects
            }
        }
        return []
    }

    mutating func handleMouse(_ m: MouseEvent, now: Date) -> [Effect] {
        guard !tooSmall, !showHelp else { return [] }
        if case let .click(x, y) = m, y == 0 {
            // Click on a tab.
            for (tab, range) in tabRanges(now: now) where range.contains(x) { self.tab = tab }
            return []
        }
        if tab == .browse { browse.handleMouse(m, model: self, now: now) }
        return []
    }

    // MARK: View

    public func view(now: Date) -> Grid {
        var g = Grid(width: width, height: height)
        if tooSmall {
            let lines = ["Terminal too small", "\(width)×\(height): prepdeck needs at least \(AppModel.minWidth)×\(AppModel.minHeight)", "Enlarge the window, or press q to quit"]
            let top = max(0, height / 2 - 1)
            for (k, l) in lines.enumerated() {
                let t = truncate(l, to: width)
                g.put(t, x: max(0, (width - displayWidth(t)) / 2), y: top + k, style: k == 0 ? theme.title : theme.text)
            }
            return g
        }
        drawTabBar(&g, now: now)
        let body = bodyRect
        switch tab {
        case .browse: browse.draw(&g, in: body, model: self, now: now)
        case .practice: drawPractice(&g, in: body, now: now)
        case .review: drawReview(&g, in: body, now: now)
        case .stats:
            if let report = statsReport {
                StatsScreen.draw(&g, in: body, report: report, readiness: readinessReport, weights: progress.settings.weightsSummary,
                                 theme: theme, scroll: statsScroll)
            } else {
                StatsScreen.draw(&g, in: body, report: makeStatsReport(now: now), readiness: makeReadiness(now: now),
                                 weights: progress.settings.weightsSummary, theme: theme, scroll: statsScroll)
            }
            drawPlanForm(&g, in: body, now: now)
        }
        if let b = banner {
            g.fill(Rect(x: 0, y: height - 2, width: width, height: 1), style: b.isError ? theme.bannerError : theme.banner)
            g.put(" " + truncate(b.text, to: width - 2), x: 0, y: height - 2, style: b.isError ? theme.bannerError : theme.banner)
        } else if let ro = readOnly {
            g.fill(Rect(x: 0, y: height - 2, width: width, height: 1), style: theme.banner)
            g.put(" Read-only: " + truncate(ro, to: width - 13), x: 0, y: height - 2, style: theme.banner)
        }
        drawHints(&g)
        if showHelp { drawHelp(&g) }
        return g
    }

    func tabRanges(now: Date) -> [(Tab, Range<Int>)] {
        var x = 1 + displayWidth("prepdeck") + 2
        var out: [(Tab, Range<Int>)] = []
        for t in Tab.allCases {
            let label = tabLabel(t, now: now)
            let w = displayWidth(label) + 2
            out.append((t, x..<(x + w)))
            x += w + 3
        }
        return out
    }

    func tabLabel(_ t: Tab, now: Date) -> String {
        t == .review ? "Review (\(dueNow) due)" : t.name
    }

    func drawTabBar(_ g: inout Grid, now: Date) {
        g.put(" prepdeck", x: 0, y: 0, style: theme.accent.with(.bold))
        for (k, (t, range)) in tabRanges(now: now).enumerated() {
            if k > 0 { g.put(" · ", x: range.lowerBound - 3, y: 0, style: theme.muted) }
            g.put(" " + tabLabel(t, now: now) + " ", x: range.lowerBound, y: 0, style: t == tab ? theme.tabActive : theme.tabInactive)
        }
    }

    func drawHints(_ g: inout Grid) {
        let y = height - 1
        var hints: [(String, String)]
        if tab == .browse, let h = browse.modalHints { hints = h }
        else if (tab == .practice && practice.phase == .setup && topicPicker != nil) || (tab == .stats && planForm?.picker != nil) { hints = TopicPicker.hints }
        else if tab == .stats && planForm != nil { hints = screenBindings.compactMap { b in b.hint.map { (b.keys.first!.label, $0) } } }
        else if editorFocused { hints = screenBindings.compactMap { b in b.hint.map { (b.keys.first!.label, $0) } } + [("F1", "help"), ("Ctrl-C", "quit")] }
        else if tab == .practice && practice.phase == .answering { hints = [("Enter", "resume"), ("s", "skip"), ("e", "end session")] }
        else {
            hints = screenBindings.compactMap { b in b.hint.map { (b.keys.first!.label, $0) } }
            if tab == .browse { hints.insert(("Tab", "pane"), at: 0) }
            hints += [("B/P/R/S", "tabs"), ("?", "help"), ("q", tab == .browse ? "quit" : "back")]
        }
        // "? help" and "q quit/back" always show, at the right; the others fill from the left.
        func w(_ h: (String, String)) -> Int { displayWidth(h.0) + 1 + displayWidth(h.1) + 2 }
        let fixed = hints.suffix(2)
        var shown = Array(fixed)
        var budget = width - 1 - fixed.reduce(0) { $0 + w($1) }
        var left: [(String, String)] = []
        for h in hints.dropLast(2) {
            if w(h) > budget { break }
            left.append(h)
            budget -= w(h)
        }
        shown = left + shown
        var x = 1
        for (key, text) in shown {
            if x + w((key, text)) - 2 > width { break }
            x = g.put(key, x: x, y: y, style: theme.hintKey)
            x = g.put(" " + text, x: x, y: y, style: theme.hint)
            x += 2
        }
    }

    /// The help overlay: every key of the current screen, from the keymap tables.
    func helpLines() -> [(String, String, Bool)] {
        var out: [(String, String, Bool)] = []
        let screen = screenBindings
        if !screen.isEmpty {
            out.append((screenName, "", true))
            for b in screen { out.append((b.keyLabel, b.help, false)) }
            out.append(("", "", false))
        }
        if !(tab == .browse && browse.filterMenu != nil) && !editorFocused {
            out.append(("Everywhere", "", true))
            for b in Keymap.global { out.append((b.keyLabel, b.help, false)) }
            out.append(("Ctrl-C", "quit at once", false))
            out.append(("mouse", "wheel scrolls, click selects", false))
        }
        return out
    }

    func drawHelp(_ g: inout Grid) {
        let lines = helpLines()
        let w = min(width - 4, 72)
        let h = min(height - 2, lines.count + 4)
        let r = Rect(x: (width - w) / 2, y: max(1, (height - h) / 2), width: w, height: h)
        g.fill(r, style: theme.overlay)
        g.box(r, style: theme.borderFocused, title: "Keys — any key closes", titleStyle: theme.title)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        let keyW = min(22, (lines.map { displayWidth($0.0) }.max() ?? 8) + 2)
        let start = min(helpScroll, max(0, lines.count - inner.height))
        for (k, (key, text, isHeading)) in lines.dropFirst(start).prefix(inner.height).enumerated() {
            let y = inner.y + k
            if isHeading { g.put(key, x: inner.x, y: y, style: theme.heading, clip: inner); continue }
            g.put(key, x: inner.x, y: y, style: theme.hintKey, clip: inner)
            g.put(truncate(text, to: inner.width - keyW), x: inner.x + keyW, y: y, style: theme.text, clip: inner)
        }
    }
}
