import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

extension DataStore {
    public var statsCachePath: String { root + "/stats-cache.bin" }
    public var statsTallyPath: String { root + "/stats-tally.bin" }

    /// What the Stats figures need: the tally in `stats-tally.bin` when it was made from the whole log as it is
    /// now, with these settings and this calendar, over `knownCards` cards (`StatsInput.knownCards`: nil
    /// when some rated card is not in the catalogue); else every rating (`statsEvents`), writing a fresh tally
    /// for the next time when caches may be written.
    public func statsInput(settings: Settings, scheduler: any Scheduler, calendar: StudyCalendar, knownCards: Int?) throws(StoreError) -> StatsInput {
        // One opening of the log serves the check, the events and the new tally: they all describe the same bytes.
        guard let log = try LogFile.open(logLayout(.reviews)) else { return .events(StatsEvents()) }
        let size = log.size, key = StatsCache.key(settings, log)
        if let knownCards, size >= StatsCache.minimumLog, let (covered, tally) = StatsCache.readTally(statsTallyPath, settings: key),
           covered.length == size, tally.shift == StatsTally.shift(calendar), tally.cards == knownCards,
           StatsCache.fingerprint(log, length: size) == covered.fingerprint {
            return .tally(tally)
        }
        let events = try StatsCache.events(log: log, cachePath: statsCachePath, settings: settings, scheduler: scheduler, canWrite: canWriteCaches)
        // Only for a log that ends with a whole line: the events are then exactly its ratings.
        if canWriteCaches, size >= StatsCache.minimumLog, log.bytes(at: size - 1, count: 1) == [0x0A],
           let print = StatsCache.fingerprint(log, length: size) {
            let tally = StatsTally(events.grouped(), calendar: calendar)
            StatsCache.writeTally(statsTallyPath, tally, settings: key, length: size, fingerprint: print)
        }
        return .events(events)
    }

    /// Every effective rating of the review log (every machine's), for the Stats figures: from `stats-cache.bin`
    /// plus the lines appended since, when it matches the log (kept fresh when caches may be written).
    public func statsEvents(settings: Settings, scheduler: any Scheduler) throws(StoreError) -> StatsEvents {
        guard let log = try LogFile.open(logLayout(.reviews)) else { return StatsEvents() }
        return try StatsCache.events(log: log, cachePath: statsCachePath, settings: settings, scheduler: scheduler, canWrite: canWriteCaches)
    }
}

/// `stats-cache.bin`: every rating of `reviews.jsonl` up to a line end, as `StatsEvents.encodeCache` writes them,
/// with the settings they were replayed with and a fingerprint of the bytes read. Written (atomically) only
/// for logs of `minimumLog` bytes or more, when missing or stale, or once `rewriteAfter` bytes were appended
/// after it; never required: when it cannot be read or written, the log is read in full.
public enum StatsCache {
    static let minimumLog = 4 << 20
    static let rewriteAfter = 64 << 10

    /// The settings key of the caches, with the layout of the log's files when there are several.
    static func key(_ settings: Settings, _ log: LogFile) -> UInt64 { log.cacheKey(StatsEvents.settingsKey(settings)) }

