import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckUI

@Suite struct ReviewTests {
    /// One overdue review card, one card not yet due (first seen today), three new cards; new_per_day 3,
    /// so two new cards are left today.
    func model() -> AppModel {
        let day: Double = 86400
        let entries: [LogEntry] = [
            .review(ReviewEvent(id: "o1", card: "caching-product-catalog", rating: .good, at: now.addingTimeInterval(-30 * day))),
            .review(ReviewEvent(id: "o2", card: "caching-product-catalog", rating: .good, at: now.addingTimeInterval(-30 * day + 600))),
            .review(ReviewEvent(id: "f1", card: "multi-region-social-app", rating: .easy, at: now.addingTimeInterval(-3600))),
        ]
        var m = makeModel(entries: entries, width: 100, height: 30)
        m.progress.settings.newPerDay = 3
        m.press(.char("R"))
        return m
    }

    @Test func queueOrderAndProgressLine() {
        var m = model()
        var s = m.screen()
        #expect(s.contains("1 due · 2 new · 0 learning"))
        #expect(m.review.card == "caching-product-catalog")
        #expect(s.contains("Recall your answer, then press space"))
        #expect(s.contains("3 Good · ")) // the intervals show before the reveal too
        m.press(.char("3"))
        #expect(m.banner?.text.contains("Reveal the answer first") == true && m.review.card == "caching-product-catalog")
        m.press(.char(" "))
        s = m.screen()
        #expect(s.contains("── Model answer") && s.contains("Key points"))
        let effects = m.press(.char("3"))
        guard case let .appendReview(line)? = effects.first, case let .review(r) = try! LogEntry.decode(line: ArraySlice(line.utf8)) else {
            Issue.record("no review line"); return
        }
        #expect(r.card == "caching-product-catalog" && r.rating == .good && r.mode == .review)
        // Then the new cards, in bank order.
        #expect(m.review.card == "optimistic-locking-inventory")
        #expect(m.screen().contains("0 due · 2 new · 0 learning · 1 reviewed"))
    }

    @Test func previewsMatchTheScheduler() {
        var m = model()
        m.press(.char(" "))
        let card = m.review.card!
        let fsrs = m.progress.scheduler
        let good = fsrs.review(m.progress.schedule(card), cardID: card, rating: .good, at: now)
        let label = "3 Good · " + shortInterval(good.due!.timeIntervalSince(now))
        #expect(m.screen().contains(label))
    }

    @Test func undoRestoresEverythingAndSeveralLevels() {
        var m = model()
        let before = m.progress.schedule("caching-product-catalog")
        m.press(.char(" "), .char("3"))
        m.press(.char(" "), .char("1")) // the first new card: Again
        #expect(m.progress.schedule("optimistic-locking-inventory").state == .learning)
        var effects = m.press(.char("u"))
        guard case let .appendReview(line)? = effects.first, case let .undo(u) = try! LogEntry.decode(line: ArraySlice(line.utf8)) else {
            Issue.record("no undo line"); return
        }
        #expect(m.review.card == "optimistic-locking-inventory" && m.progress.schedule("optimistic-locking-inventory").state == .new)
        #expect(!u.undo.isEmpty)
        effects = m.press(.char("u"))
        #expect(m.review.card == "caching-product-catalog")
        #expect(m.progress.schedule("caching-product-catalog") == before)
        m.press(.char("u"))
        #expect(m.banner?.text == "Nothing to undo in this session.")
        #expect(m.dueNow == 1)
    }

    @Test func learningStepsComeBackWhenTheirTimeComes() {
        var m = model()
        m.press(.char(" "), .char("3")) // review card done
        m.press(.char(" "), .char("1")) // new card → Again, due in 1 minute
        m.press(.char(" "), .char("3")) // second new card → Good, due in 10 minutes
        #expect(m.review.card == nil)
        #expect(m.screen().contains("Nothing is due right now.") && m.screen().contains("The next card is due in 1m"))
        #expect(m.tickIntervalMs(now: now) > 0 && m.tickIntervalMs(now: now) <= 60_100)
        let later = now.addingTimeInterval(61)
        _ = m.update(.tick, now: later)
        #expect(m.review.card == "optimistic-locking-inventory")
        #expect(m.screen(at: later).contains("0 due · 0 new · 1 learning"))
    }

    @Test func nothingDueSaysWhenAndNewLimit() {
        var m = model()
        m.progress.settings.newPerDay = 0
        _ = m.update(.tick, now: now)
        m.press(.char(" "), .char("4"))
        let s = m.screen()
        #expect(s.contains("Nothing is due right now.") && s.contains("The next card is due in"))
        #expect(s.contains("You have met today's limit of 0 new cards"))
    }

