import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

// `snapshot.bin`: a cache of every card's schedule, so that start-up does not replay the whole review log.
// It is rebuilt from `reviews.jsonl` and `settings.json` whenever it is missing, stale or corrupt, and
// never holds anything that is not in them. The format is documented in docs/scheduling.md ("Snapshot").
//
// Layout (all integers little-endian; Dates are `timeIntervalSinceReferenceDate` as IEEE 754 bits):
//
//   header (176 bytes)
//     0  magic "PDSNAP\0\1"            8  format version u32       12 replay version u32
//    16  settings hash u64            24  covered length u64       32 covered lines u64
//    40  fingerprint u64              48  card count u64           56 event count u64
//    64  undone count u64             72  problem count u64
//    80  offsets of the sections: cards, names, problems, undone, events, id index (u64 each), file length u64
//   136  checksums: core (cards + names + problems), undone, event blocks, id index (u64 each)
//   168  header checksum (of bytes 0..<168)
//   cards     card count × 80 bytes (see `SnapshotCard`)
//   names     the card ids, UTF-8, back to back
//   problems  per unreadable line of the covered part: line u64, column u64, message length u32, message
//   undone    per undo line of the covered part: target length u32, target id
//   events    event count × u64: the line offset of every effective review, card by card, in replay order
//   id index  event count × (id hash u64, line offset u64), sorted: finds the line of an id
//   event blocks  per block of 8,192 events (64 KiB of the events section; the last may be shorter): the
//             block's checksum u64, so that one card's history checks only the blocks it reads
//
// Start-up reads the header and the core sections only (they grow with the number of cards, not with
// the log); the undone, events and id index sections are read when lines were appended after the
// snapshot, or for a card's history.

enum SnapshotFormat {
    static let magic: [UInt8] = [0x50, 0x44, 0x53, 0x4E, 0x41, 0x50, 0x00, 0x01] // "PDSNAP\0\1"
    /// 2: the events section is checked block by block (the event blocks section). 3: every checksum is
    /// `FastHash.wide` (four times as fast: start-up checks the cards and names of every reviewed card).
    static let version: UInt32 = 3
    /// Bump whenever a change to the schedulers or to the replay rules changes what a log replays to:
    /// every snapshot written before is then rebuilt.
    static let replayVersion: UInt32 = 1
    static let headerSize = 176
    static let cardSize = 80
    /// Events per checked block of the events section.
    static let eventsPerBlock = 8192
    static func blockCount(_ events: Int) -> Int { (events + eventsPerBlock - 1) / eventsPerBlock }

    /// A hash of the settings that decide schedules (not `new_per_day`, which only shapes the queue).
    static func settingsHash(_ s: Settings) -> UInt64 { s.schedulingHash(seed: 0x5E77_1265) }
}

/// One card of the snapshot.
struct SnapshotCard {
    var name: String
    var schedule: CardSchedule
    var firstReview: Date?
    /// Its effective reviews in the events section.
    var eventsStart: Int
    var eventsCount: Int
}

struct SnapshotHeader {
    var settingsHash: UInt64 = 0
    var coveredLength = 0
    var coveredLines = 0
    var fingerprint: UInt64 = 0
    var cardCount = 0
    var eventCount = 0
    var undoneCount = 0
    var problemCount = 0
    var cardsAt = 0, namesAt = 0, problemsAt = 0, undoneAt = 0, eventsAt = 0, idIndexAt = 0, fileLength = 0
    var coreChecksum: UInt64 = 0, undoneChecksum: UInt64 = 0, eventsChecksum: UInt64 = 0, idIndexChecksum: UInt64 = 0
}

/// Little-endian byte building.
struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func string(_ s: String) { u32(UInt32(s.utf8.count)); bytes.append(contentsOf: s.utf8) }
    mutating func raw(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
    /// Appends little-endian integers in bulk.
    mutating func ints(_ values: some Collection<Int>) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: values.count * 8))
        bytes.withUnsafeMutableBytes { out in
            var k = start
            for v in values { out.storeBytes(of: Int64(v).littleEndian, toByteOffset: k, as: Int64.self); k += 8 }
        }
    }
    mutating func set(u64 v: UInt64, at k: Int) {
        withUnsafeBytes(of: v.littleEndian) { for (j, b) in $0.enumerated() { bytes[k + j] = b } }
    }
}

