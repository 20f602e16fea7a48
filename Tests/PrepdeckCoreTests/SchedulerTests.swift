import Foundation
import Testing
@testable import PrepdeckCore

func fixture(_ name: String) throws -> JSONNode {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return try JSONParser.parse(Array(try Data(contentsOf: url)))
}

@Suite struct FSRSReferenceTests {
    /// Every review of every fixture case must give the reference's state, step, stability, difficulty and due.
    @Test func matchesPyFSRS() throws {
        let root = try fixture("fsrs.json")
        let cases = try #require(root["cases"]?.array)
        #expect(cases.count >= 500)
        var checked = 0
        for c in cases {
            let name = c["name"]!.string!
            let st = c["settings"]!
            var settings = Settings()
            settings.fuzz = false
            settings.desiredRetention = st["desired_retention"]!.number!
            settings.learningStepsMinutes = st["learning_steps_minutes"]!.array!.map { $0.number! }
            settings.relearningStepsMinutes = st["relearning_steps_minutes"]!.array!.map { $0.number! }
            settings.maximumIntervalDays = st["maximum_interval_days"]!.int!
            if let p = st["parameters"]?.array { settings.parameters = p.map { $0.number! } }
            let fsrs = FSRS(settings: settings)
            var card = CardSchedule()
            for (k, (r, e)) in zip(c["reviews"]!.array!, c["expected"]!.array!).enumerated() {
                let at = RFC3339.parse(r["at"]!.string!)!
                card = fsrs.review(card, cardID: name, rating: Rating(rawValue: r["rating"]!.int!)!, at: at)
                let where_ = "\(name) review \(k + 1)"
                #expect(card.state.rawValue == e["state"]!.string!, "\(where_): state")
                #expect(card.step == e["step"]!.int, "\(where_): step")
                let s = e["stability"]!.number!, d = e["difficulty"]!.number!
                #expect(abs(card.stability! - s) <= 1e-6 * max(1, abs(s)), "\(where_): stability \(card.stability!) vs \(s)")
                #expect(abs(card.difficulty! - d) <= 1e-6 * max(1, abs(d)), "\(where_): difficulty \(card.difficulty!) vs \(d)")
                let due = RFC3339.parse(e["due"]!.string!)!
                #expect(abs(card.due!.timeIntervalSince(due)) < 1, "\(where_): due \(RFC3339.format(card.due!)) vs \(RFC3339.format(due))")
                checked += 1
            }
        }
        #expect(checked > 3000)
    }
}

@Suite struct SchedulerTests {
    let t0 = RFC3339.parse("2026-11-29T10:00:00Z")!

    @Test func newCardWalksTheLearningSteps() {
        let f = FSRS(settings: Settings())
        var c = f.review(CardSchedule(), cardID: "x", rating: .good, at: t0)
        #expect(c.state == .learning && c.step == 1 && c.due == t0.addingTimeInterval(600) && c.reps == 1)
        c = f.review(c, cardID: "x", rating: .good, at: c.due!)
        #expect(c.state == .review && c.step == nil && c.reps == 2)
        #expect(c.due! > t0.addingTimeInterval(86400))
        let lapse = f.review(c, cardID: "x", rating: .again, at: c.due!)
        #expect(lapse.state == .relearning && lapse.lapses == 1 && lapse.due == c.due!.addingTimeInterval(600))
    }

    @Test func fuzzIsDeterministicAndBounded() {
        var s = Settings()
        s.fuzz = true
        let f = FSRS(settings: s)
        var plain = Settings()
        plain.fuzz = false
        let p = FSRS(settings: plain)
        var c = CardSchedule(), q = CardSchedule()
        var t = t0
        for _ in 0..<6 {
            c = f.review(c, cardID: "card-a", rating: .easy, at: t)
            q = p.review(q, cardID: "card-a", rating: .easy, at: t)
            let fuzzDays = c.due!.timeIntervalSince(t) / 86400, plainDays = q.due!.timeIntervalSince(t) / 86400
            #expect(abs(fuzzDays - plainDays) <= max(1, plainDays * 0.16) + 1)
            t = q.due!
            q = c
        }
        let again = f.replay([ReviewEvent(id: "1", card: "card-a", rating: .easy, at: t0),
                              ReviewEvent(id: "2", card: "card-a", rating: .easy, at: t0.addingTimeInterval(86400 * 20))], cardID: "card-a")
        let twice = f.replay([ReviewEvent(id: "1", card: "card-a", rating: .easy, at: t0),
                              ReviewEvent(id: "2", card: "card-a", rating: .easy, at: t0.addingTimeInterval(86400 * 20))], cardID: "card-a")
        #expect(again == twice)
        #expect(fuzzUnit(cardID: "a", reps: 1) != fuzzUnit(cardID: "a", reps: 2))
        #expect((0..<1000).allSatisfy { let u = fuzzUnit(cardID: "c\($0)", reps: $0); return u >= 0 && u < 1 })
    }

