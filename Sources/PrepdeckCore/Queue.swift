import Foundation

/// What Review shows at an instant: the cards due now and the new cards allowed today.
///
/// A pure function of the catalogue's card ids (bank order), the progress, the settings, the calendar
/// (days roll over at 04:00 local) and `now`:
/// - `learning`: learning and relearning cards due now, earliest due first;
/// - `review`: review cards due now, most overdue (earliest due) first;
/// - `ahead`: with an interview plan, the review cards it pulls into today before their due time;
/// - `new`: cards never reviewed, in bank order, at most `newLeftToday` of them;
/// - `nextDue`: the earliest due time after `now` among learning and review cards (nil if none);
/// - `next`: the card to show: learning first, then review, then ahead, then new.
/// Ties keep bank order. Cards in `excluding` (buried, suspended) are left out entirely.
public struct DueQueue: Sendable, Equatable {
    public var learning: [String] = []
    public var review: [String] = []
    public var new: [String] = []
    /// Review cards not due yet that an interview plan reviews today (`InterviewPlan`), earliest due first.
    public var ahead: [String] = []
    public var nextDue: Date?
    /// New cards that may still be introduced today: `newLimit` less `newIntroducedToday` (never negative).
    public var newLeftToday = 0
    /// Today's new-card limit: `new_per_day`, or the interview plan's quota when that is higher.
    public var newLimit = 0
    /// Cards whose first effective review falls on today's study day (counted over the whole log).
    public var newIntroducedToday = 0

    public var next: String? { learning.first ?? review.first ?? ahead.first ?? new.first }
    /// Cards due now (learning and review).
    public var dueNow: Int { learning.count + review.count }
    public var isEmpty: Bool { learning.isEmpty && review.isEmpty && ahead.isEmpty && new.isEmpty }

    public init(cardIDs: [String], progress: StudyProgress, settings: Settings, calendar: StudyCalendar, now: Date,
                excluding: Set<String> = []) {
        self.init(count: cardIDs.count, id: { cardIDs[$0] }, schedule: { progress.reviewedSchedule(cardIDs[$0]) },
                  progress: progress, settings: settings, calendar: calendar, now: now, excluding: excluding)
    }

    /// The queue of `count` cards in rank order, given by position: `id(k)` and its schedule `schedule(k)`
    /// (nil: never reviewed), e.g. a catalogue joined to the progress once instead of a look-up a card.
    ///
    /// With a `plan` (an interview date ahead), the day's new-card limit is the plan's quota when that is
    /// higher than `new_per_day`, the chosen topics' new cards come first, and the plan's review-ahead cards for
    /// today follow the due reviews (before the new cards).
    public init(count: Int, id: (Int) -> String, schedule: (Int) -> CardSchedule?, progress: StudyProgress, settings: Settings,
                calendar: StudyCalendar, now: Date, excluding: Set<String> = [], plan: InterviewPlan? = nil) {
        let today = calendar.day(of: now)
        newIntroducedToday = DueQueue.newCardsIntroduced(onDay: today, progress: progress, calendar: calendar)
        newLimit = plan.map { max(settings.newPerDay, $0.newQuota(introducedToday: newIntroducedToday)) } ?? settings.newPerDay
        newLeftToday = max(0, newLimit - newIntroducedToday)
        var learningDue: [(due: Date, rank: Int, id: String)] = []
        var reviewDue: [(due: Date, rank: Int, id: String)] = []
        var otherNew: [String] = []
        var aheadDue: [(due: Date, rank: Int, id: String)] = []
        for rank in 0..<count {
            if !excluding.isEmpty && excluding.contains(id(rank)) { continue }
            guard let s = schedule(rank), s.state != .new else {
                if let plan, !plan.isChosen(rank) {
                    if otherNew.count < newLeftToday { otherNew.append(id(rank)) }
                } else if new.count < newLeftToday {
                    new.append(id(rank))
                }
                continue
            }
            guard let due = s.due else { continue }
            if due > now {
                if let plan, plan.aheadToday.contains(rank) { aheadDue.append((due, rank, id(rank))); continue }
                if nextDue.map({ due < $0 }) ?? true { nextDue = due }
                continue
            }
            if s.state == .review { reviewDue.append((due, rank, id(rank))) } else { learningDue.append((due, rank, id(rank))) }
        }
        let order: ((due: Date, rank: Int, id: String), (due: Date, rank: Int, id: String)) -> Bool = {
            $0.due != $1.due ? $0.due < $1.due : $0.rank < $1.rank
        }
        learning = learningDue.sorted(by: order).map(\.id)
        review = reviewDue.sorted(by: order).map(\.id)
        ahead = aheadDue.sorted(by: order).map(\.id)
        if new.count < newLeftToday { new += otherNew.prefix(newLeftToday - new.count) }
    }

