import Foundation

/// One line of `answers.jsonl`: a submitted answer with how it went.
public struct AnswerRecord: Sendable, Equatable {
    public var id: String
    public var card: String
    public var at: Date
    public var session: String?
    public var text: String
    public var seconds: Double
    /// The time budget in seconds, or nil for untimed practice.
    public var budgetSeconds: Int?
    /// Indices (0-based) of the key points the user ticked as covered.
    public var keyPoints: [Int]
    public var keyPointsTotal: Int
    public var rating: Rating?
    /// The key points the grader ticked before the user changed anything (nil: not graded).
    public var suggestedKeyPoints: [Int]?
    /// The rating the grader suggested.
    public var suggestedRating: Rating?
    /// For the answer to a follow-up question: its index in the question's `followUps` (the key points are
    /// then the sentences of its model answer, `followUpPoints`).
    public var followUp: Int?

    public init(id: String, card: String, at: Date, session: String?, text: String, seconds: Double, budgetSeconds: Int?,
                keyPoints: [Int], keyPointsTotal: Int, rating: Rating?, suggestedKeyPoints: [Int]? = nil,
                suggestedRating: Rating? = nil, followUp: Int? = nil) {
        self.id = id; self.card = card; self.at = at; self.session = session; self.text = text; self.seconds = seconds
        self.budgetSeconds = budgetSeconds; self.keyPoints = keyPoints; self.keyPointsTotal = keyPointsTotal; self.rating = rating
        self.suggestedKeyPoints = suggestedKeyPoints; self.suggestedRating = suggestedRating; self.followUp = followUp
    }

    public var json: JSONNode.Value {
        var members: [(String, JSONNode.Value)] = [
            ("id", .string(id)), ("card", .string(card)), ("at", .string(RFC3339.format(at))),
            ("session", .str(session)), ("text", .string(text)),
            ("seconds", .number((seconds * 10).rounded() / 10)), ("budget_seconds", .int(budgetSeconds)),
            ("key_points", .arr(keyPoints.map { .int($0) })), ("key_points_total", .int(keyPointsTotal)),
            ("rating", .int(rating?.rawValue)),
        ]
        // Optional fields (issue 13), written only when set: older lines stay as they were.
        if let s = suggestedKeyPoints { members.append(("suggested_key_points", .arr(s.map { .int($0) }))) }
        if let r = suggestedRating { members.append(("suggested_rating", .int(r.rawValue))) }
        if let f = followUp { members.append(("follow_up", .int(f))) }
        return .obj(members)
    }

    public var jsonLine: String { JSONWriter.write(json) }

    public static func decode(_ n: JSONNode) throws(LogLineError) -> AnswerRecord {
        func fail(_ m: String) -> LogLineError { LogLineError(column: n.position.column, message: m) }
        guard let id = n["id"]?.string, !id.isEmpty else { throw fail("missing field \"id\"") }
        guard let card = n["card"]?.string else { throw fail("missing field \"card\"") }
        guard let at = n["at"]?.string.flatMap(RFC3339.parse) else { throw fail("field \"at\": expected an RFC 3339 time") }
        guard let text = n["text"]?.string else { throw fail("missing field \"text\"") }
        return AnswerRecord(id: id, card: card, at: at, session: n["session"]?.string, text: text,
                            seconds: n["seconds"]?.number ?? 0, budgetSeconds: n["budget_seconds"]?.int,
                            keyPoints: n["key_points"]?.array?.compactMap(\.int) ?? [],
                            keyPointsTotal: n["key_points_total"]?.int ?? 0,
                            rating: n["rating"]?.int.flatMap(Rating.init(rawValue:)),
                            suggestedKeyPoints: n["suggested_key_points"]?.array?.compactMap(\.int),
                            suggestedRating: n["suggested_rating"]?.int.flatMap(Rating.init(rawValue:)),
                            followUp: n["follow_up"]?.int)
    }
}

