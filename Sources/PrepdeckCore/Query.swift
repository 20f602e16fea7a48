import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a card stands for the user: new (never rated), learning (in steps, not due yet),
/// due (due now), learned (in review, not due).
public enum CardStatus: String, Sendable, CaseIterable {
    case new, learning, due, learned

    /// The position in `allCases`.
    var index: Int {
        switch self { case .new: 0; case .learning: 1; case .due: 2; case .learned: 3 }
    }

    public init(_ s: CardSchedule, now: Date) {
        self.init(state: s.state, due: s.due?.timeIntervalSinceReferenceDate, now: now.timeIntervalSinceReferenceDate)
    }

    /// The status of a schedule in `state`, due at `due` (nil: no due date), at `now` (both in seconds since
    /// the reference date): for a schedule read from a cache's bytes without making it.
    @inlinable public init(state: CardState, due: Double?, now: Double) {
        if state == .new { self = .new }
        else if let due, due <= now { self = .due } // CardSchedule.isDue
        else if state == .review { self = .learned }
        else { self = .learning }
    }
}

/// Case- and accent-insensitive folding for search: "Éclair" and "eclair" match.
///
/// ASCII text is folded here (A–Z become a–z, which is all that Foundation's folding does to ASCII);
/// text with any other character goes to Foundation (FastQueryTests compares the two).
public func searchFold(_ s: String) -> String {
    var folded: [UInt8] = []
    if appendASCIIFold(s, into: &folded) { return String(decoding: folded, as: UTF8.self) }
    return s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
}

/// Appends the folded UTF-8 of `s` when it is all ASCII (true); else appends nothing (false).
func appendASCIIFold(_ s: String, into out: inout [UInt8]) -> Bool {
    let done: Bool? = s.utf8.withContiguousStorageIfAvailable { src in
        var any: UInt8 = 0
        for b in src { any |= b }
        guard any < 0x80 else { return false }
        let start = out.count
        out.append(contentsOf: src)
        out.withUnsafeMutableBufferPointer { dst in
            for k in start..<dst.count {
                let b = dst[k]
                dst[k] = b &- 65 < 26 ? b | 0x20 : b
            }
        }
        return true
    }
    if let done { return done }
    let start = out.count
    for b in s.utf8 {
        if b >= 0x80 { out.removeSubrange(start...); return false }
        out.append(b &- 65 < 26 ? b | 0x20 : b)
    }
    return true
}

/// Appends the folded UTF-8 of `s`: `searchFold(s)`, without a String in between for ASCII text.
private func appendFold(_ s: String, into out: inout [UInt8]) {
    if appendASCIIFold(s, into: &out) { return }
    out.append(contentsOf: searchFold(s).utf8)
}

/// A precomputed, folded copy of the searchable text of every question.
///
/// The folded titles are stored back to back in one buffer, and so are the bodies (prompt, topics and
/// id); `classify(words:)` finds a word in all of them with one pass over each buffer. Making an index
/// costs nothing at start-up: for a large catalogue the texts are built on another thread at once, else on
/// first use (the first search), which waits for them if they are still being built; `prepare()` builds
/// them now.
public struct SearchIndex: Sendable {
    private let storage: Storage

    public init(_ questions: [Question]) { storage = Storage(count: questions.count) { SearchTexts(questions) } }

    /// The index of a catalogue: from its banks' prebuilt texts (the bank index) where they have them.
    /// `prefetch`: build the texts on another thread at once (for a large catalogue), else at the first search.
    public init(_ catalog: Catalog, prefetch: Bool = true) {
        storage = Storage(count: catalog.count, prefetch: prefetch) { catalog.searchTexts() }
    }

    /// Builds the folded texts now if they are not built yet.
    public func prepare() { _ = storage.texts }

    /// The number of questions indexed.
    public var count: Int { storage.count }

    /// From this many questions on, the texts are built on another thread as soon as the index is made.
    static let backgroundThreshold = 2000

    private var texts: SearchTexts { storage.texts }

    /// Holds the texts' builder until the texts are built, then the texts.
    final class Storage: @unchecked Sendable {
        let count: Int
        private var make: (@Sendable () -> SearchTexts)?
        private var built: SearchTexts?
        private let lock = NSLock()

        init(count: Int, prefetch: Bool = true, make: @escaping @Sendable () -> SearchTexts) {
            self.count = count
            self.make = make
            if prefetch && count >= SearchIndex.backgroundThreshold {
                DispatchQueue.global(qos: .userInitiated).async { _ = self.texts }
            }
        }

