import Foundation

/// What each desired retention would cost and give over the next year, for the user's own cards and weights
/// (docs/scheduling.md, "Retention advice"): a deterministic simulation, day by day, of every card seen so far,
/// reviewed on its due day, recalled with the probability the weights predict (the same random draws for
/// every retention, so the rows differ by the retention and not by luck), rated Good when recalled and Again
/// when not, with the learning and relearning steps of the settings.
public struct RetentionAdvice: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var desiredRetention: Double
        /// Reviews a day, averaged over the period (relearning steps included).
        public var reviewsPerDay: Double
        /// The mean predicted recall of the cards, sampled weekly over the period.
        public var recall: Double
        /// Reviews over the period for each card remembered on average: `reviews / (cards × recall)`.
        public var reviewsPerRememberedCard: Double
        /// Minutes of study over the period for each card remembered at its end (`recallAtEnd` summed): a
        /// remembered review costs `secondsRemembered`, a forgotten one `secondsForgotten`.
        public var minutesPerCardKept: Double
        /// The mean predicted recall on the last day.
        public var recallAtEnd: Double
    }

    public var rows: [Row]
    public var cards: Int
    /// The cards the simulation ran on: all of them, or an even sample of `maxCards`.
    public var simulatedCards: Int
    public var days: Int
    /// The retention whose study time per card remembered at the end is lowest.
    public var best: Double? { rows.min { $0.minutesPerCardKept < $1.minutesPerCardKept }?.desiredRetention }
    /// The time a review takes, remembered or forgotten (forgetting costs the struggle and the relearning).
    public static let secondsRemembered = 10.0, secondsForgotten = 30.0

    public static let retentions: [Double] = [0.70, 0.73, 0.76, 0.79, 0.82, 0.85, 0.88, 0.90, 0.93, 0.95, 0.97]

    public init(sequences: [[ReviewPoint]], settings: Settings, parameters: [Double], now: Date, days: Int = 365,
                retentions: [Double] = RetentionAdvice.retentions, seed: UInt64 = 0xAD71CE, maxCards: Int = 5000) {
        var base = settings
        base.parameters = parameters
        base.fuzz = false
        let replayer = FSRS(settings: base)
        // Every seen card's state now, from its log with these weights.
        var states: [CardSchedule] = []
        for (k, seq) in sequences.enumerated() where !seq.isEmpty {
            var c = CardSchedule()
            let id = "c\(k)"
            for p in seq { c = replayer.review(c, cardID: id, rating: p.rating, at: p.at) }
            states.append(c)
        }
        cards = states.count
        // A large collection is simulated on an even sample of its cards (every k-th), and the reviews a day are
        // scaled back up: the rows are means, and 5,000 cards make them steady while keeping the run short.
        let sample = states.count > maxCards ? stride(from: 0, to: states.count, by: (states.count + maxCards - 1) / maxCards).map { states[$0] } : states
        simulatedCards = sample.count
        let scale = sample.isEmpty ? 1 : Double(states.count) / Double(sample.count)
        self.days = days
        // One retention a task, on both cores; each row depends only on its own retention.
        var rows = [Row?](repeating: nil, count: retentions.count)
        let shared = UnsafeShared(value: sample), settings = base
        rows.withUnsafeMutableBufferPointer { out in
            let o = UnsafeShared(value: out)
            DispatchQueue.concurrentPerform(iterations: retentions.count) { index in
                o.value[index] = RetentionAdvice.simulate(retention: retentions[index], states: shared.value, settings: settings,
                                                          now: now, days: days, seed: seed)
            }
        }
        self.rows = rows.map { var r = $0!; r.reviewsPerDay *= scale; return r }
    }

    /// One row: every card from its state now, over `days`, at this desired retention.
    static func simulate(retention r: Double, states: [CardSchedule], settings base: Settings, now: Date, days: Int, seed: UInt64) -> Row {
        let end = now.addingTimeInterval(Double(days) * 86400)
        let cards = states.count
        var s = base
        s.desiredRetention = r
        let fsrs = FSRS(settings: s)
        var reviews = 0, forgotten = 0
        var recallSum = 0.0, samples = 0, endSum = 0.0
        for (k, start) in states.enumerated() {
            var card = start
            // The first due under this retention: from the last review with this retention's interval.
            if card.state == .review, let last = card.lastReview, let st = card.stability {
                card.due = last.addingTimeInterval(Double(fsrs.nextInterval(st)) * 86400)
            }
            var rng = SeededRandom(seed: seed ^ UInt64(k) &* 0x9E37_79B9_7F4A_7C15)
            let id = "c\(k)"
            var week = 0
            func sample(until t: Date) {
                while week < days / 7 + 1, now.addingTimeInterval(Double(week * 7) * 86400) <= t {
                    recallSum += fsrs.retrievability(card, at: now.addingTimeInterval(Double(week * 7) * 86400))
                    samples += 1
                    week += 1
                }
            }
            var guardSteps = 0
            while let due = card.due, due < end, guardSteps < 10_000 {
                guardSteps += 1
                let at = max(due, now)
                sample(until: at)
                let p = card.state == .review ? fsrs.retrievability(card, at: at) : 0.9
                let u = rng.unit()
                if u >= p { forgotten += 1 }
                card = fsrs.review(card, cardID: id, rating: u < p ? .good : .again, at: at)
                reviews += 1
            }
            sample(until: end)
            endSum += fsrs.retrievability(card, at: end)
        }
        let recall = samples > 0 ? recallSum / Double(samples) : 0
        let seconds = Double(reviews - forgotten) * secondsRemembered + Double(forgotten) * secondsForgotten
        return Row(desiredRetention: r, reviewsPerDay: Double(reviews) / Double(max(1, days)), recall: recall,
                   reviewsPerRememberedCard: cards > 0 && recall > 0 ? Double(reviews) / (Double(cards) * recall) : 0,
                   minutesPerCardKept: endSum > 0 ? seconds / 60 / endSum : 0, recallAtEnd: cards > 0 ? endSum / Double(cards) : 0)
    }

    public func toJSON() -> JSONNode.Value {
        .obj([
            ("cards", .int(cards)), ("simulated_cards", .int(simulatedCards)), ("days", .int(days)), ("best", best.map { .number($0) } ?? .null),
            ("rows", .arr(rows.map { r in .obj([
                ("desired_retention", .number(r.desiredRetention)),
                ("reviews_per_day", .number((r.reviewsPerDay * 100).rounded() / 100)),
                ("recall", .number((r.recall * 10000).rounded() / 10000)),
                ("reviews_per_remembered_card", .number((r.reviewsPerRememberedCard * 100).rounded() / 100)),
                ("recall_at_end", .number((r.recallAtEnd * 10000).rounded() / 10000)),
                ("minutes_per_card_kept", .number((r.minutesPerCardKept * 100).rounded() / 100)),
            ]) })),
        ])
    }
}
