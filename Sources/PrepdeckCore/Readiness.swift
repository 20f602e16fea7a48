import Foundation

/// "Am I ready for the interview?": per topic and overall, the recall FSRS predicts on the interview day and
/// how much of the topic has been seen and practised under time (docs/scheduling.md, "Readiness").
public struct ReadinessReport: Sendable, Equatable {
    /// One topic's figures (or all the chosen cards', for `overall`).
    public struct Figures: Sendable, Equatable {
        public var topic: String
        public var cards = 0
        /// Cards rated at least once (not new).
        public var seen = 0
        /// Cards answered at least once in a timed practice (an answer with a time budget).
        public var timed = 0
        /// Seen cards whose predicted recall on the day is under 50 %: more likely forgotten than not.
        public var forgotten = 0
        /// Seen cards whose predicted recall on the day is under the desired retention.
        public var belowTarget = 0
        /// The sum of the cards' predicted recall (new cards 0).
        var recallSum = 0.0
        /// The sum of the cards' recall on the day if the plan is followed (`PlanProjection`), when worked out.
        var followedSum: Double?

        public init(topic: String) { self.topic = topic }
        public var neverSeen: Int { cards - seen }
        /// Mean predicted recall on the day over the cards, new ones counting 0: the readiness figure.
        public var recall: Double { cards == 0 ? 0 : recallSum / Double(cards) }
        public var coverageSeen: Double { cards == 0 ? 0 : Double(seen) / Double(cards) }
        public var coverageTimed: Double { cards == 0 ? 0 : Double(timed) / Double(cards) }
        /// Mean recall on the day if the plan is followed with every card rated Good (nil: no plan worked out).
        public var recallIfFollowed: Double? { followedSum.map { cards == 0 ? 0 : $0 / Double(cards) } }

        mutating func add(recall r: Double, seen s: Bool, timed t: Bool, target: Double) {
            cards += 1
            recallSum += r
            if s {
                seen += 1
                if r < ReadinessReport.forgottenBelow { forgotten += 1 }
                if r < target { belowTarget += 1 }
            }
            if t { timed += 1 }
        }

        func json(topicKey: Bool) -> JSONNode.Value {
            var members: [(String, JSONNode.Value)] = topicKey ? [("topic", .string(topic))] : []
            members += [("cards", .int(cards)), ("recall", .number(recall)), ("seen", .int(seen)), ("never_seen", .int(neverSeen)),
                        ("forgotten", .int(forgotten)), ("below_target", .int(belowTarget)), ("timed", .int(timed)),
                        ("coverage_seen", .number(coverageSeen)), ("coverage_timed", .number(coverageTimed)),
                        ("recall_if_followed", recallIfFollowed.map { .number($0) } ?? .null)]
            return .obj(members)
        }
    }

    public static let forgottenBelow = 0.5
    /// The hour of the interview day (local time) the recall is predicted for.
    public static let hourOfDay = 9

    /// The interview date, `YYYY-MM-DD`.
    public var date: String
    /// When the recall is predicted for: 09:00 local time on the date (or now, once that has passed).
    public var at: Date
    /// Study days from today to the interview day (0: today; negative: passed).
    public var daysLeft: Int
    public var desiredRetention: Double
    /// The topics that matter (empty: every topic).
    public var chosenTopics: [String]
    public var overall: Figures
    /// The plan's new cards for today (`InterviewPlan`, at least `new_per_day`), when the caller worked it out.
    public var planNewToday: Int?
    /// Per topic, weakest first (lowest recall; ties: less seen, then by id).
    public var topics: [Figures]
    /// The plan's days to the interview and what following it gives, when the caller worked it out (`addPlan`).
    public var plan: PlanProjection?

