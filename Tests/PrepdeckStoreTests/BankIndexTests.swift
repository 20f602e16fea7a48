import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckStore

/// A small bank in the format, with `n` questions (every optional field on some of them).
func indexTestBank(_ n: Int, word: String = "alpha", extra: String = "", prefix: String = "q") -> String {
    var qs: [String] = []
    for k in 0..<n {
        var q = """
        {"id": "\(prefix)-\(k)", "title": "Question \(k) about \(word)", "prompt": "Explain \(word) number \(k) — café, 日本語.",
         "difficulty": "\(["easy", "medium", "hard"][k % 3])", "kind": "technical", "topics": ["t\(k % 4)", "shared"],
         "answer": "## Answer \(k)\\n\\nBecause \(word).\\n\\n- one\\n- two", "keyPoints": ["a\(k)", "b", "c"]
        """
        if k % 2 == 0 { q += ", \"followUps\": [\"why \(k)?\", \"how?\"], \"followUpAnswers\": [\"because \(k)\", \"like this\"]" }
        if k % 3 == 0 { q += ", \"timeLimitMinutes\": \(k % 7 + 1)" }
        qs.append(q + "}")
    }
    return "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"d\", \"title\": \"Deck\"}\(extra),\n \"questions\": [\n"
        + qs.joined(separator: ",\n") + "\n]}\n"
}

