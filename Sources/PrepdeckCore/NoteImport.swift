import Foundation

// Cards from elsewhere (issue 14): CSV and TSV files, and Anki's "Notes in Plain Text" export, read into
// notes and turned into a prepdeck bank. Pure: the caller reads the file and writes the bank.

/// A note read from another tool: its fields (the first is the prompt, the second the answer), tags, deck.
public struct ImportedNote: Sendable, Equatable {
    /// What identifies the note across imports: Anki's guid, else the prompt itself. The question ids are
    /// made from it, so importing the same file again updates its questions instead of adding new ones.
    public var key: String
    public var prompt: String
    public var answer: String
    public var tags: [String]
    public var deck: String?
    /// Whether the fields are HTML (Anki's `#html:true`), turned into Markdown on the way in.
    public var html: Bool
    /// The 1-based line where the note starts in its file.
    public var line: Int
    public init(key: String, prompt: String, answer: String, tags: [String], deck: String?, html: Bool, line: Int) {
        self.key = key; self.prompt = prompt; self.answer = answer; self.tags = tags; self.deck = deck; self.html = html; self.line = line
    }
}

/// A problem in a file being imported, with where it is.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "\(line):\(column): \(message)" }
    public init(line: Int, column: Int, message: String) { self.line = line; self.column = column; self.message = message }
}

// MARK: RFC 4180

/// Records of delimited text as RFC 4180 reads them: fields split by `separator`, a field in double quotes
/// may hold separators, line breaks and doubled quotes (`""`); records end at CRLF or LF. Each record
/// comes with the line it starts on. A quote left open is an error naming where it opened.
public func parseDelimited(_ text: String, separator: Unicode.Scalar) throws(ImportError) -> [(line: Int, fields: [String])] {
    var records: [(line: Int, fields: [String])] = []
    var fields: [String] = []
    var field = String.UnicodeScalarView()
    var line = 1, column = 0, recordLine = 1
    var quoted = false, wasQuoted = false
    var quoteAt = (1, 1)
    let u = Array(text.unicodeScalars)
    var i = 0
    func endField() { fields.append(String(field)); field = String.UnicodeScalarView(); wasQuoted = false }
    while i < u.count {
        let c = u[i]
        column += 1
        if quoted {
            if c == "\"" {
                if i + 1 < u.count && u[i + 1] == "\"" { field.append("\""); i += 2; column += 1; continue }
                quoted = false
            } else {
                if c == "\n" { line += 1; column = 0 }
                field.append(c)
            }
            i += 1
            continue
        }
        if c == "\"" && field.isEmpty && !wasQuoted {
            quoted = true; wasQuoted = true; quoteAt = (line, column)
        } else if c == separator {
            endField()
        } else if c == "\r" && i + 1 < u.count && u[i + 1] == "\n" {
            // CRLF: handled at the LF.
        } else if c == "\n" {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
            line += 1; column = 0; recordLine = line
        } else {
            field.append(c)
        }
        i += 1
    }
    if quoted { throw ImportError(line: quoteAt.0, column: quoteAt.1, message: "a quoted field is never closed (a \" is missing)") }
    if !field.isEmpty || !fields.isEmpty || wasQuoted {
        endField()
        if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
    }
    return records
}

// MARK: Columns

/// Which column holds what (1-based), from `--map prompt=1,answer=2,tags=3,guid=4,deck=5`, a header row, or
/// Anki's `#… column:N` lines.
public struct ColumnMap: Sendable, Equatable {
    public var prompt = 1
    public var answer = 2
    public var tags: Int?
    public var guid: Int?
    public var deck: Int?
    public init(prompt: Int = 1, answer: Int = 2, tags: Int? = nil, guid: Int? = nil, deck: Int? = nil) {
        self.prompt = prompt; self.answer = answer; self.tags = tags; self.guid = guid; self.deck = deck
    }

    /// `prompt=1,answer=2,tags=3` (also `front`, `back`, `question`; `guid`, `deck`).
    public static func parse(_ text: String) -> ColumnMap? {
        var m = ColumnMap()
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard kv.count == 2, let n = Int(kv[1]), n >= 1 else { return nil }
            switch kv[0] {
            case "prompt", "front", "question": m.prompt = n
            case "answer", "back": m.answer = n
            case "tags": m.tags = n
            case "guid": m.guid = n
            case "deck": m.deck = n
            default: return nil
            }
        }
        return m.prompt == m.answer ? nil : m
    }
}

