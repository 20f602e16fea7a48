import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The fast replay of `reviews.jsonl`: scan the bytes into compact records (no strings per line), resolve
// undo lines and duplicate ids, and replay every card's effective reviews. It computes exactly what
// `StudyProgress(entries:settings:)` computes from `DataStore.readReviews()`, with the same skipped lines
// and the same messages, about ten times faster. The snapshot (PrepdeckStore/Snapshot.swift) is built
// from it and uses the same pieces to replay only the lines appended after it.

/// One line of `reviews.jsonl` as the replay engine keeps it.
public struct LogRecord: Sendable {
    public var at: Date
    /// Review line: hash of its id. Undo line: hash of the undone id.
    public var idHash: UInt64
    /// Where the line starts in the file, and its length without the newline.
    public var lineOffset: Int
    public var lineLength: Int32
    /// Length of the id (review) or of the undone id (undo), whose bytes are at `idStart` in the scanned
    /// buffer when `idStart >= 0`, else at `~idStart` in the scan's `extra` storage.
    public var idLength: Int32
    public var idStart: Int
    /// The card's index in the scan's interner; -1 for undo lines.
    public var card: Int32
    public var rating: Rating
    public var isUndo: Bool
}

/// A line that could not be read: its 1-based number, the column and the message (as `LogLineError`).
public struct LogLineProblem: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var message: String
    public init(line: Int, column: Int, message: String) { self.line = line; self.column = column; self.message = message }
}

/// Card ids, interned: each distinct id gets a small integer, looked up from bytes without allocating.
public struct CardInterner: Sendable {
    public private(set) var names: [String] = []
    private var hashes: [UInt64] = []
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var slots: [Int32]
    private var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    public var count: Int { names.count }

    public mutating func intern(_ p: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = FastHash.hash(p)
        var k = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = slots[k]
            if v < 0 { break }
            if hashes[Int(v)] == h && equal(Int(v), p) { return v }
            k = (k + 1) & mask
        }
        let index = Int32(names.count)
        slots[k] = index
        hashes.append(h)
        bytes.append(contentsOf: p)
        starts.append(bytes.count)
        names.append(String(decoding: p, as: UTF8.self))
        if names.count * 2 > slots.count { grow() }
        return index
    }

    public mutating func intern(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { intern($0) }
    }

    public func index(of s: String) -> Int32? {
        var s = s
        return s.withUTF8 { p in
            let h = FastHash.hash(p)
            var k = Int(truncatingIfNeeded: h) & mask
            while true {
                let v = slots[k]
                if v < 0 { return nil }
                if hashes[Int(v)] == h && equal(Int(v), p) { return v }
                k = (k + 1) & mask
            }
        }
    }

    private func equal(_ v: Int, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[v], e = starts[v + 1]
        guard e - s == p.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            p.count == 0 || memcmp(b.baseAddress! + s, p.baseAddress!, p.count) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (v, h) in hashes.enumerated() {
            var k = Int(truncatingIfNeeded: h) & mask
            while slots[k] >= 0 { k = (k + 1) & mask }
            slots[k] = Int32(v)
        }
    }
}

/// An open-addressing table from 64-bit hashes to record indices; equal hashes are confirmed by the caller.
struct HashSlots {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// The first value with this hash for which `match` holds.
    func first(_ h: UInt64, where match: (Int32) -> Bool) -> Int32? {
        var k = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = values[k]
            if v < 0 { return nil }
            if keys[k] == h && match(v) { return v }
            k = (k + 1) & mask
        }
    }

    /// Inserts unless a matching value exists; returns the existing value, or nil when inserted.
    mutating func insertIfAbsent(_ h: UInt64, _ value: Int32, equal: (Int32) -> Bool) -> Int32? {
        var k = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = values[k]
            if v < 0 { break }
            if keys[k] == h && equal(v) { return v }
            k = (k + 1) & mask
        }
        keys[k] = h
        values[k] = value
        return nil
    }
}

/// The records of a byte range of `reviews.jsonl`, with the lines that could not be read.
public struct LogScan: Sendable {
    public var records: [LogRecord] = []
    public var cards = CardInterner()
    /// Id bytes of the few lines read by the generic parser (see `LogRecord.idStart`).
    public var extra: [UInt8] = []
    public var problems: [LogLineProblem] = []
    /// Bytes after the last newline that do not decode (a torn last line): file offset, line number, length.
    public var tornTail: (offset: Int, line: Int, length: Int)?
    /// File offset just past the last newline of the range (the range's start if it has none).
    public var completeEnd: Int = 0
    /// Number of the last newline-terminated line (`firstLine - 1` if none).
    public var lastCompleteLine: Int = 0

