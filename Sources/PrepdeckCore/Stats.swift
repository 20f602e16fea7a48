import Foundation

// The figures of the Stats screen and of `prepdeck stats`: one pure computation from the catalogue, the
// progress (schedules), every card's effective ratings, the settings, the study calendar and `now`.
//
// The ratings come as `StatsEvents`: from `StudyProgress.history`, or read straight from the bytes of
// `reviews.jsonl` (no strings per line), optionally kept between runs in a cache file by the caller
// (`encodeCache` / `decodeCache`, topped up with the lines appended since by `merge(tail:)`).

/// One effective rating as the stats read it.
public struct StatsEvent: Sendable, Equatable {
    public var at: Date
    /// Time spent in milliseconds (0 when the line has none).
    public var ms: Int
    public var rating: Rating
    public var mode: ReviewMode
    /// Whether the card was in the review state just before this rating (from a replay with the scheduler).
    public var inReview: Bool
    public init(at: Date, ms: Int = 0, rating: Rating, mode: ReviewMode = .review, inReview: Bool = false) {
        self.at = at; self.ms = ms; self.rating = rating; self.mode = mode; self.inReview = inReview
    }
}

/// Every card's effective ratings (undo lines and duplicate ids resolved), in segments: segment `c` holds
/// card `cards[c]`'s ratings `events[starts[c]..<starts[c + 1]]`. Read from a log, a card has one segment;
/// `merge(tail:)` appends rather than copies: a segment for the ratings that follow a card's last one, or,
/// when a rating is undone or comes earlier, one with all the card's ratings replayed again, its older
/// segments then being emptied of meaning by renaming them to "" (never a card id). A card's segments, in
/// order and without the "" ones, are its ratings in replay order. `ids[k]` is the `FastHash` of event `k`'s
/// id and `undone` the hashes of the ids undone (both only used to merge lines appended later).
public struct StatsEvents: Sendable, Equatable {
    public private(set) var cards: [String] = []
    public private(set) var starts: [Int] = [0]
    public private(set) var events: [StatsEvent] = []
    public private(set) var ids: [UInt64] = []
    public private(set) var undone: [UInt64] = []

    public init() {}

    /// The ratings of segment `c`.
    public func events(ofCard c: Int) -> ArraySlice<StatsEvent> { events[starts[c]..<starts[c + 1]] }

    /// Every card's ratings in replay order, by card id.
    public var byCard: [String: [StatsEvent]] {
        var out: [String: [StatsEvent]] = [:]
        for c in cards.indices where !cards[c].isEmpty { out[cards[c], default: []] += events(ofCard: c) }
        return out
    }

    /// The same ratings with one segment a card (in order of first appearance).
    public func grouped() -> StatsEvents {
        var segments: [String: [Int]] = [:]
        var order: [String] = []
        for (c, name) in cards.enumerated() where !name.isEmpty {
            if segments[name] == nil { order.append(name) }
            segments[name, default: []].append(c)
        }
        guard order.count < cards.count else { return self }
        var out = StatsEvents()
        out.undone = undone
        out.events.reserveCapacity(events.count)
        out.ids.reserveCapacity(ids.count)
        for name in order {
            out.cards.append(name)
            for c in segments[name]! {
                out.events += events[starts[c]..<starts[c + 1]]
                out.ids += ids[starts[c]..<starts[c + 1]]
            }
            out.starts.append(out.events.count)
        }
        return out
    }

    /// From `StudyProgress.history` (or any card → effective reviews map, each in replay order); `scheduler`
    /// replays each card to know its state before every rating.
    public init(history: [String: [ReviewEvent]], scheduler: any Scheduler) {
        let total = history.values.reduce(0) { $0 + $1.count }
        events.reserveCapacity(total)
        ids.reserveCapacity(total)
        for card in history.keys.sorted() {
            let reviews = history[card]!
            guard !reviews.isEmpty else { continue }
            cards.append(card)
            var s = CardSchedule()
            for r in reviews {
                events.append(StatsEvent(at: r.at, ms: r.ms ?? 0, rating: r.rating, mode: r.mode, inReview: s.state == .review))
                ids.append(FastHash.hash(r.id))
                s = scheduler.review(s, cardID: card, rating: r.rating, at: r.at)
            }
            starts.append(events.count)
        }
    }

    /// From the bytes of a whole `reviews.jsonl`, by the replay engine's reading and rules: exactly the ratings
    /// `StudyProgress` uses (unreadable lines and a torn last line skipped, undo and duplicate ids resolved, each
    /// card's ratings in `at` order, log order breaking ties), each card replayed with `scheduler`.
    public init(logBytes buffer: UnsafeBufferPointer<UInt8>, scheduler: any Scheduler,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let scan = LogScan.scanParallel(buffer, workers: workers, expectedCards: max(1024, buffer.count / 4000))
        self.init(scan: scan, buffer: buffer, scheduler: scheduler, workers: workers)
    }