/// Notes from a CSV, TSV or Anki plain-text export. Anki's header lines (`#separator:tab`, `#html:true`,
/// `#guid column:1`, `#notetype column:2`, `#deck column:3`, `#tags column:5`) are followed; otherwise the
/// separator is `defaultSeparator` (by the file's extension), the columns those of `map` (default: prompt,
/// answer, then tags), and a first row naming them (`prompt,answer,tags`, or `front`/`back`) is a header.
public func parseNotes(_ text: String, defaultSeparator: Unicode.Scalar, map given: ColumnMap?) throws(ImportError) -> [ImportedNote] {
    var separator = defaultSeparator
    var html = false
    var map = given ?? ColumnMap(tags: 3)
    var anki = ColumnMap()
    var ankiColumns = false
    var notetypeColumn: Int?
    // Header lines: at the top, each starting with '#'.
    var body = Substring(text)
    var headerLines = 0
    // Only Anki's own directives are header lines: a first note whose prompt starts with '#' stays a note.
    let directives: Set<String> = ["separator", "html", "tags", "columns", "notetype", "deck", "guid column", "notetype column",
                                   "deck column", "tags column", "if matches"]
    while body.hasPrefix("#") {
        let end = body.firstIndex(of: "\n") ?? body.endIndex
        let directive = body[body.index(after: body.startIndex)..<end].trimmingCharacters(in: .whitespacesAndNewlines)
        let kv = directive.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard kv.count == 2, directives.contains(kv[0]) else { break }
        body = end < body.endIndex ? body[body.index(after: end)...] : body[end...]
        headerLines += 1
        switch kv[0] {
        case "separator":
            let names: [String: Unicode.Scalar] = ["tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"]
            if let s = names[kv[1]] ?? (kv[1].unicodeScalars.count == 1 ? kv[1].unicodeScalars.first : nil) { separator = s }
        case "html": html = kv[1] == "true"
        case "guid column": if let n = Int(kv[1]) { anki.guid = n; ankiColumns = true }
        case "notetype column": if let n = Int(kv[1]) { notetypeColumn = n; ankiColumns = true }
        case "deck column": if let n = Int(kv[1]) { anki.deck = n; ankiColumns = true }
        case "tags column": if let n = Int(kv[1]) { anki.tags = n; ankiColumns = true }
        default: break
        }
    }
    var records: [(line: Int, fields: [String])]
    do { records = try parseDelimited(String(body), separator: separator) } catch {
        throw ImportError(line: error.line + headerLines, column: error.column, message: error.message)
    }
    records = records.map { ($0.line + headerLines, $0.fields) }
    if ankiColumns && given == nil {
        // Anki: the note's fields are the columns that are none of guid, notetype, deck, tags, in order.
        let special = Set([anki.guid, notetypeColumn, anki.deck, anki.tags].compactMap { $0 })
        let width = records.map(\.fields.count).max() ?? 0
        let fieldColumns = (1...max(1, width)).filter { !special.contains($0) }
        map = ColumnMap(prompt: fieldColumns.first ?? 1, answer: fieldColumns.dropFirst().first ?? 2,
                        tags: anki.tags, guid: anki.guid, deck: anki.deck)
    } else if given == nil, let first = records.first {
        // A header row naming the columns.
        let names = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func col(_ wanted: [String]) -> Int? { names.firstIndex { wanted.contains($0) }.map { $0 + 1 } }
        if let p = col(["prompt", "front", "question"]), let a = col(["answer", "back"]) {
            map = ColumnMap(prompt: p, answer: a, tags: col(["tags"]), guid: col(["guid", "id"]), deck: col(["deck"]))
            records.removeFirst()
        }
    }
    var notes: [ImportedNote] = []
    for r in records {
        func field(_ n: Int?) -> String? { n.flatMap { $0 >= 1 && $0 <= r.fields.count ? r.fields[$0 - 1] : nil } }
        guard let prompt = field(map.prompt), !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ImportError(line: r.line, column: 1, message: "column \(map.prompt) (the prompt) is empty or missing")
        }
        // A cloze note's text is its own answer: its second field (Anki's "Back Extra") may be empty.
        let cloze = !clozeNumbers(prompt).isEmpty
        guard let answer = field(map.answer) ?? (cloze ? "" : nil), cloze || !answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ImportError(line: r.line, column: 1, message: "column \(map.answer) (the answer) is empty or missing")
        }
        let tags = (field(map.tags) ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
        let guid = field(map.guid).flatMap { $0.isEmpty ? nil : $0 }
        notes.append(ImportedNote(key: guid ?? prompt, prompt: prompt, answer: answer, tags: tags, deck: field(map.deck),
                                  html: html, line: r.line))
    }
    return notes
}

