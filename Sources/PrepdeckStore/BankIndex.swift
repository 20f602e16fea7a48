import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

// The bank index: a rebuildable cache of one bank file (docs/data-format.md, "bank-index/"), so that
// start-up reads a few MB of ids, titles and facets instead of decoding every answer. A question's texts
// are read from the bank file, at the bytes the index records, when they are first shown.
//
// An index is used only when it is intact (checksums), made for this very file (its path), by this
// version, and the file is unchanged: same device, inode, size, mtime and ctime (the kernel sets ctime on
// every change and nothing can set it back, so an edit that restores size and mtime still changes it).
// When any of these differ, or the file changed within a second of the index being built (a "racy"
// index, as git calls it), the file's content hash decides: equal, the index is kept (and re-stamped);
// different, the file is decoded and validated in full and the index rebuilt.

/// What identifies a file's version without reading it.
struct FileStamp: Equatable {
    var device: UInt64, inode: UInt64, size: UInt64
    var mtimeSec: Int64, mtimeNsec: Int64, ctimeSec: Int64, ctimeNsec: Int64

    init(_ st: stat) {
        device = UInt64(st.st_dev); inode = UInt64(st.st_ino); size = UInt64(st.st_size)
        mtimeSec = Int64(st.st_mtim.tv_sec); mtimeNsec = Int64(st.st_mtim.tv_nsec)
        ctimeSec = Int64(st.st_ctim.tv_sec); ctimeNsec = Int64(st.st_ctim.tv_nsec)
    }
    init(device: UInt64, inode: UInt64, size: UInt64, mtimeSec: Int64, mtimeNsec: Int64, ctimeSec: Int64, ctimeNsec: Int64) {
        self.device = device; self.inode = inode; self.size = size
        self.mtimeSec = mtimeSec; self.mtimeNsec = mtimeNsec; self.ctimeSec = ctimeSec; self.ctimeNsec = ctimeNsec
    }
    /// The later of mtime and ctime, in seconds.
    var changedAt: Double { max(Double(mtimeSec) + Double(mtimeNsec) / 1e9, Double(ctimeSec) + Double(ctimeNsec) / 1e9) }
}

enum BankIndexFormat {
    static let magic: [UInt8] = Array("PDBKIDX1".utf8)
    /// 2: the checksums are `FastHash.wide` (`SnapshotCodec.checksum`). 3: the questions' facets are
    /// columns ahead of their records, each record has a fixed part ahead of its id and title.
    static let version: UInt32 = 3
    /// A record's fixed part: id length, title length, key points, follow-ups, time limit, line, column
    /// (u32 each), the question's byte range in the bank file (two i64) and the hash of those bytes (u64).
    static let recordHeader = 52
    static let contentSeed: UInt64 = 0xBA_4C_1D_E7
    static let questionSeed: UInt64 = 0x0B_1E_C7
    static let sectionSeed: UInt64 = 0x5E_C7_10
    /// An index built less than this long after the file last changed is checked by content.
    static let racySeconds = 1.0

    static let kinds = Kind.allCases
    static let difficulties = Difficulty.allCases
}

/// The content hash of a whole file, read in 1 MiB pieces (no copy of the file is kept).
func fileContentHash(fd: Int32, size: Int) -> UInt64? {
    var h = FastHash.combine(BankIndexFormat.contentSeed, UInt64(size))
    let chunk = 1 << 20
    var buf = [UInt8](repeating: 0, count: chunk)
    var at = 0
    while at < size {
        let want = min(chunk, size - at)
        var got = 0
        while got < want {
            let r = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, want - got, off_t(at + got)) }
            if r < 0 { if errno == EINTR { continue }; return nil }
            if r == 0 { return nil }
            got += r
        }
        h = FastHash.combine(h, buf.withUnsafeBytes { FastHash.hash(UnsafeRawBufferPointer(rebasing: $0[0..<want]), seed: UInt64(at)) })
        at += want
    }
    return h
}

/// The content hash of bytes in memory: the same value `fileContentHash` gives for a file holding them.
func contentHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    FastHash.chunked(bytes, seed: BankIndexFormat.contentSeed)
}

