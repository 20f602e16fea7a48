import Foundation

/// Where the review history comes from when it is not all in memory (a progress loaded from the
/// snapshot, or by the fast replay): the store reads the lines it needs from `reviews.jsonl`.
public protocol ReviewHistorySource: Sendable {
    /// One card's effective reviews, in replay order.
    func reviews(of card: String) -> [ReviewEvent]
    /// Every card's effective reviews (reads the whole log).
    func allReviews() -> [String: [ReviewEvent]]
}

/// Names kept as UTF-8 bytes where they lie (a mapped file), not as `String`s: name `k` is `bytes(k)`, valid
/// while the object lives. A large table of ids costs no allocation until a name is asked for.
public protocol PackedNames: AnyObject, Sendable {
    var count: Int { get }
    func bytes(_ k: Int) -> UnsafeRawBufferPointer
}

/// Cards' schedules and first reviews kept elsewhere (a mapped snapshot's records), each decoded when asked
/// for (valid while the object lives).
public protocol CardRecords: AnyObject, Sendable {
    var count: Int { get }
    func schedule(_ k: Int) -> CardSchedule
    func first(_ k: Int) -> Date?
}

/// Ids and their positions: an open-addressing index on a 64-bit hash of each id (`FastHash` of its UTF-8),
/// whose matches are confirmed by comparing the id itself. Made and searched without hashing a `String`
/// the way `Dictionary` does or growing a table, so 20,000 ids cost a few hundred microseconds. The ids
/// are `String`s or packed bytes (`PackedNames`, compared in place).
public struct IDTable: Sendable {
    /// The ids: `String`s, or bytes in place.
    enum Names: Sendable {
        case strings([String]), packed(any PackedNames)

        var count: Int {
            switch self { case let .strings(n): n.count; case let .packed(p): p.count }
        }
        /// Id `k` (made from its bytes, for packed ids).
        func name(_ k: Int) -> String {
            switch self { case let .strings(n): n[k]; case let .packed(p): String(decoding: p.bytes(k), as: UTF8.self) }
        }
        /// Every id, in order.
        var all: [String] {
            switch self { case let .strings(n): n; case let .packed(p): (0..<p.count).map { String(decoding: p.bytes($0), as: UTF8.self) } }
        }
        /// Calls `visit` with every position and that id's bytes, in order (`IDTable.scan`).
        func forEach(_ visit: (Int, UnsafeRawBufferPointer) -> Void) {
            switch self {
            case let .strings(n): for k in n.indices { n[k].withUTF8Bytes { visit(k, $0) } }
            case let .packed(p): for k in 0..<p.count { visit(k, p.bytes(k)) }
            }
        }
        /// Whether id `k` is these bytes.
        @inline(__always) func matches(_ k: Int, _ u: UnsafeRawBufferPointer) -> Bool {
            func same(_ b: UnsafeRawBufferPointer) -> Bool {
                b.count == u.count && (u.count == 0 || memcmp(b.baseAddress!, u.baseAddress!, u.count) == 0)
            }
            switch self { case let .strings(n): return n[k].withUTF8Bytes(same); case let .packed(p): return same(p.bytes(k)) }
        }
    }
    private let storage: Names
    /// Each slot holds an id's hash and its index + 1 (0: empty), side by side, so a probe touches one
    /// cache line before the id itself is compared.
    private let slots: [(hash: UInt64, index: Int)]

    public init(_ names: [String]) {
        storage = .strings(names)
        slots = names.withUnsafeBufferPointer { ns in IDTable.slots(ns.count) { IDTable.hash(ns[$0]) } }
    }

    /// A table over packed ids: each is hashed where it lies.
    public init(packed names: any PackedNames) {
        storage = .packed(names)
        slots = IDTable.slots(names.count) { FastHash.hash(names.bytes($0)) }
    }

    private static func slots(_ count: Int, hash: (Int) -> UInt64) -> [(hash: UInt64, index: Int)] {
        var size = 16
        while size < count * 2 { size <<= 1 }
        var slots = [(hash: UInt64, index: Int)](repeating: (0, 0), count: size)
        let mask = size - 1
        slots.withUnsafeMutableBufferPointer { s in
            for k in 0..<count {
                let h = hash(k)
                var i = Int(truncatingIfNeeded: h) & mask
                while s[i].index != 0 { i = (i + 1) & mask }
                s[i] = (h, k + 1)
            }
        }
        return slots
    }

