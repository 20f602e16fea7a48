import Foundation
import Testing
@testable import PrepdeckCore

// `BankFormat.decode` reads a valid bank straight from its bytes (`decodeFast`) and sends anything else to
// `decodeGeneral`, the JSON-tree decoder that words the errors. The contract
// tested here: whenever the fast path returns a bank, the general path returns the same bank (positions
// included); and `decode` always gives what `decodeGeneral` gives, bank or error.

private enum BankOutcome: Equatable {
    case bank(Bank)
    case error(String)
}

private func general(_ bytes: [UInt8]) -> BankOutcome {
    do { return .bank(try BankFormat.decodeGeneral(bytes, file: "b.json")) } catch { return .error(error.description) }
}

private func decoded(_ bytes: [UInt8]) -> BankOutcome {
    do { return .bank(try BankFormat.decode(bytes, file: "b.json")) } catch { return .error(error.description) }
}

private func decodedInPlace(_ bytes: [UInt8]) -> BankOutcome {
    bytes.withUnsafeBufferPointer { buffer in
        do throws(BankError) { return .bank(try BankFormat.decode(buffer, file: "b.json")) } catch { return .error(error.description) }
    }
}

/// Checks the contract for one text; returns whether the fast path took it.
@discardableResult
private func check(_ bytes: [UInt8], _ comment: @autoclosure () -> String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
    let g = general(bytes)
    #expect(decoded(bytes) == g, "\(comment())", sourceLocation: sourceLocation)
    #expect(decodedInPlace(bytes) == g, "\(comment())", sourceLocation: sourceLocation)
    // (The fast path is only reached with valid UTF-8: `decode` checks that first.)
    let utf8 = bytes.withUnsafeBufferPointer { BankFormat.firstInvalidUTF8($0) } == nil
    let fast = utf8 ? BankFormat.decodeFast(bytes, file: "b.json") : nil
    if let fast { #expect(g == .bank(fast), "fast path disagrees: \(comment())", sourceLocation: sourceLocation) }
    return fast != nil
}

/// A question object, one per line or pretty-printed, with variations chosen by `k`.
private func questionText(_ k: Int, pretty: Bool, rng: inout TestRNG) -> String {
    var fields: [(String, String)] = [
        ("id", "\"q-\(k)-\(["alpha", "beta", "gamma"][k % 3])\""),
        ("title", k % 7 == 0 ? "\"Caf\\u00e9 \(k) — \\\"quoted\\\" \\ud83d\\ude00\"" : "\"Question number \(k)\""),
        ("prompt", "\"Explain \(k) things.\\nWith a second line,\\tand a tab.\""),
        ("difficulty", ["\"easy\"", "\"medium\"", "\"hard\"", "\"m\\u0065dium\""][k % 4]),
        ("kind", ["\"technical\"", "\"system-design\"", "\"coding\"", "\"behavioral\"", "\"ask-the-interviewer\""][k % 5]),
        ("topics", k % 2 == 0 ? "[\"caching\"]" : "[\"caching\", \"sql\", \"t-\(k % 11)\"]"),
        ("answer", "\"## Answer \(k)\\n\\n- one\\n- two \\u2028 end\""),
        ("keyPoints", "[" + (0..<(3 + k % 6)).map { "\"point \($0) \\u00e9\"" }.joined(separator: ", ") + "]"),
    ]
    switch k % 4 {
    case 0: fields.append(("followUps", "[\"why?\", \"how?\"]"))
    case 1: fields.append(("followUps", "null"))
    case 2: fields.append(("followUps", "[]"))
    default: break
    }
    switch k % 5 {
    case 0: fields.append(("timeLimitMinutes", "\(1 + k % 200)"))
    case 1: fields.append(("timeLimitMinutes", "null"))
    case 2: fields.append(("timeLimitMinutes", "12.0"))
    default: break
    }
    if k % 9 == 0 { fields.append(("notes", "{\"nested\": [1, 2.5e3, true, null, {\"x\": \"y\"}], \"s\": \"\\u0041\"}")) }
    if k % 13 == 0 { fields.append(("format", "\"not a bank field here\"")) }
    // Any order.
    for a in stride(from: fields.count - 1, to: 0, by: -1) { fields.swapAt(a, rng.below(a + 1)) }
    if pretty {
        return "    {\n" + fields.map { "      \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n    }"
    }
    return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
}

private func bankText(questions n: Int, pretty: Bool, crlf: Bool = false, seed: UInt64 = 1) -> String {
    var rng = TestRNG(seed: seed)
    let items = (0..<n).map { questionText($0, pretty: pretty, rng: &rng) }
    var text = "{\n  \"format\": \"prepdeck-bank\",\n  \"version\": 1,\n  \"deck\": {\"id\": \"d\", \"title\": \"Deck\", \"extra\": [1]},\n"
    text += "  \"questions\": [\n" + items.joined(separator: ",\n") + "\n  ],\n  \"trailing\": {\"a\": \"b\"}\n}\n"
    return crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
}

@Suite struct FastBankTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func bundledBankTakesTheFastPath() throws {
        let dir = FastBankTests.packageRoot.appendingPathComponent("Assets")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        #expect(!names.isEmpty)
        for name in names {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            let fast = try #require(BankFormat.decodeFast(bytes, file: name), "\(name)")
            #expect(fast == (try BankFormat.decodeGeneral(bytes, file: name)), "\(name)")
        }
    }

    @Test func largeBanksAgree() {
        for (pretty, crlf) in [(true, false), (false, false), (true, true), (false, true)] {
            let bytes = Array(bankText(questions: 600, pretty: pretty, crlf: crlf).utf8)
            #expect(check(bytes, "pretty \(pretty), crlf \(crlf)"))
        }
    }

    /// Damage anywhere in a large bank (more often in its second half).
    @Test func damageGivesTheGeneralResult() {
        let text = bankText(questions: 300, pretty: true)
        let bytes = Array(text.utf8)
        var rng = TestRNG(seed: 21)
        let alphabet = Array(#"{}[]":,.-0123456789 etrunlq\"#.utf8) + [0x0A]
        var fast = 0
        for k in 0..<300 {
            var b = bytes
            let centre = k % 3 == 0 ? b.count / 2 : (k % 3 == 1 ? b.count * 3 / 4 : rng.below(b.count))
            let p = max(0, min(b.count - 1, centre + rng.below(4000) - 2000))
            switch rng.below(3) {
            case 0: b.remove(at: p)
            case 1: b.insert(alphabet[rng.below(alphabet.count)], at: p)
            default: b[p] = alphabet[rng.below(alphabet.count)]
            }
            if check(b, "mutation \(k) at \(p)") { fast += 1 }
        }
        #expect(fast > 10)
        // A repeated id, far from the first.
        let dup = Array(text.replacingOccurrences(of: "\"q-290-gamma\"", with: "\"q-10-beta\"").utf8)
        let tookFastPath = check(dup, "duplicate id")
        #expect(!tookFastPath)
        if case let .error(message) = general(dup) { #expect(message.contains("duplicate question id \"q-10-beta\"")) } else { Issue.record("no error") }
    }

    static let tricky: [String] = [
        bank(goodQuestion),
        "\u{FEFF}" + bank(goodQuestion),
        bank(goodQuestion).replacingOccurrences(of: "\n", with: "\r\n"),
        bank(goodQuestion + "," + goodQuestion.replacingOccurrences(of: "q-one", with: "q-two")),
        bank(goodQuestion + "," + goodQuestion), // duplicate id
        bank(""),
        bank(goodQuestion, version: "1.0"),
        bank(goodQuestion, version: "1e0"),
        bank(goodQuestion, version: "\"1\""),
        bank(goodQuestion, version: "2"),
        bank(goodQuestion, version: "-1"),
        bank(goodQuestion, version: "1.5"),
        bank(goodQuestion.replacingOccurrences(of: "\"id\": \"q-one\"", with: "\"id\": \"q-one\", \"id\": \"q-again\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"title\": \"One\"", with: "\"title\": \"One\", \"title\": 5")),
        bank(goodQuestion.replacingOccurrences(of: "\"id\"", with: "\"\\u0069d\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"id\": \"q-one\"", with: "\"id\": \"q-\\u006fne\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"title\"", with: "\"t\u{69}tle\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"prompt\"", with: "\"pr\u{F6}mpt\"")),
        bank(goodQuestion.replacingOccurrences(of: "q-one", with: "Q-one")),
        bank(goodQuestion.replacingOccurrences(of: "q-one", with: "q--one")),
        bank(goodQuestion.replacingOccurrences(of: "q-one", with: "-q-one")),
        bank(goodQuestion.replacingOccurrences(of: "q-one", with: "q-one-")),
        bank(goodQuestion.replacingOccurrences(of: "q-one", with: "")),
        bank(goodQuestion.replacingOccurrences(of: "q-one", with: "q-\u{E9}")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"   \"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\\u00a0\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\u{A0}x\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\\u001cx\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\\u001c\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\\u2028\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\\n\\t x\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\" \u{301}\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\u{301}\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"One\"", with: "\"\\r\\n\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"easy\"", with: "\"Easy\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"easy\"", with: "\"e\\u0061sy\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"easy\"", with: "\"easy \"")),
        bank(goodQuestion.replacingOccurrences(of: "\"easy\"", with: "\"\u{E9}asy\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"technical\"", with: "\"system-design\"")),
        bank(goodQuestion.replacingOccurrences(of: "\"technical\"", with: "\"design\"")),
        bank(goodQuestion.replacingOccurrences(of: "[\"api-design\"]", with: "[]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"api-design\"]", with: "[\"API\"]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"api-design\"]", with: "[\"a\\u0070i\"]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"api-design\"]", with: "[\"api\", 3]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"api-design\"]", with: "\"api\"")),
        bank(goodQuestion.replacingOccurrences(of: "[\"a\", \"b\", \"c\"]", with: "[\"a\", \"b\"]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"a\", \"b\", \"c\"]", with: "[\"a\", \"b\", \" \"]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"a\", \"b\", \"c\"]", with: "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\"]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"a\", \"b\", \"c\"]", with: "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"and two?\"]", with: "null")),
        bank(goodQuestion.replacingOccurrences(of: "[\"and two?\"]", with: "nul")),
        bank(goodQuestion.replacingOccurrences(of: "[\"and two?\"]", with: "[\"\"]")),
        bank(goodQuestion.replacingOccurrences(of: "[\"and two?\"]", with: "\"x\"")),
        bank(goodQuestion.replacingOccurrences(of: "[\"and two?\"]", with: "[] ,\"followUps\": [\"x\"]")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": null")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": 5.0")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": 5.5")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": 0")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": 240")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": 241")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": -5")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": \"5\"")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": 2.4e2")),
        bank(goodQuestion.replacingOccurrences(of: "\": 5", with: "\": 5, \"timeLimitMinutes\": null")),
        bank(goodQuestion.replacingOccurrences(of: "\"followUps\"", with: "\"unknown\": {\"deep\": [[[{}]]]}, \"followUps\"")),
        bank("[]"),
        bank("\"not a question\""),
        bank("{}"),
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"D\"}, \"questions\": [], \"format\": \"x\"}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"D\"}}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\"}, \"questions\": []}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \" \"}, \"questions\": []}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": [], \"questions\": []}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"D\", \"id\": 3}, \"questions\": []}",
        "{\"format\": \"prepdeck\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"D\"}, \"questions\": []}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"D\"}, \"questions\": {}}",
        "{\"questions\": [], \"deck\": {\"title\": \"D\", \"id\": \"d\"}, \"version\": 1, \"format\": \"prepdeck-bank\", \"id\": \"ignored\"}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"D\"}, \"questions\": []} x",
        "[]",
        "",
        "{}",
        "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"D\"}, \"questions\": [],}",
    ]

    @Test func trickyBanksDecodeAsTheGeneralPathDoes() {
        var fast = 0
        for text in FastBankTests.tricky where check(Array(text.utf8), text) { fast += 1 }
        #expect(fast >= 15)
        #expect(BankFormat.decodeFast(Array(bank(goodQuestion).utf8), file: "b.json") != nil)
    }

    /// Random damage to a small bank: whatever the result, `decode` gives the general result.
    @Test func mutatedBanksDecodeAsTheGeneralPathDoes() {
        var rng = TestRNG(seed: 9)
        let seeds = [bankText(questions: 6, pretty: true), bankText(questions: 6, pretty: false, seed: 2), bank(goodQuestion)].map { Array($0.utf8) }
        let alphabet = Array(#"{}[]":,.-+0123456789eEtrufalsnq \"#.utf8) + [0x5C, 0x75, 0x0A, 0x0D, 0x09, 0x01, 0xC3, 0xA9]
        var fast = 0
        for k in 0..<3000 {
            var bytes = seeds[k % seeds.count]
            for _ in 0..<(1 + rng.below(2)) {
                let p = rng.below(bytes.count + 1)
                switch rng.below(3) {
                case 0: if p < bytes.count { bytes.remove(at: p) }
                case 1: bytes.insert(alphabet[rng.below(alphabet.count)], at: p)
                default: if p < bytes.count { bytes[p] = alphabet[rng.below(alphabet.count)] }
                }
            }
            if check(bytes, String(decoding: bytes, as: UTF8.self)) { fast += 1 }
        }
        #expect(fast > 300)
    }

    @Test func byteChecksMatchTheStringChecks() {
        let ids = ["a", "a-b", "a-b-c", "abc123", "0", "-", "--", "a-", "-a", "a--b", "", "A", "a_b", "a b", "é", "a\u{301}",
                   "a-\u{E9}", "\u{212A}", "a\n", "q-1-x", "9-9", "a-b-", "ab--", "\u{0}"]
        for id in ids {
            #expect(BankFormat.fastIsValidID(id) == BankFormat.isValidID(id), "\(Array(id.utf8))")
        }
        let texts = ["", " ", "  ", "\t\n", "\r\n", "x", " x", "x ", "\u{A0}", "\u{A0}x", "\u{85}", "\u{1C}", "\u{1C}x", "\u{1F}",
                     "\u{2028}", "\u{3000}", "\u{200B}", "\u{FEFF}", " \u{301}", "\u{301}", "\u{7F}", "~", "!", "é", "\u{0}", "\u{B}\u{C}"]
        for t in texts {
            #expect(BankFormat.fastNonBlank(t) == !t.trimmingSpaces.isEmpty, "\(Array(t.utf8))")
        }
    }
}

