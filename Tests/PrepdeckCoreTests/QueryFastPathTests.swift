import Foundation
import Testing
@testable import PrepdeckCore

// Search and sorting were rewritten for speed (docs/performance.md, "TUI"): ASCII folding without Foundation,
// one buffer per field searched with memchr, every question classified at once, sort keys computed once, the
// index built lazily. These tests hold the new code to the old one, kept below as the reference.

/// The folding the old code used for everything.
func referenceFold(_ s: String) -> String {
    s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
}

@Suite struct FastQueryTests {
    @Test func asciiFoldingIsFoundationFolding() {
        // Every ASCII pair (single characters included), then random strings with and without other characters.
        for a in 0..<128 {
            for b in 0..<128 {
                let s = String(decoding: [UInt8(a), UInt8(b)], as: UTF8.self)
                #expect(Array(searchFold(s).utf8) == Array(referenceFold(s).utf8), "\([a, b])")
            }
            let s = String(decoding: [UInt8(a)], as: UTF8.self)
            #expect(Array(searchFold(s).utf8) == Array(referenceFold(s).utf8), "\(a)")
        }
        var rng = TestRNG(seed: 17)
        let pieces = ["a", "Z", "M", " ", "-", "\r\n", "\n", "É", "é", "e\u{301}", "ß", "ﬁ", "Ａ", "İ", "ı", "Σ", "ς", "中", "😀", "\u{0}", "~", "`", "^", "_"]
        for _ in 0..<3000 {
            var s = ""
            for _ in 0..<rng.below(12) { s += pieces[rng.below(rng.below(3) == 0 ? pieces.count : 7)] }
            #expect(Array(searchFold(s).utf8) == Array(referenceFold(s).utf8), "\(Array(s.utf8))")
            #expect(SearchIndex.words(s) == ReferenceSearchIndex.words(s), "\(Array(s.utf8))")
        }
    }

    static func question(_ k: Int, rng: inout TestRNG) -> Question {
        let words = ["Optimistic", "locking", "cache", "Crème", "brûlée", "CACHE", "lock", "ing", "the", "of", "Ｗide", "straße",
                     "x", "ab", "cd", "abc", "e\u{301}", "İstanbul", "日本", "😀", "Lo", "ck"]
        func text(_ n: Int) -> String { (0..<n).map { _ in words[rng.below(words.count)] }.joined(separator: rng.below(4) == 0 ? "" : " ") }
        let topics = ["caching", "sql", "locks", "concurrency"]
        return Question(id: "q-\(k)", title: text(1 + rng.below(4)), prompt: text(rng.below(8)), difficulty: Difficulty.allCases[rng.below(3)],
                        kind: Kind.allCases[rng.below(5)], topics: (0..<(1 + rng.below(2))).map { _ in topics[rng.below(topics.count)] },
                        answer: "a", keyPoints: ["1", "2", "3"])
    }

    static let queries = ["", " ", "lock", "LOCK", "locking", "optimistic locking", "creme", "CRÈME", "brulee", "cache lock", "ck",
                          "bc", "abcd", "b c", "q-1", "q-", "caching", "sql q-3", "e", "é", "strasse", "ß", "wide", "ｗide", "日本", "😀",
                          "istanbul", "i̇stanbul", "\n", "-", "zzz", "lo ck", "  lock  ", "ing\ncach"]

