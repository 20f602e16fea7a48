import Foundation
import Testing
@testable import PrepdeckCore

// The JSON parser and `JSONWriter.quote` were rewritten for speed (docs/performance.md, "TUI"). These tests hold
// the new code to the old one, kept below unchanged as the reference: the same tree (positions included) or
// the same error (position and message) for every input, and the same quoted text.

/// The outcome of parsing: the tree, or the error.
enum ParseOutcome: Equatable, CustomStringConvertible {
    case node(JSONNode)
    case error(JSONSyntaxError)
    var description: String {
        switch self {
        case let .node(n): return "node " + JSONWriter.write(n.value)
        case let .error(e): return "error " + e.description
        }
    }
}

func parsed(_ bytes: [UInt8]) -> ParseOutcome {
    do { return .node(try JSONParser.parse(bytes)) } catch { return .error(error) }
}

func referenceParsed(_ bytes: [UInt8]) -> ParseOutcome {
    do { return .node(try ReferenceJSONParser.parse(bytes)) } catch { return .error(error) }
}

@Suite struct FastJSONTests {
    static let documents: [String] = [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        "  {\n  \"format\": \"prepdeck-bank\",\r\n  \"version\": 1.0,\n\t\"x\": [ ] , \"y\": { } }\n",
        #"["plain", "esc\"aped\\", "\n\t\r\b\f\/", "\u00e9\u4e2d\ud83d\ude00", "é中😀", "", " "]"#,
        #"[0, -0, 12, -12, 1.5, -1.5e3, 1E+2, 2e-2, 123456789012345, 1234567890123456789, 0.1]"#,
        "\u{FEFF}{\"bom\": true}",
        "[\"a long string without any escape at all, longer than eight bytes\", \"x\\\\y\", \"tab\\there\"]",
        "{\"k\u{e9}y\": \"v\u{e9}l\u{fc}e\", \"\\u006b\": 1}",
        String(repeating: "[", count: 256) + String(repeating: "]", count: 256),
        String(repeating: "[", count: 257) + String(repeating: "]", count: 257),
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"lone \\ud800 surrogate\"",
        "\"bad \\ud800\\u0041 low\"",
        "\"lone low \\udc00\"",
        "\"short \\u12\"",
        "\"raw\nline\"",
        "\"raw\u{01}control\"",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1: 2}",
        "[tru]",
        "[nul]",
        "[01]",
        "[1.]",
        "[1e]",
        "[-]",
        "",
        "   ",
        "{} x",
        "[\"é\", é]",
        "{\"a\": [1, 2, {\"b\": [\"c\", {\"d\": null}]}], \"e\": \"\\\"\"}",
    ]

    @Test func documentsParseAsTheReferenceParser() {
        for text in FastJSONTests.documents {
            let bytes = Array(text.utf8)
            #expect(parsed(bytes) == referenceParsed(bytes), "\(text)")
        }
    }

    @Test func invalidUTF8IsRepairedAsBefore() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x22], [0x22, 0xFF, 0x61, 0x22], [0x22, 0xE2, 0x82, 0x22], [0x5B, 0x22, 0x5C, 0x6E, 0xF0, 0x22, 0x5D],
                               [0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D], [0xEF, 0xBB], [0xC3, 0xA9]] {
            #expect(parsed(bytes) == referenceParsed(bytes), "\(bytes)")
        }
    }

    /// Random damage to JSON texts: whatever the result, both parsers agree, position and message included.
    @Test func mutatedDocumentsParseAsTheReferenceParser() {
        var rng = TestRNG(seed: 11)
        let alphabet = Array(#"{}[]":,.-+0123456789eEtrufalsn \"#.utf8) + [0x5C, 0x75, 0x0A, 0x0D, 0x09, 0x01, 0x7F, 0xC3, 0xA9, 0xE2, 0x80, 0xA8, 0xF0, 0x9F]
        let seeds = FastJSONTests.documents.prefix(8).map { Array($0.utf8) } + [Array(bank(goodQuestion).utf8)]
        var nodes = 0
        for k in 0..<20_000 {
            var bytes = seeds[k % seeds.count]
            for _ in 0..<(1 + rng.below(4)) {
                let p = rng.below(bytes.count + 1)
                switch rng.below(3) {
                case 0: if p < bytes.count { bytes.remove(at: p) }
                case 1: bytes.insert(alphabet[rng.below(alphabet.count)], at: p)
                default: if p < bytes.count { bytes[p] = alphabet[rng.below(alphabet.count)] }
                }
            }
            let r = referenceParsed(bytes)
            if case .node = r { nodes += 1 }
            #expect(parsed(bytes) == r, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(nodes > 2000)
    }

    /// Long strings, with and without escapes, at every offset of the eight-byte scan.
    @Test func longStringsAtEveryAlignment() {
        let pieces = ["a", "\\n", "\\\"", "\\\\", "é", "😀", "\\u00e9", "\\ud83d\\ude00", "\u{7F}", "~"]
        var rng = TestRNG(seed: 3)
        for k in 0..<2000 {
            var text = String(repeating: " ", count: k % 9) + "[\""
            for _ in 0..<rng.below(40) { text += rng.below(3) == 0 ? pieces[rng.below(pieces.count)] : "abcdefgh" }
            text += rng.below(10) == 0 ? "" : "\"]"
            let bytes = Array(text.utf8)
            #expect(parsed(bytes) == referenceParsed(bytes), "\(text)")
        }
    }

    @Test func quoteWritesWhatTheScalarLoopWrote() throws {
        var strings = ["", "plain", "\"", "\\", "\n\r\t", "\u{0}\u{1}\u{1F}\u{7F}", "\u{2028}\u{2029}", "a\u{2028}b\u{2029}c",
                       "é中😀", "e\u{301}", "\u{2027}\u{202A}\u{E2}\u{80}", "\u{85}\u{A0}", "x\u{7F}y\u{80}z", "ends with \\"]
        var rng = TestRNG(seed: 5)
        let scalars: [Unicode.Scalar] = ["a", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{8}", "\u{C}", "\u{1B}", "\u{7F}", "\u{80}", "é",
                                         "\u{2028}", "\u{2029}", "\u{2030}", "中", "😀", "\u{301}", " "]
        for _ in 0..<3000 {
            var s = ""
            for _ in 0..<rng.below(30) { s.unicodeScalars.append(scalars[rng.below(scalars.count)]) }
            strings.append(s)
        }
        for s in strings {
            var expected = ""
            referenceQuote(s, into: &expected)
            #expect(JSONWriter.quote(s) == expected, "\(Array(s.utf8))")
            var prefixed = "x"
            JSONWriter.quote(s, into: &prefixed)
            #expect(prefixed == "x" + expected)
            // Round trip through the parser.
            #expect(try JSONParser.parse(expected).string == s)
        }
        // The scalar loop (for strings without contiguous UTF-8) is the reference itself.
        for s in strings.prefix(500) {
            var a = "", b = ""
            JSONWriter.quoteScalars(s, into: &a)
            referenceQuote(s, into: &b)
            #expect("\"" + a + "\"" == b)
        }
    }
}

// MARK: - The reference: the parser and quote as they were before (unchanged but for their names)

struct ReferenceJSONParser {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        try parse(Array(text.utf8))
    }

    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var p = ReferenceJSONParser(bytes: bytes)
        // Skip a UTF-8 byte order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { p.i = 3; p.lineStart = 3 }
        p.skipSpace()
        guard p.i < bytes.count else { throw p.error("empty document: expected a JSON value") }
        let v = try p.parseValue()
        p.skipSpace()
        if p.i < bytes.count { throw p.error("unexpected \(p.describeCurrent()) after the end of the JSON value") }
        return v
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Cheap position of a value: columns in bytes (values follow ASCII keys and indentation in practice).
    private var nodePosition: SourcePosition { SourcePosition(line: line, column: i - lineStart + 1) }

    private var position: SourcePosition {
        // Column counts scalars, not bytes: skip UTF-8 continuation bytes.
        var col = 1
        var k = lineStart
        while k < i { if bytes[k] & 0xC0 != 0x80 { col += 1 }; k += 1 }
        return SourcePosition(line: line, column: col)
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(position: position, message: message)
    }

    private func describeCurrent() -> String {
        guard i < bytes.count else { return "end of file" }
        let b = bytes[i]
        if b >= 0x20 && b < 0x7F { return "character '\(Character(UnicodeScalar(b)))'" }
        if b == 0x0A { return "end of line" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1; lineStart = i
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        guard i < bytes.count else { throw error("unexpected end of file: expected a value") }
        let start = nodePosition
        switch bytes[i] {
        case UInt8(ascii: "{"): return JSONNode(try parseObject(), at: start)
        case UInt8(ascii: "["): return JSONNode(try parseArray(), at: start)
        case UInt8(ascii: "\""): return JSONNode(.string(try parseString()), at: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONNode(.bool(true), at: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONNode(.bool(false), at: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONNode(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(.number(try parseNumber()), at: start)
        default:
            throw error("unexpected \(describeCurrent()): expected a value")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let p = Array(word.utf8)
        let n = p.count
        for k in 0..<n {
            guard i + k < bytes.count, bytes[i + k] == p[k] else {
                i += k
                throw error("invalid literal: expected '\(word)'")
            }
        }
        i += n
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number: expected a digit") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw error("invalid number: leading zero") }
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        var isInteger = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number: expected a digit after '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number: expected an exponent") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if isInteger && i - start <= 15 {
            var v = 0
            var k = start
            let neg = bytes[k] == UInt8(ascii: "-")
            if neg { k += 1 }
            while k < i { v = v * 10 + Int(bytes[k] - 48); k += 1 }
            return Double(neg ? -v : v)
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let d = Double(text) else { throw error("invalid number") }
        return d
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        i += 1 // opening quote
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error(b == 0x0A ? "unterminated string (a raw line break inside a string)" : "control character inside a string: escape it") }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw error(b == 0x0A ? "unterminated string (a raw line break inside a string)" : "control character inside a string: escape it") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    i += 1
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw error("invalid \\u escape: lone high surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid \\u escape: bad low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw error("invalid \\u escape: lone low surrogate")
                    }
                    out.append(contentsOf: Array(String(UnicodeScalar(scalar)!).utf8))
                    continue
                default:
                    throw error("invalid escape '\\\(Character(UnicodeScalar(e)))'")
                }
                i += 1
                continue
            }
            out.append(b)
            i += 1
        }
        throw error("unterminated string: missing closing quote")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < bytes.count else { throw error("invalid \\u escape: expected 4 hex digits") }
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 48...57: d = UInt32(b - 48)
            case 65...70: d = UInt32(b - 55)
            case 97...102: d = UInt32(b - 87)
            default: throw error("invalid \\u escape: expected 4 hex digits")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > 256 { throw error("nesting too deep") }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONNode.Value {
        try enter()
        defer { depth -= 1 }
        i += 1
        var items: [JSONNode] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try parseValue())
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of file: expected ',' or ']'") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
                continue
            }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw error("unexpected \(describeCurrent()): expected ',' or ']'")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONNode.Value {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [(key: String, value: JSONNode)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of file: expected a key") }
            guard bytes[i] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()): expected a quoted key")
            }
            let key = try parseString()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()): expected ':' after key \"\(key)\"")
            }
            i += 1
            skipSpace()
            let v = try parseValue()
            members.append((key, v))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of file: expected ',' or '}'") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
                continue
            }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw error("unexpected \(describeCurrent()): expected ',' or '}'")
        }
    }
}