    public init() {}

    /// Scans `buffer[range]`, where `buffer[0]` is at `fileOffset` in the file and the range's first line is
    /// line `firstLine`. Lines are split exactly as `JSONLines` does; each is decoded by `LogEntry.decode(line:)`
    /// semantics (the raw fast path, else the generic parser).
    public static func scan(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, fileOffset: Int, firstLine: Int,
                            expectedCards: Int = 1024) -> LogScan {
        var s = LogScan()
        s.cards = CardInterner(capacity: expectedCards)
        s.records.reserveCapacity(range.count / 100 + 16)
        var start = range.lowerBound
        var number = firstLine - 1
        let end = range.upperBound
        s.completeEnd = fileOffset + start
        s.lastCompleteLine = number
        guard start < end, let base = buffer.baseAddress else { return s }
        while start < end {
            guard let hit = memchr(base + start, 0x0A, end - start) else { break }
            let k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            number += 1
            if k > start { s.addLine(buffer, start..<k, fileOffset: fileOffset, number: number) }
            start = k + 1
        }
        s.completeEnd = fileOffset + start
        s.lastCompleteLine = number
        if start < end {
            var blank = true
            for k in start..<end where !(buffer[k] == 0x20 || buffer[k] == 0x09 || buffer[k] == 0x0D) { blank = false; break }
            if !blank && !s.addLine(buffer, start..<end, fileOffset: fileOffset, number: number + 1, reportProblem: false) {
                s.tornTail = (fileOffset + start, number + 1, end - start)
            }
        }
        return s
    }

    /// Reads one line; false when it does not decode (reported in `problems` unless `reportProblem` is false).
    @discardableResult
    mutating func addLine(_ buffer: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, fileOffset: Int, number: Int,
                          reportProblem: Bool = true) -> Bool {
        let line = UnsafeBufferPointer(rebasing: buffer[r])
        if let raw = RawLogLine.scan(line), raw.isASCII {
            let base = r.lowerBound
            if raw.isUndo {
                let u = UnsafeBufferPointer(rebasing: line[raw.undo])
                records.append(LogRecord(at: raw.at, idHash: FastHash.hash(u), lineOffset: fileOffset + base,
                                         lineLength: Int32(r.count), idLength: Int32(raw.undo.count),
                                         idStart: base + raw.undo.lowerBound, card: -1, rating: .good, isUndo: true))
            } else {
                let idBytes = UnsafeBufferPointer(rebasing: line[raw.id])
                let card = cards.intern(UnsafeBufferPointer(rebasing: line[raw.card]))
                records.append(LogRecord(at: raw.at, idHash: FastHash.hash(idBytes), lineOffset: fileOffset + base,
                                         lineLength: Int32(r.count), idLength: Int32(raw.id.count),
                                         idStart: base + raw.id.lowerBound, card: card, rating: raw.rating, isUndo: false))
            }
            return true
        }
        let entry: LogEntry
        do { entry = try LogEntry.decode(line: ArraySlice(line)) } catch {
            if reportProblem { problems.append(LogLineProblem(line: number, column: error.column, message: error.message)) }
            return false
        }
        append(entry, lineOffset: fileOffset + r.lowerBound, lineLength: r.count)
        return true
    }

    /// Adds a decoded entry (its id bytes go to `extra`).
    public mutating func append(_ entry: LogEntry, lineOffset: Int, lineLength: Int) {
        let key: String
        var card: Int32 = -1
        var rating = Rating.good
        switch entry {
        case let .review(r): key = r.id; card = cards.intern(r.card); rating = r.rating
        case let .undo(u): key = u.undo
        }
        let start = extra.count
        extra.append(contentsOf: key.utf8)
        records.append(LogRecord(at: entry.at, idHash: FastHash.hash(key), lineOffset: lineOffset, lineLength: Int32(lineLength),
                                 idLength: Int32(extra.count - start), idStart: ~start, card: card, rating: rating,
                                 isUndo: entry.isUndo))
    }

