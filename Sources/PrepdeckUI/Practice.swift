import Foundation
import PrepdeckCore

/// How a session's time budget is set.
public enum PracticeTiming: Sendable, Equatable {
    /// Each question's own `timeLimitMinutes`, else by difficulty (easy 4, medium 8, hard 15 minutes).
    case bankDefault
    case secondsPerQuestion(Int)
    /// A total for the session, shared out in proportion to each question's default.
    case totalMinutes(Int)
    /// No countdown (answering a question from Browse).
    case untimed

    public var label: String {
        switch self {
        case .bankDefault: "each question's own limit"
        case let .secondsPerQuestion(s): s % 60 == 0 ? "\(s / 60) min per question" : "\(s) s per question"
        case let .totalMinutes(m): "\(m) min in total"
        case .untimed: "untimed"
        }
    }

    func budgets(for qs: [Question]) -> [Int?] {
        switch self {
        case .bankDefault: return qs.map { $0.defaultBudgetSeconds }
        case let .secondsPerQuestion(s): return qs.map { _ in s }
        case .untimed: return qs.map { _ in nil }
        case let .totalMinutes(m):
            let total = Double(m * 60)
            let weights = qs.map { Double($0.defaultBudgetSeconds) }
            let sum = weights.reduce(0, +)
            return weights.map { Int((total * $0 / max(1, sum)).rounded()) }
        }
    }
}

/// The options of a session, from the setup form or the command line.
public struct PracticeOptions: Sendable, Equatable {
    public var count = 5
    public var filter = QuestionFilter()
    public var timing: PracticeTiming = .bankDefault
    public var order: PracticeOrder = .due
    public init() {}
}

/// One question of a running session.
public struct PracticeItem: Sendable, Equatable {
    public var question: Question
    public var budget: Int?
    /// Seconds spent answering (counted only while the clock runs).
    public var elapsed: Double = 0
    public var submitted = false
    public var skipped = false
    public var covered: Set<Int> = []
    public var rating: Rating?
    public var answerID: String?
    public var text = ""
    /// A follow-up of the question asked after it (mock interviews): its index in `followUps`.
    public var followUp: Int?
    /// The key points the grader ticked on submit, and the rating it suggested.
    public var suggested: Set<Int>?
    public var suggestedRating: Rating?

    public init(question: Question, budget: Int?, followUp: Int? = nil) {
        self.question = question; self.budget = budget; self.followUp = followUp
    }

    /// Seconds left (negative: overtime), or nil when untimed.
    public var remaining: Double? { budget.map { Double($0) - elapsed } }

    /// What is asked: the prompt, or the follow-up question.
    public var prompt: String { followUp.map { question.followUps[$0] } ?? question.prompt }
    /// The model answer to compare with.
    public var modelAnswer: String {
        guard let f = followUp else { return question.answer }
        return question.followUpAnswers.indices.contains(f) ? question.followUpAnswers[f] : ""
    }
    /// The checklist: the key points, or a follow-up model answer's sentences.
    public var points: [String] { followUp == nil ? question.keyPoints : followUpPoints(modelAnswer) }
}

/// A mock interview's loop: its whole time (the rounds' budgets add up to it).
public struct MockLoop: Sendable, Equatable {
    public var budgetSeconds: Int
    public var seed: UInt64
}

public struct PracticeSession: Sendable, Equatable {
    public var id: String
    public var started: Date
    public var items: [PracticeItem]
    public var index = 0
    public var timed: Bool
    /// Set for a mock interview.
    public var mock: MockLoop?

    /// Seconds of the whole loop used so far.
    public var elapsed: Double { items.reduce(0) { $0 + $1.elapsed } }
}

/// The Practice tab: setup form → one question at a time → compare and rate → summary.
public struct PracticeState: Sendable {
    public enum Phase: Sendable, Equatable {
        case setup
        case answering
        /// After Ctrl-S: the model answer beside yours, the key points to tick, then a rating.
        case comparing
        case summary
    }

    public var phase: Phase = .setup
    public var options = PracticeOptions()
    public var session: PracticeSession?
    public var editor = TextEditor()
    /// The menu shown by Esc while answering (the clock stops while it is open).
    public var menuOpen = false
    /// Setup form: which row has the cursor, and the sub-cursor within multi-choice rows.
    public var setupRow = 0
    public var setupColumn = 0
    /// Comparing: the key point under the cursor, and the scroll of the answers.
    public var pointCursor = 0
    public var compareScroll = 0
    public var summaryScroll = 0
    /// The monotonic instant the clock last advanced from, or nil while it is stopped.
    var clockFrom: Double?
    /// Autosave: the editor version last written to disk, and when.
    var savedVersion = 0
    var savedAt: Double = 0
    /// Where to go when the session ends (a question answered from Browse returns there).
    public var returnToBrowse = false
    /// The last summary, kept for the summary screen after the session is cleared.
    public var lastSummary: SessionRecord?

    public init() {}

    public var current: PracticeItem? {
        guard let s = session, s.items.indices.contains(s.index) else { return nil }
        return s.items[s.index]
    }

    // MARK: Clock

    /// Advances the current question's clock to `mono` (seconds on a monotonic clock).
    mutating func advanceClock(to mono: Double) {
        guard phase == .answering, !menuOpen, var s = session, s.items.indices.contains(s.index) else { clockFrom = nil; return }
        if let from = clockFrom, mono > from { s.items[s.index].elapsed += mono - from }
        clockFrom = mono
        session = s
    }

    /// Stops the clock (help overlay, $EDITOR, menu); `resume` starts it again.
    mutating func pauseClock(at mono: Double) {
        advanceClock(to: mono)
        clockFrom = nil
    }

    mutating func resumeClock(at mono: Double) {
        if phase == .answering && !menuOpen { clockFrom = mono }
    }

    /// Milliseconds until the countdown's next whole second (for ticks), or nil when no clock runs.
    func msToNextSecond() -> Int32? {
        guard phase == .answering, !menuOpen, clockFrom != nil, let item = current else { return nil }
        let frac = item.elapsed - item.elapsed.rounded(.down)
        return Int32(max(20, (1 - frac) * 1000))
    }
}
