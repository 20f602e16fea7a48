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

/// One line of `reviews.jsonl` as the replay engine keeps it: 32 bytes, no id bytes. The id (or undone id) is
/// read back from the line (`LogLines`) only to confirm two equal hashes.
public struct LogRecord: Sendable {
    public var at: Date
    /// Review line: hash of its id. Undo line: hash of the undone id.
    public var idHash: UInt64
    /// Where the line starts in the file.
    public var lineOffset: Int
    /// The line's length without the newline (top 29 bits), undo flag (bit 2), rating − 1 (bits 0–1).
    private var bits: UInt32
    /// The card's index in the scan's interner; -1 for undo lines.
    public var card: Int32

    /// The longest line a record can describe; a longer line is reported as unreadable.
    public static let maxLineLength = (1 << 29) - 1

    public init(at: Date, idHash: UInt64, lineOffset: Int, lineLength: Int, card: Int32, rating: Rating, isUndo: Bool) {
        self.at = at
        self.idHash = idHash
        self.lineOffset = lineOffset
        bits = UInt32(lineLength) << 3 | (isUndo ? 4 : 0) | UInt32(rating.rawValue - 1)
        self.card = card
    }

    public var lineLength: Int { Int(bits >> 3) }
    public var isUndo: Bool { bits & 4 != 0 }
    public var rating: Rating {
        switch bits & 3 { case 0: .again; case 1: .hard; case 2: .good; default: .easy }
    }
}

/// Where a scan's lines can be read back from, by file offset and length: the scanned buffer, or the file.
public protocol LogLines {
    func withLine<T>(at offset: Int, length: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T
}

/// Lines of a buffer holding the file's bytes from `fileOffset`.
public struct BufferLines: LogLines {
    public let buffer: UnsafeBufferPointer<UInt8>
    public let fileOffset: Int
    public init(_ buffer: UnsafeBufferPointer<UInt8>, fileOffset: Int) { self.buffer = buffer; self.fileOffset = fileOffset }
    public func withLine<T>(at offset: Int, length: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let s = offset - fileOffset
        guard s >= 0, length >= 0, s + length <= buffer.count else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(rebasing: buffer[s..<(s + length)]))
    }
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

/// The records of a byte range of `reviews.jsonl`, with the lines that could not be read.
public struct LogScan: Sendable {
    public var records: [LogRecord] = []
    public var cards = CardInterner()
    public var problems: [LogLineProblem] = []
    /// Bytes after the last newline that do not decode (a torn last line): file offset, line number, length.
    public var tornTail: (offset: Int, line: Int, length: Int)?
    /// File offset just past the last newline of the range (the range's start if it has none).
    public var completeEnd: Int = 0
    /// Number of the last newline-terminated line (`firstLine - 1` if none).
    public var lastCompleteLine: Int = 0
    /// The file offset of `buffer[0]` for a scan of one buffer (`scan`, `scanParallel`): where `key(_:in:)` finds lines.
    public var bufferOffset: Int = 0
    /// The day of the last time read (consecutive lines mostly share it).
    var days = RFC3339.DayCache()

    public init() {}

    /// An empty scan that starts at file offset `start`, after line `lastLine`.
    public init(start: Int, lastLine: Int, expectedCards: Int = 1024, expectedBytes: Int = 0) {
        cards = CardInterner(capacity: expectedCards)
        records.reserveCapacity(expectedBytes / 100 + 16)
        completeEnd = start
        lastCompleteLine = lastLine
    }

    /// Scans `buffer[range]`, where `buffer[0]` is at `fileOffset` in the file and the range's first line is
    /// line `firstLine`. Lines are split exactly as `JSONLines` does; each is decoded by `LogEntry.decode(line:)`
    /// semantics (the raw fast path, else the generic parser).
    public static func scan(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, fileOffset: Int, firstLine: Int,
                            expectedCards: Int = 1024) -> LogScan {
        var s = LogScan(start: fileOffset + range.lowerBound, lastLine: firstLine - 1, expectedCards: expectedCards,
                        expectedBytes: range.count)
        s.bufferOffset = fileOffset
        let rest = s.addCompleteLines(buffer, range: range, fileOffset: fileOffset)
        s.addLastLine(buffer, rest..<range.upperBound, fileOffset: fileOffset)
        return s
    }