func referenceQuote(_ s: String, into out: inout String) {
    out.append("\"")
    for u in s.unicodeScalars {
        switch u {
        case "\"": out.append("\\\"")
        case "\\": out.append("\\\\")
        case "\n": out.append("\\n")
        case "\r": out.append("\\r")
        case "\t": out.append("\\t")
        case _ where u.value < 0x20 || u.value == 0x7F || (u.value >= 0x2028 && u.value <= 0x2029):
            let hex = String(u.value, radix: 16)
            out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        default: out.unicodeScalars.append(u)
        }
    }
    out.append("\"")
}


/// The streaming writers: `JSONBytes` writes exactly the text `JSONWriter.write` makes of the same tree, and
/// `JSONTree` builds that tree.
@Suite struct JSONStreamTests {
    /// The same document, described once, into any output.
    func describe<Out: JSONOutput>(_ out: inout Out) {
        out.beginArray()
        out.beginObject(); out.endObject()
        out.beginArray(); out.endArray()
        out.beginObject()
        out.key("s"); out.string("a \"quote\"\n\u{1B} ünï")
        out.key("n"); out.number(1.5)
        out.key("i"); out.int(42)
        out.key("none"); out.int(nil)
        out.key("t"); out.bool(true)
        out.key("when"); out.time(RFC3339.parse("2026-12-02T10:15:00.250Z")!)
        out.key("whole"); out.time(RFC3339.parse("2026-12-02T10:15:00Z")!)
        out.key("never"); out.time(nil)
        out.key("nested"); out.beginArray(); out.beginArray(); out.int(1); out.endArray(); out.null(); out.endArray()
        out.endObject()
        out.string("last")
        out.endArray()
    }

