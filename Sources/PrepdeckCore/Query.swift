import Foundation

/// Where a card stands for the user: new (never rated), learning (in steps, not due yet),
/// due (due now), learned (in review, not due).
public enum CardStatus: String, Sendable, CaseIterable {
    case new, learning, due, learned

    public init(_ s: CardSchedule, now: Date) {
        if s.state == .new { self = .new }
        else if s.isDue(at: now) { self = .due }
        else if s.state == .review { self = .learned }
        else { self = .learning }
    }
}

/// Case- and accent-insensitive folding for search: "Éclair" and "eclair" match.
public func searchFold(_ s: String) -> String {
    s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
}

/// A precomputed, folded copy of the searchable text of every question.
public struct SearchIndex: Sendable {
    private var titles: [[UInt8]]
    private var bodies: [[UInt8]]

    public init(_ questions: [Question]) {
        titles = questions.map { Array(searchFold($0.title).utf8) }
        bodies = questions.map { Array(searchFold($0.prompt + "\n" + $0.topics.joined(separator: " ") + "\n" + $0.id).utf8) }
    }

    public enum Hit: Int, Sendable, Comparable {
        case title = 0, body = 1
        public static func < (a: Hit, b: Hit) -> Bool { a.rawValue < b.rawValue }
    }

    /// Where a folded needle occurs in question `i`: the title, the prompt/topics, or nowhere.
    public func match(_ i: Int, needle: [UInt8]) -> Hit? {
        if needle.isEmpty { return .title }
        if contains(titles[i], needle) { return .title }
        if contains(bodies[i], needle) { return .body }
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

    public static func words(_ query: String) -> [[UInt8]] {
        searchFold(query).split(whereSeparator: { $0 == " " }).map { Array($0.utf8) }
    }

    private func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = hay.count
        guard n <= h else { return false }
        let first = needle[0]
        return hay.withUnsafeBufferPointer { hp in
            needle.withUnsafeBufferPointer { np in
                var k = 0
                let last = h - n
                while k <= last {
                    if hp[k] == first {
                        var j = 1
                        while j < n && hp[k + j] == np[j] { j += 1 }
                        if j == n { return true }
                    }
                    k += 1
                }
                return false
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

    public func admits(_ q: Question, status: CardStatus) -> Bool {
        if !difficulties.isEmpty && !difficulties.contains(q.difficulty) { return false }
        if !kinds.isEmpty && !kinds.contains(q.kind) { return false }
        if !topics.isEmpty && !q.topics.contains(where: topics.contains) { return false }
        if !statuses.isEmpty && !statuses.contains(status) { return false }
        return true
    }
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

/// Filters, searches and sorts the catalogue. Returns indices into `questions`.
public func runQuery(questions: [Question], index: SearchIndex, filter: QuestionFilter, sort: QuestionSort,
                     info: (Int) -> CardInfo, now: Date) -> [Int] {
    let words = SearchIndex.words(filter.search)
    var hits: [(i: Int, hit: SearchIndex.Hit)] = []
    hits.reserveCapacity(questions.count)
    for i in questions.indices {
        let q = questions[i]
        if filter.hasFacets {
            let st = filter.statuses.isEmpty ? CardStatus.new : CardStatus(info(i).schedule, now: now)
            guard filter.admits(q, status: st) else { continue }
        }
        if words.isEmpty { hits.append((i, .title)); continue }
        if let h = index.match(i, words: words) { hits.append((i, h)) }
    }
    func key(_ a: Int, _ b: Int) -> Bool? {
        switch sort {
        case .bank: return nil
        case .title:
            let x = questions[a].title.lowercased(), y = questions[b].title.lowercased()
            return x == y ? nil : x < y
        case .difficulty:
            let x = questions[a].difficulty, y = questions[b].difficulty
            return x == y ? nil : x < y
        case .due:
            let x = info(a).schedule.due ?? .distantFuture, y = info(b).schedule.due ?? .distantFuture
            return x == y ? nil : x < y
        case .practiced:
            let x = info(a).practiced, y = info(b).practiced
            return x == y ? nil : x > y
        case .weakest:
            // Seen cards by retrievability (lowest first), then unseen.
            let sa = info(a), sb = info(b)
            let x = sa.schedule.state == .new ? 2.0 : sa.retrievability
            let y = sb.schedule.state == .new ? 2.0 : sb.retrievability
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