    /// Distinct ids looked up by a scan before a table is made (`CardTable.index(of:)`, `Catalog.position(of:)`):
    /// a scan costs about a tenth of making the table.
    static let scansBeforeTable = 8

    /// The first position of each of `wanted` among the names `visitAll` gives (it calls its argument with
    /// every position and that name's bytes, in order), in one pass and without a table: the wanted ids sit
    /// in a small open-addressing table keyed by a cheap key of their first and last 8 bytes and length, so
    /// that each name costs two loads and a probe; bytes are compared only where the key matches.
    public static func scan(_ wanted: [String], _ visitAll: ((Int, UnsafeRawBufferPointer) -> Void) -> Void) -> [Int?] {
        @inline(__always) func key(_ b: UnsafeRawBufferPointer) -> UInt64 {
            var w: UInt64 = 0
            if b.count >= 8 {
                w = b.loadUnaligned(as: UInt64.self) ^ (b.loadUnaligned(fromByteOffset: b.count - 8, as: UInt64.self) &* 0xC2B2_AE3D_27D4_EB4F)
            } else {
                for (i, x) in b.enumerated() { w |= UInt64(x) << (8 * UInt64(i)) }
            }
            return (w ^ UInt64(b.count)) &* 0x9E37_79B9_7F4A_7C15
        }
        let keys = wanted.map { $0.withUTF8Bytes(key) }
        var size = 64
        while size < wanted.count * 4 { size <<= 1 }
        let shift = UInt64(64 - size.trailingZeroBitCount)
        var slots = [Int](repeating: 0, count: size)
        for (j, h) in keys.enumerated() {
            var i = Int(h >> shift)
            while slots[i] != 0 { i = (i + 1) & (size - 1) }
            slots[i] = j + 1
        }
        var out = [Int?](repeating: nil, count: wanted.count)
        visitAll { k, bytes in
            let h = key(bytes)
            var i = Int(h >> shift)
            while slots[i] != 0 {
                let j = slots[i] - 1
                if keys[j] == h, out[j] == nil, wanted[j].withUTF8Bytes({ $0.elementsEqual(bytes) }) { out[j] = k }
                i = (i + 1) & (size - 1)
            }
        }
        return out
    }

    @inline(__always) static func hash(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { FastHash.hash($0) }
    }

    public var count: Int { storage.count }
    /// Id `k` (made from its bytes, for packed ids).
    public func name(_ k: Int) -> String { storage.name(k) }
    /// Every id, in order.
    public var names: [String] { storage.all }

    /// The position of `id` (the first, if it is listed twice), or nil.
    public func index(of id: String) -> Int? {
        guard count > 0 else { return nil }
        var id = id
        return id.withUTF8 { u in
            let h = FastHash.hash(u)
            return slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var i = Int(truncatingIfNeeded: h) & mask
                var found: Int?
                while true {
                    let s = slots[i]
                    if s.index == 0 { return found }
                    if s.hash == h && storage.matches(s.index - 1, UnsafeRawBufferPointer(u)) { found = min(found ?? .max, s.index - 1) }
                    i = (i + 1) & mask
                }
            }
        }
    }

}

/// Ids and how they are looked up by id: the first few distinct ids by a scan of them (`IDTable.scan`, each
/// answer kept), then through an `IDTable` made at the first look-up that needs it. A command that asks for
/// one id (`show`), or a start-up applying a few cards rated since the snapshot, never makes the table (a
/// scan costs about a tenth of it); a loop over many ids makes it at its ninth. Shared by `CardTable` and
/// `Catalog`.
final class IDLookup: @unchecked Sendable {
    let names: IDTable.Names
    private let lock = NSLock()
    private var built: IDTable?
    /// The ids scanned for before the table is made, and what was found.
    private var scanned: [String: Int?] = [:]

    init(_ names: IDTable.Names, table: IDTable? = nil) { self.names = names; built = table }

    /// The table (made at the first call).
    var table: IDTable {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let t: IDTable
        switch names { case let .strings(n): t = IDTable(n); case let .packed(p): t = IDTable(packed: p) }
        built = t
        return t
    }

