import Foundation

/// What Review shows at an instant: the cards due now and the new cards allowed today.
///
/// A pure function of the catalogue's card ids (bank order), the progress, the settings, the calendar
/// (days roll over at 04:00 local) and `now`:
/// - `learning`: learning and relearning cards due now, earliest due first;
/// - `review`: review cards due now, most overdue (earliest due) first;
/// - `new`: cards never reviewed, in bank order, at most `newLeftToday` of them;
/// - `nextDue`: the earliest due time after `now` among learning and review cards (nil if none);
/// - `next`: the card to show: learning first, then review, then new.
/// Ties keep bank order. Cards in `excluding` (buried, suspended) are left out entirely.
public struct DueQueue: Sendable, Equatable {
    public var learning: [String] = []
    public var review: [String] = []
    public var new: [String] = []
    public var nextDue: Date?
    /// New cards that may still be introduced today: `new_per_day` less `newIntroducedToday` (never negative).
    public var newLeftToday = 0
    /// Cards whose first effective review falls on today's study day (counted over the whole log).
    public var newIntroducedToday = 0

    public var next: String? { learning.first ?? review.first ?? new.first }
    /// Cards due now (learning and review).
    public var dueNow: Int { learning.count + review.count }
    public var isEmpty: Bool { learning.isEmpty && review.isEmpty && new.isEmpty }

    public init(cardIDs: [String], progress: StudyProgress, settings: Settings, calendar: StudyCalendar, now: Date,
                excluding: Set<String> = []) {
        self.init(count: cardIDs.count, id: { cardIDs[$0] }, schedule: { progress.reviewedSchedule(cardIDs[$0]) },
                  progress: progress, settings: settings, calendar: calendar, now: now, excluding: excluding)
    }

    /// The queue of `count` cards in rank order, given by position: `id(k)` and its schedule `schedule(k)`
    /// (nil: never reviewed), e.g. a catalogue joined to the progress once instead of a look-up a card.
    ///
    /// With a `plan` (an interview date ahead), the day's new-card limit is the plan's quota when that is
    /// higher than `new_per_day`, and the chosen topics' new cards come first.
    public init(count: Int, id: (Int) -> String, schedule: (Int) -> CardSchedule?, progress: StudyProgress, settings: Settings,
                calendar: StudyCalendar, now: Date, excluding: Set<String> = [], plan: InterviewPlan? = nil) {
        let today = calendar.day(of: now)
        newIntroducedToday = DueQueue.newCardsIntroduced(onDay: today, progress: progress, calendar: calendar)
        let limit = plan.map { max(settings.newPerDay, $0.newQuota(introducedToday: newIntroducedToday)) } ?? settings.newPerDay
        newLeftToday = max(0, limit - newIntroducedToday)
        var learningDue: [(due: Date, rank: Int, id: String)] = []
        var reviewDue: [(due: Date, rank: Int, id: String)] = []
        var otherNew: [String] = []
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
        if new.count < newLeftToday { new += otherNew.prefix(newLeftToday - new.count) }
    }

    /// How many cards had their first effective review on study day `day`.
    public static func newCardsIntroduced(onDay day: Int, progress: StudyProgress, calendar: StudyCalendar) -> Int {
        let start = calendar.start(ofDay: day), end = calendar.start(ofDay: day + 1)
        var n = 0
        progress.forEachFirstReview { _, first in if first >= start && first < end { n += 1 } }
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
/// unseen ones spread evenly over the study days left.
public struct InterviewPlan: Sendable {
    /// The interview's study day, and today's.
    public var day: Int
    public var today: Int
    /// Chosen cards never rated, now.
    public var unseenChosen: Int
    /// Whether the card at a catalogue position is of a chosen topic.
    public var chosen: [Bool]

    /// Study days before the interview day, today included.
    public var daysLeft: Int { day - today }

    public func isChosen(_ rank: Int) -> Bool { rank < chosen.count ? chosen[rank] : false }

    /// New cards for today: the unseen ones (with those introduced today) over the days left, rounded up; all of
    /// them on the interview day itself.
    public func newQuota(introducedToday: Int) -> Int {
        let total = unseenChosen + introducedToday
        return daysLeft <= 1 ? total : (total + daysLeft - 1) / daysLeft
    }

    /// The plan for `settings.interviewDate` on this catalogue (its questions' topics) joined to the schedules;
    /// nil when no date is set or the day has passed.
    public init?(settings: Settings, questions: [Question], schedules: [CardSchedule?], calendar: StudyCalendar, now: Date) {
        guard let date = settings.interviewDate, let d = RFC3339.parseDay(date) else { return nil }
        day = d
        today = calendar.day(of: now)
        guard day >= today else { return nil }
        let wanted = Set(settings.interviewTopics)
        let excluded = Set(settings.suspended)
        chosen = questions.map { q in wanted.isEmpty || q.topics.contains { wanted.contains($0) } }
        var unseen = 0
        for k in questions.indices where chosen[k] && !excluded.contains(questions[k].id) {
            if ((k < schedules.count ? schedules[k] : nil)?.state ?? .new) == .new { unseen += 1 }
        }
        unseenChosen = unseen
    }
}