    init(scan: LogScan, buffer: UnsafeBufferPointer<UInt8>, scheduler: any Scheduler, workers: Int) {
        let effective = EffectiveLog(scan, buffer: buffer)
        undone = effective.undoRecords.map { scan.records[Int($0)].idHash }
        let cardCount = scan.cards.count
        var cardNames = scan.cards.names
        var cardStarts = effective.starts
        let count = effective.records.count
        guard count > 0 else {
            cards = []; starts = [0]; events = []; ids = []
            return
        }
        let recs = UnsafeShared(value: scan.records)
        let buf = UnsafeShared(value: buffer)
        // `ms` and `mode` of every review line, in file order (sequential reads of the buffer).
        let n = scan.records.count
        var times = [Int](repeating: 0, count: n)
        var practice = [Bool](repeating: false, count: n)
        times.withUnsafeMutableBufferPointer { tp in
            practice.withUnsafeMutableBufferPointer { pp in
                let t = UnsafeShared(value: tp), p = UnsafeShared(value: pp)
                let parts = max(1, min(workers, 8, n / 50_000))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    for k in (n * part / parts)..<(n * (part + 1) / parts) {
                        let r = recs.value[k]
                        if r.isUndo { continue }
                        let line = UnsafeBufferPointer(rebasing: buf.value[r.lineOffset..<(r.lineOffset + Int(r.lineLength))])
                        let (ms, mode) = StatsEvents.timeAndMode(line)
                        t.value[k] = ms
                        p.value[k] = mode == .practice
                    }
                }
            }
        }
        // Grouped by card, each card replayed for its state before every rating.
        let order = UnsafeShared(value: effective.records)
        let names = UnsafeShared(value: cardNames)
        let startsShared = UnsafeShared(value: cardStarts)
        let timesShared = UnsafeShared(value: times), practiceShared = UnsafeShared(value: practice)
        var hashes = [UInt64](repeating: 0, count: count)
        let filled = [StatsEvent](unsafeUninitializedCapacity: count) { out, initialized in
            hashes.withUnsafeMutableBufferPointer { hp in
                let o = UnsafeShared(value: out), h = UnsafeShared(value: hp)
                let parts = max(1, min(workers, 8, cardCount / 256))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    for c in (cardCount * part / parts)..<(cardCount * (part + 1) / parts) {
                        var s = CardSchedule()
                        let name = names.value[c]
                        for k in startsShared.value[c]..<startsShared.value[c + 1] {
                            let rk = Int(order.value[k])
                            let r = recs.value[rk]
                            (o.value.baseAddress! + k).initialize(to: StatsEvent(
                                at: r.at, ms: timesShared.value[rk], rating: r.rating,
                                mode: practiceShared.value[rk] ? .practice : .review, inReview: s.state == .review))
                            h.value[k] = r.idHash
                            s = scheduler.review(s, cardID: name, rating: r.rating, at: r.at)
                        }
                    }
                }
            }
            initialized = count
        }
        // Cards whose every line was undone have no events: drop them.
        if cardStarts.indices.dropFirst().contains(where: { cardStarts[$0] == cardStarts[$0 - 1] }) {
            var keptNames: [String] = [], keptStarts = [0]
            for c in 0..<cardCount where cardStarts[c + 1] > cardStarts[c] {
                keptNames.append(cardNames[c])
                keptStarts.append(cardStarts[c + 1])
            }
            cardNames = keptNames
            cardStarts = keptStarts
        }
        cards = cardNames
        starts = cardStarts
        events = filled
        ids = hashes
    }

    /// Adds the lines appended to the log after the part these events were read from (`tail`: those bytes,
    /// from a line start), with the same rules as reading the whole log: an undo line may undo an earlier
    /// rating, a repeated id is skipped, a rating older than a card's last one is put in its place. Nothing is
    /// copied: new segments are appended (see above) and the cards that change are replayed with `scheduler`.
    public mutating func merge(tail: UnsafeBufferPointer<UInt8>, scheduler: any Scheduler) {
        guard !tail.isEmpty else { return }
        let scan = LogScan.scan(tail, range: 0..<tail.count, fileOffset: 0, firstLine: 1)
        guard !scan.records.isEmpty else { return }
        let added = StatsEvents(scan: scan, buffer: tail, scheduler: scheduler, workers: 1)
        // Undo lines of the tail may undo earlier ratings; ratings of the tail already here (or undone here) are skipped.
        let newlyUndone = Set(added.undone)
        let alreadyUndone = Set(undone)
        var tailIDs = Set<UInt64>()
        for h in added.ids where !alreadyUndone.contains(h) { tailIDs.insert(h) }
        var removed = Set<Int>() // indices of events here that the tail undoes
        var duplicates = Set<UInt64>() // ids of tail ratings already here
        if !newlyUndone.isEmpty || !tailIDs.isEmpty {
            // A bitmap of the ids looked for lets almost every id here through without a hash look-up.
            var bits = [UInt64](repeating: 0, count: 1024)
            for h in newlyUndone.union(tailIDs) { bits[Int(h & 0xFFFF) >> 6] |= 1 << (h & 63) }
            bits.withUnsafeBufferPointer { bp in
                ids.withUnsafeBufferPointer { hs in
                    for k in hs.indices {
                        let h = hs[k]
                        guard bp[Int(h & 0xFFFF) >> 6] & (1 << (h & 63)) != 0 else { continue }
                        if newlyUndone.contains(h) { removed.insert(k) }
                        if tailIDs.contains(h) { duplicates.insert(h) }
                    }
                }
            }
        }
        undone += added.undone
        // The cards that change: those with ratings in the tail, those with a rating undone.
        var fresh: [String: [(event: StatsEvent, id: UInt64)]] = [:]
        var order: [String] = []
        for c in 0..<added.cards.count {
            var list: [(event: StatsEvent, id: UInt64)] = []
            for k in added.starts[c]..<added.starts[c + 1] {
                let h = added.ids[k]
                if alreadyUndone.contains(h) || duplicates.contains(h) { continue }
                list.append((added.events[k], h))
            }
            if !list.isEmpty { fresh[added.cards[c]] = list; order.append(added.cards[c]) }
        }
        var touched = Set<String>() // cards with a rating undone
        for k in removed {
            // The segment holding event k: the last c with starts[c] <= k (segments are never empty).
            var lo = 0, hi = cards.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= k { lo = mid } else { hi = mid - 1 }
            }
            if !cards[lo].isEmpty { touched.insert(cards[lo]) } // a superseded segment: its live copy is found too
        }
        for name in touched where fresh[name] == nil { order.append(name) }
        guard !order.isEmpty else { return }
        // Their segments here (only these names are looked up).
        var wanted: [String: Int] = [:]
        for (t, name) in order.enumerated() { wanted[name] = t }
        var segmentsOf = [[Int]](repeating: [], count: order.count)
        for (c, name) in cards.enumerated() where !name.isEmpty { if let t = wanted[name] { segmentsOf[t].append(c) } }
        for (t, name) in order.enumerated() {
            let new = fresh[name] ?? []
            var old: [(event: StatsEvent, id: UInt64)] = []
            for c in segmentsOf[t] {
                for k in starts[c]..<starts[c + 1] where !removed.contains(k) { old.append((events[k], ids[k])) }
            }
            let lastAt = old.last?.event.at ?? .distantPast
            if !touched.contains(name) && new.allSatisfy({ $0.event.at >= lastAt }) {
                // After the card's last rating: a segment of its own, replayed on from the card's state.
                var s = CardSchedule()
                for item in old { s = scheduler.review(s, cardID: name, rating: item.event.rating, at: item.event.at) }
                appendSegment(name, new, from: s, scheduler: scheduler)
            } else {
                // The card is replayed again in a new segment; its old segments stop counting.
                for c in segmentsOf[t] { cards[c] = "" }
                appendSegment(name, old + new, from: CardSchedule(), scheduler: scheduler)
            }
        }
    }

    /// Adds entries just appended to the log (ratings, undo lines), exactly as `merge(tail:)` adds their lines:
    /// a screen that keeps its `StatsEvents` calls this after each rating or undo instead of reading the log again.
    public mutating func merge(_ entries: [LogEntry], scheduler: any Scheduler) {
        let text = Array(entries.map { $0.jsonLine + "\n" }.joined().utf8)
        text.withUnsafeBufferPointer { merge(tail: $0, scheduler: scheduler) }
    }

    /// Adds a segment: `list` in `at` order (earlier items first among equal times), replayed from `state`.
    private mutating func appendSegment(_ name: String, _ list: [(event: StatsEvent, id: UInt64)], from state: CardSchedule,
                                        scheduler: any Scheduler) {
        guard !list.isEmpty else { return }
        let sorted = list.enumerated().sorted { a, b in
            a.element.event.at != b.element.event.at ? a.element.event.at < b.element.event.at : a.offset < b.offset
        }
        var s = state
        cards.append(name)
        for (_, item) in sorted {
            var e = item.event
            e.inReview = s.state == .review
            events.append(e)
            ids.append(item.id)
            s = scheduler.review(s, cardID: name, rating: e.rating, at: e.at)
        }
        starts.append(events.count)
    }

    // MARK: Reading `ms` and `mode`

    /// `ms` and `mode` of a review line that the replay engine accepted.
    static func timeAndMode(_ line: UnsafeBufferPointer<UInt8>) -> (Int, ReviewMode) {
        if let fast = suffixTimeAndMode(line) ?? quickTimeAndMode(line) { return fast }
        if let raw = RawLogLine.scan(line) { return (raw.ms ?? 0, raw.mode) }
        if case let .review(r)? = try? LogEntry.decode(line: ArraySlice(line)) { return (r.ms ?? 0, r.mode) }
        return (0, .review)
    }

    /// The line prepdeck writes ends `,"ms":DIGITS,"mode":"review"}` (or `"practice"`): read from the end. In a
    /// valid line that ending can only be the top-level object's last two members (no byte of it is a
    /// backslash, so every quote in it delimits a string). Anything else: nil.
    static func suffixTimeAndMode(_ b: UnsafeBufferPointer<UInt8>) -> (Int, ReviewMode)? {
        var e = b.count - 1
        while e >= 0, b[e] == 0x20 || b[e] == 0x09 || b[e] == 0x0D { e -= 1 }
        guard e >= 30, b[e] == 0x7D, b[e - 1] == 0x22 else { return nil } // "}
        let mode: ReviewMode
        let k: Int // the ':' after "mode"
        if b[e - 8] == 0x22, b[e - 7] == 0x72, b[e - 6] == 0x65, b[e - 5] == 0x76, b[e - 4] == 0x69, b[e - 3] == 0x65,
           b[e - 2] == 0x77 { // "review"
            mode = .review; k = e - 9
        } else if b[e - 10] == 0x22, b[e - 9] == 0x70, b[e - 8] == 0x72, b[e - 7] == 0x61, b[e - 6] == 0x63, b[e - 5] == 0x74,
                  b[e - 4] == 0x69, b[e - 3] == 0x63, b[e - 2] == 0x65 { // "practice"
            mode = .practice; k = e - 11
        } else { return nil }
        // ,"mode":
        guard b[k] == 0x3A, b[k - 1] == 0x22, b[k - 2] == 0x65, b[k - 3] == 0x64, b[k - 4] == 0x6F, b[k - 5] == 0x6D,
              b[k - 6] == 0x22, b[k - 7] == 0x2C else { return nil }
        // ,"ms":DIGITS
        var d = k - 8
        var value = 0, scale = 1, digits = 0
        while d >= 0, b[d] >= 0x30, b[d] <= 0x39 {
            digits += 1
            guard digits <= 15 else { return nil }
            value += Int(b[d] - 0x30) * scale
            scale *= 10
            d -= 1
        }
        guard digits > 0, !(digits > 1 && b[d + 1] == 0x30), d >= 5, b[d] == 0x3A, b[d - 1] == 0x22, b[d - 2] == 0x73,
              b[d - 3] == 0x6D, b[d - 4] == 0x22, b[d - 5] == 0x2C else { return nil }
        return (value, mode)
    }

    /// A flat object without escapes or white space outside strings, `"ms":DIGITS|null` and
    /// `"mode":"review"|"practice"|null` at most once each. Anything else: nil (the full decoder decides).
    static func quickTimeAndMode(_ b: UnsafeBufferPointer<UInt8>) -> (Int, ReviewMode)? {
        let n = b.count
        guard n >= 2, b[0] == 0x7B else { return nil } // {
        var ms: Int?
        var mode: ReviewMode?
        var msSeen = false, modeSeen = false
        var k = 1
        while k < n {
            let c = b[k]
            if c == 0x5C || c == 0x7B || c == 0x5B || c == 0x20 || c == 0x09 || c == 0x0D { return nil }
            guard c == 0x22 else { k += 1; continue } // "
            // A string starts at k: a key when a ':' follows its closing quote.
            var e = k + 1
            while e < n && b[e] != 0x22 { if b[e] == 0x5C { return nil }; e += 1 }
            guard e < n else { return nil }
            let len = e - k - 1
            let isKey = e + 1 < n && b[e + 1] == 0x3A // :
            if isKey && len == 2 && b[k + 1] == 0x6D && b[k + 2] == 0x73 { // ms
                if msSeen { return nil }
                msSeen = true
                var v = e + 2
                if v + 3 < n && b[v] == 0x6E && b[v + 1] == 0x75 && b[v + 2] == 0x6C && b[v + 3] == 0x6C { k = v + 4; continue } // null
                var x = 0, digits = 0
                while v < n, b[v] >= 0x30, b[v] <= 0x39 {
                    x = x &* 10 &+ Int(b[v] - 0x30); digits += 1; v += 1
                    if digits > 15 { return nil }
                }
                guard digits > 0, !(digits > 1 && b[e + 2] == 0x30), v < n, b[v] == 0x2C || b[v] == 0x7D else { return nil } // , }
                ms = x
                k = v
                continue
            }
            if isKey && len == 4 && b[k + 1] == 0x6D && b[k + 2] == 0x6F && b[k + 3] == 0x64 && b[k + 4] == 0x65 { // mode
                if modeSeen { return nil }
                modeSeen = true
                let v = e + 2
                guard v < n else { return nil }
                if b[v] == 0x6E { k = v; continue } // null (skipped byte by byte)
                guard b[v] == 0x22 else { return nil }
                var ve = v + 1
                while ve < n && b[ve] != 0x22 { ve += 1 }
                guard ve < n else { return nil }
                switch ve - v - 1 {
                case 6 where b[v + 1] == 0x72: mode = .review   // review
                case 8 where b[v + 1] == 0x70: mode = .practice // practice
                default: return nil
                }
                k = ve + 1
                continue
            }
            k = e + 1
        }
        return (ms ?? 0, mode ?? .review)
    }

    // MARK: Cache

    static let cacheMagic: [UInt8] = Array("PDSTATS1".utf8)
    /// Bump when the stored fields or their meaning change (a change of scheduler rules included).
    /// 2: the checksum is `FastHash.chunked` (so that reading can release pages as it goes).
    static let cacheVersion: UInt64 = 2

    /// A hash of what decides the replayed states (`inReview`): the scheduler settings.
    public static func settingsKey(_ s: Settings) -> UInt64 { s.schedulingHash(seed: 0x57A7_5CAC) }

    /// What a cache file says about the log it was read from.
    public struct CacheKey: Sendable, Equatable {
        /// `settingsKey` of the settings.
        public var settings: UInt64
        /// Bytes of `reviews.jsonl` read (ending just after a newline).
        public var coveredLength: Int
        /// A fingerprint of those bytes (chosen by the caller).
        public var fingerprint: UInt64
        public init(settings: UInt64, coveredLength: Int, fingerprint: UInt64) {
            self.settings = settings; self.coveredLength = coveredLength; self.fingerprint = fingerprint
        }
    }

    /// The bytes of a cache file: a header, the key, the events, a checksum.
    public func encodeCache(key: CacheKey) -> [UInt8] {
        let g = grouped()
        if g.cards.count != cards.count { return g.encodeCache(key: key) }
        var out: [UInt8] = []
        let nameBytes = cards.reduce(0) { $0 + 4 + $1.utf8.count }
        out.reserveCapacity(128 + nameBytes + cards.count * 8 + events.count * 25 + undone.count * 8)
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        out += StatsEvents.cacheMagic
        u64(StatsEvents.cacheVersion)
        u64(key.settings); u64(UInt64(key.coveredLength)); u64(key.fingerprint)
        u64(UInt64(cards.count)); u64(UInt64(events.count)); u64(UInt64(undone.count)); u64(UInt64(nameBytes))
        for name in cards {
            withUnsafeBytes(of: UInt32(name.utf8.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: name.utf8)
        }
        while out.count % 8 != 0 { out.append(0) }
        for s in starts { u64(UInt64(s)) }
        let fixed = out.count
        out.append(contentsOf: repeatElement(0, count: events.count * 25 + undone.count * 8))
        out.withUnsafeMutableBytes { raw in
            var p = fixed
            for e in events { raw.storeBytes(of: e.at.timeIntervalSince1970.bitPattern.littleEndian, toByteOffset: p, as: UInt64.self); p += 8 }
            for e in events { raw.storeBytes(of: UInt64(bitPattern: Int64(e.ms)).littleEndian, toByteOffset: p, as: UInt64.self); p += 8 }
            for h in ids { raw.storeBytes(of: h.littleEndian, toByteOffset: p, as: UInt64.self); p += 8 }
            for e in events {
                raw[p] = UInt8(e.rating.rawValue) | (e.mode == .practice ? 8 : 0) | (e.inReview ? 16 : 0)
                p += 1
            }
            for h in undone { raw.storeBytes(of: h.littleEndian, toByteOffset: p, as: UInt64.self); p += 8 }
        }
        u64(out.withUnsafeBytes { FastHash.chunked($0) })
        return out
    }

    /// Reads a cache file's bytes: the events and their key, or nil when the bytes are not a whole, intact cache.
    /// `release`, if given, is told of byte ranges that will not be read again (or not until they are read
    /// once more in order): a caller that mapped the file can let the kernel drop those pages, so that the
    /// mapping never holds the whole file at once.
    public static func decodeCache(_ b: UnsafeRawBufferPointer, release: ((Range<Int>) -> Void)? = nil) -> (key: CacheKey, events: StatsEvents)? {
        let n = b.count
        guard n >= 88 else { return nil }
        guard Array(b[0..<8]) == cacheMagic else { return nil }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        guard u64(8) == cacheVersion else { return nil }
        guard u64(n - 8) == FastHash.chunked(UnsafeRawBufferPointer(rebasing: b[0..<(n - 8)]), done: release) else { return nil }
        let key = CacheKey(settings: u64(16), coveredLength: Int(truncatingIfNeeded: u64(24)), fingerprint: u64(32))
        let cardCount = Int(truncatingIfNeeded: u64(40)), eventCount = Int(truncatingIfNeeded: u64(48))
        let undoneCount = Int(truncatingIfNeeded: u64(56)), nameBytes = Int(truncatingIfNeeded: u64(64))
        guard cardCount >= 0, eventCount >= 0, undoneCount >= 0, nameBytes >= 0,
              cardCount < 1 << 32, eventCount < 1 << 40, undoneCount < 1 << 40, nameBytes < 1 << 40 else { return nil }
        var p = 72
        let namesEnd = (p + nameBytes + 7) / 8 * 8
        let startsEnd = namesEnd + (cardCount + 1) * 8
        let total = startsEnd + eventCount * 25 + undoneCount * 8
        guard total + 8 == n else { return nil }
        // Room for the ratings that `merge(tail:)` will append, so that appending copies nothing.
        let room = max(4096, eventCount / 32), cardRoom = max(1024, cardCount / 8)
        var s = StatsEvents()
        s.cards.reserveCapacity(cardCount + cardRoom)
        for _ in 0..<cardCount {
            guard p + 4 <= namesEnd else { return nil }
            let len = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
            p += 4
            guard p + len <= namesEnd else { return nil }
            s.cards.append(String(decoding: UnsafeRawBufferPointer(rebasing: b[p..<(p + len)]), as: UTF8.self))
            p += len
        }
        p = namesEnd
        s.starts = []
        s.starts.reserveCapacity(cardCount + 1 + cardRoom)
        for k in 0...cardCount { s.starts.append(Int(truncatingIfNeeded: u64(p + k * 8))) }
        guard s.starts.first == 0, s.starts.last == eventCount, zip(s.starts, s.starts.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
        p = startsEnd
        let atBase = p, msBase = p + eventCount * 8, idBase = p + eventCount * 16, flagBase = p + eventCount * 24
        var bad = false
        s.events = [StatsEvent](unsafeUninitializedCapacity: eventCount + room) { out, initialized in
            let block = 1 << 16
            for k in 0..<eventCount {
                if let release, k > 0, k % block == 0 { // the times, durations and flags of the events before k
                    release((atBase + (k - block) * 8)..<(atBase + k * 8))
                    release((msBase + (k - block) * 8)..<(msBase + k * 8))
                    release((flagBase + k - block)..<(flagBase + k))
                }
                let flags = b[flagBase + k]
                let rating = Rating(rawValue: Int(flags & 7)) ?? .good
                if Rating(rawValue: Int(flags & 7)) == nil { bad = true }
                out.baseAddress!.advanced(by: k).initialize(to: StatsEvent(
                    at: Date(timeIntervalSince1970: Double(bitPattern: u64(atBase + k * 8))),
                    ms: Int(Int64(bitPattern: u64(msBase + k * 8))), rating: rating,
                    mode: flags & 8 != 0 ? .practice : .review, inReview: flags & 16 != 0))
            }
            initialized = eventCount
        }
        guard !bad else { return nil }
        s.ids = [UInt64](unsafeUninitializedCapacity: eventCount + room) { out, initialized in
            for k in 0..<eventCount { out[k] = u64(idBase + k * 8) }
            initialized = eventCount
        }
        let undoneBase = flagBase + eventCount
        s.undone = (0..<undoneCount).map { u64(undoneBase + $0 * 8) }
        return (key, s)
    }
}

/// What the Stats figures read from the ratings, summed: per study day the ratings, and the ones given to
/// cards in the review state with how many of those were not Again; in total the ratings and the time
/// spent by mode (each rating capped at `StatsReport.maxMsPerRating`). Days are kept sparse (sorted), so a
/// rating dated in year 1 or 9999 costs one entry.
public struct StatsTally: Sendable, Equatable {
    /// Seconds added to an instant before it is divided into days (`StudyCalendar`: the UTC offset less the
    /// rollover hour); a tally only serves a calendar with the same shift.
    public var shift: Int
    /// Cards with at least one rating.
    public var cards = 0
    public var total = 0, reviewMs = 0, practiceMs = 0
    public var days: [Int] = []
    public var count: [Int] = [], rated: [Int] = [], kept: [Int] = []

    public static func shift(_ calendar: StudyCalendar) -> Int { calendar.utcOffsetSeconds - calendar.rolloverHour * 3600 }

    public init(shift: Int) { self.shift = shift }

    /// The tally of the cards of `events` that `include` accepts.
    public init(_ events: StatsEvents, calendar: StudyCalendar, include: (String) -> Bool = { _ in true }) {
        shift = StatsTally.shift(calendar)
        let offset = Double(shift)
        var perDay: [Int: (count: Int, rated: Int, kept: Int)] = [:]
        var last = Int.min, lastValue = (count: 0, rated: 0, kept: 0)
        func flush() { if last != .min { perDay[last] = lastValue } }
        events.events.withUnsafeBufferPointer { ev in
            for c in 0..<events.cards.count {
                let lo = events.starts[c], hi = events.starts[c + 1]
                guard lo < hi, !events.cards[c].isEmpty, include(events.cards[c]) else { continue }
                cards += 1
                total += hi - lo
                for k in lo..<hi {
                    let e = ev[k]
                    // Time spent counts up to an hour a rating (longer is a card left open), so the totals can
                    // never overflow (issue 17, case 9): 10^7 ratings × 3.6·10^6 ms ≪ Int.max.
                    let ms = min(max(e.ms, 0), StatsReport.maxMsPerRating)
                    if e.mode == .review { reviewMs += ms } else { practiceMs += ms }
                    let d = Int(((e.at.timeIntervalSince1970 + offset) / 86400).rounded(.down))
                    if d != last { // a card's ratings run in time order: mostly the same day as the last one
                        flush()
                        last = d
                        lastValue = perDay[d] ?? (0, 0, 0)
                    }
                    lastValue.count += 1
                    if e.inReview {
                        lastValue.rated += 1
                        if e.rating != .again { lastValue.kept += 1 }
                    }
                }
            }
        }
        flush()
        days = perDay.keys.sorted()
        count = days.map { perDay[$0]!.count }
        rated = days.map { perDay[$0]!.rated }
        kept = days.map { perDay[$0]!.kept }
    }

    /// Dense per-day figures for the days `first...last`.
    public func window(from first: Int, through last: Int) -> (count: [Int], rated: [Int], kept: [Int]) {
        let n = max(0, last - first + 1)
        var out = (count: [Int](repeating: 0, count: n), rated: [Int](repeating: 0, count: n), kept: [Int](repeating: 0, count: n))
        var lo = 0, hi = days.count // the first day ≥ first
        while lo < hi { let mid = (lo + hi) / 2; if days[mid] < first { lo = mid + 1 } else { hi = mid } }
        var k = lo
        while k < days.count && days[k] <= last {
            let i = days[k] - first
            out.count[i] = count[k]; out.rated[i] = rated[k]; out.kept[i] = kept[k]
            k += 1
        }
        return out
    }

    /// Bytes for a cache file (little-endian words; no checksum: the caller's file has its own).
    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(56 + days.count * 32)
        func u64(_ v: Int) { withUnsafeBytes(of: UInt64(bitPattern: Int64(v)).littleEndian) { out.append(contentsOf: $0) } }
        for v in [shift, cards, total, reviewMs, practiceMs, days.count] { u64(v) }
        for column in [days, count, rated, kept] { for v in column { u64(v) } }
        return out
    }

    /// Reads `encode()`'s bytes; nil when they are not a whole tally.
    public static func decode(_ b: UnsafeRawBufferPointer) -> StatsTally? {
        guard b.count >= 48 else { return nil }
        func i64(_ at: Int) -> Int { Int(Int64(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self)))) }
        var t = StatsTally(shift: i64(0))
        t.cards = i64(8); t.total = i64(16); t.reviewMs = i64(24); t.practiceMs = i64(32)
        let n = i64(40)
        guard n >= 0, n < 1 << 24, b.count == 48 + n * 32, t.cards >= 0, t.total >= 0, t.reviewMs >= 0, t.practiceMs >= 0 else { return nil }
        func column(_ k: Int) -> [Int] { (0..<n).map { i64(48 + (k * n + $0) * 8) } }
        t.days = column(0); t.count = column(1); t.rated = column(2); t.kept = column(3)
        guard zip(t.days, t.days.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        return t
    }
}

