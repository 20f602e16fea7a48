import Foundation
import PrepdeckCore
import PrepdeckStore
import PrepdeckTerminal
import PrepdeckUI
#if canImport(Glibc)
import Glibc
#endif

enum StartScreen { case browse, practice, review }

/// Runs the full-screen app: loads everything, then loops input → update → effects → view → paint.
func launchTUI(_ g: GlobalOptions, start: StartScreen) throws {
    let ctx = try AppContext.load(g, access: .write)
    let env = ProcessInfo.processInfo.environment
    let noColor = !(env["NO_COLOR"] ?? "").isEmpty
    guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
        throw CLIError("the full-screen app needs a terminal; use `prepdeck list`, `show` or `stats` in scripts", code: 64)
    }
    let clock = SystemClock()
    let terminal: Terminal
    do { terminal = try Terminal(noColor: noColor) } catch let e as TerminalError {
        throw CLIError(e.description, code: 69)
    }
    defer { terminal.shutdown() }
    let now = clock.now()
    var model = AppModel(catalog: ctx.catalog, progress: ctx.progress,
                         theme: terminal.monochrome ? .monochrome : .color,
                         calendar: StudyCalendar(utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now)),
                         width: terminal.width, height: terminal.height, now: now)
    model.readOnly = ctx.store.readOnlyReason
    if let w = ctx.warnings.first {
        model.banner = Banner(ctx.warnings.count == 1 ? w : "\(w) (and \(ctx.warnings.count - 1) more; see prepdeck doctor)", isError: true)
    }
    switch start {
    case .browse: model.tab = .browse
    case .practice: model.tab = .practice
    case .review: model.tab = .review
    }
    let runtime = Runtime(store: ctx.store, terminal: terminal)
    loop: while true {
        terminal.draw(model.view(now: clock.now()))
        if let sig = terminal.stopSignal {
            terminal.shutdown()
            FileHandle.standardError.write(Data("prepdeck: stopped by signal \(sig)\n".utf8))
            exit(128 + sig)
        }
        guard let msg = terminal.read(timeoutMs: model.tickIntervalMs(now: clock.now())) else {
            if terminal.stopSignal != nil { continue }
            _ = model.update(.tick, now: clock.now())
            continue
        }
        var pending = model.update(msg, now: clock.now())
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if effect == .quit { break loop }
            if let reply = runtime.perform(effect) { pending += model.update(reply, now: clock.now()) }
        }
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
            case let .appendReview(line): try store.appendLine(store.reviewsPath, line)
            case let .appendAnswer(line): try store.appendLine(store.answersPath, line)
            case let .appendSession(line): try store.appendLine(store.sessionsPath, line)
            case let .saveDraft(card, text): try store.saveDraft(card, text: text)
            case let .writeFile(path, text): try FileIO.replace(path, Array(text.utf8))
            case let .openEditor(card, text):
                return .editorReturned(card: card, text: editExternally(text))
            }
        } catch let e as StoreError {
            return .saved(.failure(EffectFailure(e.message)))
        } catch {
            return .saved(.failure(EffectFailure("\(error)")))
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
