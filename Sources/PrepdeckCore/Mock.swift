import Foundation

// A mock interview: a loop of rounds of different kinds on one clock, each round a question and one of its
// follow-ups, as a real backend loop runs (issue 13). Pure: the caller gives the questions, the progress,
// the time and the seed.

/// What a mock interview is made of.
public struct MockSpec: Sendable, Equatable {
    /// The whole loop's time, follow-ups included.
    public var minutes = 45
    /// Topics to draw from (empty: all). Behavioural and ask-the-interviewer rounds fall back to any topic
    /// when none of their questions has one of these.
    public var topics: Set<String> = []
    /// The rounds, in order.
    public var rounds: [Kind] = MockSpec.defaultRounds
    public var seed: UInt64 = 1

    /// One system-design round, three technical, one coding, one behavioural, then the candidate's questions.
    public static let defaultRounds: [Kind] = [.systemDesign, .technical, .technical, .technical, .coding, .behavioral, .askTheInterviewer]
    /// A follow-up takes this share of its round's time.
    public static let followUpShare = 0.25

    public init(minutes: Int = 45, topics: Set<String> = [], rounds: [Kind] = MockSpec.defaultRounds, seed: UInt64 = 1) {
        self.minutes = minutes; self.topics = topics; self.rounds = rounds; self.seed = seed
    }
}

/// One round: the question, its time, and the follow-up asked after it (an index into `followUps`).
public struct MockRound: Sendable, Equatable {
    public var question: Question
    public var budgetSeconds: Int
    public var followUp: Int?
    public var followUpBudgetSeconds: Int?
}

/// The rounds of a mock interview. Each round takes a question of its kind: due cards first (most overdue
/// first), then the weakest seen ones (lowest recall now), then unseen ones, ties in a seeded random order;
/// never a question of the previous mock (`previous`) while another is left, never one twice. The time is
/// shared out in proportion to each question's own limit, a follow-up taking a quarter of its round's.
public func buildMockLoop(_ questions: [Question], spec: MockSpec, progress: StudyProgress, now: Date,
                          previous: Set<String> = []) -> [MockRound] {
    var random = SeededRandom(seed: spec.seed)
    var taken = Set<String>()
    var picked: [(Question, Int?)] = []
    for kind in spec.rounds {
        let ofKind = questions.filter { $0.kind == kind }
        var pool = spec.topics.isEmpty ? ofKind : ofKind.filter { !spec.topics.isDisjoint(with: $0.topics) }
        if pool.isEmpty && (kind == .behavioral || kind == .askTheInterviewer) { pool = ofKind }
        let fresh = pool.filter { !taken.contains($0.id) && !previous.contains($0.id) }
        let candidates = fresh.isEmpty ? pool.filter { !taken.contains($0.id) } : fresh
        guard let q = rankForMock(candidates.shuffled(using: &random), progress: progress, now: now).first else { continue }
        taken.insert(q.id)
        let follow = q.followUpCount > 0 ? Int(random.next() % UInt64(q.followUpCount)) : nil
        picked.append((q, follow))
    }
    let weights = picked.map { q, f in Double(q.defaultBudgetSeconds) * (f == nil ? 1 : 1 + MockSpec.followUpShare) }
    let total = Double(max(1, spec.minutes) * 60), sum = max(1, weights.reduce(0, +))
    var rounds: [MockRound] = zip(picked, weights).map { p, w in
        let share = total * w / sum
        guard p.1 != nil else { return MockRound(question: p.0, budgetSeconds: Int(share.rounded()), followUp: nil, followUpBudgetSeconds: nil) }
        let main = share / (1 + MockSpec.followUpShare)
        return MockRound(question: p.0, budgetSeconds: Int(main.rounded()), followUp: p.1,
                         followUpBudgetSeconds: Int((share - main).rounded()))
    }
    // Rounding left over goes to the last round: the budgets add up to the loop's time exactly.
    let given = rounds.reduce(0) { $0 + $1.budgetSeconds + ($1.followUpBudgetSeconds ?? 0) }
    if !rounds.isEmpty { rounds[rounds.count - 1].budgetSeconds += Int(total) - given }
    return rounds
}

/// Due first (most overdue first), then seen by recall now (lowest first), then unseen; stable otherwise.
func rankForMock(_ qs: [Question], progress: StudyProgress, now: Date) -> [Question] {
    func group(_ q: Question) -> (Int, Double) {
        let s = progress.schedule(q.id)
        if s.state == .new { return (2, 0) }
        if s.isDue(at: now) { return (0, s.due?.timeIntervalSince1970 ?? 0) }
        return (1, progress.scheduler.retrievability(s, at: now))
    }
    let keyed = qs.enumerated().map { ($0.offset, $0.element, group($0.element)) }
    return keyed.sorted { a, b in a.2 != b.2 ? a.2 < b.2 : a.0 < b.0 }.map(\.1)
}

/// The checklist of a follow-up: the sentences and list items of its model answer, Markdown marks taken off
/// (at most five; the rest join the last).
public func followUpPoints(_ answer: String) -> [String] {
    var points: [String] = []
    for raw in answer.split(whereSeparator: \.isNewline) {
        var line = raw.trimmingCharacters(in: .whitespaces)
        // List markers ("- ", "* ", "1. ") and emphasis or code marks.
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") { line.removeFirst(2) }
        if let dot = line.firstIndex(of: "."), line[..<dot].allSatisfy(\.isNumber), !line[..<dot].isEmpty,
           line[line.index(after: dot)...].hasPrefix(" ") {
            line = String(line[line.index(dot, offsetBy: 2)...])
        }
        line = line.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
        var current = ""
        for ch in line {
            current.append(ch)
            if ch == "." || ch == "?" || ch == "!" {
                let s = current.trimmingCharacters(in: .whitespaces)
                if s.count >= 12 { points.append(s); current = "" }
            }
        }
        let rest = current.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { if rest.count < 12, let last = points.popLast() { points.append(last + " " + rest) } else { points.append(rest) } }
    }
    if points.count > 5 { points = Array(points.prefix(4)) + [points.dropFirst(4).joined(separator: " ")] }
    return points
}

