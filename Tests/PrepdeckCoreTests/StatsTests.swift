import Foundation
import Testing
@testable import PrepdeckCore

@Suite struct StatsTests {
    /// Local time is UTC+1 in these tests: the study day starts at 03:00Z (04:00 local).
    let calendar = StudyCalendar(utcOffsetSeconds: 3600)
    let now = RFC3339.parse("2026-11-29T10:00:00Z")!
    /// The study day of `now`: 2026-11-29.
    var today: Int { RFC3339.daysFromCivil(year: 2026, month: 11, day: 29) }

    var settings: Settings { var s = Settings(); s.fuzz = false; s.newPerDay = 10; return s }

    func at(_ s: String) -> Date { RFC3339.parse(s)! }
    /// `days` after 2026-11-29 at `time` (UTC).
    func day(_ days: Int, _ time: String) -> Date { at(RFC3339.formatDay(today + days) + "T" + time + "Z") }

    func q(_ id: String, _ topics: [String]) -> Question {
        Question(id: id, title: id, prompt: "p", difficulty: .easy, kind: .technical, topics: topics, answer: "a",
                 keyPoints: ["1", "2", "3"])
    }
    func catalog(_ questions: [Question]) -> Catalog {
        try! Catalog(banks: [Bank(file: "t.json", deck: Deck(id: "t", title: "T"), questions: questions)])
    }
    func r(_ id: String, _ card: String, _ rating: Rating, _ when: Date, ms: Int? = nil, _ mode: ReviewMode = .review) -> LogEntry {
        .review(ReviewEvent(id: id, card: card, rating: rating, at: when, ms: ms, mode: mode))
    }

    /// Six catalogue cards and one that is not in it. Hand-computed figures below.
    var bank: Catalog {
        catalog([q("a", ["caching"]), q("b", ["caching", "testing"]), q("c", ["testing", "graphs"]), q("d", ["testing"]),
                 q("e", ["queues"]), q("f", ["queues"])])
    }
    var log: [LogEntry] {
        [
            // a: Easy (new → review), then in review: Good ✓, Again ✗ (→ relearning), Good (relearning: not counted), Good ✓.
            r("a1", "a", .easy, day(-60, "09:00:00"), ms: 10_000),
            r("a2", "a", .good, day(-20, "09:00:00"), ms: 20_000),
            r("a3", "a", .again, day(-10, "09:00:00"), ms: 30_000),
            r("a4", "a", .good, day(-10, "09:15:00"), ms: 40_000),
            r("a5", "a", .good, day(-2, "09:00:00"), ms: 50_000, .practice),
            // b: Good, Good (new → learning → review), then Hard today in review ✓.
            r("b1", "b", .good, day(-5, "09:00:00"), ms: 120_000, .practice),
            r("b2", "b", .good, day(-5, "09:10:00")),
            r("b3", "b", .hard, day(0, "08:00:00"), ms: 5_000),
            // e: Easy at 03:00Z sharp (04:00 local: day -3), then Good ✓, Good ✓.
            r("e1", "e", .easy, day(-3, "03:00:00")),
            r("e2", "e", .good, day(-2, "12:00:00"), ms: 7_000),
            r("e3", "e", .good, day(-1, "12:00:00"), ms: 8_000),
            // f: Again at 02:59:59Z on day -6 (03:59:59 local): study day -7. Stays learning.
            r("f1", "f", .again, day(-6, "02:59:59"), ms: 1_500),
            // d: rated then undone: stays new, and its time does not count.
            r("d1", "d", .easy, day(-3, "09:00:00"), ms: 60_000),
            .undo(UndoEvent(id: "u1", undo: "d1", at: day(-3, "09:01:00"))),
            // A repeated id: ignored (the first line with an id wins).
            r("a2", "e", .again, day(-1, "13:00:00"), ms: 99_000),
            // Not in the catalogue: never counted.
            r("z1", "zzz", .easy, day(-15, "09:00:00"), ms: 999_000),
            r("z2", "zzz", .again, day(-8, "09:00:00"), ms: 999_000),
        ]
    }