    /// The position of `id` (the first, if it is listed twice), or nil.
    func index(of id: String) -> Int? {
        if names.count == 0 { return nil }
        lock.lock()
        if let built { lock.unlock(); return built.index(of: id) }
        if let k = scanned[id] { lock.unlock(); return k }
        let scan = scanned.count < IDTable.scansBeforeTable
        lock.unlock()
        guard scan else { return table.index(of: id) }
        let k = IDTable.scan([id], names.forEach)[0]
        lock.lock()
        scanned[id] = .some(k)
        lock.unlock()
        return k
    }

    /// The positions of a few ids at once: through the table if it is made, else in one pass over the ids.
    func indices(of wanted: [String]) -> [Int?] {
        if wanted.isEmpty || names.count == 0 { return wanted.map { _ in nil } }
        lock.lock()
        let made = built
        lock.unlock()
        if let made { return wanted.map(made.index(of:)) }
        return IDTable.scan(wanted, names.forEach)
    }
}

/// Every reviewed card's schedule and first review, as loaded (from the snapshot or a replay): flat
/// arrays, and an `IDTable` on their ids, made at the first look-up by id (a start-up that goes through a
/// kept join never makes it), so loading 20,000 cards costs a few milliseconds.
public struct CardTable: Sendable {
    private let lookup: IDLookup
    /// What identifies these cards and their order (the snapshot's checksum), so that a join with a catalogue
    /// can be kept (`join.bin`); nil when not known.
    public var identity: UInt64?

    /// The schedules and first reviews: held, or decoded from their records when asked for (kept apart,
    /// not in an enum, so that reading one copies no existential: `schedule(_:)` runs once a card).
    private let heldSchedules: [CardSchedule], heldFirsts: [Date?]
    let records: (any CardRecords)?

    public init(names: [String], schedules: [CardSchedule], firsts: [Date?]) {
        precondition(names.count == schedules.count && names.count == firsts.count)
        lookup = IDLookup(.strings(names)); heldSchedules = schedules; heldFirsts = firsts; records = nil
    }

    /// A table whose ids are read in place (`PackedNames`).
    public init(packed names: any PackedNames, schedules: [CardSchedule], firsts: [Date?]) {
        precondition(names.count == schedules.count && names.count == firsts.count)
        lookup = IDLookup(.packed(names)); heldSchedules = schedules; heldFirsts = firsts; records = nil
    }

    /// A table whose ids and values are both read in place (a mapped snapshot): loading it makes no array
    /// of its cards.
    public init(packed names: any PackedNames, records: any CardRecords) {
        precondition(names.count == records.count)
        lookup = IDLookup(.packed(names)); heldSchedules = []; heldFirsts = []; self.records = records
    }

    public static let empty = CardTable(names: [], schedules: [], firsts: [])
    public var count: Int { records?.count ?? heldSchedules.count }
    /// Card `k`'s schedule and first review.
    @inline(__always) public func schedule(_ k: Int) -> CardSchedule {
        if let records { return records.schedule(k) }
        return heldSchedules[k]
    }
    @inline(__always) public func first(_ k: Int) -> Date? {
        if let records { return records.first(k) }
        return heldFirsts[k]
    }
    /// Every schedule and first review, in order (decoded, for records: prefer `schedule(_:)`).
    public var schedules: [CardSchedule] { records.map { r in (0..<r.count).map(r.schedule) } ?? heldSchedules }
    public var firsts: [Date?] { records.map { r in (0..<r.count).map(r.first) } ?? heldFirsts }
    /// The held schedules (nil: they are read from records).
    var held: [CardSchedule]? { records == nil ? heldSchedules : nil }
    /// Every id, in order (made from the bytes, for packed ids: prefer `name(_:)` or `index(of:)`).
    public var names: [String] { lookup.names.all }
    public func name(_ k: Int) -> String { lookup.names.name(k) }
    /// The id table (made at the first call); a loop over many ids asks for it once.
    public var ids: IDTable { lookup.table }
    /// The position of `id` (`IDLookup`: a scan for the first few distinct ids, then the table).
    public func index(of id: String) -> Int? { lookup.index(of: id) }
    /// The positions of a few ids (nil: not in the table; the first, if one is listed twice). Before the id table
    /// is made, one pass over the ids' bytes instead of making it (a kept join's sample check at start-up).
    public func indices(of wanted: [String]) -> [Int?] { lookup.indices(of: wanted) }
}