    /// Reads every newline-terminated line of `buffer[range]` (`buffer[0]` at `fileOffset`; the range starts at
    /// `completeEnd`, a line start) and returns where the bytes after the last newline begin.
    public mutating func addCompleteLines(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, fileOffset: Int) -> Int {
        var start = range.lowerBound
        var number = lastCompleteLine
        let end = range.upperBound
        guard start < end, let base = buffer.baseAddress else { return start }
        while start < end {
            guard let hit = memchr(base + start, 0x0A, end - start) else { break }
            let k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            number += 1
            if k > start { addLine(buffer, start..<k, fileOffset: fileOffset, number: number) }
            start = k + 1
        }
        completeEnd = fileOffset + start
        lastCompleteLine = number
        return start
    }

    /// The bytes after the last newline (the range's end is the end of what is read): a last line without
    /// its newline, or a torn tail.
    public mutating func addLastLine(_ buffer: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, fileOffset: Int) {
        guard !r.isEmpty else { return }
        var blank = true
        for k in r where !(buffer[k] == 0x20 || buffer[k] == 0x09 || buffer[k] == 0x0D) { blank = false; break }
        if !blank && !addLine(buffer, r, fileOffset: fileOffset, number: lastCompleteLine + 1, reportProblem: false) {
            tornTail = (fileOffset + r.lowerBound, lastCompleteLine + 1, r.count)
        }
    }

    /// Reads one line; false when it does not decode (reported in `problems` unless `reportProblem` is false).
    @discardableResult
    mutating func addLine(_ buffer: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, fileOffset: Int, number: Int,
                          reportProblem: Bool = true) -> Bool {
        let line = UnsafeBufferPointer(rebasing: buffer[r])
        let offset = fileOffset + r.lowerBound
        guard r.count <= LogRecord.maxLineLength else {
            if reportProblem { problems.append(LogLineProblem(line: number, column: 1, message: "line is too long (\(r.count) bytes)")) }
            return false
        }
        if let raw = RawLogLine.scan(line, days: &days), raw.isASCII {
            if raw.isUndo {
                records.append(LogRecord(at: raw.at, idHash: FastHash.hash(UnsafeBufferPointer(rebasing: line[raw.undo])),
                                         lineOffset: offset, lineLength: r.count, card: -1, rating: .good, isUndo: true))
            } else {
                let card = cards.intern(UnsafeBufferPointer(rebasing: line[raw.card]))
                records.append(LogRecord(at: raw.at, idHash: FastHash.hash(UnsafeBufferPointer(rebasing: line[raw.id])),
                                         lineOffset: offset, lineLength: r.count, card: card, rating: raw.rating, isUndo: false))
            }
            return true
        }
        let entry: LogEntry
        do { entry = try LogEntry.decode(line: ArraySlice(line)) } catch {
            if reportProblem { problems.append(LogLineProblem(line: number, column: error.column, message: error.message)) }
            return false
        }
        append(entry, lineOffset: offset, lineLength: r.count)
        return true
    }

    /// Adds a decoded entry.
    public mutating func append(_ entry: LogEntry, lineOffset: Int, lineLength: Int) {
        switch entry {
        case let .review(r):
            records.append(LogRecord(at: r.at, idHash: FastHash.hash(r.id), lineOffset: lineOffset, lineLength: lineLength,
                                     card: cards.intern(r.card), rating: r.rating, isUndo: false))
        case let .undo(u):
            records.append(LogRecord(at: u.at, idHash: FastHash.hash(u.undo), lineOffset: lineOffset, lineLength: lineLength,
                                     card: -1, rating: .good, isUndo: true))
        }
    }