    func report(_ entries: [LogEntry], settings s: Settings? = nil, at time: Date? = nil) -> StatsReport {
        let s = s ?? settings
        let p = StudyProgress(entries: entries, settings: s)
        return StatsReport(catalog: bank, progress: p, settings: s, calendar: calendar, now: time ?? now)
    }

    @Test func figuresFromTheLog() throws {
        let rep = report(log)
        #expect(rep.today == today)
        #expect(rep.cards == 6)
        // Effective ratings of catalogue cards: a ×5, b ×3, e ×3, f ×1 (d undone, the repeated a2 and zzz left out).
        #expect(rep.totalReviews == 12)
        #expect(rep.reviewsToday == 1)
        // Review mode: 10 + 20 + 30 + 40 + 5 + 7 + 8 + 1.5 = 121.5 s; practice: 50 + 120 s.
        #expect(rep.totalReviewSeconds == 121)
        #expect(rep.totalPracticeSeconds == 170)
        // In review when rated, in the last 30 days: a2 ✓, a3 ✗, a5 ✓, b3 ✓, e2 ✓, e3 ✓ (a4 was relearning,
        // e1, f1, b1, b2 new or learning; a1 60 days ago; zzz not in the catalogue).
        #expect(rep.retentionRatings == 6)
        #expect(rep.retention30d == 5.0 / 6.0)
        // Days with ratings: 0, -1, -2, -3 (e1 at 04:00 local), then none on day -4.
        #expect(rep.streakDays == 4)
        // States: a, b, e review; f learning; c, d new.
        #expect(rep.learning == 1)
        #expect(rep.newAvailableToday == 2) // 10 a day, none introduced today, only c and d unseen
        let p = StudyProgress(entries: log, settings: settings)
        let ids = bank.questions.map(\.id)
        #expect(rep.dueToday == DueQueue.dueToday(cardIDs: ids, progress: p, calendar: calendar, now: now))
        #expect(rep.forecast == DueQueue.forecast(cardIDs: ids, progress: p, calendar: calendar, now: now))
        #expect(rep.newAvailableToday == DueQueue(cardIDs: ids, progress: p, settings: settings, calendar: calendar, now: now).new.count)
    }

    @Test func heatMapDatesAndCountsFollowTheStudyDay() {
        let rep = report(log)
        let map = rep.heatmap
        #expect(map.count == 182)
        #expect(map.first?.date == "2026-06-01" && map.last?.date == "2026-11-29")
        #expect(zip(map, map.dropFirst()).allSatisfy { $1.day == $0.day + 1 })
        func count(_ date: String) -> Int? { map.first { $0.date == date }?.count }
        #expect(count("2026-11-29") == 1) // b3
        #expect(count("2026-11-28") == 1) // e3 (the repeated id a2 on that day is ignored)
        #expect(count("2026-11-27") == 2) // a5, e2
        #expect(count("2026-11-26") == 1) // e1 at 03:00:00Z = 04:00 local (d1 undone)
        #expect(count("2026-11-25") == 0)
        #expect(count("2026-11-24") == 2) // b1, b2
        #expect(count("2026-11-23") == 0) // f1 at 02:59:59Z on the 23rd is 03:59:59 local: the 22nd
        #expect(count("2026-11-22") == 1)
        #expect(count("2026-11-21") == 0) // z2 is not in the catalogue
        #expect(count("2026-11-19") == 2) // a3, a4
        #expect(count("2026-11-09") == 1) // a2
        #expect(count("2026-09-30") == 1) // a1, 60 days ago
        #expect(map.reduce(0) { $0 + $1.count } == 12)
    }