/// A schedule in 48 bytes, little-endian, as `snapshot.bin`'s cards (from their byte 8) and `join.bin` keep it:
/// state (0 new, 1 learning, 2 review, 3 relearning) and flags bytes, 2 zero bytes, step, reps and lapses
/// (32-bit), stability, difficulty, due and last review (64-bit floats; the times as seconds since
/// 2001-01-01, exact). Flags: 1 step, 2 stability, 4 difficulty, 8 due, 16 last review present; the other
/// bits are the caller's (32: the snapshot's first review, 128: `join.bin`'s "has a schedule").
enum ScheduleRecord {
    static let size = 48
    private static let states: [CardState] = [.new, .learning, .review, .relearning]

    static func write(_ s: CardSchedule, flags extra: UInt8, into w: inout ByteWriter) {
        var flags = extra
        if s.step != nil { flags |= 1 }
        if s.stability != nil { flags |= 2 }
        if s.difficulty != nil { flags |= 4 }
        if s.due != nil { flags |= 8 }
        if s.lastReview != nil { flags |= 16 }
        let state: UInt8 = switch s.state { case .new: 0; case .learning: 1; case .review: 2; case .relearning: 3 }
        w.bytes.append(contentsOf: [state, flags, 0, 0])
        w.u32(UInt32(bitPattern: Int32(truncatingIfNeeded: s.step ?? 0)))
        w.u32(UInt32(bitPattern: Int32(truncatingIfNeeded: s.reps)))
        w.u32(UInt32(bitPattern: Int32(truncatingIfNeeded: s.lapses)))
        w.f64(s.stability ?? 0)
        w.f64(s.difficulty ?? 0)
        w.f64(s.due?.timeIntervalSinceReferenceDate ?? 0)
        w.f64(s.lastReview?.timeIntervalSinceReferenceDate ?? 0)
    }

    @inline(__always) static func f64(_ raw: UnsafeRawBufferPointer, _ at: Int) -> Double {
        Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
    }

    /// The `lastReview` of the record at `at` (flag 16 set), in seconds since the reference date.
    @inline(__always) static func lastReview(_ raw: UnsafeRawBufferPointer, at: Int) -> Double { f64(raw, at + 40) }

    /// `CardStatus(schedule, now:)` of a join.bin record at `at` (flag 128: it has a schedule; else `new`),
    /// `now` in seconds since the reference date, without decoding the schedule.
    @inline(__always) static func status(_ raw: UnsafeRawBufferPointer, at: Int, now: Double) -> CardStatus {
        let flags = raw[at + 1]
        guard flags & 128 != 0 else { return .new }
        return CardStatus(state: states[Int(raw[at])], due: flags & 8 != 0 ? f64(raw, at + 32) : nil, now: now)
    }

    /// The schedule of a join.bin record at `at`, nil where it has none (flag 128).
    @inline(__always) static func optional(_ raw: UnsafeRawBufferPointer, at: Int) -> CardSchedule? {
        raw[at + 1] & 128 != 0 ? read(raw, at: at) : nil
    }

    /// Whether the record at `at` has a known state.
    static func valid(_ raw: UnsafeRawBufferPointer, at: Int) -> Bool { raw[at] <= 3 }

    /// The schedule at `at` (its state checked by `valid`).
    @inline(__always) static func read(_ raw: UnsafeRawBufferPointer, at: Int) -> CardSchedule {
        let flags = raw[at + 1]
        @inline(__always) func i32(_ o: Int) -> Int { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at + o, as: Int32.self))) }
        @inline(__always) func f64(_ o: Int) -> Double { ScheduleRecord.f64(raw, at + o) }
        var s = CardSchedule()
        s.state = states[Int(raw[at])]
        s.step = flags & 1 != 0 ? i32(4) : nil
        s.reps = i32(8)
        s.lapses = i32(12)
        s.stability = flags & 2 != 0 ? f64(16) : nil
        s.difficulty = flags & 4 != 0 ? f64(24) : nil
        s.due = flags & 8 != 0 ? Date(timeIntervalSinceReferenceDate: f64(32)) : nil
        s.lastReview = flags & 16 != 0 ? Date(timeIntervalSinceReferenceDate: f64(40)) : nil
        return s
    }
}