/// A bank should be UTF-8: the first bad byte is named with its line and column in a warning (issue 16).
@Suite struct BankUTF8Tests {
    @Test func theValidatorAgreesWithTheStandardLibrary() {
        var rng = SeededRandom(seed: 11)
        let pieces: [[UInt8]] = [[0x41], [0x0A], [0xC3, 0xA9], [0xE6, 0x97, 0xA5], [0xF0, 0x9F, 0x91, 0x8D], [0xFF], [0xC0, 0x80],
                                 [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0x80], [0x80], [0xC3], [0xF0, 0x9F]]
        for _ in 0..<3000 {
            var b: [UInt8] = []
            for _ in 0..<Int(rng.next() % 24) {
                let p = pieces[Int(rng.next() % UInt64(pieces.count))]
                b += rng.next() % 3 == 0 ? p : [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69] // ASCII runs too
            }
            let ours = b.withUnsafeBufferPointer { BankFormat.firstInvalidUTF8($0) }
            let valid = String(validating: b, as: UTF8.self) != nil
            #expect((ours == nil) == valid, "\(b)")
            if let k = ours { #expect(String(validating: b[..<k], as: UTF8.self) != nil, "\(b): the prefix before \(k) is valid") }
        }
    }

    @Test func aBankWithABadByteIsReadAndTheByteNamed() {
        let text = "{\n  \"format\": \"prepdeck-bank\",\n  \"deck\": {\"id\": \"d\", \"title\": \"é \u{FF}\"}\n}"
        var bytes = Array(text.utf8)
        let at = bytes.firstIndex(of: 0xC3)! + 3 // the byte after "é " (ÿ's first byte, 0xC3 0xBF)
        bytes[at] = 0xFF
        bytes.remove(at: at + 1)
        // Not refused (docs/data-format.md: read as U+FFFD), but said, with where.
        let bank = bytes.withUnsafeBufferPointer { b in try? BankFormat.decode(b, file: "b.json") }
        _ = bank
        let warning = bytes.withUnsafeBufferPointer { BankFormat.utf8Warning($0, file: "b.json") }
        #expect(warning == "b.json:3:35: invalid UTF-8 (byte 0xFF), shown as \u{FFFD}: save the bank as UTF-8")
    }
}