    @Test func writeAnAnswerFirst() {
        var m = model()
        m.press(.char("e"))
        #expect(m.review.editor != nil && m.screen().contains("Your answer to:"))
        m.type("LRU and TTL")
        m.press(.ctrl("s"))
        #expect(m.review.revealed && m.screen().contains("── Your answer") && m.screen().contains("LRU and TTL"))
        let effects = m.press(.char("2"))
        #expect(effects.contains { if case let .appendAnswer(l) = $0 { return l.contains("LRU and TTL") }; return false })
    }

    @Test func buryAndSuspend() {
        var m = model()
        var effects = m.press(.char("b"))
        guard case let .saveSettings(s)? = effects.first else { Issue.record("no settings"); return }
        #expect(s.buried["caching-product-catalog"] == "2026-11-29") // the study day of 10:00 UTC (04:00 rollover, UTC calendar)
        #expect(m.review.card == "optimistic-locking-inventory" && m.dueNow == 1)
        effects = m.press(.char("s"))
        guard case let .saveSettings(s2)? = effects.first else { Issue.record("no settings"); return }
        #expect(s2.suspended == ["optimistic-locking-inventory"])
        #expect(m.review.card == "payment-service-testing")
        // Tomorrow the buried card is back; the suspended one is not.
        let tomorrow = now.addingTimeInterval(86400)
        #expect(!m.progress.settings.excludedCards(onDay: m.calendar.day(of: tomorrow)).contains("caching-product-catalog"))
        #expect(m.progress.settings.excludedCards(onDay: m.calendar.day(of: tomorrow)).contains("optimistic-locking-inventory"))
        // Unsuspend from Browse.
        m.press(.char("B"))
        m.press(.char("j"))
        effects = m.press(.char("s"))
        guard case let .saveSettings(s3)? = effects.first else { Issue.record("no settings"); return }
        #expect(s3.suspended.isEmpty)
    }
}

/// Issue 17, case 3: a rating the runtime could not write (full disk, read-only data directory) is taken back.
@Suite struct UnsavedRatingTests {
    func model() -> AppModel { ReviewTests().model() }

    func firstLine(_ effects: [Effect]) -> String? {
        if case let .appendReview(line)? = effects.first { return line }
        return nil
    }

    @Test func aRatingThatCouldNotBeWrittenLeavesTheCardOnScreen() throws {
        var m = model()
        let before = m.progress.schedule("caching-product-catalog")
        m.press(.char(" "))
        let line = try #require(firstLine(m.press(.char("3"))))
        #expect(m.review.card == "optimistic-locking-inventory") // it moved on, optimistically
        _ = m.update(.writeFailed(.appendReview(line), EffectFailure("cannot write reviews.jsonl: No space left on device")), now: now)
        let s = m.screen()
        #expect(m.review.card == "caching-product-catalog" && m.review.revealed)
        #expect(m.progress.schedule("caching-product-catalog") == before)
        #expect(s.contains("1 due · 2 new · 0 learning") && !s.contains("reviewed"))
        #expect(s.contains("Rating not saved, the card stays: cannot write reviews.jsonl: No space left on device"))
        #expect(m.dueNow == 1)
        // Nothing to undo: the rating never happened. Rating again works once the disk has room.
        m.press(.char("u"))
        #expect(m.banner?.text == "Nothing to undo in this session.")
        let again = try #require(firstLine(m.press(.char("3"))))
        #expect(again != line && m.review.card == "optimistic-locking-inventory")
        #expect(m.screen().contains("1 reviewed"))
    }

    @Test func aFailureOfAnOlderLineChangesNothing() throws {
        var m = model()
        m.press(.char(" "))
        let first = try #require(firstLine(m.press(.char("3"))))
        m.press(.char(" "))
        _ = try #require(firstLine(m.press(.char("3"))))
        let card = m.review.card
        _ = m.update(.writeFailed(.appendReview(first), EffectFailure("late")), now: now)
        #expect(m.review.card == card && m.review.reviewedThisSession == 2 && m.banner?.text == "late")
    }

    @Test func anUndoThatCouldNotBeWrittenKeepsTheRating() throws {
        var m = model()
        m.press(.char(" "))
        _ = try #require(firstLine(m.press(.char("3"))))
        let rated = m.progress.schedule("caching-product-catalog")
        let undo = try #require(firstLine(m.press(.char("u"))))
        #expect(m.review.card == "caching-product-catalog")
        _ = m.update(.writeFailed(.appendReview(undo), EffectFailure("read-only")), now: now)
        #expect(m.progress.schedule("caching-product-catalog") == rated)
        #expect(m.review.card == "optimistic-locking-inventory" && m.review.undoable.count == 1)
        #expect(m.banner?.text == "Undo not saved, the rating stands: read-only")
    }

