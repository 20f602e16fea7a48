import Foundation
import Testing
import PrepdeckCore

/// Issue 16, item 2: the bad-input battery. Each case: the command's exit code, its one clear message, and
/// the user's files byte for byte as they were (caches aside). docs/reliability.md lists the answers.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// Bank file bytes (nil: the seed bank), reviews.jsonl and settings.json bytes (nil: absent).
        var bank: [UInt8]?
        var log: [UInt8]?
        var settings: String?
        var args: [String] = ["list"]
        var status: Int32
        /// Expected in stderr (`BANK` stands for the bank's path, `DIR` for the data directory).
        var message: String
        var description: String { name }
    }

    static let seed = try! String(contentsOfFile: seedBank, encoding: .utf8)
    static let line = "{\"id\":\"a\",\"card\":\"caching-product-catalog\",\"rating\":3,\"at\":\"2026-11-01T10:00:00Z\",\"mode\":\"review\"}\n"
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func seedWith(_ edit: (inout [String: Any]) -> Void) -> [UInt8] {
        var o = try! JSONSerialization.jsonObject(with: Data(seed.utf8)) as! [String: Any]
        edit(&o)
        return [UInt8](try! JSONSerialization.data(withJSONObject: o))
    }
    static func firstQuestion(_ edit: @escaping (inout [String: Any]) -> Void) -> [UInt8] {
        seedWith { o in
            var qs = o["questions"] as! [[String: Any]]
            edit(&qs[0])
            o["questions"] = qs
        }
    }

    static let cases: [Case] = [
        // Banks: exit 65 with FILE:LINE:COLUMN.
        Case(name: "malformed bank JSON", bank: bytes(seed.replacingOccurrences(of: "\"questions\": [", with: "\"questions\": [,")),
             status: 65, message: "BANK:"),
        Case(name: "wrong type", bank: firstQuestion { $0["difficulty"] = 3 }, status: 65, message: "field \"difficulty\": expected a non-empty string, found 3"),
        Case(name: "unknown version", bank: seedWith { $0["version"] = 2 }, status: 65, message: "unsupported bank version 2 (this prepdeck reads version 1)"),
        Case(name: "empty bank", bank: [], status: 65, message: "BANK:1:1: empty document: expected a JSON value"),
        Case(name: "binary garbage", bank: [0xAC, 0x00, 0xFF, 0x13] + Array(repeating: 0x99, count: 500), status: 65, message: "BANK:1:1: unexpected byte 0xAC"),
        Case(name: "100,000 nested [", bank: Array(repeating: UInt8(ascii: "["), count: 100_000), status: 65, message: "BANK:1:257: nesting too deep"),
        Case(name: "invalid UTF-8", bank: bytes(seed.replacingOccurrences(of: "\"Caching strategy", with: "\"Caching \u{1}strategy"))
                .map { $0 == 0x01 ? 0xFF : $0 }, status: 0, message: "invalid UTF-8 (byte 0xFF), shown as \u{FFFD}: save the bank as UTF-8"),
        Case(name: "a BOM is read past", bank: [0xEF, 0xBB, 0xBF] + bytes(seed), status: 0, message: ""),
        Case(name: "duplicate ids across banks", args: ["list", "--bank", seedBank], status: 65,
             message: "BANK:9:5: duplicate question id \"caching-product-catalog\" (first defined at \(seedBank):9:5)"),
        Case(name: "a huge single line (a 20 MB prompt) loads", bank: firstQuestion { $0["prompt"] = String(repeating: "x", count: 20_000_000) },
             status: 0, message: ""),
        // reviews.jsonl: the command works; the bad line is named and skipped, never rewritten.
        Case(name: "bad middle line", log: bytes(line + "{\"id\":\"b\",\"card\":\n" + line.replacingOccurrences(of: "\"a\"", with: "\"c\"")),
             status: 0, message: "reviews.jsonl:2:18: unexpected end of file: expected a value (line skipped)"),
        Case(name: "torn last line", log: bytes(line + "{\"id\":\"b\",\"card\":\"x"), status: 0,
             message: "reviews.jsonl:2: torn last line (19 bytes, an interrupted write) ignored"),
        Case(name: "unknown card", log: bytes(line.replacingOccurrences(of: "caching-product-catalog", with: "no-such-card")), status: 0,
             message: "reviews.jsonl: 1 card(s) not in the loaded banks (kept, not shown)"),
        Case(name: "rating 7", log: bytes(line.replacingOccurrences(of: "\"rating\":3", with: "\"rating\":7")), status: 0,
             message: "reviews.jsonl:1:53: field \"rating\": expected 1, 2, 3 or 4 (line skipped)"),
        Case(name: "impossible time", log: bytes(line.replacingOccurrences(of: "2026-11-01T10:00:00Z", with: "2026-13-45T99:00:00Z")), status: 0,
             message: "reviews.jsonl:1:60: field \"at\": expected an RFC 3339 time"),
        Case(name: "far-future time", log: bytes(line.replacingOccurrences(of: "2026-11-01T10:00:00Z", with: "9999-12-31T23:59:59Z")), status: 0,
             message: "reviews.jsonl: 1 card(s) have a rating dated in the future (the latest 9999-12-31T23:59:59Z)"),
        Case(name: "NUL bytes", log: bytes(line) + [0, 0, 0, 0x0A] + bytes(line.replacingOccurrences(of: "\"a\"", with: "\"d\"")), status: 0,
             message: "reviews.jsonl:2:1: unexpected byte 0x0: expected a value (line skipped)"),
        // settings.json: exit 65 naming the field; never overwritten.
        Case(name: "settings not JSON", settings: "{\"desired_retention\": ", status: 65, message: "DIR/settings.json:1:23: unexpected end of file"),
        Case(name: "settings wrong type", settings: "{\"fuzz\": \"yes\"}", status: 65, message: "DIR/settings.json:1:10: field \"fuzz\": expected true or false, found \"yes\""),
        Case(name: "retention 0", settings: "{\"desired_retention\": 0}", status: 65, message: "field \"desired_retention\": expected a number from 0.70 to 0.99, found 0"),
        Case(name: "retention 1.5", settings: "{\"desired_retention\": 1.5}", status: 65, message: "expected a number from 0.70 to 0.99, found 1.5"),
        Case(name: "retention negative", settings: "{\"desired_retention\": -0.5}", status: 65, message: "expected a number from 0.70 to 0.99, found -0.5"),
        Case(name: "200 learning steps", settings: "{\"learning_steps_minutes\": [" + Array(repeating: "1", count: 200).joined(separator: ",") + "]}",
             status: 65, message: "field \"learning_steps_minutes\": expected an array of at most 20 steps in minutes"),
        // The data directory.
        Case(name: "export to an unwritable path", args: ["export", "/nonexistent-dir/x.csv", "--format", "csv"], status: 73,
             message: "cannot write /nonexistent-dir/x.csv: No such file or directory"),
        Case(name: "import of a corrupt file", args: ["import", "BANK"], status: 65, message: "BANK:1:1: unexpected byte 0xAC"),
    ]

    /// Every user file of the data directory and the bank, as bytes (caches left out: a read command may write them).
    func userFiles(_ dir: String, bank: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for name in ["reviews.jsonl", "answers.jsonl", "sessions.jsonl", "settings.json"] {
            if let b = FileManager.default.contents(atPath: dir + "/" + name) { out[name] = [UInt8](b) }
        }
        out["bank"] = FileManager.default.contents(atPath: bank).map { [UInt8]($0) }
        return out
    }

    @Test(arguments: cases)
    func eachBadInputGetsOneClearMessageAndLosesNothing(c: Case) throws {
        let dir = tempDataDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let bank = dir + "-bank.json"
        var bankBytes = c.bank ?? BadInputTests.bytes(BadInputTests.seed)
        if c.args.first == "import" { bankBytes = [0xAC, 0x00, 0xFF, 0x13] }
        FileManager.default.createFile(atPath: bank, contents: Data(bankBytes))
        if let log = c.log { FileManager.default.createFile(atPath: dir + "/reviews.jsonl", contents: Data(log)) }
        if let s = c.settings { try write(dir + "/settings.json", s) }
        let before = userFiles(dir, bank: bank)
        let args = c.args.map { $0 == "BANK" ? bank : $0 }
        let bankArgs = c.args.first == "import" ? ["--bank", seedBank] : ["--bank", bank]
        let r = try prepdeck(args + bankArgs, dataDir: dir)
        #expect(r.status == c.status, "\(c): \(r.status) \(r.stderr)")
        let expected = c.message.replacingOccurrences(of: "BANK", with: bank).replacingOccurrences(of: "DIR", with: dir)
        if expected.isEmpty { #expect(r.stderr.isEmpty, "\(c): \(r.stderr)") } else { #expect(r.stderr.contains(expected), "\(c): \(r.stderr)") }
        // One clear message: a failure is one line; a warning is one line per problem.
        if c.status != 0 { #expect(r.stderr.split(separator: "\n").count == 1, "\(c): \(r.stderr)") }
        #expect(userFiles(dir, bank: bank) == before, "\(c): a user file changed")
    }
}

extension BadInputTests {
    @Test func aDataDirectoryThatIsAFileIsRefusedAndKept() throws {
        let path = tempDataDir()
        try write(path, "not a directory\n")
        for args in [["list"], ["import", seedBank]] {
            let r = try prepdeck(args + ["--bank", seedBank], dataDir: path)
            #expect(r.status == 73 && r.stderr == "prepdeck: data directory \(path) is not a directory\n", "\(args): \(r.status) \(r.stderr)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a directory\n")
    }
}

/// Issue 12 (the first part): `plan` keeps the interview date in settings.json; `readiness --json` reports per topic.
@Suite struct ReadinessCommandTests {
    @Test func sixtyUnseenCardsInTwoTopicsAWeekAway() throws {
        let dir = tempDataDir()
        let bank = dir + "-bank.json"
        var questions: [String] = []
        for k in 0..<60 {
            let topic = k < 25 ? "alpha" : "beta"
            questions.append("""
                {"id": "q-\(k)", "title": "Question \(k)", "prompt": "Prompt \(k).", "difficulty": "easy", "kind": "technical",
                 "topics": ["\(topic)"], "answer": "An answer.", "keyPoints": ["one", "two", "three"]}
                """)
        }
        try write(bank, "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"r\", \"title\": \"R\"}, \"questions\": [" + questions.joined(separator: ",\n") + "]}")
        let now = Date()
        let offset = TimeZone.current.secondsFromGMT(for: now)
        let today = StudyCalendar(utcOffsetSeconds: offset).day(of: now)
        let date = RFC3339.formatDay(today + 7)
        var r = try prepdeck(["readiness", "--bank", bank], dataDir: dir)
        #expect(r.status == 64 && r.stderr.contains("no interview date: set one with prepdeck plan --interview"))
        r = try prepdeck(["plan", "--interview", date, "--bank", bank], dataDir: dir)
        #expect(r.status == 0 && r.stdout == "Interview \(date) (in 7 days); topics: all\n", "\(r.stdout) \(r.stderr)")
        let settings = try JSONParser.parse(try String(contentsOfFile: dir + "/settings.json", encoding: .utf8))
        #expect(settings["interview_date"]?.string == date)
        r = try prepdeck(["readiness", "--json", "--bank", bank], dataDir: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONParser.parse(r.stdout)
        #expect(json["days_left"]?.int == 7 && json["interview_date"]?.string == date)
        let topics = try #require(json["topics"]?.array)
        #expect(topics.map { $0["topic"]?.string } == ["alpha", "beta"]) // equal recall (0): less seen first, then by id
        #expect(topics.map { $0["cards"]?.int } == [25, 35] && topics.map { $0["never_seen"]?.int } == [25, 35])
        #expect(topics.allSatisfy { $0["recall"]?.number == 0 && $0["coverage_seen"]?.number == 0 })
        #expect(json["overall"]?["cards"]?.int == 60 && json["overall"]?["never_seen"]?.int == 60)
        #expect(json["plan_new_today"]?.int == 10) // ⌈60 / 7⌉ = 9, but new_per_day (10) is higher
        // Topics that matter, and clearing.
        r = try prepdeck(["plan", "--interview", date, "--topic", "beta", "--bank", bank], dataDir: dir)
        #expect(r.status == 0 && r.stdout.contains("topics: beta"))
        r = try prepdeck(["readiness", "--json", "--bank", bank], dataDir: dir)
        #expect(try JSONParser.parse(r.stdout)["overall"]?["cards"]?.int == 35)
        #expect(try prepdeck(["plan", "--interview", date, "--topic", "gamma", "--bank", bank], dataDir: dir).status == 64)
        #expect(try prepdeck(["plan", "--interview", "2026-02-30", "--bank", bank], dataDir: dir).status == 64)
        r = try prepdeck(["plan", "--clear", "--bank", bank], dataDir: dir)
        #expect(r.status == 0 && r.stdout == "Interview date cleared.\n")
        #expect(try JSONParser.parse(try String(contentsOfFile: dir + "/settings.json", encoding: .utf8))["interview_date"] == nil)
    }
}