    @Test func streakWithoutARatingToday() {
        let withoutToday = log.filter { $0.id != "b3" }
        let rep = report(withoutToday)
        #expect(rep.reviewsToday == 0)
        #expect(rep.streakDays == 3) // yesterday, -2, -3: today does not break it yet
        #expect(rep.retention30d == 4.0 / 5.0)
        // A day later the streak is broken.
        #expect(report(withoutToday, at: now.addingTimeInterval(86400)).streakDays == 0)
        // Nothing at all.
        let empty = report([])
        #expect(empty.streakDays == 0 && empty.retention30d == nil && empty.totalReviews == 0 && empty.heatmap.count == 182)
    }

    @Test func retentionCountsOnlyRatingsOfCardsInReview() {
        // A card in learning rated Again many times: no effect on retention.
        var entries = log
        for k in 0..<5 { entries.append(r("g\(k)", "f", .again, day(-1, "1\(k):00:00"))) }
        #expect(report(entries).retention30d == 5.0 / 6.0)
        // The window is 30 study days, today included: day -29 counts, day -30 does not.
        let edge: [LogEntry] = [
            r("x1", "c", .easy, day(-40, "09:00:00")),
            r("x2", "c", .again, day(-30, "12:00:00")), // outside
            r("x3", "c", .good, day(-30, "12:10:00")),  // relearning: not counted anyway
            r("x4", "c", .good, day(-29, "03:00:00")),  // 04:00 local: day -29, inside
        ]
        let rep = report(edge)
        #expect(rep.retentionRatings == 1 && rep.retention30d == 1)
    }