/// Where the Stats figures come from: every effective rating, or a tally of them that stands for the
/// catalogue's (made from the whole log while every card with a rating was in the catalogue).
public enum StatsInput: Sendable {
    case events(StatsEvents)
    case tally(StatsTally)

    /// The number of cards with a rating when all of them are in the catalogue (`schedules`: the catalogue
    /// joined to `progress`), else nil: only then can a tally of the whole log stand for the catalogue's.
    public static func knownCards(schedules: [CardSchedule?], progress: StudyProgress) -> Int? {
        let matched = schedules.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        let reviewed = progress.reviewedCount
        return matched == reviewed ? reviewed : nil
    }
}

/// The figures of the Stats screen (`prepdeck stats --json` prints `toJSON()`).
///
/// Days are study days (`StudyCalendar`: they roll over at 04:00 local time). Only cards of the catalogue
/// count. Every rating counts (review and practice mode alike) except in the totals, which are split by mode.
public struct StatsReport: Sendable, Equatable {
    /// One day of the heat map.
    public struct Day: Sendable, Equatable {
        /// The study day as `YYYY-MM-DD` (the local date on which it starts).
        public var date: String
        /// The study day number (`StudyCalendar.day(of:)`).
        public var day: Int
        /// Ratings given that day.
        public var count: Int
        public init(date: String, day: Int, count: Int) { self.date = date; self.day = day; self.count = count }
    }

