/// A multi-line text editor drawn into the cell grid: UTF-8 with wide characters, soft wrap by cells
/// (at spaces when it can), vertical scrolling that keeps the cursor visible, word moves, and undo/redo
/// grouped by typing runs.
public struct TextEditor: Sendable, Equatable {
    public private(set) var lines: [[Character]] = [[]]
    /// The cursor: a logical line and a character index within it.
    public private(set) var row = 0
    public private(set) var col = 0
    /// Bumped on every change of the text (for autosave).
    public private(set) var version = 0
    /// The top visual row shown.
    public private(set) var scroll = 0
    public private(set) var width = 40
    public private(set) var height = 10

    private var preferredX: Int?
    private var undoStack: [State] = []
    private var redoStack: [State] = []
    private var group: Group?
    private var breakCache: [[Int]?] = [nil]
    private var cacheWidth = 0
    /// Words of each line, computed when first counted (kept beside `breakCache`, reset with it).
    private var wordsCache: [Int?] = [nil]
    /// The UTF-8 of each line when it is known without encoding it (lines that came in as printable ASCII
    /// through a paste or `setText`), so that the draft of a large paste is joined, not encoded again.
    private var bytesCache: [[UInt8]?] = [nil]

    private struct State: Sendable, Equatable {
        var lines: [[Character]]
        var row: Int
        var col: Int
        /// The per-line caches that went with `lines` (copy-on-write: kept for free until an edit), so that
        /// undoing a large paste does not measure and count the text again.
        var breaks: [[Int]?]
        var breakWidth: Int
        var words: [Int?]
        var bytes: [[UInt8]?]
    }
    private enum Group: Sendable, Equatable { case typing, spaces, deleting }

    public static let tabWidth = 4
    static let undoLimit = 1000

    public init(text: String = "") {
        setText(text)
        undoStack = []
        redoStack = []
        version = 0
    }

