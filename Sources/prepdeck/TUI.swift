import Foundation
import PrepdeckCore
import PrepdeckStore
import PrepdeckTerminal
import PrepdeckUI
#if canImport(Glibc)
import Glibc
#endif

enum StartScreen { case browse, practice, review, cram(topics: [String]), mock(MockSpec) }

/// Practice options from `prepdeck practice`; `startNow` when `--count` was given.
struct PracticeLaunch {
    var options = PracticeOptions()
    var startNow = false
}

/// Runs the full-screen app: loads everything, then loops input → update → effects → view → paint.
func launchTUI(_ g: GlobalOptions, start: StartScreen, practice: PracticeLaunch? = nil) throws {
    // Without a terminal nothing is loaded or created (no data directory appears; issue 17, case 10).
    guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
        throw CLIError("the full-screen app needs a terminal; use `prepdeck list`, `show` or `stats` in scripts", code: 64)
    }
    let ctx = try AppContext.load(g, access: .write, decodedSchedules: true)
    if case let .cram(topics) = start { try requireKnownTopics(topics, in: ctx.catalog) }
    let env = ProcessInfo.processInfo.environment
    let noColor = !(env["NO_COLOR"] ?? "").isEmpty
    let clock = SystemClock()
    let terminal: Terminal
    do { terminal = try Terminal(noColor: noColor) } catch let e as TerminalError {
        throw CLIError(e.description, code: 69)
    }
    defer { terminal.shutdown() }
    Timing.mark("terminal")
    let now = clock.now()
    var model = AppModel(catalog: ctx.catalog, progress: ctx.progress, positionSchedules: ctx.catalogSchedules,
                         theme: terminal.monochrome ? .monochrome : .color,
                         calendar: StudyCalendar(utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now)),
                         width: terminal.width, height: terminal.height, now: now)
    Timing.mark("model")
    model.readOnly = ctx.store.readOnlyReason
    let store = ctx.store, settings = ctx.settings, scheduler = ctx.progress.scheduler
    let calendar = model.calendar
    model.statsInput = { try? store.statsInput(settings: settings, scheduler: scheduler, calendar: calendar, knownCards: $0) }
    var seed = SystemRandomNumberGenerator()
    model.random = SeededRandom(seed: seed.next())
    for id in ctx.store.draftIDs() { model.drafts[id] = ctx.store.readDraft(id) }
    let answerLog = try ctx.store.readLogs(.answers) { (line: ArraySlice<UInt8>) throws(LogLineError) -> AnswerRecord in
        try AnswerRecord.decode(try LogLineError.parse(line))
    }
    for a in answerLog.items.reversed() { model.answers[a.card, default: []].append(a) }
    // The grader's glossary, and the questions of the last mock interview (the next one avoids them).
    if let assets = bundledBankPath() { model.glossary = readBundledGlossary(assets: assets) }
    // The grader's rarity weights read every question's texts: made on a thread of its own once the first
    // frame is drawn (see the loop), ready long before the first answer is submitted.
    let graderReady = GraderAhead(glossary: model.glossary, catalog: ctx.catalog)
    model.makeGrader = { graderReady.wait() }
    if let sessions = try? ctx.store.readLogs(.sessions, decode: { (line: ArraySlice<UInt8>) throws(LogLineError) -> SessionRecord in
        try SessionRecord.decode(try LogLineError.parse(line))
    }), let last = sessions.items.last(where: \.isMock) {
        model.previousMockCards = Set(last.items.map(\.card))
    }
    if let w = ctx.warnings.first {
        model.banner = Banner(ctx.warnings.count == 1 ? w : "\(w) (and \(ctx.warnings.count - 1) more; see prepdeck doctor)", isError: true)
    }
    let mono = { ProcessInfo.processInfo.systemUptime }
    switch start {
    case .browse: model.tab = .browse
    case .practice:
        model.tab = .practice
        if let p = practice {
            model.practice.options = p.options
            if p.startNow { _ = model.startPractice(p.options, now: clock.now(), mono: mono()) }
        }
    case .review: model.tab = .review
    case let .cram(topics): model.startCram(topics: topics, now: clock.now(), mono: mono())
    case let .mock(spec): _ = model.startMock(spec, now: clock.now(), mono: mono())
    }
    Timing.mark("drafts, answers")
    _ = model.update(.tick, now: clock.now(), mono: mono()) // fills the review queue before the first frame
    Timing.mark("first tick")
    let runtime = Runtime(store: ctx.store, terminal: terminal)
    loop: while true {
        terminal.draw(model.view(now: clock.now()))
        Timing.mark("frame")
        graderReady.start()
        if let sig = terminal.stopSignal {
            // The newest typing goes to disk first (autosave trails it by up to a second), then the terminal
            // is restored (issue 17, case 4).
            pendingEffects(model.draftsToFlush(mono: mono()))
            terminal.shutdown()
            FileHandle.standardError.write(Data("prepdeck: stopped by signal \(sig)\n".utf8))
            exit(128 + sig)
        }
        guard let msg = terminal.read(timeoutMs: model.tickIntervalMs(now: clock.now())) else {
            if terminal.stopSignal != nil { continue }
            pendingEffects(model.update(.tick, now: clock.now(), mono: mono()))
            continue
        }
        if !pendingEffects(model.update(msg, now: clock.now(), mono: mono())) { break loop }
    }

    /// Carries out effects in order (feeding replies back); false when one of them is quit.
    @discardableResult
    func pendingEffects(_ first: [Effect]) -> Bool {
        var pending = first
        var failed = false
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if effect == .quit { return false }
            // After a failed write, nothing that deletes data runs (the draft stays until its answer is on disk).
            if failed, case let .saveDraft(_, text) = effect, text.isEmpty { continue }
            if let reply = runtime.perform(effect) {
                if case .writeFailed = reply {
                    failed = true
                    // A rating that is not on disk takes back the action it came from (the model restores its
                    // state), so nothing else of that action is written: its answer, its cleared draft, the
                    // session it ended (issue 17, case 3).
                    if case .appendReview = effect { pending.removeAll { $0 != .quit } }
                }
                pending += model.update(reply, now: clock.now(), mono: mono())
            }
        }
        return true
    }
}

