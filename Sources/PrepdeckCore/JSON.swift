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
public struct JSONParser {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var p = JSONParser(bytes: bytes)
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

/// Writes JSON text. Keys keep the order they are given in.
public enum JSONWriter {
    public static func quote(_ s: String, into out: inout String) {
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
        var out = ""
        write(node, indent: indent, level: 0, into: &out)
        return out
    }

    private static func write(_ v: JSONNode.Value, indent: Int?, level: Int, into out: inout String) {
        switch v {
        case .null: out.append("null")
        case let .bool(b): out.append(b ? "true" : "false")
        case let .number(n): out.append(number(n))
        case let .string(s): quote(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[")
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(",") }
                newline(indent, level + 1, &out)
                write(item.value, indent: indent, level: level + 1, into: &out)
            }
            newline(indent, level, &out)
            out.append("]")
        case let .object(members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{")
            for (k, m) in members.enumerated() {
                if k > 0 { out.append(",") }
                newline(indent, level + 1, &out)
                quote(m.key, into: &out)
                out.append(indent == nil ? ":" : ": ")
                write(m.value.value, indent: indent, level: level + 1, into: &out)
            }
            newline(indent, level, &out)
            out.append("}")
        }
    }

    private static func newline(_ indent: Int?, _ level: Int, _ out: inout String) {
        guard let indent else { return }
        out.append("\n")
        out.append(String(repeating: " ", count: indent * level))
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
