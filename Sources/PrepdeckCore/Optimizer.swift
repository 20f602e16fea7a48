import Foundation

/// One effective rating of a card, for the optimizer (undo lines and duplicate ids already resolved).
public struct ReviewPoint: Sendable, Equatable {
    public var at: Date
    public var rating: Rating
    public init(at: Date, rating: Rating) { self.at = at; self.rating = rating }
}

/// Fits the 21 FSRS-6 weights to a user's own log (docs/scheduling.md, "Fitting the weights"): initial
/// stabilities from the first long-term review of each first rating, then Adam on the log loss of recall at
/// every review a day or more after the one before, with forward-mode gradients through the same formulas
/// the scheduler uses, the weights clipped to the reference bounds after each step. Deterministic.
public struct FSRSOptimizer: Sendable {
    /// How well a set of weights predicts the log.
    public struct Metrics: Sendable, Equatable {
        public var logLoss: Double
        /// srs-benchmark's RMSE(bins): predictions and outcomes averaged in bins of (elapsed days, review
        /// number, lapses), log-spaced, and the root of the count-weighted mean squared difference.
        public var rmseBins: Double
        public var count: Int
    }

    public enum Stage: String, Sendable { case defaults, initialStabilities = "initial-stabilities", full }

    public struct Result: Sendable {
        public var parameters: [Double]
        public var stage: Stage
        /// Why the stage is what it is, in a sentence.
        public var reason: String
        /// Reviews a day or more after the card's previous one: the ones the loss is computed on.
        public var reviewsUsed: Int
        public var current: Metrics
        public var fitted: Metrics
        public var defaults: Metrics
        /// A fit on the first 80 % of the reviews in time, scored on the last 20 % (nil when too few).
        public var heldOut: HeldOut?
    }

    public struct HeldOut: Sendable {
        public var trainReviews: Int
        public var testReviews: Int
        /// On the last 20 %: the weights fitted on the first 80 %, the current weights, the defaults.
        public var fitted: Metrics
        public var current: Metrics
        public var defaults: Metrics
    }

    /// The log flattened: card `c`'s reviews are `start[c]..<start[c+1]`, in time order.
    struct Data {
        var start: [Int] = [0]
        /// Whole days since the card's previous review (-1 for its first).
        var elapsed: [Int32] = []
        var rating: [UInt8] = []
        var time: [Double] = []
        /// Rank of each review's time among the loss reviews, 0…1 (for recency weighting and the split).
        var recency: [Float] = []
        var lossCount = 0
    }

    public static let minimumForAnyFit = 8
    public static let minimumForFullFit = 64
    public var epochs = 5
    public var learningRate = 4e-2
    /// Loss reviews in one Adam step.
    public var batchSize = 512
    public var minimumSteps = 500
    /// The weight of the pull toward the defaults (the sum of squared deviations, each over its scale).
    public var regularization = 1.0
    /// A weight's scale in the pull: this share of its allowed range.
    static let penaltyScale = 0.1
    public var seed: UInt64 = 0x5EED_F5F5

    let data: Data

    public init(sequences: [[ReviewPoint]]) {
        var d = Data()
        for seq in sequences where !seq.isEmpty {
            var prev: Date?
            for p in seq {
                d.elapsed.append(prev.map { Int32(clamping: wholeDays(from: $0, to: p.at)) } ?? -1)
                d.rating.append(UInt8(p.rating.rawValue))
                d.time.append(p.at.timeIntervalSince1970)
                prev = p.at
            }
            d.start.append(d.elapsed.count)
        }
        // Recency: the rank of each loss review's time.
        var loss: [Int] = []
        for k in 0..<d.elapsed.count where d.elapsed[k] >= 1 { loss.append(k) }
        loss.sort { d.time[$0] != d.time[$1] ? d.time[$0] < d.time[$1] : $0 < $1 }
        d.recency = [Float](repeating: 0, count: d.elapsed.count)
        let n = max(1, loss.count - 1)
        for (r, k) in loss.enumerated() { d.recency[k] = Float(Double(r) / Double(n)) }
        d.lossCount = loss.count
        data = d
    }

    public var reviewsUsed: Int { data.lossCount }

    // MARK: The memory model