/// A topic of a mock interview and how its rounds went (key points covered of total, the lowest rating).
public struct MockTopicResult: Sendable, Equatable {
    public var topic: String
    public var covered: Int
    public var total: Int
    public var worst: Rating?
    /// Under 60 % of the points, or rated Again or Hard.
    public var isWeak: Bool { (total > 0 && Double(covered) / Double(total) < 0.6) || (worst.map { $0 <= .hard } ?? false) }
}

/// Per topic of the rounds answered (a round counts for each of its topics), weakest first.
public func mockTopicResults(_ record: SessionRecord, topics: (String) -> [String]) -> [MockTopicResult] {
    var byTopic: [String: MockTopicResult] = [:]
    for i in record.items where !i.skipped {
        for t in topics(i.card) {
            var r = byTopic[t] ?? MockTopicResult(topic: t, covered: 0, total: 0, worst: nil)
            r.covered += i.keyPoints
            r.total += i.keyPointsTotal
            if let g = i.rating { r.worst = min(r.worst ?? g, g) }
            byTopic[t] = r
        }
    }
    func share(_ r: MockTopicResult) -> Double { r.total == 0 ? 1 : Double(r.covered) / Double(r.total) }
    return byTopic.values.sorted { share($0) != share($1) ? share($0) < share($1) : $0.topic < $1.topic }
}

/// The scorecard of a mock interview as Markdown.
public func mockReport(_ session: SessionRecord, answers: [String: AnswerRecord], catalog: Catalog) -> String {
    var md = "# Mock interview — \(RFC3339.format(session.started))\n\n"
    md += "- Session: `\(session.id)` (\(session.outcome))\n"
    md += "- Time: \(clockText(session.totalSeconds))"
    if let b = session.budgetSeconds ?? session.totalBudget { md += " of \(clockText(Double(b)))" }
    let answered = session.items.filter { !$0.skipped }
    let suggested = answered.reduce(0) { $0 + ($1.suggestedKeyPoints ?? 0) }
    let covered = answered.reduce(0) { $0 + $1.keyPoints }, total = answered.reduce(0) { $0 + $1.keyPointsTotal }
    md += "\n- Rounds answered: \(answered.count) of \(session.items.count)"
    md += "\n- Key points of those rounds: \(covered) of \(total) kept (the grader suggested \(suggested))\n"
    md += "\n| # | Round | Question | Time | Key points (suggested → kept) | Rating | Follow-up |\n|---|---|---|---|---|---|---|\n"
    for (k, i) in session.items.enumerated() {
        let kind = i.kind.flatMap(Kind.init(rawValue:))?.label ?? "–"
        let time = i.skipped ? "skipped" : clockText(i.seconds) + (i.budgetSeconds.map { " / " + clockText(Double($0)) } ?? "")
        let points = i.skipped ? "–" : "\(i.suggestedKeyPoints.map(String.init) ?? "–") → \(i.keyPoints) of \(i.keyPointsTotal)"
        var follow = "–"
        if let f = i.followUp { follow = f.skipped ? "skipped" : "\(f.keyPoints)/\(f.keyPointsTotal) · \(f.rating?.label ?? "–") · \(clockText(f.seconds))" }
        md += "| \(k + 1) | \(kind) | \(i.title.replacingOccurrences(of: "|", with: "\\|")) | \(time) | \(points) | \(i.rating?.label ?? "–") | \(follow) |\n"
    }
    let topics = mockTopicResults(session) { catalog.question($0)?.topics ?? [] }
    let weak = topics.filter(\.isWeak)
    md += "\n## By topic\n\n"
    for t in topics {
        md += "- \(t.isWeak ? "**weak** " : "")\(t.topic): \(t.covered) of \(t.total) key points, lowest rating \(t.worst?.label ?? "–")\n"
    }
    if weak.isEmpty { md += "\nNo weak topic in this loop.\n" }
    for (k, i) in session.items.enumerated() {
        md += "\n## \(k + 1). \(i.title)\n\n"
        guard let q = catalog.question(i.card) else { continue }
        md += "> " + q.prompt.replacingOccurrences(of: "\n", with: "\n> ") + "\n\n"
        if i.skipped { md += "Not answered.\n"; continue }
        let a = i.answer.flatMap { answers[$0] }
        md += "### Your answer\n\n" + ((a?.text).map { $0.isEmpty ? "*(empty)*" : $0 } ?? "*(not found)*") + "\n\n### Key points\n\n"
        let kept = Set(a?.keyPoints ?? []), sug = Set(a?.suggestedKeyPoints ?? [])
        for (n, p) in q.keyPoints.enumerated() {
            md += "- [\(kept.contains(n) ? "x" : " ")] \(p)\(sug.contains(n) != kept.contains(n) ? (sug.contains(n) ? " *(the grader ticked it)*" : " *(you ticked it)*") : "")\n"
        }
        if let f = i.followUp {
            md += "\n### Follow-up: \(f.prompt)\n\n"
            let fa = f.answer.flatMap { answers[$0] }
            md += f.skipped ? "Not answered.\n" : ((fa?.text).map { $0.isEmpty ? "*(empty)*" : $0 } ?? "*(not found)*") + "\n\n"
            if !f.skipped, q.followUpAnswers.indices.contains(f.index) { md += "*Model answer:* " + q.followUpAnswers[f.index] + "\n" }
        }
    }
    return md
}
