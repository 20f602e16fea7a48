/// A fast, stable 64-bit hash of bytes (the same value on every run and machine: words are read
/// little-endian). Used for event ids, card ids, the snapshot's checksums and the log fingerprint.
/// Not cryptographic; every use either tolerates collisions or confirms a match by comparing bytes.
public enum FastHash {
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 33)) &* 0xFF51AFD7ED558CCD
        z = (z ^ (z >> 33)) &* 0xC4CEB9FE1A85EC53
        return z ^ (z >> 33)
    }

    public static func hash(_ p: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = p.count
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* 0x9E3779B97F4A7C15)
        var i = 0
        while i + 8 <= n {
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ mix(w)) &* 0x9FB21C651E98DF25
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = (h ^ mix(w ^ 0xA5)) &* 0x9FB21C651E98DF25
        }
        return mix(h)
    }

    public static func hash(_ b: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0) -> UInt64 {
        hash(UnsafeRawBufferPointer(b), seed: seed)
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    public static func hash(_ s: String, seed: UInt64 = 0) -> UInt64 {
        var s = s
        return s.withUTF8 { hash($0, seed: seed) }
    }

    /// A hash of bytes made piece by piece (1 MiB pieces, each hashed with its offset as the seed, combined
    /// in order), calling `done` with each piece's range once it is hashed: a caller reading a mapped file
    /// can let the kernel drop the pages already hashed. Not the value `hash` gives for the same bytes.
    public static func chunked(_ p: UnsafeRawBufferPointer, seed: UInt64 = 0, done: ((Range<Int>) -> Void)? = nil) -> UInt64 {
        var h = combine(seed, UInt64(p.count))
        let piece = 1 << 20
        var at = 0
        while at < p.count {
            let end = Swift.min(at + piece, p.count)
            h = combine(h, hash(UnsafeRawBufferPointer(rebasing: p[at..<end]), seed: UInt64(at)))
            done?(at..<end)
            at = end
        }
        return h
    }

    /// Combines a value into a running hash (order-sensitive).
    public static func combine(_ h: UInt64, _ v: UInt64) -> UInt64 {
        mix(h ^ (v &+ 0x9E3779B97F4A7C15 &+ (h << 6) &+ (h >> 2)))
    }
}