    /// `schedules`: each catalogue question's schedule in catalogue order (nil: never rated); `timed`: ids of the
    /// questions answered in a timed practice; `topics`: the topics that matter (empty: all).
    public init(catalog: Catalog, schedules: [CardSchedule?], scheduler: any Scheduler, desiredRetention: Double,
                date: String, day: Int, topics chosen: [String], timed: Set<String>, calendar: StudyCalendar, now: Date) {
        self.date = date
        self.desiredRetention = desiredRetention
        chosenTopics = chosen
        at = max(now, InterviewPlan.instant(day: day, calendar: calendar))
        daysLeft = day - calendar.day(of: now)
        let wanted = Set(chosen)
        var all = Figures(topic: "")
        var perTopic: [String: Figures] = [:]
        for i in 0..<catalog.count {
            let carried = catalog.topics(at: i)
            let topics = wanted.isEmpty ? carried : carried.filter { wanted.contains($0) }
            guard !topics.isEmpty else { continue }
            let s = (schedules.count == catalog.count ? schedules[i] : nil) ?? CardSchedule()
            let seen = s.state != .new
            var r = seen ? scheduler.retrievability(s, at: at) : 0
            r = r.isFinite ? min(1, max(0, r)) : 0
            let t = timed.contains(catalog.id(at: i))
            all.add(recall: r, seen: seen, timed: t, target: desiredRetention)
            var done = Set<String>()
            for topic in topics where done.insert(topic).inserted {
                perTopic[topic, default: Figures(topic: topic)].add(recall: r, seen: seen, timed: t, target: desiredRetention)
            }
        }
        overall = all
        self.topics = perTopic.values.sorted { a, b in
            if a.recall != b.recall { return a.recall < b.recall }
            if a.coverageSeen != b.coverageSeen { return a.coverageSeen < b.coverageSeen }
            return a.topic < b.topic
        }
    }

    /// The object of `prepdeck readiness --json`.
    public func toJSON() -> JSONNode.Value {
        .obj([
            ("interview_date", .string(date)),
            ("at", .string(RFC3339.format(at))),
            ("days_left", .int(daysLeft)),
            ("desired_retention", .number(desiredRetention)),
            ("topics_chosen", .arr(chosenTopics.map { .string($0) })),
            ("overall", overall.json(topicKey: false)),
            ("plan_new_today", .int(planNewToday)),
            ("plan", plan.map { p in .obj([
                ("reviews_ahead", .int(p.aheadCandidates)),
                ("days", .arr(p.days.map { d in .obj([("date", .string(RFC3339.formatDay(d.day))), ("new", .int(d.new)),
                                                      ("reviews", .int(d.reviews)), ("ahead", .int(d.ahead))]) })),
            ]) } ?? .null),
            ("topics", .arr(topics.map { $0.json(topicKey: true) })),
        ])
    }
}

extension ReadinessReport {
    /// Works out the plan to this date on the same catalogue and progress: `planNewToday`, the days to the
    /// interview (`plan`) and each topic's recall if the plan is followed.
    public mutating func addPlan(settings: Settings, questions: [Question], schedules: [CardSchedule?], progress: StudyProgress,
                                 calendar: StudyCalendar, now: Date) {
        guard let plan = InterviewPlan(settings: settings, questions: questions, schedules: schedules, calendar: calendar, now: now) else { return }
        let introduced = DueQueue.newCardsIntroduced(onDay: plan.today, progress: progress, calendar: calendar)
        planNewToday = max(0, max(settings.newPerDay, plan.newQuota(introducedToday: introduced)) - introduced)
        let projection = PlanProjection(plan: plan, settings: settings, questions: questions, schedules: schedules,
                                        introducedToday: introduced, calendar: calendar, now: now)
        self.plan = projection
        let wanted = Set(chosenTopics)
        var all = 0.0
        var perTopic: [String: Double] = [:]
        for k in questions.indices where plan.isChosen(k) {
            let q = questions[k]
            let r = projection.recallOnTheDay[k] ?? 0
            all += r
            var done = Set<String>()
            for t in q.topics where (wanted.isEmpty || wanted.contains(t)) && done.insert(t).inserted { perTopic[t, default: 0] += r }
        }
        overall.followedSum = all
        for i in topics.indices { topics[i].followedSum = perTopic[topics[i].topic] ?? 0 }
    }
}

/// What following the plan to the interview gives (docs/scheduling.md, "The plan"): day by day from today to the day
/// before the interview, the new cards the plan introduces, the due reviews and the reviews it pulls ahead, with every
/// card rated Good (learning steps included), and then each chosen card's recall on the day. A pure simulation with the
/// user's scheduler and settings; suspended cards are left out, and buried ones only today.
public struct PlanProjection: Sendable, Equatable {
    public struct Day: Sendable, Equatable {
        public var day: Int
        public var new = 0
        /// Ratings of cards due that day (learning steps and the new cards' second steps included).
        public var reviews = 0
        /// Cards reviewed ahead of their due time for the interview.
        public var ahead = 0
    }

    /// Today first, then every study day before the interview day (just today when the interview is today).
    public var days: [Day]
    /// The review-ahead candidates now (chosen review cards that would be under the target on the day).
    public var aheadCandidates: Int
    /// Each chosen card's recall at the interview instant after the plan, by catalogue position (absent: not chosen).
    public var recallOnTheDay: [Int: Double]

