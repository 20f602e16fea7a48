import Foundation
import Testing
@testable import PrepdeckCore

@Suite struct OptimizerTests {
    /// Weights that are not the defaults: firmer first memories, slower growth, a steeper curve.
    static let truth: [Double] = {
        var w = FSRS.defaultParameters
        w[0] = 0.8; w[1] = 3.0; w[2] = 7.0; w[3] = 25.0
        w[8] = 1.3; w[9] = 0.3; w[10] = 1.3; w[11] = 1.8; w[20] = 0.45
        return w
    }()

    @Test func theGradientMatchesFiniteDifferences() {
        let sim = simulatedReviewLog(truth: Self.truth, cards: 30, days: 120, seed: 7)
        let opt = FSRSOptimizer(sequences: sim)
        let w = Self.truth
        let (g, total) = opt.gradient(w, cards: ArraySlice(0..<30), recency: 0...1)
        #expect(total > 0)
        func weightedLoss(_ w: [Double]) -> Double {
            var l = 0.0
            for c in 0..<30 {
                FSRSOptimizer.run(w, opt.data, card: c) { k, p in
                    let rec = Double(opt.data.recency[k])
                    let y = opt.data.rating[k] > 1 ? 1.0 : 0.0
                    l -= (0.25 + 0.75 * pow(rec, 3)) * (y * log(p) + (1 - y) * log(1 - p))
                }
            }
            return l
        }
        for j in [0, 2, 4, 6, 8, 9, 10, 11, 14, 17, 20] {
            var up = w, down = w
            let h = 1e-6 * max(1, abs(w[j]))
            up[j] += h; down[j] -= h
            let numeric = (weightedLoss(up) - weightedLoss(down)) / (2 * h)
            #expect(abs(numeric - g[j]) <= 1e-4 * max(1, abs(numeric)), "w\(j): analytic \(g[j]) numeric \(numeric)")
        }
    }

    @Test func theFitRecoversTheGeneratingWeightsLogLoss() {
        let sim = simulatedReviewLog(truth: Self.truth, cards: 400, days: 240, seed: 11)
        let opt = FSRSOptimizer(sequences: sim)
        #expect(opt.reviewsUsed > 2000)
        let r = opt.fit(current: FSRS.defaultParameters)
        let truthLoss = opt.evaluate(Self.truth).logLoss
        #expect(r.stage == .full)
        #expect(r.fitted.logLoss <= truthLoss * 1.005, "fitted \(r.fitted.logLoss) truth \(truthLoss)")
        #expect(r.fitted.logLoss < r.defaults.logLoss && r.fitted.rmseBins < r.defaults.rmseBins)
        #expect(r.beatsCurrent)
        #expect(FSRS.parameterProblem(r.parameters) == nil)
        let h = try! #require(r.heldOut)
        let testRange = Float(Double(h.trainReviews) / Double(opt.reviewsUsed - 1))...1
        let truthHeldOut = opt.evaluate(Self.truth, recency: testRange)
        #expect(truthHeldOut.count == h.testReviews)
        #expect(h.testReviews > 0 && h.fitted.logLoss < h.defaults.logLoss, "\(h) all: \(r.fitted) \(r.defaults) truth \(truthLoss) \(truthHeldOut) \(r.parameters)")
    }

    @Test func theFitIsDeterministic() {
        let sim = simulatedReviewLog(truth: Self.truth, cards: 120, days: 150, seed: 3)
        var opt = FSRSOptimizer(sequences: sim)
        opt.minimumSteps = 60 // the rule under test is sameness, not fit quality: fewer steps, a faster test
        let a = opt.fit(current: FSRS.defaultParameters)
        let b = opt.fit(current: FSRS.defaultParameters)
        #expect(a.parameters == b.parameters && a.fitted == b.fitted)
        // Fitted again with the fitted weights current: nothing better is found, so --apply keeps them.
        let again = opt.fit(current: a.parameters)
        #expect(again.parameters == a.parameters && !again.beatsCurrent)
    }

