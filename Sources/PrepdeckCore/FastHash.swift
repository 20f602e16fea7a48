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

    /// A checksum of many bytes at several GB/s (about four times `hash`'s speed): four lanes of 64 bytes,
    /// each 16 bytes folded by one 64×64→128-bit multiply (the high and low halves xored), so the lanes'
    /// multiplies overlap instead of waiting for each other. For checking cache files that are read
    /// whole at start-up (`snapshot.bin`, the bank indexes); not the value `hash` gives.
    public static func wide(_ p: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        @inline(__always) func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let r = a.multipliedFullWidth(by: b)
            return r.high ^ r.low
        }
        @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        let s0: UInt64 = 0xA076_1D64_78BD_642F, s1: UInt64 = 0xE703_7ED1_A0B4_28DB
        let s2: UInt64 = 0x8EBC_6AF0_9C88_C6E3, s3: UInt64 = 0x5899_65CC_7537_4CC3
        let n = p.count
        var h = seed ^ mum(seed ^ s0, UInt64(truncatingIfNeeded: n) ^ s1)
        var i = 0
        if n >= 64 {
            var a = h, b = h ^ s1, c = h ^ s2, d = h ^ s3
            while i + 64 <= n {
                a = mum(word(i) ^ s0, word(i + 8) ^ a)
                b = mum(word(i + 16) ^ s1, word(i + 24) ^ b)
                c = mum(word(i + 32) ^ s2, word(i + 40) ^ c)
                d = mum(word(i + 48) ^ s3, word(i + 56) ^ d)
                i += 64
            }
            h = mum(a ^ s1, b ^ s2) ^ mum(c ^ s3, d ^ s0)
        }
        while i + 16 <= n {
            h = mum(word(i) ^ s1, word(i + 8) ^ h)
            i += 16
        }
        // The last 0…15 bytes, as two little-endian words padded with zeros.
        var w0: UInt64 = 0, w1: UInt64 = 0
        var k = 0
        while i + k < n {
            if k < 8 { w0 |= UInt64(p[i + k]) << (8 * UInt64(k)) } else { w1 |= UInt64(p[i + k]) << (8 * UInt64(k - 8)) }
            k += 1
        }
        h = mum(w0 ^ s2, w1 ^ h ^ UInt64(k))
        return mum(h ^ s0, UInt64(truncatingIfNeeded: n) ^ s3)
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
