import Foundation
// A small JSON reader and writer that keeps source positions, so that every error can name
// the line and column it comes from. Pure Swift over bytes; no Foundation parsing.

/// A position in a source text: 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "\(line):\(column)" }
}

/// A JSON value with the position where it starts. Objects keep their key order.
public struct JSONNode: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONNode])
        case object([(key: String, value: JSONNode)])

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case let (.bool(x), .bool(y)): return x == y
            case let (.number(x), .number(y)): return x == y
            case let (.string(x), .string(y)): return x == y
            case let (.array(x), .array(y)): return x == y
            case let (.object(x), .object(y)):
                return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: return false
            }
        }
    }
    public var value: Value
    public var position: SourcePosition

    public init(_ value: Value, at position: SourcePosition = SourcePosition(line: 1, column: 1)) {
        self.value = value
        self.position = position
    }

    public subscript(key: String) -> JSONNode? {
        if case let .object(members) = value {
            for m in members where m.key == key { return m.value }
        }
        return nil
    }

    public var string: String? { if case let .string(s) = value { return s }; return nil }
    public var number: Double? { if case let .number(n) = value { return n }; return nil }
    public var bool: Bool? { if case let .bool(b) = value { return b }; return nil }
    public var array: [JSONNode]? { if case let .array(a) = value { return a }; return nil }
    public var isNull: Bool { if case .null = value { return true }; return false }
    /// An integer value (a number with no fractional part).
    public var int: Int? {
        guard let n = number, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }
    public var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String
    public var description: String { "\(position): \(message)" }
}