    @Test func searchMatchesTheReference() {
        var rng = TestRNG(seed: 23)
        for round in 0..<30 {
            let qs = (0..<(1 + rng.below(60))).map { FastQueryTests.question($0, rng: &rng) }
            let idx = SearchIndex(qs), ref = ReferenceSearchIndex(qs)
            #expect(idx.count == qs.count)
            for query in FastQueryTests.queries {
                let words = SearchIndex.words(query)
                let state = idx.classify(words: words)
                for i in qs.indices {
                    let expected = ref.match(i, words: words)
                    #expect(idx.match(i, words: words) == expected, "round \(round) query \(query) question \(i)")
                    let got: SearchIndex.Hit? = state[i] == 2 ? nil : (state[i] == 0 ? .title : .body)
                    #expect(got == (words.isEmpty ? .title : expected), "round \(round) query \(query) question \(i)")
                    for w in words { #expect(idx.match(i, needle: w) == ref.match(i, needle: w)) }
                }
            }
        }
    }

    /// A word must lie inside one question's text, never across two of them.
    @Test func matchesDoNotStraddleQuestions() {
        let qs = [Question(id: "a", title: "xxab", prompt: "p", difficulty: .easy, kind: .coding, topics: ["t"], answer: "a", keyPoints: []),
                  Question(id: "b", title: "cdyy", prompt: "p", difficulty: .easy, kind: .coding, topics: ["t"], answer: "a", keyPoints: []),
                  Question(id: "c", title: "", prompt: "", difficulty: .easy, kind: .coding, topics: [], answer: "a", keyPoints: []),
                  Question(id: "d", title: "abcd", prompt: "", difficulty: .easy, kind: .coding, topics: [], answer: "a", keyPoints: [])]
        var f = QuestionFilter()
        f.search = "abcd"
        #expect(runQuery(questions: qs, index: SearchIndex(qs), filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [3])
        f.search = "bcdy"
        #expect(runQuery(questions: qs, index: SearchIndex(qs), filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [])
        f.search = "pp"
        #expect(runQuery(questions: qs, index: SearchIndex(qs), filter: f, sort: .bank, info: { _ in CardInfo() }, now: Date()) == [])
    }

    @Test func queriesMatchTheReference() {
        var rng = TestRNG(seed: 29)
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        for round in 0..<40 {
            let qs = (0..<(1 + rng.below(80))).map { FastQueryTests.question($0, rng: &rng) }
            // Card infos with ties, unseen cards, far and missing due dates, -0.0 and NaN retrievability.
            let infos: [CardInfo] = qs.indices.map { _ in
                var s = CardSchedule()
                if rng.below(4) > 0 {
                    s.state = [.learning, .review, .relearning][rng.below(3)]
                    s.due = rng.below(5) == 0 ? nil : now.addingTimeInterval(Double(rng.below(5) - 2) * 86_400)
                }
                let r: Double = [0.5, 0.9, 0, -0.0, .nan, 0.5, 1][rng.below(7)]
                return CardInfo(schedule: s, practiced: rng.below(3), retrievability: r)
            }
            let idx = SearchIndex(qs), ref = ReferenceSearchIndex(qs)
            for _ in 0..<12 {
                var f = QuestionFilter()
                if rng.below(3) == 0 { f.difficulties = [Difficulty.allCases[rng.below(3)]] }
                if rng.below(4) == 0 { f.kinds = [Kind.allCases[rng.below(5)], Kind.allCases[rng.below(5)]] }
                if rng.below(4) == 0 { f.topics = ["sql"] }
                if rng.below(3) == 0 { f.statuses = [CardStatus.allCases[rng.below(4)]] }
                f.search = rng.below(2) == 0 ? "" : FastQueryTests.queries[rng.below(FastQueryTests.queries.count)]
                for sort in QuestionSort.allCases {
                    let got = runQuery(questions: qs, index: idx, filter: f, sort: sort, info: { infos[$0] }, now: now)
                    let expected = referenceRunQuery(questions: qs, index: ref, filter: f, sort: sort, info: { infos[$0] }, now: now)
                    // Identical even with NaN retrievability (not a strict order): the same comparisons in the same sort.
                    #expect(got == expected, "round \(round) \(sort) \(f.search)")
                    // With every status given (as `list` gives them), the status facet reads them instead of the schedules.
                    let given = runQuery(columns: QuestionColumns(qs), title: { qs[$0].title }, index: idx, filter: f, sort: sort,
                                         info: { infos[$0] }, now: now, statuses: infos.map { CardStatus($0.schedule, now: now) })
                    #expect(given == expected, "round \(round) \(sort) \(f.search), statuses given")
                }
            }
        }
    }

    @Test func titleOrderOfNonASCIITitlesIsStringOrder() {
        // Only empty titles (no title bytes at all), then a mixture.
        let empty = (0..<3).map { Question(id: "e\($0)", title: "", prompt: "", difficulty: .easy, kind: .coding, topics: [], answer: "", keyPoints: []) }
        #expect(runQuery(questions: empty, index: SearchIndex(empty), filter: QuestionFilter(), sort: .title, info: { _ in CardInfo() }, now: Date()) == [0, 1, 2])
        let titles = ["Éclair", "eclair", "Zebra", "ábc", "abc", "ABC", "Straße", "strasse", "日本", "😀", "", "a", "A", "e\u{301}clair", "\u{E9}clair"]
        let qs = titles.enumerated().map { Question(id: "q\($0.offset)", title: $0.element, prompt: "", difficulty: .easy, kind: .coding,
                                                    topics: [], answer: "", keyPoints: []) }
        let got = runQuery(questions: qs, index: SearchIndex(qs), filter: QuestionFilter(), sort: .title, info: { _ in CardInfo() }, now: Date())
        let expected = referenceRunQuery(questions: qs, index: ReferenceSearchIndex(qs), filter: QuestionFilter(), sort: .title,
                                         info: { _ in CardInfo() }, now: Date())
        #expect(got == expected)
    }

    /// A large index is built on another thread; searching at once, from several threads, waits for it.
    @Test func largeIndexIsBuiltInTheBackgroundAndSharedSafely() async {
        var rng = TestRNG(seed: 31)
        let qs = (0..<(SearchIndex.backgroundThreshold + 500)).map { FastQueryTests.question($0, rng: &rng) }
        let idx = SearchIndex(qs)
        let ref = ReferenceSearchIndex(qs)
        let words = SearchIndex.words("lock")
        let expected = qs.indices.map { i -> UInt8 in
            guard let h = ref.match(i, words: words) else { return 2 }
            return h == .title ? 0 : 1
        }
        await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<4 { group.addTask { idx.classify(words: words) } }
            for await got in group { #expect(got == expected) }
        }
        let lazy = SearchIndex(Array(qs.prefix(100)))
        lazy.prepare()
        #expect(lazy.classify(words: words) == Array(expected.prefix(100)))
    }
}

// MARK: - The reference: search and query as they were before (unchanged but for their names)

/// A precomputed, folded copy of the searchable text of every question.
struct ReferenceSearchIndex: Sendable {
    private var titles: [[UInt8]]
    private var bodies: [[UInt8]]