func writeFile(_ path: String, _ text: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Sets a file's mtime (and leaves ctime to the kernel, which always moves it).
func setMtime(_ path: String, _ sec: Int, _ nsec: Int) {
    var times = [timespec(tv_sec: sec, tv_nsec: nsec), timespec(tv_sec: sec, tv_nsec: nsec)]
    _ = utimensat(AT_FDCWD, path, &times, 0)
}

@Suite struct BankIndexTests {
    let later = { Date().addingTimeInterval(5) } // the index is built well after the file's last change

    func load(_ cache: BankIndexCache, _ file: String) throws -> (Bank, BankIndexCache.Outcome) {
        let (result, outcome) = try #require(cache.load(file, now: later))
        return (try result.get(), outcome)
    }

    @Test func anIndexedBankEqualsTheDecodedOneAndItsTextsAreReadOnDemand() throws {
        let dir = tempDir("index")
        let file = dir + "/bank.json"
        try writeFile(file, indexTestBank(40))
        let decoded = try BankFormat.decode(try #require(try FileIO.read(file)), file: file)
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        let (built, first) = try load(cache, file)
        #expect(first == .built)
        #expect(built == decoded)
        let (indexed, second) = try load(cache, file)
        #expect(second == .index)
        let deferred = indexed.questions.filter(\.textsAreDeferred).count
        #expect(deferred == indexed.questions.count)
        let counts = decoded.questions.map { $0.keyPoints.count }
        #expect(indexed.questions.map(\.keyPointCount) == counts)
        #expect(indexed == decoded) // every field, the texts read back from the file
        #expect(indexed.questions[2].followUpAnswers == ["because 2", "like this"])
        // The search texts come from the index, and equal the folded questions'.
        let stored = try #require(indexed.searchTexts?.load())
        #expect(stored == SearchTexts(decoded.questions))
        let catalog = try Catalog(banks: [indexed])
        let index = SearchIndex(catalog)
        let hits = index.classify(words: SearchIndex.words("CAFE"))
        #expect(hits.filter { $0 == 1 }.count == hits.count)
        #expect(catalog.question("q-7")?.title == "Question 7 about alpha")
    }

    /// A catalogue of indexed banks (questions made from the mapped records) answers by position, by id and
    /// in its columns exactly as the catalogue of the same banks decoded; a duplicate id across them is reported.
    @Test func aCatalogueOfIndexedBanksEqualsTheDecodedOne() throws {
        let dir = tempDir("index")
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        var indexed: [Bank] = [], decoded: [Bank] = []
        for (b, n) in [23, 1, 40].enumerated() {
            let file = dir + "/b\(b).json"
            try writeFile(file, indexTestBank(n, word: "w\(b) ünï", prefix: "b\(b)"))
            decoded.append(try BankFormat.decode(try #require(try FileIO.read(file)), file: file))
            _ = try load(cache, file)
            let (bank, outcome) = try load(cache, file)
            #expect(outcome == .index && bank.records != nil && bank.count == n)
            indexed.append(bank)
        }
        for banks in [[indexed[0]], indexed] {
            let fast = try Catalog(banks: banks)
            let slow = try Catalog(banks: banks.map { b in decoded.first { $0.file == b.file }! })
            #expect(fast.count == slow.count && fast.allIDs == slow.allIDs)
            for k in 0..<slow.count {
                let q = slow.question(at: k)
                #expect(fast.question(at: k) == q && fast.id(at: k) == q.id && fast.title(at: k) == q.title)
                #expect(fast.withID(at: k) { Array($0) } == Array(q.id.utf8) && fast.withTitle(at: k) { Array($0) } == Array(q.title.utf8))
                #expect(fast.difficulty(at: k) == q.difficulty && fast.kind(at: k) == q.kind && fast.topics(at: k) == q.topics)
                #expect(fast.position(of: q.id) == k && fast.question(q.id) == q)
                var a = JSONBytes(), c = JSONBytes()
                fast.forEachIDAndTitle([k]) { _, id, title in fast.writeListJSON(at: k, id: id, title: title, into: &a, schedule: CardSchedule(), status: .new) }
                q.writeListJSON(into: &c, schedule: CardSchedule(), status: .new)
                #expect(a.bytes == c.bytes)
            }
            #expect(fast.position(of: "b0-999") == nil && fast.question("nope") == nil)
            #expect(fast.topicCounts.map(\.topic) == slow.topicCounts.map(\.topic))
            #expect(fast.topicCounts.map(\.count) == slow.topicCounts.map(\.count))
            #expect(fast.questions == slow.questions)
            #expect(gradingDocuments(fast) == gradingDocuments(slow.questions))
        }
        // The same ids in a second indexed bank: the error names both places, as for decoded banks.
        let copy = dir + "/copy.json"
        try writeFile(copy, indexTestBank(5, word: "again", prefix: "b2"))
        _ = try load(cache, copy)
        let (again, _) = try load(cache, copy)
        #expect(throws: BankError.self) { try Catalog(banks: [indexed[2], again]) }
        do { _ = try Catalog(banks: [indexed[2], again]) } catch {
            #expect(error.message.contains("duplicate question id \"b2-0\" (first defined at \(dir)/b2.json:"), "\(error.message)")
            #expect(error.description.hasPrefix("\(copy):"), "\(error.description)")
        }
    }

    @Test func aChangeKeepingSizeAndMtimeIsPickedUp() throws {
        let dir = tempDir("index")
        let file = dir + "/bank.json"
        try writeFile(file, indexTestBank(20, word: "alpha"))
        setMtime(file, 1_700_000_000, 123_456_789)
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        #expect(try load(cache, file).1 == .built)
        #expect(try load(cache, file).1 == .index)
        // One word changed in place, same length, and the mtime put back: only ctime and the content moved.
        var st0 = stat()
        stat(file, &st0)
        try writeFile(file, indexTestBank(20, word: "gamma"))
        setMtime(file, 1_700_000_000, 123_456_789)
        var st1 = stat()
        stat(file, &st1)
        #expect(st0.st_size == st1.st_size && st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec)
        let (bank, outcome) = try load(cache, file)
        #expect(outcome == .built)
        #expect(bank.questions[3].title == "Question 3 about gamma")
        #expect(bank.questions[3].prompt.contains("gamma"))
    }

    @Test func aTouchedButUnchangedFileKeepsItsIndex() throws {
        let dir = tempDir("index")
        let file = dir + "/bank.json"
        try writeFile(file, indexTestBank(10))
        setMtime(file, 1_700_000_000, 0)
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        #expect(try load(cache, file).1 == .built)
        setMtime(file, 1_700_000_500, 0)
        #expect(try load(cache, file).1 == .restamped)
        #expect(try load(cache, file).1 == .index)
    }

    @Test func aRacyIndexIsCheckedByContent() throws {
        let dir = tempDir("index")
        let file = dir + "/bank.json"
        try writeFile(file, indexTestBank(10))
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        // Built "now", within a second of the file's last change: the next load reads the content to be sure.
        let (result, outcome) = try #require(cache.load(file, now: Date.init))
        #expect(outcome == .built && (try? result.get()) != nil)
        #expect(try load(cache, file).1 == .restamped)
        #expect(try load(cache, file).1 == .index)
    }

    /// An index whose checksums are right but whose columns or records are not what this version writes (a
    /// value out of range, records that do not tile their section, a byte range beyond the file) is rebuilt,
    /// never read: making a question from it could not fail later.
    @Test func anIndexWithValidChecksumsButWrongRecordsIsRebuilt() throws {
        let dir = tempDir("index-forged")
        let file = dir + "/bank.json"
        try writeFile(file, indexTestBank(9))
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        let (decoded, _) = try load(cache, file)
        let path = BankIndex.path(forBank: file, in: cache.directory)
        let good = try #require(try FileIO.read(path))
        let h = try #require(BankIndex.decodeHeader(good))
        let meta = Array(good[h.metaAt..<(h.metaAt + h.metaLength)])
        // Where the columns are: after the bank path, the deck, the topics and the count.
        let r = meta.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            _ = r.string(); _ = r.string(); _ = r.string()
            for _ in 0..<Int(r.u32()) { _ = r.string() }
            _ = r.u32()
            return r.at
        }
        let n = 9, offsetsAt = r, difficultyAt = r + 4 * n, kindAt = difficultyAt + n, startsAt = kindAt + n, topicsAt = startsAt + 4 * (n + 1)
        func u32(_ m: [UInt8], _ at: Int) -> UInt32 { m.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt32.self) } }
        func put(_ m: inout [UInt8], _ at: Int, _ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { m.replaceSubrange(at..<(at + 4), with: $0) } }
        func put64(_ m: inout [UInt8], _ at: Int, _ v: Int64) { withUnsafeBytes(of: v.littleEndian) { m.replaceSubrange(at..<(at + 8), with: $0) } }
        let record = { (q: Int) in Int(u32(meta, offsetsAt + 4 * q)) }
        let cases: [(String, (inout [UInt8]) -> Void)] = [
            ("difficulty 3", { $0[difficultyAt + 4] = 3 }),
            ("kind 5", { $0[kindAt] = 5 }),
            ("a topic beyond the topics", { put(&$0, topicsAt + 4, 99) }),
            ("topic starts going back", { put(&$0, startsAt + 4 * 3, u32(meta, startsAt + 4 * 2) &- 1) }),
            ("the first record not where the records start", { put(&$0, offsetsAt, u32(meta, offsetsAt) + 1) }),
            ("an id one byte longer", { put(&$0, record(4), u32(meta, record(4)) + 1) }),
            ("a title past the section", { put(&$0, record(8) + 4, 1 << 15) }),
            ("a range beyond the file", { put64(&$0, record(2) + 36, Int64(decoded.questions.count) << 40) }),
            ("an empty range", { put64(&$0, record(3) + 36, 0) }),
        ]
        for (what, change) in cases {
            var forged = meta
            change(&forged)
            #expect(forged != meta, "\(what)")
            var header = h
            header.metaChecksum = SnapshotCodec.checksum(forged[...])
            try Data(BankIndex.encodeHeader(header) + forged + good[(h.metaAt + h.metaLength)...]).write(to: URL(fileURLWithPath: path))
            let (bank, outcome) = try load(cache, file)
            #expect(outcome == .built, "\(what)")
            #expect(bank == decoded, "\(what)")
        }
        // The same rewriting with nothing changed is read as it is (the forging above is what is refused).
        var header = h
        header.metaChecksum = SnapshotCodec.checksum(meta[...])
        try Data(BankIndex.encodeHeader(header) + meta + good[(h.metaAt + h.metaLength)...]).write(to: URL(fileURLWithPath: path))
        #expect(try load(cache, file).1 == .index)
    }

    @Test func aDamagedForeignOrStaleIndexIsNeverTrusted() throws {
        let dir = tempDir("index")
        let file = dir + "/bank.json", other = dir + "/other.json"
        try writeFile(file, indexTestBank(12, word: "alpha"))
        try writeFile(other, indexTestBank(12, word: "omega"))
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        _ = try load(cache, file)
        _ = try load(cache, other)
        let path = BankIndex.path(forBank: file, in: cache.directory)
        let good = try #require(try FileIO.read(path))
        let header = try #require(BankIndex.decodeHeader(good))
        // Every single flipped byte, in the header and the metadata, sends the load back to the bank file.
        for k in stride(from: 0, to: header.searchAt, by: 3) {
            var bad = good
            bad[k] ^= 0x5A
            try Data(bad).write(to: URL(fileURLWithPath: path))
            let (bank, outcome) = try load(cache, file)
            #expect(outcome == .built, "byte \(k)")
            #expect(bank.questions[1].title == "Question 1 about alpha")
        }
        // A flipped byte in the search texts: they fail their checksum when read, and are folded from the
        // questions instead.
        var bad = good
        bad[header.searchAt + header.searchLength / 2] ^= 0x5A
        try Data(bad).write(to: URL(fileURLWithPath: path))
        let (damaged, kept) = try load(cache, file)
        #expect(kept == .index)
        #expect(damaged.searchTexts?.load() == nil)
        let catalog = try Catalog(banks: [damaged])
        #expect(catalog.searchTexts() == SearchTexts(try BankFormat.decode(try #require(try FileIO.read(file)), file: file).questions))
        // Another bank's index put in its place is foreign: rebuilt.
        try Data(try #require(try FileIO.read(BankIndex.path(forBank: other, in: cache.directory)))).write(to: URL(fileURLWithPath: path))
        let (bank, outcome) = try load(cache, file)
        #expect(outcome == .built && bank.questions[0].title.hasSuffix("alpha"))
        // Truncated: rebuilt.
        try Data(good.prefix(100)).write(to: URL(fileURLWithPath: path))
        #expect(try load(cache, file).1 == .built)
    }

    @Test func aReadOnlyCacheNeverWritesAndABadBankStillReportsItsPosition() throws {
        let dir = tempDir("index")
        let file = dir + "/bank.json"
        try writeFile(file, indexTestBank(5))
        let ro = BankIndexCache(directory: dir + "/bank-index", writable: false)
        #expect(try load(ro, file).1 == .decoded)
        #expect(!FileIO.exists(dir + "/bank-index"))
        // Index build = full validation: the same message, file:line:column, as decoding it.
        try writeFile(file, "{\"format\": \"prepdeck-bank\", \"version\": 1,\n  \"deck\": {\"id\": \"d\", \"title\": \"D\"},\n  \"questions\": [}\n")
        let rw = BankIndexCache(directory: dir + "/bank-index", writable: true)
        let (result, _) = try #require(rw.load(file, now: later))
        #expect(throws: BankError.self) { try result.get() }
        if case let .failure(e) = result { #expect(e.description.hasPrefix(file + ":3:")) }
        // A follow-up answer count that does not match the follow-ups is an error too.
        try writeFile(file, indexTestBank(3).replacingOccurrences(of: "\"like this\"", with: "\"like this\", \"and more\""))
        let (bad, _) = try #require(rw.load(file, now: later))
        if case let .failure(e) = bad { #expect(e.message.contains("followUpAnswers")) } else { Issue.record("accepted") }
    }

    @Test func aBankThatChangesAfterLoadingShowsAPlaceholderNotWrongText() throws {
        let dir = tempDir("index")
        let file = dir + "/bank.json"
        try writeFile(file, indexTestBank(8))
        setMtime(file, 1_700_000_000, 0)
        let cache = BankIndexCache(directory: dir + "/bank-index", writable: true)
        _ = try load(cache, file)
        let (bank, outcome) = try load(cache, file)
        #expect(outcome == .index)
        // The file is rewritten in place (same inode) before the text is first read.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try h.write(contentsOf: Data(indexTestBank(8, word: "zzzzz").utf8))
        try h.close()
        #expect(bank.questions[4].prompt.contains("Restart prepdeck"))
        #expect(bank.questions[4].answer.contains("restart prepdeck"))
        #expect(bank.questions[4].keyPoints.count == 3)
    }
}

@Suite struct CardTableTests {
    @Test func findsEveryCardAndNothingElse() {
        let names = (0..<5000).map { "card-\($0)-\(String(repeating: "x", count: $0 % 40))" }
        let schedules = names.indices.map { k -> CardSchedule in var s = CardSchedule(); s.state = .review; s.reps = k; return s }
        let table = CardTable(names: names, schedules: schedules, firsts: names.map { _ in nil })
        for (k, n) in names.enumerated() { #expect(table.index(of: n) == k) }
        #expect(table.index(of: "card-5000-") == nil && table.index(of: "") == nil)
        #expect(CardTable.empty.index(of: "a") == nil)
    }

    /// The first review dates without their ids are those `forEachFirstReview` gives: the table's, but for
    /// the cards changed since (undone to nothing, rated again), and the cards the table lacks.
    @Test func firstReviewDatesSkipTheChangedCards() {
        var rng = SnapRNG(state: 17)
        for _ in 0..<20 {
            let names = (0..<(10 + rng.below(200))).map { "c\($0)" }
            let firsts: [Date?] = names.map { _ in rng.below(4) == 0 ? nil : t0.addingTimeInterval(Double(rng.below(1000))) }
            let table = CardTable(names: names, schedules: names.map { _ in CardSchedule() }, firsts: firsts)
            var overrides: [String: (schedule: CardSchedule?, first: Date?)] = [:]
            for n in names where rng.below(5) == 0 { overrides[n] = (nil, rng.below(2) == 0 ? nil : t0.addingTimeInterval(-5)) }
            for k in 0..<rng.below(4) { overrides["new\(k)"] = (CardSchedule(), t0.addingTimeInterval(Double(7 * k))) }
            let p = StudyProgress(settings: Settings(), table: table, overrides: overrides, source: nil)
            var withIDs: [Date] = [], dates: [Date] = []
            p.forEachFirstReview { _, d in withIDs.append(d) }
            p.forEachFirstReviewDate { dates.append($0) }
            #expect(dates.sorted() == withIDs.sorted() && !dates.isEmpty)
        }
    }

    @Test func progressChangesOverTheTable() {
        func sched(_ reps: Int) -> CardSchedule { var s = CardSchedule(); s.state = .review; s.reps = reps; return s }
        let t = CardTable(names: ["a", "b"], schedules: [sched(1), sched(2)], firsts: [t0, t0])
        var p = StudyProgress(settings: Settings(), table: t, source: nil)
        #expect(p.reviewedCount == 2 && p.schedule("b").reps == 2 && p.reviewedSchedule("c") == nil)
        p.apply(ReviewEvent(id: "e1", card: "c", rating: .good, at: t0, ms: nil, mode: .review))
        #expect(p.reviewedCount == 3 && p.reviewedSchedule("c") != nil && p.firstReview("c") == t0)
        #expect(Set(p.schedules.keys) == ["a", "b", "c"])
        p.undo("e1", card: "c")
        #expect(p.reviewedCount == 2 && p.reviewedSchedule("c") == nil && p.firstReview("c") == nil)
    }
}