    /// How many cards had their first effective review on study day `day`.
    public static func newCardsIntroduced(onDay day: Int, progress: StudyProgress, calendar: StudyCalendar) -> Int {
        let start = calendar.start(ofDay: day), end = calendar.start(ofDay: day + 1)
        var n = 0
        progress.forEachFirstReviewDate { first in if first >= start && first < end { n += 1 } }
        return n
    }

    /// Cards (learning or review) due before the end of today's study day, overdue ones included.
    public static func dueToday(cardIDs: [String], progress: StudyProgress, calendar: StudyCalendar, now: Date,
                                excluding: Set<String> = []) -> Int {
        let end = calendar.start(ofDay: calendar.day(of: now) + 1)
        var n = 0
        for id in cardIDs where !excluding.contains(id) {
            if let s = progress.reviewedSchedule(id), s.state != .new, let due = s.due, due < end { n += 1 }
        }
        return n
    }

    /// Due counts for `days` study days from today: element 0 is today (overdue cards included), 1 tomorrow…
    public static func forecast(cardIDs: [String], progress: StudyProgress, calendar: StudyCalendar, now: Date,
                                days: Int = 30, excluding: Set<String> = []) -> [Int] {
        var out = [Int](repeating: 0, count: max(0, days))
        guard days > 0 else { return out }
        let today = calendar.day(of: now)
        for id in cardIDs where !excluding.contains(id) {
            guard let s = progress.reviewedSchedule(id), s.state != .new, let due = s.due else { continue }
            let d = max(0, calendar.day(of: due) - today)
            if d < days { out[d] += 1 }
        }
        return out
    }
}

/// A plan to the interview date (docs/scheduling.md, "Readiness"): every chosen card seen before the day, the
/// unseen ones spread evenly over the study days left, and the chosen review cards that would be under the desired
/// retention on the day pulled into Review ahead of their due time, spread over the days left too.
public struct InterviewPlan: Sendable {
    /// The interview's study day, and today's.
    public var day: Int
    public var today: Int
    /// The instant readiness is predicted for: 09:00 local time on the interview date.
    public var at: Date
    /// The recall every chosen card should have on the day: the desired retention.
    public var target: Double
    /// Chosen cards never rated, now.
    public var unseenChosen: Int
    /// Whether the card at a catalogue position is of a chosen topic.
    public var chosen: [Bool]
    /// Catalogue positions of the chosen review cards that are not due yet but would be under `target` on the day
    /// (review-ahead candidates), and those of them the plan puts into today's Review.
    public var aheadCandidates: [Int] = []
    public var aheadToday: Set<Int> = []

    /// Study days before the interview day, today included.
    public var daysLeft: Int { day - today }

    public func isChosen(_ rank: Int) -> Bool { rank < chosen.count ? chosen[rank] : false }

    /// New cards for today: the unseen ones (with those introduced today) over the days left, rounded up; all of
    /// them on the interview day itself.
    public func newQuota(introducedToday: Int) -> Int {
        InterviewPlan.quota(unseen: unseenChosen, introduced: introducedToday, daysLeft: daysLeft)
    }

    static func quota(unseen: Int, introduced: Int, daysLeft: Int) -> Int {
        let total = unseen + introduced
        return daysLeft <= 1 ? total : (total + daysLeft - 1) / daysLeft
    }

