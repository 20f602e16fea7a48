import Foundation
import Testing
import PrepdeckCore

/// A two-question mock interview in the real binary, in tmux: rounds, follow-ups, the pre-ticked checklist,
/// the scorecard saved and exported.
@Suite(.serialized) struct MockEndToEndTests {
    static let bank = """
    {"format": "prepdeck-bank", "version": 1, "deck": {"id": "mock-e2e", "title": "Mock"}, "questions": [
     {"id": "design-feed", "title": "Design a news feed", "prompt": "Design a news feed for a social app.", "difficulty": "hard",
      "kind": "system-design", "topics": ["system-design"], "timeLimitMinutes": 6,
      "answer": "Fan-out on write pushes each post into the followers' timelines held in Redis. Celebrities are fanned out on read instead. Pagination uses a cursor, not an offset.",
      "keyPoints": ["Fan-out on write into per-user timelines in Redis", "Celebrities fanned out on read", "Cursor pagination, not offsets"],
      "followUps": ["How do you rank the feed?"],
      "followUpAnswers": ["Score candidates by recency and affinity. Cache the ranked page for a minute."]},
     {"id": "idempotency-keys", "title": "Idempotency keys", "prompt": "How do idempotency keys make retries safe?", "difficulty": "medium",
      "kind": "technical", "topics": ["api-design"], "timeLimitMinutes": 4,
      "answer": "The client sends a unique key with each request. The server stores the key with the response in the same transaction. A retry with the same key returns the stored response.",
      "keyPoints": ["Client sends a unique key per logical request", "Key and response stored in the same transaction", "Retry with the same key returns the stored response"],
      "followUps": ["How long do you keep the keys?"],
      "followUpAnswers": ["Keep them at least as long as clients retry, often 24 hours. Expire them with a TTL."]}
    ]}
    """

    @Test func aTwoQuestionMockFromFirstRoundToExportedScorecard() throws {
        let dir = tempDataDir()
        let bankPath = dir + "-bank.json"
        try Self.bank.write(toFile: bankPath, atomically: true, encoding: .utf8)
        let t = try TmuxSession(width: 100, height: 30, command: shellQuote(prepdeckBinary()) + " --data-dir " + shellQuote(dir)
                                + " --bank " + shellQuote(bankPath) + " mock --minutes 10 --seed 1")
        var s = t.waitFor(text: "Mock · round 1 of 2 · System design")
        #expect(s.contains("Design a news feed") && (s.contains("loop 10:00 left") || s.contains("loop 9:5")))
        t.type("Push each new post into every follower's timeline list in Redis at write time, fan-out on write. For accounts with millions of followers merge their posts at read time instead.")
        s = t.waitFor(text: "at read time instead.")
        t.send("C-s")
        s = t.waitFor(text: "pre-ticked from your answer")
        #expect(s.contains("[x] Fan-out on write into per-user timelines in Redis") && s.contains("[ ] Cursor pagination, not offsets"))
        #expect(s.contains("Suggested "))
        t.send("3")
        s = t.waitFor(text: "round 1 of 2 · follow-up")
        #expect(s.contains("How do you rank the feed?"))
        t.type("Rank by recency and affinity with the author, and cache the ranked page for a minute.")
        s = t.waitFor(text: "for a minute.")
        t.send("C-s")
        s = t.waitFor(text: "Model answer to the follow-up")
        t.send("3")
        s = t.waitFor(text: "Mock · round 2 of 2 · Technical")
        t.type("The client generates a unique key per logical request and sends it as a header. The server saves the key and the response in the same DB transaction, so a retry with that key just gets the saved response back.")
        s = t.waitFor(text: "saved response back.")
        t.send("C-s")
        s = t.waitFor(text: "pre-ticked from your answer")
        t.send("2")
        s = t.waitFor(text: "round 2 of 2 · follow-up")
        t.send("Escape")
        s = t.waitFor(text: "skip this question")
        t.send("s")
        s = t.waitFor(text: "Mock interview scorecard")
        #expect(s.contains("System design") && s.contains("Technical") && s.contains("Good") && s.contains("Hard"))
        #expect(t.exportSummaryAndQuit().contains("EXIT=0"))
        // On disk: two practice ratings (follow-ups rate no card), four answers with what the grader suggested,
        // one mock session with its follow-ups.
        let reviews = readLines(dir + "/reviews.jsonl")
        #expect(reviews.count == 2)
        for line in reviews {
            guard case let .review(r) = try LogEntry.decode(line: ArraySlice(line.utf8)) else { Issue.record("not a rating"); continue }
            #expect(r.mode == .practice)
        }
        let answers = try readLines(dir + "/answers.jsonl").map { try AnswerRecord.decode(try JSONParser.parse($0)) }
        #expect(answers.count == 3 && answers.allSatisfy { $0.suggestedKeyPoints != nil && $0.suggestedRating != nil })
        #expect(answers.filter { $0.followUp == 0 }.count == 1)
        #expect(answers.first?.suggestedKeyPoints?.contains(0) == true)
        let sessions = readLines(dir + "/sessions.jsonl")
        #expect(sessions.count == 1)
        let rec = try SessionRecord.decode(try JSONParser.parse(sessions[0]))
        #expect(rec.isMock && rec.items.count == 2 && rec.items[0].followUp?.rating == .good && rec.items[1].followUp?.skipped == true)
        let exported = try String(contentsOfFile: dir + "/exports/session-\(rec.id).md", encoding: .utf8)
        #expect(exported.hasPrefix("# Mock interview") && exported.contains("## By topic"))
        let cli = try prepdeck(["export", "-", "--format", "md", "--session", rec.id, "--bank", bankPath], dataDir: dir)
        #expect(cli.status == 0 && cli.stdout == exported, "\(cli.stderr)")
    }
}