/// One line of `sessions.jsonl`: a practice session's summary.
public struct SessionRecord: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var card: String
        public var title: String
        public var seconds: Double
        public var budgetSeconds: Int?
        public var keyPoints: Int
        public var keyPointsTotal: Int
        public var rating: Rating?
        public var skipped: Bool
        /// The id of the answer line in answers.jsonl, if one was submitted.
        public var answer: String?
        /// Mock interviews: the question's kind, the key points the grader suggested, the follow-up asked.
        public var kind: String?
        public var suggestedKeyPoints: Int?
        public var followUp: FollowUp?
        public init(card: String, title: String, seconds: Double, budgetSeconds: Int?, keyPoints: Int, keyPointsTotal: Int,
                    rating: Rating?, skipped: Bool, answer: String?, kind: String? = nil, suggestedKeyPoints: Int? = nil,
                    followUp: FollowUp? = nil) {
            self.card = card; self.title = title; self.seconds = seconds; self.budgetSeconds = budgetSeconds
            self.keyPoints = keyPoints; self.keyPointsTotal = keyPointsTotal; self.rating = rating; self.skipped = skipped; self.answer = answer
            self.kind = kind; self.suggestedKeyPoints = suggestedKeyPoints; self.followUp = followUp
        }
    }
    /// A follow-up question of a mock round and how it went (its points: the sentences of its model answer).
    public struct FollowUp: Sendable, Equatable {
        public var index: Int
        public var prompt: String
        public var seconds: Double
        public var budgetSeconds: Int?
        public var keyPoints: Int
        public var keyPointsTotal: Int
        public var suggestedKeyPoints: Int?
        public var rating: Rating?
        public var skipped: Bool
        public var answer: String?
        public init(index: Int, prompt: String, seconds: Double, budgetSeconds: Int?, keyPoints: Int, keyPointsTotal: Int,
                    suggestedKeyPoints: Int?, rating: Rating?, skipped: Bool, answer: String?) {
            self.index = index; self.prompt = prompt; self.seconds = seconds; self.budgetSeconds = budgetSeconds; self.keyPoints = keyPoints
            self.keyPointsTotal = keyPointsTotal; self.suggestedKeyPoints = suggestedKeyPoints; self.rating = rating
            self.skipped = skipped; self.answer = answer
        }
        var json: JSONNode.Value {
            .obj([("index", .int(index)), ("prompt", .string(prompt)), ("seconds", .number((seconds * 10).rounded() / 10)),
                  ("budget_seconds", .int(budgetSeconds)), ("key_points", .int(keyPoints)), ("key_points_total", .int(keyPointsTotal)),
                  ("suggested_key_points", .int(suggestedKeyPoints)), ("rating", .int(rating?.rawValue)),
                  ("skipped", .bool(skipped)), ("answer", .str(answer))])
        }
        static func decode(_ q: JSONNode) -> FollowUp {
            FollowUp(index: q["index"]?.int ?? 0, prompt: q["prompt"]?.string ?? "", seconds: q["seconds"]?.number ?? 0,
                     budgetSeconds: q["budget_seconds"]?.int, keyPoints: q["key_points"]?.int ?? 0,
                     keyPointsTotal: q["key_points_total"]?.int ?? 0, suggestedKeyPoints: q["suggested_key_points"]?.int,
                     rating: q["rating"]?.int.flatMap(Rating.init(rawValue:)), skipped: q["skipped"]?.bool ?? false,
                     answer: q["answer"]?.string)
        }
    }
    public var id: String
    public var started: Date
    public var ended: Date
    /// "completed", "ended early" or "quit".
    public var outcome: String
    public var items: [Item]
    /// `"mock"` for a mock interview (nil: a practice session).
    public var kind: String?
    /// A mock interview's whole time.
    public var budgetSeconds: Int?

    public init(id: String, started: Date, ended: Date, outcome: String, items: [Item], kind: String? = nil, budgetSeconds: Int? = nil) {
        self.id = id; self.started = started; self.ended = ended; self.outcome = outcome; self.items = items
        self.kind = kind; self.budgetSeconds = budgetSeconds
    }

    public var isMock: Bool { kind == "mock" }

    /// Follow-ups (mock interviews) included.
    public var totalSeconds: Double { items.reduce(0) { $0 + $1.seconds + ($1.followUp?.seconds ?? 0) } }
    public var totalBudget: Int? {
        items.allSatisfy { $0.budgetSeconds != nil }
            ? items.reduce(0) { $0 + ($1.budgetSeconds ?? 0) + ($1.followUp?.budgetSeconds ?? 0) } : nil
    }

    public var json: JSONNode.Value {
        var members: [(String, JSONNode.Value)] = [
            ("id", .string(id)), ("started", .string(RFC3339.format(started))), ("ended", .string(RFC3339.format(ended))),
            ("outcome", .string(outcome)),
            ("questions", .arr(items.map { i in
                var q: [(String, JSONNode.Value)] = [
                    ("card", .string(i.card)), ("title", .string(i.title)), ("seconds", .number((i.seconds * 10).rounded() / 10)),
                    ("budget_seconds", .int(i.budgetSeconds)), ("key_points", .int(i.keyPoints)),
                    ("key_points_total", .int(i.keyPointsTotal)), ("rating", .int(i.rating?.rawValue)),
                    ("skipped", .bool(i.skipped)), ("answer", .str(i.answer))]
                if let k = i.kind { q.append(("kind", .string(k))) }
                if let s = i.suggestedKeyPoints { q.append(("suggested_key_points", .int(s))) }
                if let f = i.followUp { q.append(("follow_up", f.json)) }
                return .obj(q)
            })),
            ("total_seconds", .number((totalSeconds * 10).rounded() / 10)), ("total_budget_seconds", .int(totalBudget)),
        ]
        if let k = kind { members.append(("kind", .string(k))) }
        if let b = budgetSeconds { members.append(("budget_seconds", .int(b))) }
        return .obj(members)
    }

    public var jsonLine: String { JSONWriter.write(json) }

    public static func decode(_ n: JSONNode) throws(LogLineError) -> SessionRecord {
        func fail(_ m: String) -> LogLineError { LogLineError(column: n.position.column, message: m) }
        guard let id = n["id"]?.string, !id.isEmpty else { throw fail("missing field \"id\"") }
        guard let started = n["started"]?.string.flatMap(RFC3339.parse), let ended = n["ended"]?.string.flatMap(RFC3339.parse) else {
            throw fail("fields \"started\" and \"ended\": expected RFC 3339 times")
        }
        let items = (n["questions"]?.array ?? []).map { q in
            Item(card: q["card"]?.string ?? "", title: q["title"]?.string ?? "", seconds: q["seconds"]?.number ?? 0,
                 budgetSeconds: q["budget_seconds"]?.int, keyPoints: q["key_points"]?.int ?? 0,
                 keyPointsTotal: q["key_points_total"]?.int ?? 0, rating: q["rating"]?.int.flatMap(Rating.init(rawValue:)),
                 skipped: q["skipped"]?.bool ?? false, answer: q["answer"]?.string, kind: q["kind"]?.string,
                 suggestedKeyPoints: q["suggested_key_points"]?.int, followUp: q["follow_up"].flatMap { $0.isNull ? nil : FollowUp.decode($0) })
        }
        return SessionRecord(id: id, started: started, ended: ended, outcome: n["outcome"]?.string ?? "completed", items: items,
                             kind: n["kind"]?.string, budgetSeconds: n["budget_seconds"]?.int)
    }
}

