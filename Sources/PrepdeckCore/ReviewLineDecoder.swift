import Foundation

// The fast path for decoding a line of `reviews.jsonl`.
//
// Almost every line looks like the ones prepdeck writes:
//   {"id":"…","card":"…","rating":3,"at":"2026-11-29T10:15:00Z","ms":84000,"mode":"review"}
// This scanner reads such a line straight from its bytes, without building a JSON tree. It accepts any
// key order, whitespace, unknown scalar fields and null for the optional fields, and it gives up (returns
// nil) on anything unusual: escapes, nested values in unknown fields, repeated keys, numbers that are not
// plain integers, or any line that would be an error. The caller then runs the generic parser, so a line
// decodes to exactly the same entry, or fails with exactly the same message, whichever path reads it.

extension LogEntry {
    /// Decodes a well-formed, ordinary review or undo line; nil means "use the generic parser".
    public static func decodeFast(_ b: UnsafeBufferPointer<UInt8>) -> LogEntry? {
        guard let raw = RawLogLine.scan(b) else { return nil }
        return raw.entry(b)
    }
}

/// A line read by the fast scanner: the fields as byte ranges of the line (no strings allocated).
public struct RawLogLine: Sendable {
    public var isUndo = false
    public var id: Range<Int> = 0..<0
    /// The card (review lines).
    public var card: Range<Int> = 0..<0
    /// The id of the undone line (undo lines).
    public var undo: Range<Int> = 0..<0
    public var rating: Rating = .good
    public var at = Date(timeIntervalSince1970: 0)
    public var ms: Int?
    public var mode: ReviewMode = .review
    /// Whether `id`, `card` and `undo` are plain ASCII (their bytes are then exactly the decoded strings' UTF-8).
    public var isASCII = true

    public static func scan(_ b: UnsafeBufferPointer<UInt8>) -> RawLogLine? {
        var days = RFC3339.DayCache()
        return scan(b, days: &days)
    }

    /// The same, `days` kept from one line to the next (a scan of a log).
    public static func scan(_ b: UnsafeBufferPointer<UInt8>, days: inout RFC3339.DayCache) -> RawLogLine? {
        var s = ReviewLineScanner(b)
        if let line = s.canonical(days: &days) { return line }
        return s.scan()
    }

    public func entry(_ b: UnsafeBufferPointer<UInt8>) -> LogEntry {
        func string(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
        if isUndo { return .undo(UndoEvent(id: string(id), undo: string(undo), at: at)) }
        return .review(ReviewEvent(id: string(id), card: string(card), rating: rating, at: at, ms: ms, mode: mode))
    }
}

/// Keys of a review line, as the scanner recognises them.
private enum LineKey: UInt8 { case id = 1, card = 2, rating = 4, at = 8, ms = 16, mode = 32, undo = 64, other = 0 }

private struct ReviewLineScanner {
    let b: UnsafeBufferPointer<UInt8>
    let n: Int
    var i = 0
    var high: UInt8 = 0

    init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b; n = b.count }

    @inline(__always) mutating func skipSpace() {
        while i < n {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { i += 1 } else { return }
        }
    }

    /// A string without escapes or control characters; returns its content range. The cursor ends past the closing quote.
    @inline(__always) mutating func plainString() -> Range<Int>? {
        guard i < n, b[i] == 0x22 else { return nil }
        i += 1
        let start = i
        while i < n {
            let c = b[i]
            if c == 0x22 { let r = start..<i; i += 1; return r }
            if c == 0x5C || c < 0x20 { return nil }
            high |= c
            i += 1
        }
        return nil
    }

    @inline(__always) func isDelimiter(_ k: Int) -> Bool {
        guard k < n else { return true }
        let c = b[k]
        return !(c >= 0x30 && c <= 0x39) && c != 0x2E && c != 0x65 && c != 0x45 && c != 0x2D && c != 0x2B
    }

    /// A plain non-negative integer of at most 15 digits without a leading zero (JSON's, and the generic
    /// parser's exact integer path), or nil.
    @inline(__always) mutating func plainInt() -> Int? {
        let start = i
        var v = 0
        while i < n, b[i] >= 0x30, b[i] <= 0x39 { v = v * 10 + Int(b[i] &- 0x30); i += 1 }
        let len = i - start
        guard len >= 1, len <= 15, !(len > 1 && b[start] == 0x30), isDelimiter(i) else { return nil }
        return v
    }

    @inline(__always) mutating func literal(_ w: StaticString) -> Bool {
        let len = w.utf8CodeUnitCount
        guard i + len <= n else { return false }
        let p = w.utf8Start
        for k in 0..<len where b[i + k] != p[k] { return false }
        i += len
        return true
    }

