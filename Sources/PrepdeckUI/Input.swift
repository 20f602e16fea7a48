import Foundation
import PrepdeckCore

/// A key press, independent of the terminal library.
public enum Key: Sendable, Equatable, Hashable {
    case char(Character)
    case ctrl(Character)   // Ctrl-A … Ctrl-Z as lowercase letters
    case alt(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case ctrlLeft, ctrlRight
    case enter, escape, tab, backTab, backspace, delete, insert
    case function(Int)

    /// A short human name, as shown in the help and the hint bar.
    public var label: String {
        switch self {
        case let .char(c): return c == " " ? "space" : String(c)
        case let .ctrl(c): return "Ctrl-" + String(c).uppercased()
        case let .alt(c): return "Alt-" + String(c).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .ctrlLeft: return "Ctrl-←"
        case .ctrlRight: return "Ctrl-→"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .insert: return "Insert"
        case let .function(n): return "F\(n)"
        }
    }
}

public enum MouseEvent: Sendable, Equatable {
    case click(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
}

/// Everything that can happen to the app: input, time passing, a resize, the result of an effect.
public enum Msg: Sendable {
    case key(Key)
    case paste(String)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    case tick
    case editorReturned(card: String, text: String?)
    case saved(Result<String, EffectFailure>)
    /// An effect could not be carried out (the runtime then skips the rest of its batch when it was a rating).
    case writeFailed(Effect, EffectFailure)
}

public struct EffectFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// What the app asks the runtime to do. `update` never does I/O itself.
public enum Effect: Sendable, Equatable {
    case quit
    /// Append a line to reviews.jsonl (and fsync) before the next screen shows.
    case appendReview(String)
    case appendAnswer(String)
    case appendSession(String)
    case saveDraft(card: String, text: String)
    /// Suspend the UI and edit `text` in $VISUAL/$EDITOR; the result comes back as `.editorReturned`.
    case openEditor(card: String, text: String)
    case writeFile(path: String, text: String)
    /// Replace settings.json (bury / suspend are kept there).
    case saveSettings(Settings)
    /// Write a session report into the data directory's `exports/` folder; the path comes back as `.saved`.
    case exportReport(name: String, markdown: String)
}