    /// One card's pass: calls `score(k, p)` for every loss review `k` with the predicted recall `p`.
    @inline(__always)
    static func run<N: ModelNumber>(_ w: [N], _ data: Data, card c: Int, _ score: (Int, N) -> Void) {
        let decay = Double(0) - w[20]
        let factor = N.expm(N(Foundation.log(0.9)) / decay) - 1
        let initEasyD = w[4] - N.expm(w[5] * 3) + 1
        var s = N(1), d = N(5)
        for k in data.start[c]..<data.start[c + 1] {
            let g = Int(data.rating[k])
            let t = data.elapsed[k]
            if t < 0 {
                s = w[g - 1].clamped(FSRS.minStability, .infinity)
                d = (w[4] - N.expm(w[5] * Double(g - 1)) + 1).clamped(1, 10)
                continue
            }
            if t == 0 {
                var inc = N.expm(w[17] * (w[18] + Double(g - 3))) * N.powm(s, Double(0) - w[19])
                if g != 1 && inc.value < 1 { inc = N(1) }
                s = (s * inc).clamped(FSRS.minStability, .infinity)
            } else {
                let r = N.powm(factor * (Double(t)) / s + 1, decay)
                score(k, r)
                if g == 1 {
                    let long = w[11] * N.powm(d, Double(0) - w[12]) * (N.powm(s + 1, w[13]) - 1) * N.expm((1 - r) * w[14])
                    let short = s / N.expm(w[17] * w[18])
                    s = long.value < short.value ? long : short
                } else {
                    var grow = N.expm(w[8]) * (11 - d) * N.powm(s, Double(0) - w[9]) * (N.expm((1 - r) * w[10]) - 1)
                    if g == 2 { grow = grow * w[15] } else if g == 4 { grow = grow * w[16] }
                    s = s * (grow + 1)
                }
                s = s.clamped(FSRS.minStability, .infinity)
            }
            let damped = d + (10 - d) * (w[6] * Double(3 - g)) / N(9)
            d = (w[7] * initEasyD + (1 - w[7]) * damped).clamped(1, 10)
        }
    }

    // MARK: Metrics

    struct Binned { var y = 0.0, p = 0.0, n = 0.0 }

    /// The metrics of `w` on the loss reviews whose recency is in `range`.
    public func evaluate(_ w: [Double], recency range: ClosedRange<Float> = 0...1) -> Metrics {
        var loss = 0.0
        var count = 0
        var bins: [Int: Binned] = [:]
        let data = self.data
        for c in 0..<(data.start.count - 1) {
            var reviews = 0, lapses = 0
            let lo = data.start[c]
            FSRSOptimizer.run(w, data, card: c) { k, p in
                // History before review k: its index and long-term lapses.
                while lo + reviews < k {
                    if data.elapsed[lo + reviews] >= 1 && data.rating[lo + reviews] == 1 { lapses += 1 }
                    reviews += 1
                }
                guard range.contains(data.recency[k]) else { return }
                let y = data.rating[k] > 1 ? 1.0 : 0.0
                let q = min(max(p, 1e-7), 1 - 1e-7)
                loss -= y * Foundation.log(q) + (1 - y) * Foundation.log(1 - q)
                count += 1
                let key = FSRSOptimizer.bin(elapsed: Int(data.elapsed[k]), index: reviews, lapses: lapses)
                bins[key, default: Binned()].y += y
                bins[key, default: Binned()].p += p
                bins[key, default: Binned()].n += 1
            }
        }
        var se = 0.0, total = 0.0
        // In key order: a dictionary's order changes from run to run, and so would the rounding of the sum.
        for key in bins.keys.sorted() { let b = bins[key]!; let diff = b.y / b.n - b.p / b.n; se += diff * diff * b.n; total += b.n }
        return Metrics(logLoss: count > 0 ? loss / Double(count) : 0, rmseBins: total > 0 ? (se / total).squareRoot() : 0, count: count)
    }

    /// srs-benchmark's bins: elapsed days by powers of 3.62, the review number by powers of 1.89, lapses by
    /// powers of 1.73 (0 a bin of its own).
    static func bin(elapsed: Int, index: Int, lapses: Int) -> Int {
        func exponent(_ x: Int, _ base: Double) -> Int { Int((Foundation.log(Double(x)) / Foundation.log(base)).rounded(.down)) }
        let t = exponent(max(1, elapsed), 3.62), i = exponent(max(1, index), 1.89), l = lapses == 0 ? -1 : exponent(lapses, 1.73)
        return (t + 64) << 16 | (i + 64) << 8 | (l + 64)
    }

