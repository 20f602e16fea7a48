/// Renders the Markdown of model answers into styled, wrapped lines: headings, paragraphs, bullet and
/// numbered lists (nested), fenced code blocks, block quotes, `inline code` and **bold**.
public enum Markdown {
    public static func render(_ source: String, width: Int, theme: Theme) -> [Line] {
        guard width > 0 else { return [] }
        var out: [Line] = []
        var paragraph: [String] = []
        var listItem: (indent: Line, first: Line, text: [String])?
        var inCode = false
        var codeLang = ""
        var inList = false

        func blankIfNeeded() {
            if let last = out.last, !last.isEmpty { out.append([]) }
        }
        func flushParagraph() {
            if !paragraph.isEmpty {
                out += wrapSpans(inline(paragraph.joined(separator: " "), theme: theme), width: width)
                paragraph = []
            }
        }
        func flushItem() {
            if let item = listItem {
                let spans = item.first + inline(item.text.joined(separator: " "), theme: theme)
                out += wrapSpans(spans, width: width, indent: item.indent)
                listItem = nil
            }
        }
        func flush() { flushParagraph(); flushItem() }
        /// A new block (not the next item of a list) starts after a blank line.
        func startBlock(list: Bool = false) {
            if !(list && inList) { blankIfNeeded() }
            inList = list
        }

        let lines = source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for raw in lines {
            let line = String(raw).replacingOccurrences(of: "\t", with: "    ")
            let trimmed = line.drop(while: { $0 == " " })
            let indent = line.count - trimmed.count
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                if inCode {
                    inCode = false
                    out.append([Span("└" + String(repeating: "─", count: max(0, min(width, 40) - 1)), theme.border)])
                } else {
                    flush()
                    startBlock()
                    inCode = true
                    codeLang = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                    let label = codeLang.isEmpty ? "code" : codeLang
                    out.append([Span("┌─ ", theme.border), Span(label, theme.muted), Span(" " + String(repeating: "─", count: max(0, min(width, 40) - 4 - displayWidth(label))), theme.border)])
                }
                continue
            }
            if inCode {
                // Code is never re-flowed: long lines are broken by cells, with a continuation mark.
                let avail = max(1, width - 2)
                var chunk = ""
                var w = 0
                var first = true
                for g in line {
                    let gw = sanitizeGrapheme(g).width
                    if w + gw > avail {
                        out.append([Span(first ? "│ " : "┆ ", theme.border), Span(chunk, theme.codeBlock)])
                        chunk = ""; w = 0; first = false
                    }
                    chunk.append(g); w += gw
                }
                out.append([Span(first ? "│ " : "┆ ", theme.border), Span(chunk, theme.codeBlock)])
                continue
            }
            if trimmed.isEmpty {
                flush()
                continue
            }
            if trimmed.hasPrefix("#") {
                let level = trimmed.prefix(while: { $0 == "#" }).count
                if level <= 6, trimmed.dropFirst(level).first == " " {
                    flush()
                    startBlock()
                    let text = String(trimmed.dropFirst(level + 1))
                    let style = level <= 2 ? theme.heading : theme.title
                    out += wrapSpans(inline(text, theme: theme).map { Span($0.text, style.with($0.style.attrs)) }, width: width)
                    continue
                }
            }
            if trimmed.hasPrefix(">") {
                flush()
                startBlock()
                let text = String(trimmed.dropFirst().drop(while: { $0 == " " }))
                out += wrapSpans([Span("▎ ", theme.border)] + inline(text, theme: theme).map { Span($0.text, $0.style.with(.italic)) },
                                 width: width, indent: [Span("▎ ", theme.border)])
                continue
            }
            if let marker = listMarker(trimmed) {
                flush()
                startBlock(list: true)
                let level = min(indent / 2, 4)
                let pad = String(repeating: "  ", count: level)
                let bullet = marker.ordered ? marker.text + " " : (level % 2 == 0 ? "• " : "◦ ")
                let first: Line = [Span(pad), Span(bullet, theme.accent)]
                listItem = (indent: [Span(pad + String(repeating: " ", count: displayWidth(bullet)))], first: first,
                            text: [String(trimmed.dropFirst(marker.length))])
                continue
            }
            if trimmed.hasPrefix("|") {
                // Tables are shown as they are written (monospace is readable enough).
                flush()
                if !inList { startBlock(list: true) } // consecutive table rows stay together
                out.append([Span(truncate(line, to: width), theme.text)])
                continue
            }
            if listItem != nil && indent > 0 {
                listItem!.text.append(String(trimmed))
                continue
            }
            flushItem()
            if paragraph.isEmpty { startBlock() }
            paragraph.append(String(trimmed))
        }
        flush()
        if inCode { out.append([Span("└", theme.border)]) }
        while let f = out.first, f.isEmpty { out.removeFirst() }
        return out
    }

    static func listMarker(_ s: Substring) -> (text: String, length: Int, ordered: Bool)? {
        if s.hasPrefix("- ") || s.hasPrefix("* ") || s.hasPrefix("+ ") { return ("•", 2, false) }
        let digits = s.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, digits.count <= 3 {
            let rest = s.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return (digits + ".", digits.count + 2, true) }
        }
        return nil
    }

    /// Inline spans: `code`, **bold**, __bold__, *emphasis*, [text](url).
    public static func inline(_ text: String, theme: Theme) -> Line {
        var spans: Line = []
        var buf = ""
        var bold = false
        var italic = false
        let chars = Array(text)
        var i = 0
        func style() -> Style {
            var s = theme.text
            if bold { s = s.with(.bold) }
            if italic { s = s.with(.italic) }
            return s
        }
        func flush() { if !buf.isEmpty { spans.append(Span(buf, style())); buf = "" } }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "`*_[]\\#".contains(chars[i + 1]) {
                buf.append(chars[i + 1]); i += 2; continue
            }
            if c == "`" {
                var run = 0
                while i + run < chars.count && chars[i + run] == "`" { run += 1 }
                // Find the closing run of the same length.
                var j = i + run
                var found: Int?
                while j < chars.count {
                    if chars[j] == "`" {
                        var r = 0
                        while j + r < chars.count && chars[j + r] == "`" { r += 1 }
                        if r == run { found = j; break }
                        j += r
                    } else { j += 1 }
                }
                if let end = found {
                    flush()
                    var code = String(chars[(i + run)..<end])
                    if code.hasPrefix(" ") && code.hasSuffix(" ") && code.count > 2 { code = String(code.dropFirst().dropLast()) }
                    spans.append(Span(code, bold ? theme.code.with(.bold) : theme.code))
                    i = end + run
                    continue
                }
            }
            if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c {
                let closing = bold || hasClosing(chars, from: i + 2, marker: [c, c])
                if closing {
                    flush(); bold.toggle(); i += 2; continue
                }
            }
            if c == "*", !(i + 1 < chars.count && chars[i + 1] == " "), italic || hasClosing(chars, from: i + 1, marker: ["*"]) {
                flush(); italic.toggle(); i += 1; continue
            }
            if c == "[", let close = chars[i...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
               let paren = chars[(close + 1)...].firstIndex(of: ")") {
                let label = String(chars[(i + 1)..<close])
                let url = String(chars[(close + 2)..<paren])
                buf += label
                if !url.isEmpty && url != label { flush(); spans.append(Span(" (" + url + ")", theme.muted)) }
                i = paren + 1
                continue
            }
            buf.append(c)
            i += 1
        }
        flush()
        return spans
    }

    static func hasClosing(_ chars: [Character], from: Int, marker: [Character]) -> Bool {
        var j = from
        while j + marker.count <= chars.count {
            if Array(chars[j..<(j + marker.count)]) == marker { return j > from }
            j += 1
        }
        return false
    }
}

import Foundation
