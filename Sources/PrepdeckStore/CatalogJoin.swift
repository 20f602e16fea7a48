import Foundation
import PrepdeckCore

/// `join.bin`: which card of the snapshot each question of the catalogue is (a cache, rebuilt at will).
///
/// Joining 100,000 questions to their cards by id costs a hash look-up each, a few cache misses apiece; the
/// join depends only on the catalogue's ids in order and on the snapshot's cards, so it is kept for as long
/// as both stay the same. Layout, little-endian: the magic `PDJOIN01`, the catalogue's identity, the
/// snapshot table's identity, the number of questions N, N signed 32-bit card indexes (-1: no card), a
/// checksum of all that.
extension DataStore {
    public var joinPath: String { root + "/join.bin" }

    static let joinMagic: [UInt8] = Array("PDJOIN01".utf8)

    /// The kept join for this catalogue and table; nil when there is none, it is for others, or it is damaged.
    public func readJoin(catalog: UInt64, table: UInt64, count: Int, tableCount: Int) -> [Int32]? {
        guard let bytes = (try? FileIO.read(joinPath)) ?? nil, bytes.count == 32 + 4 * count + 8 else { return nil }
        return bytes.withUnsafeBytes { b -> [Int32]? in
            func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            let n = b.count
            guard Array(b[0..<8]) == DataStore.joinMagic, u64(8) == catalog, u64(16) == table, u64(24) == UInt64(count),
                  u64(n - 8) == FastHash.hash(UnsafeRawBufferPointer(rebasing: b[0..<(n - 8)]), seed: 0x701E) else { return nil }
            var join = [Int32](repeating: -1, count: count)
            var bad = false
            join.withUnsafeMutableBufferPointer { out in
                for k in 0..<count {
                    let v = Int32(littleEndian: b.loadUnaligned(fromByteOffset: 32 + 4 * k, as: Int32.self))
                    if v < -1 || Int(v) >= tableCount { bad = true; break }
                    out[k] = v
                }
            }
            return bad ? nil : join
        }
    }

    /// Keeps a join (best effort, only while this process may write caches).
    @discardableResult
    public func writeJoin(_ join: [Int32], catalog: UInt64, table: UInt64) -> Bool {
        guard canWriteCaches else { return false }
        var out = DataStore.joinMagic
        out.reserveCapacity(32 + 4 * join.count + 8)
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        u64(catalog); u64(table); u64(UInt64(join.count))
        for v in join { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        u64(out.withUnsafeBytes { FastHash.hash($0, seed: 0x701E) })
        return writeCacheFile(joinPath, out)
    }
}