/// Parses JSON text. Errors carry the line and column of the offending character.
///
/// The parser reads the bytes through an unsafe buffer that is only valid inside `parse` (see `run`);
/// `BankFormat.decode` drives the same primitives directly (internal, not public).
public struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var line = 1
    var lineStart = 0
    var depth = 0
    /// Scratch space for strings with escapes, reused from one string to the next.
    private var scratch: [UInt8] = []

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        try run(bytes) { (p: inout JSONParser) throws(JSONSyntaxError) -> JSONNode in
            p.skipSpace()
            guard p.i < p.bytes.count else { throw p.error("empty document: expected a JSON value") }
            let v = try p.parseValue()
            p.skipSpace()
            if p.i < p.bytes.count { throw p.error("unexpected \(p.describeCurrent()) after the end of the JSON value") }
            return v
        }
    }

    /// Runs `body` with a parser over `bytes`, positioned after a UTF-8 byte order mark if there is one.
    static func run<T>(_ bytes: [UInt8], _ body: (inout JSONParser) throws(JSONSyntaxError) -> T) throws(JSONSyntaxError) -> T {
        let result: Result<T, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { return .success(try run(buffer, body)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// `run` over bytes the caller keeps valid until it returns.
    static func run<T>(_ buffer: UnsafeBufferPointer<UInt8>, _ body: (inout JSONParser) throws(JSONSyntaxError) -> T) throws(JSONSyntaxError) -> T {
        var p = JSONParser(bytes: buffer)
        // Skip a UTF-8 byte order mark.
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { p.i = 3; p.lineStart = 3 }
        return try body(&p)
    }

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Cheap position of a value: columns in bytes (values follow ASCII keys and indentation in practice).
    var nodePosition: SourcePosition { SourcePosition(line: line, column: i - lineStart + 1) }

    private var position: SourcePosition {
        // Column counts scalars, not bytes: skip UTF-8 continuation bytes.
        var col = 1
        var k = lineStart
        while k < i { if bytes[k] & 0xC0 != 0x80 { col += 1 }; k += 1 }
        return SourcePosition(line: line, column: col)
    }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(position: position, message: message)
    }

    private func describeCurrent() -> String {
        guard i < bytes.count else { return "end of file" }
        let b = bytes[i]
        if b >= 0x20 && b < 0x7F { return "character '\(Character(UnicodeScalar(b)))'" }
        if b == 0x0A { return "end of line" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1; lineStart = i
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
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

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        let p = word.utf8Start
        for k in 0..<n {
            guard i + k < bytes.count, bytes[i + k] == p[k] else {
                i += k
                throw error("invalid literal: expected '\(word)'")
            }
        }
        i += n
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
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
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let d = Double(text) else { throw error("invalid number") }
        return d
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// Scans from `i` to the first quote, backslash or control byte of a string's content; returns its index
    /// (`bytes.count` at the end of the input).
    @inline(__always)
    private func scanPlain(from k0: Int) -> Int {
        var k = k0
        let n = bytes.count
        if let base = bytes.baseAddress {
            // Eight bytes at a time while none is a quote, a backslash or below 0x20 (exact tests: x has a
            // zero byte iff (x - 0x01…) & ~x & 0x80… is not 0; a byte below 0x20 likewise).
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while k + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                let q = w ^ (ones &* 0x22), e = w ^ (ones &* 0x5C)
                let hit = (((q &- ones) & ~q) | ((e &- ones) & ~e) | ((w &- ones &* 0x20) & ~w)) & highs
                if hit != 0 {
                    #if _endian(little)
                    // The lowest flagged byte is the first match (a borrow only flags bytes above a match).
                    return k + hit.trailingZeroBitCount / 8
                    #else
                    break
                    #endif
                }
                k += 8
            }
        }
        while k < n {
            let b = bytes[k]
            if b == 0x22 || b == 0x5C || b < 0x20 { return k }
            k += 1
        }
        return n
    }

    private func controlError(_ b: UInt8) -> JSONSyntaxError {
        error(b == 0x0A ? "unterminated string (a raw line break inside a string)" : "control character inside a string: escape it")
    }

    /// The bytes of a string without escapes (`i` at its opening quote), skipping it; nil when it has an
    /// escape (then nothing is consumed). Errors as `parseString`.
    mutating func plainStringBytes() throws(JSONSyntaxError) -> UnsafeBufferPointer<UInt8>? {
        let start = i + 1
        let k = scanPlain(from: start)
        guard k < bytes.count else { i = k; throw error("unterminated string: missing closing quote") }
        let b = bytes[k]
        if b == 0x22 {
            i = k + 1
            return UnsafeBufferPointer(rebasing: bytes[start..<k])
        }
        if b < 0x20 { i = k; throw controlError(b) }
        return nil
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        i += 1 // opening quote
        let start = i
        // Fast path: no escapes.
        i = scanPlain(from: i)
        if i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if b < 0x20 { throw controlError(b) }
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b < 0x20 { throw controlError(b) }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                switch e {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
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
                    appendUTF8(scalar)
                    continue
                default:
                    throw error("invalid escape '\\\(Character(UnicodeScalar(e)))'")
                }
                i += 1
                continue
            }
            // A run of plain bytes.
            let k = scanPlain(from: i + 1)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<k]))
            i = k
        }
        throw error("unterminated string: missing closing quote")
    }

    /// Appends the UTF-8 encoding of a scalar value (never a surrogate here).
    private mutating func appendUTF8(_ v: UInt32) {
        switch v {
        case 0..<0x80:
            scratch.append(UInt8(v))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (v >> 6)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (v >> 12)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (v >> 18)))
            scratch.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        }
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

    mutating func enter() throws(JSONSyntaxError) {
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
            if try arrayNext() { continue }
            return .array(items)
        }
    }

    /// After an array element: skips `,` (true: another element follows) or `]` (false: the end).
    mutating func arrayNext() throws(JSONSyntaxError) -> Bool {
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end of file: expected ',' or ']'") }
        if bytes[i] == UInt8(ascii: ",") {
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
            return true
        }
        if bytes[i] == UInt8(ascii: "]") { i += 1; return false }
        throw error("unexpected \(describeCurrent()): expected ',' or ']'")
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONNode.Value {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [(key: String, value: JSONNode)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            let key = try objectKey()
            let v = try parseValue()
            members.append((key, v))
            if try objectNext() { continue }
            return .object(members)
        }
    }

    /// Reads a member's key and its `:` (and the space after it); `i` is then at the value.
    mutating func objectKey() throws(JSONSyntaxError) -> String {
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end of file: expected a key") }
        guard bytes[i] == UInt8(ascii: "\"") else {
            throw error("unexpected \(describeCurrent()): expected a quoted key")
        }
        let key = try parseString()
        try colon(after: key)
        return key
    }

    /// The `:` after a key (and the space around it); `key` is only used in the message.
    mutating func colon(after key: @autoclosure () -> String) throws(JSONSyntaxError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
            throw error("unexpected \(describeCurrent()): expected ':' after key \"\(key())\"")
        }
        i += 1
        skipSpace()
    }

    /// After a member's value: skips `,` (true: another member follows) or `}` (false: the end).
    mutating func objectNext() throws(JSONSyntaxError) -> Bool {
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end of file: expected ',' or '}'") }
        if bytes[i] == UInt8(ascii: ",") {
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
            return true
        }
        if bytes[i] == UInt8(ascii: "}") { i += 1; return false }
        throw error("unexpected \(describeCurrent()): expected ',' or '}'")
    }
}

