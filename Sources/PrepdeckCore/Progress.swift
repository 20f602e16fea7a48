import Foundation

/// Every card's schedule and history, computed from the effective reviews and the settings.
public struct StudyProgress: Sendable {
    public var settings: Settings
    public private(set) var schedules: [String: CardSchedule] = [:]
    public private(set) var history: [String: [ReviewEvent]] = [:]
    public let scheduler: any Scheduler

    /// `entries` in log order; undo lines and duplicates are resolved here.
    public init(entries: [LogEntry], settings: Settings) {
        self.settings = settings
        scheduler = makeScheduler(settings)
        for r in effectiveReviews(entries) { history[r.card, default: []].append(r) }
        for (card, events) in history { schedules[card] = scheduler.replay(events, cardID: card) }
    }

    public func schedule(_ card: String) -> CardSchedule { schedules[card] ?? CardSchedule() }
    public func reviews(_ card: String) -> [ReviewEvent] { history[card] ?? [] }

    public func info(_ card: String, now: Date) -> CardInfo {
        let s = schedule(card)
        return CardInfo(schedule: s, practiced: s.reps, retrievability: scheduler.retrievability(s, at: now))
    }

    /// Records a new rating (already logged) in memory.
    public mutating func apply(_ r: ReviewEvent) {
        history[r.card, default: []].append(r)
        schedules[r.card] = scheduler.review(schedule(r.card), cardID: r.card, rating: r.rating, at: r.at)
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
