import Foundation

public enum CardState: String, Sendable, CaseIterable {
    case new, learning, review, relearning
}

/// A card's schedule: a pure function of its reviews and the settings.
///
/// Kept in 48 bytes (an optional one too) instead of the 104 its optional fields would take as stored
/// properties: a start-up holds one for every card twice (the loaded table, and one per question), 10 MB
/// at 100,000 cards. An absent value is a bit pattern no arithmetic makes (a signalling NaN with a
/// payload) or `Int32.min`; counts are 32-bit, as in `snapshot.bin`. The fields read and compare exactly
/// as the optionals they stand for.
public struct CardSchedule: Sendable, Equatable {
    private var stabilityBits = CardSchedule.absent
    private var difficultyBits = CardSchedule.absent
    private var dueBits = CardSchedule.absent
    private var lastReviewBits = CardSchedule.absent
    private var stepValue = Int32.min
    private var repsValue: Int32 = 0
    private var lapsesValue: Int32 = 0
    public var state: CardState = .new
    public init() {}

    /// The stored pattern of an absent Double or Date.
    static let absent: UInt64 = 0x7FF4_0000_0000_0A55
    @inline(__always) static func bits(_ d: Double?) -> UInt64 { d.map(\.bitPattern) ?? absent }
    @inline(__always) static func double(_ b: UInt64) -> Double? { b == absent ? nil : Double(bitPattern: b) }

    public var step: Int? {
        get { stepValue == .min ? nil : Int(stepValue) }
        set { stepValue = newValue.map { Int32(clamping: max($0, Int(Int32.min) + 1)) } ?? .min }
    }
    public var stability: Double? {
        get { CardSchedule.double(stabilityBits) }
        set { stabilityBits = CardSchedule.bits(newValue) }
    }
    public var difficulty: Double? {
        get { CardSchedule.double(difficultyBits) }
        set { difficultyBits = CardSchedule.bits(newValue) }
    }
    public var due: Date? {
        get { CardSchedule.double(dueBits).map(Date.init(timeIntervalSinceReferenceDate:)) }
        set { dueBits = CardSchedule.bits(newValue?.timeIntervalSinceReferenceDate) }
    }
    public var lastReview: Date? {
        get { CardSchedule.double(lastReviewBits).map(Date.init(timeIntervalSinceReferenceDate:)) }
        set { lastReviewBits = CardSchedule.bits(newValue?.timeIntervalSinceReferenceDate) }
    }
    public var reps: Int {
        get { Int(repsValue) }
        set { repsValue = Int32(clamping: newValue) }
    }
    public var lapses: Int {
        get { Int(lapsesValue) }
        set { lapsesValue = Int32(clamping: newValue) }
    }

    /// Field by field, as the optionals compare (a NaN stability is unequal to itself, as it was).
    public static func == (a: CardSchedule, b: CardSchedule) -> Bool {
        a.state == b.state && a.stepValue == b.stepValue && a.repsValue == b.repsValue && a.lapsesValue == b.lapsesValue
            && a.stability == b.stability && a.difficulty == b.difficulty && a.due == b.due && a.lastReview == b.lastReview
    }

    public func isDue(at now: Date) -> Bool {
        guard state != .new, let due else { return false }
        return due <= now
    }
}

public protocol Scheduler: Sendable {
    /// The schedule after rating `card` (its fuzz seed `seed`, made from its id) with `rating` at `now`.
    func review(_ card: CardSchedule, seed: FuzzSeed, rating: Rating, at now: Date) -> CardSchedule
    /// The probability of recall now (0 for a new card).
    func retrievability(_ card: CardSchedule, at now: Date) -> Double
}

public extension Scheduler {
    /// The schedule after rating `card` (id `cardID`) with `rating` at `now`.
    func review(_ card: CardSchedule, cardID: String, rating: Rating, at now: Date) -> CardSchedule {
        review(card, seed: FuzzSeed(cardID: cardID), rating: rating, at: now)
    }

