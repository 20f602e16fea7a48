import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

/// What `DataStore.loadProgress` found: every card's progress, the log's warnings (exactly those
/// `readReviews()` would give), and how the progress was obtained.
public struct ProgressLoad: Sendable {
    public enum Source: Sendable, Equatable {
        /// From a fresh snapshot plus the lines appended after it (`rebuiltCards` replayed in full because
        /// an appended line undid an earlier one or went back in time).
        case snapshot(tailLines: Int, rebuiltCards: Int)
        /// By replaying the whole log, and why.
        case fullReplay(reason: String)
    }
    public var progress: StudyProgress
    public var warnings: [LogWarning]
    public var source: Source
    /// Whether `snapshot.bin` was (re)written.
    public var snapshotWritten: Bool
}

extension DataStore {
    public var snapshotPath: String { root + "/snapshot.bin" }

    /// Every card's progress, from the snapshot when it is fresh (reading only the lines appended after
    /// it), else by replaying the whole log. A missing, stale or corrupt snapshot is rewritten when the store
    /// is writable; so is a fresh one with at least `rewriteAfterBytes` bytes of log appended after it.
    /// The result equals `StudyProgress(entries: readReviews().entries, settings:)`, with the same warnings;
    /// its history is read from the log on demand.
    public func loadProgress(settings: Settings, rewriteAfterBytes: Int = 64 << 10) throws(StoreError) -> ProgressLoad {
        guard let log = try LogFile.open(logLayout(.reviews)) else {
            let p = StudyProgress(settings: settings, table: .empty, source: nil)
            return ProgressLoad(progress: p, warnings: [], source: .fullReplay(reason: "no reviews.jsonl"), snapshotWritten: false)
        }
        // The files of other machines (if any) are part of the key: the snapshot of one layout is not used with another.
        let settingsHash = log.cacheKey(SnapshotFormat.settingsHash(settings))
        var reason = "no snapshot"
        var carried: [LogWarning] = [] // a torn last line already set aside by an attempt that failed
        if let snap = SnapshotFile.open(snapshotPath) {
            let h = snap.header
            if h.settingsHash != settingsHash {
                reason = log.layoutKey == 0 ? "settings changed" : "settings or another machine's log changed"
            } else if h.coveredLength > log.size {
                reason = "reviews.jsonl is shorter than the snapshot"
            } else if log.fingerprint(length: h.coveredLength) != h.fingerprint {
                reason = "reviews.jsonl changed before the snapshot's end"
            } else if let loaded = try loadFromSnapshot(snap, log: log, settings: settings, settingsHash: settingsHash,
                                                        rewriteAfterBytes: rewriteAfterBytes, carried: &carried) {
                return loaded
            } else {
                reason = "snapshot index is corrupt"
            }
        } else if FileIO.exists(snapshotPath) {
            reason = "snapshot is corrupt or from another version"
        }
        let current = carried.isEmpty ? log : (try LogFile.open(logLayout(.reviews)) ?? log)
        var loaded = try fullReplay(log: current, settings: settings, settingsHash: settingsHash, reason: reason)
        loaded.warnings += carried
        return loaded
    }

    // MARK: Full replay

    /// Everything a full replay computes, ready for a `StudyProgress` and a snapshot.
    private struct FullResult {
        var names: [String] = []
        var schedules: [CardSchedule] = []
        var firsts: [Date?] = []
        var starts = [0]
        var offsets: [Int] = []
        var snapCards: [SnapshotCard] = []
        var idIndex: [(hash: UInt64, offset: Int)] = []
        var undone: [String] = []
    }