/// `m:ss` (or `h:mm:ss`) of a number of seconds; negative values get a leading `+` for overtime.
public func clockText(_ seconds: Double) -> String {
    let total = Int(abs(seconds).rounded())
    let h = total / 3600, m = total % 3600 / 60, s = total % 60
    let body = h > 0 ? "\(h):" + RFC3339.pad(m, 2) + ":" + RFC3339.pad(s, 2) : "\(m):" + RFC3339.pad(s, 2)
    return body
}

/// The order in which a practice session picks its questions.
public enum PracticeOrder: String, Sendable, CaseIterable {
    case due, weakest, unseen, random
    public var label: String {
        switch self { case .due: "due first"; case .weakest: "weakest first"; case .unseen: "unseen first"; case .random: "random" }
    }
}

/// A small seeded generator (SplitMix64), so that "random" sessions are reproducible in tests.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}

/// Picks the questions of a practice session.
public func pickPracticeQuestions(_ questions: [Question], filter: QuestionFilter, order: PracticeOrder, count: Int,
                                  progress: StudyProgress, now: Date, random: inout SeededRandom) -> [Question] {
    let test = filter.facetTest
    let pool = questions.filter { test.admits($0, status: .new) }
    let ranked: [Question]
    switch order {
    case .random:
        ranked = pool.shuffled(using: &random)
    case .unseen:
        ranked = pool.filter { progress.schedule($0.id).state == .new } + pool.filter { progress.schedule($0.id).state != .new }
    case .due:
        // Due cards (most overdue first), then unseen, then the rest by due date.
        let due = pool.filter { progress.schedule($0.id).isDue(at: now) }
            .sorted { (progress.schedule($0.id).due ?? now) < (progress.schedule($1.id).due ?? now) }
        let unseen = pool.filter { progress.schedule($0.id).state == .new }
        let rest = pool.filter { let s = progress.schedule($0.id); return s.state != .new && !s.isDue(at: now) }
            .sorted { (progress.schedule($0.id).due ?? now) < (progress.schedule($1.id).due ?? now) }
        ranked = due + unseen + rest
    case .weakest:
        // Seen cards by recall probability now (lowest first), then unseen.
        let seen = pool.filter { progress.schedule($0.id).state != .new }
            .map { ($0, progress.scheduler.retrievability(progress.schedule($0.id), at: now)) }
            .sorted { $0.1 < $1.1 }.map(\.0)
        ranked = seen + pool.filter { progress.schedule($0.id).state == .new }
    }
    return Array(ranked.prefix(max(0, count)))
}