/// Bounds-checked little-endian reading; any read past the end marks the reader as failed.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var at: Int
    var failed = false
    init(_ bytes: UnsafeRawBufferPointer, at: Int = 0) { self.bytes = bytes; self.at = at }

    mutating func take(_ n: Int) -> Int? {
        guard !failed, n >= 0, at <= bytes.count - n else { failed = true; return nil }
        defer { at += n }
        return at
    }
    mutating func u32() -> UInt32 {
        guard let k = take(4) else { return 0 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: k, as: UInt32.self))
    }
    mutating func u64() -> UInt64 {
        guard let k = take(8) else { return 0 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self))
    }
    mutating func int() -> Int {
        let v = Int64(bitPattern: u64())
        if v < 0 || v > Int64(Int32.max) * 1 << 20 { failed = true; return 0 }
        return Int(v)
    }
    mutating func f64() -> Double { Double(bitPattern: u64()) }
    /// Steps over a string (its length, then its bytes); false when it does not fit.
    mutating func skipString(maxLength: Int) -> Bool {
        let n = Int(u32())
        guard n <= maxLength, take(n) != nil else { failed = true; return false }
        return true
    }
    mutating func string(maxLength: Int = 1 << 20) -> String {
        let n = Int(u32())
        guard n <= maxLength, let k = take(n) else { failed = true; return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[k..<(k + n)]), as: UTF8.self)
    }
}

enum SnapshotCodec {
    static func checksum(_ b: ArraySlice<UInt8>) -> UInt64 { b.withUnsafeBytes(checksum) }
    /// The checksum of every section and block of `snapshot.bin` and of the bank indexes.
    static func checksum(_ b: UnsafeRawBufferPointer) -> UInt64 { FastHash.wide(b, seed: 0xC4EC) }

    /// Serialises a snapshot. `events` holds every card's line offsets back to back (card order);
    /// `idIndex` is sorted by (hash, offset).
    static func encode(header h0: SnapshotHeader, cards: [SnapshotCard], events: [Int], idIndex: [(hash: UInt64, offset: Int)],
                       undone: [String], problems: [LogLineProblem]) -> [UInt8] {
        encode(header: h0, cards: cards, eventCount: events.count, events: { $0.ints(events) }, index: { w in
            let start = w.bytes.count
            w.bytes.append(contentsOf: repeatElement(0, count: idIndex.count * 16))
            w.bytes.withUnsafeMutableBytes { out in
                var k = start
                for e in idIndex {
                    out.storeBytes(of: e.hash.littleEndian, toByteOffset: k, as: UInt64.self)
                    out.storeBytes(of: Int64(e.offset).littleEndian, toByteOffset: k + 8, as: Int64.self)
                    k += 16
                }
            }
        }, undone: undone, problems: problems)
    }