/// Every card's schedule and history, computed from the effective reviews and the settings.
///
/// Built from log entries (`init(entries:settings:)`) the whole history is in memory. Built from replayed or
/// snapshot schedules (`init(settings:table:source:)`) the history is read on demand from its source:
/// `reviews(_:)` reads one card's lines, `history` reads the whole log (stats only). The schedules are the
/// loaded table plus the cards changed since (ratings, undos, lines appended after the snapshot).
public struct StudyProgress: Sendable {
    public var settings: Settings
    private var base: CardTable
    /// Cards whose schedule changed after `base` was made (nil: the card has no effective review any more).
    private var changed: [String: CardSchedule?] = [:]
    private var changedFirsts: [String: Date?] = [:]
    public let scheduler: any Scheduler
    private var storedHistory: [String: [ReviewEvent]] = [:]
    private var source: (any ReviewHistorySource)?
    /// With a source: reviews applied in memory since loading, and ids undone since.
    private var appended: [String: [ReviewEvent]] = [:]
    private var undone: Set<String> = []

    /// `entries` in log order; undo lines and duplicates are resolved here (the rules of `effectiveReviews`).
    public init(entries: [LogEntry], settings: Settings) {
        self.settings = settings
        scheduler = makeScheduler(settings)
        var undoneIDs = Set<String>()
        for case let .undo(u) in entries { undoneIDs.insert(u.undo) }
        var seen = Set<String>()
        seen.reserveCapacity(entries.count)
        var byCard: [String: [ReviewEvent]] = [:]
        for case let .review(r) in entries where !undoneIDs.contains(r.id) {
            if seen.insert(r.id).inserted { byCard[r.card, default: []].append(r) }
        }
        var names: [String] = [], schedules: [CardSchedule] = [], firsts: [Date?] = []
        for (card, events) in byCard {
            var ordered = events
            if zip(events, events.dropFirst()).contains(where: { $1.at < $0.at }) {
                ordered = events.enumerated().sorted { a, b in
                    a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
                }.map(\.element)
            }
            storedHistory[card] = ordered
            names.append(card)
            schedules.append(scheduler.replay(ordered, cardID: card))
            firsts.append(ordered.first?.at)
        }
        base = CardTable(names: names, schedules: schedules, firsts: firsts)
    }

    /// A progress whose schedules were computed elsewhere (the snapshot, the fast replay); the history is
    /// read from `source` when asked for (none: no history).
    public init(settings: Settings, schedules: [String: CardSchedule], firstReviews: [String: Date],
                source: (any ReviewHistorySource)?) {
        let names = Array(schedules.keys)
        self.init(settings: settings, table: CardTable(names: names, schedules: names.map { schedules[$0]! },
                                                       firsts: names.map { firstReviews[$0] }), source: source)
    }

    /// A progress from a table of loaded cards, with `overrides` (cards changed since the table was made:
    /// nil schedule, no effective review left).
    public init(settings: Settings, table: CardTable, overrides: [String: (schedule: CardSchedule?, first: Date?)] = [:],
                source: (any ReviewHistorySource)?) {
        self.settings = settings
        scheduler = makeScheduler(settings)
        base = table
        for (card, o) in overrides { changed[card] = .some(o.schedule); changedFirsts[card] = .some(o.first) }
        self.source = source
    }

    /// The card's schedule if it has an effective review (nil: a new card).
    public func reviewedSchedule(_ card: String) -> CardSchedule? {
        if !changed.isEmpty, let c = changed[card] { return c }
        return base.index(of: card).map(base.schedule)
    }

    /// The loaded table's identity (`CardTable.identity`).
    public var baseIdentity: UInt64? { base.identity }
    /// The number of cards in the loaded table, the id of one, and where an id is in it (for checking a kept join).
    public var baseCount: Int { base.count }
    public func baseName(_ j: Int) -> String { base.name(j) }
    public func baseSchedule(_ j: Int) -> CardSchedule { base.schedule(j) }
    public func baseIndex(of id: String) -> Int? { base.index(of: id) }
    /// `baseIndex(of:)` for a few ids at once (without making the table's id index: `CardTable.indices(of:)`).
    public func baseIndices(of ids: [String]) -> [Int?] { base.indices(of: ids) }

