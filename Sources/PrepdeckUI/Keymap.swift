/// Everything a key can ask for. Keymaps are data: the help overlay and the hint bar are generated
/// from the same tables that dispatch the keys, so they cannot drift apart.
public enum Action: Sendable, Equatable {
    // Global
    case quit, help, goBrowse, goPractice, goReview, goStats, prevTab, nextTab, nextPane
    case down, up, top, bottom, pageUp, pageDown, halfUp, halfDown
    // Browse
    case search, filter, sort, toggleAnswer, answer
    // Filter menu
    case toggle, clearAll, close
}

public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var help: String
    /// Shown in the hint bar (short form), if set.
    public var hint: String?
    public init(_ keys: [Key], _ action: Action, _ help: String, hint: String? = nil) {
        self.keys = keys; self.action = action; self.help = help; self.hint = hint
    }
    public var keyLabel: String { keys.map(\.label).joined(separator: " ") }
}

public enum Keymap {
    /// Keys that work everywhere outside the editor.
    public static let global: [Binding] = [
        Binding([.char("q")], .quit, "back / quit", hint: "quit"),
        Binding([.char("?")], .help, "this help", hint: "help"),
        Binding([.char("B")], .goBrowse, "go to Browse"),
        Binding([.char("P")], .goPractice, "go to Practice"),
        Binding([.char("R")], .goReview, "go to Review"),
        Binding([.char("S")], .goStats, "go to Stats"),
        Binding([.char("["), .char("]")], .nextTab, "previous / next tab"),
        Binding([.tab], .nextPane, "next pane"),
        Binding([.char("j"), .down], .down, "move down"),
        Binding([.char("k"), .up], .up, "move up"),
        Binding([.char("g"), .home], .top, "first"),
        Binding([.char("G"), .end], .bottom, "last"),
        Binding([.pageUp, .pageDown], .pageDown, "page up / down"),
        Binding([.ctrl("u"), .ctrl("d")], .halfDown, "half page up / down"),
    ]

    public static let browse: [Binding] = [
        Binding([.char("/")], .search, "search title, prompt, topics (Enter keeps, Esc clears)", hint: "search"),
        Binding([.char("f")], .filter, "filter by difficulty, kind, topic, status", hint: "filter"),
        Binding([.char("o")], .sort, "change the sort order", hint: "sort"),
        Binding([.char(" ")], .toggleAnswer, "show / hide the model answer", hint: "answer"),
        Binding([.enter, .char("a")], .answer, "answer this question (untimed practice)", hint: "answer it"),
        Binding([.char("s")], .toggle, "suspend / unsuspend the card (Review leaves it out)"),
    ]

    public static let filterMenu: [Binding] = [
        Binding([.char("j"), .down], .down, "next option"),
        Binding([.char("k"), .up], .up, "previous option"),
        Binding([.char(" "), .enter], .toggle, "toggle the option", hint: "toggle"),
        Binding([.char("c")], .clearAll, "clear every filter", hint: "clear all"),
        Binding([.escape, .char("f"), .char("q")], .close, "close the menu", hint: "close"),
    ]

    /// The action for a key in a table; `[` and the paging pairs are resolved here.
    public static func action(for key: Key, in table: [Binding]) -> Action? {
        switch key {
        case .char("["): return table.contains { $0.action == .nextTab } ? .prevTab : nil
        case .pageUp: return table.contains { $0.action == .pageDown } ? .pageUp : nil
        case .ctrl("u"): return table.contains { $0.action == .halfDown } ? .halfUp : nil
        default: return table.first { $0.keys.contains(key) }?.action
        }
    }
}