    init(_ questions: [Question]) {
        titles = questions.map { Array(referenceFold($0.title).utf8) }
        bodies = questions.map { Array(referenceFold($0.prompt + "\n" + $0.topics.joined(separator: " ") + "\n" + $0.id).utf8) }
    }

    typealias Hit = SearchIndex.Hit

    /// Where a folded needle occurs in question `i`: the title, the prompt/topics, or nowhere.
    func match(_ i: Int, needle: [UInt8]) -> Hit? {
        if needle.isEmpty { return .title }
        if contains(titles[i], needle) { return .title }
        if contains(bodies[i], needle) { return .body }
        return nil
    }

    /// Every word of the query must match somewhere; the best field of the first word ranks.
    func match(_ i: Int, words: [[UInt8]]) -> Hit? {
        var best: Hit?
        for w in words {
            guard let h = match(i, needle: w) else { return nil }
            best = best.map { max($0, h) } ?? h
        }
        return best ?? .title
    }

    static func words(_ query: String) -> [[UInt8]] {
        referenceFold(query).split(whereSeparator: { $0 == " " }).map { Array($0.utf8) }
    }

    private func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = hay.count
        guard n <= h else { return false }
        let first = needle[0]
        return hay.withUnsafeBufferPointer { hp in
            needle.withUnsafeBufferPointer { np in
                var k = 0
                let last = h - n
                while k <= last {
                    if hp[k] == first {
                        var j = 1
                        while j < n && hp[k + j] == np[j] { j += 1 }
                        if j == n { return true }
                    }
                    k += 1
                }
                return false
            }
        }
    }
}