    /// For each of `ids`: its index in the loaded table, or -1 (a join that depends only on the ids and the
    /// table, and so can be kept while both are the same).
    public func baseJoin(_ ids: some Sequence<String>) -> [Int32] {
        guard base.count > 0 else { return ids.map { _ in -1 } }
        let table = base.ids
        return ids.map { table.index(of: $0).map { Int32($0) } ?? -1 }
    }

    /// The schedule of each of the ids `join` was made from (`baseJoin`), as `reviewedSchedule` gives it: the
    /// loaded table's through the join, then the cards changed since. `position` finds the place of a
    /// changed card that is not in the table (it is asked only then).
    public func schedules(join: [Int32], position: (String) -> Int?) -> [CardSchedule?] {
        var out = baseSchedules(join: join)
        applyChanges(to: &out, join: join, position: position)
        return out
    }

    /// The loaded table's schedule of each of the ids `join` was made from (nil: no card), before the cards
    /// changed since are applied: what `join.bin` keeps beside the join.
    public func baseSchedules(join: [Int32]) -> [CardSchedule?] {
        // Each element written once (not cleared first and then filled: 5 MB at 100,000 questions).
        [CardSchedule?](unsafeUninitializedCapacity: join.count) { o, made in
            join.withUnsafeBufferPointer { js in
                if let r = base.records {
                    for k in 0..<js.count { let j = Int(js[k]); (o.baseAddress! + k).initialize(to: j >= 0 ? r.schedule(j) : nil) }
                } else {
                    (base.held ?? []).withUnsafeBufferPointer { bs in
                        for k in 0..<js.count { let j = Int(js[k]); (o.baseAddress! + k).initialize(to: j >= 0 ? bs[j] : nil) }
                    }
                }
            }
            made = join.count
        }
    }

    /// The cards changed since the table was loaded, applied over `baseSchedules(join:)` (made now, or kept in
    /// `join.bin`), in place: what `schedules(join:position:)` gives.
    public func applyChanges(to out: inout [CardSchedule?], join: [Int32], position: (String) -> Int?) {
        applyChanges(join: join, count: out.count, position: position) { out[$0] = $1 }
    }

    /// `applyChanges(to:join:position:)` for any storage of the `count` schedules: `set(k, s)` for each
    /// changed card at catalogue position k.
    public func applyChanges(join: [Int32], count: Int, position: (String) -> Int?, set: (Int, CardSchedule?) -> Void) {
        guard !changed.isEmpty else { return }
        var inverse: [Int32]?
        for (card, s) in changed {
            var at: Int?
            if let j = base.index(of: card) {
                if inverse == nil {
                    var inv = [Int32](repeating: -1, count: base.count)
                    for (k, j) in join.enumerated() where j >= 0 { inv[Int(j)] = Int32(k) }
                    inverse = inv
                }
                let k = inverse![j]
                at = k >= 0 ? Int(k) : nil
            } else {
                at = position(card)
            }
            if let at, at < count { set(at, s) }
        }
    }

    /// The number of cards with an effective review.
    public var reviewedCount: Int {
        if changed.isEmpty { return base.count }
        var n = base.count
        for (card, s) in changed {
            let inBase = base.index(of: card) != nil
            if s != nil && !inBase { n += 1 } else if s == nil && inBase { n -= 1 }
        }
        return n
    }

    /// Calls `body` with every reviewed card and its schedule (in no particular order).
    public func forEachSchedule(_ body: (String, CardSchedule) -> Void) {
        let names = base.names
        for k in 0..<base.count where changed[names[k]] == nil { body(names[k], base.schedule(k)) }
        for (card, s) in changed { if let s { body(card, s) } }
    }

    /// Every reviewed card's schedule (a dictionary made on each call: prefer `reviewedSchedule(_:)`).
    public var schedules: [String: CardSchedule] {
        var out = [String: CardSchedule](minimumCapacity: base.count + changed.count)
        forEachSchedule { out[$0] = $1 }
        return out
    }

    /// When each card was first reviewed (its first effective review): the daily new-card count. A dictionary
    /// made on each call: prefer `firstReview(_:)` or `forEachFirstReview`.
    public var firstReviews: [String: Date] {
        var out: [String: Date] = [:]
        forEachFirstReview { out[$0] = $1 }
        return out
    }