        var texts: SearchTexts {
            lock.lock()
            defer { lock.unlock() }
            if let built { return built }
            let t = make?() ?? SearchTexts([])
            built = t
            make = nil
            return t
        }
    }

    public enum Hit: Int, Sendable, Comparable {
        case title = 0, body = 1
        public static func < (a: Hit, b: Hit) -> Bool { a.rawValue < b.rawValue }
    }

    /// Where a folded needle occurs in question `i`: the title, the prompt/topics, or nowhere.
    public func match(_ i: Int, needle: [UInt8]) -> Hit? {
        if needle.isEmpty { return .title }
        let t = texts
        if SearchIndex.contains(t.titleText, t.titleStarts[i]..<t.titleStarts[i + 1], needle) { return .title }
        if SearchIndex.contains(t.bodyText, t.bodyStarts[i]..<t.bodyStarts[i + 1], needle) { return .body }
        return nil
    }

    /// Every word of the query must match somewhere; the best field of the first word ranks.
    public func match(_ i: Int, words: [[UInt8]]) -> Hit? {
        var best: Hit?
        for w in words {
            guard let h = match(i, needle: w) else { return nil }
            best = best.map { max($0, h) } ?? h
        }
        return best ?? .title
    }

    /// `match(i, words:)` for every question at once: for each, 0 (`.title`), 1 (`.body`) or 2 (no match).
    public func classify(words: [[UInt8]]) -> [UInt8] {
        let n = count
        var state = [UInt8](repeating: 0, count: n)
        let t = texts
        for w in words where !w.isEmpty {
            let inTitle = SearchIndex.occurrences(of: w, in: t.titleText, starts: t.titleStarts)
            let inBody = SearchIndex.occurrences(of: w, in: t.bodyText, starts: t.bodyStarts)
            for i in 0..<n where state[i] != 2 && !inTitle[i] {
                state[i] = inBody[i] ? 1 : 2
            }
        }
        return state
    }

    public static func words(_ query: String) -> [[UInt8]] {
        searchFold(query).split(whereSeparator: { $0 == " " }).map { Array($0.utf8) }
    }

    /// Which entries of `text` (entry `k` is `starts[k]..<starts[k + 1]`) contain `needle` (not empty).
    private static func occurrences(of needle: [UInt8], in text: [UInt8], starts: [Int]) -> [Bool] {
        let entries = starts.count - 1
        var found = [Bool](repeating: false, count: entries)
        let total = text.count
        let m = needle.count
        let rare = rarestByte(needle)
        text.withUnsafeBufferPointer { tp in
            needle.withUnsafeBufferPointer { np in
                starts.withUnsafeBufferPointer { sp in
                    guard let base = tp.baseAddress, let nb = np.baseAddress else { return }
                    var pos = 0
                    var k = 0
                    while let p = find(base, from: pos, to: total, nb, m, rare: rare) {
                        while sp[k + 1] <= p { k += 1 }
                        if p + m <= sp[k + 1] {
                            found[k] = true
                            pos = sp[k + 1] // the rest of this entry does not matter
                        } else {
                            pos = p + 1 // straddles two entries: not a match
                        }
                    }
                }
            }
        }
        return found
    }

    private static func contains(_ text: [UInt8], _ range: Range<Int>, _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = range.count
        guard n <= h else { return false }
        let rare = rarestByte(needle)
        return text.withUnsafeBufferPointer { tp in
            needle.withUnsafeBufferPointer { np in
                find(tp.baseAddress!, from: range.lowerBound, to: range.upperBound, np.baseAddress!, n, rare: rare) != nil
            }
        }
    }

    /// The first start `s` in `from...to - m` where `needle` (`m` > 0 bytes) occurs in `base[s..<s + m]`.
    /// Looks for the needle's byte at `rare` with `memchr` (fast, and rarely a false start), then compares.
    @inline(__always)
    private static func find(_ base: UnsafePointer<UInt8>, from: Int, to: Int,
                             _ needle: UnsafePointer<UInt8>, _ m: Int, rare j: Int) -> Int? {
        var p = from + j
        let end = to - m + j + 1 // the rare byte of a match lies in p..<end
        let r = Int32(needle[j])
        while p < end {
            guard let q = memchr(base + p, r, end - p) else { return nil }
            let at = UnsafeRawPointer(q) - UnsafeRawPointer(base)
            let s = at - j
            if memcmp(base + s, needle, m) == 0 { return s }
            p = at + 1
        }
        return nil
    }