    @Test func tooFewReviewsKeepTheDefaultsOrFitOnlyTheInitialStabilities() {
        let t0 = Date(timeIntervalSince1970: 1_767_225_600)
        func card(_ ratings: [(Int, Rating)]) -> [ReviewPoint] { ratings.map { ReviewPoint(at: t0.addingTimeInterval(Double($0.0) * 86400), rating: $0.1) } }
        let few = (0..<3).map { _ in card([(0, .good), (3, .good), (10, .again)]) } // 6 loss reviews
        let r = FSRSOptimizer(sequences: few).fit(current: FSRS.defaultParameters)
        #expect(r.stage == .defaults && r.parameters == FSRS.defaultParameters && r.reviewsUsed == 6 && !r.beatsCurrent)
        #expect(r.reason.contains("8 are needed"))
        let some = (0..<20).map { k in card([(0, k % 3 == 0 ? .again : .good), (2, k % 4 == 0 ? .again : .good)]) } // 20
        let s = FSRSOptimizer(sequences: some).fit(current: FSRS.defaultParameters)
        #expect(s.stage == .initialStabilities && s.reviewsUsed == 20)
        #expect(Array(s.parameters[4...]) == Array(FSRS.defaultParameters[4...]))
        #expect(s.parameters[0...3] != FSRS.defaultParameters[0...3])
        #expect(s.parameters[0] <= s.parameters[1] && s.parameters[1] <= s.parameters[2] && s.parameters[2] <= s.parameters[3])
    }

    @Test func rmseBinsGroupsAsTheBenchmarkDoes() {
        // Bins by powers: 1–3 days share a bin, 4 starts the next (3.62); review numbers 1 and 2–3 differ (1.89).
        #expect(FSRSOptimizer.bin(elapsed: 1, index: 1, lapses: 0) == FSRSOptimizer.bin(elapsed: 3, index: 1, lapses: 0))
        #expect(FSRSOptimizer.bin(elapsed: 3, index: 1, lapses: 0) != FSRSOptimizer.bin(elapsed: 4, index: 1, lapses: 0))
        #expect(FSRSOptimizer.bin(elapsed: 2, index: 1, lapses: 0) != FSRSOptimizer.bin(elapsed: 2, index: 2, lapses: 0))
        #expect(FSRSOptimizer.bin(elapsed: 2, index: 2, lapses: 0) == FSRSOptimizer.bin(elapsed: 2, index: 3, lapses: 0))
        #expect(FSRSOptimizer.bin(elapsed: 2, index: 2, lapses: 0) != FSRSOptimizer.bin(elapsed: 2, index: 2, lapses: 1))
        // A perfect predictor per bin scores 0; the log loss of p = 0.5 everywhere is ln 2.
        let t0 = Date(timeIntervalSince1970: 1_767_225_600)
        let seqs = (0..<10).map { k in [ReviewPoint(at: t0, rating: .good), ReviewPoint(at: t0.addingTimeInterval(86400 * 5), rating: k < 5 ? .good : .again)] }
        let opt = FSRSOptimizer(sequences: seqs)
        let m = opt.evaluate(FSRS.defaultParameters)
        var w = FSRS.defaultParameters
        w[2] = 0.001 // Good's first stability tiny: recall after 5 days near 0
        // All ten reviews fall in one bin: RMSE(bins) is |mean outcome − mean prediction|, here |0.5 − R(5 days)|.
        var card = CardSchedule()
        card = FSRS(settings: { var s = Settings(); s.parameters = w; return s }()).review(card, cardID: "x", rating: .good, at: t0)
        let r5 = FSRS(settings: { var s = Settings(); s.parameters = w; return s }()).retrievability(card, at: t0.addingTimeInterval(86400 * 5))
        let tiny = opt.evaluate(w)
        #expect(m.count == 10 && abs(tiny.rmseBins - abs(0.5 - r5)) < 1e-12 && r5 < 0.3, "\(tiny) \(r5)")
        #expect(abs(tiny.logLoss - -(0.5 * log(r5) + 0.5 * log(1 - r5))) < 1e-12)
    }
}