    @Test(arguments: [nil, 2] as [Int?])
    func bytesMatchTheTreeWriter(indent: Int?) {
        var tree = JSONTree()
        describe(&tree)
        var bytes = JSONBytes(indent: indent)
        describe(&bytes)
        let text = String(decoding: bytes.bytes, as: UTF8.self)
        #expect(text == JSONWriter.write(tree.root, indent: indent))
        // (Parsed nodes carry their positions, so the trees are compared by their text.)
        #expect((try? JSONParser.parse(text)).map { JSONWriter.write($0.value, indent: indent) } == text)
        if indent == nil {
            #expect(text.hasPrefix(#"[{},[],{"s":"a \"quote\"\n\u001b ünï","n":1.5,"i":42,"none":null,"t":true,"#))
            #expect(text.hasSuffix(#""when":"2026-12-02T10:15:00.250Z","whole":"2026-12-02T10:15:00Z","never":null,"nested":[[1],null]},"last"]"#))
        }
    }

    /// Numbers are written without making their String (integers digit by digit): the same text as
    /// `JSONWriter.number`, at the edges of the integer form too.
    @Test func numbersAsTheirStringForm() {
        var values: [Double] = [0, -0.0, 1, -1, 9, 10, 42, -42, 1e15 - 1, -(1e15 - 1), 1e15, -1e15, 1e16, 1.5, -2.25,
                                39.32135629146828, 0.1, 1e-7, 5e-324, .greatestFiniteMagnitude, .nan, .infinity, -.infinity]
        var rng = TestRNG(seed: 7)
        for _ in 0..<2000 {
            values.append(Double(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60)))
            values.append(Double(bitPattern: rng.next()))
        }
        for d in values {
            var b = JSONBytes()
            b.number(d)
            #expect(String(decoding: b.bytes, as: UTF8.self) == JSONWriter.number(d), "\(d)")
        }
    }

    /// Nesting deeper than the writer's 64 bits of "has an item yet", and indents of any length.
    @Test func deepNesting() {
        var b = JSONBytes(indent: 3)
        for _ in 0..<70 { b.beginArray(); b.int(1) }
        b.int(7)
        for _ in 0..<70 { b.endArray() }
        var expected = ""
        for level in 0..<70 {
            expected += (level == 0 ? "" : ",\n" + String(repeating: " ", count: 3 * level)) + "["
            expected += "\n" + String(repeating: " ", count: 3 * (level + 1)) + "1"
        }
        expected += ",\n" + String(repeating: " ", count: 210) + "7"
        for level in (0..<70).reversed() { expected += "\n" + String(repeating: " ", count: 3 * level) + "]" }
        #expect(String(decoding: b.bytes, as: UTF8.self) == expected)
    }

    /// A copy of a stream is a value: writing to one leaves the other as it was, through growth and flushes.
    @Test func copiesAreIndependent() {
        var a = JSONBytes(capacity: 8)
        a.beginArray(); a.string("shared")
        var b = a
        a.string(String(repeating: "a", count: 100)); a.endArray()
        b.int(2); b.endArray()
        #expect(String(decoding: a.bytes, as: UTF8.self) == "[\"shared\",\"" + String(repeating: "a", count: 100) + "\"]")
        #expect(String(decoding: b.bytes, as: UTF8.self) == "[\"shared\",2]")
        var c = b
        var flushed: [UInt8] = []
        c.flush { flushed.append(contentsOf: $0) }
        #expect(String(decoding: flushed, as: UTF8.self) == "[\"shared\",2]")
        #expect(c.count == 0 && b.count == 12)
    }

    @Test func timesFormatAsBeforeAtTheEdges() {
        for t in [-62_135_596_800.0, 0, 0.9995, 1_764_669_300.001, 253_402_300_799.999, 1e300, -1e300, .nan] {
            let d = Date(timeIntervalSince1970: t)
            let s = RFC3339.format(d)
            #expect(s.utf8.count == 20 || s.utf8.count == 24, "\(t): \(s)")
            #expect(RFC3339.parse(s) != nil, "\(t): \(s)")
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0.9995)) == "1970-01-01T00:00:01Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1e300)) == "0001-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
    }
}
