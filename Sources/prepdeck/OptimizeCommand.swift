import ArgumentParser
import Foundation
import PrepdeckCore
import PrepdeckStore

/// `prepdeck optimize`: fits the FSRS-6 weights to the user's own log and, with --apply, keeps them when better.
struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Fit the 21 FSRS-6 weights to your reviews.jsonl and compare them with the current and default ones.",
        discussion: """
            Scores each set of weights by log loss and RMSE(bins) on every review a day or more after the card's previous \
            one, and on the last 20 % of them in time after a fit on the first 80 % (held out). --apply writes the fitted \
            weights to settings.json ("parameters") only when they beat the current ones on RMSE(bins); the schedules are \
            then the replay of the log with them. See docs/scheduling.md, "Fitting the weights".
            """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Write the fitted weights to settings.json if they beat the current ones.") var apply = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: apply ? .write : .read)
            for w in ctx.warnings { warn(w) }
            let sequences = try ctx.store.reviewSequences()
            let optimizer = FSRSOptimizer(sequences: sequences)
            let result = optimizer.fit(current: ctx.settings.parameters)
            // The advice is for the weights that will be in use: the fitted ones where they are better.
            let advice = RetentionAdvice(sequences: sequences, settings: ctx.settings,
                                         parameters: result.beatsCurrent ? result.parameters : ctx.settings.parameters, now: ctx.clock.now())
            var applied = false
            var note: String
            if !apply {
                note = result.beatsCurrent ? "prepdeck optimize --apply would keep the fitted weights." : "The fitted weights do not beat the current ones."
            } else if !result.beatsCurrent {
                note = result.stage == .defaults ? "Nothing was fitted; settings.json is unchanged."
                    : "The fitted weights do not beat the current ones on RMSE(bins); settings.json is unchanged."
            } else if ctx.settings.scheduler != .fsrs {
                throw CLIError("settings.json uses the sm2 scheduler; FSRS weights apply to \"scheduler\": \"fsrs\" only", code: 64)
            } else {
                var s = ctx.settings
                s.parameters = result.parameters
                s.parametersFittedAt = RFC3339.format(ctx.clock.now())
                s.parametersFittedReviews = result.reviewsUsed
                try ctx.store.writeSettings(s)
                applied = true
                note = "Wrote the fitted weights to settings.json; schedules are now the replay of the log with them."
            }
            if json { printJSON(result.toJSON(applied: applied, advice: advice)); return }
            FileHandle.standardOutput.write(Data((optimizeText(result) + adviceText(advice, current: ctx.settings.desiredRetention)
                                                  + note + "\n").utf8))
        }
    }
}

func optimizeText(_ r: FSRSOptimizer.Result) -> String {
    func f(_ x: Double) -> String { String(format: "%.4f", x) }
    var out = "Reviews used: \(r.reviewsUsed) (\(r.reason)).\n\n"
    func rows(_ current: FSRSOptimizer.Metrics, _ fitted: FSRSOptimizer.Metrics, _ defaults: FSRSOptimizer.Metrics) -> String {
        [("current", current), ("fitted", fitted), ("defaults", defaults)].map { name, m in
            name.padding(toLength: 9, withPad: " ", startingAt: 0) + f(m.logLoss).leftPad(10) + f(m.rmseBins).leftPad(12) + "\n"
        }.joined()
    }
    out += "weights    log loss  RMSE(bins)\n" + rows(r.current, r.fitted, r.defaults)
    if let h = r.heldOut {
        out += "\nHeld out: fitted on the first \(h.trainReviews) reviews in time, scored on the last \(h.testReviews):\n"
            + rows(h.current, h.fitted, h.defaults)
    }
    out += "\nFitted weights:\n" + stride(from: 0, to: r.parameters.count, by: 7).map { i in
        r.parameters[i..<min(i + 7, r.parameters.count)].map(f).joined(separator: " ")
    }.joined(separator: "\n") + "\n\n"
    return out
}

func adviceText(_ a: RetentionAdvice, current: Double) -> String {
    guard a.cards > 0 else { return "" }
    var out = "Desired retention over the next \(a.days) days for your \(a.cards) seen card(s) (simulated):\n"
    out += "retention  reviews/day  recall  at the end  minutes per card kept\n"
    for r in a.rows {
        let mark = r.desiredRetention == a.best ? "  ← least time per card kept" : abs(r.desiredRetention - current) < 1e-9 ? "  (yours)" : ""
        out += String(format: "%9.2f  %11.1f  %5.1f %%  %8.1f %%  %21.2f", r.desiredRetention, r.reviewsPerDay, r.recall * 100,
                      r.recallAtEnd * 100, r.minutesPerCardKept)
            + mark + "\n"
    }
    return out + "desired_retention in settings.json is yours to set; a higher one buys recall with reviews.\n\n"
}