    @Test func sm2FollowsTheClassicIntervals() {
        var s = Settings()
        s.scheduler = .sm2
        s.fuzz = false
        s.learningStepsMinutes = []
        let m = SM2(settings: s)
        var c = m.review(CardSchedule(), cardID: "x", rating: .good, at: t0)
        #expect(c.state == .review && c.stability == 1)
        c = m.review(c, cardID: "x", rating: .good, at: c.due!)
        #expect(c.stability == 6)
        c = m.review(c, cardID: "x", rating: .good, at: c.due!)
        #expect(c.stability == 15) // 6 × 2.5
        c = m.review(c, cardID: "x", rating: .again, at: c.due!)
        #expect(c.state == .relearning && c.lapses == 1 && c.difficulty! < 2.5)
        #expect(c.difficulty! >= 1.3)
    }

    @Test func undoAndDuplicatesAreResolved() {
        let a = ReviewEvent(id: "a", card: "x", rating: .good, at: t0)
        let b = ReviewEvent(id: "b", card: "x", rating: .again, at: t0.addingTimeInterval(60))
        let c = ReviewEvent(id: "c", card: "x", rating: .easy, at: t0.addingTimeInterval(30))
        let entries: [LogEntry] = [.review(a), .review(b), .review(a), .undo(UndoEvent(id: "u", undo: "b", at: t0.addingTimeInterval(90))), .review(c)]
        #expect(effectiveReviews(entries).map(\.id) == ["a", "c"])
        let p = StudyProgress(entries: entries, settings: Settings())
        #expect(p.schedule("x").reps == 2)
        #expect(p.schedule("x") == FSRS(settings: Settings()).replay([a, c], cardID: "x"))
    }

    @Test func shortIntervals() {
        #expect(shortInterval(30) == "<1m")
        #expect(shortInterval(600) == "10m")
        #expect(shortInterval(5 * 3600) == "5h")
        #expect(shortInterval(86400) == "1d")
        #expect(shortInterval(4 * 86400) == "4d")
        #expect(shortInterval(90 * 86400) == "3mo")
        #expect(shortInterval(548 * 86400) == "1.5y")
    }

    @Test func settingsDecodeAndRejectBadValues() throws {
        let s = try Settings.decode(try JSONParser.parse("{\"scheduler\": \"sm2\", \"new_per_day\": 5, \"fuzz\": false, \"x\": 1}"))
        #expect(s.scheduler == .sm2 && s.newPerDay == 5 && !s.fuzz && s.desiredRetention == 0.9)
        #expect(throws: Settings.FieldError.self) { try Settings.decode(try JSONParser.parse("{\"desired_retention\": 1.5}")) }
        #expect(throws: Settings.FieldError.self) { try Settings.decode(try JSONParser.parse("{\"parameters\": [1, 2]}")) }
        let encoded = JSONWriter.write(s.encode(into: try JSONParser.parse("{\"x\": 1}")))
        #expect(encoded.contains("\"x\":1") && encoded.contains("\"scheduler\":\"sm2\""))
    }

    /// Issue 17, case 2: values that used to pass validation and then trap in the scheduler are refused
    /// with the field's name; the arithmetic saturates instead of trapping.
    @Test func settingsOutOfRangeAreRefusedAndTheArithmeticNeverTraps() throws {
        func decode(_ text: String) throws -> Settings { try Settings.decode(try JSONParser.parse(text)) }
        for bad in ["{\"desired_retention\": 0.001}", "{\"desired_retention\": 0.69}", "{\"desired_retention\": 0}",
                    "{\"desired_retention\": -0.5}", "{\"desired_retention\": 0.995}", "{\"learning_steps_minutes\": [1e300]}",
                    "{\"relearning_steps_minutes\": [0]}", "{\"learning_steps_minutes\": [\(Array(repeating: "1", count: 21).joined(separator: ","))]}",
                    "{\"maximum_interval_days\": 36501}", "{\"new_per_day\": 1000000}"] {
            #expect(throws: Settings.FieldError.self, "\(bad)") { try decode(bad) }
        }
        do { _ = try decode("{\"desired_retention\": 0.001}") } catch let error as Settings.FieldError { #expect(error.message.contains("desired_retention") && error.message.contains("0.70")) }
        #expect(try decode("{\"desired_retention\": 0.7}").desiredRetention == 0.7)
        #expect(try decode("{\"desired_retention\": 0.99, \"learning_steps_minutes\": [525600]}").desiredRetention == 0.99)
        #expect(Int(saturating: .nan) == 0 && Int(saturating: 1e300) == .max && Int(saturating: -.infinity) == .min && Int(saturating: 41.9) == 41)
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        // Issue 17, case 10: offsets out of range are not times; in range they are.
        #expect(RFC3339.parse("2026-11-29T10:00:00+99:99") == nil && RFC3339.parse("2026-11-29T10:00:00+24:00") == nil)
        #expect(RFC3339.parse("2026-11-29T10:00:00-00:60") == nil)
        #expect(RFC3339.parse("2026-11-29T10:00:00+23:59") == RFC3339.parse("2026-11-28T10:01:00Z"))
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1e300)).hasPrefix("0001-01-01T00:00:00"))
        #expect(shortInterval(.infinity).hasSuffix("y") && shortInterval(1e300).hasSuffix("y"))
        // The extreme ends of the accepted range schedule without trapping, fuzz on and off.
        for retention in [0.7, 0.99] {
            for fuzz in [true, false] {
                var st = Settings()
                st.desiredRetention = retention; st.fuzz = fuzz; st.learningStepsMinutes = [525_600]; st.maximumIntervalDays = 36_500
                let sch = makeScheduler(st)
                var c = CardSchedule()
                var t = Date(timeIntervalSince1970: 1_700_000_000)
                for r in [Rating.easy, .easy, .good, .again, .easy, .easy, .easy] {
                    c = sch.review(c, cardID: "x", rating: r, at: t)
                    t = c.due ?? t
                    _ = sch.previews(c, cardID: "x", at: t)
                }
                #expect(c.reps == 7)
            }
        }
    }

    @Test func logLinesRoundTrip() throws {
        let r = LogEntry.review(ReviewEvent(id: "4f0c", card: "caching-product-catalog", rating: .good, at: RFC3339.parse("2026-11-29T10:15:00Z")!, ms: 84000, mode: .review))
        #expect(r.jsonLine == "{\"id\":\"4f0c\",\"card\":\"caching-product-catalog\",\"rating\":3,\"at\":\"2026-11-29T10:15:00Z\",\"ms\":84000,\"mode\":\"review\"}")
        #expect(try LogEntry.decode(line: ArraySlice(r.jsonLine.utf8)) == r)
        let u = LogEntry.undo(UndoEvent(id: "5", undo: "4f0c", at: RFC3339.parse("2026-11-29T10:16:00Z")!))
        #expect(try LogEntry.decode(line: ArraySlice(u.jsonLine.utf8)) == u)
        #expect(throws: LogLineError.self) { try LogEntry.decode(line: ArraySlice("{\"id\":\"1\",\"card\":\"x\",\"rating\":5,\"at\":\"2026-11-29T10:15:00Z\"}".utf8)) }
    }
}