    /// The id (review line) or undone id (undo line) in a line's bytes, as the scan read it; nil when the
    /// line no longer decodes.
    static func withKey<T>(ofLine line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>?) -> T) -> T {
        if let raw = RawLogLine.scan(line), raw.isASCII { return body(UnsafeBufferPointer(rebasing: line[raw.isUndo ? raw.undo : raw.id])) }
        guard let entry = try? LogEntry.decode(line: ArraySlice(line)) else { return body(nil) }
        var key: String
        switch entry {
        case let .review(r): key = r.id
        case let .undo(u): key = u.undo
        }
        return key.withUTF8 { body($0) }
    }

    /// The id bytes of record `k` (review: its id; undo: the undone id), read back from its line.
    @inline(__always)
    func withKey<T, L: LogLines>(_ k: Int, in lines: L, _ body: (UnsafeBufferPointer<UInt8>?) -> T) -> T {
        let r = records[k]
        return lines.withLine(at: r.lineOffset, length: r.lineLength) { LogScan.withKey(ofLine: $0, body) }
    }

    /// The id (review) or undone id (undo) of record `k` as a string.
    public func key<L: LogLines>(_ k: Int, in lines: L) -> String {
        withKey(k, in: lines) { $0.map { String(decoding: $0, as: UTF8.self) } ?? "" }
    }

    /// The same, for a scan of one buffer (`scan`, `scanParallel`) and that buffer.
    public func key(_ k: Int, in buffer: UnsafeBufferPointer<UInt8>) -> String {
        key(k, in: BufferLines(buffer, fileOffset: bufferOffset))
    }

