import Foundation
import Testing
@testable import PrepdeckCore

let goodQuestion = """
    {
      "id": "q-one",
      "title": "One",
      "prompt": "What is one?",
      "difficulty": "easy",
      "kind": "technical",
      "topics": ["api-design"],
      "answer": "It is **one**.",
      "keyPoints": ["a", "b", "c"],
      "followUps": ["and two?"],
      "timeLimitMinutes": 5
    }
"""

func bank(_ questions: String, version: String = "1") -> String {
    """
    {
      "format": "prepdeck-bank",
      "version": \(version),
      "deck": { "id": "d", "title": "D" },
      "questions": [
    \(questions)
      ]
    }
    """
}

func decodeError(_ text: String) -> String? {
    do {
        _ = try BankFormat.decode(Array(text.utf8), file: "b.json")
        return nil
    } catch {
        return error.description
    }
}

@Suite struct BankFormatTests {
    @Test func decodesAGoodBank() throws {
        let b = try BankFormat.decode(Array(bank(goodQuestion).utf8), file: "b.json")
        #expect(b.deck == Deck(id: "d", title: "D"))
        #expect(b.questions.count == 1)
        let q = b.questions[0]
        #expect(q.id == "q-one" && q.difficulty == .easy && q.kind == .technical)
        #expect(q.keyPoints == ["a", "b", "c"] && q.followUps == ["and two?"] && q.timeLimitMinutes == 5)
        #expect(q.source.description == "b.json:6:5")
        #expect(q.defaultBudgetSeconds == 300)
    }

    @Test func malformedJSONNamesLineAndColumn() {
        let text = "{\n  \"format\": \"prepdeck-bank\",\n  \"version\": 1,,\n}"
        #expect(decodeError(text) == "b.json:3:16: unexpected character ',': expected a quoted key")
    }

    @Test func unterminatedStringAndTrailingComma() {
        #expect(decodeError("{\"a\": \"x\n}") == "b.json:1:9: unterminated string (a raw line break inside a string)")
        #expect(decodeError("[1, 2,]")?.hasPrefix("b.json:1:7: trailing comma") == true)
        #expect(decodeError("") == "b.json:1:1: empty document: expected a JSON value")
    }

    @Test func columnsCountCharactersNotBytes() {
        // The "}" is the 10th character but the 11th byte.
        #expect(decodeError("{\"é\": tru}") == "b.json:1:10: invalid literal: expected 'true'")
    }

    @Test func unknownVersionIsNamed() {
        #expect(decodeError(bank(goodQuestion, version: "2")) == "b.json:3:14: unsupported bank version 2 (this prepdeck reads version 1)")
    }

    @Test func badValueNamesQuestionAndField() {
        let bad = goodQuestion.replacingOccurrences(of: "\"easy\"", with: "\"extreme\"")
        #expect(decodeError(bank(bad)) == "b.json:10:21: question \"q-one\": field \"difficulty\": expected one of easy, medium, hard, found \"extreme\"")
        let badKind = goodQuestion.replacingOccurrences(of: "\"technical\"", with: "\"trivia\"")
        #expect(decodeError(bank(badKind))?.contains("question \"q-one\": field \"kind\": expected one of technical, system-design") == true)
        let missing = goodQuestion.replacingOccurrences(of: "\"prompt\": \"What is one?\",", with: "")
        #expect(decodeError(bank(missing)) == "b.json:6:5: question \"q-one\": missing field \"prompt\"")
        let wrongType = goodQuestion.replacingOccurrences(of: "\"timeLimitMinutes\": 5", with: "\"timeLimitMinutes\": \"5\"")
        #expect(decodeError(bank(wrongType))?.contains("field \"timeLimitMinutes\": expected a whole number of minutes between 1 and 240, found \"5\"") == true)
        let fewPoints = goodQuestion.replacingOccurrences(of: "[\"a\", \"b\", \"c\"]", with: "[\"a\"]")
        #expect(decodeError(bank(fewPoints))?.contains("field \"keyPoints\": expected 3–8 entries, found 1") == true)
        let badID = goodQuestion.replacingOccurrences(of: "\"q-one\"", with: "\"Q One\"")
        #expect(decodeError(bank(badID))?.contains("field \"id\": must be lowercase words joined by '-'") == true)
    }

    @Test func duplicateIDNamesBothPlaces() {
        #expect(decodeError(bank(goodQuestion + "," + goodQuestion)) == "b.json:17:11: duplicate question id \"q-one\" (first defined at b.json:6:5)")
    }