    /// One topic's mastery.
    public struct Topic: Sendable, Equatable {
        public var topic: String
        /// Cards of the catalogue carrying the topic.
        public var cards: Int
        /// Of those, cards in the review state.
        public var learned: Int
        /// Mean retrievability now over all the topic's cards (new cards count 0), in [0, 1].
        public var mastery: Double
        public init(topic: String, cards: Int, learned: Int, mastery: Double) {
            self.topic = topic; self.cards = cards; self.learned = learned; self.mastery = mastery
        }
    }

    public static let forecastDays = 30
    public static let heatmapDays = 182
    public static let retentionDays = 30

    /// The study day of `now`.
    public var today = 0
    /// Cards in the catalogue.
    public var cards = 0
    /// Effective ratings of catalogue cards, ever.
    public var totalReviews = 0
    /// Learning and review cards due before today's study day ends, overdue ones included.
    public var dueToday = 0
    /// New cards that may still be introduced today: the daily limit left, at most the unseen cards.
    public var newAvailableToday = 0
    /// Cards in the learning or relearning state.
    public var learning = 0
    /// Ratings given today.
    public var reviewsToday = 0
    /// Cards due on each of the next 30 study days, today first (overdue cards counted today).
    public var forecast: [Int] = []
    /// Ratings per study day for the last 182 days, oldest first, ending today.
    public var heatmap: [Day] = []
    /// Of the ratings of the last 30 study days (today included) given to cards in the review state, the
    /// share that were not Again; nil when there were none.
    public var retention30d: Double?
    /// How many ratings `retention30d` is computed from.
    public var retentionRatings = 0
    /// Consecutive study days with at least one rating, up to today (up to yesterday while today has none).
    public var streakDays = 0
    /// Time spent (the sum of the ratings' `ms`), in whole seconds, by mode.
    /// The most time one rating adds to the totals (an hour).
    public static let maxMsPerRating = 3_600_000
    public var totalReviewSeconds = 0
    public var totalPracticeSeconds = 0
    /// Per topic, sorted by topic id.
    public var topics: [Topic] = []