// MARK: HTML to Markdown

/// Anki's field HTML as the bank's Markdown: paragraphs and line breaks, lists, `<code>` and `<pre>`, bold
/// and italics; images and sounds noted as `[image: name]` / `[sound: name]`; entities decoded; any other
/// tag dropped.
public func htmlToMarkdown(_ html: String) -> String {
    var out = ""
    var i = html.startIndex
    var listStack: [(ordered: Bool, n: Int)] = []
    var inPre = false
    func newline(_ n: Int = 1) {
        while out.hasSuffix(" ") { out.removeLast() }
        let have = out.reversed().prefix { $0 == "\n" }.count
        if !out.isEmpty && have < n { out += String(repeating: "\n", count: n - have) }
    }
    while i < html.endIndex {
        let c = html[i]
        if c == "[", html[i...].hasPrefix("[sound:"), let close = html[i...].firstIndex(of: "]") {
            out += "[sound: " + html[html.index(i, offsetBy: 7)..<close] + "]"
            i = html.index(after: close)
            continue
        }
        if c == "<", let close = html[i...].firstIndex(of: ">") {
            let tag = html[html.index(after: i)..<close].trimmingCharacters(in: .whitespaces)
            let lower = tag.lowercased()
            let name = String(lower.prefix { $0.isLetter || $0.isNumber || $0 == "/" })
            switch name {
            case "br", "br/": out += "\n"
            case "p", "div", "/p", "/div": if !inPre { newline(2) }
            case "ul", "ol": newline(listStack.isEmpty ? 2 : 1); listStack.append((name == "ol", 0))
            case "/ul", "/ol": if !listStack.isEmpty { listStack.removeLast() }; newline(2)
            case "li":
                newline()
                let depth = max(0, listStack.count - 1)
                out += String(repeating: "  ", count: depth)
                if var top = listStack.popLast() {
                    top.n += 1
                    out += top.ordered ? "\(top.n). " : "- "
                    listStack.append(top)
                } else { out += "- " }
            case "b", "strong", "/b", "/strong": if !inPre { out += "**" }
            case "i", "em", "/i", "/em": if !inPre { out += "*" }
            case "code", "/code": if !inPre { out += "`" }
            case "pre": newline(2); out += "```\n"; inPre = true
            case "/pre": newline(); out += "```"; inPre = false; newline(2)
            case "img":
                let src = attribute("src", in: tag) ?? "?"
                out += "[image: \(src)]"
            default: break
            }
            i = html.index(after: close)
            continue
        }
        if c == "&", let semi = html[i...].prefix(10).firstIndex(of: ";") {
            let entity = String(html[html.index(after: i)..<semi])
            if let decoded = decodeEntity(entity) { out += decoded; i = html.index(after: semi); continue }
        }
        out.append(c == "\u{A0}" ? " " : c)
        i = html.index(after: i)
    }
    // Tidy: no runs of blank lines, no trailing space.
    var lines: [String] = []
    for l in out.split(separator: "\n", omittingEmptySubsequences: false) {
        let t = l.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        if t.isEmpty && (lines.last?.isEmpty ?? true) { continue }
        lines.append(t)
    }
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines.joined(separator: "\n")
}