    /// Serialises a snapshot whose events (`eventCount` × 8 bytes) and id index (`eventCount` × 16 bytes)
    /// sections are written by the given closures.
    static func encode(header h0: SnapshotHeader, cards: [SnapshotCard], eventCount: Int, events writeEvents: (inout ByteWriter) -> Void,
                       index writeIndex: (inout ByteWriter) -> Void, undone: [String], problems: [LogLineProblem]) -> [UInt8] {
        var h = h0
        var w = ByteWriter()
        w.bytes.reserveCapacity(SnapshotFormat.headerSize + cards.count * 100 + eventCount * 24 + 4096)
        w.bytes.append(contentsOf: [UInt8](repeating: 0, count: SnapshotFormat.headerSize))
        h.cardCount = cards.count
        h.eventCount = eventCount
        h.undoneCount = undone.count
        h.problemCount = problems.count
        h.cardsAt = w.bytes.count
        var nameOffset = 0
        for c in cards {
            let s = c.schedule
            let n = c.name.utf8.count
            w.u32(UInt32(nameOffset)); w.u32(UInt32(n))
            nameOffset += n
            ScheduleRecord.write(s, flags: c.firstReview != nil ? 32 : 0, into: &w)
            w.f64(c.firstReview?.timeIntervalSinceReferenceDate ?? 0)
            w.int(c.eventsStart)
            w.int(c.eventsCount)
        }
        h.namesAt = w.bytes.count
        for c in cards { w.bytes.append(contentsOf: c.name.utf8) }
        h.problemsAt = w.bytes.count
        for p in problems { w.int(p.line); w.int(p.column); w.string(p.message) }
        h.undoneAt = w.bytes.count
        for u in undone { w.string(u) }
        h.eventsAt = w.bytes.count
        writeEvents(&w)
        h.idIndexAt = w.bytes.count
        writeIndex(&w)
        let blocksAt = w.bytes.count
        precondition(h.idIndexAt == h.eventsAt + eventCount * 8 && blocksAt == h.idIndexAt + eventCount * 16)
        for b in 0..<SnapshotFormat.blockCount(eventCount) {
            let from = h.eventsAt + b * SnapshotFormat.eventsPerBlock * 8
            w.u64(checksum(w.bytes[from..<min(h.idIndexAt, from + SnapshotFormat.eventsPerBlock * 8)]))
        }
        h.fileLength = w.bytes.count
        h.coreChecksum = checksum(w.bytes[SnapshotFormat.headerSize..<h.undoneAt])
        h.undoneChecksum = checksum(w.bytes[h.undoneAt..<h.eventsAt])
        h.eventsChecksum = checksum(w.bytes[blocksAt..<h.fileLength])
        h.idIndexChecksum = checksum(w.bytes[h.idIndexAt..<blocksAt])
        var hw = ByteWriter()
        hw.bytes = SnapshotFormat.magic
        hw.u32(SnapshotFormat.version); hw.u32(SnapshotFormat.replayVersion)
        hw.u64(h.settingsHash); hw.int(h.coveredLength); hw.int(h.coveredLines); hw.u64(h.fingerprint)
        for v in [h.cardCount, h.eventCount, h.undoneCount, h.problemCount, h.cardsAt, h.namesAt, h.problemsAt, h.undoneAt,
                  h.eventsAt, h.idIndexAt, h.fileLength] { hw.int(v) }
        for v in [h.coreChecksum, h.undoneChecksum, h.eventsChecksum, h.idIndexChecksum] { hw.u64(v) }
        hw.u64(checksum(hw.bytes[0..<168]))
        precondition(hw.bytes.count == SnapshotFormat.headerSize)
        w.bytes.replaceSubrange(0..<SnapshotFormat.headerSize, with: hw.bytes)
        return w.bytes
    }

    static func decodeHeader(_ b: [UInt8]) -> SnapshotHeader? {
        guard b.count >= SnapshotFormat.headerSize, Array(b[0..<8]) == SnapshotFormat.magic else { return nil }
        return b.withUnsafeBytes { raw -> SnapshotHeader? in
            var r = ByteReader(raw, at: 8)
            guard r.u32() == SnapshotFormat.version, r.u32() == SnapshotFormat.replayVersion else { return nil }
            var h = SnapshotHeader()
            h.settingsHash = r.u64(); h.coveredLength = r.int(); h.coveredLines = r.int(); h.fingerprint = r.u64()
            h.cardCount = r.int(); h.eventCount = r.int(); h.undoneCount = r.int(); h.problemCount = r.int()
            h.cardsAt = r.int(); h.namesAt = r.int(); h.problemsAt = r.int(); h.undoneAt = r.int()
            h.eventsAt = r.int(); h.idIndexAt = r.int(); h.fileLength = r.int()
            h.coreChecksum = r.u64(); h.undoneChecksum = r.u64(); h.eventsChecksum = r.u64(); h.idIndexChecksum = r.u64()
            let stored = r.u64()
            guard !r.failed, stored == checksum(b[0..<168]) else { return nil }
            // Sections in order, sized as the counts say.
            guard h.cardsAt == SnapshotFormat.headerSize, h.namesAt == h.cardsAt + h.cardCount * SnapshotFormat.cardSize,
                  h.namesAt <= h.problemsAt, h.problemsAt <= h.undoneAt, h.undoneAt <= h.eventsAt,
                  h.idIndexAt == h.eventsAt + h.eventCount * 8,
                  h.fileLength == h.idIndexAt + h.eventCount * 16 + SnapshotFormat.blockCount(h.eventCount) * 8 else { return nil }
            return h
        }
    }