    public init() {}

    /// The report, reading every card's reviews from `progress.history`. With a history source that reads the
    /// whole log (about a second at 1,000,000 reviews): `init(…, events:)` with `StatsEvents(logBytes:…)` is faster.
    public init(catalog: Catalog, progress: StudyProgress, settings: Settings, calendar: StudyCalendar, now: Date) {
        self.init(catalog: catalog, progress: progress, settings: settings, calendar: calendar, now: now,
                  events: StatsEvents(history: progress.history, scheduler: progress.scheduler))
    }

    /// The report from `events`, the effective ratings behind `progress` (cards not in the catalogue are ignored).
    /// `schedules`: each catalogue question's schedule in catalogue order, if the caller has joined them
    /// already (else one look-up a question).
    public init(catalog: Catalog, progress: StudyProgress, settings: Settings, calendar: StudyCalendar, now: Date,
                events: StatsEvents, schedules: [CardSchedule?]? = nil) {
        self.init(catalog: catalog, progress: progress, settings: settings, calendar: calendar, now: now,
                  events: events, tally: nil, schedules: schedules)
    }

    public init(catalog: Catalog, progress: StudyProgress, settings: Settings, calendar: StudyCalendar, now: Date,
                input: StatsInput, schedules: [CardSchedule?]? = nil) {
        switch input {
        case let .events(e): self.init(catalog: catalog, progress: progress, settings: settings, calendar: calendar, now: now, events: e, tally: nil, schedules: schedules)
        case let .tally(t): self.init(catalog: catalog, progress: progress, settings: settings, calendar: calendar, now: now, events: StatsEvents(), tally: t, schedules: schedules)
        }
    }