    public static func == (a: TextEditor, b: TextEditor) -> Bool {
        a.lines == b.lines && a.row == b.row && a.col == b.col
    }

    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(lines.count) { $0 + $1.count })
        let known = bytesCache.count == lines.count
        for (k, line) in lines.enumerated() {
            if k > 0 { out.append(0x0A) }
            if known, let b = bytesCache[k] { out.append(contentsOf: b); continue }
            for c in line {
                // (A line holds no LF, so an ASCII value of LF is the CR LF pair.)
                if let a = c.asciiValue, a != 0x0A { out.append(a) } else { out.append(contentsOf: c.utf8) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
    public var isEmpty: Bool { lines.count == 1 && lines[0].isEmpty }
    public var lineCount: Int { lines.count }
    /// The number of words (runs of non-whitespace). Lines keep their counts until they change, so after a
    /// large paste each key costs a sum, not a scan of the whole text.
    public var wordCount: Int {
        if wordsCache.count != lines.count { return lines.reduce(0) { $0 + TextEditor.words(in: $1) } }
        var n = 0
        for (k, w) in wordsCache.enumerated() { n += w ?? TextEditor.words(in: lines[k]) }
        return n
    }

    static func words(in line: [Character]) -> Int {
        var n = 0, inWord = false
        for c in line {
            // ASCII first: `Character.isWhitespace` looks up Unicode properties, a hundred times slower.
            let space = c.asciiValue.map { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) } ?? c.isWhitespace
            if space { inWord = false } else if !inWord { inWord = true; n += 1 }
        }
        return n
    }

    /// Counts the lines not counted yet (after an edit, before the next frame).
    mutating func countWords() {
        if wordsCache.count != lines.count { wordsCache = Array(repeating: nil, count: lines.count) }
        for k in wordsCache.indices where wordsCache[k] == nil { wordsCache[k] = TextEditor.words(in: lines[k]) }
    }

    /// Replaces the whole text (one undo step); the cursor goes to the end.
    public mutating func setText(_ text: String) {
        begin(nil)
        let split = splitMeasured(text, width: width)
        lines = split.lines
        row = lines.count - 1
        col = lines[row].count
        breakCache = split.breaks
        cacheWidth = width
        wordsCache = split.words
        bytesCache = split.bytes
        version += 1
        countWords()
    }

    /// Sets the area the editor is drawn in (wrapping and scrolling depend on it).
    public mutating func resize(width w: Int, height h: Int) {
        let nw = max(1, w), nh = max(1, h)
        if nw != width { breakCache = Array(repeating: nil, count: lines.count) }
        width = nw
        height = nh
        ensureVisible()
    }

    // MARK: Keys

    /// Handles an editing key; returns false when the key is not the editor's.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case let .char(c): insert(c)
        case .enter: insertNewline()
        case .tab: insertText(String(repeating: " ", count: TextEditor.tabWidth), group: .spaces)
        case .backspace: backspace()
        case .delete: deleteForward()
        case .left: moveLeft()
        case .right: moveRight()
        case .up: moveVertically(-1)
        case .down: moveVertically(1)
        case .home, .ctrl("a"): endGroup(); col = 0; preferredX = nil
        case .end, .ctrl("e"): endGroup(); col = lines[row].count; preferredX = nil
        case .alt("b"), .ctrlLeft: wordLeft()
        case .alt("f"), .ctrlRight: wordRight()
        case .pageUp: moveVertically(-max(1, height - 1))
        case .pageDown: moveVertically(max(1, height - 1))
        case .ctrl("z"): undo()
        case .ctrl("y"): redo()
        default: return false
        }
        ensureVisible()
        return true
    }

    /// Inserts pasted text as one undo step. Line breaks are kept; CR LF become LF; tabs become spaces.
    public mutating func paste(_ text: String) {
        var t = text
        // Most pastes have neither (and the replacements cost a pass over a large text each).
        if text.utf8.contains(0x0D) { t = t.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") }
        if text.utf8.contains(0x09) { t = t.replacingOccurrences(of: "\t", with: String(repeating: " ", count: TextEditor.tabWidth)) }
        begin(nil)
        insertRaw(t)
        endGroup()
        ensureVisible()
    }

    // MARK: Editing

    private mutating func insert(_ c: Character) {
        if c == "\n" || c == "\r" { insertNewline(); return }
        if c == "\t" { insertText(String(repeating: " ", count: TextEditor.tabWidth), group: .spaces); return }
        // A typing run: a word and the spaces after it are one undo step.
        let g: Group = c == " " ? .spaces : .typing
        if group != g && !(group == .typing && g == .spaces) { begin(g) } else { redoStack.removeAll() }
        group = g
        lines[row].insert(c, at: col)
        col += 1
        preferredX = nil
        changed(line: row)
    }

    private mutating func insertText(_ s: String, group g: Group) {
        begin(g)
        for c in s { lines[row].insert(c, at: col); col += 1 }
        group = nil
        preferredX = nil
        changed(line: row)
    }

    private mutating func insertNewline() {
        begin(nil)
        let rest = Array(lines[row][col...])
        lines[row].removeSubrange(col...)
        lines.insert(rest, at: row + 1)
        breakCache.insert(nil, at: row + 1)
        if wordsCache.count == lines.count - 1 { wordsCache.insert(nil, at: row + 1) }
        if bytesCache.count == lines.count - 1 { bytesCache.insert(nil, at: row + 1) }
        row += 1
        col = 0
        preferredX = nil
        changed(line: row - 1)
        changed(line: row)
    }

    /// Inserts text with line breaks at the cursor, in O(length).
    private mutating func insertRaw(_ t: String) {
        // The lines in between are measured while they are split (from their bytes, when ASCII).
        if cacheWidth != width { breakCache = Array(repeating: nil, count: lines.count); cacheWidth = width }
        let split = splitMeasured(t, width: width)
        let parts = split.lines
        let tail = Array(lines[row][col...])
        lines[row].removeSubrange(col...)
        lines[row].append(contentsOf: parts[0])
        if parts.count == 1 {
            col = lines[row].count
            lines[row].append(contentsOf: tail)
            changed(line: row)
            return
        }
        var newLines = Array(parts[1...])
        col = newLines[newLines.count - 1].count
        newLines[newLines.count - 1].append(contentsOf: tail)
        lines.insert(contentsOf: newLines, at: row + 1)
        // The last new line took the tail: its measures are made again (changed below).
        breakCache.insert(contentsOf: split.breaks[1...], at: row + 1)
        if wordsCache.count == lines.count - newLines.count { wordsCache.insert(contentsOf: split.words[1...], at: row + 1) }
        if bytesCache.count == lines.count - newLines.count { bytesCache.insert(contentsOf: split.bytes[1...], at: row + 1) }
        changed(line: row)
        row += newLines.count
        changed(line: row)
    }

    private mutating func backspace() {
        if col == 0 && row == 0 { return }
        if group != .deleting { begin(.deleting) }
        if col > 0 {
            lines[row].remove(at: col - 1)
            col -= 1
            changed(line: row)
        } else {
            let line = lines.remove(at: row)
            breakCache.remove(at: row)
            if row < wordsCache.count { wordsCache.remove(at: row) }
            if row < bytesCache.count { bytesCache.remove(at: row) }
            row -= 1
            col = lines[row].count
            lines[row].append(contentsOf: line)
            changed(line: row)
        }
        preferredX = nil
    }

    private mutating func deleteForward() {
        if col == lines[row].count && row == lines.count - 1 { return }
        if group != .deleting { begin(.deleting) }
        if col < lines[row].count {
            lines[row].remove(at: col)
        } else {
            let next = lines.remove(at: row + 1)
            breakCache.remove(at: row + 1)
            if row + 1 < wordsCache.count { wordsCache.remove(at: row + 1) }
            if row + 1 < bytesCache.count { bytesCache.remove(at: row + 1) }
            lines[row].append(contentsOf: next)
        }
        changed(line: row)
        preferredX = nil
    }

    // MARK: Undo

    private var state: State {
        State(lines: lines, row: row, col: col, breaks: breakCache, breakWidth: cacheWidth, words: wordsCache, bytes: bytesCache)
    }

    /// Starts a new undo group (saving the state before the change).
    private mutating func begin(_ g: Group?) {
        undoStack.append(state)
        if undoStack.count > TextEditor.undoLimit { undoStack.removeFirst(undoStack.count - TextEditor.undoLimit) }
        redoStack.removeAll()
        group = g
    }

    private mutating func endGroup() { group = nil }

    public var canUndo: Bool { !undoStack.isEmpty }
    public var canRedo: Bool { !redoStack.isEmpty }

    public mutating func undo() {
        guard let s = undoStack.popLast() else { return }
        redoStack.append(state)
        restore(s)
    }

    public mutating func redo() {
        guard let s = redoStack.popLast() else { return }
        undoStack.append(state)
        restore(s)
    }

    private mutating func restore(_ s: State) {
        lines = s.lines
        row = s.row
        col = s.col
        group = nil
        preferredX = nil
        let keep = s.breaks.count == lines.count && s.breakWidth == cacheWidth
        breakCache = keep ? s.breaks : Array(repeating: nil, count: lines.count)
        wordsCache = s.words.count == lines.count ? s.words : Array(repeating: nil, count: lines.count)
        bytesCache = s.bytes.count == lines.count ? s.bytes : Array(repeating: nil, count: lines.count)
        version += 1
        countWords()
    }

    private mutating func changed(line: Int) {
        if line < breakCache.count { breakCache[line] = nil }
        if line < wordsCache.count { wordsCache[line] = nil }
        if line < bytesCache.count { bytesCache[line] = nil }
        version += 1
        countWords()
    }

    private mutating func changed(all: Bool) {
        breakCache = Array(repeating: nil, count: lines.count)
        wordsCache = Array(repeating: nil, count: lines.count)
        bytesCache = Array(repeating: nil, count: lines.count)
        version += 1
        countWords()
    }

    // MARK: Movement

    private mutating func moveLeft() {
        endGroup()
        preferredX = nil
        if col > 0 { col -= 1 } else if row > 0 { row -= 1; col = lines[row].count }
    }

    private mutating func moveRight() {
        endGroup()
        preferredX = nil
        if col < lines[row].count { col += 1 } else if row < lines.count - 1 { row += 1; col = 0 }
    }

    private mutating func wordLeft() {
        endGroup()
        preferredX = nil
        if col == 0 { if row > 0 { row -= 1; col = lines[row].count }; return }
        let l = lines[row]
        while col > 0 && !isWordChar(l[col - 1]) { col -= 1 }
        while col > 0 && isWordChar(l[col - 1]) { col -= 1 }
    }

    private mutating func wordRight() {
        endGroup()
        preferredX = nil
        let l = lines[row]
        if col == l.count { if row < lines.count - 1 { row += 1; col = 0 }; return }
        while col < l.count && !isWordChar(l[col]) { col += 1 }
        while col < l.count && isWordChar(l[col]) { col += 1 }
    }

    private func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    private mutating func moveVertically(_ delta: Int) {
        endGroup()
        let (vr, x) = cursorVisual()
        let target = max(0, min(totalRows() - 1, vr + delta))
        let wantX = preferredX ?? x
        let (r, c) = position(ofVisualRow: target, x: wantX)
        row = r
        col = c
        preferredX = wantX
    }

    // MARK: Wrapping

    /// The character indices at which the visual rows of line `i` start.
    mutating func breaks(_ i: Int) -> [Int] {
        if cacheWidth != width { breakCache = Array(repeating: nil, count: lines.count); cacheWidth = width }
        if breakCache.count != lines.count { breakCache = Array(repeating: nil, count: lines.count) }
        if let b = breakCache[i] { return b }
        let b = TextEditor.computeBreaks(lines[i], width: width)
        breakCache[i] = b
        return b
    }

    /// How many visual rows line `i` takes (read from the cache in place: no copy of its breaks).
    mutating func rows(_ i: Int) -> Int {
        if cacheWidth == width, breakCache.count == lines.count, let n = breakCache[i]?.count { return n }
        return breaks(i).count
    }

    static func computeBreaks(_ line: [Character], width: Int) -> [Int] {
        computeBreaks(count: line.count, width: width, cell: { TextEditor.cellWidth(line[$0]) }, isSpace: { line[$0] == " " })
    }

    /// The same for a line of printable ASCII given as bytes (one cell each).
    static func computeBreaks(ascii line: UnsafeBufferPointer<UInt8>, width: Int) -> [Int] {
        if line.count <= width { return [0] }
        return computeBreaks(count: line.count, width: width, cell: { _ in 1 }, isSpace: { line[$0] == 0x20 })
    }

    /// Rows start after the last space that fits (or mid-word when none does).
    @inline(__always)
    static func computeBreaks(count: Int, width: Int, cell: (Int) -> Int, isSpace: (Int) -> Bool) -> [Int] {
        var starts = [0]
        var w = 0
        var lastSpace: Int?
        var k = 0
        var rowStart = 0
        while k < count {
            let cw = cell(k)
            if w + cw > width && k > rowStart {
                // Break after the last space of the row when there is one, else here.
                let at = (lastSpace.map { $0 + 1 > rowStart ? $0 + 1 : nil } ?? nil) ?? k
                starts.append(at)
                rowStart = at
                lastSpace = nil
                w = 0
                k = at
                continue
            }
            if isSpace(k) { lastSpace = k }
            w += cw
            k += 1
        }
        return starts
    }

    mutating func totalRows() -> Int {
        var n = 0
        for i in lines.indices { n += rows(i) }
        return n
    }

    /// The cursor's visual row (from the top of the text) and cell column.
    mutating func cursorVisual() -> (row: Int, x: Int) {
        var vr = 0
        for i in 0..<row { vr += rows(i) }
        let b = breaks(row)
        var r = 0
        while r + 1 < b.count && b[r + 1] <= col { r += 1 }
        let x = cells(lines[row][b[r]..<col])
        return (vr + r, x)
    }

    private func cells(_ s: ArraySlice<Character>) -> Int {
        s.reduce(0) { $0 + TextEditor.cellWidth($1) }
    }

    /// The cells a character takes: printable ASCII one, anything else as it will be drawn.
    @inline(__always) static func cellWidth(_ c: Character) -> Int {
        if let a = c.asciiValue, a >= 0x20, a < 0x7F { return 1 }
        return sanitizeGrapheme(c).width
    }

    /// The (line, index) at a visual row and cell column.
    mutating func position(ofVisualRow target: Int, x: Int) -> (Int, Int) {
        var vr = 0
        for i in lines.indices {
            let n = rows(i)
            if target >= vr + n { vr += n; continue }
            let b = breaks(i)
            if target < vr + b.count {
                let r = target - vr
                let start = b[r]
                let end = r + 1 < b.count ? b[r + 1] : lines[i].count
                var c = start
                var w = 0
                while c < end {
                    let cw = TextEditor.cellWidth(lines[i][c])
                    if w + cw > x { break }
                    w += cw
                    c += 1
                }
                // On a wrapped row, the position after its last character is the next row's start.
                if c == end && r + 1 < b.count && c > start { c -= 1 }
                return (i, c)
            }
            vr += b.count
        }
        return (lines.count - 1, lines[lines.count - 1].count)
    }

    /// Scrolls so that the cursor row is inside the view.
    mutating func ensureVisible() {
        let (vr, _) = cursorVisual()
        if vr < scroll { scroll = vr }
        if vr >= scroll + height { scroll = vr - height + 1 }
        scroll = max(0, scroll)
    }

    // MARK: Drawing

    /// Draws the visible rows into `r`; when `focused`, puts the terminal cursor at the caret.
    public mutating func draw(_ g: inout Grid, in r: Rect, style: Style, placeholder: String? = nil, placeholderStyle: Style = Style(attrs: .dim), focused: Bool = true) {
        if r.width != width || r.height != height { resize(width: r.width, height: r.height) }
        if isEmpty, let p = placeholder {
            for (k, l) in wrap(p, width: r.width).prefix(r.height).enumerated() { g.put(l, x: r.x, y: r.y + k, style: placeholderStyle, clip: r) }
        }
        var vr = 0
        var y = r.y
        outer: for i in lines.indices {
            let n = rows(i)
            if vr + n <= scroll { vr += n; continue }
            let b = breaks(i)
            for k in b.indices {
                if vr < scroll { vr += 1; continue }
                if y >= r.maxY { break outer }
                let end = k + 1 < b.count ? b[k + 1] : lines[i].count
                g.put(String(lines[i][b[k]..<end]), x: r.x, y: y, style: style, clip: r)
                y += 1
                vr += 1
            }
        }
        if focused {
            let (cr, cx) = cursorVisual()
            let yy = r.y + cr - scroll
            if yy >= r.y && yy < r.maxY { g.cursor = (r.x + min(cx, r.width - 1), yy) }
        }
    }
}

