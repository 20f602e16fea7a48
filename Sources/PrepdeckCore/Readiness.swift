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

        public init(topic: String) { self.topic = topic }
        public var neverSeen: Int { cards - seen }
        /// Mean predicted recall on the day over the cards, new ones counting 0: the readiness figure.
        public var recall: Double { cards == 0 ? 0 : recallSum / Double(cards) }
        public var coverageSeen: Double { cards == 0 ? 0 : Double(seen) / Double(cards) }
        public var coverageTimed: Double { cards == 0 ? 0 : Double(timed) / Double(cards) }

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
                        ("coverage_seen", .number(coverageSeen)), ("coverage_timed", .number(coverageTimed))]
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

    /// `schedules`: each catalogue question's schedule in catalogue order (nil: never rated); `timed`: ids of the
    /// questions answered in a timed practice; `topics`: the topics that matter (empty: all).
    public init(catalog: Catalog, schedules: [CardSchedule?], scheduler: any Scheduler, desiredRetention: Double,
                date: String, day: Int, topics chosen: [String], timed: Set<String>, calendar: StudyCalendar, now: Date) {
        self.date = date
        self.desiredRetention = desiredRetention
        chosenTopics = chosen
        let nine = Double(day * 86400 - calendar.utcOffsetSeconds + ReadinessReport.hourOfDay * 3600)
        at = max(now, Date(timeIntervalSince1970: nine))
        daysLeft = day - calendar.day(of: now)
        let wanted = Set(chosen)
        var all = Figures(topic: "")
        var perTopic: [String: Figures] = [:]
        let questions = catalog.questions
        for i in questions.indices {
            let q = questions[i]
            let topics = wanted.isEmpty ? q.topics : q.topics.filter { wanted.contains($0) }
            guard !topics.isEmpty else { continue }
            let s = (schedules.count == questions.count ? schedules[i] : nil) ?? CardSchedule()
            let seen = s.state != .new
            var r = seen ? scheduler.retrievability(s, at: at) : 0
            r = r.isFinite ? min(1, max(0, r)) : 0
            let t = timed.contains(q.id)
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
            ("topics", .arr(topics.map { $0.json(topicKey: true) })),
        ])
    }
}

extension ReadinessReport {
    /// Sets `planNewToday` from the plan to this date on the same catalogue and progress.
    public mutating func addPlan(settings: Settings, questions: [Question], schedules: [CardSchedule?], progress: StudyProgress,
                                 calendar: StudyCalendar, now: Date) {
        guard let plan = InterviewPlan(settings: settings, questions: questions, schedules: schedules, calendar: calendar, now: now) else { return }
        let introduced = DueQueue.newCardsIntroduced(onDay: plan.today, progress: progress, calendar: calendar)
        planNewToday = max(0, max(settings.newPerDay, plan.newQuota(introducedToday: introduced)) - introduced)
    }
}