    /// The cards' schedules and first reviews, and the problems, of the core sections (`raw`: the file's bytes
    /// from 0 to at least `undoneAt`, read in place). Every card's name is checked to lie in the names section,
    /// so `SnapshotMapping.bytes` may read it without a check.
    static func decodeCore(_ raw: UnsafeRawBufferPointer, _ h: SnapshotHeader) -> [LogLineProblem]? {
        guard raw.count >= h.undoneAt,
              checksum(UnsafeRawBufferPointer(rebasing: raw[SnapshotFormat.headerSize..<h.undoneAt])) == h.coreChecksum else { return nil }
        // The cards are checked here and read in place afterwards (`SnapshotMapping.schedule`): where each
        // name lies, a known state, and event ranges that follow each other.
        let namesLength = h.problemsAt - h.namesAt
        var expectedEvent = 0
        var r = ByteReader(raw, at: h.cardsAt)
        for _ in 0..<h.cardCount {
            let nameStart = Int(r.u32()), nameLength = Int(r.u32())
            guard let k = r.take(4), nameStart + nameLength <= namesLength else { return nil }
            _ = r.take(SnapshotFormat.cardSize - 28) // step, reps, lapses and the five times
            let valid = ScheduleRecord.valid(raw, at: k)
            let start = r.int(), count = r.int()
            guard !r.failed, valid, start == expectedEvent, count <= h.eventCount - start else { return nil }
            expectedEvent += count
        }
        guard expectedEvent == h.eventCount else { return nil }
        var p = ByteReader(raw, at: h.problemsAt)
        var problems: [LogLineProblem] = []
        for _ in 0..<h.problemCount {
            let line = p.int(), column = p.int(), message = p.string()
            guard !p.failed else { return nil }
            problems.append(LogLineProblem(line: line, column: column, message: message))
        }
        guard p.at == h.undoneAt else { return nil }
        return problems
    }
}

/// A snapshot file's read-only mapping (unmapped when the last user lets go), and its cards' names read in
/// place (`decodeCore` checked where each lies).
final class SnapshotMapping: PackedNames, CardRecords, @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let length: Int
    let header: SnapshotHeader
    init(base: UnsafeMutableRawPointer, length: Int, header: SnapshotHeader) { self.base = base; self.length = length; self.header = header }
    deinit { munmap(base, length) }

    var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }
    var count: Int { header.cardCount }

    private func u32(_ at: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
    private func int(_ at: Int) -> Int { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self))) }

    func bytes(_ k: Int) -> UnsafeRawBufferPointer {
        let at = header.cardsAt + k * SnapshotFormat.cardSize
        let start = header.namesAt + u32(at)
        return UnsafeRawBufferPointer(start: base + start, count: u32(at + 4))
    }

    /// Card `k`'s schedule, from its record (whose state `decodeCore` checked).
    func schedule(_ k: Int) -> CardSchedule { ScheduleRecord.read(raw, at: header.cardsAt + k * SnapshotFormat.cardSize + 8) }

    func first(_ k: Int) -> Date? {
        let at = header.cardsAt + k * SnapshotFormat.cardSize
        guard raw[at + 9] & 32 != 0 else { return nil }
        return Date(timeIntervalSinceReferenceDate: Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 56, as: UInt64.self))))
    }

    /// Card `k`'s effective reviews in the events section.
    func eventRange(_ k: Int) -> (start: Int, count: Int) {
        let at = header.cardsAt + k * SnapshotFormat.cardSize
        return (int(at + 64), int(at + 72))
    }
}

/// An open snapshot file, mapped read-only: the header and core sections are checked at once; the
/// big sections (events, id index) are only touched where they are used, so opening does not grow with
/// the log. The file is only ever replaced by rename, never rewritten in place, so the mapping stays valid.
final class SnapshotFile: @unchecked Sendable {
    let header: SnapshotHeader
    /// The cards' schedules and first reviews, with their look-up by id (in the file's card order; the ids
    /// are read in place from the mapping).
    let table: CardTable
    let problems: [LogLineProblem]
    private let mapping: SnapshotMapping
    private let lock = NSLock()
    /// Whether the event blocks section is intact, then each block (0 not checked yet, 1 intact, 2 not).
    private var blockListVerified: Bool?
    private var blocksVerified: [UInt8]
    private var indexVerified: Bool?