/// Filters, searches and sorts the catalogue. Returns indices into `questions`.
func referenceRunQuery(questions: [Question], index: ReferenceSearchIndex, filter: QuestionFilter, sort: QuestionSort,
                     info: (Int) -> CardInfo, now: Date) -> [Int] {
    let words = ReferenceSearchIndex.words(filter.search)
    var hits: [(i: Int, hit: SearchIndex.Hit)] = []
    hits.reserveCapacity(questions.count)
    for i in questions.indices {
        let q = questions[i]
        if filter.hasFacets {
            let st = filter.statuses.isEmpty ? CardStatus.new : CardStatus(info(i).schedule, now: now)
            // The sets themselves (the query tests bit masks made from them).
            guard filter.difficulties.isEmpty || filter.difficulties.contains(q.difficulty),
                  filter.kinds.isEmpty || filter.kinds.contains(q.kind),
                  filter.topics.isEmpty || q.topics.contains(where: filter.topics.contains),
                  filter.statuses.isEmpty || filter.statuses.contains(st) else { continue }
        }
        if words.isEmpty { hits.append((i, .title)); continue }
        if let h = index.match(i, words: words) { hits.append((i, h)) }
    }
    func key(_ a: Int, _ b: Int) -> Bool? {
        switch sort {
        case .bank: return nil
        case .title:
            let x = questions[a].title.lowercased(), y = questions[b].title.lowercased()
            return x == y ? nil : x < y
        case .difficulty:
            let x = questions[a].difficulty, y = questions[b].difficulty
            return x == y ? nil : x < y
        case .due:
            let x = info(a).schedule.due ?? .distantFuture, y = info(b).schedule.due ?? .distantFuture
            return x == y ? nil : x < y
        case .practiced:
            let x = info(a).practiced, y = info(b).practiced
            return x == y ? nil : x > y
        case .weakest:
            // Seen cards by retrievability (lowest first), then unseen.
            let sa = info(a), sb = info(b)
            let x = sa.schedule.state == .new ? 2.0 : sa.retrievability
            let y = sb.schedule.state == .new ? 2.0 : sb.retrievability
            return x == y ? nil : x < y
        }
    }
    hits.sort { a, b in
        if a.hit != b.hit { return a.hit < b.hit }
        if let k = key(a.i, b.i) { return k }
        return a.i < b.i
    }
    return hits.map(\.i)
}

/// `terminalSafe`: control characters (C0, DEL, C1) become visible stand-ins; everything else, and text
/// without them, is returned as it was.
@Suite struct TerminalSafeTests {
    @Test func controlsAreReplacedAndTheRestKept() {
        #expect(terminalSafe("plain title, no controls") == "plain title, no controls")
        #expect(terminalSafe("ünïcödé — ok ✓") == "ünïcödé — ok ✓")
        #expect(terminalSafe("a\u{1B}[31mred") == "a\u{241B}[31mred")
        #expect(terminalSafe("tab\there\nline") == "tab\u{2409}here\u{240A}line")
        #expect(terminalSafe("tab\there\nline", keepNewlines: true) == "tab\there\nline")
        #expect(terminalSafe("del\u{7F}") == "del\u{2421}")
        #expect(terminalSafe("c1\u{9B}x") == "c1\u{FFFD}x")
        // U+00C2 (Â) shares its lead byte with the C1 controls and is kept.
        #expect(terminalSafe("Â la carte") == "Â la carte")
        // A string without contiguous UTF-8 (bridged from NSString) is checked the same way.
        let bridged = NSString(string: "bridged\u{07}bell") as String
        #expect(terminalSafe(bridged) == "bridged\u{2407}bell")
    }

    /// The word-at-a-time scan answers as a byte-by-byte one, at every length and position of a bad byte
    /// (each of the byte values next to the ones it looks for, too).
    @Test func wordScanEqualsTheByteScan() {
        func reference(_ u: [UInt8], _ keep: Bool) -> Bool {
            !u.contains { b in (b < 0x20 || b == 0x7F || b == 0xC2) && !(keep && (b == 0x0A || b == 0x09)) }
        }
        let near: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x7E, 0x7F, 0x80, 0x81, 0xA0, 0xC1, 0xC2, 0xC3, 0xFE, 0xFF, 0x41]
        var rng = TestRNG(seed: 53)
        for n in 0..<40 {
            for _ in 0..<60 {
                var u = (0..<n).map { _ in UInt8(0x20 + rng.below(0x5F)) } // printable ASCII
                for _ in 0..<rng.below(3) where n > 0 { u[rng.below(n)] = rng.below(2) == 0 ? near[rng.below(near.count)] : UInt8(rng.below(256)) }
                for keep in [false, true] {
                    let got = u.withUnsafeBytes { isTerminalSafe($0, keepNewlines: keep) }
                    #expect(got == reference(u, keep), "\(u) keep \(keep)")
                }
            }
        }
    }
}
