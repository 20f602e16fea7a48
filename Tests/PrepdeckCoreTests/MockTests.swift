import Foundation
import Testing
@testable import PrepdeckCore

private let t0 = RFC3339.parse("2026-12-01T10:00:00Z")!

private func q(_ id: String, _ kind: Kind, topics: [String] = ["caching"], minutes: Int? = nil, followUps: Int = 2) -> Question {
    Question(id: id, title: id, prompt: "Prompt of \(id).", difficulty: .medium, kind: kind, topics: topics,
             answer: "Answer of \(id).", keyPoints: ["one", "two", "three"],
             followUps: (0..<followUps).map { "Follow-up \($0) of \(id)?" }, followUpAnswers: (0..<followUps).map { "Answer \($0)." },
             timeLimitMinutes: minutes)
}

/// Three questions of every kind (two of every kind in "caching", one in "queues").
private let pool: [Question] = Kind.allCases.flatMap { k in
    [q("\(k.rawValue)-a", k), q("\(k.rawValue)-b", k), q("\(k.rawValue)-c", k, topics: ["queues"])]
} + [q("technical-d", .technical), q("technical-e", .technical, followUps: 0)]

private func progress(_ entries: [LogEntry] = []) -> StudyProgress {
    var s = Settings()
    s.fuzz = false
    return StudyProgress(entries: entries, settings: s)
}

@Suite struct MockTests {
    @Test func theLoopHasEveryKindInOrderOnOneClock() {
        let loop = buildMockLoop(pool, spec: MockSpec(minutes: 45, seed: 7), progress: progress(), now: t0)
        #expect(loop.map(\.question.kind) == [.systemDesign, .technical, .technical, .technical, .coding, .behavioral, .askTheInterviewer])
        #expect(Set(loop.map(\.question.id)).count == 7, "a question twice")
        // The budgets (follow-ups included) add up to the loop's time; a follow-up takes a fifth of its round.
        let total = loop.reduce(0) { $0 + $1.budgetSeconds + ($1.followUpBudgetSeconds ?? 0) }
        #expect(total == 45 * 60)
        for r in loop {
            #expect(r.followUp.map { (0..<r.question.followUpCount).contains($0) } ?? (r.question.followUpCount == 0))
            if let f = r.followUpBudgetSeconds { #expect(abs(Double(f) - Double(r.budgetSeconds) * MockSpec.followUpShare) <= 1) }
        }
    }

    @Test func theSameSeedGivesTheSameLoopAndAnotherSeedCanDiffer() {
        let a = buildMockLoop(pool, spec: MockSpec(seed: 1), progress: progress(), now: t0)
        let b = buildMockLoop(pool, spec: MockSpec(seed: 1), progress: progress(), now: t0)
        #expect(a == b)
        let others = (2...20).map { buildMockLoop(pool, spec: MockSpec(seed: UInt64($0)), progress: progress(), now: t0).map(\.question.id) }
        #expect(others.contains { $0 != a.map(\.question.id) })
    }

    @Test func dueAndWeakestCardsComeFirstAndThePreviousMockIsAvoided() throws {
        // technical-c was rated Again a week ago (due), technical-b Good (not due yet: weaker than unseen? no: seen
        // cards not due rank after due ones and before unseen ones).
        let entries: [LogEntry] = [
            .review(ReviewEvent(id: "1", card: "technical-c", rating: .again, at: t0.addingTimeInterval(-7 * 86400), ms: nil, mode: .review)),
            .review(ReviewEvent(id: "2", card: "technical-b", rating: .good, at: t0.addingTimeInterval(-3600), ms: nil, mode: .review)),
        ]
        let loop = buildMockLoop(pool, spec: MockSpec(seed: 3), progress: progress(entries), now: t0)
        let technical = loop.filter { $0.question.kind == .technical }.map(\.question.id)
        #expect(technical.first == "technical-c" && technical.dropFirst().first == "technical-b")
        // The next loop avoids every question of this one while others are left.
        let next = buildMockLoop(pool, spec: MockSpec(seed: 3), progress: progress(entries), now: t0, previous: Set(loop.map(\.question.id)))
        for r in next where r.question.kind != .technical { #expect(!loop.map(\.question.id).contains(r.question.id)) }
        #expect(Set(next.map(\.question.id)).isDisjoint(with: Set(loop.filter { $0.question.kind != .technical }.map(\.question.id))))
    }

    @Test func topicsNarrowTheLoopButBehaviouralRoundsFallBack() {
        var pool2 = pool.filter { $0.kind != .behavioral }
        pool2.append(q("story", .behavioral, topics: ["role-and-process"]))
        let loop = buildMockLoop(pool2, spec: MockSpec(topics: ["queues"], seed: 1), progress: progress(), now: t0)
        for r in loop where r.question.kind != .behavioral { #expect(r.question.topics == ["queues"]) }
        #expect(loop.contains { $0.question.id == "story" })
        // A kind without any question is left out; the rest of the loop stays.
        let noCoding = buildMockLoop(pool.filter { $0.kind != .coding }, spec: MockSpec(seed: 1), progress: progress(), now: t0)
        #expect(noCoding.count == 6 && !noCoding.contains { $0.question.kind == .coding })
    }

    @Test func followUpPointsAreTheModelAnswersSentences() {
        #expect(followUpPoints("Use a lease. Renew it before it expires! Why? Because clocks drift.") ==
                ["Use a lease.", "Renew it before it expires!", "Why? Because clocks drift."])
        #expect(followUpPoints("One sentence without a stop") == ["One sentence without a stop"])
        let many = (1...8).map { "Sentence number \($0) here." }.joined(separator: " ")
        #expect(followUpPoints(many).count == 5)
        // Markdown lists and marks come off; each item is a point.
        #expect(followUpPoints("Exactly once is not possible here.\n\n- Each message has a **sequence number**.\n1. The client `acks` the last one") ==
                ["Exactly once is not possible here.", "Each message has a sequence number.", "The client acks the last one"])
    }

    @Test func topicResultsListTheWeakestFirst() {
        let rec = SessionRecord(id: "m", started: t0, ended: t0, outcome: "completed", items: [
            .init(card: "a", title: "A", seconds: 60, budgetSeconds: 60, keyPoints: 1, keyPointsTotal: 5, rating: .hard, skipped: false, answer: nil),
            .init(card: "b", title: "B", seconds: 60, budgetSeconds: 60, keyPoints: 4, keyPointsTotal: 4, rating: .good, skipped: false, answer: nil),
            .init(card: "c", title: "C", seconds: 0, budgetSeconds: 60, keyPoints: 0, keyPointsTotal: 4, rating: nil, skipped: true, answer: nil),
        ], kind: "mock", budgetSeconds: 180)
        let topics: [String: [String]] = ["a": ["caching"], "b": ["queues"], "c": ["never-answered"]]
        let r = mockTopicResults(rec) { topics[$0] ?? [] }
        #expect(r.map(\.topic) == ["caching", "queues"])
        #expect(r[0].isWeak && !r[1].isWeak && r[0].covered == 1 && r[0].total == 5 && r[0].worst == .hard)
    }
}