    static func events(log: LogFile, cachePath: String, settings: Settings, scheduler: any Scheduler,
                       canWrite: Bool) throws(StoreError) -> StatsEvents {
        let size = log.size
        let settingsKey = key(settings, log)
        let useCache = size >= minimumLog

        // A cache that matches the log: read only what follows it.
        if useCache, var cached = read(cachePath), cached.key.settings == settingsKey, cached.key.coveredLength <= size,
           let print = fingerprint(log, length: cached.key.coveredLength), print == cached.key.fingerprint,
           let tail = log.bytes(at: cached.key.coveredLength, count: size - cached.key.coveredLength) {
            let key = cached.key
            var events = cached.events
            cached.events = StatsEvents() // the only reference left: merging appends in place
            let complete = (tail.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
            tail.withUnsafeBufferPointer { events.merge(tail: UnsafeBufferPointer(rebasing: $0[..<complete]), scheduler: scheduler) }
            if canWrite, complete >= rewriteAfter, let print = fingerprint(log, length: key.coveredLength + complete) {
                write(cachePath, events, StatsEvents.CacheKey(settings: settingsKey, coveredLength: key.coveredLength + complete, fingerprint: print))
            }
            tail.withUnsafeBufferPointer { events.merge(tail: UnsafeBufferPointer(rebasing: $0[complete...]), scheduler: scheduler) }
            return events
        }

        // The whole log.
        return try log.withBytes { buffer in
            var complete = buffer.count
            while complete > 0 && buffer[complete - 1] != 0x0A { complete -= 1 }
            var events = StatsEvents(logBytes: UnsafeBufferPointer(rebasing: buffer[..<complete]), scheduler: scheduler)
            if canWrite, useCache, let print = fingerprint(log, length: complete) {
                write(cachePath, events, StatsEvents.CacheKey(settings: settingsKey, coveredLength: complete, fingerprint: print))
            }
            events.merge(tail: UnsafeBufferPointer(rebasing: buffer[complete...]), scheduler: scheduler)
            return events
        }
    }

    static func read(_ path: String) -> (key: StatsEvents.CacheKey, events: StatsEvents)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        // Mapped without populating it, and each part let go once read: the 25 MB of a 1,000,000-rating
        // cache are never resident at once (peak memory, docs/performance.md).
        let result = try? withMappedFile(fd: fd, size: Int(st.st_size), path: path, populate: false) { bytes in
            let base = UnsafeRawBufferPointer(bytes)
            return StatsEvents.decodeCache(base) { range in
                let page = Int(sysconf(Int32(_SC_PAGESIZE)))
                let start = (range.lowerBound + page - 1) / page * page, end = range.upperBound / page * page
                guard end > start, let a = base.baseAddress else { return }
                _ = madvise(UnsafeMutableRawPointer(mutating: a + start), end - start, MADV_DONTNEED)
            }
        }
        return (result ?? nil).map { ($0.key, $0.events) }
    }

    static let tallyMagic: [UInt8] = Array("PDTALLY1".utf8)

    /// `stats-tally.bin`: the magic, the settings key, the log length and fingerprint it was made from, the
    /// tally (`StatsTally.encode`), a checksum of all that.
    static func writeTally(_ path: String, _ tally: StatsTally, settings: UInt64, length: Int, fingerprint: UInt64) {
        var out = tallyMagic
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        u64(settings); u64(UInt64(length)); u64(fingerprint)
        out += tally.encode()
        u64(out.withUnsafeBytes { FastHash.hash($0, seed: 0x7A11) })
        _ = writeCacheFile(path, out)
    }

    static func readTally(_ path: String, settings: UInt64) -> (covered: (length: Int, fingerprint: UInt64), tally: StatsTally)? {
        guard let bytes = (try? FileIO.read(path)) ?? nil, bytes.count >= 40 + 48 else { return nil }
        return bytes.withUnsafeBytes { b -> (covered: (length: Int, fingerprint: UInt64), tally: StatsTally)? in
            func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            let n = b.count
            guard Array(b[0..<8]) == tallyMagic, u64(n - 8) == FastHash.hash(UnsafeRawBufferPointer(rebasing: b[0..<(n - 8)]), seed: 0x7A11),
                  u64(8) == settings, let tally = StatsTally.decode(UnsafeRawBufferPointer(rebasing: b[32..<(n - 8)])) else { return nil }
            return ((Int(truncatingIfNeeded: u64(16)), u64(24)), tally)
        }
    }

    /// Best effort: a data directory that cannot be written simply gets no cache. Atomic (temporary file,
    /// rename); no fsync: a cache lost or torn by a crash fails its checks and is rebuilt.
    static func write(_ path: String, _ events: StatsEvents, _ key: StatsEvents.CacheKey) {
        _ = writeCacheFile(path, events.encodeCache(key: key))
    }

    /// A fingerprint of the first `length` bytes (the snapshot's, with the stats cache's own seed).
    static func fingerprint(_ log: LogFile, length: Int) -> UInt64? {
        log.fingerprint(length: length, seed: 0x57A7_F1)
    }
}

/// Runs `body` on the first `size` bytes of the open file `fd`, mapped read-only (read into memory when it
/// cannot be mapped).
func withMappedFile<T>(fd: Int32, size: Int, path: String, populate: Bool = true, _ body: (UnsafeBufferPointer<UInt8>) -> T) throws(StoreError) -> T {
    guard size > 0 else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
    guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0), p != MAP_FAILED else {
        guard let bytes = preadAll(fd, at: 0, count: size) else {
            throw StoreError(.io, "cannot read \(path): \(errnoText())")
        }
        return bytes.withUnsafeBufferPointer(body)
    }
    defer { munmap(p, size) }
    return body(UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: size))
}

