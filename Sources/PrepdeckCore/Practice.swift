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

    public init(id: String, card: String, at: Date, session: String?, text: String, seconds: Double, budgetSeconds: Int?,
                keyPoints: [Int], keyPointsTotal: Int, rating: Rating?) {
        self.id = id; self.card = card; self.at = at; self.session = session; self.text = text; self.seconds = seconds
        self.budgetSeconds = budgetSeconds; self.keyPoints = keyPoints; self.keyPointsTotal = keyPointsTotal; self.rating = rating
    }

    public var json: JSONNode.Value {
        .obj([
            ("id", .string(id)), ("card", .string(card)), ("at", .string(RFC3339.format(at))),
            ("session", .str(session)), ("text", .string(text)),
            ("seconds", .number((seconds * 10).rounded() / 10)), ("budget_seconds", .int(budgetSeconds)),
            ("key_points", .arr(keyPoints.map { .int($0) })), ("key_points_total", .int(keyPointsTotal)),
            ("rating", .int(rating?.rawValue)),
        ])
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
                            rating: n["rating"]?.int.flatMap(Rating.init(rawValue:)))
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
        public init(card: String, title: String, seconds: Double, budgetSeconds: Int?, keyPoints: Int, keyPointsTotal: Int,
                    rating: Rating?, skipped: Bool, answer: String?) {
            self.card = card; self.title = title; self.seconds = seconds; self.budgetSeconds = budgetSeconds
            self.keyPoints = keyPoints; self.keyPointsTotal = keyPointsTotal; self.rating = rating; self.skipped = skipped; self.answer = answer
        }
    }
    public var id: String
    public var started: Date
    public var ended: Date
    /// "completed", "ended early" or "quit".
    public var outcome: String
    public var items: [Item]

    public init(id: String, started: Date, ended: Date, outcome: String, items: [Item]) {
        self.id = id; self.started = started; self.ended = ended; self.outcome = outcome; self.items = items
    }

    public var totalSeconds: Double { items.reduce(0) { $0 + $1.seconds } }
    public var totalBudget: Int? {
        items.allSatisfy { $0.budgetSeconds != nil } ? items.reduce(0) { $0 + ($1.budgetSeconds ?? 0) } : nil
    }

    public var json: JSONNode.Value {
        .obj([
            ("id", .string(id)), ("started", .string(RFC3339.format(started))), ("ended", .string(RFC3339.format(ended))),
            ("outcome", .string(outcome)),
            ("questions", .arr(items.map { i in
                .obj([("card", .string(i.card)), ("title", .string(i.title)), ("seconds", .number((i.seconds * 10).rounded() / 10)),
                      ("budget_seconds", .int(i.budgetSeconds)), ("key_points", .int(i.keyPoints)),
                      ("key_points_total", .int(i.keyPointsTotal)), ("rating", .int(i.rating?.rawValue)),
                      ("skipped", .bool(i.skipped)), ("answer", .str(i.answer))])
            })),
            ("total_seconds", .number((totalSeconds * 10).rounded() / 10)), ("total_budget_seconds", .int(totalBudget)),
        ])
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
                 skipped: q["skipped"]?.bool ?? false, answer: q["answer"]?.string)
        }
        return SessionRecord(id: id, started: started, ended: ended, outcome: n["outcome"]?.string ?? "completed", items: items)
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
    let pool = questions.filter { filter.admits($0, status: .new) }
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