/// `CardSchedule` keeps its fields compactly: each reads back as set (absent, NaN, signed zero,
/// infinities, the far dates and counts included), compares as the optionals did, and takes 48 bytes.
@Suite struct CardScheduleStorageTests {
    @Test func fieldsReadBackAsSetAndCompareAsOptionals() {
        #expect(MemoryLayout<CardSchedule>.stride == 48 && MemoryLayout<CardSchedule?>.stride == 48)
        let doubles: [Double?] = [nil, 0, -0.0, 1.5, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 36500]
        let dates: [Date?] = [nil, Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSince1970: 1_764_000_000.123),
                              .distantPast, .distantFuture, Date(timeIntervalSinceReferenceDate: -0.0)]
        let ints: [Int?] = [nil, 0, 1, -1, 7, Int(Int32.max)]
        var rng = TestRNG(seed: 59)
        var made: [CardSchedule] = []
        for _ in 0..<400 {
            var s = CardSchedule()
            s.state = CardState.allCases[rng.below(4)]
            s.step = ints[rng.below(ints.count)]
            s.stability = doubles[rng.below(doubles.count)]
            s.difficulty = doubles[rng.below(doubles.count)]
            s.due = dates[rng.below(dates.count)]
            s.lastReview = dates[rng.below(dates.count)]
            s.reps = rng.below(100_000)
            s.lapses = rng.below(50)
            made.append(s)
        }
        // Read back exactly what was set.
        for d in doubles { var s = CardSchedule(); s.stability = d; s.difficulty = d
            #expect(s.stability?.bitPattern == d?.bitPattern && s.difficulty?.bitPattern == d?.bitPattern) }
        for d in dates { var s = CardSchedule(); s.due = d; s.lastReview = d
            #expect(s.due?.timeIntervalSinceReferenceDate.bitPattern == d?.timeIntervalSinceReferenceDate.bitPattern && s.lastReview == d) }
        for i in ints { var s = CardSchedule(); s.step = i; #expect(s.step == i) }
        var s = CardSchedule()
        #expect(s.step == nil && s.stability == nil && s.difficulty == nil && s.due == nil && s.lastReview == nil && s.reps == 0 && s.lapses == 0 && s.state == .new)
        s.reps = 123_456; s.lapses = 9
        #expect(s.reps == 123_456 && s.lapses == 9)
        // Equality: as the optionals compare (NaN unequal to itself, -0.0 equal to 0, nil only to nil).
        for a in made.prefix(80) {
            for b in made.prefix(80) {
                let expected = a.state == b.state && a.step == b.step && a.stability == b.stability && a.difficulty == b.difficulty
                    && a.due == b.due && a.lastReview == b.lastReview && a.reps == b.reps && a.lapses == b.lapses
                #expect((a == b) == expected)
            }
        }
        var nan = CardSchedule(); nan.stability = .nan
        #expect(nan != nan)
        var zero = CardSchedule(); zero.stability = 0
        var negative = CardSchedule(); negative.stability = -0.0
        #expect(zero == negative && zero != CardSchedule())
    }
}
