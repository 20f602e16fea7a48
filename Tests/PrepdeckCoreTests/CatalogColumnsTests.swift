import Foundation
import Testing
@testable import PrepdeckCore

/// Names packed end to end in one allocation, as a mapped file holds them.
final class TestPackedNames: PackedNames, @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private let offsets: [Int]
    init(_ names: [String]) {
        var offsets = [0]
        for n in names { offsets.append(offsets.last! + n.utf8.count) }
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(1, offsets.last!), alignment: 1)
        for (k, n) in names.enumerated() {
            let u = Array(n.utf8)
            u.withUnsafeBytes { if let p = $0.baseAddress { (base + offsets[k]).copyMemory(from: p, byteCount: u.count) } }
        }
        self.base = base
        self.offsets = offsets
    }
    deinit { base.deallocate() }
    var count: Int { offsets.count - 1 }
    func bytes(_ k: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + offsets[k], count: offsets[k + 1] - offsets[k]) }
}

@Suite struct CatalogColumnsTests {
    /// Random questions whose ids start with `prefix`, titles with quotes, controls and non-ASCII text.
    static func questions(_ n: Int, prefix: String, rng: inout TestRNG) -> [Question] {
        let words = ["cache", "\"quoted\"", "back\\slash", "tab\there", "ünï", "日本", "😀", "\u{1}", "\u{7F}", "x"]
        let topics = ["caching", "sql", "locks", "concurrency", "dns", "http"]
        return (0..<n).map { k in
            Question(id: "\(prefix)-\(k)", title: (0..<(1 + rng.below(4))).map { _ in words[rng.below(words.count)] }.joined(separator: " "),
                     prompt: "p", difficulty: Difficulty.allCases[rng.below(3)], kind: Kind.allCases[rng.below(5)],
                     topics: (0..<rng.below(4)).map { _ in topics[rng.below(topics.count)] }, answer: "a", keyPoints: ["1"])
        }
    }

    /// A catalogue of several banks answers by position as its questions do: ids, titles (as bytes too),
    /// facets, topics (interned across banks), topic counts, positions by id, and the list JSON.
    @Test func positionsAnswerAsTheQuestions() throws {
        var rng = TestRNG(seed: 41)
        for round in 0..<20 {
            let banks = (0..<(1 + rng.below(4))).map { b in
                Bank(file: "b\(b).json", deck: Deck(id: "d\(b)", title: "D"), questions: CatalogColumnsTests.questions(rng.below(30), prefix: "b\(b)", rng: &rng))
            }
            let all = banks.flatMap(\.questions)
            let catalog = try Catalog(banks: banks)
            #expect(catalog.count == all.count && catalog.columns.count == all.count)
            #expect(catalog.questions == all)
            #expect(catalog.allIDs == all.map(\.id))
            #expect(gradingDocuments(catalog) == gradingDocuments(all))
            for (k, q) in all.enumerated() {
                #expect(catalog.question(at: k) == q && catalog.id(at: k) == q.id && catalog.title(at: k) == q.title, "round \(round) #\(k)")
                #expect(catalog.withID(at: k) { Array($0) } == Array(q.id.utf8))
                #expect(catalog.withTitle(at: k) { Array($0) } == Array(q.title.utf8))
                #expect(catalog.difficulty(at: k) == q.difficulty && catalog.kind(at: k) == q.kind && catalog.topics(at: k) == q.topics)
                #expect(catalog.position(of: q.id) == k)
                var s = CardSchedule()
                if k % 2 == 1 { s.state = .review; s.due = Date(timeIntervalSince1970: Double(1_700_000_000 + k)); s.reps = k }
                let status = CardStatus.allCases[k % 4]
                var fast = JSONBytes(indent: k % 3 == 0 ? 2 : nil), slow = JSONBytes(indent: k % 3 == 0 ? 2 : nil)
                catalog.forEachIDAndTitle([k]) { _, id, title in catalog.writeListJSON(at: k, id: id, title: title, into: &fast, schedule: s, status: status) }
                q.writeListJSON(into: &slow, schedule: s, status: status)
                #expect(fast.bytes == slow.bytes, "round \(round) #\(k): \(String(decoding: fast.bytes, as: UTF8.self))")
            }
            #expect(catalog.position(of: "missing") == nil)
            var counts: [String: Int] = [:]
            for q in all { for t in q.topics { counts[t, default: 0] += 1 } }
            #expect(catalog.topicCounts.map(\.topic) == counts.keys.sorted())
            #expect(catalog.topicCounts.map(\.count) == counts.keys.sorted().map { counts[$0]! })
        }
    }