    // MARK: Fitting

    /// Fits the weights, starting from `current` for the evaluation only (the fit starts from the defaults).
    public func fit(current: [Double]) -> Result {
        let defaults = FSRS.defaultParameters
        let all = evaluate(defaults)
        let cur = current == defaults ? all : evaluate(current)
        let n = data.lossCount
        if n < FSRSOptimizer.minimumForAnyFit {
            return Result(parameters: defaults, stage: .defaults,
                          reason: "\(n) review(s) a day or more after the previous one; \(FSRSOptimizer.minimumForAnyFit) are needed to fit anything, so the defaults stay",
                          reviewsUsed: n, current: cur, fitted: all, defaults: all, heldOut: nil)
        }
        var heldOut: HeldOut?
        let trainCount = Int((Double(n) * 0.8).rounded(.down))
        if trainCount >= FSRSOptimizer.minimumForAnyFit && n - trainCount >= 8 {
            // Ranks 0…trainCount-1 train, the rest test: the two ranges share no review.
            let last = Float(Double(trainCount - 1) / Double(max(1, n - 1)))
            let w = train(recency: 0...last)
            let test: ClosedRange<Float> = Float(Double(trainCount) / Double(max(1, n - 1)))...1
            heldOut = HeldOut(trainReviews: trainCount, testReviews: n - trainCount, fitted: evaluate(w, recency: test),
                              current: evaluate(current, recency: test), defaults: evaluate(defaults, recency: test))
        }
        // Four decimals, as settings.json keeps them, so that a second run on the same log finds the same weights
        // and `--apply` sees no improvement.
        let w = train(recency: 0...1).map { ($0 * 10000).rounded() / 10000 }
        let stage: Stage = n < FSRSOptimizer.minimumForFullFit ? .initialStabilities : .full
        let reason = stage == .full
            ? "all 21 weights fitted on \(n) reviews"
            : "\(n) reviews: only the initial stabilities (w0–w3) are fitted below \(FSRSOptimizer.minimumForFullFit)"
        return Result(parameters: w, stage: stage, reason: reason, reviewsUsed: n, current: cur, fitted: evaluate(w),
                      defaults: all, heldOut: heldOut)
    }