    private func replayAll(_ scan: LogScan, _ lines: FileLines, _ scheduler: any Scheduler, withIndex: Bool) -> FullResult {
        let effective = EffectiveLog(scan, lines: lines)
        let replayed = ReplayedCards(scan: scan, effective: effective, scheduler: scheduler)
        var r = FullResult()
        r.names.reserveCapacity(replayed.names.count)
        r.schedules.reserveCapacity(replayed.names.count)
        r.firsts.reserveCapacity(replayed.names.count)
        r.offsets.reserveCapacity(effective.records.count)
        for (c, name) in replayed.names.enumerated() {
            let events = effective.events(ofCard: c)
            guard !events.isEmpty else { continue }
            r.names.append(name)
            r.schedules.append(replayed.schedules[c])
            r.firsts.append(replayed.firstReviews[c])
            r.snapCards.append(SnapshotCard(name: name, schedule: replayed.schedules[c], firstReview: replayed.firstReviews[c],
                                            eventsStart: r.offsets.count, eventsCount: events.count))
            for k in events { r.offsets.append(scan.records[Int(k)].lineOffset) }
            r.starts.append(r.offsets.count)
        }
        if withIndex {
            r.idIndex.reserveCapacity(effective.records.count)
            for k in effective.records { let e = scan.records[Int(k)]; r.idIndex.append((e.idHash, e.lineOffset)) }
            r.idIndex.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.offset < $1.offset }
            r.undone = effective.undoRecords.map { scan.key(Int($0), in: lines) }
        }
        return r
    }

    private func fullReplay(log: LogFile, settings: Settings, settingsHash: UInt64, reason: String) throws(StoreError) -> ProgressLoad {
        let scheduler = makeScheduler(settings)
        let buf = log.lines
        let scan = try log.scan(from: 0, to: log.size, firstLine: 1)
        var warnings = problemWarnings(scan.problems, log)
        let limit = try handleTornTail(scan, log: log, tailBytes: { off throws(StoreError) in try log.read(from: off, to: log.size)[...] },
                                       end: log.size, warnings: &warnings)
        func done(_ r: FullResult, wrote: Bool) -> ProgressLoad {
            let table = CardTable(names: r.names, schedules: r.schedules, firsts: r.firsts)
            let source = LogHistorySource(layout: log.layout, limit: limit, offsets: .flat(table: table, starts: r.starts, offsets: r.offsets))
            return ProgressLoad(progress: StudyProgress(settings: settings, table: table, source: source),
                                warnings: warnings, source: .fullReplay(reason: reason), snapshotWritten: wrote)
        }
        guard canWriteCaches else { return done(replayAll(scan, buf, scheduler, withIndex: false), wrote: false) }
        // The snapshot ends at a newline: a last line without one (written by another program) is
        // replayed on top of it, as a line appended after the snapshot.
        let unterminated = scan.records.last.map { $0.lineOffset >= scan.completeEnd } ?? false
        var covered = scan
        if unterminated { covered.records.removeLast() }
        let r = replayAll(covered, buf, scheduler, withIndex: true)
        let wrote = writeSnapshot(log: log, settingsHash: settingsHash, coveredLength: scan.completeEnd, coveredLines: scan.lastCompleteLine,
                                  cards: r.snapCards, events: r.offsets, idIndex: r.idIndex, undone: r.undone, problems: scan.problems)
        if !unterminated { return done(r, wrote: wrote) }
        var none: [LogWarning] = []
        if wrote, let snap = SnapshotFile.open(snapshotPath),
           var loaded = try loadFromSnapshot(snap, log: log, settings: settings, settingsHash: settingsHash, rewriteAfterBytes: .max,
                                             carried: &none) {
            loaded.source = .fullReplay(reason: reason)
            loaded.snapshotWritten = true
            loaded.warnings = warnings
            return loaded
        }
        return done(replayAll(scan, buf, scheduler, withIndex: false), wrote: wrote)
    }

    private func writeSnapshot(log: LogFile, settingsHash: UInt64, coveredLength: Int, coveredLines: Int, cards: [SnapshotCard],
                               events: [Int], idIndex: [(hash: UInt64, offset: Int)], undone: [String],
                               problems: [LogLineProblem]) -> Bool {
        guard let fingerprint = log.fingerprint(length: coveredLength) else { return false }
        var h = SnapshotHeader()
        h.settingsHash = settingsHash
        h.coveredLength = coveredLength
        h.coveredLines = coveredLines
        h.fingerprint = fingerprint
        let bytes = SnapshotCodec.encode(header: h, cards: cards, events: events, idIndex: idIndex, undone: undone, problems: problems)
        return writeCacheFile(snapshotPath, bytes)
    }

    private func problemWarnings(_ problems: [LogLineProblem], _ log: LogFile) -> [LogWarning] {
        problems.map { p in
            let at = log.locate(line: p.line)
            return LogWarning(file: at.file, line: at.line, column: p.column, message: "\(p.message) (line skipped)")
        }
    }

    /// A torn last line, as `readLog` handles it: ignored with a warning when read-only, else moved to
    /// `reviews.jsonl.torn`. Returns the length of the log that counts.
    private func handleTornTail(_ scan: LogScan, log: LogFile, tailBytes: (Int) throws(StoreError) -> ArraySlice<UInt8>, end: Int,
                                warnings: inout [LogWarning]) throws(StoreError) -> Int {
        // Only the last file can end torn (another machine's file is read as if it ended with a newline).
        guard let torn = scan.tornTail else { return end }
        let name = log.parts.last!.name
        let local = log.locate(line: torn.line).line
        if isReadOnly {
            warnings.append(LogWarning(file: name, line: local, column: nil,
                                       message: "torn last line (\(torn.length) bytes, an interrupted write) ignored"))
        } else {
            do throws(StoreError) {
                try setAsideTail(log.path, tail: tailBytes(torn.offset), at: torn.offset - log.lastStart)
                warnings.append(LogWarning(file: name, line: local, column: nil,
                                           message: "torn last line (\(torn.length) bytes, an interrupted write) moved to \(name).torn"))
            } catch {
                warnings.append(tornTailNotSetAside(name, line: local, length: torn.length, error))
            }
        }
        return torn.offset
    }

    // MARK: Snapshot + appended lines

    /// nil when the snapshot's index turns out to be corrupt; a torn last line set aside meanwhile is then
    /// reported through `carried`.
    private func loadFromSnapshot(_ snap: SnapshotFile, log: LogFile, settings: Settings, settingsHash: UInt64,
                                  rewriteAfterBytes: Int, carried: inout [LogWarning]) throws(StoreError) -> ProgressLoad? {
        let h = snap.header
        let scheduler = makeScheduler(settings)
        var warnings = problemWarnings(snap.problems, log)
        let table = snap.table
        if log.size == h.coveredLength {
            let source = LogHistorySource(layout: log.layout, limit: log.size, offsets: .snapshot(snap, overrides: [:]))
            return ProgressLoad(progress: StudyProgress(settings: settings, table: table, source: source),
                                warnings: warnings, source: .snapshot(tailLines: 0, rebuiltCards: 0), snapshotWritten: false)
        }
        let bytes = try log.read(from: h.coveredLength, to: log.size)
        return try bytes.withUnsafeBufferPointer { buf throws(StoreError) -> ProgressLoad? in
            let scan = LogScan.scan(buf, range: 0..<buf.count, fileOffset: h.coveredLength, firstLine: h.coveredLines + 1)
            warnings += problemWarnings(scan.problems, log)
            var torn: [LogWarning] = []
            let limit = try handleTornTail(scan, log: log, tailBytes: { ArraySlice(buf[($0 - h.coveredLength)...]) }, end: log.size, warnings: &torn)
            warnings += torn
            if !isReadOnly { carried = torn }
            var changed: [String: (schedule: CardSchedule?, first: Date?)] = [:]
            var tail = TailReplay(snap: snap, scan: scan, buffer: buf, log: log, limit: limit, scheduler: scheduler)
            guard tail.run(changed: &changed) else { return nil }
            let source = LogHistorySource(layout: log.layout, limit: limit, offsets: .snapshot(snap, overrides: tail.overrides))
            var wrote = false
            if canWriteCaches && (scan.completeEnd - h.coveredLength >= rewriteAfterBytes || tail.rebuilt > 0) {
                // Merging reads the big sections whole: check them first (corrupt: replay everything instead).
                guard snap.bigSectionsAreIntact(), let oldUndone = snap.undone() else { return nil }
                // The new snapshot ends at the last newline: without a last line that lacks one.
                if let last = scan.records.last, last.lineOffset >= scan.completeEnd {
                    var covered = scan
                    covered.records.removeLast()
                    var c2: [String: (schedule: CardSchedule?, first: Date?)] = [:]
                    var t2 = TailReplay(snap: snap, scan: covered, buffer: buf, log: log, limit: limit, scheduler: scheduler)
                    guard t2.run(changed: &c2) else { return nil }
                    wrote = rewriteSnapshot(snap, oldUndone: oldUndone, tail: t2, scan: covered,
                                            changed: c2, settingsHash: settingsHash, log: log)
                } else {
                    wrote = rewriteSnapshot(snap, oldUndone: oldUndone, tail: tail, scan: scan,
                                            changed: changed, settingsHash: settingsHash, log: log)
                }
            }
            let lines = scan.lastCompleteLine - h.coveredLines + (scan.records.last.map { $0.lineOffset >= scan.completeEnd ? 1 : 0 } ?? 0)
            return ProgressLoad(progress: StudyProgress(settings: settings, table: table, overrides: changed, source: source),
                                warnings: warnings, source: .snapshot(tailLines: lines, rebuiltCards: tail.rebuilt), snapshotWritten: wrote)
        }
    }

    /// Writes the snapshot again, covering the appended lines too: merging, not replaying. The big
    /// sections are copied as bytes, less the undone lines, plus the appended ones.
    private func rewriteSnapshot(_ snap: SnapshotFile, oldUndone: [String], tail: TailReplay, scan: LogScan,
                                 changed: [String: (schedule: CardSchedule?, first: Date?)], settingsHash: UInt64, log: LogFile) -> Bool {
        let table = snap.table
        func lookup(_ name: String) -> (schedule: CardSchedule?, first: Date?) {
            if let c = changed[name] { return c }
            return table.index(of: name).map { (table.schedule($0), table.first($0)) } ?? (nil, nil)
        }
        enum Part { case old(start: Int, count: Int), new(ArraySlice<Int>) }
        var cards: [SnapshotCard] = []
        var parts: [[Part]] = []
        var eventCount = 0
        func add(_ name: String, _ p: [Part]) {
            let n = p.reduce(0) { a, part in
                switch part { case let .old(_, c): a + c; case let .new(x): a + x.count }
            }
            let now = lookup(name)
            guard let s = now.schedule, n > 0 else { return }
            cards.append(SnapshotCard(name: name, schedule: s, firstReview: now.first, eventsStart: eventCount, eventsCount: n))
            parts.append(p)
            eventCount += n
        }
        var done = Set<String>()
        for k in 0..<snap.cardCount {
            let name = snap.name(k), range = snap.eventRange(k)
            let old = Part.old(start: range.start, count: range.count)
            switch tail.overrides[name] {
            case nil: add(name, [old])
            case let .appended(more)?: add(name, [old, .new(more[...])])
            case let .replaced(all)?: add(name, [.new(all[...])])
            }
            done.insert(name)
        }
        for name in tail.newCards where !done.contains(name) {
            switch tail.overrides[name] {
            case let .appended(x)?, let .replaced(x)?: add(name, [.new(x[...])])
            case nil: break
            }
        }
        let added = tail.addedIndex.sorted { $0.hash != $1.hash ? $0.hash < $1.hash : $0.offset < $1.offset }
        let oldCount = snap.header.eventCount
        let removed = tail.removedOffsets
        guard oldCount - removed.count + added.count == eventCount else { return false } // cannot happen: the counts agree
        guard let fingerprint = log.fingerprint(length: scan.completeEnd) else { return false }
        var h = SnapshotHeader()
        h.settingsHash = settingsHash
        h.coveredLength = scan.completeEnd
        h.coveredLines = scan.lastCompleteLine
        h.fingerprint = fingerprint
        let bytes = SnapshotCodec.encode(header: h, cards: cards, eventCount: eventCount, events: { w in
            for p in parts {
                for part in p {
                    switch part {
                    case let .old(start, count): w.raw(snap.rawEvents(start: start, count: count))
                    case let .new(x): w.ints(x)
                    }
                }
            }
        }, index: { w in
            // Merge the old sorted entries (less the undone lines) with the new sorted ones.
            var j = 0, run = 0
            var k = 0
            func flush(_ upTo: Int) { if run < upTo { w.raw(snap.rawIndex(run, upTo)) }; run = upTo }
            while k < oldCount {
                let e = snap.index(k)
                if j < added.count && (added[j].hash, added[j].offset) < (e.hash, e.offset) {
                    flush(k)
                    w.u64(added[j].hash); w.int(added[j].offset)
                    j += 1
                    continue
                }
                if !removed.isEmpty && removed.contains(e.offset) { flush(k); run = k + 1 }
                k += 1
            }
            flush(oldCount)
            while j < added.count { w.u64(added[j].hash); w.int(added[j].offset); j += 1 }
        }, undone: oldUndone + tail.undoTargets, problems: snap.problems + scan.problems)
        return writeCacheFile(snapshotPath, bytes)
    }
}

