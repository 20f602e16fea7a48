import CNcursesw
import Foundation
import PrepdeckUI
#if canImport(Glibc)
import Glibc
#endif

/// The set by the signal handlers: the signal that asked us to stop, or 0.
nonisolated(unsafe) private var pendingSignal: Int32 = 0

public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
}

/// The only code that talks to ncursesw: it paints a `Grid` (writing only the cells that changed)
/// and turns terminal input into `Msg`s.
public final class Terminal {
    public private(set) var width: Int = 0
    public private(set) var height: Int = 0
    public let monochrome: Bool
    private var previous: Grid?
    private var pairs: [UInt16: Int16] = [:]
    private var nextPair: Int16 = 1
    private var colorCount: Int32 = 0
    private var active = false
    private var screen: OpaquePointer?

    static let ctrlLeftCode: Int32 = 0x7000
    static let ctrlRightCode: Int32 = 0x7001
    static let pasteStartCode: Int32 = 0x7002
    static let pasteEndCode: Int32 = 0x7003

    /// Starts curses. `noColor` forces the monochrome scheme (NO_COLOR); so does a terminal without colours.
    public init(noColor: Bool) throws {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if term.isEmpty || term == "dumb" {
            throw TerminalError(description: "this terminal (TERM=\(term.isEmpty ? "unset" : term)) cannot show the full-screen app; use a terminal such as xterm, or the commands (prepdeck list, show, stats)")
        }
        setlocale(LC_ALL, "")
        guard let s = newterm(nil, pd_stdout(), pd_stdin()) else {
            throw TerminalError(description: "unknown terminal type TERM=\(term); set TERM to one your system knows (e.g. xterm-256color)")
        }
        screen = s
        set_term(s)
        active = true
        raw()
        noecho()
        nonl()
        keypad(pd_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        mouseinterval(0)
        _ = mousemask(pd_button1_clicked() | pd_button4_pressed() | pd_button5_pressed(), nil)
        define_key("\u{1B}[1;5D", Terminal.ctrlLeftCode)
        define_key("\u{1B}[1;5C", Terminal.ctrlRightCode)
        define_key("\u{1B}[200~", Terminal.pasteStartCode)
        define_key("\u{1B}[201~", Terminal.pasteEndCode)
        var mono = noColor || !has_colors()
        if !mono {
            if start_color() != OK { mono = true } else {
                use_default_colors()
                colorCount = pd_colors()
            }
        }
        monochrome = mono
        // Bracketed paste, so that a pasted text arrives as one message.
        pd_write_stdout("\u{1B}[?2004h")
        installSignalHandlers()
        updateSize()
    }

    deinit { shutdown() }

    /// Restores the terminal. Safe to call more than once.
    public func shutdown() {
        guard active else { return }
        active = false
        pd_write_stdout("\u{1B}[?2004l")
        endwin()
        if let s = screen { delscreen(s); screen = nil }
    }

    /// Leaves curses mode (for $EDITOR), and comes back.
    public func suspend() {
        pd_write_stdout("\u{1B}[?2004l")
        def_prog_mode()
        endwin()
    }

    public func resume() {
        reset_prog_mode()
        pd_write_stdout("\u{1B}[?2004h")
        previous = nil
        clearok(pd_stdscr(), true)
        updateSize()
    }

    /// The signal (SIGINT, SIGTERM, SIGHUP) that asked the app to stop, if any.
    public var stopSignal: Int32? { pendingSignal == 0 ? nil : pendingSignal }

    private func installSignalHandlers() {
        for sig in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            var sa = sigaction()
            sa.__sigaction_handler.sa_handler = { s in pendingSignal = s }
            sigemptyset(&sa.sa_mask)
            sa.sa_flags = 0 // no SA_RESTART: a blocked read returns, and the loop sees the signal
            sigaction(sig, &sa, nil)
        }
    }

    private func updateSize() {
        height = Int(pd_maxy(pd_stdscr()))
        width = Int(pd_maxx(pd_stdscr()))
    }

    // MARK: Input

    /// Waits up to `timeoutMs` (-1: forever) for input. Returns nil on timeout or interruption.
    public func read(timeoutMs: Int32) -> Msg? {
        wtimeout(pd_stdscr(), timeoutMs)
        var ch: wint_t = 0
        let r = wget_wch(pd_stdscr(), &ch)
        if r == ERR { return nil }
        if r == pd_key_code_yes() { return keyCode(Int32(ch)) }
        return character(UInt32(ch))
    }