    static func equal(_ a: UnsafeBufferPointer<UInt8>?, _ b: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let a, let b, a.count == b.count else { return false }
        return a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    func sameKey<L: LogLines>(_ a: Int, _ b: Int, in lines: L) -> Bool {
        withKey(a, in: lines) { pa in withKey(b, in: lines) { pb in LogScan.equal(pa, pb) } }
    }

    /// Appends another scan of the following part of the same file (line numbers already absolute).
    public mutating func merge(_ other: LogScan) {
        var remap = [Int32](repeating: -1, count: other.cards.count)
        for (k, name) in other.cards.names.enumerated() { remap[k] = cards.intern(name) }
        let first = records.count
        records.append(contentsOf: other.records)
        records.withUnsafeMutableBufferPointer { rs in
            for k in first..<rs.count where rs[k].card >= 0 { rs[k].card = remap[Int(rs[k].card)] }
        }
        problems += other.problems
        tornTail = other.tornTail
        completeEnd = other.completeEnd
        lastCompleteLine = other.lastCompleteLine
    }

    /// Scans of consecutive parts of a file, each numbered from line 1, joined into one whose first line is
    /// `firstLine`.
    public static func concatenate(_ parts: consuming [LogScan], firstLine: Int) -> LogScan {
        var rest = parts
        var whole = rest.removeFirst()
        for var part in rest {
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

extension LogEntry {
    var isUndo: Bool { if case .undo = self { return true }; return false }
}

/// Shares a buffer or an output array with worker threads (each worker touches its own part only).
struct UnsafeShared<T>: @unchecked Sendable { let value: T }

/// A result a worker thread fills in (each worker its own box).
public final class ResultBox<T>: @unchecked Sendable { public var value: T?; public init() {} }

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
        var scans: [LogScan] = []
        for b in boxes { scans.append(b.value!); b.value = nil }
        var whole = LogScan.concatenate(scans, firstLine: firstLine)
        whole.bufferOffset = fileOffset
        return whole
    }
}

/// The effective reviews of every card after undo lines and duplicate ids are resolved
/// (the rules of `effectiveReviews`), as record indices grouped by card in replay order.
public struct EffectiveLog: Sendable {
    /// Card `c`'s records are `records[starts[c]..<starts[c + 1]]`, sorted by time, then log order.
    public var starts: [Int]
    public var records: [Int32]
    /// The time and rating of each of `records`, side by side with it (replay reads them in order).
    public var times: [Date]
    public var ratings: [Rating]
    /// Record indices of the undo lines.
    public var undoRecords: [Int32]

    public func events(ofCard c: Int) -> ArraySlice<Int32> { records[starts[c]..<starts[c + 1]] }

    /// For a scan of one buffer (`scan`, `scanParallel`) and that buffer.
    public init(_ scan: LogScan, buffer: UnsafeBufferPointer<UInt8>) {
        self.init(scan, lines: BufferLines(buffer, fileOffset: scan.bufferOffset))
    }

    /// `lines` reads the scanned lines back, to confirm equal id hashes.
    /// `parallelFrom`: the number of records from which `workers` threads share the work (tests lower it).
    public init<L: LogLines>(_ scan: LogScan, lines buffer: L, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                             parallelFrom: Int = 100_000) {
        let recs = scan.records
        var undoRecords: [Int32] = []
        for (k, r) in recs.enumerated() where r.isUndo { undoRecords.append(Int32(k)) }
        let accepted = EffectiveLog.firstOfEachID(scan, lines: buffer, workers: workers, parallelFrom: parallelFrom)
        var counts = [Int](repeating: 0, count: scan.cards.count + 1)
        for k in 0..<recs.count where accepted[k] { counts[Int(recs[k].card) + 1] += 1 }
        for c in 0..<scan.cards.count { counts[c + 1] += counts[c] }
        let total = counts[scan.cards.count]
        var grouped = [Int32](repeating: 0, count: total)
        var times = [Date](repeating: Date(timeIntervalSince1970: 0), count: total)
        var ratings = [Rating](repeating: .good, count: total)
        // Each thread places the records of its own range of cards (reading every record, writing only its
        // cards' slots), then sorts those cards' reviews by time, stably (most are already in order).
        let cardCount = scan.cards.count
        let threads = recs.count >= parallelFrom ? max(1, min(workers, 8)) : 1
        let input = UnsafeShared(value: (recs, accepted, counts))
        grouped.withUnsafeMutableBufferPointer { gp in
            times.withUnsafeMutableBufferPointer { tp in
                ratings.withUnsafeMutableBufferPointer { rp in
                    let out = UnsafeShared(value: (gp, tp, rp))
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let (recs, accepted, counts) = input.value
                        let (grouped, times, ratings) = out.value
                        let first = cardCount * t / threads, last = cardCount * (t + 1) / threads
                        var fill = Array(counts[first..<last])
                        for k in 0..<recs.count where accepted[k] {
                            let r = recs[k]
                            let c = Int(r.card)
                            guard c >= first && c < last else { continue }
                            let at = fill[c - first]
                            grouped[at] = Int32(k)
                            times[at] = r.at
                            ratings[at] = r.rating
                            fill[c - first] = at + 1
                        }
                        for c in first..<last {
                            let lo = counts[c], hi = counts[c + 1]
                            var sorted = true
                            var k = lo + 1
                            while k < hi { if times[k] < times[k - 1] { sorted = false; break }; k += 1 }
                            if !sorted {
                                let order = (lo..<hi).sorted { a, b in times[a] != times[b] ? times[a] < times[b] : grouped[a] < grouped[b] }
                                let g = order.map { grouped[$0] }, tm = order.map { times[$0] }, rt = order.map { ratings[$0] }
                                for j in 0..<order.count { grouped[lo + j] = g[j]; times[lo + j] = tm[j]; ratings[lo + j] = rt[j] }
                            }
                        }
                    }
                }
            }
        }
        starts = counts
        records = grouped
        self.times = times
        self.ratings = ratings
        self.undoRecords = undoRecords
    }

    /// Which records count: review lines whose id no undo line names and that are the first with their id
    /// (in log order). The records are first spread into 256 partitions by their id hash's top byte, each
    /// partition keeping log order, as 8-byte entries (the hash's low 32 bits, the record index); each partition
    /// is then resolved with a table small enough to stay in cache, on `workers` threads. Equal ids have equal
    /// hashes, so they meet in one partition; a candidate is confirmed by its full hash, then its bytes.
    static func firstOfEachID<L: LogLines>(_ scan: LogScan, lines: L, workers: Int, parallelFrom: Int) -> [Bool] {
        let recs = scan.records
        let parts = 256
        var starts = [Int](repeating: 0, count: parts + 1)
        for r in recs { starts[Int(r.idHash >> 56) + 1] += 1 }
        for p in 0..<parts { starts[p + 1] += starts[p] }
        var entries = [UInt64](repeating: 0, count: recs.count)
        var fill = starts
        for (k, r) in recs.enumerated() {
            let p = Int(r.idHash >> 56)
            // The tag (the hash's low 32 bits, its top bit set so that no entry is 0, the empty slot), whether
            // it is an undo line (bit 31), the record index.
            entries[fill[p]] = (r.idHash << 32) | (1 << 63) | (r.isUndo ? 1 << 31 : 0) | UInt64(UInt32(k))
            fill[p] += 1
        }
        var accepted = [Bool](repeating: false, count: recs.count)
        let biggest = (0..<parts).reduce(0) { max($0, starts[$1 + 1] - starts[$1]) }
        let threads = recs.count >= parallelFrom ? max(1, min(workers, 8)) : 1
        let shared = UnsafeShared(value: (scan, lines, entries, starts))
        accepted.withUnsafeMutableBufferPointer { out in
            let o = UnsafeShared(value: out)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let (scan, lines, entries, starts) = shared.value
                let recs = scan.records
                var size = 16
                while size < biggest * 2 { size <<= 1 }
                // Slots: the entry (tag and record index), 0 for empty (an entry is never 0: see below).
                var seen = [UInt64](repeating: 0, count: size), undone = [UInt64](repeating: 0, count: size)
                @inline(__always) func same(_ a: UInt64, _ b: UInt64) -> Bool {
                    let x = Int(UInt32(truncatingIfNeeded: a) & 0x7FFF_FFFF), y = Int(UInt32(truncatingIfNeeded: b) & 0x7FFF_FFFF)
                    return a >> 32 == b >> 32 && recs[x].idHash == recs[y].idHash && scan.sameKey(x, y, in: lines)
                }
                @inline(__always) func find(_ table: [UInt64], _ e: UInt64, _ mask: Int) -> (found: Bool, slot: Int) {
                    var k = Int(truncatingIfNeeded: e >> 32) & mask
                    while true {
                        let v = table[k]
                        if v == 0 { return (false, k) }
                        if same(v, e) { return (true, k) }
                        k = (k + 1) & mask
                    }
                }
                var p = t
                while p < parts {
                    let lo = starts[p], hi = starts[p + 1]
                    var n = 16
                    while n < (hi - lo) * 2 { n <<= 1 }
                    let mask = n - 1
                    for k in 0..<n { seen[k] = 0; undone[k] = 0 }
                    var anyUndo = false
                    for j in lo..<hi where entries[j] & (1 << 31) != 0 {
                        let e = entries[j]
                        let (found, slot) = find(undone, e, mask)
                        if !found { undone[slot] = e }
                        anyUndo = true
                    }
                    for j in lo..<hi {
                        let e = entries[j]
                        if e & (1 << 31) != 0 { continue }
                        let k = Int(UInt32(truncatingIfNeeded: e))
                        if anyUndo && find(undone, e, mask).found { continue }
                        let (found, slot) = find(seen, e, mask)
                        if found { continue }
                        seen[slot] = e
                        o.value[k] = true
                    }
                    p += threads
                }
            }
        }
        return accepted
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
        let eff = UnsafeShared(value: effective)
        let names = UnsafeShared(value: self.names)
        schedules.withUnsafeMutableBufferPointer { out in
            firsts.withUnsafeMutableBufferPointer { first in
                let o = UnsafeShared(value: out), f = UnsafeShared(value: first)
                let parts = max(1, min(workers, 8, count / 256))
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    for c in (count * p / parts)..<(count * (p + 1) / parts) {
                        var card = CardSchedule()
                        let lo = eff.value.starts[c], hi = eff.value.starts[c + 1]
                        let seed = FuzzSeed(cardID: names.value[c]) // once a card, not once a rating
                        for k in lo..<hi {
                            card = scheduler.review(card, seed: seed, rating: eff.value.ratings[k], at: eff.value.times[k])
                        }
                        o.value[c] = card
                        if hi > lo { f.value[c] = eff.value.times[lo] }
                    }
                }
            }
        }
        self.schedules = schedules
        firstReviews = firsts
    }
}