    /// The report from a tally of the catalogue cards' ratings (`StatsTally`, made with `calendar`), which
    /// `stats-cache.bin` keeps so that a warm `stats` reads no event at all.
    public init(catalog: Catalog, progress: StudyProgress, settings: Settings, calendar: StudyCalendar, now: Date,
                tally: StatsTally, schedules: [CardSchedule?]? = nil) {
        self.init(catalog: catalog, progress: progress, settings: settings, calendar: calendar, now: now,
                  events: StatsEvents(), tally: tally, schedules: schedules)
    }

    private init(catalog: Catalog, progress: StudyProgress, settings: Settings, calendar: StudyCalendar, now: Date,
                 events: StatsEvents, tally: StatsTally?, schedules: [CardSchedule?]?) {
        today = calendar.day(of: now)
        cards = catalog.count
        let joined = schedules.flatMap { $0.count == catalog.count ? $0 : nil }

        // From the schedules, in one pass (one look-up a card): due today and the forecast (exactly
        // `DueQueue.dueToday` and `DueQueue.forecast`), learning and unseen cards, topics.
        var forecast = [Int](repeating: 0, count: StatsReport.forecastDays)
        let endOfToday = calendar.start(ofDay: today + 1)
        var unseen = 0
        // Topics by their interned number in the catalogue's columns (no string is hashed or made a question).
        let columns = catalog.columns
        var topicIndex = [Int](repeating: -1, count: columns.topicNames.count)
        var perTopic: [(topic: String, cards: Int, learned: Int, sum: Double)] = []
        for i in 0..<catalog.count {
            let s = (joined.map { $0[i] } ?? progress.reviewedSchedule(catalog.id(at: i))) ?? CardSchedule()
            switch s.state {
            case .new: unseen += 1
            case .learning, .relearning: learning += 1
            case .review: break
            }
            if s.state != .new, let due = s.due {
                if due < endOfToday { dueToday += 1 }
                let d = max(0, calendar.day(of: due) - today)
                if d < forecast.count { forecast[d] += 1 }
            }
            var r = s.state == .new ? 0 : progress.scheduler.retrievability(s, at: now)
            r = r.isFinite ? min(1, max(0, r)) : 0
            let learned = s.state == .review ? 1 : 0
            let first = Int(columns.topicStarts[i]), end = Int(columns.topicStarts[i + 1])
            let ids = columns.topicIDs
            for k in first..<end {
                let t = Int(ids[k])
                if (first..<k).contains(where: { Int(ids[$0]) == t }) { continue } // a topic listed twice counts once
                var x = topicIndex[t]
                if x < 0 {
                    x = perTopic.count
                    topicIndex[t] = x
                    perTopic.append((columns.topicNames[t], 0, 0, 0))
                }
                perTopic[x].cards += 1
                perTopic[x].learned += learned
                perTopic[x].sum += r
            }
        }
        self.forecast = forecast
        let introduced = DueQueue.newCardsIntroduced(onDay: today, progress: progress, calendar: calendar)
        // As Review has it: with an interview date ahead, the plan's quota when that is higher.
        var limit = settings.newPerDay
        if settings.interviewDate != nil,
           let plan = InterviewPlan(settings: settings, catalog: catalog, schedules: joined ?? catalog.allIDs.map(progress.reviewedSchedule),
                                    calendar: calendar, now: now) {
            limit = max(limit, plan.newQuota(introducedToday: introduced))
        }
        newAvailableToday = min(unseen, max(0, limit - introduced))
        topics = perTopic.sorted { $0.topic < $1.topic }.map { v in
            Topic(topic: v.topic, cards: v.cards, learned: v.learned, mastery: v.cards == 0 ? 0 : min(1, max(0, v.sum / Double(v.cards))))
        }

        fill(from: tally ?? StatsTally(events, calendar: calendar) { catalog.position(of: $0) != nil })
    }