/// Reads question texts from a bank file on demand, checking that the bytes are still the indexed ones.
final class BankFileTexts: QuestionTextLoader, @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var fd: Int32 = -1

    init(path: String) { self.path = path }
    deinit { if fd >= 0 { close(fd) } }

    /// The texts read so far, by where they start: a question made again from its record (`BankIndexRecords`)
    /// finds its texts here instead of reading them again.
    private var read: [Int: QuestionTexts] = [:]

    func texts(_ ref: QuestionTextRef) -> QuestionTexts? {
        lock.lock()
        if let held = read[ref.start] { lock.unlock(); return held }
        if fd < 0 { fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        let fd = self.fd
        lock.unlock()
        guard fd >= 0, let bytes = preadAll(fd, at: ref.start, count: ref.end - ref.start) else { return nil }
        let texts = bytes.withUnsafeBufferPointer { b -> QuestionTexts? in
            guard FastHash.hash(b, seed: BankIndexFormat.questionSeed) == ref.hash else { return nil }
            return BankFormat.decodeQuestionTexts(b)
        }
        if let texts { lock.lock(); read[ref.start] = texts; lock.unlock() }
        return texts
    }
}

/// A bank's folded search texts, read from its index file when the search index is first built.
struct IndexSearchTexts: SearchTextSource {
    let indexPath: String
    let at: Int, length: Int, checksum: UInt64, count: Int

