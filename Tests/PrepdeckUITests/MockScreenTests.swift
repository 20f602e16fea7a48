import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckUI

/// Two rounds (a system-design and a technical question), each with a follow-up.
private let mockQuestions: [Question] = [
    Question(id: "design-feed", title: "Design a news feed", prompt: "Design a news feed for a social app.", difficulty: .hard,
             kind: .systemDesign, topics: ["system-design", "caching"],
             answer: "Fan-out on write pushes each post into the followers' timelines held in Redis. Celebrities are fanned out on read instead. Pagination uses a cursor, not an offset.",
             keyPoints: ["Fan-out on write into per-user timelines in Redis", "Celebrities fanned out on read", "Cursor pagination, not offsets"],
             followUps: ["How do you rank the feed?"],
             followUpAnswers: ["Score candidates by recency and affinity. Cache the ranked page for a minute."], timeLimitMinutes: 6),
    Question(id: "idempotency-keys", title: "Idempotency keys", prompt: "How do idempotency keys make retries safe?", difficulty: .medium,
             kind: .technical, topics: ["api-design"],
             answer: "The client sends a unique key with each request. The server stores the key with the response in the same transaction. A retry with the same key returns the stored response.",
             keyPoints: ["Client sends a unique key per logical request", "Key and response stored in the same transaction", "Retry with the same key returns the stored response"],
             followUps: ["How long do you keep the keys?"],
             followUpAnswers: ["Keep them at least as long as clients retry, often 24 hours. Expire them with a TTL."], timeLimitMinutes: 4),
]

@Suite struct MockScreenTests {
    func startedMock(minutes: Int = 10) -> AppModel {
        var m = makeModel(mockQuestions, width: 100, height: 30)
        _ = m.startMock(MockSpec(minutes: minutes, seed: 1), now: now, mono: 1000)
        return m
    }

