import Foundation
import Testing
@testable import PrepdeckCore

/// The labelled set of docs/grading.md: (answer, key point, covered) pairs written for measuring the grader.
struct GradingSet {
    struct Answer { var style: String; var text: String; var covered: [Bool] }
    struct Item { var question: String; var keyPoints: [String]; var answers: [Answer] }
    var name: String
    var items: [Item]

    static func load(_ name: String) throws -> GradingSet {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/grading/\(name).json")
        let root = try JSONParser.parse([UInt8](try Data(contentsOf: url)))
        let items = (root["items"]?.array ?? []).map { it in
            Item(question: it["question"]?.string ?? "", keyPoints: (it["keyPoints"]?.array ?? []).compactMap(\.string),
                 answers: (it["answers"]?.array ?? []).map { a in
                     Answer(style: a["style"]?.string ?? "", text: a["text"]?.string ?? "",
                            covered: (a["covered"]?.array ?? []).compactMap(\.bool))
                 })
        }
        return GradingSet(name: name, items: items)
    }
}

/// The grader as the app makes it: the bundled glossary and the bundled bank's texts.
let bundledGrader: Grader = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let bytes = (try? Data(contentsOf: root.appendingPathComponent("Assets/grading/glossary.json"))).map { [UInt8]($0) } ?? []
    let glossary = (try? JSONParser.parse(bytes)).map(decodeGlossary) ?? []
    let docs = BankContent.bundled.questions.map(GradingTerms.document)
    return Grader(terms: GradingTerms(glossary: glossary, documents: docs))
}()

@Suite struct GraderTests {
    /// Precision and recall of "covered" on the labelled set (both files); printed for docs/grading.md.
    @Test func precisionAndRecallOnTheLabelledSet() throws {
        let bank = Dictionary(BankContent.bundled.questions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var tp = 0, fp = 0, fn = 0, tn = 0
        var byStyle: [String: (Int, Int)] = [:] // wrongly judged, total
        for name in ["set-a", "set-b"] {
            let set = try GradingSet.load(name)
            #expect(set.items.count == 20)
            for item in set.items {
                let q = try #require(bank[item.question], "\(item.question) is not in the bank")
                #expect(q.keyPoints == item.keyPoints, "\(item.question): the fixture's key points are not the bank's")
                for a in item.answers {
                    let got = bundledGrader.covered(answer: a.text, keyPoints: item.keyPoints, modelAnswer: q.answer)
                    for (k, label) in a.covered.enumerated() {
                        let said = got.contains(k)
                        switch (said, label) {
                        case (true, true): tp += 1
                        case (true, false): fp += 1
                        case (false, true): fn += 1
                        case (false, false): tn += 1
                        }
                        var s = byStyle[a.style] ?? (0, 0)
                        s.0 += said != label ? 1 : 0
                        s.1 += 1
                        byStyle[a.style] = s
                    }
                }
            }
        }
        let precision = Double(tp) / Double(max(1, tp + fp)), recall = Double(tp) / Double(max(1, tp + fn))
        print(String(format: "grader on the labelled set: %d pairs, precision %.3f, recall %.3f (tp %d fp %d fn %d tn %d)",
                     tp + fp + fn + tn, precision, recall, tp, fp, fn, tn))
        for (style, s) in byStyle.sorted(by: { $0.key < $1.key }) { print("  \(style): \(s.0) of \(s.1) misjudged") }
        #expect(tp + fp + fn + tn >= 150)
        #expect(precision >= 0.80, "precision \(precision)")
        #expect(recall >= 0.80, "recall \(recall)")
    }
}

extension GraderTests {
    @Test func wordsAreFoldedSplitAndStemmed() {
        #expect(GradingTerms.tokens("Caches, caching & CACHE") == ["cach", "cach", "cach"])
        #expect(GradingTerms.tokens("retry retries retried") == ["retr", "retr", "retr"])
        #expect(GradingTerms.tokens("consistency consistent") == ["consist", "consist"])
        #expect(GradingTerms.tokens("p99.9 latency in 1.11, e.g. C++ and C#") == ["p99.9", "latenc", "in", "1.11", "e", "g", "c++", "and", "c#"])
        #expect(GradingTerms.tokens("evict <= now - W; a->b") == ["evict", "≤", "now", "w", "a", "→", "b"])
        #expect(GradingTerms.tokens("Café naïve") == ["caf", "naiv"])
        #expect(GradingTerms.sentences("One. Two!\nThree: four\n\n five") == ["One.", "Two!", "Three:", "four", " five"])
    }