    /// Calls `body` with every reviewed card's first effective review date (not its id: no id is made).
    public func forEachFirstReviewDate(_ body: (Date) -> Void) {
        // The loaded cards changed since are skipped by position, found in one pass over the ids.
        var skip = Set<Int>()
        if !changedFirsts.isEmpty { for j in base.indices(of: Array(changedFirsts.keys)) { if let j { skip.insert(j) } } }
        for k in 0..<base.count where skip.isEmpty || !skip.contains(k) { if let f = base.first(k) { body(f) } }
        for (_, f) in changedFirsts { if let f { body(f) } }
    }

    /// Calls `body` with every reviewed card's first effective review.
    public func forEachFirstReview(_ body: (String, Date) -> Void) {
        let names = base.names
        for k in 0..<base.count where changedFirsts[names[k]] == nil { if let f = base.first(k) { body(names[k], f) } }
        for (card, f) in changedFirsts { if let f { body(card, f) } }
    }

    /// Every card's effective reviews in replay order. With a history source the first call reads the whole
    /// log (about a second for 1,000,000 reviews; the source keeps the result): use `reviews(_:)` for one card.
    public var history: [String: [ReviewEvent]] {
        guard let source else { return storedHistory }
        var all = source.allReviews()
        for (card, events) in appended { all[card, default: []] += events }
        if !undone.isEmpty {
            for (card, events) in all where events.contains(where: { undone.contains($0.id) }) {
                let kept = events.filter { !undone.contains($0.id) }
                all[card] = kept.isEmpty ? nil : kept
            }
        }
        return all
    }

    /// Whether the whole history is in memory (else `history` reads the log).
    public var historyIsLoaded: Bool { source == nil }

    public func schedule(_ card: String) -> CardSchedule { reviewedSchedule(card) ?? CardSchedule() }

    public func reviews(_ card: String) -> [ReviewEvent] {
        guard let source else { return storedHistory[card] ?? [] }
        var events = source.reviews(of: card) + (appended[card] ?? [])
        if !undone.isEmpty { events.removeAll { undone.contains($0.id) } }
        return events
    }

    /// When the card was first reviewed (nil: never).
    public func firstReview(_ card: String) -> Date? {
        if !changedFirsts.isEmpty, let c = changedFirsts[card] { return c }
        return base.index(of: card).flatMap(base.first)
    }

    public func info(_ card: String, now: Date) -> CardInfo {
        let s = schedule(card)
        return CardInfo(schedule: s, practiced: s.reps, retrievability: scheduler.retrievability(s, at: now))
    }

    /// Records a new rating (already logged) in memory.
    public mutating func apply(_ r: ReviewEvent) {
        if source == nil { storedHistory[r.card, default: []].append(r) } else { appended[r.card, default: []].append(r) }
        changed[r.card] = .some(scheduler.review(schedule(r.card), cardID: r.card, rating: r.rating, at: r.at))
        if firstReview(r.card) == nil { changedFirsts[r.card] = .some(r.at) }
    }

    /// Records an undo (already logged) in memory: the rating with id `target` no longer counts, and
    /// `card`, the card it rated, is replayed without it.
    public mutating func undo(_ target: String, card: String) {
        if source == nil {
            storedHistory[card]?.removeAll { $0.id == target }
            if storedHistory[card]?.isEmpty == true { storedHistory[card] = nil }
        } else {
            undone.insert(target)
        }
        let events = reviews(card)
        changed[card] = .some(events.isEmpty ? nil : scheduler.replay(events, cardID: card))
        changedFirsts[card] = .some(events.first?.at)
    }
}

extension CardSchedule {
    /// The `schedule` object of `list --json` (docs/data-format.md).
    public var json: JSONNode.Value {
        var tree = JSONTree()
        write(into: &tree)
        return tree.root
    }

    /// The `schedule` object of `list --json` and `show --json`.
    public func write<Out: JSONOutput>(into out: inout Out) {
        out.beginObject()
        out.key("state"); out.string(state.rawValue)
        out.key("due"); out.time(due)
        out.key("stability"); out.number(stability)
        out.key("difficulty"); out.number(difficulty)
        out.key("step"); out.int(step)
        out.key("reps"); out.int(reps)
        out.key("lapses"); out.int(lapses)
        out.key("last_review"); out.time(lastReview)
        out.endObject()
    }
}