    @Test func topicMasteryIsBetweenZeroAndOneAndNewCardsCountZero() throws {
        let rep = report(log)
        #expect(rep.topics.map(\.topic) == ["caching", "graphs", "queues", "testing"])
        for t in rep.topics { #expect(t.mastery >= 0 && t.mastery <= 1, "\(t.topic)") }
        let graphs = try #require(rep.topics.first { $0.topic == "graphs" })
        #expect(graphs.cards == 1 && graphs.learned == 0 && graphs.mastery == 0) // only c, new
        let testing = try #require(rep.topics.first { $0.topic == "testing" })
        #expect(testing.cards == 3 && testing.learned == 1) // b review; c, d new
        let p = StudyProgress(entries: log, settings: settings)
        let rb = p.scheduler.retrievability(p.schedule("b"), at: now)
        #expect(abs(testing.mastery - rb / 3) < 1e-12)
        let caching = try #require(rep.topics.first { $0.topic == "caching" })
        #expect(caching.cards == 2 && caching.learned == 2 && caching.mastery > 0.5)
        #expect(rep.weakestTopics.first?.topic == "graphs")
    }

    /// Schedules set by hand: the forecast's buckets around the 04:00 rollover.
    @Test func forecastBucketsRollOverAtFourLocal() throws {
        func sched(_ state: CardState, due: String, stability: Double = 10, last: Date? = nil) -> CardSchedule {
            var s = CardSchedule()
            s.state = state
            s.due = at(due)
            s.stability = stability
            s.difficulty = 5
            s.lastReview = last ?? now.addingTimeInterval(-10 * 86400)
            s.reps = 1
            return s
        }
        let schedules: [String: CardSchedule] = [
            "s1": sched(.review, due: "2026-11-20T12:00:00Z"),     // overdue: today
            "s2": sched(.review, due: "2026-11-30T02:59:59Z"),     // 03:59:59 local tomorrow: still today
            "s3": sched(.review, due: "2026-11-30T03:00:00Z"),     // 04:00 local: tomorrow
            "s4": sched(.learning, due: "2026-11-29T10:05:00Z"),   // today
            "s5": sched(.relearning, due: "2026-12-01T03:00:00Z"), // in 2 days
            "s6": sched(.review, due: "2026-12-28T03:00:00Z"),     // in 29 days: the last bucket
            "s7": sched(.review, due: "2026-12-29T03:00:00Z"),     // in 30 days: beyond the forecast
            "ghost": sched(.review, due: "2026-11-29T09:00:00Z"),  // not in the catalogue
        ]
        var firsts: [String: Date] = [:]
        for k in schedules.keys { firsts[k] = at("2026-11-01T09:00:00Z") }
        firsts["s4"] = at("2026-11-29T09:00:00Z") // introduced today
        let cat = catalog([q("s1", ["alpha"]), q("s2", ["beta"]), q("s3", ["beta"]), q("s4", ["beta"]), q("s5", ["beta"]),
                           q("s6", ["beta"]), q("s7", ["beta"]), q("s8", ["alpha"])])
        var s = settings
        s.newPerDay = 5
        let p = StudyProgress(settings: s, schedules: schedules, firstReviews: firsts, source: nil)
        let rep = StatsReport(catalog: cat, progress: p, settings: s, calendar: calendar, now: now, events: StatsEvents())
        #expect(rep.forecast.count == 30)
        var expected = [Int](repeating: 0, count: 30)
        expected[0] = 3; expected[1] = 1; expected[2] = 1; expected[29] = 1
        #expect(rep.forecast == expected)
        #expect(rep.dueToday == 3)
        // The same as the review queue's own counts.
        let ids = cat.questions.map(\.id)
        #expect(rep.forecast == DueQueue.forecast(cardIDs: ids, progress: p, calendar: calendar, now: now))
        #expect(rep.dueToday == DueQueue.dueToday(cardIDs: ids, progress: p, calendar: calendar, now: now))
        #expect(rep.learning == 2)
        #expect(rep.newAvailableToday == 1) // 5 a day, 1 introduced today: 4 left, but only s8 is unseen
        s.newPerDay = 1
        #expect(StatsReport(catalog: cat, progress: p, settings: s, calendar: calendar, now: now, events: StatsEvents()).newAvailableToday == 0)
        // alpha: s1 (review, recall 0.9 at exactly its stability) and s8 (new: 0).
        let alpha = try #require(rep.topics.first { $0.topic == "alpha" })
        #expect(alpha.cards == 2 && alpha.learned == 1 && abs(alpha.mastery - 0.45) < 1e-9)
    }

    /// A question that lists a topic twice counts once in that topic's mastery.
    @Test func aTopicListedTwiceCountsOnce() throws {
        let cat = catalog([q("d1", ["alpha", "beta", "alpha"]), q("d2", ["beta", "beta"]), q("d3", ["alpha"])])
        let p = StudyProgress(settings: settings, schedules: [:], firstReviews: [:], source: nil)
        let rep = StatsReport(catalog: cat, progress: p, settings: settings, calendar: calendar, now: at("2026-11-29T10:00:00Z"), events: StatsEvents())
        #expect(rep.topics.map(\.topic).sorted() == ["alpha", "beta"])
        #expect(rep.topics.first { $0.topic == "alpha" }?.cards == 2 && rep.topics.first { $0.topic == "beta" }?.cards == 2)
    }

    @Test func jsonHasExactlyTheSpecifiedKeys() throws {
        let json = report(log).toJSON()
        let node = try JSONParser.parse(JSONWriter.write(json))
        guard case let .object(members) = node.value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["due_today", "new_available_today", "learning", "reviews_today", "forecast", "heatmap",
                                       "retention_30d", "streak_days", "total_review_seconds", "total_practice_seconds", "topics",
                                       "cards", "total_reviews"])
        #expect(node["forecast"]?.array?.count == 30)
        let heat = try #require(node["heatmap"]?.array)
        #expect(heat.count == 182)
        #expect(heat.last?["date"]?.string == "2026-11-29" && heat.last?["count"]?.number == 1)
        if case let .object(m)? = heat.first?.value { #expect(m.map(\.key) == ["date", "count"]) }
        #expect(node["retention_30d"]?.number == 5.0 / 6.0)
        let topic = try #require(node["topics"]?.array?.first)
        if case let .object(m) = topic.value { #expect(m.map(\.key) == ["topic", "cards", "learned", "mastery"]) }
        let none = try JSONParser.parse(JSONWriter.write(report([]).toJSON()))
        #expect(none["retention_30d"]?.isNull == true)
    }

    // MARK: Reading the log's bytes

    /// A log with every kind of line: undo (before and after its target), repeated ids, out-of-order times,
    /// practice lines, lines without `ms` or `mode`, null fields, odd spacing and key order, escapes, a bad line.
    func messyLog(seed: UInt64, lines: Int) -> [String] {
        var rng = StatsTestRNG(seed: seed)
        let cards = ["a", "b", "c", "d", "e", "f", "zzz"]
        var out: [String] = []
        var ids: [String] = []
        for k in 0..<lines {
            let t = now.addingTimeInterval(-Double(rng.next() % (90 * 86400)))
            let when = RFC3339.format(t)
            let card = cards[Int(rng.next() % UInt64(cards.count))]
            let rating = Int(rng.next() % 4) + 1
            let id = "id\(k)"
            switch rng.next() % 14 {
            case 0 where !ids.isEmpty:
                out.append("{\"id\":\"u\(k)\",\"undo\":\"\(ids[Int(rng.next() % UInt64(ids.count))])\",\"at\":\"\(when)\"}")
            case 1 where !ids.isEmpty:
                out.append("{\"id\":\"\(ids[Int(rng.next() % UInt64(ids.count))])\",\"card\":\"\(card)\",\"rating\":\(rating),\"at\":\"\(when)\",\"ms\":5}")
            case 2:
                out.append("{\"undo\":\"id\(k + 1)\",\"id\":\"u\(k)\",\"at\":\"\(when)\"}") // undoes the next line, before it
            case 3:
                out.append("{ \"mode\" : \"practice\", \"ms\" : \(rng.next() % 100000), \"at\" : \"\(when)\", \"rating\" : \(rating), \"card\" : \"\(card)\", \"id\" : \"\(id)\" }")
                ids.append(id)
            case 4:
                out.append("{\"id\":\"\(id)\",\"card\":\"\(card)\",\"rating\":\(rating),\"at\":\"\(when)\"}")
                ids.append(id)
            case 5:
                out.append("{\"id\":\"\(id)\",\"card\":\"\(card)\",\"rating\":\(rating),\"at\":\"\(when)\",\"ms\":null,\"mode\":null}")
                ids.append(id)
            case 6:
                out.append("{\"id\":\"i\\u0064\(k)\",\"card\":\"\(card)\",\"rating\":\(rating),\"at\":\"\(when)\",\"ms\":77,\"mode\":\"practice\",\"note\":\"a \\\"quoted\\\" ms\"}")
            case 7:
                out.append("{\"id\":\"\(id)\",\"card\":\"\(card)\",\"rating\":9,\"at\":\"\(when)\"}") // bad rating: skipped
            case 8:
                out.append("{\"id\":\"\(id)\",\"card\":\"\(card)\",\"extra\":{\"ms\":1,\"mode\":\"practice\"},\"rating\":\(rating),\"at\":\"\(when)\",\"ms\":\(rng.next() % 1000)}")
                ids.append(id)
            default:
                let mode = rng.next() % 3 == 0 ? "practice" : "review"
                out.append("{\"id\":\"\(id)\",\"card\":\"\(card)\",\"rating\":\(rating),\"at\":\"\(when)\",\"ms\":\(rng.next() % 300000),\"mode\":\"\(mode)\"}")
                ids.append(id)
            }
        }
        return out
    }

    func entries(_ lines: [String]) -> [LogEntry] {
        lines.compactMap { try? LogEntry.decode(line: ArraySlice(Array($0.utf8))) }
    }

    /// Events by card, for comparing two `StatsEvents` whatever their card order and segments.
    func byCard(_ e: StatsEvents) -> [String: [StatsEvent]] { e.byCard }

    @Test func readingTheBytesGivesWhatTheHistoryGives() {
        for seed in 1...6 as ClosedRange<UInt64> {
            let lines = messyLog(seed: seed, lines: 400)
            let text = Array((lines.joined(separator: "\n") + "\n").utf8)
            let p = StudyProgress(entries: entries(lines), settings: settings)
            let fromHistory = StatsEvents(history: p.history, scheduler: p.scheduler)
            let fromBytes = text.withUnsafeBufferPointer { StatsEvents(logBytes: $0, scheduler: p.scheduler, workers: 2) }
            #expect(byCard(fromBytes) == byCard(fromHistory), "seed \(seed)")
            let a = StatsReport(catalog: bank, progress: p, settings: settings, calendar: calendar, now: now, events: fromBytes)
            let b = StatsReport(catalog: bank, progress: p, settings: settings, calendar: calendar, now: now)
            #expect(a == b, "seed \(seed)")
            #expect(a.totalReviews > 0 && a.totalPracticeSeconds > 0)
        }
    }

    /// The tally of every card (what stats-tally.bin keeps) gives the report the events give when every
    /// rated card is in the catalogue; it survives its bytes, and damaged bytes are refused.
    @Test func aTallyGivesTheReportTheEventsGive() throws {
        let known = catalog(["a", "b", "c", "d", "e", "f", "zzz"].map { q($0, ["t"]) })
        for seed in 1...4 as ClosedRange<UInt64> {
            let lines = messyLog(seed: seed, lines: 400)
            let text = Array((lines.joined(separator: "\n") + "\n").utf8)
            let p = StudyProgress(entries: entries(lines), settings: settings)
            let events = text.withUnsafeBufferPointer { StatsEvents(logBytes: $0, scheduler: p.scheduler, workers: 2) }
            let tally = StatsTally(events.grouped(), calendar: calendar)
            let schedules = known.questions.map { p.reviewedSchedule($0.id) }
            #expect(StatsInput.knownCards(schedules: schedules, progress: p) == tally.cards, "seed \(seed)")
            let fromEvents = StatsReport(catalog: known, progress: p, settings: settings, calendar: calendar, now: now, events: events)
            let fromTally = StatsReport(catalog: known, progress: p, settings: settings, calendar: calendar, now: now, input: .tally(tally))
            #expect(fromTally == fromEvents, "seed \(seed)")
            #expect(fromTally.totalReviews > 0 && fromTally.heatmap.contains { $0.count > 0 })
            let bytes = tally.encode()
            #expect(bytes.withUnsafeBytes { StatsTally.decode($0) } == tally)
            #expect(bytes.dropLast(8).withUnsafeBytes { StatsTally.decode($0) } == nil)
        }
        // A catalogue without some rated card: not "known", so the tally of the whole log is not used for it.
        let p = StudyProgress(entries: log, settings: settings)
        #expect(StatsInput.knownCards(schedules: bank.questions.map { p.reviewedSchedule($0.id) }, progress: p) == nil)
    }

    @Test func aTallyKeepsFarDatesSparseAndWindowsThem() {
        let events = StatsEvents(history: ["x": [
            ReviewEvent(id: "1", card: "x", rating: .good, at: Date(timeIntervalSince1970: -62_000_000_000), mode: .review),
            ReviewEvent(id: "2", card: "x", rating: .good, at: day(0, "09:00:00"), mode: .review),
            ReviewEvent(id: "3", card: "x", rating: .good, at: Date(timeIntervalSince1970: 253_000_000_000), mode: .review),
        ]], scheduler: StudyProgress(entries: [], settings: settings).scheduler)
        let t = StatsTally(events, calendar: calendar)
        #expect(t.days.count == 3 && t.total == 3 && t.cards == 1)
        let w = t.window(from: today - 2, through: today)
        #expect(w.count == [0, 0, 1])
    }

    @Test func appendedLinesMergeToTheWholeLog() {
        let lines = messyLog(seed: 42, lines: 300)
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        let scheduler = makeScheduler(settings)
        let whole = text.withUnsafeBufferPointer { StatsEvents(logBytes: $0, scheduler: scheduler) }
        var starts = [0]
        for (k, b) in text.enumerated() where b == 0x0A { starts.append(k + 1) }
        for cut in stride(from: 0, to: starts.count, by: 7) {
            let split = starts[cut]
            var merged = text.withUnsafeBufferPointer { StatsEvents(logBytes: UnsafeBufferPointer(rebasing: $0[..<split]), scheduler: scheduler) }
            // The tail in two pieces, the second one ending without a newline (a torn or unfinished line).
            let mid = starts[min(starts.count - 1, cut + 3)]
            text.withUnsafeBufferPointer { merged.merge(tail: UnsafeBufferPointer(rebasing: $0[split..<mid]), scheduler: scheduler) }
            text.withUnsafeBufferPointer { merged.merge(tail: UnsafeBufferPointer(rebasing: $0[mid...]), scheduler: scheduler) }
            #expect(byCard(merged) == byCard(whole), "cut at line \(cut)")
            #expect(Set(merged.undone) == Set(whole.undone))
            // What a cache written now holds: one segment a card, the same ratings.
            let key = StatsEvents.CacheKey(settings: 1, coveredLength: text.count, fingerprint: 2)
            let back = merged.encodeCache(key: key).withUnsafeBytes { StatsEvents.decodeCache($0) }
            #expect(back?.events.cards.count == Set(merged.cards.filter { !$0.isEmpty }).count)
            #expect(back.map { byCard($0.events) } == byCard(whole))
        }
    }

    @Test func laterRatingsAreAppendedEarlierOnesRegroup() {
        let scheduler = makeScheduler(settings)
        func line(_ e: LogEntry) -> String { e.jsonLine + "\n" }
        let base = log.map(line).joined()
        // In order after each card's last rating: appended as segments.
        let later = [r("n1", "a", .good, day(0, "09:00:00"), ms: 1_000), r("n2", "e", .again, day(0, "09:05:00")),
                     r("n3", "new-card", .easy, day(0, "09:10:00"))].map(line).joined()
        // Before e's last rating, and an undo of a3: e and a are replayed again (in new segments).
        let earlier = [r("o1", "e", .hard, day(-1, "11:00:00")), .undo(UndoEvent(id: "o2", undo: "a3", at: day(0, "10:00:00")))]
            .map(line).joined()
        func events(_ text: String) -> StatsEvents {
            Array(text.utf8).withUnsafeBufferPointer { StatsEvents(logBytes: $0, scheduler: scheduler) }
        }
        var merged = events(base)
        Array(later.utf8).withUnsafeBufferPointer { merged.merge(tail: $0, scheduler: scheduler) }
        #expect(merged.cards.count == Set(merged.cards).count + 2) // a and e have a second segment
        #expect(merged.byCard == events(base + later).byCard)
        // e's Again comes after three ratings in review: counted as in review.
        #expect(merged.byCard["e"]?.last?.inReview == true && merged.byCard["new-card"]?.first?.inReview == false)
        Array(earlier.utf8).withUnsafeBufferPointer { merged.merge(tail: $0, scheduler: scheduler) }
        #expect(merged.cards.filter(\.isEmpty).count == 4) // a's and e's earlier segments, superseded
        #expect(merged.byCard == events(base + later + earlier).byCard)
        let grouped = merged.grouped()
        #expect(grouped.cards.count == Set(grouped.cards).count && !grouped.cards.contains(""))
        #expect(grouped.byCard == merged.byCard)
        #expect(merged.byCard["a"]?.count == 5) // a1, a2, a4, a5, n1
        // The same, entry by entry (as a screen does after each rating or undo).
        var live = events(base)
        for e in [r("n1", "a", .good, day(0, "09:00:00"), ms: 1_000), r("n2", "e", .again, day(0, "09:05:00")),
                  r("n3", "new-card", .easy, day(0, "09:10:00")), r("o1", "e", .hard, day(-1, "11:00:00")),
                  .undo(UndoEvent(id: "o2", undo: "a3", at: day(0, "10:00:00")))] {
            live.merge([e], scheduler: scheduler)
        }
        #expect(live.byCard == merged.byCard)
    }

    /// Issue 17, case 9: `ms` values inside what the log accepts made the totals wrap negative; each
    /// rating now counts up to an hour, and the totals stay exact below that.
    @Test func hugeTimesSpentNeitherWrapNorInflateTheTotals() {
        let cat = catalog([q("s1", ["alpha"])])
        let p = StudyProgress(settings: settings, schedules: [:], firstReviews: [:], source: nil)
        let huge = ReviewEvent(id: "a", card: "s1", rating: .good, at: at("2026-11-28T09:00:00Z"), ms: Int.max / 2, mode: .review)
        let normal = ReviewEvent(id: "b", card: "s1", rating: .good, at: at("2026-11-28T10:00:00Z"), ms: 90_000, mode: .review)
        let practice = ReviewEvent(id: "c", card: "s1", rating: .good, at: at("2026-11-28T11:00:00Z"), ms: Int.max / 2, mode: .practice)
        let events = StatsEvents(history: ["s1": [huge, normal, practice, huge]], scheduler: makeScheduler(settings))
        let rep = StatsReport(catalog: cat, progress: p, settings: settings, calendar: calendar, now: now, events: events)
        #expect(rep.totalReviewSeconds == 3600 + 90 + 3600)
        #expect(rep.totalPracticeSeconds == 3600)
    }

    @Test func theCacheRoundTripsAndRejectsDamage() throws {
        let lines = messyLog(seed: 7, lines: 200)
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        let events = text.withUnsafeBufferPointer { StatsEvents(logBytes: $0, scheduler: makeScheduler(settings)) }
        let key = StatsEvents.CacheKey(settings: StatsEvents.settingsKey(settings), coveredLength: text.count, fingerprint: 99)
        let bytes = events.encodeCache(key: key)
        let back = try #require(bytes.withUnsafeBytes { StatsEvents.decodeCache($0) })
        #expect(back.key == key && back.events == events)
        // Releasing the parts already read (a mapped file lets the kernel drop them) changes nothing; every
        // byte is read before it is released, and the ranges stay inside the file.
        var released: [Range<Int>] = []
        let again = try #require(bytes.withUnsafeBytes { StatsEvents.decodeCache($0) { released.append($0) } })
        #expect(again.events == events && !released.isEmpty && released.allSatisfy { $0.upperBound <= bytes.count })
        var damaged = bytes
        damaged[damaged.count / 2] ^= 1
        #expect(damaged.withUnsafeBytes { StatsEvents.decodeCache($0) } == nil)
        #expect(Array(bytes.dropLast(8)).withUnsafeBytes { StatsEvents.decodeCache($0) } == nil)
        #expect([UInt8]().withUnsafeBytes { StatsEvents.decodeCache($0) } == nil)
        var other = settings
        other.learningStepsMinutes = [5]
        #expect(StatsEvents.settingsKey(other) != key.settings)
    }

    @Test func theShortcutsReadMsAndModeAsTheDecoderDoes() {
        let lines = [
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"ms\":84000,\"mode\":\"review\"}",
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"ms\":0,\"mode\":\"practice\"}",
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"mode\":\"practice\"}",
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\"}",
            "{\"mode\":\"practice\",\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"ms\":12}",
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"ms\":null,\"mode\":null}",
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"ms\" : 5,\"mode\":\"practice\"}",
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"x\":{\"ms\":1},\"ms\":5}",
            "{\"id\":\"1\",\"card\":\"a\",\"note\":\"\\\",\\\"ms\\\":7,\\\"mode\\\":\\\"practice\\\"}\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\"}",
            "{\"id\":\"1\",\"card\":\"a\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"ms\":123456789012,\"mode\":\"review\"}  ",
        ]
        for line in lines {
            let bytes = Array(line.utf8)
            guard case let .review(r)? = try? LogEntry.decode(line: ArraySlice(bytes)) else { Issue.record("bad test line \(line)"); continue }
            let got = bytes.withUnsafeBufferPointer { StatsEvents.timeAndMode($0) }
            #expect(got.0 == (r.ms ?? 0) && got.1 == r.mode, "\(line)")
        }
    }
}

/// A small deterministic generator for the test logs.
private struct StatsTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