    /// The id bytes of record `k` (review: its id; undo: the undone id).
    @inline(__always)
    func withKey<T>(_ k: Int, in buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let r = records[k]
        let n = Int(r.idLength)
        if r.idStart >= 0 { return body(UnsafeBufferPointer(rebasing: buffer[r.idStart..<(r.idStart + n)])) }
        return extra.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[(~r.idStart)..<(~r.idStart + n)])) }
    }

    /// The id (review) or undone id (undo) of record `k` as a string.
    public func key(_ k: Int, in buffer: UnsafeBufferPointer<UInt8>) -> String {
        withKey(k, in: buffer) { String(decoding: $0, as: UTF8.self) }
    }

    func sameKey(_ a: Int, _ b: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        withKey(a, in: buffer) { pa in
            withKey(b, in: buffer) { pb in
                pa.count == pb.count && (pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0)
            }
        }
    }

    func keyEquals(_ a: Int, _ p: UnsafeBufferPointer<UInt8>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        withKey(a, in: buffer) { pa in
            pa.count == p.count && (p.count == 0 || memcmp(pa.baseAddress!, p.baseAddress!, p.count) == 0)
        }
    }

    /// Appends another scan of the following part of the same buffer (line numbers already absolute).
    public mutating func merge(_ other: LogScan) {
        var remap = [Int32](repeating: -1, count: other.cards.count)
        for (k, name) in other.cards.names.enumerated() { remap[k] = cards.intern(name) }
        let extraShift = extra.count
        extra.append(contentsOf: other.extra)
        let first = records.count
        records.append(contentsOf: other.records)
        records.withUnsafeMutableBufferPointer { rs in
            for k in first..<rs.count {
                if rs[k].card >= 0 { rs[k].card = remap[Int(rs[k].card)] }
                if rs[k].idStart < 0 { rs[k].idStart = ~(~rs[k].idStart + extraShift) }
            }
        }
        problems += other.problems
        tornTail = other.tornTail
        completeEnd = other.completeEnd
        lastCompleteLine = other.lastCompleteLine
    }
}

extension LogEntry {
    var isUndo: Bool { if case .undo = self { return true }; return false }
}

/// Shares a buffer or an output array with worker threads (each worker touches its own part only).
struct UnsafeShared<T>: @unchecked Sendable { let value: T }

final class ResultBox<T>: @unchecked Sendable { var value: T?; init() {} }

extension LogScan {
    /// Scans the whole buffer (the file from offset `fileOffset`, first line `firstLine`), on `workers` threads.
    public static func scanParallel(_ buffer: UnsafeBufferPointer<UInt8>, fileOffset: Int = 0, firstLine: Int = 1,
                                    workers: Int = ProcessInfo.processInfo.activeProcessorCount, expectedCards: Int = 1024) -> LogScan {
        let n = buffer.count
        let wanted = max(1, min(workers, 8, n / (1 << 20)))
        if wanted == 1 { return scan(buffer, range: 0..<n, fileOffset: fileOffset, firstLine: firstLine, expectedCards: expectedCards) }
        // Cut after a newline near each boundary.
        var cuts = [0]
        for p in 1..<wanted {
            var k = n * p / wanted
            while k < n && buffer[k] != 0x0A { k += 1 }
            cuts.append(min(n, k + 1))
        }
        cuts.append(n)
        // A line longer than a part (a torn tail of megabytes) leaves parts empty: they are dropped, since an
        // empty part would end the scan at the buffer's end, as if the torn tail were complete (issue 17, case 10).
        var kept = [0]
        for c in cuts.dropFirst() where c > kept.last! { kept.append(c) }
        let bounds = kept
        let parts = bounds.count - 1
        if parts == 1 { return scan(buffer, range: 0..<n, fileOffset: fileOffset, firstLine: firstLine, expectedCards: expectedCards) }
        let shared = UnsafeShared(value: buffer)
        let boxes = (0..<parts).map { _ in ResultBox<LogScan>() }
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            boxes[p].value = scan(shared.value, range: bounds[p]..<bounds[p + 1], fileOffset: fileOffset, firstLine: 1,
                                  expectedCards: expectedCards)
        }
        var whole = boxes[0].value!
        for p in 1..<parts {
            var part = boxes[p].value!
            let shift = whole.lastCompleteLine
            for k in part.problems.indices { part.problems[k].line += shift }
            part.lastCompleteLine += shift
            if let t = part.tornTail { part.tornTail = (t.offset, t.line + shift, t.length) }
            whole.merge(part)
        }
        if firstLine != 1 {
            let shift = firstLine - 1
            for k in whole.problems.indices { whole.problems[k].line += shift }
            whole.lastCompleteLine += shift
            if let t = whole.tornTail { whole.tornTail = (t.offset, t.line + shift, t.length) }
        }
        return whole
    }
}

