import Foundation
import Testing
@testable import PrepdeckCore

/// The outcome of decoding a line: the entry, or the error's column and message.
private enum Outcome: Equatable {
    case entry(LogEntry)
    case error(Int, String)
}

private func generic(_ line: String) -> Outcome { generic(Array(line.utf8)) }
private func generic(_ bytes: [UInt8]) -> Outcome {
    do { return .entry(try LogEntry.decodeGeneric(line: bytes[...])) } catch { return .error(error.column, error.message) }
}
private func decoded(_ bytes: [UInt8]) -> Outcome {
    do { return .entry(try LogEntry.decode(line: bytes[...])) } catch { return .error(error.column, error.message) }
}
private func fast(_ line: String) -> LogEntry? { Array(line.utf8).withUnsafeBufferPointer(LogEntry.decodeFast) }

@Suite struct FastDecodeTests {
    static let tricky: [String] = [
        #"{"id":"4f0c","card":"caching-product-catalog","rating":3,"at":"2026-11-29T10:15:00Z","ms":84000,"mode":"review"}"#,
        #"{"id":"5","undo":"4f0c","at":"2026-11-29T10:16:00Z"}"#,
        // Key order, whitespace, optional fields.
        #"{"at":"2026-11-29T10:15:00Z","mode":"practice","rating":1,"card":"x","id":"a"}"#,
        " \t{ \"id\" : \"a\" ,\r\"card\":\"x\",  \"rating\" :4 , \"at\":\"2026-11-29T10:15:00Z\" }  \r",
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":null,"mode":null}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":0}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":999999999999999}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":9999999999999999}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":-1}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":1.5}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":1e3}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":"5"}"#,
        #"{"id":"a","card":"x","rating":2,"at":"2026-11-29T10:15:00Z","ms":05}"#,
        // Ratings.
        #"{"id":"a","card":"x","rating":3.0,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":3e0,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":"3","at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":5,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":0,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":-1,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":03,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":null,"at":"2026-11-29T10:15:00Z"}"#,
        // Times: fractions, offsets, separators, bad ones.
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00.123456Z"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00.5+02:00"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00-05:30"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29t10:15:00z"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29 10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-02-30T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":3,"at":1764411300}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00\u005A"}"#,
        // Unknown fields of every kind.
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","device":"laptop","n":-12.5,"ok":true,"no":false,"z":null}"#,
        #"{"id":"a","extra":{"nested":[1,2,{"x":"y"}]},"card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","list":[]}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","big":1e400}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","x":01}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","x":1.}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","x":tru}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","note":"say \"hi\""}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","ID":"b"}"#,
        // Escapes in the fields that matter.
        #"{"id":"a\"b","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"\u0061","card":"caching\/x","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"\u0069d":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x\ud83d\ude00","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x\ud83d","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        // Non-ASCII.
        #"{"id":"é","card":"日本-😀","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        // Repeated keys: the generic parser takes the first.
        #"{"id":"a","id":"b","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":3,"rating":1,"at":"2026-11-29T10:15:00Z"}"#,
        // Missing or empty fields, wrong shapes.
        #"{"card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":5}"#,
        #"{"id":"a","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"a","card":"x","rating":3}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","mode":"Review"}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","mode":3}"#,
        #"{}"#, #"[]"#, #""x""#, "", "   ", "null",
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z",}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"} x"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}}"#,
        #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z""#,
        #"{"id":"a","card":"x","rating":3 "at":"2026-11-29T10:15:00Z"}"#,
        #"{"id" "a"}"#, #"{id:"a"}"#,
        "\u{FEFF}{\"id\":\"a\",\"card\":\"x\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\"}",
        "{\"id\":\"a\tb\",\"card\":\"x\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\"}",
        // Undo lines.
        #"{"id":"u","undo":"","at":"2026-11-29T10:16:00Z"}"#,
        #"{"id":"u","undo":null,"at":"2026-11-29T10:16:00Z"}"#,
        #"{"id":"u","undo":"a","at":"2026-11-29T10:16:00Z","card":"","rating":"x"}"#,
        #"{"undo":"a","id":"u","at":"2026-11-29T10:16:00Z","card":"x","rating":2}"#,
        #"{"id":"u","undo":"a"}"#,
        // Near misses of the layout prepdeck writes (the canonical fast path must hand them on unchanged).
        #"{"id":"4f0c","card":"c","rating":5,"at":"2026-11-29T10:15:00Z","ms":84000,"mode":"review"}"#,
        #"{"id":"4f0c","card":"c","rating":3,"at":"2026-11-29T10:15:00Z","ms":084000,"mode":"review"}"#,
        #"{"id":"4f0c","card":"c","rating":3,"at":"2026-11-29T10:15:00Z","ms":84000,"mode":"Review"}"#,
        #"{"id":"4f0c","card":"c","rating":3,"at":"2026-11-29T10:15:00Z","ms":84000,"mode":"practice"} "#,
        #"{"id":"4f0c","card":"cé","rating":3,"at":"2026-11-29T10:15:00Z","mode":"practice"}"#,
        #"{"id":"4f0c","card":"c\u0041","rating":3,"at":"2026-11-29T10:15:00Z","mode":"practice"}"#,
        #"{"id":"","card":"c","rating":3,"at":"2026-11-29T10:15:00Z","mode":"review"}"#,
        #"{"id":"4f0c","card":"c","rating":3,"at":"2026-11-29T10:15:00Z","ms":5}"#,
        #"{"id":"4f0c","card":"c","rating":3,"at":"2026-11-29T10:15:00Z"}"#,
        #"{"id":"4f0c","card":"c","rating":3,"at":"2026-11-29T10:15:00Z","ms":5,"mode":"review","x":1}"#,
        #"{"id":"4f0c","card":"c","rating":34,"at":"2026-11-29T10:15:00Z","mode":"review"}"#,
        #"{"id":"4f0c","card":"c","rating":3,"at":"2026-13-29T10:15:00Z","mode":"review"}"#,
        #"{"id":"9","undo":"4f0c","at":"2026-11-29T10:16:00.5Z"}"#,
        #"{"id":"9","undo":"","at":"2026-11-29T10:16:00Z"}"#,
        #"{"id":"9","undo":"4f0c","at":"2026-11-29T10:16:00Z","x":2}"#,
    ]

    @Test func trickyLinesDecodeAsTheGenericParserDoes() {
        for line in FastDecodeTests.tricky {
            let bytes = Array(line.utf8)
            #expect(decoded(bytes) == generic(bytes), "\(line)")
            if let f = fast(line) { #expect(generic(bytes) == .entry(f), "fast path disagrees: \(line)") }
        }
    }

    /// Lines in prepdeck's own layout with long ids and cards, one byte of a string replaced (non-ASCII, a
    /// control character, a backslash escape, a quote) at every position: the canonical path reads its strings
    /// eight bytes at a time and must hand every such line on, or read it as the generic parser does.
    @Test func aBadByteAnywhereInALongStringIsSeen() {
        let id = "01a1f82f1e80-3f9c2a7d5b1e4c08", card = "caching-product-catalog-and-more"
        let bads: [[UInt8]] = [[0xC3, 0xA9], [0x09], [0x01], [0x5C, 0x75, 0x30, 0x30, 0x34, 0x31], [0x5C, 0x22], [0x7F], [0xFF], [0x22]]
        var checked = 0
        for field in 0..<2 {
            let text = field == 0 ? id : card
            for at in 0...text.utf8.count {
                for bad in bads {
                    var t = Array(text.utf8)
                    t.insert(contentsOf: bad, at: at)
                    let s = String(decoding: t, as: UTF8.self)
                    let line = #"{"id":""# + (field == 0 ? s : id) + #"","card":""# + (field == 1 ? s : card)
                        + #"","rating":3,"at":"2026-11-29T10:15:00.125Z","ms":84000,"mode":"review"}"#
                    var bytes = Array(line.utf8)
                    if bad == [0xFF] { // not valid UTF-8: put the raw byte in
                        let mark = Array(s.utf8)
                        if let r = bytes.firstRange(of: mark) { bytes.replaceSubrange(r, with: Array(text.utf8.prefix(at)) + [0xFF] + Array(text.utf8.dropFirst(at))) }
                    }
                    #expect(decoded(bytes) == generic(bytes), "\(line)")
                    if let f = bytes.withUnsafeBufferPointer(LogEntry.decodeFast) { #expect(generic(bytes) == .entry(f), "\(line)") }
                    checked += 1
                }
            }
        }
        #expect(checked > 400)
        let plain = #"{"id":""# + id + #"","card":""# + card + #"","rating":3,"at":"2026-11-29T10:15:00.125Z","ms":84000,"mode":"review"}"#
        #expect(fast(plain) != nil && .entry(fast(plain)!) == generic(plain))
    }

    @Test func invalidUTF8IsRepairedTheSameWay() {
        var bytes = Array(#"{"id":"a","card":"x"#.utf8)
        bytes += [0xFF, 0xC3]
        bytes += Array(#"","rating":3,"at":"2026-11-29T10:15:00Z"}"#.utf8)
        #expect(decoded(bytes) == generic(bytes))
        guard case let .entry(.review(r)) = decoded(bytes) else { Issue.record("expected a review"); return }
        #expect(r.card == "x\u{FFFD}\u{FFFD}")
    }

    @Test func ordinaryLinesTakeTheFastPath() {
        #expect(fast(FastDecodeTests.tricky[0]) != nil)
        #expect(fast(FastDecodeTests.tricky[1]) != nil)
        #expect(fast(FastDecodeTests.tricky[3]) != nil) // whitespace
        #expect(fast(#"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z","device":"laptop","n":-12.5,"ok":true}"#) != nil)
        #expect(fast(#"{"id":"a\"b","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"#) == nil) // escapes: generic
        let r = LogEntry.review(ReviewEvent(id: "4f0c", card: "c", rating: .hard, at: RFC3339.parse("2026-11-29T10:15:00.25Z")!, ms: nil, mode: .practice))
        #expect(fast(r.jsonLine) == r)
    }

    /// Random damage to ordinary lines: whatever the result, both paths agree, message and column included.
    @Test func mutatedLinesAgreeWithTheGenericParser() {
        var rng = TestRNG(seed: 7)
        let alphabet = Array(#"{}[]":,.-+0123456789eE tnrfaulsidcgmoz\"#.utf8) + [0x0A, 0x09, 0x7F, 0xC3, 0xA9]
        var fastHits = 0
        for k in 0..<20_000 {
            var bytes = Array(FastDecodeTests.tricky[k % 6].utf8)
            for _ in 0..<(1 + rng.below(3)) {
                let p = rng.below(bytes.count + 1)
                switch rng.below(3) {
                case 0: if p < bytes.count { bytes.remove(at: p) }
                case 1: bytes.insert(alphabet[rng.below(alphabet.count)], at: p)
                default: if p < bytes.count { bytes[p] = alphabet[rng.below(alphabet.count)] }
                }
            }
            let g = generic(bytes)
            #expect(decoded(bytes) == g, "\(String(decoding: bytes, as: UTF8.self))")
            if let f = bytes.withUnsafeBufferPointer(LogEntry.decodeFast) {
                fastHits += 1
                #expect(g == .entry(f), "fast path disagrees: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(fastHits > 1000)
    }
}

/// SplitMix64, for reproducible random tests.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