/// Writes JSON text. Keys keep the order they are given in.
public enum JSONWriter {
    /// Appends `s` as a JSON string. Runs of bytes that need no escape are copied as they are: the
    /// whole string at once when nothing in it needs one (`quoteScalars` is the same, scalar by scalar).
    public static func quote(_ s: String, into out: inout String) {
        out.append("\"")
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { u in
            let n = u.count
            var k = 0
            while k < n, escapeLength(u, k) == 0 { k += 1 }
            if k == n { out.append(s); return }
            var buf: [UInt8] = []
            buf.reserveCapacity(n + 16)
            var run = 0
            while k < n {
                let e = escapeLength(u, k)
                if e == 0 { k += 1; continue }
                buf.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<k]))
                buf.append(0x5C) // backslash
                switch u[k] {
                case 0x22: buf.append(0x22)
                case 0x5C: buf.append(0x5C)
                case 0x0A: buf.append(UInt8(ascii: "n"))
                case 0x0D: buf.append(UInt8(ascii: "r"))
                case 0x09: buf.append(UInt8(ascii: "t"))
                default:
                    // u and four lowercase hex digits: a control character, DEL, U+2028 or U+2029.
                    let v: UInt32 = e == 1 ? UInt32(u[k]) : 0x2028 + UInt32(u[k + 2] - 0xA8)
                    buf.append(UInt8(ascii: "u"))
                    for shift in [12, 8, 4, 0] as [UInt32] {
                        let d = UInt8((v >> shift) & 15)
                        buf.append(d < 10 ? 48 + d : 87 + d)
                    }
                }
                k += e
                run = k
            }
            buf.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<n]))
            out.append(String(decoding: buf, as: UTF8.self))
        }
        if done == nil { quoteScalars(s, into: &out) }
        out.append("\"")
    }

    /// Whether `u` is printable ASCII with no quote or backslash: nothing in it is escaped (a quick test that
    /// passes most strings; the others are checked character by character).
    @inline(__always)
    static func plainASCII(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in u where b < 0x20 || b >= 0x7F || b == 0x22 || b == 0x5C { return false }
        return true
    }

    /// How many bytes at `u[k]` make one character that must be escaped: 1 (ASCII), 3 (U+2028, U+2029), or 0.
    @inline(__always)
    private static func escapeLength(_ u: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int {
        let b = u[k]
        if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { return 1 }
        if b == 0xE2, k + 2 < u.count, u[k + 1] == 0x80, u[k + 2] == 0xA8 || u[k + 2] == 0xA9 { return 3 }
        return 0
    }

    /// The content of `quote`, scalar by scalar (for strings without contiguous UTF-8).
    static func quoteScalars(_ s: String, into out: inout String) {
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
    }

    public static func quote(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    public static func number(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }
        if d.rounded() == d && abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }

    /// Serialises a node. `indent` nil gives one line; otherwise pretty-printed with that many spaces.
    public static func write(_ node: JSONNode.Value, indent: Int? = nil) -> String {
        var out = JSONBytes(indent: indent)
        write(node, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends `s` as a JSON string to UTF-8 bytes (the bytes `quote(_:into:)` appends to a String).
    public static func quote(_ s: String, into out: inout [UInt8]) {
        let plain: Bool? = s.utf8.withContiguousStorageIfAvailable { u in
            if !plainASCII(u) { for k in 0..<u.count where escapeLength(u, k) != 0 { return false } }
            out.append(0x22)
            out.append(contentsOf: u)
            out.append(0x22)
            return true
        }
        if plain == true { return }
        var text = ""
        quote(s, into: &text)
        out.append(contentsOf: text.utf8)
    }

    /// Writes a node into `out`, a stream at any point where a value may come.
    public static func write(_ v: JSONNode.Value, into out: inout JSONBytes) {
        switch v {
        case .null: out.null()
        case let .bool(b): out.bool(b)
        case let .number(n): out.number(n)
        case let .string(s): out.string(s)
        case let .array(items):
            out.beginArray()
            for item in items { write(item.value, into: &out) }
            out.endArray()
        case let .object(members):
            out.beginObject()
            for m in members {
                out.key(m.key)
                write(m.value.value, into: &out)
            }
            out.endObject()
        }
    }

}

/// Convenience builders for writing JSON.
public extension JSONNode.Value {
    static func obj(_ members: [(String, JSONNode.Value)]) -> JSONNode.Value {
        .object(members.map { (key: $0.0, value: JSONNode($0.1)) })
    }
    static func arr(_ items: [JSONNode.Value]) -> JSONNode.Value {
        .array(items.map { JSONNode($0) })
    }
    static func str(_ s: String?) -> JSONNode.Value { s.map { .string($0) } ?? .null }
    static func num(_ d: Double?) -> JSONNode.Value { d.map { .number($0) } ?? .null }
    static func int(_ i: Int?) -> JSONNode.Value { i.map { .number(Double($0)) } ?? .null }
}

/// Where JSON goes, value by value, in the order it is written: into text (`JSONBytes`) or into a tree
/// (`JSONTree`), so that a document described once can be either.
public protocol JSONOutput {
    mutating func null()
    mutating func bool(_ b: Bool)
    mutating func number(_ d: Double)
    mutating func string(_ s: String)
    mutating func beginArray()
    mutating func endArray()
    mutating func beginObject()
    /// The next member's key (its value follows).
    mutating func key(_ k: String)
    mutating func endObject()
    /// A time as an RFC 3339 string (`RFC3339.format`).
    mutating func time(_ date: Date)
}

extension JSONOutput {
    public mutating func time(_ date: Date) { string(RFC3339.format(date)) }
    public mutating func time(_ date: Date?) { if let date { time(date) } else { null() } }
    public mutating func int(_ i: Int?) { if let i { number(Double(i)) } else { null() } }
    public mutating func number(_ d: Double?) { if let d { number(d) } else { null() } }
    public mutating func string(_ s: String?) { if let s { string(s) } else { null() } }
}

/// JSON text written straight into UTF-8 bytes, exactly as `JSONWriter.write` writes a tree: one line, or with
/// `indent` spaces a level (each member and item on a line of its own; `[]` and `{}` when empty).
///
/// The text goes into a buffer of its own, reserved before each token and then written by plain stores
/// (`list --json` writes 9 MB in 300,000 keys; an `Array` append a byte spent most of the time in its
/// checks). A copy of a `JSONBytes` gets its own buffer on its next write.
public struct JSONBytes: JSONOutput {
    private var buffer: ByteBuffer
    let indent: Int?
    /// For each open container, whether it has a member or an item yet: bit k of `had` for depth k < 64,
    /// `deeper` beyond.
    private var depth = 0
    private var had: UInt64 = 0
    private var deeper: [Bool] = []
    private var afterKey = false

    public init(indent: Int? = nil, capacity: Int = 1024) {
        self.indent = indent
        buffer = ByteBuffer(capacity: capacity)
    }

    /// The bytes written so far (a copy).
    public var bytes: [UInt8] { buffer.bytes }
    /// How many bytes are written and not yet flushed.
    public var count: Int { buffer.count }

    /// Hands the bytes written so far to `write` and forgets them (keeping the buffer), so that a long output
    /// is written as it is made, a chunk at a time, instead of held whole.
    public mutating func flush(_ write: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows { try buffer.flush(write) }

    @inline(__always) private mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> { buffer.reserve(n) }
    @inline(__always) private mutating func put(_ raw: UnsafeRawBufferPointer) { buffer.append(raw) }
    @inline(__always) private mutating func put(_ byte: UInt8) { buffer.append(byte) }

    /// Appends raw bytes (a line break after the value, say).
    public mutating func raw(_ byte: UInt8) { put(byte) }

    /// Whether the innermost open container has a member or an item yet, and marks that it has.
    @inline(__always)
    private mutating func markItem() -> Bool {
        let k = depth - 1
        if k < 64 {
            let bit: UInt64 = 1 << UInt64(k)
            defer { had |= bit }
            return had & bit != 0
        }
        defer { deeper[k - 64] = true }
        return deeper[k - 64]
    }

    private mutating func push() {
        if depth >= 64 { deeper.append(false) } else { had &= ~(1 << UInt64(depth)) }
        depth += 1
    }

    /// Pops the innermost container; whether it had a member or an item.
    private mutating func pop() -> Bool {
        depth -= 1
        if depth >= 64 { return deeper.removeLast() }
        return had & (1 << UInt64(depth)) != 0
    }

    /// Before a value (or a key): the comma and the line break its container needs.
    @inline(__always)
    private mutating func separate() {
        if afterKey { afterKey = false; return }
        guard depth > 0 else { return }
        if markItem() { put(0x2C) }
        newline(depth)
    }

    @inline(__always)
    private mutating func newline(_ level: Int) {
        guard let indent else { return }
        let n = indent * level
        let p = reserve(n + 1)
        p.pointee = 0x0A
        (p + 1).update(repeating: 0x20, count: n)
        buffer.commit(n + 1)
    }

    private mutating func close(_ byte: UInt8) {
        if pop() { newline(depth) }
        put(byte)
    }

    /// The decimal digits of `v` (what `String(v)` gives), with no String made.
    private mutating func digits(_ v: Int) {
        var x = v.magnitude
        var n = v < 0 ? 2 : 1
        var y = x / 10
        while y > 0 { n += 1; y /= 10 }
        let p = reserve(n)
        if v < 0 { p.pointee = 0x2D }
        var i = n
        repeat { i -= 1; p[i] = UInt8(truncatingIfNeeded: 48 + x % 10); x /= 10 } while x > 0
        buffer.commit(n)
    }

    /// `s` as a JSON string: copied at once when it is printable ASCII with nothing to escape (ids, keys,
    /// titles), else as `JSONWriter.quote` writes it.
    @inline(__always)
    private mutating func quoted(_ s: String) {
        let done: Bool? = s.utf8.withContiguousStorageIfAvailable { u in
            guard JSONWriter.plainASCII(u) else { return false }
            let p = reserve(u.count + 2)
            p.pointee = 0x22
            if let src = u.baseAddress { (p + 1).update(from: src, count: u.count) }
            p[u.count + 1] = 0x22
            buffer.commit(u.count + 2)
            return true
        }
        if done == true { return }
        var text: [UInt8] = []
        JSONWriter.quote(s, into: &text)
        text.withUnsafeBytes { put($0) }
    }

    public mutating func null() { separate(); buffer.append("null" as StaticString) }
    public mutating func bool(_ b: Bool) { separate(); buffer.append(b ? "true" : "false" as StaticString) }
    public mutating func number(_ d: Double) {
        separate()
        // The text of `JSONWriter.number`: a whole number as an integer (NaN fails the first test, the
        // infinities the second), else Swift's shortest round-trip form.
        if d.rounded() == d && abs(d) < 1e15 { digits(Int(d)); return }
        var text = JSONWriter.number(d)
        text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
    }
    public mutating func string(_ s: String) { separate(); quoted(s) }
    /// A string given as UTF-8 bytes: the text `string(_:)` writes for it.
    public mutating func string(utf8 u: UnsafeRawBufferPointer) {
        separate()
        let b = u.assumingMemoryBound(to: UInt8.self)
        guard JSONWriter.plainASCII(b) else { quoted(String(decoding: b, as: UTF8.self)); return }
        let p = reserve(u.count + 2)
        p.pointee = 0x22
        if let src = b.baseAddress { (p + 1).update(from: src, count: u.count) }
        p[u.count + 1] = 0x22
        buffer.commit(u.count + 2)
    }
    public mutating func time(_ date: Date) {
        separate()
        put(0x22)
        RFC3339.withFormatted(date) { put($0) } // ASCII digits and -:.TZ: nothing to escape
        put(0x22)
    }
    public mutating func beginArray() { separate(); put(0x5B); push() }
    public mutating func endArray() { close(0x5D) }
    public mutating func beginObject() { separate(); put(0x7B); push() }
    public mutating func endObject() { close(0x7D) }
    public mutating func key(_ k: String) {
        separate()
        quoted(k)
        if indent != nil { buffer.append(": " as StaticString) } else { put(0x3A) }
        afterKey = true
    }
}

/// The same values built into a `JSONNode.Value`.
public struct JSONTree: JSONOutput {
    private var stack: [(value: JSONNode.Value, key: String?)] = []
    private var pendingKey: String?
    public private(set) var root: JSONNode.Value = .null

    public init() {}

    private mutating func add(_ v: JSONNode.Value) {
        let k = pendingKey
        pendingKey = nil
        guard var top = stack.popLast() else { root = v; return }
        switch top.value {
        case var .array(items): items.append(JSONNode(v)); top.value = .array(items)
        case var .object(members): members.append((key: k ?? "", value: JSONNode(v))); top.value = .object(members)
        default: break
        }
        stack.append(top)
    }

    public mutating func null() { add(.null) }
    public mutating func bool(_ b: Bool) { add(.bool(b)) }
    public mutating func number(_ d: Double) { add(.number(d)) }
    public mutating func string(_ s: String) { add(.string(s)) }
    public mutating func beginArray() { stack.append((.array([]), pendingKey)); pendingKey = nil }
    public mutating func beginObject() { stack.append((.object([]), pendingKey)); pendingKey = nil }
    public mutating func key(_ k: String) { pendingKey = k }
    public mutating func endArray() { end() }
    public mutating func endObject() { end() }
    private mutating func end() {
        guard let done = stack.popLast() else { return }
        pendingKey = done.key
        add(done.value)
    }
}