    /// Replays reviews (already in `at` order) from a new card.
    func replay(_ reviews: some Sequence<ReviewEvent>, cardID: String) -> CardSchedule {
        var card = CardSchedule()
        let seed = FuzzSeed(cardID: cardID)
        for r in reviews { card = review(card, seed: seed, rating: r.rating, at: r.at) }
        return card
    }

    /// What each rating would do now: the resulting due time.
    func previews(_ card: CardSchedule, cardID: String, at now: Date) -> [(rating: Rating, due: Date)] {
        Rating.allCases.map { r in (r, review(card, cardID: cardID, rating: r, at: now).due ?? now) }
    }
}

public func makeScheduler(_ settings: Settings) -> any Scheduler {
    switch settings.scheduler {
    case .fsrs: return FSRS(settings: settings)
    case .sm2: return SM2(settings: settings)
    }
}

/// The part of the fuzz that comes from the card id (FNV-1a of its UTF-8), made once per card by replay.
public struct FuzzSeed: Sendable, Equatable {
    public let value: UInt64
    public init(cardID: String) {
        var h: UInt64 = 0xcbf29ce484222325
        for b in cardID.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        value = h
    }
}

/// Deterministic fuzz: a value in [0, 1) from the card id and its review count, so replay is stable.
public func fuzzUnit(cardID: String, reps: Int) -> Double { fuzzUnit(seed: FuzzSeed(cardID: cardID), reps: reps) }

public func fuzzUnit(seed: FuzzSeed, reps: Int) -> Double {
    let h = seed.value
    var z = h &+ UInt64(truncatingIfNeeded: reps) &* 0x9E3779B97F4A7C15 // splitmix64
    z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
    z = z ^ (z >> 31)
    return Double(z >> 11) / Double(1 << 53)
}

/// Whole days between two instants, rounded down (Python's `timedelta.days`).
func wholeDays(from a: Date, to b: Date) -> Int {
    Int((b.timeIntervalSince(a) / 86400).rounded(.down))
}

/// FSRS-6, step for step as the reference implementation (py-fsrs 6.x) with fuzz off.
public struct FSRS: Scheduler {
    public static let defaultParameters: [Double] = [
        0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
        1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
    ]
    static let lowerBounds: [Double] = [0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001,
                                        0.001, 0.001, 0.001, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1]
    static let upperBounds: [Double] = [100, 100, 100, 100, 10, 4, 4, 0.75, 4.5, 0.8, 3.5,
                                        5, 0.25, 0.9, 4, 1, 6, 2, 2, 0.8, 0.8]
    static let minStability = 0.001

    /// Why a parameter vector is unusable, or nil.
    public static func parameterProblem(_ w: [Double]) -> String? {
        guard w.count == defaultParameters.count else { return "expected \(defaultParameters.count) numbers, found \(w.count)" }
        for k in 0..<w.count where !(lowerBounds[k] <= w[k] && w[k] <= upperBounds[k]) {
            return "parameters[\(k)] = \(w[k]) is outside [\(lowerBounds[k]), \(upperBounds[k])]"
        }
        return nil
    }

    public let w: [Double]
    public let desiredRetention: Double
    public let learningSteps: [Double] // seconds
    public let relearningSteps: [Double] // seconds
    public let maximumInterval: Int
    public let fuzz: Bool
    let decay: Double
    let factor: Double
    // Terms that depend on the weights only, computed once (the same expressions, so the same values).
    let expW8: Double, shortDivisor: Double, easyDifficulty: Double, intervalTerm: Double

    public init(settings: Settings) {
        w = settings.parameters
        desiredRetention = settings.desiredRetention
        learningSteps = settings.learningStepsMinutes.map { $0 * 60 }
        relearningSteps = settings.relearningStepsMinutes.map { $0 * 60 }
        maximumInterval = settings.maximumIntervalDays
        fuzz = settings.fuzz
        decay = -w[20]
        factor = pow(0.9, 1 / decay) - 1
        expW8 = pow(M_E, w[8])
        shortDivisor = pow(M_E, w[17] * w[18])
        easyDifficulty = w[4] - pow(M_E, w[5] * Double(Rating.easy.rawValue - 1)) + 1
        intervalTerm = pow(desiredRetention, 1 / decay) - 1
    }

