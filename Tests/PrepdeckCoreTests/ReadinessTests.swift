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
        #expect(members.map(\.key) == ["interview_date", "at", "days_left", "desired_retention", "topics_chosen", "overall", "plan_new_today", "plan", "topics"])
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

    /// Review-ahead: review cards due after the interview whose recall on the day would be under the target (here
    /// their fuzzed interval runs two days past the stability) are pulled into Review before the day, spread over
    /// the days left, and each is above the target on the day once reviewed. The projection foresees the same.
    @Test func cardsShortOnTheDayArePulledAheadSpreadOverTheDaysLeft() throws {
        let n = 40
        let questions = (0..<n).map { q("r\($0)", ["caching"]) } + [q("other", ["testing"])]
        let cat = try Catalog(banks: [Bank(file: "t.json", deck: Deck(id: "t", title: "T"), questions: questions)])
        var settings = Settings()
        settings.fuzz = false
        settings.interviewDate = "2026-12-04" // 5 study days: today (11-29) to 12-03
        settings.interviewTopics = ["caching"]
        let scheduler = makeScheduler(settings)
        // Stability 10 days, last reviewed 2026-11-23 09:00, due 14 days later (12-07, past the day): on 12-04 at
        // 09:00, 11 days have passed, R = (1 + F·11/10)^(−w20) ≈ 0.89, under the target 0.9.
        var schedules: [CardSchedule?] = (0..<n).map { _ in
            var s = review(stability: 10, last: "2026-11-23T09:00:00Z")
            s.due = RFC3339.parse("2026-12-07T09:00:00Z")
            return s
        }
        schedules.append(review(stability: 10, last: "2026-11-23T09:00:00Z")) // other topic: never pulled
        schedules[n]!.due = RFC3339.parse("2026-12-07T09:00:00Z")
        let at = RFC3339.parse("2026-12-04T09:00:00Z")!
        #expect(schedules.prefix(n).allSatisfy { scheduler.retrievability($0!, at: at) < 0.9 })
        let progress = StudyProgress(entries: [], settings: settings)
        let plan0 = try #require(InterviewPlan(settings: settings, questions: questions, schedules: schedules, calendar: calendar, now: now))
        #expect(plan0.aheadCandidates.count == n && plan0.daysLeft == 5)
        let projection = PlanProjection(plan: plan0, settings: settings, questions: questions, schedules: schedules,
                                        introducedToday: 0, calendar: calendar, now: now)
        var perDay: [Int] = []
        for d in 0..<5 {
            let t = d == 0 ? now : calendar.start(ofDay: calendar.day(of: now) + d).addingTimeInterval(5 * 3600) // 09:00
            let plan = InterviewPlan(settings: settings, questions: questions, schedules: schedules, calendar: calendar, now: t)
            let queue = DueQueue(count: questions.count, id: { questions[$0].id }, schedule: { schedules[$0] }, progress: progress,
                                 settings: settings, calendar: calendar, now: t, plan: plan)
            #expect(queue.review.isEmpty && queue.new.isEmpty && !queue.ahead.contains("other"))
            // The queue is stable within the day: rating its cards does not bring in others.
            for id in queue.ahead {
                let k = try #require(cat.position(of: id))
                schedules[k] = scheduler.review(schedules[k]!, cardID: id, rating: .good, at: t)
            }
            let again = DueQueue(count: questions.count, id: { questions[$0].id }, schedule: { schedules[$0] }, progress: progress,
                                 settings: settings, calendar: calendar, now: t.addingTimeInterval(60),
                                 plan: InterviewPlan(settings: settings, questions: questions, schedules: schedules, calendar: calendar, now: t.addingTimeInterval(60)))
            #expect(again.ahead.isEmpty)
            perDay.append(queue.ahead.count)
        }
        #expect(perDay.reduce(0, +) == n, "\(perDay)") // every one before the day
        #expect(perDay.filter { $0 > 0 }.count >= 4 && perDay.max()! <= n / 2, "\(perDay)") // spread, not piled on one day
        #expect(schedules.prefix(n).allSatisfy { scheduler.retrievability($0!, at: at) >= 0.9 })
        #expect(scheduler.retrievability(schedules[n]!, at: at) < 0.9) // not chosen: left alone
        // The projection made on the first day foresaw exactly this.
        #expect(projection.days.map(\.ahead) == perDay && projection.days.map(\.day) == (0..<5).map { calendar.day(of: now) + $0 })
        for k in 0..<n { #expect(abs(projection.recallOnTheDay[k]! - scheduler.retrievability(schedules[k]!, at: at)) < 1e-12) }
        #expect(projection.recallOnTheDay[n] == nil)
    }
}