    /// The figures that come from the ratings, from their tally (`tally.shift` must be the calendar's).
    private mutating func fill(from tally: StatsTally) {
        let span = 36_600 // days looked back for the streak (100 years)
        let days = tally.window(from: today - (span - 1), through: today)
        func count(back: Int) -> Int { days.count[span - 1 - back] }
        totalReviews = tally.total
        totalReviewSeconds = tally.reviewMs / 1000
        totalPracticeSeconds = tally.practiceMs / 1000
        reviewsToday = count(back: 0)
        heatmap = (0..<StatsReport.heatmapDays).reversed().map { back in
            Day(date: RFC3339.formatDay(today - back), day: today - back, count: count(back: back))
        }
        let first = count(back: 0) > 0 ? 0 : 1
        var k = first
        while k < span && count(back: k) > 0 { k += 1 }
        streakDays = k - first
        var rated = 0, kept = 0
        for back in 0..<StatsReport.retentionDays { rated += days.rated[span - 1 - back]; kept += days.kept[span - 1 - back] }
        retentionRatings = rated
        retention30d = rated == 0 ? nil : Double(kept) / Double(rated)
    }

    /// Topics, weakest first (lowest mastery; ties: fewer learned, then by id).
    public var weakestTopics: [Topic] {
        topics.sorted { a, b in
            if a.mastery != b.mastery { return a.mastery < b.mastery }
            if a.learned != b.learned { return a.learned < b.learned }
            return a.topic < b.topic
        }
    }

    /// The object of `prepdeck stats --json`.
    public func toJSON() -> JSONNode.Value {
        .obj([
            ("due_today", .int(dueToday)),
            ("new_available_today", .int(newAvailableToday)),
            ("learning", .int(learning)),
            ("reviews_today", .int(reviewsToday)),
            ("forecast", .arr(forecast.map { .int($0) })),
            ("heatmap", .arr(heatmap.map { .obj([("date", .string($0.date)), ("count", .int($0.count))]) })),
            ("retention_30d", .num(retention30d)),
            ("streak_days", .int(streakDays)),
            ("total_review_seconds", .int(totalReviewSeconds)),
            ("total_practice_seconds", .int(totalPracticeSeconds)),
            ("topics", .arr(topics.map {
                .obj([("topic", .string($0.topic)), ("cards", .int($0.cards)), ("learned", .int($0.learned)),
                      ("mastery", .number($0.mastery))])
            })),
            ("cards", .int(cards)),
            ("total_reviews", .int(totalReviews)),
        ])
    }
}