    @Test func duplicateAcrossBanksNamesBothFiles() throws {
        let a = try BankFormat.decode(Array(bank(goodQuestion).utf8), file: "a.json")
        let b = try BankFormat.decode(Array(bank(goodQuestion).utf8), file: "b.json")
        #expect(throws: BankError(SourceLocation(file: "b.json", position: SourcePosition(line: 6, column: 5)),
                                  "duplicate question id \"q-one\" (first defined at a.json:6:5)")) {
            try Catalog(banks: [a, b])
        }
    }

    @Test func unknownFieldsAreIgnored() throws {
        let extra = goodQuestion.replacingOccurrences(of: "\"title\": \"One\",", with: "\"title\": \"One\", \"source\": {\"x\": [1]},")
        #expect(try BankFormat.decode(Array(bank(extra).utf8), file: "b.json").questions.count == 1)
    }

    @Test func idRules() {
        #expect(BankFormat.isValidID("caching-product-catalog"))
        #expect(BankFormat.isValidID("s3-v2"))
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a b", "é"] { #expect(!BankFormat.isValidID(bad), "\(bad)") }
    }
}

@Suite struct JSONTests {
    @Test func roundTripsEscapes() throws {
        let s = "quote \" backslash \\ newline \n tab \t bell \u{07} esc \u{1B} é 日本 🙂"
        let text = JSONWriter.write(.obj([("s", .string(s)), ("n", .number(1.5)), ("i", .int(3)), ("b", .bool(true)), ("z", .null)]))
        #expect(text == "{\"s\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 esc \\u001b é 日本 🙂\",\"n\":1.5,\"i\":3,\"b\":true,\"z\":null}")
        let back = try JSONParser.parse(text)
        #expect(back["s"]?.string == s && back["n"]?.number == 1.5 && back["i"]?.int == 3 && back["z"]?.isNull == true)
    }

    @Test func surrogatePairs() throws {
        #expect(try JSONParser.parse("\"\\ud83d\\ude00\"").string == "😀")
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("\"\\ud83d\"") }
    }

    @Test func rejectsGarbage() {
        for bad in ["{", "[1 2]", "01", "1.", "-", "nul", "{\"a\" 1}", "\"a\" \"b\"", "{'a': 1}"] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try JSONParser.parse(bad) }
        }
    }
}