private func attribute(_ name: String, in tag: String) -> String? {
    guard let r = tag.range(of: name + "=", options: .caseInsensitive) else { return nil }
    var rest = tag[r.upperBound...]
    if let q = rest.first, q == "\"" || q == "'" {
        rest = rest.dropFirst()
        return rest.firstIndex(of: q).map { String(rest[..<$0]) }
    }
    return String(rest.prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" })
}

private func decodeEntity(_ e: String) -> String? {
    switch e {
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos", "#39": return "'"
    case "nbsp": return " "
    default:
        if e.hasPrefix("#x") || e.hasPrefix("#X"), let v = UInt32(e.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) { return String(s) }
        if e.hasPrefix("#"), let v = UInt32(e.dropFirst()), let s = Unicode.Scalar(v) { return String(s) }
        return nil
    }
}

// MARK: Notes to a bank

/// `{{c1::answer::hint}}` cloze deletions: the numbers used, in order.
func clozeNumbers(_ text: String) -> [Int] {
    var seen: [Int] = []
    var rest = Substring(text)
    while let r = rest.range(of: "{{c") {
        let digits = rest[r.upperBound...].prefix { $0.isNumber }
        if let n = Int(digits), rest[r.upperBound...].dropFirst(digits.count).hasPrefix("::"), !seen.contains(n) { seen.append(n) }
        rest = rest[r.upperBound...]
    }
    return seen
}

/// The text with cloze `n` hidden (`[…]`, or `[hint]`) and the others shown; `reveal`: cloze `n` shown in bold.
func clozeText(_ text: String, hide n: Int, reveal: Bool) -> String {
    var out = ""
    var rest = Substring(text)
    while let r = rest.range(of: "{{c") {
        out += rest[..<r.lowerBound]
        let after = rest[r.upperBound...]
        let digits = after.prefix { $0.isNumber }
        guard let k = Int(digits), after.dropFirst(digits.count).hasPrefix("::"),
              let close = after.range(of: "}}") else { out += "{{c"; rest = after; continue }
        let inner = after[after.index(after.startIndex, offsetBy: digits.count + 2)..<close.lowerBound]
        let parts = inner.components(separatedBy: "::")
        let body = parts[0], hint = parts.count > 1 ? parts[1] : nil
        if k == n { out += reveal ? "**" + body + "**" : "[" + (hint ?? "…") + "]" } else { out += body }
        rest = after[close.upperBound...]
    }
    return out + rest
}

/// An id of the bank's shape (`lowercase-words-joined`) from free text; "" when nothing is left.
public func slugID(_ text: String, maxWords: Int = 6) -> String {
    let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    let words = folded.split { !(($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9")) }.prefix(maxWords)
    return words.joined(separator: "-")
}

/// The checklist of an imported card: the answer's list items, lines or sentences (at most eight); an
/// answer too short for three gets the recall checks a flashcard is graded by.
func derivedKeyPoints(_ markdown: String) -> [String] {
    var units: [String] = []
    for raw in markdown.split(whereSeparator: \.isNewline) {
        var line = raw.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("```") || line.isEmpty { continue }
        for p in ["- ", "* ", "+ "] where line.hasPrefix(p) { line.removeFirst(2) }
        line = line.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "`", with: "")
        for s in line.split(separator: ".", omittingEmptySubsequences: true) {
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.count >= 3 { units.append(t.count > 140 ? String(t.prefix(139)) + "…" : t) }
        }
    }
    units = Array(units.prefix(8))
    let checks = ["Recalled the answer without a hint", "Recalled all of it, not only the gist", "Could say why it is so"]
    for c in checks where units.count < 3 { units.append(c) }
    return units
}

/// The notes as a prepdeck bank (JSON, pretty): one question per note, one per cloze number for a cloze
/// note. Ids are made from the note's key (stable across imports), topics from its tags (else the deck),
/// the prompt and answer in Markdown, key points from the answer (`derivedKeyPoints`), `source` recording
/// where each came from.
public func bankJSON(from notes: [ImportedNote], deckID: String, deckTitle: String, format: String) -> String {
    importedBank(from: notes, deckID: deckID, deckTitle: deckTitle, format: format).json
}

/// The same, with each question's id by the note's key and cloze number (0 for a note that is no cloze).
public func importedBank(from notes: [ImportedNote], deckID: String, deckTitle: String, format: String) -> (json: String, ids: [String: [Int: String]]) {
    var ids: [String: [Int: String]] = [:]
    var questions: [JSONNode.Value] = []
    var used = Set<String>()
    for note in notes {
        let prompt = note.html ? htmlToMarkdown(note.prompt) : note.prompt
        let answer = note.html ? htmlToMarkdown(note.answer) : note.answer
        let clozes = clozeNumbers(prompt)
        let variants: [(prompt: String, answer: String, cloze: Int)] = clozes.isEmpty ? [(prompt, answer, 0)] : clozes.map { n in
            (clozeText(prompt, hide: n, reveal: false), clozeText(prompt, hide: n, reveal: true) + (answer.isEmpty ? "" : "\n\n" + answer), n)
        }
        var topics = note.tags.map { slugID($0, maxWords: 8) }.filter { !$0.isEmpty }
        if topics.isEmpty { topics = [deckID] }
        var seenTopics = Set<String>()
        topics = topics.filter { seenTopics.insert($0).inserted }
        for v in variants {
            let suffix = v.cloze == 0 ? "" : "-c\(v.cloze)"
            var base = slugID(v.prompt.replacingOccurrences(of: "[…]", with: " "))
            if base.isEmpty { base = "note" }
            let hash = String(FastHash.hash(note.key + suffix) & 0xFFFFFF, radix: 16)
            var id = base + "-" + String(repeating: "0", count: max(0, 6 - hash.count)) + hash
            while used.contains(id) { id += "-x" }
            used.insert(id)
            ids[note.key, default: [:]][v.cloze] = id
            let firstLine = v.prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? v.prompt
            let plain = firstLine.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
            let title = plain.count > 80 ? String(plain.prefix(79)) + "…" : plain
            questions.append(.obj([
                ("id", .string(id)), ("title", .string(title.isEmpty ? id : title)), ("prompt", .string(v.prompt)),
                ("difficulty", .string("medium")), ("kind", .string("technical")), ("topics", .arr(topics.map { .string($0) })),
                ("answer", .string(v.answer)), ("keyPoints", .arr(derivedKeyPoints(v.answer).map { .string($0) })),
                ("source", .obj([("format", .string(format)), ("key", .string(note.key + suffix)), ("line", .int(note.line))])),
            ]))
        }
    }
    let root: JSONNode.Value = .obj([
        ("format", .string(BankFormat.formatName)), ("version", .int(1)),
        ("deck", .obj([("id", .string(deckID)), ("title", .string(deckTitle))])),
        ("questions", .arr(questions)),
    ])
    return (JSONWriter.write(root, indent: 2) + "\n", ids)
}

// MARK: Markdown to HTML (the other way, for an Anki export)

/// The bank's Markdown as HTML for an Anki card: headings, paragraphs, bullet and numbered lists, fenced code
/// blocks (`<pre><code>`), `inline code`, **bold** and *italics*; everything else as escaped text.
public func markdownToHTML(_ md: String) -> String {
    func escape(_ s: Substring) -> String {
        var out = ""
        for c in s { switch c { case "&": out += "&amp;"; case "<": out += "&lt;"; case ">": out += "&gt;"; case "\"": out += "&quot;"; default: out.append(c) } }
        return out
    }
    func inline(_ s: Substring) -> String {
        // Code spans first (nothing inside them is formatted), then bold, then italics.
        var out = ""
        let parts = s.split(separator: "`", omittingEmptySubsequences: false)
        for (k, part) in parts.enumerated() {
            if k % 2 == 1 && k < parts.count - 1 { out += "<code>" + escape(part) + "</code>"; continue }
            var t = escape(part)
            for (mark, tag) in [("**", "b"), ("*", "i")] { t = emphasis(t, mark: mark, tag: tag) }
            out += (k % 2 == 1 ? "`" : "") + t
        }
        return out
    }
    /// Pairs of `mark` become `<tag>…</tag>`; an unpaired last mark stays as it is.
    func emphasis(_ t: String, mark: String, tag: String) -> String {
        var pieces = t.components(separatedBy: mark)
        guard pieces.count >= 3 else { return t }
        if pieces.count % 2 == 0 { let last = pieces.removeLast(); pieces[pieces.count - 1] += mark + last }
        var out = pieces[0]
        for j in 1..<pieces.count { out += (j % 2 == 1 ? "<\(tag)>" : "</\(tag)>") + pieces[j] }
        return out
    }
    var html = ""
    var paragraph: [Substring] = []
    var list: String?
    var inCode = false
    func flush() {
        if !paragraph.isEmpty { html += "<p>" + paragraph.map(inline).joined(separator: "<br>") + "</p>"; paragraph = [] }
    }
    func closeList() { if let l = list { html += "</\(l)>"; list = nil } }
    for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("```") {
            if inCode { html += "</code></pre>"; inCode = false } else { flush(); closeList(); html += "<pre><code>"; inCode = true }
            continue
        }
        if inCode { html += escape(line) + "\n"; continue }
        if trimmed.isEmpty { flush(); closeList(); continue }
        if let h = trimmed.firstIndex(where: { $0 != "#" }), trimmed.hasPrefix("#"), trimmed[h] == " " {
            flush(); closeList()
            let level = min(6, trimmed.distance(from: trimmed.startIndex, to: h))
            html += "<h\(level)>" + inline(trimmed[trimmed.index(after: h)...]) + "</h\(level)>"
            continue
        }
        let bullet = trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ")
        let digits = trimmed.prefix { $0.isNumber }
        let numbered = !digits.isEmpty && trimmed.dropFirst(digits.count).hasPrefix(". ")
        if bullet || numbered {
            flush()
            let kind = bullet ? "ul" : "ol"
            if list != kind { closeList(); html += "<\(kind)>"; list = kind }
            html += "<li>" + inline(bullet ? trimmed.dropFirst(2) : trimmed.dropFirst(digits.count + 2)) + "</li>"
            continue
        }
        closeList()
        paragraph.append(trimmed)
    }
    if inCode { html += "</code></pre>" }
    flush(); closeList()
    return html
}
