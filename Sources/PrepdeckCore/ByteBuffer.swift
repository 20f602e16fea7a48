/// Bytes written into a buffer of their own: room is reserved for each piece, which is then written by plain
/// stores (an `Array` append a byte spends most of its time in its checks). The output of `list` and the JSON
/// writer (`JSONBytes`) are built here. A copy gets its own buffer on its next write.
public struct ByteBuffer {
    private final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int
        init(capacity: Int) {
            self.capacity = Swift.max(64, capacity)
            base = .allocate(capacity: self.capacity)
        }
        func copy() -> Storage {
            let b = Storage(capacity: capacity)
            b.base.update(from: base, count: count)
            b.count = count
            return b
        }
        func grow(toHold n: Int) {
            var c = capacity
            while c < n { c *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            bigger.update(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity = c
        }
        deinit { base.deallocate() }
    }

    private var storage: Storage

    public init(capacity: Int = 1024) { storage = Storage(capacity: capacity) }

    /// The bytes written and not yet flushed (a copy).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }
    public var count: Int { storage.count }

    /// Hands the bytes written so far to `write` and forgets them (keeping the buffer).
    public mutating func flush(_ write: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try write(UnsafeBufferPointer(start: storage.base, count: storage.count))
        own()
        storage.count = 0
    }

    @inline(__always)
    private mutating func own() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Room for `n` more bytes: where they go. `commit(n)` then counts them as written.
    @inline(__always)
    public mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        own()
        if storage.count + n > storage.capacity { storage.grow(toHold: storage.count + n) }
        return storage.base + storage.count
    }

    /// Counts `n` bytes written at `reserve`'s pointer (at most what it reserved).
    @inline(__always)
    public mutating func commit(_ n: Int) { storage.count += n }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        storage.count += 1
    }

    @inline(__always)
    public mutating func append(_ raw: UnsafeRawBufferPointer) {
        let p = reserve(raw.count)
        if let src = raw.baseAddress { p.update(from: src.assumingMemoryBound(to: UInt8.self), count: raw.count) }
        storage.count += raw.count
    }

    /// `a`, `b` and `c`, then a line feed, with one reservation (a line of `list` is three pieces).
    @inline(__always)
    public mutating func appendLine(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ c: UnsafeRawBufferPointer) {
        var p = reserve(a.count + b.count + c.count + 1)
        @inline(__always) func put(_ piece: UnsafeRawBufferPointer) {
            if let src = piece.baseAddress { p.update(from: src.assumingMemoryBound(to: UInt8.self), count: piece.count) }
            p += piece.count
        }
        put(a); put(b); put(c)
        p.pointee = 0x0A
        storage.count += a.count + b.count + c.count + 1
    }

    /// A literal's bytes.
    @inline(__always)
    public mutating func append(_ s: StaticString) {
        append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// A string's UTF-8, copied from its storage at once.
    @inline(__always)
    public mutating func append(_ s: String) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        if done == nil { for b in s.utf8 { append(b) } }
    }
}