/// Replays the lines appended after a snapshot on top of it. Undo lines and duplicate ids follow the same
/// rules as a full replay: a duplicate of an earlier line (before or after the snapshot) is skipped; an undo
/// of a line folded into the snapshot, or a line older than its card's last review, replays that card in full
/// from its lines (found with the snapshot's events section).
struct TailReplay {
    enum Override { case appended([Int]), replaced([Int]) }
    let snap: SnapshotFile
    let scan: LogScan
    let buffer: UnsafeBufferPointer<UInt8>
    let log: LogFile
    let limit: Int
    let scheduler: any Scheduler
    /// Results: per touched card its line offsets after the snapshot's; the prefix lines undone; the
    /// index entries of the accepted lines; the undo targets; cards first seen in the tail; cards replayed in full.
    var overrides: [String: Override] = [:]
    var removedOffsets = Set<Int>()
    var addedIndex: [(hash: UInt64, offset: Int)] = []
    var undoTargets: [String] = []
    var newCards: [String] = []
    var rebuilt = 0

    init(snap: SnapshotFile, scan: LogScan, buffer: UnsafeBufferPointer<UInt8>, log: LogFile, limit: Int, scheduler: any Scheduler) {
        self.snap = snap; self.scan = scan; self.buffer = buffer; self.log = log; self.limit = limit; self.scheduler = scheduler
    }