@Suite struct RetentionAdviceTests {
    @Test func aHigherRetentionCostsMoreReviewsAndBuysRecall() {
        let sim = simulatedReviewLog(truth: OptimizerTests.truth, cards: 80, days: 120, seed: 9)
        let now = Date(timeIntervalSince1970: 1_767_225_600 + 120 * 86400)
        let a = RetentionAdvice(sequences: sim, settings: Settings(), parameters: OptimizerTests.truth, now: now, days: 180)
        #expect(a.cards == 80 && a.rows.map(\.desiredRetention) == RetentionAdvice.retentions)
        for (lo, hi) in zip(a.rows, a.rows.dropFirst()) {
            #expect(lo.reviewsPerDay <= hi.reviewsPerDay, "\(lo) \(hi)")
            #expect(lo.recall <= hi.recall + 0.01, "\(lo) \(hi)")
        }
        #expect(a.rows.first!.reviewsPerDay < a.rows.last!.reviewsPerDay && a.rows.first!.recall < a.rows.last!.recall)
        // The mark is the row with the least time per card kept.
        let best = a.rows.min { $0.minutesPerCardKept < $1.minutesPerCardKept }!
        #expect(a.best == best.desiredRetention && a.rows.allSatisfy { $0.minutesPerCardKept > 0 })
        // Deterministic.
        #expect(RetentionAdvice(sequences: sim, settings: Settings(), parameters: OptimizerTests.truth, now: now, days: 180) == a)
        // No seen card: nothing to simulate.
        let none = RetentionAdvice(sequences: [], settings: Settings(), parameters: FSRS.defaultParameters, now: now)
        #expect(none.cards == 0 && none.rows.allSatisfy { $0.reviewsPerDay == 0 })
    }
}

@Suite struct FittedWeightsSettingsTests {
    @Test func theFittedFieldsRoundTripAndNameTheWeights() throws {
        var s = Settings()
        #expect(s.weightsSummary.contains("published FSRS-6 defaults"))
        s.parameters[0] = 0.5
        #expect(s.weightsSummary == "your own, from settings.json")
        s.parametersFittedAt = "2026-12-03T09:30:00Z"
        s.parametersFittedReviews = 2949
        #expect(s.weightsSummary == "fitted to your log on 2026-12-03 from 2949 reviews (prepdeck optimize)")
        let back = try Settings.decode(try JSONParser.parse(JSONWriter.write(s.encode(), indent: 2)))
        #expect(back == s)
        // They do not change schedules: the caches stay valid.
        var plain = s
        plain.parametersFittedAt = nil; plain.parametersFittedReviews = nil
        #expect(plain.schedulingHash(seed: 1) == s.schedulingHash(seed: 1))
        for bad in ["{\"parameters_fitted_at\": \"yesterday\"}", "{\"parameters_fitted_reviews\": -1}", "{\"parameters_fitted_reviews\": 1.5}"] {
            #expect(throws: Settings.FieldError.self) { try Settings.decode(try JSONParser.parse(bad)) }
        }
        s.scheduler = .sm2
        #expect(s.weightsSummary.contains("SM-2"))
    }
}

extension RetentionAdviceTests {
    @Test func aLargeCollectionIsSimulatedOnAnEvenSample() {
        let sim = simulatedReviewLog(truth: OptimizerTests.truth, cards: 900, days: 100, seed: 4)
        let now = Date(timeIntervalSince1970: 1_767_225_600 + 100 * 86400)
        let full = RetentionAdvice(sequences: sim, settings: Settings(), parameters: OptimizerTests.truth, now: now, days: 120)
        let sampled = RetentionAdvice(sequences: sim, settings: Settings(), parameters: OptimizerTests.truth, now: now, days: 120, maxCards: 300)
        #expect(full.simulatedCards == 900 && sampled.simulatedCards == 300 && sampled.cards == 900)
        // Reviews a day are scaled to the whole collection: near the full run's, not a third of it.
        let f = full.rows.map(\.reviewsPerDay).reduce(0, +), s = sampled.rows.map(\.reviewsPerDay).reduce(0, +)
        #expect(abs(s - f) <= 0.1 * f, "\(full.rows) \(sampled.rows)")
        for (a, b) in zip(full.rows, sampled.rows) { #expect(abs(a.recall - b.recall) < 0.03) }
    }
}