    public func retrievability(_ card: CardSchedule, at now: Date) -> Double {
        guard let last = card.lastReview, let s = card.stability else { return 0 }
        let elapsed = Double(max(0, wholeDays(from: last, to: now)))
        return pow(1 + factor * elapsed / s, decay)
    }

    func clampD(_ d: Double) -> Double { min(max(d, 1), 10) }
    func clampS(_ s: Double) -> Double { max(s, FSRS.minStability) }

    func initialStability(_ r: Rating) -> Double { clampS(w[r.rawValue - 1]) }
    func initialDifficulty(_ r: Rating, clamp: Bool) -> Double {
        let d = w[4] - pow(M_E, w[5] * Double(r.rawValue - 1)) + 1
        return clamp ? clampD(d) : d
    }

    func nextInterval(_ s: Double) -> Int {
        let raw = (s / factor) * intervalTerm
        let days = Int(saturating: raw.rounded(.toNearestOrEven))
        return min(max(days, 1), maximumInterval)
    }

    func shortTermStability(_ s: Double, _ r: Rating) -> Double {
        var inc = pow(M_E, w[17] * (Double(r.rawValue) - 3 + w[18])) * pow(s, -w[19])
        if r != .again { inc = max(inc, 1) }
        return clampS(s * inc)
    }

    func nextDifficulty(_ d: Double, _ r: Rating) -> Double {
        let delta = -(w[6] * Double(r.rawValue - 3))
        let damped = d + (10 - d) * delta / 9
        let next = w[7] * easyDifficulty + (1 - w[7]) * damped
        return clampD(next)
    }

    func nextStability(d: Double, s: Double, r: Double, rating: Rating) -> Double {
        let next: Double
        if rating == .again {
            let long = w[11] * pow(d, -w[12]) * (pow(s + 1, w[13]) - 1) * pow(M_E, (1 - r) * w[14])
            let short = s / shortDivisor
            next = min(long, short)
        } else {
            let hard = rating == .hard ? w[15] : 1
            let easy = rating == .easy ? w[16] : 1
            next = s * (1 + expW8 * (11 - d) * pow(s, -w[9]) * (pow(M_E, (1 - r) * w[10]) - 1) * hard * easy)
        }
        return clampS(next)
    }

    func fuzzed(days: Int, seed: FuzzSeed, reps: Int) -> Int {
        guard Double(days) >= 2.5 else { return days }
        // py-fsrs's three fuzz ranges, added in its order (written out: no array a call).
        var delta = 1.0
        delta += 0.15 * max(min(Double(days), 7.0) - 2.5, 0)
        delta += 0.1 * max(min(Double(days), 20.0) - 7.0, 0)
        delta += 0.05 * max(min(Double(days), Double.infinity) - 20.0, 0)
        var lo = Int(saturating: (Double(days) - delta).rounded(.toNearestOrEven))
        var hi = Int(saturating: (Double(days) + delta).rounded(.toNearestOrEven))
        lo = max(2, lo)
        hi = min(hi, maximumInterval)
        lo = min(lo, hi)
        let pick = fuzzUnit(seed: seed, reps: reps) * Double(hi - lo + 1) + Double(lo)
        return min(Int(saturating: pick.rounded(.toNearestOrEven)), maximumInterval)
    }

