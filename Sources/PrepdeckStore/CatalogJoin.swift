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
        public var schedules: [CardSchedule?]
        /// The catalogue identity it was made for (`readJoin(table:tableCount:)`; 0 for one made now).
        public var catalog: UInt64 = 0
        public init(join: [Int32], schedules: [CardSchedule?]) { self.join = join; self.schedules = schedules }
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
        let at = 32 + 4 * count
        let schedules = [CardSchedule?](unsafeUninitializedCapacity: count) { out, made in
            populateWritable(out.baseAddress, count * MemoryLayout<CardSchedule?>.stride)
            for k in 0..<count {
                let r = at + ScheduleRecord.size * k
                let has = b[r + 1] & 128 != 0
                // A schedule exactly where there is a card, each of a known state.
                if has != (join[k] >= 0) || !ScheduleRecord.valid(b, at: r) { bad = true }
                (out.baseAddress! + k).initialize(to: has && !bad ? ScheduleRecord.read(b, at: r) : nil)
            }
            made = count
        }
        guard !bad else { return nil }
        var kept = KeptJoin(join: join, schedules: schedules)
        kept.catalog = catalog
        return kept
    }

    /// Keeps a join and its schedules (best effort, only while this process may write caches).
    @discardableResult
    public func writeJoin(_ kept: KeptJoin, catalog: UInt64, table: UInt64) -> Bool {
        guard canWriteCaches, kept.join.count == kept.schedules.count else { return false }
        var w = ByteWriter()
        w.bytes = DataStore.joinMagic
        w.bytes.reserveCapacity(DataStore.joinLength(kept.join.count))
        w.u64(catalog); w.u64(table); w.u64(UInt64(kept.join.count))
        for v in kept.join { w.u32(UInt32(bitPattern: v)) }
        for s in kept.schedules { ScheduleRecord.write(s ?? CardSchedule(), flags: s == nil ? 0 : 128, into: &w) }
        w.u64(w.bytes.withUnsafeBytes { FastHash.wide($0, seed: DataStore.joinSeed) })
        return writeCacheFile(joinPath, w.bytes)
    }
}