/// Carries out effects: the only place the app touches files or the editor.
struct Runtime {
    let store: DataStore
    let terminal: Terminal

    func perform(_ effect: Effect) -> Msg? {
        do {
            switch effect {
            case .quit: return nil
            case let .appendReview(line): try store.append(.reviews, line: line)
            case let .appendAnswer(line): try store.append(.answers, line: line)
            case let .appendSession(line): try store.append(.sessions, line: line)
            case let .saveDraft(card, text): try store.saveDraft(card, text: text)
            case let .writeFile(path, text): try FileIO.replace(path, Array(text.utf8))
            case let .saveSettings(settings): try store.writeSettings(settings)
            case let .exportReport(name, markdown):
                let dir = store.root + "/exports"
                try FileIO.makeDirectory(dir)
                try FileIO.replace(dir + "/" + name, Array(markdown.utf8))
                return .saved(.success(dir + "/" + name))
            case let .openEditor(card, text):
                return .editorReturned(card: card, text: editExternally(text))
            }
        } catch let e as StoreError {
            return .writeFailed(effect, EffectFailure(e.message))
        } catch {
            return .writeFailed(effect, EffectFailure("\(error)"))
        }
        return nil
    }

    /// Opens $VISUAL / $EDITOR on a temporary file; nil when it failed.
    func editExternally(_ text: String) -> String? {
        let env = ProcessInfo.processInfo.environment
        let editor = [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let path = NSTemporaryDirectory() + "prepdeck-answer-\(getpid()).md"
        guard (try? text.write(toFile: path, atomically: true, encoding: .utf8)) != nil else { return nil }
        defer { unlink(path) }
        terminal.suspend()
        defer { terminal.resume() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", editor + " \"$1\"", "sh", path]
        do { try p.run() } catch { return nil }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return try? String(contentsOfFile: path, encoding: .utf8)
    }
}

/// The grader, made on a thread of its own from `start()`; `wait()` gives it (starting it if need be, and
/// blocking until it is made).
final class GraderAhead: @unchecked Sendable {
    private var grader: Grader?
    private var started = false
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private let glossary: [[String]]
    private let catalog: Catalog

    /// The sampled questions are made on the grader's thread (`gradingDocuments(catalog)`), not before the first frame.
    init(glossary: [[String]], catalog: Catalog) { self.glossary = glossary; self.catalog = catalog }

    func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { return }
        started = true
        Thread { [self] in
            let g = Grader(terms: GradingTerms(glossary: glossary, documents: gradingDocuments(catalog)))
            lock.lock()
            grader = g
            lock.unlock()
            done.signal()
        }.start()
    }

    func wait() -> Grader {
        start()
        done.wait()
        done.signal()
        lock.lock()
        defer { lock.unlock() }
        return grader!
    }
}
