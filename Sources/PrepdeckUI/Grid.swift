// The in-memory screen: a rectangle of cells. Everything draws here; only the backend paints it.

public enum Color: UInt8, Sendable, Equatable, CaseIterable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
}

public struct Attributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1)
    public static let dim = Attributes(rawValue: 2)
    public static let reverse = Attributes(rawValue: 4)
    public static let underline = Attributes(rawValue: 8)
    public static let italic = Attributes(rawValue: 16)
}

public struct Style: Sendable, Equatable, Hashable {
    public var fg: Color
    public var bg: Color
    public var attrs: Attributes
    public init(fg: Color = .default, bg: Color = .default, attrs: Attributes = []) {
        self.fg = fg; self.bg = bg; self.attrs = attrs
    }
    public static let plain = Style()
    public func with(_ a: Attributes) -> Style { var s = self; s.attrs.formUnion(a); return s }
}

public struct Cell: Sendable, Equatable {
    /// The grapheme drawn here ("" for the right half of a wide character).
    public var text: String
    public var width: UInt8
    public var style: Style
    public init(text: String = " ", width: UInt8 = 1, style: Style = .plain) {
        self.text = text; self.width = width; self.style = style
    }
    public static let blank = Cell()
}

public struct Rect: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func inset(_ d: Int) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
}

public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (nil: hidden).
    public var cursor: (x: Int, y: Int)?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public static func == (a: Grid, b: Grid) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursor?.x == b.cursor?.x && a.cursor?.y == b.cursor?.y
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public mutating func fill(_ r: Rect, style: Style) {
        for y in max(0, r.y)..<min(height, r.maxY) {
            for x in max(0, r.x)..<min(width, r.maxX) { self[x, y] = Cell(text: " ", width: 1, style: style) }
        }
    }

    /// Draws text at (x, y), clipped to `clip` (default: the whole grid). Control characters are shown as
    /// symbols. A wide character that does not fit is replaced by a space. Returns the x after the text.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let c = clip ?? bounds
        guard y >= max(0, c.y), y < min(height, c.maxY) else { return x }
        let right = min(width, c.maxX)
        let left = max(0, c.x)
        var cx = x
        for g in text {
            let (t, w): (String, Int)
            if g.isASCII, let a = g.asciiValue, a >= 0x20, a < 0x7F { (t, w) = (String(g), 1) } else { (t, w) = sanitizeGrapheme(g) }
            if cx >= right { break }
            if cx + w > right {
                if cx >= left { self[cx, y] = Cell(text: " ", width: 1, style: style) }
                cx += 1
                break
            }
            if cx >= left {
                clearWide(at: cx, y: y)
                self[cx, y] = Cell(text: t, width: UInt8(w), style: style)
                if w == 2 {
                    clearWide(at: cx + 1, y: y)
                    self[cx + 1, y] = Cell(text: "", width: 0, style: style)
                }
            }
            cx += w
        }
        return cx
    }

    /// Before overwriting a cell, blank the other half of a wide character it belongs to.
    private mutating func clearWide(at x: Int, y: Int) {
        let cell = self[x, y]
        if cell.width == 0 && x > 0 && self[x - 1, y].width == 2 { self[x - 1, y] = Cell(text: " ", width: 1, style: self[x - 1, y].style) }
        if cell.width == 2 && x + 1 < width { self[x + 1, y] = Cell(text: " ", width: 1, style: cell.style) }
    }

    /// Draws styled spans in a row, clipped to `clip`.
    @discardableResult
    public mutating func put(_ spans: [Span], x: Int, y: Int, clip: Rect? = nil) -> Int {
        var cx = x
        for s in spans { cx = put(s.text, x: cx, y: y, style: s.style, clip: clip) }
        return cx
    }

    /// The screen as text lines (wide characters once, trailing spaces kept), for tests and captures.
    public var lines: [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width { s += self[x, y].text }
            return s
        }
    }

    /// The screen as text with trailing spaces removed.
    public var text: String {
        lines.map { l in
            var t = Substring(l)
            while t.last == " " { t.removeLast() }
            return String(t)
        }.joined(separator: "\n")
    }

    /// Box-drawing border with an optional title.
    public mutating func box(_ r: Rect, style: Style, title: String? = nil, titleStyle: Style? = nil) {
        guard r.width >= 2, r.height >= 2 else { return }
        put("┌" + String(repeating: "─", count: r.width - 2) + "┐", x: r.x, y: r.y, style: style)
        for yy in (r.y + 1)..<(r.maxY - 1) {
            put("│", x: r.x, y: yy, style: style)
            put("│", x: r.maxX - 1, y: yy, style: style)
        }
        put("└" + String(repeating: "─", count: r.width - 2) + "┘", x: r.x, y: r.maxY - 1, style: style)
        if let title, r.width > 6 {
            put(" " + truncate(title, to: r.width - 6) + " ", x: r.x + 2, y: r.y, style: titleStyle ?? style)
        }
    }
}