    @Test func anUnsavedPracticeRatingReturnsToTheComparison() throws {
        var m = makeModel()
        var o = PracticeOptions()
        o.count = 1
        o.timing = .secondsPerQuestion(60)
        _ = m.startPractice(o, now: now, mono: 1000)
        let card = m.practice.current!.question.id
        for c in "my answer" { _ = m.update(.key(.char(c)), now: now, mono: 1010) }
        _ = m.update(.key(.ctrl("s")), now: now, mono: 1020)
        let effects = m.update(.key(.char("4")), now: now, mono: 1030)
        let line = try #require(firstLine(effects))
        #expect(m.practice.phase == .summary && m.answers[card]?.count == 1)
        _ = m.update(.writeFailed(.appendReview(line), EffectFailure("No space left on device")), now: now, mono: 1031)
        #expect(m.practice.phase == .comparing && m.practice.current?.question.id == card && m.practice.current?.rating == nil)
        #expect(m.progress.schedule(card).state == .new && m.answers[card] == nil)
        #expect(m.banner?.text == "Rating not saved, the card stays: No space left on device")
        #expect(m.screen().contains("my answer"))
    }
}

/// Issue 12: `review --cram`: every chosen card, lowest recall first, whatever is due; logged as practice.
@Suite struct CramTests {
    @Test func cramGoesThroughEveryChosenCardLowestRecallFirst() throws {
        var m = ReviewTests().model() // caching-product-catalog: review, overdue; multi-region-social-app: seen an hour ago
        m.startCram(topics: ["system-design"], now: now, mono: 0)
        // system-design: caching-product-catalog (overdue, low recall), multi-region-social-app (just seen): never-seen first (none here).
        #expect(Set(m.review.cram ?? []) == ["caching-product-catalog", "multi-region-social-app"] && m.review.cram?.count == 2)
        let rOf = { (id: String) in m.progress.scheduler.retrievability(m.progress.schedule(id), at: now) }
        #expect(rOf(m.review.cram![0]) <= rOf(m.review.cram![1]))
        let first = try #require(m.review.card)
        #expect(first == m.review.cram![0] && m.tab == .review)
        var s = m.screen()
        #expect(s.contains("Cram · 2 left"))
        m.press(.char(" "))
        let effects = m.press(.char("3"))
        guard case let .appendReview(line)? = effects.first, case let .review(e) = try LogEntry.decode(line: ArraySlice(line.utf8)) else {
            Issue.record("no rating logged"); return
        }
        #expect(e.card == first && e.mode == .practice)
        #expect(m.review.cram?.count == 1 && m.review.card != first)
        m.press(.char("u"))
        #expect(m.review.card == first && m.review.cram?.first == first && m.review.cram?.count == 2)
        m.press(.char(" "), .char("3"))
        m.press(.char(" "), .char("4"))
        s = m.screen()
        #expect(m.review.card == nil && s.contains("Cram done"))
        // Never-seen cards count as recall 0, so they come first; every topic when none is given.
        m.startCram(topics: [], now: now, mono: 0)
        #expect(m.review.cram?.count == m.catalog.questions.count)
        #expect(m.progress.schedule(m.review.cram![0]).state == .new)
    }
}

/// Issue 12: with an interview date, the Review queue spreads the unseen cards of the chosen topics so that
/// every one is seen before the day (a fixed clock, seven simulated days).
@Suite struct InterviewPlanTests {
    func bank(_ n: Int) -> [Question] {
        (0..<n).map { k in question("plan-\(k)", "Plan question \(k)", topics: [k < 25 ? "alpha" : "beta"]) }
            + [question("other-0", "Another topic", topics: ["gamma"]), question("other-1", "Another topic 2", topics: ["gamma"])]
    }

    @Test func sixtyUnseenCardsAreAllSeenBeforeTheInterview() {
        var m = makeModel(bank(60), width: 100, height: 30)
        m.progress.settings.newPerDay = 5
        m.progress.settings.learningStepsMinutes = [] // a Good graduates at once: one rating a new card
        m.progress.settings.interviewDate = RFC3339.formatDay(m.calendar.day(of: now) + 7)
        m.progress.settings.interviewTopics = ["alpha", "beta"]
        m.press(.char("R"))
        // The plan shown before the first day foresees the days that follow.
        let projected = try! #require(m.makeReadiness(now: now)?.plan)
        #expect(projected.days.map(\.new) == [9, 9, 9, 9, 8, 8, 8] && projected.days.count == 7)
        #expect(m.makeReadiness(now: now)!.overall.recallIfFollowed! > 0.9 && m.makeReadiness(now: now)!.overall.recall == 0)
        var perDay: [Int] = []
        var seenBefore = Set<String>()
        for day in 0..<7 {
            let t = now.addingTimeInterval(Double(day) * 86400)
            _ = m.update(.tick, now: t)
            var rated = 0
            let before = seenBefore.count
            while let card = m.review.card, rated < 200 {
                _ = m.update(.key(.char(" ")), now: t)
                _ = m.update(.key(.char("3")), now: t)
                if card.hasPrefix("plan-") { seenBefore.insert(card) }
                rated += 1
            }
            perDay.append(seenBefore.count - before) // new chosen cards seen that day (the rest were reviews)
        }
        #expect(seenBefore.count == 60, "\(perDay)")
        #expect(perDay[0] == 9, "\(perDay)") // ⌈60 / 7⌉, above new_per_day (5)
        // 9, 9, 9, 9, 8, 8, 8 new a day: the chosen topics' cards first, so the other topic's wait (the quota left no room).
        #expect(perDay == [9, 9, 9, 9, 8, 8, 8], "\(perDay)")
        #expect(m.progress.schedule("other-0").state == .new && m.progress.schedule("other-1").state == .new)
    }

