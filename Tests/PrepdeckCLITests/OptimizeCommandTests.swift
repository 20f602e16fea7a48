import Foundation
import Testing
import PrepdeckCore

@Suite struct OptimizeCommandTests {
    /// A log the scheduler made from non-default weights; its first five cards are the seed bank's questions.
    func writeSimulatedLog(_ dir: String, cards: Int) throws {
        var w = FSRS.defaultParameters
        w[0] = 0.8; w[1] = 3.0; w[2] = 7.0; w[3] = 25.0; w[8] = 1.3; w[10] = 1.3; w[20] = 0.45
        let sim = simulatedReviewLog(truth: w, cards: cards, days: 200, seed: 5,
                                     start: Date(timeIntervalSince1970: 1_747_000_000))
        var log = ""
        var n = 0
        for (c, seq) in sim.enumerated() {
            let card = c < seedIDs.count ? seedIDs[c] : "sim-\(c)"
            for p in seq {
                n += 1
                log += "{\"id\":\"s\(n)\",\"card\":\"\(card)\",\"rating\":\(p.rating.rawValue),\"at\":\"\(RFC3339.format(p.at))\",\"mode\":\"review\"}\n"
            }
        }
        try write(dir + "/reviews.jsonl", log)
    }

    func dues(_ dir: String) throws -> [String: String] {
        let r = try prepdeck(["list", "--json", "--bank", seedBank], dataDir: dir)
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, "\(($0["schedule"] as? [String: Any])?["due"] ?? "")") })
    }

    @Test func applyKeepsBetterWeightsAndTheDueDatesFollow() throws {
        let dir = tempDataDir()
        try writeSimulatedLog(dir, cards: 60)
        let before = try dues(dir)
        let look = try prepdeck(["optimize", "--json", "--bank", seedBank], dataDir: dir)
        #expect(look.status == 0, "\(look.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(look.stdout.utf8)) as! [String: Any]
        #expect((j["parameters"] as! [Double]).count == 21 && j["applied"] as? Bool == false && j["stage"] as? String == "full")
        #expect((j["reviews_used"] as! Int) >= 64)
        let fitted = j["fitted"] as! [String: Double], current = j["current"] as! [String: Double]
        #expect(fitted["rmse_bins"]! < current["rmse_bins"]! && fitted["log_loss"]! < current["log_loss"]!)
        #expect(j["held_out"] is [String: Any])
        let advice = j["retention_advice"] as! [String: Any]
        #expect((advice["rows"] as! [Any]).count == 11 && advice["cards"] as? Int == 60 && advice["best"] is Double)
        #expect(!FileManager.default.fileExists(atPath: dir + "/settings.json"))
        // --apply writes them, and list --json's due dates are the replay with them.
        let applied = try prepdeck(["optimize", "--apply", "--json", "--bank", seedBank], dataDir: dir)
        let a = try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as! [String: Any]
        #expect(applied.status == 0 && a["applied"] as? Bool == true, "\(applied.stderr)")
        let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/settings.json"))) as! [String: Any]
        #expect(settings["parameters"] as? [Double] == a["parameters"] as? [Double])
        #expect(settings["parameters_fitted_reviews"] as? Int == a["reviews_used"] as? Int && settings["parameters_fitted_at"] is String)
        let after = try dues(dir)
        #expect(before.keys.sorted() == after.keys.sorted() && before.values.allSatisfy { $0.hasPrefix("20") })
        #expect(seedIDs.contains { before[$0] != after[$0] }, "\(before) \(after)")
        // Again: the same weights are found, they do not beat themselves, nothing is written.
        let saved = try Data(contentsOf: URL(fileURLWithPath: dir + "/settings.json"))
        let again = try prepdeck(["optimize", "--apply", "--bank", seedBank], dataDir: dir)
        #expect(again.status == 0 && again.stdout.contains("do not beat the current ones"), "\(again.stdout) \(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/settings.json")) == saved)
    }

    @Test func tooFewReviewsKeepTheDefaults() throws {
        let dir = tempDataDir()
        try write(dir + "/reviews.jsonl", """
            {"id":"a","card":"caching-product-catalog","rating":3,"at":"2026-11-01T10:00:00Z","mode":"review"}
            {"id":"b","card":"caching-product-catalog","rating":3,"at":"2026-11-04T10:00:00Z","mode":"review"}

            """)
        let r = try prepdeck(["optimize", "--apply", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 0 && r.stdout.contains("Reviews used: 1") && r.stdout.contains("8 are needed"), "\(r.stdout)")
        #expect(r.stdout.contains("Nothing was fitted; settings.json is unchanged."))
        #expect(!FileManager.default.fileExists(atPath: dir + "/settings.json"))
    }
}
