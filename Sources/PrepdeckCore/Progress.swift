import Foundation

/// Where the review history comes from when it is not all in memory (a progress loaded from the
/// snapshot, or by the fast replay): the store reads the lines it needs from `reviews.jsonl`.
public protocol ReviewHistorySource: Sendable {
    /// One card's effective reviews, in replay order.
    func reviews(of card: String) -> [ReviewEvent]
    /// Every card's effective reviews (reads the whole log).
    func allReviews() -> [String: [ReviewEvent]]
}

/// Every card's schedule and history, computed from the effective reviews and the settings.
///
/// Built from log entries (`init(entries:settings:)`) the whole history is in memory. Built from replayed or
/// snapshot schedules (`init(settings:schedules:firstReviews:source:)`) the history is read on demand from
/// its source: `reviews(_:)` reads one card's lines, `history` reads the whole log (stats only).
public struct StudyProgress: Sendable {
    public var settings: Settings
    public private(set) var schedules: [String: CardSchedule] = [:]
    /// When each card was first reviewed (its first effective review): the daily new-card count.
    public private(set) var firstReviews: [String: Date] = [:]
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
        for (card, events) in byCard {
            var ordered = events
            if zip(events, events.dropFirst()).contains(where: { $1.at < $0.at }) {
                ordered = events.enumerated().sorted { a, b in
                    a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
                }.map(\.element)
            }
            storedHistory[card] = ordered
            schedules[card] = scheduler.replay(ordered, cardID: card)
            firstReviews[card] = ordered.first?.at
        }
    }

    /// A progress whose schedules were computed elsewhere (the snapshot, the fast replay); the history is
    /// read from `source` when asked for (none: no history).
    public init(settings: Settings, schedules: [String: CardSchedule], firstReviews: [String: Date],
                source: (any ReviewHistorySource)?) {
        self.settings = settings
        scheduler = makeScheduler(settings)
        self.schedules = schedules
        self.firstReviews = firstReviews
        self.source = source
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

    public func schedule(_ card: String) -> CardSchedule { schedules[card] ?? CardSchedule() }

    public func reviews(_ card: String) -> [ReviewEvent] {
        guard let source else { return storedHistory[card] ?? [] }
        var events = source.reviews(of: card) + (appended[card] ?? [])
        if !undone.isEmpty { events.removeAll { undone.contains($0.id) } }
        return events
    }

    /// When the card was first reviewed (nil: never).
    public func firstReview(_ card: String) -> Date? { firstReviews[card] }

    public func info(_ card: String, now: Date) -> CardInfo {
        let s = schedule(card)
        return CardInfo(schedule: s, practiced: s.reps, retrievability: scheduler.retrievability(s, at: now))
    }

    /// Records a new rating (already logged) in memory.
    public mutating func apply(_ r: ReviewEvent) {
        if source == nil { storedHistory[r.card, default: []].append(r) } else { appended[r.card, default: []].append(r) }
        schedules[r.card] = scheduler.review(schedule(r.card), cardID: r.card, rating: r.rating, at: r.at)
        if firstReviews[r.card] == nil { firstReviews[r.card] = r.at }
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
        schedules[card] = events.isEmpty ? nil : scheduler.replay(events, cardID: card)
        firstReviews[card] = events.first?.at
    }
}

extension CardSchedule {
    /// The `schedule` object of `list --json` (docs/data-format.md).
    public var json: JSONNode.Value {
        .obj([
            ("state", .string(state.rawValue)),
            ("due", .str(due.map(RFC3339.format))),
            ("stability", .num(stability)),
            ("difficulty", .num(difficulty)),
            ("step", .int(step)),
            ("reps", .int(reps)),
            ("lapses", .int(lapses)),
            ("last_review", .str(lastReview.map(RFC3339.format))),
        ])
    }
}

extension Question {
    /// The summary object of `list --json`.
    public func listJSON(schedule: CardSchedule, status: CardStatus) -> JSONNode.Value {
        .obj([
            ("id", .string(id)),
            ("title", .string(title)),
            ("difficulty", .string(difficulty.rawValue)),
            ("kind", .string(kind.rawValue)),
            ("topics", .arr(topics.map { .string($0) })),
            ("status", .string(status.rawValue)),
            ("schedule", schedule.json),
        ])
    }
}
