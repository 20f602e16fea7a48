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
    public init(count: Int, id: (Int) -> String, schedule: (Int) -> CardSchedule?, progress: StudyProgress, settings: Settings,
                calendar: StudyCalendar, now: Date, excluding: Set<String> = []) {
        let today = calendar.day(of: now)
        newIntroducedToday = DueQueue.newCardsIntroduced(onDay: today, progress: progress, calendar: calendar)
        newLeftToday = max(0, settings.newPerDay - newIntroducedToday)
        var learningDue: [(due: Date, rank: Int, id: String)] = []
        var reviewDue: [(due: Date, rank: Int, id: String)] = []
        for rank in 0..<count {
            if !excluding.isEmpty && excluding.contains(id(rank)) { continue }
            guard let s = schedule(rank), s.state != .new else {
                if new.count < newLeftToday { new.append(id(rank)) }
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
