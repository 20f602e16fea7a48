import Foundation
import Testing
@testable import PrepdeckCore

/// Issue 12: the interview date in settings, and the readiness figures on hand-computed examples.
@Suite struct ReadinessTests {
    let now = RFC3339.parse("2026-11-29T10:00:00Z")!
    let calendar = StudyCalendar(utcOffsetSeconds: 0)

    func q(_ id: String, _ topics: [String]) -> Question {
        Question(id: id, title: id, prompt: "p", difficulty: .easy, kind: .technical, topics: topics, answer: "a", keyPoints: ["1", "2", "3"])
    }

    func review(stability: Double, last: String) -> CardSchedule {
        var s = CardSchedule()
        s.state = .review
        s.stability = stability
        s.difficulty = 5
        s.lastReview = RFC3339.parse(last)
        s.due = RFC3339.parse(last)!.addingTimeInterval(stability * 86400)
        s.reps = 3
        return s
    }

    @Test func recallOnTheDayIsTheMeanRetrievabilityNewCardsZero() throws {
        let cat = try Catalog(banks: [Bank(file: "t.json", deck: Deck(id: "t", title: "T"), questions: [
            q("a", ["caching"]), q("b", ["caching"]), q("c", ["caching"]), q("d", ["testing"]),
        ])])
        // a: reviewed yesterday (09:00), stability 10 days; the interview is in 5 days, at 09:00: 6 days elapsed.
        // R = (1 + F·t/S)^(−w20), F = 0.9^(−1/w20) − 1, w20 = 0.1542 (FSRS-6 default).
        // c: stability 2 days, last reviewed 200 days before the interview: more likely forgotten.
        let schedules: [CardSchedule?] = [review(stability: 10, last: "2026-11-28T09:00:00Z"), nil,
                                          review(stability: 2, last: "2026-05-18T09:00:00Z"), nil]
        let w20 = 0.1542, f = pow(0.9, -1 / w20) - 1
        let ra = pow(1 + f * 6 / 10, -w20), rc = pow(1 + f * 200 / 2, -w20)
        #expect(abs(ra - 0.93115) < 1e-4 && abs(rc - 0.49232) < 1e-4)
        let day = RFC3339.parseDay("2026-12-04")!
        var s = Settings()
        s.fuzz = false
        let r = ReadinessReport(catalog: cat, schedules: schedules, scheduler: makeScheduler(s), desiredRetention: 0.9,
                                date: "2026-12-04", day: day, topics: [], timed: ["a"], calendar: calendar, now: now)
        #expect(r.daysLeft == 5 && r.at == RFC3339.parse("2026-12-04T09:00:00Z"))
        #expect(r.topics.map(\.topic) == ["testing", "caching"]) // weakest first
        let caching = try #require(r.topics.last)
        #expect(abs(caching.recall - (ra + rc) / 3) < 1e-9)
        #expect(caching.cards == 3 && caching.seen == 2 && caching.neverSeen == 1 && caching.forgotten == 1 && caching.belowTarget == 1)
        #expect(caching.timed == 1 && abs(caching.coverageSeen - 2.0 / 3) < 1e-12 && abs(caching.coverageTimed - 1.0 / 3) < 1e-12)
        #expect(r.topics[0].recall == 0 && r.topics[0].neverSeen == 1)
        #expect(r.overall.cards == 4 && abs(r.overall.recall - (ra + rc) / 4) < 1e-9)
        // Only the chosen topics count.
        let only = ReadinessReport(catalog: cat, schedules: schedules, scheduler: makeScheduler(s), desiredRetention: 0.9,
                                   date: "2026-12-04", day: day, topics: ["testing"], timed: [], calendar: calendar, now: now)
        #expect(only.topics.map(\.topic) == ["testing"] && only.overall.cards == 1)
        // JSON keys.
        guard case let .object(members) = r.toJSON() else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["interview_date", "at", "days_left", "desired_retention", "topics_chosen", "overall", "plan_new_today", "topics"])
    }

    @Test func theInterviewFieldsRoundTripAndBadDatesAreRefused() throws {
        var s = Settings()
        s.interviewDate = "2026-12-18"
        s.interviewTopics = ["caching", "postgresql"]
        let text = JSONWriter.write(s.encode(), indent: 2)
        let back = try Settings.decode(try JSONParser.parse(text))
        #expect(back == s)
        #expect(try Settings.decode(try JSONParser.parse("{}")).interviewDate == nil) // older files stay valid
        for bad in ["{\"interview_date\": \"2026-02-30\"}", "{\"interview_date\": 20261218}", "{\"interview_topics\": [\"\"]}"] {
            #expect(throws: Settings.FieldError.self) { try Settings.decode(try JSONParser.parse(bad)) }
        }
        #expect(RFC3339.parseDay("2026-12-18") == RFC3339.daysFromCivil(year: 2026, month: 12, day: 18))
        #expect(RFC3339.parseDay("2026-12-1") == nil && RFC3339.parseDay("2026-13-01") == nil)
    }
}