    /// The weights fitted on the loss reviews whose recency is in `range`.
    func train(recency range: ClosedRange<Float>) -> [Double] {
        var w = pretrain(recency: range)
        let used = data.recency.indices.filter { data.elapsed[$0] >= 1 && range.contains(data.recency[$0]) }.count
        guard used >= FSRSOptimizer.minimumForFullFit else { return w }
        // Cards in a fixed shuffled order, cut into batches of about `batchSize` loss reviews.
        var order = Array(0..<(data.start.count - 1))
        var rng = SeededRandom(seed: seed)
        var batches: [ArraySlice<Int>] = []
        let steps = epochs
        var m = [Double](repeating: 0, count: 21), v = m
        let beta1 = 0.9, beta2 = 0.999, eps = 1e-8
        var totalWeight = 0.0
        for k in data.recency.indices where data.elapsed[k] >= 1 && range.contains(data.recency[k]) {
            totalWeight += 0.25 + 0.75 * Foundation.pow(Double(data.recency[k]), 3)
        }
        var t = 0
        // At least `minimumSteps` Adam steps: a small log makes few batches, and five passes over it are too few.
        let perEpoch = max(1, used / batchSize)
        let passes = max(steps, min(200, (minimumSteps + perEpoch - 1) / perEpoch))
        let totalSteps = passes * perEpoch
        for _ in 0..<passes {
            for k in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(k, Int(rng.next() % UInt64(k + 1))) }
            batches.removeAll(keepingCapacity: true)
            var from = 0, inBatch = 0
            for (k, c) in order.enumerated() {
                inBatch += data.start[c + 1] - data.start[c]
                if inBatch >= batchSize { batches.append(order[from...k]); from = k + 1; inBatch = 0 }
            }
            if from < order.count { batches.append(order[from...]) }
            for batch in batches {
                var (grad, count) = gradient(w, cards: batch, recency: range)
                guard count > 0 else { continue }
                // L2 pull toward the defaults, its share of the whole log's weight in each batch (as fsrs-rs does),
                // so that a small log moves the weights only as far as it has evidence for.
                let share = count / totalWeight
                for j in 0..<21 {
                    let sigma = FSRSOptimizer.penaltyScale * (FSRS.upperBounds[j] - FSRS.lowerBounds[j])
                    grad[j] += share * 2 * regularization * (w[j] - FSRS.defaultParameters[j]) / (sigma * sigma)
                }
                t += 1
                let lr = learningRate * 0.5 * (1 + Foundation.cos(Double.pi * Double(min(t, totalSteps)) / Double(totalSteps)))
                for j in 0..<21 {
                    let g = grad[j] / count
                    m[j] = beta1 * m[j] + (1 - beta1) * g
                    v[j] = beta2 * v[j] + (1 - beta2) * g * g
                    let mh = m[j] / (1 - Foundation.pow(beta1, Double(t))), vh = v[j] / (1 - Foundation.pow(beta2, Double(t)))
                    w[j] = min(max(w[j] - lr * mh / (vh.squareRoot() + eps), FSRS.lowerBounds[j]), FSRS.upperBounds[j])
                }
            }
        }
        return w
    }

    /// The recency-weighted log loss's gradient over `cards` (summed) and the weight total. The cards are cut in
    /// two fixed halves worked out side by side and added in order, so the sum is the same on any machine.
    func gradient(_ w: [Double], cards: ArraySlice<Int>, recency range: ClosedRange<Float>) -> ([Double], Double) {
        let dw = (0..<21).map { Dual.variable(w[$0], lane: $0, free: true) }
        let data = self.data
        let parts = cards.count >= 64 ? 2 : 1
        var sums = [(a: SIMD16<Double>, b: SIMD8<Double>, total: Double)](repeating: (.zero, .zero, 0), count: parts)
        sums.withUnsafeMutableBufferPointer { out in
            let o = UnsafeShared(value: out)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var ga = SIMD16<Double>.zero, gb = SIMD8<Double>.zero
                var total = 0.0
                let lo = cards.startIndex + cards.count * part / parts, hi = cards.startIndex + cards.count * (part + 1) / parts
                for c in cards[lo..<hi] {
                    FSRSOptimizer.run(dw, data, card: c) { k, p in
                        let rec = data.recency[k]
                        guard range.contains(rec) else { return }
                        let weight = 0.25 + 0.75 * Foundation.pow(Double(rec), 3)
                        let y = data.rating[k] > 1 ? 1.0 : 0.0
                        let q = min(max(p.v, 1e-7), 1 - 1e-7)
                        let dLdp = weight * -(y / q - (1 - y) / (1 - q))
                        ga += p.a * dLdp
                        gb += p.b * dLdp
                        total += weight
                    }
                }
                o.value[part] = (ga, gb, total)
            }
        }
        var ga = SIMD16<Double>.zero, gb = SIMD8<Double>.zero, total = 0.0
        for s in sums { ga += s.a; gb += s.b; total += s.total }
        var g = [Double](repeating: 0, count: 21)
        for j in 0..<16 { g[j] = ga[j] }
        for j in 16..<21 { g[j] = gb[j - 16] }
        return (g, total)
    }

    /// w0–w3 from the first long-term review after each first rating: the stability whose forgetting curve
    /// best fits (log loss) the outcomes at those elapsed days, blended with the default by the count (a
    /// pseudo-count of 5), and kept in order Again ≤ Hard ≤ Good ≤ Easy.
    func pretrain(recency range: ClosedRange<Float>) -> [Double] {
        var w = FSRS.defaultParameters
        var points: [[(t: Double, y: Double)]] = Array(repeating: [], count: 4)
        for c in 0..<(data.start.count - 1) {
            let lo = data.start[c]
            let first = Int(data.rating[lo]) - 1
            var k = lo + 1
            while k < data.start[c + 1] && data.elapsed[k] < 1 { k += 1 }
            guard k < data.start[c + 1], range.contains(data.recency[k]) else { continue }
            points[first].append((Double(data.elapsed[k]), data.rating[k] > 1 ? 1 : 0))
        }
        let decay = -w[20], factor = Foundation.pow(0.9, 1 / decay) - 1
        for r in 0..<4 where points[r].count >= 1 {
            func loss(_ logS: Double) -> Double {
                let s = Foundation.exp(logS)
                var l = 0.0
                for (t, y) in points[r] {
                    let p = min(max(Foundation.pow(1 + factor * t / s, decay), 1e-7), 1 - 1e-7)
                    l -= y * Foundation.log(p) + (1 - y) * Foundation.log(1 - p)
                }
                return l
            }
            // Golden-section search on log S over the bounds.
            var a = Foundation.log(FSRS.lowerBounds[r]), b = Foundation.log(FSRS.upperBounds[r])
            let phi = (5.0.squareRoot() - 1) / 2
            for _ in 0..<80 {
                let x1 = b - phi * (b - a), x2 = a + phi * (b - a)
                if loss(x1) < loss(x2) { b = x2 } else { a = x1 }
            }
            let fitted = (a + b) / 2
            let n = Double(points[r].count)
            w[r] = Foundation.exp((n * fitted + 5 * Foundation.log(w[r])) / (n + 5))
        }
        for r in 1..<4 { w[r] = max(w[r], w[r - 1]) }
        return w
    }
}