    @Test func aMockRunsItsRoundsAndFollowUpsOnOneClockAndEndsOnAScorecard() throws {
        var m = startedMock()
        let s0 = try #require(m.practice.session)
        #expect(s0.mock?.budgetSeconds == 600 || abs((s0.mock?.budgetSeconds ?? 0) - 600) <= 2)
        #expect(s0.items.map { $0.followUp == nil } == [true, false, true, false])
        #expect(s0.items.first?.question.id == "design-feed") // system design first
        var screen = m.screen()
        #expect(screen.contains("Mock · round 1 of 2 · System design") && screen.contains("loop 10:00 left"))
        // 100 seconds on the first round: the loop's clock falls with it.
        _ = m.update(.tick, now: now, mono: 1100)
        screen = m.screen()
        #expect(screen.contains("loop 8:20 left"))
        // An answer that covers two of the three points, in other words: they arrive ticked.
        m.type("Push every new post into each follower's timeline list in Redis at write time (fan-out on write). For accounts with millions of followers, merge their posts at read time instead.", at: now)
        _ = m.update(.key(.ctrl("s")), now: now, mono: 1101)
        #expect(m.practice.phase == .comparing)
        let item = try #require(m.practice.current)
        #expect(item.suggested == item.covered && item.covered.contains(0), "pre-ticked: \(item.covered)")
        #expect(!item.covered.contains(2), "cursor pagination was not mentioned")
        screen = m.screen()
        #expect(screen.contains("pre-ticked from your answer (\(item.covered.count))") && screen.contains("Suggested "))
        // The user unticks one: both what was suggested and what was kept are logged.
        m.press(.char(" "))
        var effects = m.update(.key(.char("3")), now: now, mono: 1102)
        let answerLine = try #require(effects.compactMap { if case let .appendAnswer(l) = $0 { return l }; return nil }.first)
        let answer = try AnswerRecord.decode(try JSONParser.parse(answerLine))
        #expect(answer.suggestedKeyPoints == item.covered.sorted() && answer.keyPoints == item.covered.subtracting([0]).sorted())
        #expect(answer.suggestedRating != nil && answer.followUp == nil)
        #expect(effects.contains { if case .appendReview = $0 { return true }; return false })
        // The follow-up, on the same clock, graded on its own; it logs an answer but no rating of the card.
        #expect(m.practice.current?.followUp == 0)
        screen = m.screen()
        #expect(screen.contains("round 1 of 2 · follow-up") && screen.contains("How do you rank the feed?"))
        m.type("Rank by recency and how close the reader is to the author, and cache the first ranked page for a minute.")
        _ = m.update(.key(.ctrl("s")), now: now, mono: 1130)
        let follow = try #require(m.practice.current)
        #expect(follow.points.count == 2 && !follow.covered.isEmpty)
        effects = m.update(.key(.char("3")), now: now, mono: 1131)
        #expect(!effects.contains { if case .appendReview = $0 { return true }; return false })
        let fLine = try #require(effects.compactMap { if case let .appendAnswer(l) = $0 { return l }; return nil }.first)
        #expect(try AnswerRecord.decode(try JSONParser.parse(fLine)).followUp == 0)
        // Round 2: skip it (Esc, s) and its follow-up; the loop ends on the scorecard.
        #expect(m.screen().contains("round 2 of 2"))
        _ = m.update(.key(.escape), now: now, mono: 1140)
        _ = m.update(.key(.char("s")), now: now, mono: 1141)
        _ = m.update(.key(.escape), now: now, mono: 1142)
        effects = m.update(.key(.char("s")), now: now, mono: 1143)
        #expect(m.practice.phase == .summary)
        let line = try #require(effects.compactMap { if case let .appendSession(l) = $0 { return l }; return nil }.first)
        let rec = try SessionRecord.decode(try JSONParser.parse(line))
        #expect(rec.isMock && rec.items.count == 2 && rec.items[0].kind == "system-design" && rec.items[1].skipped)
        #expect(rec.items[0].suggestedKeyPoints == item.covered.count && rec.items[0].keyPoints == item.covered.count - 1)
        #expect(rec.items[0].followUp?.rating == .good && rec.items[0].followUp?.keyPointsTotal == 2)
        screen = m.screen()
        #expect(screen.contains("Mock interview scorecard") && screen.contains("System design") && screen.contains("Weak:"))
        #expect(screen.contains("\(item.covered.count)→\(item.covered.count - 1)/3"))
        // Exported as Markdown: the scorecard, the topics, the answers and follow-ups.
        effects = m.update(.key(.char("x")), now: now, mono: 1150)
        guard case let .exportReport(name, md)? = effects.first else { Issue.record("no export"); return }
        #expect(name == "session-\(rec.id).md" && md.hasPrefix("# Mock interview"))
        #expect(md.contains("| 1 | System design | Design a news feed |") && md.contains("## By topic") && md.contains("### Follow-up: How do you rank the feed?"))
    }

    @Test func theNextMockAvoidsTheQuestionsOfThisOne() {
        var m = makeModel(mockQuestions + [Question(id: "design-chat", title: "Design chat", prompt: "Design a chat.", difficulty: .hard,
                                                    kind: .systemDesign, topics: ["system-design"], answer: "A.", keyPoints: ["a", "b", "c"])],
                          width: 100, height: 30)
        _ = m.startMock(MockSpec(minutes: 10, seed: 1), now: now, mono: 0)
        let first = m.practice.session!.items[0].question.id
        _ = m.update(.key(.escape), now: now, mono: 1)
        _ = m.update(.key(.char("e")), now: now, mono: 2)
        _ = m.startMock(MockSpec(minutes: 10, seed: 1), now: now, mono: 3)
        #expect(m.practice.session!.items[0].question.id != first)
    }

    @Test func mFromTheSetupFormStartsAMockAndTheScreenFitsAt40x12() {
        var m = makeModel(mockQuestions, width: 40, height: 12)
        m.press(.char("P"))
        m.press(.char("m"))
        #expect(m.practice.session?.mock != nil)
        let screen = m.screen()
        #expect(screen.contains("Mock 1/2") && screen.contains("loop 45:00"))
        for line in screen.split(separator: "\n") { #expect(displayWidth(String(line)) <= 40) }
    }
}