/// A run of text in one style.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .plain) { self.text = text; self.style = style }
}

public typealias Line = [Span]

extension Array where Element == Span {
    public var plainText: String { map(\.text).joined() }
    public var width: Int { reduce(0) { $0 + displayWidth($1.text) } }
}

/// Wraps styled text to `width` cells, keeping styles; `indent` is put before continuation lines.
public func wrapSpans(_ spans: Line, width: Int, indent: Line = []) -> [Line] {
    guard width > 0 else { return [] }
    // Leading spaces (an indent) are kept as they are on the first line.
    var lead = 0
    var rest = spans
    while let first = rest.first {
        let n = first.text.prefix(while: { $0 == " " }).count
        lead += n
        if n == first.text.count { rest.removeFirst(); continue }
        rest[0].text = String(first.text.dropFirst(n))
        break
    }
    if lead > 0 {
        let inner = wrapSpans(rest, width: max(1, width - lead), indent: indent.isEmpty ? [] : indent)
        guard var firstLine = inner.first else { return [[Span(String(repeating: " ", count: lead))]] }
        firstLine.insert(Span(String(repeating: " ", count: lead)), at: 0)
        return [firstLine] + inner.dropFirst()
    }
    // Split into words (with their styles), breaking at spaces.
    var words: [Line] = []
    var current: Line = []
    var spaceBefore: [Bool] = []
    var pendingSpace = false
    for span in spans {
        var buf = ""
        for g in span.text {
            if g == " " {
                if !buf.isEmpty { current.append(Span(buf, span.style)); buf = "" }
                if !current.isEmpty { words.append(current); spaceBefore.append(pendingSpace); current = [] }
                pendingSpace = true
            } else {
                if current.isEmpty && buf.isEmpty && !words.isEmpty || (current.isEmpty && buf.isEmpty && words.isEmpty) {
                    // start of a new word
                }
                buf.append(g)
            }
        }
        if !buf.isEmpty { current.append(Span(buf, span.style)) }
    }
    if !current.isEmpty { words.append(current); spaceBefore.append(pendingSpace) }
    var lines: [Line] = []
    var line: Line = []
    var lineW = 0
    let indentW = indent.width
    for (k, word) in words.enumerated() {
        let ww = word.width
        let sp = (k > 0 && spaceBefore[k] && lineW > 0) ? 1 : 0
        if lineW + sp + ww <= width || lineW == 0 && ww <= width {
            if sp == 1 { line.append(Span(" ", word.first?.style ?? .plain)) }
            line += word
            lineW += sp + ww
            continue
        }
        if lineW > 0 { lines.append(line) }
        line = lines.isEmpty && lineW == 0 ? [] : indent
        lineW = lines.isEmpty && line.isEmpty ? 0 : indentW
        let avail = width - lineW
        if ww <= avail {
            line += word
            lineW += ww
        } else {
            // Hard-break a word longer than the line.
            for span in word {
                var buf = ""
                for g in span.text {
                    let gw = sanitizeGrapheme(g).width
                    if lineW + gw > width {
                        if !buf.isEmpty { line.append(Span(buf, span.style)); buf = "" }
                        lines.append(line)
                        line = indent
                        lineW = indentW
                    }
                    buf.append(g)
                    lineW += gw
                }
                if !buf.isEmpty { line.append(Span(buf, span.style)) }
            }
        }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines
}
