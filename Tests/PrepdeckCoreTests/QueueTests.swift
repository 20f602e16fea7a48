import Foundation
import Testing
@testable import PrepdeckCore

@Suite struct QueueTests {
    /// Local time is UTC+2 in these tests: the study day starts at 02:00Z.
    let calendar = StudyCalendar(utcOffsetSeconds: 7200)
    let now = RFC3339.parse("2026-11-29T12:00:00Z")!
    let bank = ["a", "b", "c", "d", "e", "f", "g", "h"]

    func at(_ s: String) -> Date { RFC3339.parse(s)! }
    func review(_ id: String, _ card: String, _ rating: Rating, _ time: String) -> LogEntry {
        .review(ReviewEvent(id: id, card: card, rating: rating, at: at(time)))
    }
    var settings: Settings { var s = Settings(); s.fuzz = false; s.newPerDay = 3; return s }

    @Test func learningThenReviewThenNew() {
        // a: learning, due 12:00:00 - 1 min ago; b: review, overdue by days; c: review, overdue by hours;
        // d: learning, due in 9 min; e: review, due tomorrow; f, g, h: new.
        let entries: [LogEntry] = [
            review("1", "b", .easy, "2026-11-01T09:00:00Z"),             // review, due 2026-11-09
            review("2", "c", .easy, "2026-11-21T06:00:00Z"),             // review, due 2026-11-29T06:00Z
            review("3", "e", .easy, "2026-11-22T12:30:00Z"),             // review, due 2026-11-30T12:30Z
            review("4", "a", .again, "2026-11-29T11:59:00Z"),            // learning, due 12:00:00
            review("5", "d", .good, "2026-11-29T11:59:00Z"),             // learning step 1, due 12:09
        ]
        let p = StudyProgress(entries: entries, settings: settings)
        #expect(p.schedule("b").due == at("2026-11-09T09:00:00Z") && p.schedule("c").due == at("2026-11-29T06:00:00Z"))
        let q = DueQueue(cardIDs: bank, progress: p, settings: settings, calendar: calendar, now: now)
        #expect(q.learning == ["a"])
        #expect(q.review == ["b", "c"]) // most overdue first
        // Two cards were first reviewed today (a, d: 11:59Z is 13:59 local); new_per_day 3 leaves 1.
        #expect(q.newIntroducedToday == 2 && q.newLeftToday == 1)
        #expect(q.new == ["f"])
        #expect(q.next == "a" && q.dueNow == 3)
        #expect(q.nextDue == at("2026-11-29T12:09:00Z"))
        #expect(DueQueue.dueToday(cardIDs: bank, progress: p, calendar: calendar, now: now) == 4) // a, b, c, d (e is due after tomorrow 02:00Z)

        let skipped = DueQueue(cardIDs: bank, progress: p, settings: settings, calendar: calendar, now: now, excluding: ["a", "f"])
        #expect(skipped.learning.isEmpty && skipped.next == "b" && skipped.new == ["g"])

        let later = DueQueue(cardIDs: bank, progress: p, settings: settings, calendar: calendar, now: at("2026-11-29T12:10:00Z"))
        #expect(later.learning == ["a", "d"]) // due 12:00 before 12:09
    }

    @Test func tiesKeepBankOrder() {
        let entries: [LogEntry] = ["c", "a", "b"].enumerated().map { review("\($0.offset)", $0.element, .again, "2026-11-29T11:00:00Z") }
        let p = StudyProgress(entries: entries, settings: settings)
        let q = DueQueue(cardIDs: bank, progress: p, settings: settings, calendar: calendar, now: now)
        #expect(q.learning == ["a", "b", "c"])
    }

    @Test func newCardsRollOverAtFourInTheMorningLocal() {
        var s = settings
        s.newPerDay = 2
        // 01:59Z is 03:59 local: still yesterday's study day. 02:00Z is 04:00 local: today.
        let entries = [review("1", "a", .good, "2026-11-29T01:59:00Z"), review("2", "b", .good, "2026-11-29T02:00:00Z")]
        let p = StudyProgress(entries: entries, settings: s)
        let q = DueQueue(cardIDs: bank, progress: p, settings: s, calendar: calendar, now: now)
        #expect(q.newIntroducedToday == 1 && q.newLeftToday == 1 && q.new == ["c"])
        // Before the rollover, "today" is the 28th: card a counts, b is in the future of that day.
        let early = DueQueue(cardIDs: bank, progress: p, settings: s, calendar: calendar, now: at("2026-11-29T01:59:30Z"))
        #expect(early.newIntroducedToday == 1 && early.newLeftToday == 1)
        // The next study day starts fresh.
        let tomorrow = DueQueue(cardIDs: bank, progress: p, settings: s, calendar: calendar, now: at("2026-11-30T02:00:00Z"))
        #expect(tomorrow.newIntroducedToday == 0 && tomorrow.new == ["c", "d"])
        // The same instants in UTC: both on the 29th.
        let utc = DueQueue(cardIDs: bank, progress: p, settings: s, calendar: StudyCalendar(utcOffsetSeconds: 0), now: now)
        #expect(utc.newIntroducedToday == 0 && utc.new == ["c", "d"]) // 01:59Z and 02:00Z are before 04:00Z: the 28th
    }

    @Test func aCardFirstReviewedEarlierButUndoneTodayCountsFromItsFirstEffectiveReview() {
        let entries: [LogEntry] = [
            review("1", "a", .good, "2026-11-20T10:00:00Z"),
            review("2", "a", .good, "2026-11-29T10:00:00Z"),
            .undo(UndoEvent(id: "3", undo: "1", at: "2026-11-29T10:01:00Z".date)),
        ]
        let p = StudyProgress(entries: entries, settings: settings)
        #expect(p.firstReview("a") == at("2026-11-29T10:00:00Z"))
        let q = DueQueue(cardIDs: bank, progress: p, settings: settings, calendar: calendar, now: now)
        #expect(q.newIntroducedToday == 1)
    }

    @Test func nothingDueSaysWhenTheNextCardIs() {
        var s = settings
        s.newPerDay = 0
        let p = StudyProgress(entries: [review("1", "a", .easy, "2026-11-29T11:00:00Z"), review("2", "b", .good, "2026-11-29T11:55:00Z")], settings: s)
        let q = DueQueue(cardIDs: bank, progress: p, settings: s, calendar: calendar, now: now)
        #expect(q.isEmpty && q.next == nil && q.newLeftToday == 0)
        #expect(q.nextDue == at("2026-11-29T12:05:00Z"))
        let empty = DueQueue(cardIDs: bank, progress: StudyProgress(entries: [], settings: s), settings: s, calendar: calendar, now: now)
        #expect(empty.nextDue == nil && empty.isEmpty)
    }

    @Test func forecastCountsByStudyDay() {
        let entries = [
            review("1", "a", .easy, "2026-11-01T09:00:00Z"),  // overdue: today
            review("2", "b", .again, "2026-11-29T11:59:00Z"), // learning, due today
            review("3", "c", .easy, "2026-11-22T12:30:00Z"),  // due 2026-11-30T12:30Z: tomorrow
        ]
        let p = StudyProgress(entries: entries, settings: settings)
        let f = DueQueue.forecast(cardIDs: bank, progress: p, calendar: calendar, now: now, days: 3)
        #expect(f == [2, 1, 0])
    }
}

private extension String {
    var date: Date { RFC3339.parse(self)! }
}
