import Foundation
import PrepdeckCore

/// `join.bin`: which card of the snapshot each question of the catalogue is, and that card's schedule, in
/// catalogue order (a cache, rebuilt at will).
///
/// Joining 100,000 questions to their cards by id costs a hash look-up each, and reading each one's schedule
/// from the snapshot a few cache misses apiece (the snapshot keeps its cards in log order); both depend only
/// on the catalogue's ids in order and on the snapshot's cards, so they are kept for as long as both stay the
/// same, and read back in one sequential pass. Layout, little-endian: the magic `PDJOIN02`, the catalogue's
/// identity, the snapshot table's identity, the number of questions N, N signed 32-bit card indexes (-1: no
/// card), N schedules of 48 bytes (`ScheduleRecord`; flag 128: the question has one), a checksum
/// (`FastHash.wide`) of all that.
extension DataStore {
    public var joinPath: String { root + "/join.bin" }

    static let joinMagic: [UInt8] = Array("PDJOIN02".utf8)
    static let joinSeed: UInt64 = 0x701E

    /// A kept join: each question's card index (-1: none) and schedule (as `StudyProgress.schedules(join:)`
    /// gives them before the cards changed since the snapshot are applied).
    public struct KeptJoin: Sendable, Equatable {
        public let join: [Int32]
        public var schedules: CatalogSchedules
        /// The catalogue identity it was made for (`readJoin(table:tableCount:)`; 0 for one made now).
        public var catalog: UInt64 = 0
        public init(join: [Int32], schedules: [CardSchedule?]) { self.init(join: join, schedules: CatalogSchedules(schedules)) }
        init(join: [Int32], schedules: CatalogSchedules) { self.join = join; self.schedules = schedules }
    }

    static func joinLength(_ count: Int) -> Int { 32 + (4 + ScheduleRecord.size) * count + 8 }

    /// The kept join for this catalogue and table; nil when there is none, it is for others, or it is damaged.
    public func readJoin(catalog: UInt64, table: UInt64, count: Int, tableCount: Int) -> KeptJoin? {
        readJoin(table: table, tableCount: tableCount).flatMap { $0.catalog == catalog && $0.join.count == count ? $0 : nil }
    }

    /// The kept join for this table, whichever catalogue it was made for (`KeptJoin.catalog`, to be compared
    /// with the catalogue's identity once the banks are loaded: start-up reads it while they load).
    public func readJoin(table: UInt64, tableCount: Int) -> KeptJoin? {
        let fd = open(joinPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Int(st.st_size) >= DataStore.joinLength(0), let file = MappedFile(fd: fd, length: Int(st.st_size)) else { return nil }
        let b = file.raw
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        let n = b.count
        let stated = u64(24)
        guard stated <= UInt64(n), DataStore.joinLength(Int(stated)) == n else { return nil }
        let count = Int(stated)
        file.populate(0..<file.length)
        guard b.prefix(8).elementsEqual(DataStore.joinMagic), u64(16) == table,
              u64(n - 8) == FastHash.wide(UnsafeRawBufferPointer(rebasing: b[0..<(n - 8)]), seed: DataStore.joinSeed) else { return nil }
        let catalog = u64(8)
        var bad = false
        let join = [Int32](unsafeUninitializedCapacity: count) { out, made in
            populateWritable(out.baseAddress, count * MemoryLayout<Int32>.stride)
            for k in 0..<count {
                let v = Int32(littleEndian: b.loadUnaligned(fromByteOffset: 32 + 4 * k, as: Int32.self))
                if v < -1 || Int(v) >= tableCount { bad = true }
                out[k] = v
            }
            made = count
        }
        // The schedules stay in the file, each decoded when asked for; checked here: a schedule exactly where
        // there is a card, each of a known state.
        let at = 32 + 4 * count
        var reviewed = 0
        var latest = -Double.infinity
        for k in 0..<count {
            let r = at + ScheduleRecord.size * k
            let flags = b[r + 1]
            let has = flags & 128 != 0
            if has != (join[k] >= 0) || !ScheduleRecord.valid(b, at: r) { bad = true }
            if has {
                reviewed += 1
                if flags & 16 != 0 { latest = max(latest, ScheduleRecord.lastReview(b, at: r)) }
            }
        }
        guard !bad else { return nil }
        var kept = KeptJoin(join: join, schedules: CatalogSchedules(file: file, at: at, count: count, reviewed: reviewed, latest: latest))
        kept.catalog = catalog
        return kept
    }

    /// Keeps a join and its schedules (best effort, only while this process may write caches).
    @discardableResult
    public func writeJoin(_ kept: KeptJoin, catalog: UInt64, table: UInt64) -> Bool {
        guard canWriteCaches, kept.join.count == kept.schedules.count else { return false }
        let schedules = kept.schedules.array
        var w = ByteWriter()
        w.bytes = DataStore.joinMagic
        w.bytes.reserveCapacity(DataStore.joinLength(kept.join.count))
        w.u64(catalog); w.u64(table); w.u64(UInt64(kept.join.count))
        for v in kept.join { w.u32(UInt32(bitPattern: v)) }
        for s in schedules { ScheduleRecord.write(s ?? CardSchedule(), flags: s == nil ? 0 : 128, into: &w) }
        w.u64(w.bytes.withUnsafeBytes { FastHash.wide($0, seed: DataStore.joinSeed) })
        return writeCacheFile(joinPath, w.bytes)
    }
}


/// Each catalogue question's schedule (nil: never reviewed), in catalogue order, with the cards changed since
/// laid over them (`subscript` set).
///
/// When they come from `join.bin` they stay in its mapped records, each decoded when asked for: `list --due`
/// reads a state and a due date of each (`statuses(now:)`), which costs a fraction of making 100,000
/// schedules (5 MB) first. `array` makes them all, for the commands that go through every schedule.
public struct CatalogSchedules: @unchecked Sendable, Equatable {
    private let decoded: [CardSchedule?]
    /// join.bin (kept mapped while any copy of this value lives) and where its records start.
    private let file: MappedFile?
    private let recordsAt: Int
    public let count: Int
    private var changes: [Int: CardSchedule?] = [:]
    /// How many are not nil.
    public private(set) var reviewedCount: Int
    /// The latest `lastReview` of the base schedules (the records' or the array's), `-infinity` for none.
    private let baseLatest: Double