    /// The position of the needle's least common byte, by how often it occurs in English text.
    private static func rarestByte(_ needle: [UInt8]) -> Int {
        var best = 0, bestScore = Int.max
        for (k, b) in needle.enumerated() {
            let score = byteCommonness(b)
            if score < bestScore { best = k; bestScore = score }
        }
        return best
    }

    private static func byteCommonness(_ b: UInt8) -> Int {
        switch b {
        case 0x20: return 100
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
            // Letter frequencies in English, in tenths of a percent.
            let f: [Int] = [82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1]
            return f[Int(b - UInt8(ascii: "a"))]
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return 10
        case 0x80...: return 5
        default: return 3
        }
    }
}

/// The folded searchable texts of a list of questions, back to back: question `i`'s title is
/// `titleText[titleStarts[i]..<titleStarts[i + 1]]`, its body (prompt, topics, id) likewise. Built from the
/// questions, or read back from the bank index, which stores them.
public struct SearchTexts: Sendable, Equatable {
    public var titleText: [UInt8] = []
    public var titleStarts: [Int] = [0]
    public var bodyText: [UInt8] = []
    public var bodyStarts: [Int] = [0]

    public init(titleText: [UInt8], titleStarts: [Int], bodyText: [UInt8], bodyStarts: [Int]) {
        self.titleText = titleText; self.titleStarts = titleStarts; self.bodyText = bodyText; self.bodyStarts = bodyStarts
    }

    /// The number of questions.
    public var count: Int { titleStarts.count - 1 }

    /// Appends another list's texts after these.
    public mutating func append(_ other: SearchTexts) {
        let t = titleText.count, b = bodyText.count
        titleText += other.titleText
        bodyText += other.bodyText
        titleStarts += other.titleStarts.dropFirst().map { $0 + t }
        bodyStarts += other.bodyStarts.dropFirst().map { $0 + b }
    }

    public init(_ questions: [Question]) {
        titleStarts.reserveCapacity(questions.count + 1)
        bodyStarts.reserveCapacity(questions.count + 1)
        // Read the questions in place (no copy of each), and size the buffers once.
        questions.withUnsafeBufferPointer { qs in
            var titleBytes = 0, bodyBytes = 0
            for k in qs.indices {
                titleBytes += qs[k].title.utf8.count
                bodyBytes += qs[k].prompt.utf8.count + qs[k].id.utf8.count + 2
                for t in qs[k].topics { bodyBytes += t.utf8.count + 1 }
            }
            titleText.reserveCapacity(titleBytes)
            bodyText.reserveCapacity(bodyBytes)
            for k in qs.indices {
                appendFold(qs[k].title, into: &titleText)
                titleStarts.append(titleText.count)
                // The body is folded as one text, as `prompt + "\n" + topics + "\n" + id`; piece by piece
                // only when every piece is ASCII (where folding is byte by byte).
                let mark = bodyText.count
                var ascii = appendASCIIFold(qs[k].prompt, into: &bodyText)
                if ascii {
                    bodyText.append(0x0A)
                    for (n, t) in qs[k].topics.enumerated() where ascii {
                        if n > 0 { bodyText.append(0x20) }
                        ascii = appendASCIIFold(t, into: &bodyText)
                    }
                    if ascii {
                        bodyText.append(0x0A)
                        ascii = appendASCIIFold(qs[k].id, into: &bodyText)
                    }
                }
                if !ascii {
                    bodyText.removeSubrange(mark...)
                    let q = qs[k]
                    bodyText.append(contentsOf: searchFold(q.prompt + "\n" + q.topics.joined(separator: " ") + "\n" + q.id).utf8)
                }
                bodyStarts.append(bodyText.count)
            }
        }
    }
}

public struct QuestionFilter: Sendable, Equatable {
    public var difficulties: Set<Difficulty> = []
    public var kinds: Set<Kind> = []
    public var topics: Set<String> = []
    public var statuses: Set<CardStatus> = []
    public var search: String = ""
    public init() {}

    public var isEmpty: Bool { difficulties.isEmpty && kinds.isEmpty && topics.isEmpty && statuses.isEmpty && search.isEmpty }
    public var hasFacets: Bool { !(difficulties.isEmpty && kinds.isEmpty && topics.isEmpty && statuses.isEmpty) }