    /// The query over a catalogue's merged columns selects and orders as the one over its questions.
    @Test func catalogueQueriesEqualQuestionQueries() throws {
        var rng = TestRNG(seed: 43)
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        for round in 0..<20 {
            let banks = (0..<(1 + rng.below(3))).map { b in
                Bank(file: "b\(b).json", deck: Deck(id: "d\(b)", title: "D"), questions: CatalogColumnsTests.questions(1 + rng.below(40), prefix: "b\(b)", rng: &rng))
            }
            let catalog = try Catalog(banks: banks)
            let all = catalog.questions
            let infos: [CardInfo] = all.indices.map { _ in
                var s = CardSchedule()
                if rng.below(3) > 0 { s.state = [.learning, .review, .relearning][rng.below(3)]; s.due = now.addingTimeInterval(Double(rng.below(5) - 2) * 86_400) }
                return CardInfo(schedule: s, practiced: rng.below(3), retrievability: [0.5, 0.9, 0, 1][rng.below(4)])
            }
            let index = SearchIndex(catalog, prefetch: false)
            for _ in 0..<10 {
                var f = QuestionFilter()
                if rng.below(2) == 0 { f.difficulties = [Difficulty.allCases[rng.below(3)]] }
                if rng.below(2) == 0 { f.kinds = [Kind.allCases[rng.below(5)], Kind.allCases[rng.below(5)]] }
                if rng.below(2) == 0 { f.topics = [["sql", "dns", "nope"][rng.below(3)]] }
                if rng.below(3) == 0 { f.statuses = [CardStatus.allCases[rng.below(4)]] }
                if rng.below(3) == 0 { f.search = ["cache", "ünï", "x"][rng.below(3)] }
                for sort in QuestionSort.allCases {
                    let got = runQuery(catalog: catalog, index: index, filter: f, sort: sort, info: { infos[$0] }, now: now)
                    let expected = runQuery(questions: all, index: SearchIndex(all), filter: f, sort: sort, info: { infos[$0] }, now: now)
                    #expect(got == expected, "round \(round) \(sort)")
                    // And each listed question passes the question-by-question test, each one left out fails it.
                    if f.search.isEmpty {
                        let test = f.facetTest
                        let listed = Set(got)
                        for i in all.indices {
                            let st = f.statuses.isEmpty ? CardStatus.new : CardStatus(infos[i].schedule, now: now)
                            #expect(test.admits(all[i], status: st) == listed.contains(i))
                        }
                    }
                }
            }
        }
    }

    /// Packed ids (bytes in place) find what `String` ids find, and `CardTable.indices(of:)` answers as
    /// `index(of:)` does before and after the table's index is made, duplicates (the first) and misses included.
    @Test func packedIDsAndBatchLookUpsAgreeWithTheStrings() {
        var rng = TestRNG(seed: 47)
        for round in 0..<15 {
            let n = rng.below(300)
            var names = (0..<n).map { "card-\($0)-\(["", "é", "日本", String(repeating: "x", count: $0 % 37)][$0 % 4])" }
            if n > 3 { for _ in 0..<3 { names[rng.below(n)] = names[rng.below(n)] } } // duplicates
            if n > 0 && rng.below(2) == 0 { names[rng.below(n)] = "" }
            let packed = TestPackedNames(names)
            let strings = IDTable(names), bytes = IDTable(packed: packed)
            #expect(bytes.count == names.count && bytes.names == names)
            let probes = names + ["absent", "card-", "", "card-1-é "] + (0..<5).map { _ in "card-\(rng.below(400))-" }
            for p in probes {
                #expect(bytes.index(of: p) == strings.index(of: p), "round \(round) \(p)")
                #expect(strings.index(of: p) == names.firstIndex(of: p), "round \(round) \(p)")
            }
            for k in names.indices { #expect(bytes.name(k) == names[k]) }
            let schedules = names.map { _ in CardSchedule() }, firsts = names.map { _ in Date?.none }
            for table in [CardTable(names: names, schedules: schedules, firsts: firsts),
                          CardTable(packed: packed, schedules: schedules, firsts: firsts)] {
                let wanted = (0..<20).map { _ in probes[rng.below(probes.count)] }
                let before = table.indices(of: wanted)
                let one = wanted.map(table.index(of:)) // makes the table's index
                let after = table.indices(of: wanted)
                #expect(before == one && after == one, "round \(round)")
                #expect(one == wanted.map { names.firstIndex(of: $0) })
                #expect(table.names == names && names.indices.allSatisfy { table.name($0) == names[$0] })
            }
        }
    }
}