    enum Lookup { case found(offset: Int, card: String), absent, corrupt }

    /// The effective line with this id folded into the snapshot, if any. Every candidate of the index is
    /// confirmed by reading its line, so a hash collision can never match the wrong line.
    private func lookupPrefix(_ id: String) -> Lookup {
        for off in snap.offsets(withHash: FastHash.hash(id)) {
            guard off >= 0, off < snap.header.coveredLength, let line = log.line(at: off, limit: snap.header.coveredLength),
                  case let .review(r)? = try? LogEntry.decode(line: line[...]) else { return .corrupt }
            if r.id == id { return .found(offset: off, card: r.card) }
        }
        return .absent
    }

    /// Replays the appended lines; `changed` gets every card whose schedule they change.
    mutating func run(changed: inout [String: (schedule: CardSchedule?, first: Date?)]) -> Bool {
        let table = snap.table
        func current(_ card: String) -> (schedule: CardSchedule?, first: Date?) {
            if let c = changed[card] { return c }
            return table.index(of: card).map { (table.schedule($0), table.first($0)) } ?? (nil, nil)
        }
        let recs = scan.records
        guard !recs.isEmpty else { return true }
        // Undo lines of the tail.
        for (k, r) in recs.enumerated() where r.isUndo { undoTargets.append(scan.key(k, in: buffer)) }
        // Which of the tail's ids (its undo targets and its ratings' ids) the covered part undid.
        let ratingIDs = recs.indices.filter { !recs[$0].isUndo }.map { scan.key($0, in: buffer) }
        guard let prefixUndone = snap.undone(among: Array(Set(undoTargets).union(ratingIDs))) else { return false }
        let tailUndone = Set(undoTargets)
        var removedByCard: [String: Set<Int>] = [:]
        for t in tailUndone where !prefixUndone.contains(t) {
            switch lookupPrefix(t) {
            case .corrupt: return false
            case .absent: break
            case let .found(offset, card): removedOffsets.insert(offset); removedByCard[card, default: []].insert(offset)
            }
        }
        // Review lines: skip undone ones and duplicates (of a covered line, or of an earlier appended one).
        var seen = Set<String>()
        var accepted: [String: [Int]] = [:] // card → record indices, log order
        var cardOrder: [String] = []
        for (k, r) in recs.enumerated() where !r.isUndo {
            let id = scan.key(k, in: buffer)
            if prefixUndone.contains(id) || tailUndone.contains(id) { continue }
            switch lookupPrefix(id) {
            case .corrupt: return false
            case .found: continue
            case .absent: if !seen.insert(id).inserted { continue }
            }
            let card = scan.cards.names[Int(r.card)]
            if accepted[card] == nil { cardOrder.append(card) }
            accepted[card, default: []].append(k)
            addedIndex.append((r.idHash, r.lineOffset))
        }
        for card in removedByCard.keys where accepted[card] == nil { cardOrder.append(card) }
        for card in cardOrder {
            let mine = accepted[card] ?? []
            let removed = removedByCard[card] ?? []
            let cur = current(card)
            let last = cur.schedule?.lastReview
            let inSnapshot = table.index(of: card)
            if inSnapshot == nil { newCards.append(card) }
            let ordered = mine.sorted { a, b in recs[a].at != recs[b].at ? recs[a].at < recs[b].at : a < b }
            if removed.isEmpty && !(last.map { l in mine.contains { recs[$0].at < l } } ?? false) {
                // In order after the snapshot: continue from the snapshot's state.
                var s = cur.schedule ?? CardSchedule()
                for k in ordered { s = scheduler.review(s, cardID: card, rating: recs[k].rating, at: recs[k].at) }
                changed[card] = (s, cur.first ?? ordered.first.map { recs[$0].at })
                overrides[card] = .appended(ordered.map { recs[$0].lineOffset })
                continue
            }
            // Replay the card in full: its covered lines (less the undone ones) and the appended ones.
            rebuilt += 1
            var events: [(at: Date, offset: Int, rating: Rating)] = []
            if let c = inSnapshot {
                let slice = snap.eventRange(c)
                for off in snap.events(start: slice.start, count: slice.count) where !removed.contains(off) {
                    guard let line = log.line(at: off, limit: snap.header.coveredLength),
                          case let .review(r)? = try? LogEntry.decode(line: line[...]) else { return false }
                    events.append((r.at, off, r.rating))
                }
            }
            for k in mine { events.append((recs[k].at, recs[k].lineOffset, recs[k].rating)) }
            events.sort { $0.at != $1.at ? $0.at < $1.at : $0.offset < $1.offset }
            var s = CardSchedule()
            for e in events { s = scheduler.review(s, cardID: card, rating: e.rating, at: e.at) }
            changed[card] = (events.isEmpty ? nil : s, events.first?.at)
            overrides[card] = .replaced(events.map(\.offset))
        }
        return true
    }
}