@Suite struct TimeTests {
    @Test func parsesAndFormatsRFC3339() {
        let d = RFC3339.parse("2026-11-29T10:15:00Z")!
        #expect(d.timeIntervalSince1970 == 1_795_947_300)
        #expect(RFC3339.format(d) == "2026-11-29T10:15:00Z")
        #expect(RFC3339.parse("2026-11-29T11:15:00+01:00") == d)
        #expect(RFC3339.parse("2026-11-29T10:15:00.250Z")!.timeIntervalSince1970 == 1_795_947_300.25)
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_947_300.25)) == "2026-11-29T10:15:00.250Z")
        for bad in ["2026-11-29", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-29T10:15:00", "x"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.parse("2024-02-29T23:59:59Z") != nil)
    }

    /// The fast path for prepdeck's own layout gives exactly what the general parser gives, valid or not.
    @Test func theFastLayoutParsesAsTheGeneralParser() {
        var rng = SeededRandom(seed: 3339)
        let alphabet = Array("0123456789:-.TZtz +/".utf8)
        var valid = 0, cache = RFC3339.DayCache(), walk = 1_780_000_000_000
        for k in 0..<60_000 {
            // Half the times a random walk of minutes (runs of the same day: the day cache's path), half anywhere.
            walk += Int(rng.next() % 7_200_000)
            let ms = k % 4 < 2 ? walk : Int(rng.next() % 4_000_000_000_000) - 200_000_000_000
            var text = Array(RFC3339.format(Date(timeIntervalSince1970: Double(ms) / 1000)).utf8)
            if k % 3 == 0 { text = Array(text.prefix(19)) + Array(".\(String(format: "%03d", Int(rng.next() % 1000)))Z".utf8) }
            if k % 2 == 1 { // one byte changed, or a field pushed out of range
                let at = Int(rng.next() % UInt64(text.count))
                text[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            let fast = text.withUnsafeBufferPointer { RFC3339.parseUTC($0) }
            let cached = text.withUnsafeBufferPointer { RFC3339.parseUTC($0, days: &cache) }
            #expect(cached == fast, "\(String(decoding: text, as: UTF8.self))")
            let general = text.withUnsafeBufferPointer { RFC3339.parseGeneral($0) }
            if fast != nil { valid += 1; #expect(fast == general, "\(String(decoding: text, as: UTF8.self))") }
            #expect(text.withUnsafeBufferPointer { RFC3339.parse(bytes: $0) } == general, "\(String(decoding: text, as: UTF8.self))")
        }
        #expect(valid > 30_000)
        for s in ["2026-13-01T00:00:00Z", "2026-02-30T00:00:00.000Z", "2026-11-29T24:00:00Z", "2026-11-29T10:60:00Z", "2026-11-29T10:15:00.25Z",
                  "2026-11-29T10:15:00.2500Z", "2026-11-29T10:15:0/Z", "2026-11-29t10:15:00Z", "2026-11-29T10:15:00z"] {
            var b = Array(s.utf8)
            let general = b.withUnsafeMutableBufferPointer { RFC3339.parseGeneral(UnsafeBufferPointer($0)) }
            #expect(RFC3339.parse(s) == general, "\(s)")
        }
        #expect(RFC3339.parse("2026-11-29T10:15:00.125Z")!.timeIntervalSince1970 == 1_795_947_300.125)
    }

    @Test func studyDayRollsOverAtFour() {
        let cal = StudyCalendar(utcOffsetSeconds: 3600) // UTC+1
        let before = RFC3339.parse("2026-11-29T02:59:00Z")! // 03:59 local
        let after = RFC3339.parse("2026-11-29T03:00:00Z")!  // 04:00 local
        #expect(cal.day(of: after) == cal.day(of: before) + 1)
        #expect(cal.start(ofDay: cal.day(of: after)) == after)
    }
}

@Suite struct QueryTests {
    func q(_ id: String, _ title: String, prompt: String = "p", topics: [String] = ["t"], d: Difficulty = .easy, k: Kind = .technical) -> Question {
        Question(id: id, title: title, prompt: prompt, difficulty: d, kind: k, topics: topics, answer: "a", keyPoints: ["1", "2", "3"])
    }

    @Test func searchIsCaseAndAccentInsensitiveAndRanksTitlesFirst() {
        let qs = [q("a", "Crème brûlée caching", prompt: "x"), q("b", "Other", prompt: "about CREME"), q("c", "Nothing")]
        let idx = SearchIndex(qs)
        var f = QuestionFilter()
        f.search = "creme"
        #expect(runQuery(questions: qs, index: idx, filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [0, 1])
        f.search = "BRULEE"
        #expect(runQuery(questions: qs, index: idx, filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [0])
        let ranked = [q("a", "Other", prompt: "mentions locking"), q("b", "Optimistic locking")]
        f.search = "locking"
        #expect(runQuery(questions: ranked, index: SearchIndex(ranked), filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [1, 0])
    }

    @Test func filtersByFacets() {
        let qs = [q("a", "A", topics: ["x"], d: .easy), q("b", "B", topics: ["y"], d: .hard, k: .coding), q("c", "C", topics: ["x", "y"], d: .hard)]
        var f = QuestionFilter()
        f.difficulties = [.hard]
        #expect(runQuery(questions: qs, index: SearchIndex(qs), filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [1, 2])
        f.topics = ["x"]
        #expect(runQuery(questions: qs, index: SearchIndex(qs), filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [2])
        f = QuestionFilter()
        f.kinds = [.coding]
        #expect(runQuery(questions: qs, index: SearchIndex(qs), filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [1])
        f = QuestionFilter()
        f.statuses = [.due]
        var due = CardSchedule()
        due.state = .review
        due.due = Date(timeIntervalSince1970: 0)
        #expect(runQuery(questions: qs, index: SearchIndex(qs), filter: f, sort: .bank,
                         info: { $0 == 2 ? CardInfo(schedule: due) : CardInfo() }, now: Date()) == [2])
    }

    @Test func sorts() {
        let qs = [q("a", "Zed", d: .hard), q("b", "alpha", d: .easy), q("c", "Mid", d: .medium)]
        let idx = SearchIndex(qs)
        #expect(runQuery(questions: qs, index: idx, filter: QuestionFilter(), sort: .title, info: { _ in CardInfo() }, now: Date()) == [1, 2, 0])
        #expect(runQuery(questions: qs, index: idx, filter: QuestionFilter(), sort: .difficulty, info: { _ in CardInfo() }, now: Date()) == [1, 2, 0])
        #expect(runQuery(questions: qs, index: idx, filter: QuestionFilter(), sort: .practiced, info: { CardInfo(practiced: $0) }, now: Date()) == [2, 1, 0])
    }
}