/// A practice session as a Markdown report: the questions, your answers, the model answers, times and ratings.
public func sessionReport(_ session: SessionRecord, answers: [String: AnswerRecord], catalog: Catalog) -> String {
    if session.isMock { return mockReport(session, answers: answers, catalog: catalog) }
    var md = "# Practice session — \(RFC3339.format(session.started))\n\n"
    let answered = session.items.filter { !$0.skipped }.count
    md += "- Session: `\(session.id)` (\(session.outcome))\n"
    md += "- Questions: \(session.items.count), answered \(answered)"
    if session.items.count > answered { md += ", skipped \(session.items.count - answered)" }
    md += "\n- Time: \(clockText(session.totalSeconds))"
    if let b = session.totalBudget { md += " of \(clockText(Double(b))) budgeted" }
    let covered = session.items.reduce(0) { $0 + $1.keyPoints }, total = session.items.reduce(0) { $0 + $1.keyPointsTotal }
    if total > 0 { md += "\n- Key points covered: \(covered) of \(total)" }
    md += "\n\n| # | Question | Time | Key points | Rating |\n|---|---|---|---|---|\n"
    for (k, i) in session.items.enumerated() {
        let time = i.skipped ? "skipped" : clockText(i.seconds) + (i.budgetSeconds.map { " / " + clockText(Double($0)) } ?? "")
        let title = i.title.replacingOccurrences(of: "|", with: "\\|")
        md += "| \(k + 1) | \(title) | \(time) | \(i.skipped ? "–" : "\(i.keyPoints)/\(i.keyPointsTotal)") | \(i.rating?.label ?? "–") |\n"
    }
    for (k, i) in session.items.enumerated() {
        md += "\n## \(k + 1). \(i.title)\n\n"
        let q = catalog.question(i.card)
        if let q { md += "*\(q.difficulty.label) · \(q.kind.label) · \(q.topics.joined(separator: ", "))*\n\n> " + q.prompt.replacingOccurrences(of: "\n", with: "\n> ") + "\n\n" }
        if i.skipped { md += "Skipped.\n"; continue }
        md += "**Time:** \(clockText(i.seconds))"
        if let b = i.budgetSeconds {
            md += " of \(clockText(Double(b)))"
            if i.seconds > Double(b) { md += " (overtime \(clockText(i.seconds - Double(b))))" }
        }
        md += " · **Rating:** \(i.rating?.label ?? "not rated")\n\n### Your answer\n\n"
        let text = i.answer.flatMap { answers[$0]?.text } ?? ""
        md += text.isEmpty ? "*(empty)*\n" : text + "\n"
        if let q {
            let ticked = Set(i.answer.flatMap { answers[$0]?.keyPoints } ?? [])
            md += "\n### Key points\n\n"
            for (n, p) in q.keyPoints.enumerated() { md += "- [\(ticked.contains(n) ? "x" : " ")] \(p)\n" }
            // The model answer's headings go two levels down, under this question's heading.
            var inFence = false
            let answer = q.answer.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                if line.drop(while: { $0 == " " }).hasPrefix("```") { inFence.toggle() }
                return !inFence && line.hasPrefix("#") ? "##" + line : String(line)
            }.joined(separator: "\n")
            md += "\n### Model answer\n\n" + answer + "\n"
        }
    }
    return md
}