/// The effective reviews of every card after undo lines and duplicate ids are resolved
/// (the rules of `effectiveReviews`), as record indices grouped by card in replay order.
public struct EffectiveLog: Sendable {
    /// Card `c`'s records are `records[starts[c]..<starts[c + 1]]`, sorted by time, then log order.
    public var starts: [Int]
    public var records: [Int32]
    /// Record indices of the undo lines.
    public var undoRecords: [Int32]

    public func events(ofCard c: Int) -> ArraySlice<Int32> { records[starts[c]..<starts[c + 1]] }

    public init(_ scan: LogScan, buffer: UnsafeBufferPointer<UInt8>) {
        let recs = scan.records
        var undoRecords: [Int32] = []
        for (k, r) in recs.enumerated() where r.isUndo { undoRecords.append(Int32(k)) }
        var undone = HashSlots(capacity: max(16, undoRecords.count))
        for u in undoRecords {
            _ = undone.insertIfAbsent(recs[Int(u)].idHash, u) { scan.sameKey(Int($0), Int(u), in: buffer) }
        }
        var seen = HashSlots(capacity: recs.count)
        var accepted = [Bool](repeating: false, count: recs.count)
        var counts = [Int](repeating: 0, count: scan.cards.count + 1)
        let anyUndo = !undoRecords.isEmpty
        for k in 0..<recs.count {
            let r = recs[k]
            if r.isUndo { continue }
            if anyUndo, undone.first(r.idHash, where: { scan.sameKey(Int($0), k, in: buffer) }) != nil { continue }
            if seen.insertIfAbsent(r.idHash, Int32(k), equal: { scan.sameKey(Int($0), k, in: buffer) }) != nil { continue }
            accepted[k] = true
            counts[Int(r.card) + 1] += 1
        }
        for c in 0..<scan.cards.count { counts[c + 1] += counts[c] }
        var fill = counts
        var grouped = [Int32](repeating: 0, count: counts[scan.cards.count])
        for k in 0..<recs.count where accepted[k] {
            let c = Int(recs[k].card)
            grouped[fill[c]] = Int32(k)
            fill[c] += 1
        }
        // Stable by time: most cards are already in order.
        for c in 0..<scan.cards.count {
            let lo = counts[c], hi = counts[c + 1]
            var sorted = true
            var k = lo + 1
            while k < hi { if recs[Int(grouped[k])].at < recs[Int(grouped[k - 1])].at { sorted = false; break }; k += 1 }
            if !sorted {
                let part = grouped[lo..<hi].sorted { a, b in
                    let ra = recs[Int(a)], rb = recs[Int(b)]
                    return ra.at != rb.at ? ra.at < rb.at : a < b
                }
                grouped.replaceSubrange(lo..<hi, with: part)
            }
        }
        starts = counts
        records = grouped
        self.undoRecords = undoRecords
    }
}

/// Every card's schedule replayed from its effective reviews.
public struct ReplayedCards: Sendable {
    public var names: [String]
    public var schedules: [CardSchedule]
    /// The time of each card's first effective review (nil for a card whose reviews were all undone).
    public var firstReviews: [Date?]

    public init(scan: LogScan, effective: EffectiveLog, scheduler: any Scheduler,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let count = scan.cards.count
        names = scan.cards.names
        var schedules = [CardSchedule](repeating: CardSchedule(), count: count)
        var firsts = [Date?](repeating: nil, count: count)
        let recs = UnsafeShared(value: scan.records)
        let eff = UnsafeShared(value: effective)
        let names = UnsafeShared(value: self.names)
        schedules.withUnsafeMutableBufferPointer { out in
            firsts.withUnsafeMutableBufferPointer { first in
                let o = UnsafeShared(value: out), f = UnsafeShared(value: first)
                let parts = max(1, min(workers, 8, count / 256))
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    for c in (count * p / parts)..<(count * (p + 1) / parts) {
                        var card = CardSchedule()
                        let name = names.value[c]
                        for k in eff.value.events(ofCard: c) {
                            let r = recs.value[Int(k)]
                            card = scheduler.review(card, cardID: name, rating: r.rating, at: r.at)
                        }
                        o.value[c] = card
                        if let k = eff.value.events(ofCard: c).first { f.value[c] = recs.value[Int(k)].at }
                    }
                }
            }
        }
        self.schedules = schedules
        firstReviews = firsts
    }
}