    @Test func glossaryTermsMeetAndRarityWeighs() {
        let terms = GradingTerms(glossary: [["p99", "99th percentile"], ["dead letter queue", "dlq"]],
                                 documents: ["the queue and the cache", "the queue", "a dlq"])
        #expect(terms.terms("the 99th percentile") == terms.terms("p99"))
        #expect(terms.terms("send it to the DLQ") == terms.terms("send it to the dead-letter queue"))
        // "queue" is in two documents of three, "cache" in one: rarer, heavier.
        #expect(terms.idf(terms.terms("queue")[0]) < terms.idf(terms.terms("cache")[0]))
    }

    /// An answer that repeats a point's words without the mechanism or reason is not ticked (the
    /// name-only answers of the labelled set): at most one pair in ten of them is ticked wrongly.
    @Test func answersThatOnlyNameTheTermsAreMostlyNotTicked() throws {
        let bank = Dictionary(BankContent.bundled.questions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var wrong = 0, pairs = 0
        for name in ["set-a", "set-b"] {
            for item in try GradingSet.load(name).items {
                let q = try #require(bank[item.question])
                for a in item.answers where a.style == "name-only" {
                    let got = bundledGrader.covered(answer: a.text, keyPoints: item.keyPoints, modelAnswer: q.answer)
                    for (k, label) in a.covered.enumerated() where !label { pairs += 1; if got.contains(k) { wrong += 1 } }
                }
            }
        }
        print("name-only answers: \(wrong) of \(pairs) uncovered pairs ticked")
        #expect(pairs > 200 && Double(wrong) / Double(pairs) <= 0.10)
    }

    @Test func aFollowUpsSentencesAreTickedWhenMostOfTheirWordsAreThere() {
        let points = followUpPoints("Each message has a per-user **sequence number**.\n- The client acknowledges the last number it processed.\n- The server replays from the last acknowledged number after a reconnect.\n- The client drops duplicates by sequence number.\n- A leader election decides the primary.")
        let answer = "Every message carries a sequence number per user; the client acks the last one it processed, the server replays from there after a reconnect and the client drops duplicates."
        #expect(bundledGrader.coveredSentences(answer: answer, sentences: points) == [0, 1, 2, 3])
        #expect(bundledGrader.coveredSentences(answer: "", sentences: points).isEmpty)
    }

    @Test func theSuggestedRatingFollowsCoverageAndTime() {
        #expect(suggestedRating(covered: 1, total: 5, seconds: 60, budgetSeconds: 300) == .again)
        #expect(suggestedRating(covered: 3, total: 6, seconds: 60, budgetSeconds: 300) == .hard)
        #expect(suggestedRating(covered: 5, total: 6, seconds: 200, budgetSeconds: 300) == .good)
        #expect(suggestedRating(covered: 6, total: 6, seconds: 200, budgetSeconds: 300) == .easy)
        #expect(suggestedRating(covered: 6, total: 6, seconds: 290, budgetSeconds: 300) == .good) // all covered, but slow
        #expect(suggestedRating(covered: 5, total: 6, seconds: 400, budgetSeconds: 300) == .hard) // a third over time
        #expect(suggestedRating(covered: 0, total: 0, seconds: 1, budgetSeconds: nil) == .good)
    }
}