    /// One step of the (re)learning state machine: returns the new state, step and interval in seconds,
    /// or nil for "graduate to review".
    private func stepInterval(steps: [Double], step: Int, rating: Rating) -> (step: Int, seconds: Double)? {
        if steps.isEmpty || (step >= steps.count && rating != .again) { return nil }
        switch rating {
        case .again: return (0, steps[0])
        case .hard:
            if step == 0 && steps.count == 1 { return (step, steps[0] * 1.5) }
            if step == 0 && steps.count >= 2 { return (step, (steps[0] + steps[1]) / 2) }
            return (step, steps[step])
        case .good:
            if step + 1 == steps.count { return nil }
            return (step + 1, steps[step + 1])
        case .easy: return nil
        }
    }

    public func review(_ card: CardSchedule, seed: FuzzSeed, rating: Rating, at now: Date) -> CardSchedule {
        var c = card
        let sinceLast = c.lastReview.map { wholeDays(from: $0, to: now) }
        var interval: Double // seconds
        var graduated = false
        switch c.state {
        case .new, .learning:
            let step = c.step ?? 0
            if c.state == .new || c.stability == nil || c.difficulty == nil {
                c.stability = initialStability(rating)
                c.difficulty = initialDifficulty(rating, clamp: true)
            } else if let days = sinceLast, days < 1 {
                c.stability = shortTermStability(c.stability!, rating)
                c.difficulty = nextDifficulty(c.difficulty!, rating)
            } else {
                c.stability = nextStability(d: c.difficulty!, s: c.stability!, r: retrievability(c, at: now), rating: rating)
                c.difficulty = nextDifficulty(c.difficulty!, rating)
            }
            if let next = stepInterval(steps: learningSteps, step: step, rating: rating) {
                c.state = .learning
                c.step = next.step
                interval = next.seconds
            } else {
                graduated = true
                interval = 0
            }
        case .review:
            if let days = sinceLast, days < 1 {
                c.stability = shortTermStability(c.stability!, rating)
            } else {
                c.stability = nextStability(d: c.difficulty!, s: c.stability!, r: retrievability(c, at: now), rating: rating)
            }
            c.difficulty = nextDifficulty(c.difficulty!, rating)
            if rating == .again && !relearningSteps.isEmpty {
                c.lapses += 1
                c.state = .relearning
                c.step = 0
                interval = relearningSteps[0]
            } else {
                if rating == .again { c.lapses += 1 }
                graduated = true
                interval = 0
            }
        case .relearning:
            let step = c.step ?? 0
            if let days = sinceLast, days < 1 {
                c.stability = shortTermStability(c.stability!, rating)
            } else {
                c.stability = nextStability(d: c.difficulty!, s: c.stability!, r: retrievability(c, at: now), rating: rating)
            }
            c.difficulty = nextDifficulty(c.difficulty!, rating)
            if let next = stepInterval(steps: relearningSteps, step: step, rating: rating) {
                c.step = next.step
                interval = next.seconds
            } else {
                graduated = true
                interval = 0
            }
        }
        if graduated {
            c.state = .review
            c.step = nil
            var days = nextInterval(c.stability!)
            if fuzz { days = fuzzed(days: days, seed: seed, reps: c.reps) }
            interval = Double(days) * 86400
        }
        c.reps += 1
        c.due = now.addingTimeInterval(interval)
        c.lastReview = now
        return c
    }
}

/// SuperMemo 2, with learning steps in front. Ratings map to SM-2 quality: Again 1 (fail), Hard 3, Good 4, Easy 5.
/// `difficulty` holds the easiness factor (EF) and `stability` the current interval in days.
public struct SM2: Scheduler {
    public let learningSteps: [Double]
    public let relearningSteps: [Double]
    public let maximumInterval: Int
    public let fuzz: Bool

    public init(settings: Settings) {
        learningSteps = settings.learningStepsMinutes.map { $0 * 60 }
        relearningSteps = settings.relearningStepsMinutes.map { $0 * 60 }
        maximumInterval = settings.maximumIntervalDays
        fuzz = settings.fuzz
    }

    static func quality(_ r: Rating) -> Double {
        switch r { case .again: 1; case .hard: 3; case .good: 4; case .easy: 5 }
    }