    /// Whether one question passes the facets (a loop over questions makes `facetTest` once instead).
    public func admits(_ q: Question, status: CardStatus) -> Bool { facetTest.admits(q, status: status) }

    /// The facets as a test made once for many questions.
    public var facetTest: FacetTest { FacetTest(self) }
}

/// `QuestionFilter.admits` with the difficulty, kind and status sets as bit masks (a set's look-up hashes;
/// a query tests every question of the catalogue).
public struct FacetTest: Sendable {
    let difficulties: UInt32, kinds: UInt32, statuses: UInt32
    let topics: Set<String>

    init(_ f: QuestionFilter) {
        func mask<T: FacetBit>(_ set: Set<T>) -> UInt32 { set.isEmpty ? ~0 : set.reduce(0) { $0 | $1.facetBit } }
        difficulties = mask(f.difficulties); kinds = mask(f.kinds); statuses = mask(f.statuses); topics = f.topics
    }

    @inline(__always) public func admits(_ q: Question, status: CardStatus) -> Bool {
        difficulties & q.difficulty.facetBit != 0 && kinds & q.kind.facetBit != 0 && statuses & status.facetBit != 0
            && (topics.isEmpty || q.topics.contains(where: topics.contains))
    }

    /// The same test over facet columns (the wanted topics looked up once per interned topic).
    public func on(_ columns: QuestionColumns) -> ColumnFacetTest { ColumnFacetTest(self, columns) }
}

/// `FacetTest` over `QuestionColumns`: question `k` is tested without being made.
public struct ColumnFacetTest: Sendable {
    let test: FacetTest
    let columns: QuestionColumns
    let wanted: [Bool]

    init(_ test: FacetTest, _ columns: QuestionColumns) {
        self.test = test; self.columns = columns
        wanted = test.topics.isEmpty ? [] : columns.topicNames.map(test.topics.contains)
    }

    @inline(__always) public func admits(_ k: Int, status: CardStatus) -> Bool {
        // Difficulty.allCases and Kind.allCases are in facet-bit order (bit n is case n).
        guard test.difficulties & (1 << UInt32(columns.difficulty[k])) != 0, test.kinds & (1 << UInt32(columns.kind[k])) != 0,
              test.statuses & status.facetBit != 0 else { return false }
        if wanted.isEmpty { return true }
        for j in Int(columns.topicStarts[k])..<Int(columns.topicStarts[k + 1]) where wanted[Int(columns.topicIDs[j])] { return true }
        return false
    }
}

/// One bit per case (for `FacetTest`'s masks).
protocol FacetBit: Hashable { var facetBit: UInt32 { get } }
extension Difficulty: FacetBit {
    var facetBit: UInt32 { switch self { case .easy: 1; case .medium: 2; case .hard: 4 } }
}
extension Kind: FacetBit {
    var facetBit: UInt32 {
        switch self { case .technical: 1; case .systemDesign: 2; case .coding: 4; case .behavioral: 8; case .askTheInterviewer: 16 }
    }
}
extension CardStatus: FacetBit {
    var facetBit: UInt32 { switch self { case .new: 1; case .learning: 2; case .due: 4; case .learned: 8 } }
}

public enum QuestionSort: String, Sendable, CaseIterable {
    case bank, title, difficulty, due, practiced, weakest

    public var label: String {
        switch self {
        case .bank: "bank order"
        case .title: "title"
        case .difficulty: "difficulty"
        case .due: "due first"
        case .practiced: "most practiced"
        case .weakest: "weakest first"
        }
    }
}

/// What the question list needs to know about a card besides the question.
public struct CardInfo: Sendable, Equatable {
    public var schedule: CardSchedule
    public var practiced: Int
    public var retrievability: Double
    public init(schedule: CardSchedule = CardSchedule(), practiced: Int = 0, retrievability: Double = 0) {
        self.schedule = schedule; self.practiced = practiced; self.retrievability = retrievability
    }
}

/// Filters, searches and sorts a list of questions. Returns indices into `questions`.
public func runQuery(questions: [Question], index: SearchIndex, filter: QuestionFilter, sort: QuestionSort,
                     info: (Int) -> CardInfo, now: Date) -> [Int] {
    runQuery(columns: QuestionColumns(questions), title: { questions[$0].title }, index: index, filter: filter, sort: sort,
             info: info, now: now)
}

