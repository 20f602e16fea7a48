// Display width, sanitising and wrapping of text, by terminal cells. Pure Swift, no locale.

/// The number of terminal cells a Unicode scalar takes: 0 (combining, zero-width), 1, or 2 (East Asian wide, emoji).
public func scalarWidth(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    if v < 0x300 { return 1 }
    // Zero width: combining marks, joiners, variation selectors.
    switch v {
    case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A, 0x064B...0x065F,
         0x0E31, 0x0E34...0x0E3A, 0x0E47...0x0E4E, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF,
         0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x20D0...0x20FF,
         0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xFEFF, 0xE0100...0xE01EF:
        return 0
    default: break
    }
    switch u.properties.generalCategory {
    case .nonspacingMark, .enclosingMark: return 0
    case .format: return 0
    default: break
    }
    // Wide: East Asian Wide / Fullwidth blocks and emoji presentation.
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
         0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
         0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
         0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
         0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
         0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
         0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
         0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF,
         0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202, 0x1F210...0x1F23B,
         0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265, 0x1F300...0x1F320,
         0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA,
         0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440,
         0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A,
         0x1F595...0x1F596, 0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC, 0x1F6D0...0x1F6D2,
         0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB,
         0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAFF,
         0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return 2
    default:
        return 1
    }
}

/// A display-safe version of one grapheme: control characters and escape introducers become visible
/// symbols, so that text from decks and answers can never drive the terminal. VS16 is dropped.
public func sanitizeGrapheme(_ g: Character) -> (text: String, width: Int) {
    var out = String.UnicodeScalarView()
    var width = 0
    var first = true
    for u in g.unicodeScalars {
        let v = u.value
        var r = u
        if v < 0x20 { r = Unicode.Scalar(0x2400 + v)! }        // ␀ … ␟ (ESC → ␛)
        else if v == 0x7F { r = "\u{2421}" }                    // ␡
        else if v >= 0x80 && v < 0xA0 { r = "\u{FFFD}" }        // C1 controls (CSI, OSC …)
        else if v == 0xFE0F { continue }                       // emoji presentation selector
        let w = scalarWidth(r)
        if first {
            width = w
            first = false
            if w == 0 { out.append(" "); width = 1 } // a lone combining mark gets a base
        } else if w > 0 && (v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0)) {
            // A control character clustered after a base (e.g. "\r\n"): keep it visible but zero-extra.
            continue
        }
        out.append(r)
    }
    if first { return (" ", 1) }
    return (String(out), max(width, 1))
}

/// Display width of a string in cells (after sanitising).
public func displayWidth(_ s: some StringProtocol) -> Int {
    var w = 0
    for g in s {
        if g.isASCII, let a = g.asciiValue, a >= 0x20, a < 0x7F { w += 1; continue }
        if g == "\t" { w += 1; continue }
        w += sanitizeGrapheme(g).width
    }
    return w
}

/// Truncates to at most `width` cells, ending with `…` when something was cut.
public func truncate(_ s: String, to width: Int) -> String {
    guard width > 0 else { return "" }
    if displayWidth(s) <= width { return s }
    var out = ""
    var w = 0
    for g in s {
        let gw = sanitizeGrapheme(g).width
        if w + gw > width - 1 { break }
        out.append(g)
        w += gw
    }
    return out + "…"
}

/// Pads with spaces (or truncates) to exactly `width` cells.
public func fit(_ s: String, _ width: Int) -> String {
    let t = truncate(s, to: width)
    let w = displayWidth(t)
    return w < width ? t + String(repeating: " ", count: width - w) : t
}

/// Wraps plain text to `width` cells: at spaces where possible, hard-breaking longer words.
/// Existing line breaks are kept; tabs become spaces.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let p = para.replacingOccurrences(of: "\t", with: "    ")
        if p.isEmpty { lines.append(""); continue }
        var line = ""
        var lineW = 0
        var word = ""
        var wordW = 0
        func flushWord() {
            if word.isEmpty { return }
            if lineW + wordW <= width {
                line += word; lineW += wordW
            } else {
                // Trailing spaces of the line are dropped at the break.
                while line.hasSuffix(" ") { line.removeLast() }
                if !line.isEmpty { lines.append(line) }
                var w = word
                // Leading spaces of the next line are dropped too.
                while w.hasPrefix(" ") && displayWidth(w) > 0 && w != " " { w.removeFirst() }
                if w == " " { w = "" }
                line = ""; lineW = 0
                for g in w {
                    let gw = sanitizeGrapheme(g).width
                    if lineW + gw > width { lines.append(line); line = ""; lineW = 0 }
                    line.append(g); lineW += gw
                }
            }
            word = ""; wordW = 0
        }
        for g in p {
            let gw = sanitizeGrapheme(g).width
            if g == " " {
                flushWord()
                word = " "; wordW = 1
                flushWord()
                continue
            }
            word.append(g); wordW += gw
        }
        flushWord()
        while line.hasSuffix(" ") { line.removeLast() }
        lines.append(line)
    }
    return lines
}