extension FSRSOptimizer.Metrics {
    func json() -> JSONNode.Value { .obj([("log_loss", .number(logLoss)), ("rmse_bins", .number(rmseBins))]) }
}

extension FSRSOptimizer.Result {
    /// Whether `--apply` may write these weights: something was fitted and it beats the current weights on RMSE(bins).
    public var beatsCurrent: Bool { stage != .defaults && fitted.rmseBins < current.rmseBins }

    /// The `optimize --json` object (docs/data-format.md).
    public func toJSON(applied: Bool, advice: RetentionAdvice? = nil) -> JSONNode.Value {
        .obj([
            ("parameters", .arr(parameters.map { .number($0) })),
            ("reviews_used", .int(reviewsUsed)),
            ("current", current.json()),
            ("fitted", fitted.json()),
            ("defaults", defaults.json()),
            ("applied", .bool(applied)),
            ("stage", .string(stage.rawValue)),
            ("reason", .string(reason)),
            ("held_out", heldOut.map { h in .obj([
                ("train_reviews", .int(h.trainReviews)), ("test_reviews", .int(h.testReviews)),
                ("fitted", h.fitted.json()), ("current", h.current.json()), ("defaults", h.defaults.json()),
            ]) } ?? .null),
            ("retention_advice", advice?.toJSON() ?? .null),
        ])
    }
}

/// A review log made by the scheduler itself: `cards` new cards introduced evenly over the first half of `days`,
/// each reviewed when due (once a day at most after its learning steps), recalled with the probability that
/// `truth`'s weights predict, and rated Again when forgotten, else Hard / Good / Easy (15 / 70 / 15 %). Same-day
/// learning steps are passed with probability 0.9. Deterministic for a seed; for tests and benchmarks.
public func simulatedReviewLog(truth: [Double], cards: Int, days: Int, seed: UInt64, start: Date = Date(timeIntervalSince1970: 1_767_225_600)) -> [[ReviewPoint]] {
    var settings = Settings()
    settings.parameters = truth
    settings.fuzz = false
    let fsrs = FSRS(settings: settings)
    var rng = SeededRandom(seed: seed)
    func unit() -> Double { rng.unit() }
    var out: [[ReviewPoint]] = []
    out.reserveCapacity(cards)
    let spread = max(1, days / 2)
    for c in 0..<cards {
        var card = CardSchedule()
        var seq: [ReviewPoint] = []
        var now = start.addingTimeInterval(Double(c * spread / max(1, cards)) * 86400 + 9 * 3600)
        let end = start.addingTimeInterval(Double(days) * 86400)
        let id = "sim-\(c)"
        while now < end && seq.count < 200 {
            let rating: Rating
            if card.state == .review {
                let p = fsrs.retrievability(card, at: now)
                let u = unit()
                rating = unit() >= p ? .again : u < 0.15 ? .hard : u < 0.85 ? .good : .easy
            } else if card.state == .new {
                let u = unit()
                rating = u < 0.2 ? .again : u < 0.35 ? .hard : u < 0.9 ? .good : .easy
            } else {
                rating = unit() < 0.9 ? .good : .again
            }
            seq.append(ReviewPoint(at: now, rating: rating))
            card = fsrs.review(card, cardID: id, rating: rating, at: now)
            guard let due = card.due else { break }
            now = max(due, now.addingTimeInterval(60))
        }
        out.append(seq)
    }
    return out
}