    /// Opens and checks a snapshot; nil when it is missing, from another version, or corrupt.
    static func open(_ path: String) -> SnapshotFile? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Int(st.st_size) >= SnapshotFormat.headerSize,
              let head = preadAll(fd, at: 0, count: SnapshotFormat.headerSize),
              let h = SnapshotCodec.decodeHeader(head), Int(st.st_size) == h.fileLength,
              let p = mmap(nil, h.fileLength, PROT_READ, MAP_SHARED, fd, 0), p != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        let mapping = SnapshotMapping(base: p, length: h.fileLength, header: h)
        populateMapped(p, 0..<h.undoneAt) // the core sections are read whole at once
        guard let problems = SnapshotCodec.decodeCore(mapping.raw, h) else { return nil }
        return SnapshotFile(header: h, mapping: mapping, problems: problems)
    }

    private init(header: SnapshotHeader, mapping: SnapshotMapping, problems: [LogLineProblem]) {
        self.header = header; self.mapping = mapping; self.problems = problems
        blocksVerified = [UInt8](repeating: 0, count: SnapshotFormat.blockCount(header.eventCount))
        var t = CardTable(packed: mapping, records: mapping)
        t.identity = header.coreChecksum
        table = t
    }

    /// The number of cards, card `k`'s id, and its effective reviews in the events section.
    var cardCount: Int { header.cardCount }
    func name(_ k: Int) -> String { table.name(k) }
    func eventRange(_ k: Int) -> (start: Int, count: Int) { mapping.eventRange(k) }

    private var raw: UnsafeRawBufferPointer { mapping.raw }

    private func verified(_ from: Int, _ to: Int, _ sum: UInt64, _ cache: inout Bool?) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if let v = cache { return v }
        let ok = SnapshotCodec.checksum(UnsafeRawBufferPointer(rebasing: raw[from..<to])) == sum
        cache = ok
        return ok
    }

    /// The undo targets of the covered part; nil when the section is corrupt.
    func undone() -> [String]? {
        let h = header
        var unused: Bool?
        guard verified(h.undoneAt, h.eventsAt, h.undoneChecksum, &unused) else { return nil }
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: raw[h.undoneAt..<h.eventsAt]))
        var out: [String] = []
        for _ in 0..<h.undoneCount { out.append(r.string()) }
        return r.failed || r.at != h.eventsAt - h.undoneAt ? nil : out
    }

    /// Which of `wanted` are undo targets of the covered part (one pass over the section's bytes, no string
    /// made per target: a 10,000,000-line log has hundreds of thousands); nil when the section is corrupt.
    func undone(among wanted: [String]) -> Set<String>? {
        let h = header
        var unused: Bool?
        guard verified(h.undoneAt, h.eventsAt, h.undoneChecksum, &unused) else { return nil }
        let section = UnsafeRawBufferPointer(rebasing: raw[h.undoneAt..<h.eventsAt])
        var r = ByteReader(section)
        let found = IDTable.scan(wanted) { visit in
            for k in 0..<h.undoneCount {
                let n = Int(r.u32())
                guard n <= 1 << 20, let at = r.take(n) else { r.failed = true; return }
                visit(k, UnsafeRawBufferPointer(rebasing: section[at..<(at + n)]))
            }
        }
        guard !r.failed, r.at == section.count else { return nil }
        return Set(zip(wanted, found).compactMap { $1 == nil ? nil : $0 })
    }

    private func event(_ k: Int) -> Int {
        Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: header.eventsAt + k * 8, as: Int64.self)))
    }

    /// The line offsets of one card's effective reviews (reads only that card's part of the section).
    func events(start: Int, count: Int) -> [Int] { (start..<(start + count)).map(event) }

    private func indexEntry(_ k: Int) -> (hash: UInt64, offset: Int) {
        let at = header.idIndexAt + k * 16
        return (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: Int64.self))))
    }

    /// The line offsets whose id has this hash (binary search: touches a few pages only).
    func offsets(withHash h: UInt64) -> [Int] {
        var lo = 0, hi = header.eventCount
        while lo < hi { let m = (lo + hi) / 2; if indexEntry(m).hash < h { lo = m + 1 } else { hi = m } }
        var out: [Int] = []
        while lo < header.eventCount, case let e = indexEntry(lo), e.hash == h { out.append(e.offset); lo += 1 }
        return out
    }

    /// Whether the whole events section is intact (every block checked, once).
    func eventsAreIntact() -> Bool { eventsAreIntact(start: 0, count: header.eventCount) }

    /// Whether events `start..<start + count` are intact: the blocks that hold them are checked (once each),
    /// so one card's history reads 64 KiB or so of the section, not all of it.
    func eventsAreIntact(start: Int, count: Int) -> Bool {
        let h = header
        let blocksAt = h.idIndexAt + h.eventCount * 16
        guard verified(blocksAt, h.fileLength, h.eventsChecksum, &blockListVerified) else { return false }
        guard count > 0 else { return true }
        guard start >= 0, start + count <= h.eventCount else { return false }
        lock.lock(); defer { lock.unlock() }
        let per = SnapshotFormat.eventsPerBlock
        for b in (start / per)...((start + count - 1) / per) {
            if blocksVerified[b] == 0 {
                let from = h.eventsAt + b * per * 8, to = min(h.idIndexAt, from + per * 8)
                let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: blocksAt + b * 8, as: UInt64.self))
                blocksVerified[b] = SnapshotCodec.checksum(UnsafeRawBufferPointer(rebasing: raw[from..<to])) == stored ? 1 : 2
            }
            if blocksVerified[b] != 1 { return false }
        }
        return true
    }

    /// How many blocks of the events section have been checked (for the tests).
    var blocksChecked: Int { lock.lock(); defer { lock.unlock() }; return blocksVerified.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    /// Whether the events and id index sections are intact (reads them whole).
    func bigSectionsAreIntact() -> Bool {
        eventsAreIntact() && verified(header.idIndexAt, header.idIndexAt + header.eventCount * 16, header.idIndexChecksum, &indexVerified)
    }

    /// The bytes of events `start..<start + count`.
    func rawEvents(start: Int, count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[(header.eventsAt + start * 8)..<(header.eventsAt + (start + count) * 8)])
    }

    /// Entry `k` of the id index.
    func index(_ k: Int) -> (hash: UInt64, offset: Int) { indexEntry(k) }

    /// The bytes of id index entries `from..<to`.
    func rawIndex(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[(header.idIndexAt + from * 16)..<(header.idIndexAt + to * 16)])
    }
}

