import Foundation
import Testing
import PrepdeckCore
@testable import PrepdeckStore

/// The join of the catalogue with the loaded cards (`join.bin`), and the identities that key it.
@Suite struct CatalogJoinTests {
    func sched(_ reps: Int) -> CardSchedule { var s = CardSchedule(); s.state = .review; s.reps = reps; return s }

    /// Through a join, every id gets what `reviewedSchedule` gives it: cards of the table, cards changed since
    /// (rated, undone to nothing), cards rated since that the table lacks, and ids of no card.
    @Test func schedulesThroughTheJoinAreTheReviewedSchedules() {
        var rng = SnapRNG(state: 11)
        for round in 0..<30 {
            let names = (0..<(50 + round * 7)).map { "card-\(round)-\($0)" }
            let table = CardTable(names: names, schedules: names.indices.map { sched($0) }, firsts: names.map { _ in nil })
            var overrides: [String: (schedule: CardSchedule?, first: Date?)] = [:]
            for n in names where rng.below(6) == 0 { overrides[n] = (rng.below(2) == 0 ? nil : sched(1000 + rng.below(50)), nil) }
            let newcomers = (0..<rng.below(8)).map { "new-\(round)-\($0)" }
            for n in newcomers { overrides[n] = (sched(2000), nil) }
            let progress = StudyProgress(settings: Settings(), table: table, overrides: overrides, source: nil)
            // The catalogue: some of the table's cards, the newcomers and unknown ids, in a random order.
            var ids = names.filter { _ in rng.below(4) != 0 } + newcomers + (0..<rng.below(10)).map { "unknown-\(round)-\($0)" }
            for k in ids.indices.reversed() { ids.swapAt(k, rng.below(k + 1)) }
            let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
            var asked: [String] = []
            let join = progress.baseJoin(ids)
            #expect(join.count == ids.count)
            for (k, j) in join.enumerated() { #expect(j < 0 ? table.index(of: ids[k]) == nil : names[Int(j)] == ids[k]) }
            let got = progress.schedules(join: join, position: { asked.append($0); return position[$0] })
            #expect(got == ids.map { progress.reviewedSchedule($0) }, "round \(round)")
            // Only cards missing from the table are looked up by id.
            #expect(Set(asked) == Set(newcomers))
        }
    }

    @Test func aKeptJoinIsUsedOnlyForItsCatalogueAndTable() throws {
        let store = try DataStore(root: tempDir("join"))
        var odd = sched(7)
        odd.step = 2; odd.stability = 3.25; odd.difficulty = -0.0; odd.due = Date(timeIntervalSinceReferenceDate: 812_345.125)
        odd.lastReview = .distantPast; odd.lapses = 3; odd.state = .relearning
        let kept = DataStore.KeptJoin(join: [3, -1, 0, 2, 1, -1], schedules: [sched(3), nil, odd, sched(2), CardSchedule(), nil])
        #expect(store.writeJoin(kept, catalog: 7, table: 9))
        let back = try #require(store.readJoin(catalog: 7, table: 9, count: 6, tableCount: 4))
        #expect(back.join == kept.join && back.schedules == kept.schedules && back.catalog == 7)
        #expect(back.schedules[2]?.difficulty?.sign == .minus && back.schedules[2]?.lastReview == .distantPast)
        // Read before the catalogue is known (while the banks load): it says which catalogue it is for.
        #expect(store.readJoin(table: 9, tableCount: 4)?.catalog == 7 && store.readJoin(table: 9, tableCount: 4)?.join == kept.join)
        #expect(store.readJoin(table: 8, tableCount: 4) == nil)
        #expect(store.readJoin(catalog: 8, table: 9, count: 6, tableCount: 4) == nil)
        #expect(store.readJoin(catalog: 7, table: 8, count: 6, tableCount: 4) == nil)
        #expect(store.readJoin(catalog: 7, table: 9, count: 5, tableCount: 4) == nil)
        // An index beyond the table (a table of 3 cards) is not trusted.
        #expect(store.readJoin(catalog: 7, table: 9, count: 6, tableCount: 3) == nil)
        // Any byte changed fails the checksum.
        let good = try #require(try FileIO.read(store.joinPath))
        for k in stride(from: 0, to: good.count, by: 3) {
            var bad = good
            bad[k] ^= 0x20
            try Data(bad).write(to: URL(fileURLWithPath: store.joinPath))
            #expect(store.readJoin(catalog: 7, table: 9, count: 6, tableCount: 4) == nil, "byte \(k)")
        }
        try Data(good.prefix(20)).write(to: URL(fileURLWithPath: store.joinPath))
        #expect(store.readJoin(catalog: 7, table: 9, count: 6, tableCount: 4) == nil)
        // A schedule where there is no card, or none where there is one, is refused even with a valid checksum.
        for wrong in [DataStore.KeptJoin(join: [0, -1], schedules: [sched(1), sched(2)]),
                      DataStore.KeptJoin(join: [0, 1], schedules: [sched(1), nil])] {
            #expect(store.writeJoin(wrong, catalog: 7, table: 9))
            #expect(store.readJoin(catalog: 7, table: 9, count: 2, tableCount: 4) == nil)
        }
        // The previous format (PDJOIN01: indexes only) is not read.
        #expect(store.writeJoin(kept, catalog: 7, table: 9))
        var old = try #require(try FileIO.read(store.joinPath))
        old.replaceSubrange(0..<8, with: Array("PDJOIN01".utf8))
        try Data(old).write(to: URL(fileURLWithPath: store.joinPath))
        #expect(store.readJoin(catalog: 7, table: 9, count: 6, tableCount: 4) == nil)
    }

    /// A schedule of any state, due and last reviewed around `t0` (or not at all), from `rng`.
    func varied(_ reps: Int, _ rng: inout SnapRNG, around t0: Double) -> CardSchedule {
        var s = sched(reps)
        s.state = [CardState.new, .learning, .review, .relearning][rng.below(4)]
        if rng.below(5) != 0 { s.due = Date(timeIntervalSinceReferenceDate: t0 + Double(rng.below(20) - 10) * 3600) }
        if rng.below(5) != 0 { s.lastReview = Date(timeIntervalSinceReferenceDate: t0 + Double(rng.below(20) - 10) * 3600) }
        return s
    }

    /// The schedules kept beside a join are `baseSchedules(join:)`, and with the cards changed since laid
    /// over them (as start-up does, the kept ones read in place) or applied to them all decoded, they are what
    /// `schedules(join:position:)` gives; so are their count, statuses and reviews after a date.
    /// 20,000 cards: the arrays read back and decoded are large enough to have their pages given first
    /// (`populateWritable`).
    @Test(arguments: [80, 20_000]) func keptSchedulesAreTheTablesThroughTheJoin(cards: Int) throws {
        let store = try DataStore(root: tempDir("join-s"))
        var rng = SnapRNG(state: 13)
        let t0 = 800_000_000.0
        let names = (0..<cards).map { "c\($0)" }
        let table = CardTable(names: names, schedules: names.indices.map { varied($0, &rng, around: t0) }, firsts: names.map { _ in nil })
        var overrides: [String: (schedule: CardSchedule?, first: Date?)] = [:]
        for n in names where rng.below(5) == 0 { overrides[n] = (rng.below(2) == 0 ? nil : varied(500, &rng, around: t0), nil) }
        for k in 0..<3 { // rated since, not in the table, the latest of all
            var s = varied(600, &rng, around: t0)
            s.lastReview = Date(timeIntervalSinceReferenceDate: t0 + 12 * 3600 + Double(k))
            overrides["x\(k)"] = (s, nil)
        }
        let progress = StudyProgress(settings: Settings(), table: table, overrides: overrides, source: nil)
        let ids = names.filter { _ in rng.below(3) != 0 } + ["x1", "x2", "x9"]
        let join = progress.baseJoin(ids)
        let base = progress.baseSchedules(join: join)
        #expect(base == ids.map { id in table.index(of: id).map(table.schedule) })
        #expect(store.writeJoin(DataStore.KeptJoin(join: join, schedules: base), catalog: 1, table: 2))
        let kept = try #require(store.readJoin(catalog: 1, table: 2, count: ids.count, tableCount: names.count))
        #expect(kept.schedules.array == base && kept.schedules.reviewedCount == base.count { $0 != nil })
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let expected = progress.schedules(join: join, position: { position[$0] })
        #expect(expected == ids.map { progress.reviewedSchedule($0) })
        #expect(expected != base)
        var laid = kept.schedules
        progress.applyChanges(join: kept.join, count: laid.count, position: { position[$0] }) { laid[$0] = $1 }
        // Decoded in full first (for the commands that read every schedule), then laid over: the same.
        var full = kept.schedules.decodedInFull()
        progress.applyChanges(join: kept.join, count: full.count, position: { position[$0] }) { full[$0] = $1 }
        #expect(full.array == expected && full.reviewedCount == laid.reviewedCount)
        var applied = kept.schedules.array
        progress.applyChanges(to: &applied, join: kept.join, position: { position[$0] })
        #expect(applied == expected && laid.array == expected && laid.count == expected.count)
        #expect((0..<laid.count).allSatisfy { laid[$0] == expected[$0] })
        #expect(laid.reviewedCount == expected.count { $0 != nil })
        for hours in [-11.0, -3, 0, 0.5, 4, 11, 12] {
            let now = Date(timeIntervalSinceReferenceDate: t0 + hours * 3600)
            let statuses = expected.map { CardStatus($0 ?? CardSchedule(), now: now) }
            // The rule itself: new, else due once its due time has come (`isDue`, at that very time too), else
            // learned in review, else learning.
            #expect(statuses == expected.map { s -> CardStatus in
                guard let s, s.state != .new else { return .new }
                return s.isDue(at: now) ? .due : s.state == .review ? .learned : .learning
            })
            #expect(laid.statuses(now: now) == statuses && kept.schedules.statuses(now: now) == base.map { CardStatus($0 ?? CardSchedule(), now: now) })
            #expect(CatalogSchedules(expected).statuses(now: now) == statuses)
            let after = expected.compactMap { $0?.lastReview }.filter { $0 > now }
            #expect(full.statuses(now: now) == statuses && laid.decodedInFull().statuses(now: now) == statuses)
            for s in [laid, CatalogSchedules(expected), full, laid.decodedInFull()] {
                let got = s.reviewed(after: now)
                #expect(got.count == after.count && got.latest == after.max(), "\(hours) h")
            }
        }
    }

    /// Giving a buffer its pages changes none of its bytes, whatever its alignment and length.
    @Test func populatingABufferKeepsWhatIsInIt() {
        let n = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: n, alignment: 1)
        defer { buffer.deallocate() }
        for k in 0..<n { buffer[k] = UInt8(truncatingIfNeeded: k &* 31 &+ 7) }
        for (from, count) in [(0, n), (3, n - 3), (4095, 70_001), (1, 100), (n - 1, 1), (0, 0)] {
            populateWritable(buffer.baseAddress! + from, count)
        }
        populateWritable(nil, n)
        #expect((0..<n).allSatisfy { buffer[$0] == UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    }

    @Test func aReadOnlyStoreKeepsNoJoin() throws {
        let dir = tempDir("join-ro")
        _ = try DataStore(root: dir)
        let holder = try DataStore(root: dir) // holds the lock
        let reader = try DataStore(root: dir, access: .read)
        #expect(!reader.writeJoin(DataStore.KeptJoin(join: [0], schedules: [sched(1)]), catalog: 1, table: 2))
        #expect(!FileManager.default.fileExists(atPath: reader.joinPath))
        _ = holder
    }

    /// A catalogue's identity follows its banks' ids in order; a bank whose questions change loses its own.
    @Test func identities() {
        func bank(_ ids: [String], _ identity: UInt64?) -> Bank {
            var b = Bank(file: "b.json", deck: Deck(id: "d", title: "D"),
                         questions: ids.map { Question(id: $0, title: $0, prompt: "p", difficulty: .easy, kind: .technical,
                                                       topics: ["t"], answer: "a", keyPoints: ["k"]) })
            b.identity = identity
            return b
        }
        let a = bank(["a1", "a2"], 1), b = bank(["b1"], 2)
        let ab = try? Catalog(banks: [a, b]), ba = try? Catalog(banks: [b, a])
        #expect(ab?.identity != nil && ba?.identity != nil && ab?.identity != ba?.identity)
        #expect((try? Catalog(banks: [a, b]))?.identity == ab?.identity)
        #expect((try? Catalog(banks: [a, bank(["b1"], nil)]))?.identity == nil)
        var changed = a
        changed.questions.removeLast()
        #expect(changed.identity == nil)
    }
}