    /// A card due after the interview but under the target on the day (its interval ran past the day) is shown
    /// in Review as "ahead", after the due cards; rated, it is logged as an ordinary review and leaves the queue.
    @Test func aCardShortOnTheDayIsReviewedAhead() throws {
        let qs = bank(2)
        let catalog = try Catalog(banks: [Bank(file: "t.json", deck: Deck(id: "t", title: "T"), questions: qs)])
        var settings = Settings()
        settings.fuzz = false
        settings.interviewDate = "2026-11-30" // tomorrow: today is the last study day before it, so it is pulled today
        settings.interviewTopics = ["alpha"] // plan-0 and plan-1, both seen: no new cards in the plan
        var short = CardSchedule()
        short.state = .review
        short.stability = 10
        short.difficulty = 5
        short.reps = 3
        short.lastReview = RFC3339.parse("2026-11-19T09:00:00Z") // 11 days before the day: R ≈ 0.89
        short.due = RFC3339.parse("2026-12-05T09:00:00Z")
        var fine = short
        fine.lastReview = RFC3339.parse("2026-11-25T09:00:00Z") // 5 days before: R ≈ 0.95, left alone
        let schedules: [CardSchedule?] = [short, fine] + Array(repeating: nil, count: qs.count - 2)
        var m = AppModel(catalog: catalog, progress: StudyProgress(entries: [], settings: settings), positionSchedules: schedules,
                         width: 100, height: 30, now: now)
        m.progress.settings.newPerDay = 0
        m.press(.char("R"))
        var screen = m.screen()
        #expect(m.dueQueue(now: now).ahead == ["plan-0"] && m.review.card == "plan-0", "\(screen)")
        #expect(screen.contains("1 ahead for the interview"), "\(screen)")
        let effects = m.press(.char(" "), .char("3"))
        let line = try #require(effects.compactMap { if case let .appendReview(l) = $0 { return l } else { return nil } }.first)
        #expect(line.contains("\"card\":\"plan-0\"") && line.contains("\"mode\":\"review\""))
        screen = m.screen()
        #expect(m.dueQueue(now: now).ahead.isEmpty && m.review.card == nil && !screen.contains("ahead"), "\(screen)")
    }

    @Test func withoutADateTheDailyLimitHolds() {
        var m = makeModel(bank(60), width: 100, height: 30)
        m.progress.settings.newPerDay = 5
        m.progress.settings.learningStepsMinutes = []
        m.press(.char("R"))
        var rated = 0
        while m.review.card != nil && rated < 100 { m.press(.char(" "), .char("3")); rated += 1 }
        #expect(rated == 5)
    }
}

/// The Review editor (`e`) autosaves its draft like Practice's, about a second behind the typing (found by
/// scripts/crash-test: text typed there was lost to kill -9 until Esc or Ctrl-S).
@Suite struct ReviewDraftTests {
    @Test func typingInTheReviewEditorIsSavedWithinASecond() {
        var m = ReviewTests().model()
        let card = m.review.card!
        _ = m.update(.key(.char("e")), now: now, mono: 100)
        var effects: [Effect] = []
        for c in "my answer" { effects += m.update(.key(.char(c)), now: now, mono: 100.2) }
        #expect(!effects.contains { if case .saveDraft = $0 { return true }; return false }) // not every key
        #expect(m.tickIntervalMs(now: now) == 1000)
        effects = m.update(.tick, now: now, mono: 101.3)
        #expect(effects == [.saveDraft(card: card, text: "my answer")])
        #expect(m.update(.tick, now: now, mono: 103).isEmpty) // nothing new to save
        for c in " more" { _ = m.update(.key(.char(c)), now: now, mono: 103.1) }
        #expect(m.draftsToFlush(mono: 103.2) == [.saveDraft(card: card, text: "my answer more")]) // a signal: at once
    }
}