/// Filters, searches and sorts the catalogue, from its facet columns (no question is made; a sort by title
/// makes the titles of the listed ones). Returns catalogue positions.
public func runQuery(catalog: Catalog, index: SearchIndex, filter: QuestionFilter, sort: QuestionSort,
                     info: (Int) -> CardInfo, now: Date) -> [Int] {
    runQuery(columns: catalog.columns, title: catalog.title(at:), index: index, filter: filter, sort: sort, info: info, now: now)
}

/// The same, given every question's status at `now` already (`list`, which prints them too): the status
/// facet reads them instead of asking `info` for each question's schedule.
public func runQuery(catalog: Catalog, index: SearchIndex, filter: QuestionFilter, sort: QuestionSort, statuses: [CardStatus],
                     info: (Int) -> CardInfo, now: Date) -> [Int] {
    precondition(statuses.count == catalog.count)
    return runQuery(columns: catalog.columns, title: catalog.title(at:), index: index, filter: filter, sort: sort, info: info,
                    now: now, statuses: statuses)
}

func runQuery(columns: QuestionColumns, title: (Int) -> String, index: SearchIndex, filter: QuestionFilter, sort: QuestionSort,
              info: (Int) -> CardInfo, now: Date, statuses: [CardStatus]? = nil) -> [Int] {
    let count = columns.count
    let words = SearchIndex.words(filter.search)
    // Where the search matches each question, all at once (0 title, 1 body, 2 none).
    let found: [UInt8]? = words.isEmpty || index.count != count ? nil : index.classify(words: words)
    let facets = filter.hasFacets
    // Everything, in bank order (Browse's first frame): nothing to test or sort.
    if words.isEmpty && !facets && sort == .bank { return Array(0..<count) }
    let test = filter.facetTest.on(columns)
    @inline(__always) func status(_ i: Int) -> CardStatus {
        filter.statuses.isEmpty ? CardStatus.new : statuses?[i] ?? CardStatus(info(i).schedule, now: now)
    }
    // Facets only, in bank order (`list --due`): the admitted positions, with no list of hits to split.
    if words.isEmpty && sort == .bank {
        var out: [Int] = []
        out.reserveCapacity(count)
        for i in 0..<count where test.admits(i, status: status(i)) { out.append(i) }
        return out
    }
    var hits: [(i: Int, hit: SearchIndex.Hit)] = []
    hits.reserveCapacity(count)
    for i in 0..<count {
        var hit = SearchIndex.Hit.title
        if let found {
            guard found[i] != 2 else { continue }
            hit = found[i] == 0 ? .title : .body
        } else if !words.isEmpty {
            guard let h = index.match(i, words: words) else { continue }
            hit = h
        }
        if facets { guard test.admits(i, status: status(i)) else { continue } }
        hits.append((i, hit))
    }
    if sort == .bank {
        // Title matches, then the others, each in bank order (what the comparison below gives).
        var out: [Int] = []
        out.reserveCapacity(hits.count)
        for h in hits where h.hit == .title { out.append(h.i) }
        for h in hits where h.hit != .title { out.append(h.i) }
        return out
    }
    // Every sort key, computed once per listed question rather than once per comparison.
    var titleMap: [Int: String] = [:]
    var titleBuffer: [UInt8] = []
    var titleRanges: [Range<Int>?] = []
    var numberKeys: [Double] = []
    var dateKeys: [Date] = []
    switch sort {
    case .bank: break
    case .title:
        titleRanges = Array(repeating: nil, count: count)
        for h in hits {
            let t = title(h.i)
            let start = titleBuffer.count
            // ASCII: lowercased byte by byte, compared as bytes (String order for ASCII text).
            if appendASCIILower(t, into: &titleBuffer) { titleRanges[h.i] = start..<titleBuffer.count }
            else { titleMap[h.i] = t.lowercased() }
        }
    case .difficulty, .practiced, .weakest:
        numberKeys = Array(repeating: 0, count: count)
        for h in hits {
            switch sort {
            case .difficulty: numberKeys[h.i] = Double(columns.difficulty(h.i).rank)
            case .practiced: numberKeys[h.i] = Double(info(h.i).practiced)
            default:
                // Seen cards by retrievability (lowest first), then unseen.
                let s = info(h.i)
                numberKeys[h.i] = s.schedule.state == .new ? 2.0 : s.retrievability
            }
        }
    case .due:
        dateKeys = Array(repeating: .distantFuture, count: count)
        for h in hits { dateKeys[h.i] = info(h.i).schedule.due ?? .distantFuture }
    }
    // Frozen for the comparisons (a captured `var` would be boxed and access-checked at every one).
    let titles = titleMap, titleBytes = titleBuffer, titleRange = titleRanges, numbers = numberKeys, dates = dateKeys
    func titleKey(_ i: Int) -> String {
        titles[i] ?? String(decoding: titleBytes[titleRange[i]!], as: UTF8.self)
    }
    func key(_ a: Int, _ b: Int) -> Bool? {
        switch sort {
        case .bank: return nil
        case .title:
            if let ra = titleRange[a], let rb = titleRange[b] {
                let la = ra.count, lb = rb.count
                let c = min(la, lb) == 0 ? 0 : titleBytes.withUnsafeBufferPointer { p in
                    memcmp(p.baseAddress! + ra.lowerBound, p.baseAddress! + rb.lowerBound, min(la, lb))
                }
                if c != 0 { return c < 0 }
                return la == lb ? nil : la < lb
            }
            let x = titleKey(a), y = titleKey(b)
            return x == y ? nil : x < y
        case .difficulty:
            // Difficulty ranks: Difficulty's order.
            let x = numbers[a], y = numbers[b]
            return x == y ? nil : x < y
        case .due:
            let x = dates[a], y = dates[b]
            return x == y ? nil : x < y
        case .practiced:
            let x = numbers[a], y = numbers[b]
            return x == y ? nil : x > y
        case .weakest:
            let x = numbers[a], y = numbers[b]
            return x == y ? nil : x < y
        }
    }
    hits.sort { a, b in
        if a.hit != b.hit { return a.hit < b.hit }
        if let k = key(a.i, b.i) { return k }
        return a.i < b.i
    }
    return hits.map(\.i)
}