    /// Skips an unknown field's value when it is a scalar the generic parser would accept identically.
    mutating func skipScalar() -> Bool {
        guard i < n else { return false }
        switch b[i] {
        case 0x22: return plainString() != nil
        case 0x74: return literal("true")
        case 0x66: return literal("false")
        case 0x6E: return literal("null")
        case 0x2D, 0x30...0x39:
            // Strict JSON number grammar; only the shapes whose value the generic parser can always read.
            let start = i
            if b[i] == 0x2D { i += 1 }
            guard i < n, b[i] >= 0x30, b[i] <= 0x39 else { return false }
            if b[i] == 0x30 { i += 1 } else { while i < n, b[i] >= 0x30, b[i] <= 0x39 { i += 1 } }
            if i < n, b[i] == 0x2E {
                i += 1
                let f = i
                while i < n, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                guard i > f else { return false }
            }
            if i < n, b[i] == 0x65 || b[i] == 0x45 { return false } // exponents: leave to the generic parser
            return i - start <= 24 && isDelimiter(i)
        default: return false
        }
    }

    @inline(__always) func key(_ r: Range<Int>) -> LineKey {
        let len = r.count
        let p = r.lowerBound
        switch len {
        case 2:
            if b[p] == 0x69 && b[p + 1] == 0x64 { return .id }          // id
            if b[p] == 0x61 && b[p + 1] == 0x74 { return .at }          // at
            if b[p] == 0x6D && b[p + 1] == 0x73 { return .ms }          // ms
        case 4:
            if b[p] == 0x63 && b[p + 1] == 0x61 && b[p + 2] == 0x72 && b[p + 3] == 0x64 { return .card }
            if b[p] == 0x6D && b[p + 1] == 0x6F && b[p + 2] == 0x64 && b[p + 3] == 0x65 { return .mode }
            if b[p] == 0x75 && b[p + 1] == 0x6E && b[p + 2] == 0x64 && b[p + 3] == 0x6F { return .undo }
        case 6:
            if b[p] == 0x72 && b[p + 1] == 0x61 && b[p + 2] == 0x74 && b[p + 3] == 0x69 && b[p + 4] == 0x6E && b[p + 5] == 0x67 { return .rating }
        default: break
        }
        return .other
    }

    func equals(_ r: Range<Int>, _ w: StaticString) -> Bool {
        guard r.count == w.utf8CodeUnitCount else { return false }
        let p = w.utf8Start
        for k in 0..<r.count where b[r.lowerBound + k] != p[k] { return false }
        return true
    }

    /// The line exactly as prepdeck writes it (`LogEntry.jsonLine`: keys in its order, no spaces, plain ASCII):
    /// read without the general scanner's per-key work. Anything else gives nil, and `scan()` reads the line,
    /// with the same result for every line this accepts. Works on a local pointer and index (the hot loop of
    /// a full replay).
    func canonical(days: inout RFC3339.DayCache) -> RawLogLine? {
        // Outside its strings such a line is all fixed text and digits, matched exactly below; so the strings'
        // bytes are the only ones that must be checked to be plain ASCII (`quoted()` does, as it finds their end).
        guard n >= 32, let p = b.baseAddress, p[n - 1] == 0x7D else { return nil }
        var i = 0
        @inline(__always) func literal(_ w: StaticString) -> Bool {
            let len = w.utf8CodeUnitCount
            guard i + len <= n else { return false }
            let q = w.utf8Start
            var k = 0
            while k < len { if p[i + k] != q[k] { return false }; k += 1 }
            i += len
            return true
        }
        // A string's content up to the next quote (the line has no escapes); the index ends past the quote.
        // nil when the content has a byte that is not printable ASCII or is a backslash (`isPlainASCII`'s test).
        @inline(__always) func quoted() -> Range<Int>? {
            let start = i
            // Eight bytes at a time. The lowest byte flagged by the zero-byte test of `word ^ 0x22…` is exactly
            // the first quote (a borrow only ever flags bytes above a true zero); likewise the lowest byte flagged
            // by the bad-byte tests is a bad byte, so a flag below the quote means one in the content.
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= n {
                let x = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let q = x ^ (ones &* 0x22), y = x ^ (ones &* 0x5C)
                let bad = (x | ((x &- ones &* 0x20) & ~x) | ((y &- ones) & ~y)) & highs
                let t = (q &- ones) & ~q & highs
                if t != 0 {
                    let at = t.trailingZeroBitCount // the quote byte's high bit
                    if bad & ((UInt64(1) << at) &- 1) != 0 { return nil }
                    i += at >> 3
                    break
                }
                if bad != 0 { return nil }
                i += 8
            }
            while i < n && p[i] != 0x22 {
                let c = p[i]
                if c < 0x20 || c >= 0x80 || c == 0x5C { return nil }
                i += 1
            }
            guard i < n else { return nil }
            i += 1
            return start..<(i - 1)
        }
        guard literal("{\"id\":\""), let id = quoted(), !id.isEmpty else { return nil }
        var line = RawLogLine()
        line.id = id
        let at: Range<Int>
        if literal(",\"card\":\"") {
            guard let card = quoted(), !card.isEmpty, literal(",\"rating\":"), i + 1 < n, p[i] >= 0x31, p[i] <= 0x34,
                  p[i + 1] == 0x2C else { return nil }
            line.card = card
            line.rating = Rating(rawValue: Int(p[i] - 0x30))!
            i += 1
            guard literal(",\"at\":\""), let a = quoted() else { return nil }
            at = a
            if literal(",\"ms\":") {
                // A plain integer as `plainInt` reads it: 1–15 digits, no leading zero, then the delimiter `,` or `}`.
                let start = i
                var v = 0
                while i < n, p[i] >= 0x30, p[i] <= 0x39 { v = v * 10 + Int(p[i] &- 0x30); i += 1 }
                let len = i - start
                guard len >= 1, len <= 15, !(len > 1 && p[start] == 0x30), i < n, p[i] == 0x2C || p[i] == 0x7D else { return nil }
                line.ms = v
            }
            if literal(",\"mode\":\"review\"}") { line.mode = .review } else if literal(",\"mode\":\"practice\"}") {
                line.mode = .practice
            } else if !literal("}") { return nil }
        } else if literal(",\"undo\":\"") {
            guard let undo = quoted(), !undo.isEmpty, literal(",\"at\":\""), let a = quoted(), literal("}") else { return nil }
            line.isUndo = true
            line.undo = undo
            at = a
        } else {
            return nil
        }
        let text = UnsafeBufferPointer(rebasing: b[at])
        guard i == n, let date = RFC3339.parseUTC(text, days: &days) ?? RFC3339.parseGeneral(text) else { return nil }
        line.at = date
        return line
    }