/// The lines of a text with what the editor measures of each (wrap points at `width`, words, UTF-8),
/// known from the bytes for a line of printable ASCII, nil (measured later) for any other.
struct SplitText {
    var lines: [[Character]] = []
    var breaks: [[Int]?] = []
    var words: [Int?] = []
    var bytes: [[UInt8]?] = []
}

/// The 95 printable ASCII characters, made once (a `Character` from a byte costs more than the copy).
private let printableASCII: [Character] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }

func splitMeasured(_ text: String, width: Int) -> SplitText {
    var text = text
    return text.withUTF8 { u -> SplitText in
        var out = SplitText()
        var start = 0
        while true {
            var end = start
            while end < u.count && u[end] != 0x0A { end += 1 }
            var stop = end
            if end < u.count && stop > start && u[stop - 1] == 0x0D { stop -= 1 }
            let bytes = UnsafeBufferPointer(rebasing: u[start..<stop])
            if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
                out.lines.append(bytes.map { printableASCII[Int($0)] })
                out.breaks.append(TextEditor.computeBreaks(ascii: bytes, width: width))
                var n = 0, inWord = false
                for b in bytes { if b == 0x20 { inWord = false } else if !inWord { inWord = true; n += 1 } }
                out.words.append(n)
                out.bytes.append(Array(bytes))
            } else {
                let line: [Character] = bytes.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) ? bytes.map { Character(Unicode.Scalar($0)) }
                    : Array(String(decoding: bytes, as: UTF8.self))
                out.lines.append(line)
                out.breaks.append(nil)
                out.words.append(nil)
                out.bytes.append(nil)
            }
            guard end < u.count else { break }
            start = end + 1
        }
        return out
    }
}