/// Reads exactly `count` bytes at `offset` (nil on error or a short file).
public func preadAll(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
    guard count >= 0 else { return nil }
    if count == 0 { return [] }
    var failed = false
    let out = [UInt8](unsafeUninitializedCapacity: count) { buf, n in
        var done = 0
        while done < count {
            let r = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
            if r < 0 { if errno == EINTR { continue }; failed = true; break }
            if r == 0 { failed = true; break }
            done += r
        }
        n = failed ? 0 : count
    }
    return failed ? nil : out
}

/// A cheap fingerprint of the first `length` bytes of the log: the length, the first and last 4 KiB,
/// and 16 samples of 64 bytes spread between. Appending to the log never changes it; rewriting, truncating
/// or replacing the covered part almost always does.
/// `seed` keeps the fingerprints of different caches apart.
public func logFingerprint(fd: Int32, length: Int, seed: UInt64 = 0xF1_6E_4B) -> UInt64? {
    logFingerprint(length: length, seed: seed) { a, n in preadAll(fd, at: a, count: n) }
}

/// The same, reading through `read(offset, count)`.
func logFingerprint(length: Int, seed: UInt64 = 0xF1_6E_4B, read: (Int, Int) -> [UInt8]?) -> UInt64? {
    var h = FastHash.combine(seed, UInt64(length))
    var windows = [(0, min(4096, length)), (max(0, length - 4096), length)]
    for k in 1...16 {
        let p = length * k / 17
        windows.append((p, min(p + 64, length)))
    }
    for (a, b) in windows {
        guard let bytes = read(a, b - a) else { return nil }
        h = FastHash.combine(h, FastHash.hash(bytes))
    }
    return h
}

/// Writes a cache file: temporary file, then rename. No fsync: a snapshot lost or torn by a crash is
/// detected by its checksums and rebuilt.
func writeCacheFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    let tmp = path + ".tmp-\(getpid())"
    let fd = Glibc.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    do { try FileIO.writeAll(fd, bytes, path: tmp) } catch {
        close(fd); unlink(tmp); return false
    }
    close(fd)
    guard rename(tmp, path) == 0 else { unlink(tmp); return false }
    return true
}