    mutating func scan() -> RawLogLine? {
        skipSpace()
        guard i < n, b[i] == 0x7B else { return nil }
        i += 1
        var seen: UInt8 = 0
        var id = 0..<0, card = 0..<0, at = 0..<0, undo = 0..<0
        var rating = 0
        var ms: Int?
        var mode = ReviewMode.review
        skipSpace()
        guard i < n, b[i] != 0x7D else { return nil } // {} lacks every field
        while true {
            guard let kr = plainString() else { return nil }
            let k = key(kr)
            if k != .other {
                if seen & k.rawValue != 0 { return nil } // a repeated key: the generic parser takes the first
                seen |= k.rawValue
            }
            skipSpace()
            guard i < n, b[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            switch k {
            case .id:
                guard let r = plainString(), !r.isEmpty else { return nil }
                id = r
            case .card:
                guard let r = plainString(), !r.isEmpty else { return nil }
                card = r
            case .at:
                guard let r = plainString() else { return nil }
                at = r
            case .undo:
                guard let r = plainString(), !r.isEmpty else { return nil }
                undo = r
            case .rating:
                guard let v = plainInt(), v >= 1, v <= 4 else { return nil }
                rating = v
            case .ms:
                if literal("null") { ms = nil } else {
                    guard let v = plainInt() else { return nil }
                    ms = v
                }
            case .mode:
                if literal("null") { mode = .review } else {
                    guard let r = plainString() else { return nil }
                    if equals(r, "review") { mode = .review } else if equals(r, "practice") { mode = .practice } else { return nil }
                }
            case .other:
                guard skipScalar() else { return nil }
            }
            skipSpace()
            guard i < n else { return nil }
            if b[i] == 0x2C {
                i += 1
                skipSpace()
                continue
            }
            guard b[i] == 0x7D else { return nil }
            i += 1
            break
        }
        skipSpace()
        guard i == n else { return nil }
        guard seen & LineKey.id.rawValue != 0, seen & LineKey.at.rawValue != 0,
              let date = RFC3339.parse(bytes: UnsafeBufferPointer(rebasing: b[at])) else { return nil }
        var line = RawLogLine()
        line.id = id
        line.at = date
        if seen & LineKey.undo.rawValue != 0 {
            line.isUndo = true
            line.undo = undo
        } else {
            guard seen & LineKey.card.rawValue != 0, seen & LineKey.rating.rawValue != 0 else { return nil }
            line.card = card
            line.rating = Rating(rawValue: rating)!
            line.ms = ms
            line.mode = mode
        }
        // `high` covers every string read, unknown fields' too: conservative, never wrong.
        line.isASCII = high < 0x80
        return line
    }
}
