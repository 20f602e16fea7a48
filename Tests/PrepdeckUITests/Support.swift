import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckUI

let now = RFC3339.parse("2026-11-29T10:00:00Z")!

func question(_ id: String, _ title: String, prompt: String = "A prompt.", d: Difficulty = .medium, k: Kind = .technical,
              topics: [String] = ["caching"], answer: String = "## Heading\n\nSome **bold** and `code`.\n\n- one\n- two",
              keyPoints: [String] = ["first point", "second point", "third point"]) -> Question {
    Question(id: id, title: title, prompt: prompt, difficulty: d, kind: k, topics: topics, answer: answer,
             keyPoints: keyPoints, followUps: ["A follow-up?"], timeLimitMinutes: nil)
}

let sampleQuestions: [Question] = [
    question("caching-product-catalog", "Caching strategy for a read-heavy product catalog", prompt: "Design a caching strategy.", topics: ["caching", "system-design"]),
    question("optimistic-locking-inventory", "Optimistic vs pessimistic locking", prompt: "Explain optimistic locking with a version column.", d: .medium, topics: ["concurrency", "postgresql"],
             answer: (1...40).map { "Paragraph \($0) of a long answer about locking and versions." }.joined(separator: "\n\n")),
    question("multi-region-social-app", "Multi-region social app", prompt: "Design a multi-region deployment.", d: .hard, k: .systemDesign, topics: ["system-design"]),
    question("payment-service-testing", "Testing a payment service", prompt: "Describe testing strategies.", d: .easy, topics: ["testing"]),
    question("ask-on-call", "Ask about on-call", prompt: "What does on-call look like?", d: .easy, k: .askTheInterviewer, topics: ["role-and-process"]),
]

func makeModel(_ questions: [Question] = sampleQuestions, entries: [LogEntry] = [], width: Int = 80, height: Int = 24, theme: Theme = .color) -> AppModel {
    let catalog = try! Catalog(banks: [Bank(file: "t.json", deck: Deck(id: "t", title: "T"), questions: questions)])
    var s = Settings()
    s.fuzz = false
    return AppModel(catalog: catalog, progress: StudyProgress(entries: entries, settings: s), theme: theme,
                    width: width, height: height, now: now)
}

extension AppModel {
    @discardableResult
    mutating func press(_ keys: Key..., at t: Date = now) -> [Effect] {
        var all: [Effect] = []
        for k in keys { all += update(.key(k), now: t) }
        return all
    }

    mutating func type(_ text: String, at t: Date = now) {
        for c in text { _ = update(.key(.char(c)), now: t) }
    }

    func screen(at t: Date = now) -> String { view(now: t).text }
}