    func load() -> SearchTexts? {
        let fd = open(indexPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let bytes = preadAll(fd, at: at, count: length),
              SnapshotCodec.checksum(bytes[...]) == checksum else { return nil }
        return bytes.withUnsafeBytes { raw -> SearchTexts? in
            var r = ByteReader(raw)
            func blob() -> [UInt8] {
                let n = r.int()
                guard let k = r.take(n) else { return [] }
                return Array(raw[k..<(k + n)])
            }
            func starts(_ limit: Int) -> [Int] {
                var out: [Int] = []
                out.reserveCapacity(count + 1)
                for _ in 0...count {
                    let v = Int(r.u32())
                    if v > limit || (out.last.map { v < $0 } ?? false) { r.failed = true; return [] }
                    out.append(v)
                }
                return out
            }
            let titles = blob()
            let titleStarts = starts(titles.count)
            let bodies = blob()
            let bodyStarts = starts(bodies.count)
            guard !r.failed, titleStarts.last == titles.count, bodyStarts.last == bodies.count else { return nil }
            return SearchTexts(titleText: titles, titleStarts: titleStarts, bodyText: bodies, bodyStarts: bodyStarts)
        }
    }
}

/// One bank file's index: building, writing, reading.
enum BankIndex {
    /// The index file of a bank file: named after the bank and a hash of its absolute path.
    static func path(forBank bank: String, in dir: String) -> String {
        let absolute = canonicalPath(bank)
        var name = ((absolute as NSString).lastPathComponent as NSString).deletingPathExtension
        name = String(name.unicodeScalars.map { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")) ? Character($0) : "_" }.prefix(40))
        return dir + "/" + name + "-" + String(FastHash.hash(absolute, seed: 0xA7), radix: 16) + ".idx"
    }

    static func canonicalPath(_ p: String) -> String {
        if let r = realpath(p, nil) { defer { free(r) }; return String(cString: r) }
        return (p as NSString).standardizingPath
    }

    /// The index file's bytes for a decoded bank.
    static func encode(bank: Bank, ranges: [Range<Int>], file: UnsafeBufferPointer<UInt8>, stamp: FileStamp,
                       contentHash: UInt64, builtAt: Date, bankPath: String) -> [UInt8] {
        // Topics, interned.
        var topicIDs: [String: Int] = [:]
        var topics: [String] = []
        for q in bank.questions { for t in q.topics where topicIDs[t] == nil { topicIDs[t] = topics.count; topics.append(t) } }

        var meta = ByteWriter()
        meta.string(bankPath)
        meta.string(bank.deck.id)
        meta.string(bank.deck.title)
        meta.u32(UInt32(topics.count))
        for t in topics { meta.string(t) }
        let n = bank.questions.count
        meta.u32(UInt32(n))
        // The columns (where each record starts, difficulties, kinds, where each one's topics start, the
        // topics), then the records: a fixed part (`BankIndexFormat.recordHeader`), the id's bytes, the title's.
        let topicTotal = bank.questions.reduce(0) { $0 + $1.topics.count }
        var at = meta.bytes.count + 4 * n + 2 * n + 4 * (n + 1) + 4 * topicTotal
        for q in bank.questions { meta.u32(UInt32(at)); at += BankIndexFormat.recordHeader + q.id.utf8.count + q.title.utf8.count }
        for q in bank.questions { meta.bytes.append(UInt8(BankIndexFormat.difficulties.firstIndex(of: q.difficulty)!)) }
        for q in bank.questions { meta.bytes.append(UInt8(BankIndexFormat.kinds.firstIndex(of: q.kind)!)) }
        var topicStart = 0
        meta.u32(0)
        for q in bank.questions { topicStart += q.topics.count; meta.u32(UInt32(topicStart)) }
        for q in bank.questions { for t in q.topics { meta.u32(UInt32(topicIDs[t]!)) } }
        for (k, q) in bank.questions.enumerated() {
            let r = ranges[k]
            meta.u32(UInt32(q.id.utf8.count))
            meta.u32(UInt32(q.title.utf8.count))
            meta.u32(UInt32(q.keyPoints.count))
            meta.u32(UInt32(q.followUps.count))
            meta.u32(UInt32(q.timeLimitMinutes ?? 0))
            meta.u32(UInt32(q.source.position.line))
            meta.u32(UInt32(q.source.position.column))
            meta.int(r.lowerBound)
            meta.int(r.upperBound)
            meta.u64(FastHash.hash(UnsafeBufferPointer(rebasing: file[r]), seed: BankIndexFormat.questionSeed))
            meta.bytes.append(contentsOf: q.id.utf8)
            meta.bytes.append(contentsOf: q.title.utf8)
        }
        precondition(meta.bytes.count == at)

        let texts = SearchTexts(bank.questions)
        var search = ByteWriter()
        search.int(texts.titleText.count)
        search.bytes += texts.titleText
        for s in texts.titleStarts { search.u32(UInt32(s)) }
        search.int(texts.bodyText.count)
        search.bytes += texts.bodyText
        for s in texts.bodyStarts { search.u32(UInt32(s)) }

        let header = Header(stamp: stamp, contentHash: contentHash, builtAt: builtAt.timeIntervalSince1970,
                            count: bank.questions.count, metaAt: headerLength, metaLength: meta.bytes.count,
                            metaChecksum: SnapshotCodec.checksum(meta.bytes[...]), searchAt: headerLength + meta.bytes.count,
                            searchLength: search.bytes.count, searchChecksum: SnapshotCodec.checksum(search.bytes[...]),
                            pathHash: FastHash.hash(bankPath, seed: 0xA7), length: headerLength)
        return encodeHeader(header) + meta.bytes + search.bytes
    }

    /// A header's bytes (`headerLength` of them), its checksum last. `encode` and a re-stamp both write it.
    static func encodeHeader(_ h: Header) -> [UInt8] {
        var w = ByteWriter()
        w.bytes += BankIndexFormat.magic
        w.u32(BankIndexFormat.version)
        w.u32(0)
        writeStamp(&w, h.stamp)
        w.u64(h.contentHash)
        w.int(Int(h.builtAt.rounded(.down)))
        w.int(Int((h.builtAt - h.builtAt.rounded(.down)) * 1e9))
        w.int(h.count)
        w.int(h.length)
        w.int(h.metaAt); w.int(h.metaLength); w.u64(h.metaChecksum)
        w.int(h.searchAt); w.int(h.searchLength); w.u64(h.searchChecksum)
        w.u64(h.pathHash)
        w.u64(SnapshotCodec.checksum(w.bytes[...]))
        precondition(w.bytes.count == headerLength)
        return w.bytes
    }

    static func writeStamp(_ w: inout ByteWriter, _ s: FileStamp) {
        w.u64(s.device); w.u64(s.inode); w.u64(s.size)
        w.u64(UInt64(bitPattern: s.mtimeSec)); w.u64(UInt64(bitPattern: s.mtimeNsec))
        w.u64(UInt64(bitPattern: s.ctimeSec)); w.u64(UInt64(bitPattern: s.ctimeNsec))
    }

    struct Header {
        var stamp: FileStamp
        var contentHash: UInt64
        var builtAt: Double
        var count: Int
        var metaAt: Int, metaLength: Int, metaChecksum: UInt64
        var searchAt: Int, searchLength: Int, searchChecksum: UInt64
        var pathHash: UInt64
        var length: Int
    }

    static let headerLength = 8 + 4 + 4 + 56 + 8 + 16 + 8 + 48 + 16 + 8

    static func decodeHeader(_ b: [UInt8]) -> Header? {
        guard b.count >= headerLength, Array(b[0..<8]) == BankIndexFormat.magic else { return nil }
        return b.withUnsafeBytes { raw -> Header? in
            var r = ByteReader(raw, at: 8)
            guard r.u32() == BankIndexFormat.version else { return nil }
            _ = r.u32()
            let stamp = FileStamp(device: r.u64(), inode: r.u64(), size: r.u64(),
                                  mtimeSec: Int64(bitPattern: r.u64()), mtimeNsec: Int64(bitPattern: r.u64()),
                                  ctimeSec: Int64(bitPattern: r.u64()), ctimeNsec: Int64(bitPattern: r.u64()))
            let content = r.u64()
            let builtSec = r.int(), builtNsec = r.int()
            let count = r.int()
            let length = r.int()
            let metaAt = r.int(), metaLength = r.int(), metaSum = r.u64()
            let searchAt = r.int(), searchLength = r.int(), searchSum = r.u64()
            let pathHash = r.u64()
            let at = r.at
            let sum = r.u64()
            guard !r.failed, length == headerLength, at + 8 == headerLength,
                  sum == SnapshotCodec.checksum(b[0..<at]) else { return nil }
            return Header(stamp: stamp, contentHash: content, builtAt: Double(builtSec) + Double(builtNsec) / 1e9, count: count,
                          metaAt: metaAt, metaLength: metaLength, metaChecksum: metaSum,
                          searchAt: searchAt, searchLength: searchLength, searchChecksum: searchSum,
                          pathHash: pathHash, length: length)
        }
    }

    /// The bank an index describes: its records checked and read in place from `meta` (the mapped index
    /// file, from `h.metaAt`), each question made when asked for, reading its texts from `bankPath` when first used.
    static func decodeBank(meta: UnsafeRawBufferPointer, owner: AnyObject, header h: Header, bankPath: String, displayPath: String,
                           indexPath: String) -> Bank? {
        var r = ByteReader(meta)
        guard meta.count < Int(UInt32.max), r.string(maxLength: 1 << 16) == bankPath else { return nil }
        let deck = Deck(id: r.string(), title: r.string())
        let topicCount = Int(r.u32())
        guard topicCount <= h.count * 8 + 8 else { return nil }
        var topics: [String] = []
        topics.reserveCapacity(topicCount)
        for _ in 0..<topicCount { topics.append(r.string(maxLength: 4096)) }
        let n = Int(r.u32())
        guard !r.failed, n == h.count else { return nil }
        // The columns, read in place from the mapped file (`owner`); every value and record is checked here,
        // so that making a question later cannot fail. Each record's start is in the offsets column, so the records are checked independently
        // of each other (no chain of loads from one record's lengths to the next one's start).
        guard let offsetsAt = r.take(4 * n), let difficultyAt = r.take(n), let kindAt = r.take(n),
              let startsAt = r.take(4 * (n + 1)) else { return nil }
        @inline(__always) func u32(_ a: Int) -> Int { Int(UInt32(littleEndian: meta.loadUnaligned(fromByteOffset: a, as: UInt32.self))) }
        @inline(__always) func i64(_ a: Int) -> Int64 { Int64(littleEndian: meta.loadUnaligned(fromByteOffset: a, as: Int64.self)) }
        let topicTotal = u32(startsAt + 4 * n)
        guard topicTotal <= 64 * n, let topicsAt = r.take(4 * topicTotal) else { return nil }
        func column<T: FixedWidthInteger>(_ at: Int, _ count: Int, _: T.Type) -> Column<T> {
            Column(unsafeBytesAt: meta.baseAddress! + at, count: count, owner: owner)
        }
        let offsets = column(offsetsAt, n, UInt32.self), topicStarts = column(startsAt, n + 1, Int32.self)
        let topicIDs = column(topicsAt, topicTotal, UInt32.self)
        let difficulty = column(difficultyAt, n, UInt8.self), kind = column(kindAt, n, UInt8.self)
        let kinds = UInt8(BankIndexFormat.kinds.count), difficulties = UInt8(BankIndexFormat.difficulties.count)
        guard difficulty.allSatisfy({ $0 < difficulties }), kind.allSatisfy({ $0 < kinds }),
              topicIDs.allSatisfy({ Int($0) < topicCount }), topicStarts[0] == 0, Int(topicStarts[n]) == topicTotal else { return nil }
        for q in 0..<n where !(topicStarts[q] <= topicStarts[q + 1] && topicStarts[q + 1] - topicStarts[q] <= 64) { return nil }
        let end = meta.count, size = h.stamp.size, fixed = BankIndexFormat.recordHeader
        guard n == 0 ? r.at == end : Int(offsets[0]) == r.at else { return nil }
        for q in 0..<n {
            let at = Int(offsets[q])
            guard at <= end - fixed else { return nil }
            let idLength = u32(at), titleLength = u32(at + 4)
            let start = i64(at + 28), stop = i64(at + 36) // after key points, follow-ups, time limit, line, column
            let next = q + 1 < n ? Int(offsets[q + 1]) : end
            guard idLength <= 4096, titleLength <= 1 << 16, at + fixed + idLength + titleLength == next,
                  start >= 0, start < stop, UInt64(stop) <= size else { return nil }
        }
        let records = BankIndexRecords(meta: meta, owner: owner, offsets: offsets,
                                       columns: QuestionColumns(difficulty: difficulty, kind: kind, topicNames: topics,
                                                                topicStarts: topicStarts, topicIDs: topicIDs),
                                       loader: BankFileTexts(path: bankPath), source: displayPath)
        let search = IndexSearchTexts(indexPath: indexPath, at: h.searchAt, length: h.searchLength, checksum: h.searchChecksum, count: n)
        var bank = Bank(file: displayPath, deck: deck, records: records, searchTexts: search)
        bank.identity = h.metaChecksum
        return bank
    }
}

/// A mapped bank index file (unmapped when the last user lets go). The file is only ever replaced by
/// rename, never rewritten in place, so the mapping stays valid.
final class MappedFile: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let length: Int
    init?(fd: Int32, length: Int) {
        guard length > 0, let p = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else { return nil }
        base = p; self.length = length
    }
    deinit { munmap(base, length) }
    var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// Maps the pages of `range` at once, so reading them takes no page fault each (`MADV_POPULATE_READ`,
    /// Linux 5.14; elsewhere, or on an older kernel, nothing happens and the pages fault in as read).
    func populate(_ range: Range<Int>) { populateMapped(base, range) }
}

/// `MappedFile.populate` for any read-only mapping at `base`.
func populateMapped(_ base: UnsafeMutableRawPointer, _ range: Range<Int>) {
    #if os(Linux)
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = range.lowerBound / page * page
    guard range.upperBound > start else { return }
    _ = madvise(base + start, range.upperBound - start, 22 /* MADV_POPULATE_READ */)
    #endif
}

/// Gives the pages of a newly allocated buffer at once, before it is filled (`MADV_POPULATE_WRITE`, Linux
/// 5.14): a large array filled element by element otherwise takes a page fault every 4 KiB, about 1,200
/// for the 5 MB of schedules at 100,000 questions, and one call costs about half of those. Only the whole
/// pages inside the buffer, and only for 64 KiB or more; elsewhere, or on an older kernel, nothing happens.
func populateWritable(_ start: UnsafeMutableRawPointer?, _ count: Int) {
    #if os(Linux)
    guard let start, count >= 1 << 16 else { return }
    let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
    let from = (UInt(bitPattern: start) + page - 1) / page * page, to = (UInt(bitPattern: start) + UInt(count)) / page * page
    guard to > from, let p = UnsafeMutableRawPointer(bitPattern: from) else { return }
    _ = madvise(p, Int(to - from), 23 /* MADV_POPULATE_WRITE */)
    #endif
}

/// A bank's questions read in place from its index's records (checked by `decodeBank`), each made when
/// asked for; their ids double as packed names for the catalogue's id table.
final class BankIndexRecords: QuestionRecords, PackedNames, @unchecked Sendable {
    let meta: UnsafeRawBufferPointer
    let owner: AnyObject
    let offsets: Column<UInt32>
    let columns: QuestionColumns
    let loader: BankFileTexts
    let source: String