    /// The hour (local) a simulated day's reviews are done, on days after today.
    static let studyHour = 9

    public init(plan: InterviewPlan, settings: Settings, questions: [Question], schedules: [CardSchedule?],
                introducedToday: Int, calendar: StudyCalendar, now: Date) {
        let scheduler = makeScheduler(settings)
        let lastDay = max(plan.today, plan.day - 1)
        days = (plan.today...lastDay).map { Day(day: $0) }
        aheadCandidates = plan.aheadCandidates.count
        recallOnTheDay = [:]
        let suspended = Set(settings.suspended)
        let buriedToday = settings.excludedCards(onDay: plan.today)
        func when(_ i: Int) -> Date {
            i == 0 ? now : calendar.start(ofDay: days[i].day) + Double((PlanProjection.studyHour - calendar.rolloverHour) * 3600)
        }
        func excluded(_ id: String, _ i: Int) -> Bool { suspended.contains(id) || (i == 0 && buriedToday.contains(id)) }
        func schedule(_ k: Int) -> CardSchedule { (k < schedules.count ? schedules[k] : nil) ?? CardSchedule() }

        // New cards: the day's limit is what Review allows (the plan's quota, at least new_per_day), chosen cards
        // first in bank order, then the others.
        var introDay = [Int: Int]()
        var unseenChosen: [Int] = [], unseenOther: [Int] = []
        for k in questions.indices where schedule(k).state == .new && !suspended.contains(questions[k].id) {
            if plan.isChosen(k) { unseenChosen.append(k) } else { unseenOther.append(k) }
        }
        var nextChosen = 0, nextOther = 0
        for i in days.indices {
            let introduced = i == 0 ? introducedToday : 0
            let left = plan.day - days[i].day
            let quota = InterviewPlan.quota(unseen: unseenChosen.count - nextChosen, introduced: introduced, daysLeft: left)
            var room = max(0, max(settings.newPerDay, quota) - introduced)
            while room > 0 && nextChosen < unseenChosen.count {
                let k = unseenChosen[nextChosen]
                nextChosen += 1
                if excluded(questions[k].id, i) { continue }
                introDay[k] = i
                room -= 1
            }
            while room > 0 && nextOther < unseenOther.count {
                let k = unseenOther[nextOther]
                nextOther += 1
                if excluded(questions[k].id, i) { continue }
                introDay[k] = i
                room -= 1
            }
        }

        // Each card on its own from then on: its due reviews and, for chosen cards, the plan's review-ahead.
        for k in questions.indices where !suspended.contains(questions[k].id) {
            var s = schedule(k)
            let id = questions[k].id
            let chosen = plan.isChosen(k)
            var first = 0
            if s.state == .new {
                guard let d = introDay[k] else {
                    if chosen { recallOnTheDay[k] = 0 }
                    continue
                }
                s = scheduler.review(s, cardID: id, rating: .good, at: when(d))
                days[d].new += 1
                first = d
            }
            // Whether the card would be under the target on the day as it stands (worked out once a rating).
            func below() -> Bool { chosen && InterviewPlan.isShortOnTheDay(s, at: plan.at, target: plan.target, scheduler: scheduler) }
            var isBelow = below()
            var i = first
            while i < days.count {
                if excluded(id, i) { i += 1; continue }
                let start = calendar.start(ofDay: days[i].day), end = calendar.start(ofDay: days[i].day + 1)
                var t = when(i)
                for _ in 0..<16 { // a day's steps: a handful at most
                    guard t < plan.at, let due = s.due else { break }
                    if due < end {
                        t = max(t, due)
                        guard t < plan.at, t < end else { break }
                        s = scheduler.review(s, cardID: id, rating: .good, at: t)
                        days[i].reviews += 1
                    } else if isBelow, let last = s.lastReview, last < start, InterviewPlan.pullsAhead(id, daysBefore: plan.day - days[i].day) {
                        s = scheduler.review(s, cardID: id, rating: .good, at: t)
                        days[i].ahead += 1
                    } else {
                        break
                    }
                    isBelow = below()
                }
                // Nothing more for this card until its due day, unless the plan may pull it ahead.
                if !isBelow, let due = s.due {
                    i = max(i + 1, calendar.day(of: due) - plan.today)
                } else {
                    i += 1
                }
            }
            if chosen {
                let r = s.state == .new ? 0 : scheduler.retrievability(s, at: plan.at)
                recallOnTheDay[k] = r.isFinite ? min(1, max(0, r)) : 0
            }
        }
    }
}