/// Reads reviews back from the log for the cards' histories (`StudyProgress.reviews`, `history`).
final class LogHistorySource: ReviewHistorySource, @unchecked Sendable {
    enum Offsets {
        /// `offsets[starts[i]..<starts[i + 1]]` for the card at `table.index(of: card) = i`.
        case flat(table: CardTable, starts: [Int], offsets: [Int])
        case snapshot(SnapshotFile, overrides: [String: TailReplay.Override])
    }
    let layout: LogLayout
    let limit: Int
    let offsets: Offsets

    init(layout: LogLayout, limit: Int, offsets: Offsets) { self.layout = layout; self.limit = limit; self.offsets = offsets }

    private func lineOffsets(of card: String) -> [Int] {
        switch offsets {
        case let .flat(table, starts, offsets):
            guard let i = table.index(of: card) else { return [] }
            return Array(offsets[starts[i]..<starts[i + 1]])
        case let .snapshot(snap, overrides):
            let base: [Int] = snap.table.index(of: card).map { let r = snap.eventRange($0); return snap.events(start: r.start, count: r.count) } ?? []
            switch overrides[card] {
            case nil: return base
            case let .appended(more)?: return base + more
            case let .replaced(all)?: return all
            }
        }
    }

    private var cards: [String] {
        switch offsets {
        case let .flat(table, _, _): return table.names
        case let .snapshot(snap, overrides): return Array(Set(snap.table.names).union(overrides.keys))
        }
    }

