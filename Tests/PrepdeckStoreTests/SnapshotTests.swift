import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckStore

/// SplitMix64, for reproducible random logs.
struct SnapRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}

/// Random log lines: reviews of a few cards, mostly forward in time, with duplicated lines, undo lines
/// (of earlier, later and unknown ids), reused ids, escapes, other key orders and bad lines.
func randomLines(_ rng: inout SnapRNG, count: Int, start k0: Int = 0, cards: Int = 5, clock: inout Double, ids: inout [String]) -> [String] {
    var out: [String] = []
    for k in k0..<(k0 + count) {
        let roll = rng.below(100)
        if roll < 6, !ids.isEmpty, case let id = ids[rng.below(ids.count)] {
            // A copy of an earlier review (same id, possibly another card or time).
            out.append(#"{"id":"\#(id)","card":"card-\#(rng.below(cards))","rating":3,"at":"\#(RFC3339.format(Date(timeIntervalSince1970: clock)))"}"#)
            continue
        }
        if roll < 14 {
            let target = ids.isEmpty || rng.below(6) == 0 ? "nobody-\(k)" : ids[rng.below(ids.count)]
            out.append(#"{"id":"u\#(k)","undo":"\#(target)","at":"\#(RFC3339.format(Date(timeIntervalSince1970: clock)))"}"#)
            continue
        }
        if roll < 16 { out.append(rng.below(2) == 0 ? #"{"id": 5}"# : "{bad"); continue }
        clock += rng.below(8) == 0 ? -Double(rng.below(86400 * 2)) : Double(rng.below(86400 * 3))
        let id = "e\(k)"
        ids.append(id)
        let card = "card-\(rng.below(cards))"
        let at = RFC3339.format(Date(timeIntervalSince1970: clock))
        if rng.below(8) == 0 {
            out.append(#"{"at":"\#(at)", "rating":\#(1 + rng.below(4)), "card":"\#(card.replacingOccurrences(of: "-", with: "\\u002d"))", "id":"\#(id)"}"#)
        } else {
            out.append(#"{"id":"\#(id)","card":"\#(card)","rating":\#(1 + rng.below(4)),"at":"\#(at)","ms":\#(rng.below(9999)),"mode":"review"}"#)
        }
    }
    return out
}

@Suite struct SnapshotTests {
    func newStore() throws -> DataStore { try DataStore(root: tempDir("snap")) }

    func write(_ store: DataStore, _ lines: [String], newline: Bool = true) throws {
        guard !lines.isEmpty else { return }
        try FileIO.append(store.reviewsPath, Array((lines.joined(separator: "\n") + (newline ? "\n" : "")).utf8))
    }

    /// The reference: what the ordinary path gives (read without repairing anything).
    func reference(_ store: DataStore, _ settings: Settings = Settings()) throws -> (progress: StudyProgress, warnings: [LogWarning]) {
        let r = try DataStore(root: store.root, access: .read).readReviews()
        return (StudyProgress(entries: r.entries, settings: settings), r.warnings)
    }

    func expectSame(_ loaded: ProgressLoad, _ ref: StudyProgress, history: Bool = false, _ note: String = "",
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(loaded.progress.schedules == ref.schedules, "\(note)", sourceLocation: sourceLocation)
        #expect(loaded.progress.firstReviews == ref.firstReviews, "\(note)", sourceLocation: sourceLocation)
        if history {
            #expect(loaded.progress.history == ref.history, "\(note)", sourceLocation: sourceLocation)
            for card in ref.schedules.keys {
                #expect(loaded.progress.reviews(card) == ref.reviews(card), "\(note) \(card)", sourceLocation: sourceLocation)
            }
        }
    }

    func line(_ id: String, _ card: String, _ rating: Int, _ at: String) -> String {
        #"{"id":"\#(id)","card":"\#(card)","rating":\#(rating),"at":"\#(at)","ms":1000,"mode":"review"}"#
    }

    @Test func aFullReplayWritesTheSnapshotAndTheNextStartUsesIt() throws {
        var rng = SnapRNG(state: 1)
        var clock = 1_780_000_000.0, ids: [String] = []
        let store = try newStore()
        try write(store, randomLines(&rng, count: 300, clock: &clock, ids: &ids))
        let ref = try reference(store)
        let first = try store.loadProgress(settings: Settings())
        #expect(first.source == .fullReplay(reason: "no snapshot") && first.snapshotWritten)
        #expect(FileIO.exists(store.snapshotPath))
        expectSame(first, ref.progress, history: true)
        #expect(first.warnings == ref.warnings && !ref.warnings.isEmpty)
        let second = try store.loadProgress(settings: Settings())
        #expect(second.source == .snapshot(tailLines: 0, rebuiltCards: 0) && !second.snapshotWritten)
        expectSame(second, ref.progress, history: true)
        #expect(second.warnings == ref.warnings) // bad lines of the covered part are still reported
    }

    /// The core property: for random logs cut at a random line, snapshot + appended lines equals a full replay.
    @Test func snapshotPlusAppendedLinesEqualsAFullReplay() throws {
        var rng = SnapRNG(state: 2026)
        var rebuilt = 0, rewritten = 0
        for round in 0..<120 {
            var clock = 1_780_000_000.0, ids: [String] = []
            let store = try newStore()
            var settings = Settings()
            settings.fuzz = round % 3 != 0
            if round % 7 == 0 { settings.scheduler = .sm2 }
            let before = randomLines(&rng, count: 1 + rng.below(60), clock: &clock, ids: &ids)
            try write(store, before)
            _ = try store.loadProgress(settings: settings) // writes the snapshot
            let after = randomLines(&rng, count: 1 + rng.below(30), start: 1000, clock: &clock, ids: &ids)
            let unterminated = round % 5 == 0 && !after.last!.contains("bad") && !after.last!.contains(": 5")
            try write(store, after, newline: !unterminated)
            let ref = try reference(store, settings)
            let loaded = try store.loadProgress(settings: settings, rewriteAfterBytes: round % 2 == 0 ? 0 : .max)
            guard case let .snapshot(lines, cards) = loaded.source else { Issue.record("round \(round): \(loaded.source)"); continue }
            #expect(lines == after.count, "round \(round)")
            rebuilt += cards > 0 ? 1 : 0
            rewritten += loaded.snapshotWritten ? 1 : 0
            expectSame(loaded, ref.progress, history: round % 4 == 0, "round \(round)")
            #expect(loaded.warnings == ref.warnings, "round \(round)")
            // And again, from the snapshot as it now is (rewritten or not).
            let again = try store.loadProgress(settings: settings)
            expectSame(again, ref.progress, history: round % 4 == 1, "round \(round), again")
            #expect(again.warnings == ref.warnings, "round \(round), again")
        }
        #expect(rebuilt > 10 && rewritten > 20) // the undo/out-of-order and the rewrite paths were exercised
    }

    @Test func anUndoOfACoveredLineReplaysThatCard() throws {
        let store = try newStore()
        try write(store, [line("a", "x", 3, "2026-11-01T10:00:00Z"), line("b", "x", 1, "2026-11-02T10:00:00Z"),
                          line("c", "y", 3, "2026-11-02T11:00:00Z")])
        _ = try store.loadProgress(settings: Settings())
        try write(store, [#"{"id":"u","undo":"a","at":"2026-11-03T10:00:00Z"}"#])
        let loaded = try store.loadProgress(settings: Settings(), rewriteAfterBytes: .max)
        #expect(loaded.source == .snapshot(tailLines: 1, rebuiltCards: 1))
        expectSame(loaded, try reference(store).progress, history: true)
        #expect(loaded.progress.reviews("x").map(\.id) == ["b"])
        #expect(loaded.snapshotWritten) // a card was replayed in full: the snapshot is brought up to date
        let again = try store.loadProgress(settings: Settings())
        #expect(again.source == .snapshot(tailLines: 0, rebuiltCards: 0))
        expectSame(again, try reference(store).progress, history: true)
    }

    @Test func anUndoOfAnAppendedLineNeedsNoFullCardReplay() throws {
        let store = try newStore()
        try write(store, [line("a", "x", 3, "2026-11-01T10:00:00Z")])
        _ = try store.loadProgress(settings: Settings())
        try write(store, [line("b", "x", 1, "2026-11-02T10:00:00Z"), #"{"id":"u","undo":"b","at":"2026-11-02T10:00:05Z"}"#])
        let loaded = try store.loadProgress(settings: Settings(), rewriteAfterBytes: .max)
        #expect(loaded.source == .snapshot(tailLines: 2, rebuiltCards: 0))
        expectSame(loaded, try reference(store).progress, history: true)
    }

    @Test func aDuplicateOfACoveredLineIsSkipped() throws {
        let store = try newStore()
        let a = line("a", "x", 3, "2026-11-01T10:00:00Z")
        try write(store, [a, line("b", "x", 3, "2026-11-05T10:00:00Z")])
        _ = try store.loadProgress(settings: Settings())
        try write(store, [a, line("b", "y", 1, "2026-11-06T10:00:00Z")]) // the same ids again, even for another card
        let loaded = try store.loadProgress(settings: Settings(), rewriteAfterBytes: .max)
        #expect(loaded.source == .snapshot(tailLines: 2, rebuiltCards: 0))
        expectSame(loaded, try reference(store).progress, history: true)
        #expect(loaded.progress.schedules["y"] == nil)
    }

    @Test func anAppendedLineOlderThanTheCardsLastReviewReplaysTheCard() throws {
        let store = try newStore()
        try write(store, [line("a", "x", 3, "2026-11-01T10:00:00Z"), line("b", "x", 3, "2026-11-09T10:00:00Z")])
        _ = try store.loadProgress(settings: Settings())
        try write(store, [line("c", "x", 1, "2026-11-05T10:00:00Z")]) // from a device whose log was merged late
        let loaded = try store.loadProgress(settings: Settings(), rewriteAfterBytes: .max)
        #expect(loaded.source == .snapshot(tailLines: 1, rebuiltCards: 1))
        expectSame(loaded, try reference(store).progress, history: true)
        #expect(loaded.progress.reviews("x").map(\.id) == ["a", "c", "b"])
    }

    @Test func changedSettingsReplayEverything() throws {
        var rng = SnapRNG(state: 5)
        var clock = 1_780_000_000.0, ids: [String] = []
        let store = try newStore()
        try write(store, randomLines(&rng, count: 100, clock: &clock, ids: &ids))
        _ = try store.loadProgress(settings: Settings())
        var sm2 = Settings()
        sm2.scheduler = .sm2
        let switched = try store.loadProgress(settings: sm2)
        #expect(switched.source == .fullReplay(reason: "settings changed") && switched.snapshotWritten)
        expectSame(switched, try reference(store, sm2).progress)
        #expect(try store.loadProgress(settings: sm2).source == .snapshot(tailLines: 0, rebuiltCards: 0))
        var retention = sm2
        retention.scheduler = .fsrs
        retention.desiredRetention = 0.85
        let changed = try store.loadProgress(settings: retention)
        #expect(changed.source == .fullReplay(reason: "settings changed"))
        expectSame(changed, try reference(store, retention).progress)
        // new_per_day does not change schedules: the snapshot stays.
        retention.newPerDay = 3
        #expect(try store.loadProgress(settings: retention).source == .snapshot(tailLines: 0, rebuiltCards: 0))
    }

    @Test func aCorruptSnapshotIsRebuilt() throws {
        var rng = SnapRNG(state: 9)
        var clock = 1_780_000_000.0, ids: [String] = []
        let store = try newStore()
        try write(store, randomLines(&rng, count: 150, clock: &clock, ids: &ids))
        _ = try store.loadProgress(settings: Settings())
        let good = try FileIO.read(store.snapshotPath)!
        let ref = try reference(store).progress
        var damaged: [(String, [UInt8])] = [("empty", []), ("garbage", Array("not a snapshot".utf8)),
                                            ("truncated", Array(good.prefix(good.count - 9))), ("longer", good + [0])]
        let header = SnapshotCodec.decodeHeader(good)!
        for k in [3, 20, 100, 180, 250, header.namesAt + 1] { // magic, header fields, cards, names
            var b = good
            b[k] ^= 0x40
            damaged.append(("byte \(k)", b))
        }
        for (what, bytes) in damaged {
            try FileIO.replace(store.snapshotPath, bytes)
            let loaded = try store.loadProgress(settings: Settings())
            #expect(loaded.source == .fullReplay(reason: "snapshot is corrupt or from another version"), "\(what)")
            #expect(loaded.snapshotWritten, "\(what)")
            expectSame(loaded, ref, what)
            #expect(try FileIO.read(store.snapshotPath)! == good, "\(what)") // the same bytes again
        }
        // A damaged index is found when it is used (here: merging appended lines into a new snapshot).
        var b = good
        b[header.idIndexAt + 3] ^= 0x01
        try FileIO.replace(store.snapshotPath, b)
        try write(store, [line("z", "card-1", 3, "2030-01-01T00:00:00Z")])
        let loaded = try store.loadProgress(settings: Settings(), rewriteAfterBytes: 0)
        #expect(loaded.source == .fullReplay(reason: "snapshot index is corrupt") && loaded.snapshotWritten)
        expectSame(loaded, try reference(store).progress)
    }

    /// One card's history checks only the blocks of the events section that hold its offsets; a damaged
    /// block makes the cards it holds read their history from the log, and every history stays right.
    @Test func aCardsHistoryChecksOnlyItsBlocks() throws {
        let store = try newStore()
        // 20 cards × 900 ratings: 18,000 events, in 3 blocks of 8,192.
        var lines: [String] = []
        for k in 0..<18_000 {
            let t = Date(timeIntervalSince1970: 1_780_000_000 + Double(k) * 600)
            lines.append(line("e\(k)", "c\(k % 20)", 1 + k % 4, RFC3339.format(t)))
        }
        try write(store, lines)
        _ = try store.loadProgress(settings: Settings())
        let snap = try #require(SnapshotFile.open(store.snapshotPath))
        #expect(snap.header.eventCount == 18_000 && SnapshotFormat.blockCount(18_000) == 3)
        let cards = (0..<snap.cardCount).map(snap.eventRange).sorted { $0.start < $1.start }
        let first = cards[0], last = cards[cards.count - 1]
        #expect(snap.eventsAreIntact(start: first.start, count: first.count))
        #expect(snap.blocksChecked == 1)
        #expect(snap.eventsAreIntact() && snap.blocksChecked == 3)
        // A byte of the last block's events changed.
        var bytes = try #require(try FileIO.read(store.snapshotPath))
        bytes[snap.header.eventsAt + (last.start + 5) * 8] ^= 0x01
        try FileIO.replace(store.snapshotPath, bytes)
        let damaged = try #require(SnapshotFile.open(store.snapshotPath))
        #expect(damaged.eventsAreIntact(start: first.start, count: first.count))
        #expect(!damaged.eventsAreIntact(start: last.start, count: last.count))
        #expect(!damaged.eventsAreIntact())
        let loaded = try store.loadProgress(settings: Settings())
        #expect(loaded.source == .snapshot(tailLines: 0, rebuiltCards: 0))
        expectSame(loaded, try reference(store).progress, history: true)
        // A damaged list of block checksums: no block is trusted.
        bytes = try #require(try FileIO.read(store.snapshotPath))
        bytes[snap.header.idIndexAt + 18_000 * 16 + 3] ^= 0x01
        try FileIO.replace(store.snapshotPath, bytes)
        let noList = try #require(SnapshotFile.open(store.snapshotPath))
        #expect(!noList.eventsAreIntact(start: first.start, count: first.count))
        expectSame(try store.loadProgress(settings: Settings()), try reference(store).progress, history: true)
    }

    /// The covered part's undo targets asked for by id answer as the whole list does, found and not found,
    /// and a damaged section gives no answer.
    @Test func undoTargetsAreFoundAmongTheSection() throws {
        let store = try newStore()
        var lines: [String] = []
        for k in 0..<3000 {
            let t = RFC3339.format(Date(timeIntervalSince1970: 1_780_000_000 + Double(k) * 60))
            lines.append(k % 3 == 2 ? #"{"id":"u\#(k)","undo":"e\#(k - 1)","at":"\#(t)"}"# : line("e\(k)", "c\(k % 17)", 1 + k % 4, t))
        }
        try write(store, lines)
        _ = try store.loadProgress(settings: Settings())
        let snap = try #require(SnapshotFile.open(store.snapshotPath))
        let all = Set(try #require(snap.undone()))
        #expect(all.count == 1000)
        var rng = SnapRNG(state: 19)
        for _ in 0..<20 {
            let wanted = (0..<(1 + rng.below(40))).map { _ in rng.below(3) == 0 ? "absent-\(rng.below(9))" : "e\(rng.below(3100))" }
            #expect(snap.undone(among: wanted) == all.intersection(wanted))
        }
        var bytes = try #require(try FileIO.read(store.snapshotPath))
        bytes[snap.header.undoneAt + 9] ^= 0x01
        try FileIO.replace(store.snapshotPath, bytes)
        #expect(try #require(SnapshotFile.open(store.snapshotPath)).undone(among: ["e1"]) == nil)
    }

    @Test func aCorruptIndexFoundAfterSettingATornLineAsideStillReportsIt() throws {
        let store = try newStore()
        try write(store, [line("a", "x", 3, "2026-11-01T10:00:00Z"), line("b", "y", 3, "2026-11-01T11:00:00Z")])
        _ = try store.loadProgress(settings: Settings())
        var snap = try FileIO.read(store.snapshotPath)!
        snap[SnapshotCodec.decodeHeader(snap)!.eventsAt] ^= 0x08
        try FileIO.replace(store.snapshotPath, snap)
        try FileIO.append(store.reviewsPath, Array((line("c", "x", 1, "2026-11-02T10:00:00Z") + "\n{\"id\":\"d").utf8))
        let ref = try reference(store)
        let loaded = try store.loadProgress(settings: Settings(), rewriteAfterBytes: 0)
        #expect(loaded.source == .fullReplay(reason: "snapshot index is corrupt") && loaded.snapshotWritten)
        #expect(loaded.warnings.map(\.description) == ["reviews.jsonl:4: torn last line (8 bytes, an interrupted write) moved to reviews.jsonl.torn"])
        expectSame(loaded, ref.progress, history: true)
    }

    @Test func aDamagedEventsSectionNeverGivesAWrongHistory() throws {
        var rng = SnapRNG(state: 21)
        var clock = 1_780_000_000.0, ids: [String] = []
        let store = try newStore()
        try write(store, randomLines(&rng, count: 80, clock: &clock, ids: &ids))
        _ = try store.loadProgress(settings: Settings())
        var snap = try FileIO.read(store.snapshotPath)!
        let h = SnapshotCodec.decodeHeader(snap)!
        for k in h.eventsAt..<h.idIndexAt where k % 8 == 1 { snap[k] ^= 0x01 } // every offset off by 256
        try FileIO.replace(store.snapshotPath, snap)
        let loaded = try store.loadProgress(settings: Settings())
        #expect(loaded.source == .snapshot(tailLines: 0, rebuiltCards: 0)) // schedules come from the checked core
        expectSame(loaded, try reference(store).progress, history: true)
    }

    @Test func aShorterOrRewrittenLogIsDetected() throws {
        var rng = SnapRNG(state: 11)
        var clock = 1_780_000_000.0, ids: [String] = []
        let store = try newStore()
        let lines = randomLines(&rng, count: 200, clock: &clock, ids: &ids)
        try write(store, lines)
        _ = try store.loadProgress(settings: Settings())
        // Truncated (e.g. restored from an older backup).
        try FileIO.replace(store.reviewsPath, Array((lines.prefix(120).joined(separator: "\n") + "\n").utf8))
        var loaded = try store.loadProgress(settings: Settings())
        #expect(loaded.source == .fullReplay(reason: "reviews.jsonl is shorter than the snapshot"))
        expectSame(loaded, try reference(store).progress, history: true)
        // Same length, one byte changed near the end of the covered part.
        var bytes = try FileIO.read(store.reviewsPath)!
        let k = bytes.count - 40
        bytes[k] = bytes[k] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try FileIO.replace(store.reviewsPath, bytes)
        loaded = try store.loadProgress(settings: Settings())
        #expect(loaded.source == .fullReplay(reason: "reviews.jsonl changed before the snapshot's end"))
        expectSame(loaded, try reference(store).progress, history: true)
        // Replaced by another, longer log.
        try FileIO.replace(store.reviewsPath, Array((lines.reversed().joined(separator: "\n") + "\n" + lines[0] + "\n").utf8))
        loaded = try store.loadProgress(settings: Settings())
        #expect(loaded.source == .fullReplay(reason: "reviews.jsonl changed before the snapshot's end"))
        expectSame(loaded, try reference(store).progress, history: true)
    }

    @Test func aTornLineAfterTheSnapshotIsHandledAsReadReviewsDoes() throws {
        let dir = tempDir("snap-torn")
        let store = try DataStore(root: dir)
        try write(store, [line("a", "x", 3, "2026-11-01T10:00:00Z"), "{\"id\": 5}"])
        _ = try store.loadProgress(settings: Settings())
        try FileIO.append(store.reviewsPath, Array((line("b", "x", 3, "2026-11-02T10:00:00Z") + "\n{\"id\":\"c\",\"ca").utf8))
        // Read-only: ignored, exactly as readReviews says it.
        let r = try DataStore(root: dir, access: .read)
        let ro = try r.loadProgress(settings: Settings())
        #expect(ro.warnings == (try r.readReviews().warnings))
        #expect(ro.warnings.map(\.description) == ["reviews.jsonl:2:8: field \"id\": expected a non-empty string (line skipped)",
                                                     "reviews.jsonl:4: torn last line (13 bytes, an interrupted write) ignored"])
        #expect(ro.source == .snapshot(tailLines: 1, rebuiltCards: 0) && !ro.snapshotWritten)
        // Writable: moved aside.
        let rw = try store.loadProgress(settings: Settings())
        #expect(rw.warnings.map(\.description) == ["reviews.jsonl:2:8: field \"id\": expected a non-empty string (line skipped)",
                                                     "reviews.jsonl:4: torn last line (13 bytes, an interrupted write) moved to reviews.jsonl.torn"])
        #expect(readText(store.reviewsPath + ".torn") == "{\"id\":\"c\",\"ca\n")
        expectSame(rw, try reference(store).progress, history: true)
        try store.append(review("d", card: "x", at: RFC3339.parse("2026-11-03T10:00:00Z")!))
        let after = try store.loadProgress(settings: Settings())
        expectSame(after, try reference(store).progress, history: true)
        #expect(after.warnings == (try reference(store).warnings))
    }

    @Test func aTornLineWithoutASnapshotToo() throws {
        let dir = tempDir("snap-torn2")
        let store = try DataStore(root: dir)
        try FileIO.append(store.reviewsPath, Array((line("a", "x", 3, "2026-11-01T10:00:00Z") + "\n{\"id\"").utf8))
        let ro = try DataStore(root: dir, access: .read).loadProgress(settings: Settings())
        #expect(ro.warnings == (try DataStore(root: dir, access: .read).readReviews().warnings) && !ro.snapshotWritten)
        let rw = try store.loadProgress(settings: Settings())
        #expect(rw.warnings.map(\.description) == ["reviews.jsonl:2: torn last line (5 bytes, an interrupted write) moved to reviews.jsonl.torn"])
        #expect(rw.snapshotWritten && rw.progress.schedule("x").reps == 1)
    }

    @Test func aReadOnlyStoreNeverWritesTheSnapshot() throws {
        let dir = tempDir("snap-ro")
        let w = try DataStore(root: dir)
        try write(w, [line("a", "x", 3, "2026-11-01T10:00:00Z")])
        let r = try DataStore(root: dir, access: .read)
        let loaded = try r.loadProgress(settings: Settings())
        #expect(!loaded.snapshotWritten && !FileIO.exists(r.snapshotPath))
        #expect(loaded.progress.schedule("x").reps == 1)
        // A missing directory or log is an empty progress.
        let none = try DataStore(root: tempDir("snap-none"), access: .read).loadProgress(settings: Settings())
        #expect(none.progress.schedules.isEmpty && none.warnings.isEmpty)
    }

    @Test func anEmptyOrBlankLogIsAnEmptyProgress() throws {
        for content in ["", "\n\n", "  \t", "\n \n"] {
            let store = try newStore()
            try FileIO.append(store.reviewsPath, Array(content.utf8))
            let expected = try reference(store).warnings
            let first = try store.loadProgress(settings: Settings())
            #expect(first.progress.schedules.isEmpty && first.warnings == expected, "\(content.debugDescription)")
            let second = try store.loadProgress(settings: Settings())
            #expect(second.progress.schedules.isEmpty && second.warnings == expected, "\(content.debugDescription)")
            try store.append(review("a", card: "x"))
            let third = try store.loadProgress(settings: Settings())
            expectSame(third, try reference(store).progress, history: true, content.debugDescription)
        }
    }

    @Test func aLastLineWithoutNewlineIsReplayedOnTopOfTheSnapshot() throws {
        let store = try newStore()
        try write(store, [line("a", "x", 3, "2026-11-01T10:00:00Z"), line("b", "x", 3, "2026-11-02T10:00:00Z")], newline: false)
        let first = try store.loadProgress(settings: Settings())
        #expect(first.snapshotWritten)
        expectSame(first, try reference(store).progress, history: true)
        let second = try store.loadProgress(settings: Settings())
        #expect(second.source == .snapshot(tailLines: 1, rebuiltCards: 0))
        expectSame(second, try reference(store).progress, history: true)
        try store.append(review("c", card: "x", at: RFC3339.parse("2026-11-05T10:00:00Z")!)) // adds the missing newline first
        let third = try store.loadProgress(settings: Settings(), rewriteAfterBytes: 0)
        #expect(third.source == .snapshot(tailLines: 2, rebuiltCards: 0) && third.snapshotWritten)
        expectSame(third, try reference(store).progress, history: true)
    }

    @Test func lazyHistoryFollowsRatingsAndUndoInMemory() throws {
        let store = try newStore()
        try write(store, [line("a", "x", 3, "2026-11-01T10:00:00Z"), line("b", "y", 3, "2026-11-01T11:00:00Z")])
        _ = try store.loadProgress(settings: Settings())
        var lazy = try store.loadProgress(settings: Settings()).progress
        var eager = try reference(store).progress
        #expect(!lazy.historyIsLoaded && eager.historyIsLoaded)
        let c = ReviewEvent(id: "c", card: "x", rating: .again, at: RFC3339.parse("2026-11-04T10:00:00Z")!, ms: 5, mode: .review)
        try store.append(.review(c))
        lazy.apply(c)
        eager.apply(c)
        #expect(lazy.schedules == eager.schedules && lazy.reviews("x") == eager.reviews("x") && lazy.history == eager.history)
        try store.append(.undo(UndoEvent(id: "u", undo: "a", at: RFC3339.parse("2026-11-04T10:01:00Z")!)))
        lazy.undo("a", card: "x")
        eager.undo("a", card: "x")
        #expect(lazy.schedules == eager.schedules && lazy.firstReviews == eager.firstReviews)
        #expect(lazy.reviews("x") == eager.reviews("x") && lazy.history == eager.history)
        let reloaded = try store.loadProgress(settings: Settings())
        #expect(reloaded.progress.schedules == eager.schedules && reloaded.progress.history == eager.history)
    }

    @Test func appendingAfterALongLogReadsOnlyItsEnd() throws {
        let store = try newStore()
        try FileIO.append(store.reviewsPath, Array((String(repeating: line("a", "x", 3, "2026-11-01T10:00:00Z") + "\n", count: 3000) + "{\"id\":\"b\",").utf8))
        #expect(try FileIO.readLastLine(store.reviewsPath)?.bytes == Array("{\"id\":\"b\",".utf8))
        try store.append(review("c"))
        #expect(readText(store.reviewsPath + ".torn") == "{\"id\":\"b\",\n")
        #expect(try FileIO.readLastLine(store.reviewsPath)?.bytes == [0x0A])
        let empty = try newStore()
        try FileIO.append(empty.reviewsPath, [])
        #expect(try FileIO.readLastLine(empty.reviewsPath)?.bytes == [])
        #expect(try FileIO.readLastLine(empty.root + "/nope") == nil)
    }
}

/// The full replay scans `reviews.jsonl` from the file a window at a time, on several threads: whatever the
/// window (smaller than a line, or than the whole file) and the number of parts, it finds exactly the
/// records, problems, torn tail and end that one scan of the whole file in memory finds.
@Suite struct WindowedLogScanTests {
    @Test(arguments: [(7, 1), (64, 3), (1000, 2), (1 << 20, 4)])
    func windowedScanEqualsOneScanOfTheWholeFile(window: Int, workers: Int) throws {
        var rng = SnapRNG(state: UInt64(window * 31 + workers))
        var clock = 1_780_000_000.0
        var ids: [String] = []
        var text = randomLines(&rng, count: 400, cards: 7, clock: &clock, ids: &ids).joined(separator: "\n") + "\n"
        text += #"{"id":"torn","card":"#
        let dir = tempDir("windowed")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/reviews.jsonl"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let log = try #require(try LogFile.open(path))
        let a = try log.scan(from: 0, to: log.size, firstLine: 1, workers: workers, window: window, minPart: 1024)
        let bytes = Array(text.utf8)
        let b = bytes.withUnsafeBufferPointer { LogScan.scan($0, range: 0..<$0.count, fileOffset: 0, firstLine: 1) }
        #expect(a.records.count == b.records.count && a.records.count > 300)
        for (x, y) in zip(a.records, b.records) {
            #expect(x.at == y.at && x.idHash == y.idHash && x.lineOffset == y.lineOffset && x.lineLength == y.lineLength)
            #expect(x.rating == y.rating && x.isUndo == y.isUndo)
            #expect((x.card < 0 ? nil : a.cards.names[Int(x.card)]) == (y.card < 0 ? nil : b.cards.names[Int(y.card)]))
        }
        #expect(a.problems == b.problems && !a.problems.isEmpty)
        #expect(a.tornTail?.offset == b.tornTail?.offset && a.tornTail?.line == b.tornTail?.line && a.tornTail != nil)
        #expect(a.completeEnd == b.completeEnd && a.lastCompleteLine == b.lastCompleteLine)
        // Keys read back from the file are the ones the buffer holds.
        bytes.withUnsafeBufferPointer { buf in
            for k in a.records.indices { #expect(a.key(k, in: log.lines) == b.key(k, in: buf)) }
        }
    }
}