    public func retrievability(_ card: CardSchedule, at now: Date) -> Double {
        guard let last = card.lastReview, let ivl = card.stability, ivl > 0 else { return 0 }
        // SM-2 has no memory model; assume 90 % recall at the scheduled interval, exponential forgetting.
        let elapsed = max(0, now.timeIntervalSince(last) / 86400)
        return pow(0.9, elapsed / ivl)
    }

    public func review(_ card: CardSchedule, seed: FuzzSeed, rating: Rating, at now: Date) -> CardSchedule {
        var c = card
        let ef = c.difficulty ?? 2.5
        let q = SM2.quality(rating)
        var interval: Double
        func graduate(days: Double) {
            var d = Int(saturating: min(max(days.rounded(), 1), Double(maximumInterval)))
            if fuzz && d >= 3 {
                let spread = max(1, Int((Double(d) * 0.05).rounded()))
                d = min(maximumInterval, d - spread + Int(fuzzUnit(seed: seed, reps: c.reps) * Double(2 * spread + 1)))
            }
            c.state = .review
            c.step = nil
            c.stability = Double(d)
            interval = Double(d) * 86400
        }
        interval = 0
        switch c.state {
        case .new, .learning, .relearning:
            let steps = c.state == .relearning ? relearningSteps : learningSteps
            let step = c.step ?? 0
            c.difficulty = ef
            if rating == .again {
                c.state = c.state == .new ? .learning : c.state
                c.step = 0
                if steps.isEmpty { graduate(days: 1) } else { interval = steps[0] }
            } else if rating == .easy || steps.isEmpty || step + 1 >= steps.count && rating == .good || step >= steps.count {
                graduate(days: c.state == .relearning ? 1 : (rating == .easy ? 4 : 1))
            } else if rating == .hard {
                c.state = c.state == .new ? .learning : c.state
                c.step = step
                interval = steps[step]
            } else {
                c.state = c.state == .new ? .learning : c.state
                c.step = step + 1
                interval = steps[step + 1]
            }
        case .review:
            let newEF = max(1.3, ef + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)))
            c.difficulty = newEF
            if rating == .again {
                c.lapses += 1
                if relearningSteps.isEmpty { graduate(days: 1) } else {
                    c.state = .relearning
                    c.step = 0
                    interval = relearningSteps[0]
                }
            } else {
                let last = c.stability ?? 1
                // Second successful review: 6 days; afterwards interval × EF (Hard: × 1.2).
                let next = last < 6 ? (rating == .hard ? max(last + 1, 3) : 6) : (rating == .hard ? last * 1.2 : last * newEF)
                graduate(days: next)
            }
        }
        c.reps += 1
        c.due = now.addingTimeInterval(interval)
        c.lastReview = now
        return c
    }
}

/// Short interval text: `10m`, `5h`, `1d`, `4d`, `3mo`, `1.2y`.
public func shortInterval(_ seconds: Double) -> String {
    let s = max(0, seconds)
    if s < 60 { return "<1m" }
    if s < 3600 { return "\(Int(saturating: (s / 60).rounded()))m" }
    if s < 86400 { return "\(Int(saturating: (s / 3600).rounded()))h" }
    let days = s / 86400
    if days < 30 { return "\(Int(saturating: days.rounded()))d" }
    if days < 365 { return "\(Int(saturating: (days / 30).rounded()))mo" }
    let years = days / 365
    return years < 10 ? "\(((years * 10).rounded() / 10).formatted0)y" : "\(Int(saturating: years.rounded()))y"
}

extension Double {
    /// 1.0 → "1", 1.5 → "1.5".
    var formatted0: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}

extension Int {
    /// `Int(d)` that saturates instead of trapping: NaN is 0, values beyond the range are `Int.min`/`Int.max`
    /// (settings and histories are bounded, but arithmetic must never crash the app).
    public init(saturating d: Double) {
        if d.isNaN { self = 0 } else if d >= 9.2e18 { self = .max } else if d <= -9.2e18 { self = .min } else { self = Int(d) }
    }
}