    init(meta: UnsafeRawBufferPointer, owner: AnyObject, offsets: Column<UInt32>, columns: QuestionColumns,
         loader: BankFileTexts, source: String) {
        self.meta = meta; self.owner = owner; self.offsets = offsets; self.columns = columns
        self.loader = loader; self.source = source
    }

    var count: Int { offsets.count }
    var packedIDs: (any PackedNames)? { self }

    @inline(__always) private func u32(_ at: Int) -> Int { Int(UInt32(littleEndian: meta.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }

    func bytes(_ k: Int) -> UnsafeRawBufferPointer { idBytes(k) }
    func idBytes(_ k: Int) -> UnsafeRawBufferPointer {
        let at = Int(offsets[k]) + BankIndexFormat.recordHeader
        return UnsafeRawBufferPointer(rebasing: meta[at..<(at + u32(Int(offsets[k])))])
    }
    func titleBytes(_ k: Int) -> UnsafeRawBufferPointer {
        let o = Int(offsets[k]), at = o + BankIndexFormat.recordHeader + u32(o)
        return UnsafeRawBufferPointer(rebasing: meta[at..<(at + u32(o + 4))])
    }
    func id(_ k: Int) -> String { String(decoding: idBytes(k), as: UTF8.self) }
    func title(_ k: Int) -> String { String(decoding: titleBytes(k), as: UTF8.self) }

    func question(_ k: Int) -> Question {
        let at = Int(offsets[k])
        let keyPoints = u32(at + 8), followUps = u32(at + 12), limit = u32(at + 16), line = u32(at + 20), column = u32(at + 24)
        let start = Int(Int64(littleEndian: meta.loadUnaligned(fromByteOffset: at + 28, as: Int64.self)))
        let end = Int(Int64(littleEndian: meta.loadUnaligned(fromByteOffset: at + 36, as: Int64.self)))
        let hash = UInt64(littleEndian: meta.loadUnaligned(fromByteOffset: at + 44, as: UInt64.self))
        return Question(
            id: id(k), title: title(k),
            difficulty: columns.difficulty(k), kind: columns.kind(k), topics: columns.topics(k),
            timeLimitMinutes: limit == 0 ? nil : limit,
            source: SourceLocation(file: source, position: SourcePosition(line: line, column: column)),
            keyPointCount: keyPoints, followUpCount: followUps,
            texts: QuestionTextRef(start: start, end: end, hash: hash), loader: loader)
    }
}

/// Where bank indexes are kept, and whether they may be written.
public struct BankIndexCache: Sendable {
    public let directory: String
    public let writable: Bool
    public init(directory: String, writable: Bool) { self.directory = directory; self.writable = writable }

    /// How one bank file was loaded.
    public enum Outcome: Sendable, Equatable {
        case index          // from a fresh index
        case restamped      // the file's stamp changed but not its content: index kept
        case built          // decoded in full; the index (re)written
        case decoded        // decoded in full; no index written (read-only, or the file is unusual)
    }

    /// Loads one bank file through its index. Nil when the file cannot be opened as a regular file
    /// (the caller's ordinary path then words the error).
    func load(_ file: String, now: () -> Date) -> (Result<Bank, BankError>, Outcome)? {
        let fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let stamp = FileStamp(st)
        let size = Int(st.st_size)
        let bankPath = BankIndex.canonicalPath(file)
        let indexPath = BankIndex.path(forBank: file, in: directory)
        let pathHash = FastHash.hash(bankPath, seed: 0xA7)

        var known: UInt64? // the file's content hash, once computed
        if let ifd = Optional(open(indexPath, O_RDONLY | O_CLOEXEC)), ifd >= 0 {
            defer { close(ifd) }
            if let hb = preadAll(ifd, at: 0, count: BankIndex.headerLength), let h = BankIndex.decodeHeader(hb),
               h.pathHash == pathHash, h.stamp.size == stamp.size {
                var fresh = h.stamp == stamp && stamp.changedAt < h.builtAt - BankIndexFormat.racySeconds
                var restamp = false
                if !fresh {
                    known = fileContentHash(fd: fd, size: size)
                    fresh = known == h.contentHash
                    restamp = fresh
                }
                var ist = stat()
                if fresh, fstat(ifd, &ist) == 0, h.metaAt >= 0, h.metaLength >= 0, h.metaAt + h.metaLength <= Int(ist.st_size),
                   let map = MappedFile(fd: ifd, length: Int(ist.st_size)),
                   case () = map.populate(h.metaAt..<(h.metaAt + h.metaLength)),
                   case let meta = UnsafeRawBufferPointer(rebasing: map.raw[h.metaAt..<(h.metaAt + h.metaLength)]),
                   SnapshotCodec.checksum(meta) == h.metaChecksum,
                   let bank = BankIndex.decodeBank(meta: meta, owner: map, header: h, bankPath: bankPath, displayPath: file, indexPath: indexPath) {
                    if restamp && writable { restampIndex(ifd: ifd, header: h, stamp: stamp, indexPath: indexPath, now: now()) }
                    return (.success(bank), restamp ? .restamped : .index)
                }
            }
        }
        // Decode and validate the whole file; index it when it is ordinary.
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE | mapPopulate, fd, 0), map != MAP_FAILED else { return nil }
        defer { munmap(map, size) }
        let bytes = UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size)
        guard let (bank, ranges) = BankFormat.decodeIndexed(bytes, file: file) else {
            do { return (.success(try BankFormat.decode(bytes, file: file)), .decoded) } catch { return (.failure(error), .decoded) }
        }
        var after = stat()
        guard writable, fstat(fd, &after) == 0, FileStamp(after) == stamp else { return (.success(bank), .decoded) }
        let hash = known ?? contentHash(UnsafeRawBufferPointer(bytes))
        let index = BankIndex.encode(bank: bank, ranges: ranges, file: bytes, stamp: stamp, contentHash: hash,
                                     builtAt: now(), bankPath: bankPath)
        guard ensureDirectory(), writeCacheFile(indexPath, index) else { return (.success(bank), .decoded) }
        return (.success(bank), .built)
    }

    /// Rewrites an index's header with the file's new stamp (its content did not change).
    private func restampIndex(ifd: Int32, header h: BankIndex.Header, stamp: FileStamp, indexPath: String, now: Date) {
        var st = stat()
        guard fstat(ifd, &st) == 0, let all = preadAll(ifd, at: 0, count: Int(st.st_size)) else { return }
        var restamped = h
        restamped.stamp = stamp
        restamped.builtAt = now.timeIntervalSince1970
        _ = writeCacheFile(indexPath, BankIndex.encodeHeader(restamped) + all[h.length...])
    }

    private func ensureDirectory() -> Bool {
        if FileIO.isDirectory(directory) { return true }
        return mkdir(directory, 0o700) == 0 || FileIO.isDirectory(directory)
    }
}

#if os(Linux)
let mapPopulate = MAP_POPULATE
#else
let mapPopulate: Int32 = 0
#endif