    /// 09:00 local time on study day `day` (the interview's hour).
    public static func instant(day: Int, calendar: StudyCalendar) -> Date {
        Date(timeIntervalSince1970: Double(day * 86400 - calendar.utcOffsetSeconds + ReadinessReport.hourOfDay * 3600))
    }

    /// Whether a review card would be under `target` at the interview instant `at`. (With FSRS a card's due time is
    /// when its recall falls to the desired retention, so these are the cards whose interval fuzz, or SM-2's own
    /// intervals, carry past the day.)
    static func isShortOnTheDay(_ s: CardSchedule, at: Date, target: Double, scheduler: any Scheduler) -> Bool {
        guard s.state == .review else { return false }
        let r = scheduler.retrievability(s, at: at)
        return r.isFinite && r < target
    }

    /// Whether a review card not yet due at `t` (study day starting `dayStart`) is short on the day and was not
    /// already reviewed that day: a card the plan reviews ahead.
    static func needsAhead(_ s: CardSchedule, t: Date, dayStart: Date, at: Date, target: Double, scheduler: any Scheduler) -> Bool {
        guard let due = s.due, due > t, let last = s.lastReview, last < dayStart else { return false }
        return isShortOnTheDay(s, at: at, target: target, scheduler: scheduler)
    }

    /// Whether the plan pulls candidate `id` into the Review of a day `daysBefore` study days before the interview
    /// day (1: the day before): one candidate in `daysBefore`, chosen by a hash of the id, so the pulled cards spread
    /// evenly over the days left and the last day takes the rest. Stable within a day, so a day's share is finite.
    public static func pullsAhead(_ id: String, daysBefore: Int) -> Bool {
        let n = UInt64(max(1, daysBefore))
        return n == 1 || FastHash.hash(id, seed: n &* 0x9E37_79B9_7F4A_7C15) % n == 0
    }

    /// The plan for `settings.interviewDate` on this catalogue (its questions' topics) joined to the schedules;
    /// nil when no date is set or the day has passed.
    public init?(settings: Settings, questions: [Question], schedules: [CardSchedule?], calendar: StudyCalendar, now: Date) {
        self.init(settings: settings, count: questions.count, id: { questions[$0].id }, topics: { questions[$0].topics },
                  schedules: schedules, calendar: calendar, now: now)
    }

    /// The plan on a catalogue (its questions are not made: ids and topics are read by position).
    public init?(settings: Settings, catalog: Catalog, schedules: [CardSchedule?], calendar: StudyCalendar, now: Date) {
        self.init(settings: settings, count: catalog.count, id: catalog.id(at:), topics: catalog.topics(at:),
                  schedules: schedules, calendar: calendar, now: now)
    }

    init?(settings: Settings, count: Int, id: (Int) -> String, topics: (Int) -> [String], schedules: [CardSchedule?],
          calendar: StudyCalendar, now: Date) {
        guard let date = settings.interviewDate, let d = RFC3339.parseDay(date) else { return nil }
        day = d
        today = calendar.day(of: now)
        guard day >= today else { return nil }
        at = InterviewPlan.instant(day: d, calendar: calendar)
        target = settings.desiredRetention
        let wanted = Set(settings.interviewTopics)
        let excluded = Set(settings.suspended)
        chosen = (0..<count).map { k in wanted.isEmpty || topics(k).contains { wanted.contains($0) } }
        let scheduler = makeScheduler(settings)
        let dayStart = calendar.start(ofDay: today)
        let daysBefore = max(1, day - today)
        var unseen = 0
        for k in 0..<count where chosen[k] && !excluded.contains(id(k)) {
            let s = (k < schedules.count ? schedules[k] : nil) ?? CardSchedule()
            if s.state == .new { unseen += 1; continue }
            guard now < at, InterviewPlan.needsAhead(s, t: now, dayStart: dayStart, at: at, target: target, scheduler: scheduler) else { continue }
            aheadCandidates.append(k)
            if InterviewPlan.pullsAhead(id(k), daysBefore: daysBefore) { aheadToday.insert(k) }
        }
        unseenChosen = unseen
    }
}