/// Appends `s.lowercased()`'s UTF-8 when `s` is all ASCII (true: A–Z become a–z, as folding does); else
/// nothing (false).
func appendASCIILower(_ s: String, into out: inout [UInt8]) -> Bool {
    appendASCIIFold(s, into: &out)
}

/// Text from banks and answers made safe to print to a terminal: every control character (C0 but the
/// kept ones, DEL, C1) becomes a visible symbol (ESC → ␛), so no escape sequence (OSC title or clipboard
/// writes, CSI) reaches the terminal raw, as in the TUI (`sanitizeGrapheme`). `keepNewlines`: multi-line
/// text (an answer in `show`) keeps its line feeds and tabs.
public func terminalSafe(_ s: String, keepNewlines: Bool = false) -> String {
    // The bytes are scanned in place: the UTF-8 view's iterator costs tens of instructions a byte, and
    // `list` passes every title through here.
    let clean = s.withUTF8Bytes { isTerminalSafe($0, keepNewlines: keepNewlines) }
    if clean { return s }
    var out = String.UnicodeScalarView()
    for u in s.unicodeScalars {
        let v = u.value
        if keepNewlines && (v == 0x0A || v == 0x09) { out.append(u) }
        else if v < 0x20 { out.append(Unicode.Scalar(0x2400 + v)!) }
        else if v == 0x7F { out.append("\u{2421}") }
        else if v >= 0x80 && v < 0xA0 { out.append("\u{FFFD}") }
        else { out.append(u) }
    }
    return String(out)
}

/// Whether UTF-8 text prints as it is (`terminalSafe` would return it unchanged): no C0 control but the
/// kept ones, no DEL, no C1 control (0xC2 leads every C1 control's UTF-8; checked exactly by `terminalSafe`).
/// (Concrete, not generic over the bytes: a caller in another module would run an unspecialised loop.)
public func isTerminalSafe(_ u: UnsafeRawBufferPointer, keepNewlines: Bool = false) -> Bool {
    var i = 0
    if !keepNewlines {
        // 8 bytes at a time while none can be one of them (each test is exact for "some byte is"), then byte
        // by byte from the first word that may hold one.
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= u.count {
            let w = u.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let below = (w &- ones &* 0x20) & ~w & high
            let del = w ^ (ones &* 0x7F), c2 = w ^ (ones &* 0xC2)
            if below | ((del &- ones) & ~del & high) | ((c2 &- ones) & ~c2 & high) != 0 { break }
            i += 8
        }
    }
    for b in UnsafeRawBufferPointer(rebasing: u[i...]) where b < 0x20 || b == 0x7F || b == 0xC2 {
        if keepNewlines && (b == 0x0A || b == 0x09) { continue }
        return false
    }
    return true
}
