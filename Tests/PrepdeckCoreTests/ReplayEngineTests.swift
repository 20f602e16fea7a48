import Foundation
import Testing
@testable import PrepdeckCore

/// A random review log: reviews over a few cards at times that mostly go forward, with duplicated lines,
/// undo lines (of earlier, later and unknown ids), lines written by other programs (escapes, key order,
/// non-ASCII), and bad lines.
func randomLogText(_ rng: inout TestRNG, lines: Int, cards: Int = 6) -> String {
    var t = RFC3339.parse("2026-01-05T08:00:00Z")!.timeIntervalSince1970
    var ids: [String] = []
    var out: [String] = []
    for k in 0..<lines {
        let roll = rng.below(100)
        if roll < 8, !out.isEmpty {
            out.append(out[rng.below(out.count)]) // a duplicated line
            continue
        }
        if roll < 14 {
            let target = ids.isEmpty || rng.below(5) == 0 ? "unknown-\(k)" : ids[rng.below(ids.count)]
            out.append(#"{"id":"u\#(k)","undo":"\#(target)","at":"\#(RFC3339.format(Date(timeIntervalSince1970: t)))"}"#)
            continue
        }
        if roll < 16 { out.append(rng.below(2) == 0 ? #"{"id": 5}"# : "not json"); continue }
        // Mostly forward in time, sometimes back (another device's clock), several a day.
        t += rng.below(10) == 0 ? -Double(rng.below(86400 * 3)) : Double(rng.below(86400 * 4))
        let id = rng.below(30) == 0 && !ids.isEmpty ? ids[rng.below(ids.count)] : "e\(k)" // reused id
        ids.append(id)
        let card = rng.below(40) == 0 ? "card-é\(rng.below(cards))" : "card-\(rng.below(cards))"
        let at = RFC3339.format(Date(timeIntervalSince1970: t + Double(rng.below(1000)) / 1000))
        let rating = 1 + rng.below(4)
        switch rng.below(10) {
        case 0: out.append(#"{"at":"\#(at)","rating":\#(rating),"card":"\#(card)","id":"\#(id)","extra":[1]}"#)
        case 1: out.append(#"{ "id" : "\#(id)", "card" : "\#(card.replacingOccurrences(of: "-", with: "\\u002d"))", "rating" : \#(rating), "at" : "\#(at)" }"#)
        default: out.append(#"{"id":"\#(id)","card":"\#(card)","rating":\#(rating),"at":"\#(at)","ms":\#(rng.below(99999)),"mode":"review"}"#)
        }
    }
    return out.joined(separator: "\n") + "\n"
}

/// The entries and problems the ordinary path gives for a log text (lines split as `JSONLines` does).
func referenceDecode(_ text: String) -> (entries: [LogEntry], problems: [LogLineProblem]) {
    let bytes = Array(text.utf8)
    var entries: [LogEntry] = [], problems: [LogLineProblem] = []
    var start = 0, number = 0
    for k in bytes.indices where bytes[k] == 0x0A {
        number += 1
        if k > start {
            do { entries.append(try LogEntry.decode(line: bytes[start..<k])) } catch {
                problems.append(LogLineProblem(line: number, column: error.column, message: error.message))
            }
        }
        start = k + 1
    }
    if start < bytes.count, let e = try? LogEntry.decode(line: bytes[start...]) { entries.append(e) }
    return (entries, problems)
}

@Suite struct ReplayEngineTests {
    func replay(_ text: String, settings: Settings = Settings(), workers: Int = 1) -> (schedules: [String: CardSchedule], firsts: [String: Date], problems: [LogLineProblem]) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            let scan = workers == 1 ? LogScan.scan(buf, range: 0..<buf.count, fileOffset: 0, firstLine: 1)
                : LogScan.scanParallel(buf, workers: workers)
            let eff = EffectiveLog(scan, buffer: buf)
            let rep = ReplayedCards(scan: scan, effective: eff, scheduler: makeScheduler(settings), workers: workers)
            var s: [String: CardSchedule] = [:], f: [String: Date] = [:]
            for (c, name) in rep.names.enumerated() where !eff.events(ofCard: c).isEmpty {
                s[name] = rep.schedules[c]
                f[name] = rep.firstReviews[c]
            }
            return (s, f, scan.problems)
        }
    }

    @Test func randomLogsReplayAsTheEntriesDo() {
        var rng = TestRNG(seed: 42)
        for round in 0..<300 {
            let text = randomLogText(&rng, lines: 1 + rng.below(80))
            var settings = Settings()
            settings.fuzz = round % 2 == 0
            if round % 5 == 0 { settings.scheduler = .sm2 }
            let ref = referenceDecode(text)
            let expected = StudyProgress(entries: ref.entries, settings: settings)
            let got = replay(text, settings: settings)
            #expect(got.schedules == expected.schedules, "round \(round)")
            #expect(got.firsts == expected.firstReviews, "round \(round)")
            #expect(got.problems == ref.problems, "round \(round)")
        }
    }

    @Test func eagerProgressFollowsEffectiveReviews() {
        var rng = TestRNG(seed: 3)
        for _ in 0..<100 {
            let entries = referenceDecode(randomLogText(&rng, lines: 60)).entries
            let p = StudyProgress(entries: entries, settings: Settings())
            var byCard: [String: [ReviewEvent]] = [:]
            for r in effectiveReviews(entries) { byCard[r.card, default: []].append(r) }
            #expect(p.history == byCard)
            for (card, events) in byCard { #expect(p.schedule(card) == p.scheduler.replay(events, cardID: card)) }
        }
    }

    /// A log of several MiB is cut into parts scanned on separate threads; line numbers and results match.
    @Test func parallelScanMatchesSingleScan() {
        var rng = TestRNG(seed: 99)
        var text = ""
        while text.utf8.count < 3 << 20 { text += randomLogText(&rng, lines: 500, cards: 50) }
        text += #"{"id":"torn","card":"#
        let one = replay(text, workers: 1)
        let many = replay(text, workers: 3)
        #expect(one.schedules == many.schedules)
        #expect(one.firsts == many.firsts)
        #expect(one.problems == many.problems && !one.problems.isEmpty)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buf in
            let a = LogScan.scan(buf, range: 0..<buf.count, fileOffset: 0, firstLine: 1)
            let b = LogScan.scanParallel(buf, workers: 3)
            #expect(a.tornTail?.line == b.tornTail?.line && a.tornTail?.offset == b.tornTail?.offset && a.tornTail != nil)
            #expect(a.lastCompleteLine == b.lastCompleteLine && a.completeEnd == b.completeEnd)
            #expect(a.records.count == b.records.count)
        }
    }

    /// On several threads (from 100,000 records; lowered here) the duplicate and undo rules are resolved
    /// partition by partition and each thread places its own cards: the same effective reviews as the entries
    /// give (duplicates, undos of earlier and later lines), in the same order.
    @Test func severalThreadsResolveDuplicatesAndUndosAsTheEntriesDo() {
        var rng = TestRNG(seed: 100_000)
        for round in 0..<20 {
            let text = randomLogText(&rng, lines: 200 + rng.below(2000), cards: 3 + rng.below(60))
            let expected = StudyProgress(entries: referenceDecode(text).entries, settings: Settings())
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buf in
                let scan = LogScan.scan(buf, range: 0..<buf.count, fileOffset: 0, firstLine: 1)
                for workers in [1, 2, 3] {
                    let eff = EffectiveLog(scan, lines: BufferLines(buf, fileOffset: 0), workers: workers, parallelFrom: 0)
                    var history: [String: [String]] = [:]
                    for c in 0..<scan.cards.count {
                        let ids = eff.events(ofCard: c).map { scan.key(Int($0), in: buf) }
                        if !ids.isEmpty { history[scan.cards.names[c]] = ids }
                    }
                    #expect(history == expected.history.mapValues { $0.map(\.id) }, "round \(round), workers \(workers)")
                }
            }
        }
    }

    /// Issue 17, case 10: a torn last line longer than a part (megabytes) is still reported, and the scan
    /// still ends at the last newline.
    @Test func aTornTailOfMegabytesIsReportedByTheParallelScan() {
        let text = #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"# + "\n" + #"{"id":"b","card":""# + String(repeating: "x", count: 5 << 20)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buf in
            let b = LogScan.scanParallel(buf, workers: 4)
            #expect(b.tornTail?.line == 2 && b.tornTail?.offset == 61 && b.tornTail?.length == buf.count - 61)
            #expect(b.records.count == 1 && b.completeEnd == 61 && b.lastCompleteLine == 1)
        }
    }

    @Test func lastLineWithoutNewlineCountsUnlessTorn() {
        let good = #"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"# + "\n" + #"{"id":"b","card":"x","rating":1,"at":"2026-11-30T10:15:00Z"}"#
        let bytes = Array(good.utf8)
        bytes.withUnsafeBufferPointer { buf in
            let s = LogScan.scan(buf, range: 0..<buf.count, fileOffset: 0, firstLine: 1)
            #expect(s.records.count == 2 && s.tornTail == nil && s.lastCompleteLine == 1)
        }
        let torn = Array((#"{"id":"a","card":"x","rating":3,"at":"2026-11-29T10:15:00Z"}"# + "\n{\"id\":").utf8)
        torn.withUnsafeBufferPointer { buf in
            let s = LogScan.scan(buf, range: 0..<buf.count, fileOffset: 100, firstLine: 7)
            #expect(s.records.count == 1 && s.problems.isEmpty)
            #expect(s.tornTail?.line == 8 && s.tornTail?.length == 6 && s.tornTail?.offset == 100 + torn.count - 6)
        }
    }

    @Test func progressUndoAndApplyInMemory() {
        let t = RFC3339.parse("2026-11-29T10:00:00Z")!
        let a = ReviewEvent(id: "a", card: "x", rating: .good, at: t)
        let b = ReviewEvent(id: "b", card: "x", rating: .again, at: t.addingTimeInterval(700))
        var p = StudyProgress(entries: [.review(a)], settings: Settings())
        p.apply(b)
        #expect(p.reviews("x") == [a, b] && p.schedule("x").reps == 2)
        p.undo("b", card: "x")
        #expect(p.schedule("x") == StudyProgress(entries: [.review(a)], settings: Settings()).schedule("x"))
        p.undo("a", card: "x")
        #expect(p.schedule("x").state == .new && p.firstReview("x") == nil && p.schedules["x"] == nil)
    }

    @Test func hashIsStable() {
        // Persisted in snapshot.bin: must never change across runs or machines.
        #expect(FastHash.hash("a") == 10678364467554841729)
        #expect(FastHash.hash("caching-product-catalog") == 6861534693624809361)
        #expect(FastHash.hash("0191acbde355-9f4fa2b378a1d180") == 4093053992373905858)
        #expect(FastHash.hash("") == FastHash.hash([UInt8]()))
        #expect(FastHash.hash("caching-product-catalog") == FastHash.hash(Array("caching-product-catalog".utf8)))
        #expect(FastHash.hash("a") != FastHash.hash("b"))
        #expect(FastHash.hash("0123456789abcdef") != FastHash.hash("0123456789abcdeg"))
    }

    /// The wide checksum is stable (the caches' checksums depend on it), depends on the seed, the length
    /// and every bit: one bit flipped anywhere, in every lane and the tail, at every length up to 300 bytes.
    @Test func wideChecksumIsStableAndSeesEveryBit() {
        func wide(_ b: [UInt8], seed: UInt64 = 0) -> UInt64 { b.withUnsafeBytes { FastHash.wide($0, seed: seed) } }
        let text = Array("caching-product-catalog 0191acbde355-9f4fa2b378a1d180 — enough bytes to fill all four lanes once".utf8)
        #expect(wide([]) == 2_744_964_719_401_432_749)
        #expect(wide(text) == 10_611_855_754_404_730_042)
        #expect(wide(text, seed: 1) != wide(text) && wide([0]) != wide([]) && wide([0]) != wide([0, 0]))
        var rng = TestRNG(seed: 61)
        for n in 0...300 {
            let bytes = (0..<n).map { _ in UInt8(rng.below(256)) }
            let h = wide(bytes)
            var seen: Set<UInt64> = [h]
            for i in 0..<n {
                for bit in [0, 3, 7] {
                    var flipped = bytes
                    flipped[i] ^= UInt8(1 << bit)
                    seen.insert(wide(flipped))
                }
            }
            #expect(seen.count == 1 + 3 * n, "length \(n)")
            #expect(wide(bytes + [0]) != h)
        }
    }
}