    public init(_ schedules: [CardSchedule?]) {
        decoded = schedules; file = nil; recordsAt = 0; count = schedules.count
        var n = 0, latest = -Double.infinity
        for s in schedules { if let s { n += 1; if let at = s.lastReview { latest = max(latest, at.timeIntervalSinceReferenceDate) } } }
        reviewedCount = n; baseLatest = latest
    }

    /// The records of `file` at `at` (checked by `readJoin`: `reviewed` of them have a schedule, the latest
    /// review among them at `latest`).
    init(file: MappedFile, at: Int, count: Int, reviewed: Int, latest: Double) {
        decoded = []; self.file = file; recordsAt = at; self.count = count
        reviewedCount = reviewed; baseLatest = latest
    }

    @inline(__always) private func record(_ k: Int) -> (UnsafeRawBufferPointer, Int)? {
        guard let file else { return nil }
        return (file.raw, recordsAt + ScheduleRecord.size * k)
    }

    @inline(__always) private func base(_ k: Int) -> CardSchedule? {
        guard let (b, r) = record(k) else { return decoded[k] }
        return ScheduleRecord.optional(b, at: r)
    }

    public subscript(k: Int) -> CardSchedule? {
        get {
            if !changes.isEmpty, let c = changes[k] { return c }
            return base(k)
        }
        set {
            precondition(k >= 0 && k < count, "schedule position out of range")
            let old = self[k]
            reviewedCount += (newValue == nil ? 0 : 1) - (old == nil ? 0 : 1)
            changes[k] = .some(newValue)
        }
    }

    /// Each one's status at `now` (nil: `new`), as `CardStatus(s ?? CardSchedule(), now:)` gives it.
    public func statuses(now: Date) -> [CardStatus] {
        var out: [CardStatus]
        if let file {
            let b = file.raw, at = recordsAt, t = now.timeIntervalSinceReferenceDate
            out = [CardStatus](unsafeUninitializedCapacity: count) { o, made in
                for k in 0..<count { o[k] = ScheduleRecord.status(b, at: at + ScheduleRecord.size * k, now: t) }
                made = count
            }
        } else {
            out = decoded.map { CardStatus($0 ?? CardSchedule(), now: now) }
        }
        for (k, s) in changes { out[k] = CardStatus(s ?? CardSchedule(), now: now) }
        return out
    }

    /// How many have a `lastReview` after `date`, and the latest of those.
    public func reviewed(after date: Date) -> (count: Int, latest: Date?) {
        let t = date.timeIntervalSinceReferenceDate
        var n = 0, latest = -Double.infinity
        func add(_ at: Double) { if at > t { n += 1; latest = max(latest, at) } }
        if baseLatest > t {
            for k in 0..<count where changes.isEmpty || changes[k] == nil {
                if let (b, r) = record(k) {
                    if b[r + 1] & (128 | 16) == 128 | 16 { add(ScheduleRecord.lastReview(b, at: r)) }
                } else if let at = decoded[k]?.lastReview {
                    add(at.timeIntervalSinceReferenceDate)
                }
            }
        }
        for case let (_, s?) in changes { if let at = s.lastReview { add(at.timeIntervalSinceReferenceDate) } }
        return (n, n > 0 ? Date(timeIntervalSinceReferenceDate: latest) : nil)
    }

    /// The same schedules with the kept ones decoded once: `array` then copies nothing while nothing is
    /// laid over them.
    public func decodedInFull() -> CatalogSchedules {
        guard file != nil else { return self }
        // Those laid over them become part of the decoded ones.
        var latest = baseLatest
        for case let (_, s?) in changes { if let at = s.lastReview { latest = max(latest, at.timeIntervalSinceReferenceDate) } }
        return CatalogSchedules(decoded: array, reviewed: reviewedCount, latest: latest)
    }

    private init(decoded: [CardSchedule?], reviewed: Int, latest: Double) {
        self.decoded = decoded; file = nil; recordsAt = 0; count = decoded.count
        reviewedCount = reviewed; baseLatest = latest
    }

    /// All of them, decoded.
    public var array: [CardSchedule?] {
        var out: [CardSchedule?]
        if let file {
            let b = file.raw, at = recordsAt
            out = [CardSchedule?](unsafeUninitializedCapacity: count) { o, made in
                populateWritable(o.baseAddress, count * MemoryLayout<CardSchedule?>.stride)
                for k in 0..<count { (o.baseAddress! + k).initialize(to: ScheduleRecord.optional(b, at: at + ScheduleRecord.size * k)) }
                made = count
            }
        } else {
            out = decoded
        }
        for (k, s) in changes { out[k] = s }
        return out
    }

    public static func == (a: CatalogSchedules, b: CatalogSchedules) -> Bool { a.count == b.count && a.array == b.array }
}