extension Question {
    /// The summary object of `list --json`.
    public func listJSON(schedule: CardSchedule, status: CardStatus) -> JSONNode.Value {
        var tree = JSONTree()
        writeListJSON(into: &tree, schedule: schedule, status: status)
        return tree.root
    }

    /// The same into bytes: a concrete entry point, so that the stream's calls are specialised and inlined in
    /// this module (a caller in another module would otherwise reach each `key` and `string` through the
    /// protocol's witness table: a fifth of `list --json`'s time).
    public func writeListJSON(into out: inout JSONBytes, schedule: CardSchedule, status: CardStatus) {
        writeListJSON(into: &out, schedule: schedule, status: status, generic: ())
    }

    public func writeListJSON<Out: JSONOutput>(into out: inout Out, schedule: CardSchedule, status: CardStatus) {
        writeListJSON(into: &out, schedule: schedule, status: status, generic: ())
    }

    private func writeListJSON<Out: JSONOutput>(into out: inout Out, schedule: CardSchedule, status: CardStatus, generic: ()) {
        out.beginObject()
        out.key("id"); out.string(id)
        out.key("title"); out.string(title)
        out.key("difficulty"); out.string(difficulty.rawValue)
        out.key("kind"); out.string(kind.rawValue)
        out.key("topics"); out.beginArray(); for t in topics { out.string(t) }; out.endArray()
        out.key("status"); out.string(status.rawValue)
        out.key("schedule"); schedule.write(into: &out)
        out.endObject()
    }
}

extension Catalog {
    /// `prepdeck list`'s lines for `positions`, in order: id, difficulty, kind, status and title (made safe for a
    /// terminal, `terminalSafe`), tab-separated, one line each. `flush` is called whenever `out` holds 64 KiB.
    /// Each line is three pieces written with one reservation: the id and the title from where they lie, and
    /// "\tDIFFICULTY\tKIND\tSTATUS\t" from a table made once for the 60 combinations.
    public func writeListLines(_ positions: [Int], statuses: [CardStatus], into out: inout ByteBuffer,
                               flush: (inout ByteBuffer) throws -> Void) rethrows {
        var middle: [UInt8] = [], starts = [0]
        for d in Difficulty.allCases { for k in Kind.allCases { for st in CardStatus.allCases {
            middle += Array("\t\(d.rawValue)\t\(k.rawValue)\t\(st.rawValue)\t".utf8)
            starts.append(middle.count)
        } } }
        let kinds = Kind.allCases.count, states = CardStatus.allCases.count
        let difficulty = columns.difficulty, kind = columns.kind
        try middle.withUnsafeBytes { mid in
            try forEachIDAndTitle(positions) { i, id, title in
                let n = (Int(difficulty[i]) * kinds + Int(kind[i])) * states + statuses[i].index
                let m = UnsafeRawBufferPointer(rebasing: mid[starts[n]..<starts[n + 1]])
                if isTerminalSafe(title) { out.appendLine(id, m, title) } else {
                    var safe = terminalSafe(String(decoding: title, as: UTF8.self))
                    safe.withUTF8 { out.appendLine(id, m, UnsafeRawBufferPointer($0)) }
                }
                if out.count >= 64 << 10 { try flush(&out) }
            }
        }
    }

    /// The JSON `Question.writeListJSON` writes for the question at position `k`, without making the question:
    /// its id and title bytes as `forEachIDAndTitle` gives them, its facets read from the columns.
    public func writeListJSON(at k: Int, id: UnsafeRawBufferPointer, title: UnsafeRawBufferPointer, into out: inout JSONBytes,
                              schedule: CardSchedule, status: CardStatus) {
        out.beginObject()
        out.key("id"); out.string(utf8: id)
        out.key("title"); out.string(utf8: title)
        out.key("difficulty"); out.string(difficulty(at: k).rawValue)
        out.key("kind"); out.string(kind(at: k).rawValue)
        out.key("topics"); out.beginArray()
        for j in Int(columns.topicStarts[k])..<Int(columns.topicStarts[k + 1]) { out.string(columns.topicNames[Int(columns.topicIDs[j])]) }
        out.endArray()
        out.key("status"); out.string(status.rawValue)
        out.key("schedule"); schedule.write(into: &out)
        out.endObject()
    }
}