    /// Whether the offsets can be trusted (the snapshot's events section is checked once, when first used).
    private var offsetsAreSound: Bool {
        if case let .snapshot(snap, _) = offsets { return snap.eventsAreIntact() }
        return true
    }

    /// Whether one card's offsets can be trusted (only the snapshot's blocks that hold them are checked).
    private func offsetsAreSound(of card: String) -> Bool {
        guard case let .snapshot(snap, _) = offsets, let i = snap.table.index(of: card) else { return true }
        let r = snap.eventRange(i)
        return snap.eventsAreIntact(start: r.start, count: r.count)
    }

    func reviews(of card: String) -> [ReviewEvent] {
        guard offsetsAreSound(of: card) else { return fallback()[card] ?? [] }
        guard let log = try? LogFile.open(layout) else { return [] }
        return lineOffsets(of: card).compactMap { off in
            guard let line = log.line(at: off, limit: limit), case let .review(r)? = try? LogEntry.decode(line: line[...]) else { return nil }
            return r
        }
    }

    /// Read once, then kept: the part of the log it covers never changes.
    func allReviews() -> [String: [ReviewEvent]] {
        guard offsetsAreSound else { return fallback() }
        lock.lock(); defer { lock.unlock() }
        if let all = allCache { return all }
        guard let log = try? LogFile.open(layout), let bytes = try? log.read(from: 0, to: min(limit, log.size)) else { return [:] }
        var out: [String: [ReviewEvent]] = [:]
        bytes.withUnsafeBufferPointer { buf in
            for card in cards {
                var events: [ReviewEvent] = []
                for off in lineOffsets(of: card) where off < buf.count {
                    let end = buf[off...].firstIndex(of: 0x0A) ?? buf.count
                    let line = UnsafeBufferPointer(rebasing: buf[off..<end])
                    let entry = LogEntry.decodeFast(line) ?? (try? LogEntry.decode(line: ArraySlice(line)))
                    if case let .review(r)? = entry { events.append(r) }
                }
                if !events.isEmpty { out[card] = events }
            }
        }
        allCache = out
        return out
    }

    private let lock = NSLock()
    private var allCache: [String: [ReviewEvent]]?
    private var fallbackCache: [String: [ReviewEvent]]?

    /// Every card's history from the log alone (when the snapshot's offsets turn out to be damaged).
    private func fallback() -> [String: [ReviewEvent]] {
        lock.lock(); defer { lock.unlock() }
        if let f = fallbackCache { return f }
        var entries: [LogEntry] = []
        if let log = try? LogFile.open(layout), let bytes = try? log.read(from: 0, to: min(limit, log.size)) {
            let lines = JSONLines(bytes)
            for (_, line) in lines.lines { if let e = try? LogEntry.decode(line: line) { entries.append(e) } }
            if let tail = lines.tail, let e = try? LogEntry.decode(line: tail) { entries.append(e) }
        }
        let f = StudyProgress(entries: entries, settings: Settings()).history
        fallbackCache = f
        return f
    }
}