    private func keyCode(_ code: Int32) -> Msg? {
        switch code {
        case KEY_RESIZE:
            updateSize()
            previous = nil
            return .resize(width: width, height: height)
        case KEY_MOUSE:
            var e = MEVENT()
            guard getmouse(&e) == OK else { return nil }
            let x = Int(e.x), y = Int(e.y)
            if e.bstate & pd_button4_pressed() != 0 { return .mouse(.wheelUp(x: x, y: y)) }
            if e.bstate & pd_button5_pressed() != 0 { return .mouse(.wheelDown(x: x, y: y)) }
            if e.bstate & pd_button1_clicked() != 0 { return .mouse(.click(x: x, y: y)) }
            return nil
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_IC: return .key(.insert)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        case Terminal.ctrlLeftCode: return .key(.ctrlLeft)
        case Terminal.ctrlRightCode: return .key(.ctrlRight)
        case Terminal.pasteStartCode: return readPaste()
        case Terminal.pasteEndCode: return nil
        default:
            if code >= KEY_F0 && code <= KEY_F0 + 24 { return .key(.function(Int(code - KEY_F0))) }
            return nil
        }
    }

    private func character(_ c: UInt32) -> Msg? {
        switch c {
        case 27:
            // Esc alone, or Alt+key (Esc then the key at once).
            wtimeout(pd_stdscr(), 0)
            var next: wint_t = 0
            let r = wget_wch(pd_stdscr(), &next)
            if r == OK, let u = Unicode.Scalar(UInt32(next)), next >= 32 { return .key(.alt(Character(u))) }
            return .key(.escape)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.ctrl(Character(Unicode.Scalar(c + 96)!)))
        case 0, 28...31: return nil
        default:
            guard let u = Unicode.Scalar(c) else { return nil }
            return .key(.char(Character(u)))
        }
    }

    /// Reads a bracketed paste up to its end marker.
    private func readPaste() -> Msg {
        var text = String.UnicodeScalarView()
        wtimeout(pd_stdscr(), 200)
        while true {
            var ch: wint_t = 0
            let r = wget_wch(pd_stdscr(), &ch)
            if r == ERR { break }
            if r == pd_key_code_yes() {
                if Int32(ch) == Terminal.pasteEndCode { break }
                if Int32(ch) == KEY_ENTER { text.append("\n") }
                continue
            }
            if ch == 13 { text.append("\n"); continue }
            if let u = Unicode.Scalar(UInt32(ch)) { text.append(u) }
        }
        return .paste(String(text))
    }

    // MARK: Output

    private func colorIndex(_ c: PrepdeckUI.Color) -> Int16 {
        switch c {
        case .default: return -1
        default:
            let v = Int16(c.rawValue) - 1
            if v >= 8 && colorCount < 16 { return v - 8 }
            return v
        }
    }

    private func pair(for s: Style) -> Int16 {
        if monochrome || (s.fg == .default && s.bg == .default) { return 0 }
        let key = UInt16(s.fg.rawValue) << 8 | UInt16(s.bg.rawValue)
        if let p = pairs[key] { return p }
        guard Int32(nextPair) < pd_color_pairs() else { return 0 }
        let p = nextPair
        init_pair(p, colorIndex(s.fg), colorIndex(s.bg))
        pairs[key] = p
        nextPair += 1
        return p
    }

    private func attrs(for s: Style) -> attr_t {
        var a = pd_a_normal()
        if s.attrs.contains(.bold) { a |= pd_a_bold() }
        if s.attrs.contains(.dim) { a |= pd_a_dim() }
        if s.attrs.contains(.reverse) { a |= pd_a_reverse() }
        if s.attrs.contains(.underline) { a |= pd_a_underline() }
        if s.attrs.contains(.italic) { a |= pd_a_italic() }
        // Bright colours on an 8-colour terminal: bold stands in.
        if !monochrome && colorCount < 16 && s.fg.rawValue > PrepdeckUI.Color.white.rawValue { a |= pd_a_bold() }
        return a
    }

    /// Paints the grid, writing only the cells that differ from the last frame.
    public func draw(_ grid: Grid) {
        let full = previous == nil || previous!.width != grid.width || previous!.height != grid.height
        if full { werase(pd_stdscr()) }
        var buf = [wchar_t](repeating: 0, count: 8)
        for y in 0..<min(grid.height, height) {
            for x in 0..<min(grid.width, width) {
                let cell = grid[x, y]
                if cell.width == 0 { continue }
                if !full, let p = previous, p[x, y] == cell {
                    // A wide character to the left that changed may have overwritten this cell already.
                    continue
                }
                var k = 0
                for u in cell.text.unicodeScalars.prefix(6) { buf[k] = wchar_t(bitPattern: u.value); k += 1 }
                if k == 0 { buf[0] = 32; k = 1 }
                buf[k] = 0
                _ = pd_put_cell(Int32(y), Int32(x), buf, attrs(for: cell.style), pair(for: cell.style))
            }
        }
        if let c = grid.cursor, c.x < width, c.y < height {
            curs_set(1)
            wmove(pd_stdscr(), Int32(c.y), Int32(c.x))
        } else {
            curs_set(0)
        }
        wrefresh(pd_stdscr())
        previous = grid
    }
}
