/// `settings.json`: scheduler settings and preferences. Every field is optional; defaults below.
public struct Settings: Sendable, Equatable {
    public enum SchedulerKind: String, Sendable { case fsrs, sm2 }

    public var scheduler: SchedulerKind = .fsrs
    public var desiredRetention: Double = 0.9
    public var learningStepsMinutes: [Double] = [1, 10]
    public var relearningStepsMinutes: [Double] = [10]
    public var maximumIntervalDays: Int = 36500
    public var fuzz: Bool = true
    public var newPerDay: Int = 10
    public var parameters: [Double] = FSRS.defaultParameters
    /// Cards left out of Review until unsuspended (extension of the format: `"suspended": [ids]`).
    public var suspended: [String] = []
    /// Cards left out of Review until a study day has passed: id → last buried day `YYYY-MM-DD`
    /// (extension of the format: `"buried": {"id": "2026-11-29"}`).
    public var buried: [String: String] = [:]
    /// The interview date, `YYYY-MM-DD` (extension of the format: `"interview_date"`), or nil.
    public var interviewDate: String?
    /// The topics that matter for it (`"interview_topics"`); empty: every topic.
    public var interviewTopics: [String] = []
    /// When `prepdeck optimize --apply` wrote `parameters` (RFC 3339, `"parameters_fitted_at"`), and on how many
    /// reviews (`"parameters_fitted_reviews"`); nil when they were not fitted here. They do not change schedules.
    public var parametersFittedAt: String?
    public var parametersFittedReviews: Int?

    public init() {}

    /// Where the scheduler's weights come from, for the Stats screen.
    public var weightsSummary: String {
        if scheduler != .fsrs { return "none: the SM-2 scheduler is in use" }
        if let at = parametersFittedAt, let n = parametersFittedReviews, parameters != FSRS.defaultParameters {
            return "fitted to your log on \(at.prefix(10)) from \(n) reviews (prepdeck optimize)"
        }
        if parameters == FSRS.defaultParameters { return "the published FSRS-6 defaults; prepdeck optimize fits them to your reviews" }
        return "your own, from settings.json"
    }

    public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
        public var position: SourcePosition
        public var message: String
        public var description: String { "\(position): \(message)" }
    }

    /// Decodes a settings object; unknown fields are ignored (and kept by the writer).
    /// Bounds of the learning and relearning steps (issue 17: unbounded values overflowed the scheduler).
    public static let maxSteps = 20
    public static let maxStepMinutes = 525_600.0

    public static func decode(_ node: JSONNode) throws(FieldError) -> Settings {
        var s = Settings()
        guard case .object = node.value else {
            throw FieldError(position: node.position, message: "expected a settings object, found \(node.typeName)")
        }
        func fail(_ n: JSONNode, _ field: String, _ expected: String) -> FieldError {
            FieldError(position: n.position, message: "field \"\(field)\": expected \(expected), found \(BankFormat.describe(n))")
        }
        if let n = node["scheduler"] {
            guard let v = n.string.flatMap(SchedulerKind.init(rawValue:)) else { throw fail(n, "scheduler", "\"fsrs\" or \"sm2\"") }
            s.scheduler = v
        }
        if let n = node["desired_retention"] {
            guard let v = n.number, v >= 0.70, v <= 0.99 else { throw fail(n, "desired_retention", "a number from 0.70 to 0.99") }
            s.desiredRetention = v
        }
        func steps(_ field: String) throws(FieldError) -> [Double]? {
            guard let n = node[field] else { return nil }
            guard let items = n.array, items.count <= Settings.maxSteps else {
                throw fail(n, field, "an array of at most \(Settings.maxSteps) steps in minutes")
            }
            var out: [Double] = []
            for item in items {
                guard let v = item.number, v > 0, v <= Settings.maxStepMinutes else {
                    throw fail(item, field, "a number of minutes above 0 and at most \(Int(Settings.maxStepMinutes)) (one year)")
                }
                out.append(v)
            }
            return out
        }
        if let v = try steps("learning_steps_minutes") { s.learningStepsMinutes = v }
        if let v = try steps("relearning_steps_minutes") { s.relearningStepsMinutes = v }
        if let n = node["maximum_interval_days"] {
            guard let v = n.int, v >= 1, v <= 36_500 else { throw fail(n, "maximum_interval_days", "a whole number of days from 1 to 36500") }
            s.maximumIntervalDays = v
        }
        if let n = node["fuzz"] {
            guard let v = n.bool else { throw fail(n, "fuzz", "true or false") }
            s.fuzz = v
        }
        if let n = node["new_per_day"] {
            guard let v = n.int, v >= 0, v <= 100_000 else { throw fail(n, "new_per_day", "a whole number from 0 to 100000") }
            s.newPerDay = v
        }
        if let n = node["parameters"] {
            guard let items = n.array, items.count == FSRS.defaultParameters.count,
                  items.allSatisfy({ $0.number != nil }) else {
                throw fail(n, "parameters", "an array of \(FSRS.defaultParameters.count) numbers (the FSRS-6 weights)")
            }
            let values = items.map { $0.number! }
            if let bad = FSRS.parameterProblem(values) {
                throw FieldError(position: n.position, message: "field \"parameters\": \(bad)")
            }
            s.parameters = values
        }
        if let n = node["suspended"] {
            guard let items = n.array, items.allSatisfy({ $0.string != nil }) else { throw fail(n, "suspended", "an array of question ids") }
            s.suspended = items.map { $0.string! }
        }
        if let n = node["buried"] {
            guard case let .object(members) = n.value, members.allSatisfy({ $0.value.string.map { RFC3339.parse($0 + "T00:00:00Z") != nil } ?? false }) else {
                throw fail(n, "buried", "an object of question id → \"YYYY-MM-DD\"")
            }
            for m in members { s.buried[m.key] = m.value.string! }
        }
        if let n = node["interview_date"], n.value != .null {
            guard let v = n.string, RFC3339.parseDay(v) != nil else { throw fail(n, "interview_date", "a date \"YYYY-MM-DD\"") }
            s.interviewDate = v
        }
        if let n = node["interview_topics"] {
            guard let items = n.array, items.allSatisfy({ !($0.string ?? "").isEmpty }) else { throw fail(n, "interview_topics", "an array of topic ids") }
            s.interviewTopics = items.map { $0.string! }
        }
        if let n = node["parameters_fitted_at"], n.value != .null {
            guard let v = n.string, RFC3339.parse(v) != nil else { throw fail(n, "parameters_fitted_at", "an RFC 3339 time") }
            s.parametersFittedAt = v
        }
        if let n = node["parameters_fitted_reviews"], n.value != .null {
            guard case let .number(d) = n.value, d >= 0, d == d.rounded(), d < 1e15 else { throw fail(n, "parameters_fitted_reviews", "a whole number") }
            s.parametersFittedReviews = Int(d)
        }
        return s
    }

    /// A hash of the fields that decide schedules (not `new_per_day`, suspensions or burials, which only
    /// shape the queue). Caches store it to know they were computed with the same settings.
    public func schedulingHash(seed: UInt64) -> UInt64 {
        var h = seed
        func add(_ v: UInt64) { h = FastHash.combine(h, v) }
        add(FastHash.hash(scheduler.rawValue))
        add(desiredRetention.bitPattern)
        add(UInt64(learningStepsMinutes.count)); learningStepsMinutes.forEach { add($0.bitPattern) }
        add(UInt64(relearningStepsMinutes.count)); relearningStepsMinutes.forEach { add($0.bitPattern) }
        add(UInt64(bitPattern: Int64(maximumIntervalDays)))
        add(fuzz ? 1 : 0)
        add(UInt64(parameters.count)); parameters.forEach { add($0.bitPattern) }
        return h
    }

    /// Cards Review leaves out on study day `day`: the suspended ones and those buried through that day.
    public func excludedCards(onDay day: Int) -> Set<String> {
        var out = Set(suspended)
        let today = RFC3339.formatDay(day)
        for (id, until) in buried where until >= today { out.insert(id) }
        return out
    }

    /// The settings as JSON members, merged into `base` (unknown fields of `base` are kept).
    public func encode(into base: JSONNode? = nil) -> JSONNode.Value {
        let known: [(String, JSONNode.Value)] = [
            ("scheduler", .string(scheduler.rawValue)),
            ("desired_retention", .number(desiredRetention)),
            ("learning_steps_minutes", .arr(learningStepsMinutes.map { .number($0) })),
            ("relearning_steps_minutes", .arr(relearningStepsMinutes.map { .number($0) })),
            ("maximum_interval_days", .int(maximumIntervalDays)),
            ("fuzz", .bool(fuzz)),
            ("new_per_day", .int(newPerDay)),
            ("parameters", .arr(parameters.map { .number($0) })),
        ] + (suspended.isEmpty ? [] : [("suspended", .arr(suspended.map { .string($0) }))])
          + (buried.isEmpty ? [] : [("buried", .obj(buried.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))])
          + (interviewDate.map { [("interview_date", .string($0))] } ?? [])
          + (interviewTopics.isEmpty ? [] : [("interview_topics", .arr(interviewTopics.map { .string($0) }))])
        var fitted: [(String, JSONNode.Value)] = []
        if let at = parametersFittedAt { fitted.append(("parameters_fitted_at", .string(at))) }
        if let n = parametersFittedReviews { fitted.append(("parameters_fitted_reviews", .int(n))) }
        let all = known + fitted
        var members: [(key: String, value: JSONNode)] = all.map { (key: $0.0, value: JSONNode($0.1)) }
        if case let .object(old)? = base?.value {
            let names = Set(known.map(\.0) + ["suspended", "buried", "interview_date", "interview_topics",
                                               "parameters_fitted_at", "parameters_fitted_reviews"])
            members += old.filter { !names.contains($0.key) }
        }
        return .object(members)
    }
}

/// `settings.json` changed on two machines (a three-way merge for `prepdeck sync`): key by key, a change made on
/// one side only is kept; where both changed a key, `suspended` keeps what either added and drops what either
/// removed, `buried` merges its cards the same way (the later day where both buried one), and any other key
/// takes `local`, this machine's value. `base` is nil when both machines made the file. Key order: upstream's,
/// then keys only `local` has.
public func mergeSettingsJSON(base: JSONNode?, upstream: JSONNode, local: JSONNode) -> JSONNode.Value {
    func text(_ n: JSONNode?) -> String? { n.map { JSONWriter.write($0.value) } }
    func members(_ n: JSONNode?) -> [(key: String, value: JSONNode)] {
        if case let .object(m)? = n?.value { return m }
        return []
    }
    func merged(_ key: String, _ b: JSONNode?, _ u: JSONNode?, _ l: JSONNode?) -> JSONNode? {
        if text(u) == text(l) { return u }
        if text(b) == text(u) { return l }
        if text(b) == text(l) { return u }
        switch key {
        case "suspended":
            let bs = Set((b?.array ?? []).compactMap(\.string)), us = (u?.array ?? []).compactMap(\.string), ls = (l?.array ?? []).compactMap(\.string)
            let uSet = Set(us), lSet = Set(ls)
            var out: [String] = []
            for id in us + ls where !out.contains(id) {
                let kept = (uSet.contains(id) && lSet.contains(id)) || !bs.contains(id)
                if kept { out.append(id) }
            }
            return out.isEmpty ? nil : JSONNode(.array(out.map { JSONNode(.string($0)) }))
        case "buried":
            var out: [(key: String, value: JSONNode)] = []
            let bm = members(b), um = members(u), lm = members(l)
            func find(_ m: [(key: String, value: JSONNode)], _ k: String) -> JSONNode? { m.first { $0.key == k }?.value }
            for k in (um.map(\.key) + lm.map(\.key)) where !out.contains(where: { $0.key == k }) {
                let bv = find(bm, k), uv = find(um, k), lv = find(lm, k)
                let v: JSONNode?
                if let uv, let lv, let us = uv.string, let ls = lv.string, text(bv) != text(uv), text(bv) != text(lv) {
                    v = us > ls ? uv : lv
                } else {
                    v = merged("", bv, uv, lv)
                }
                if let v { out.append((k, v)) }
            }
            return out.isEmpty ? nil : JSONNode(.object(out))
        default:
            return l
        }
    }
    let b = members(base), u = members(upstream), l = members(local)
    func find(_ m: [(key: String, value: JSONNode)], _ k: String) -> JSONNode? { m.first { $0.key == k }?.value }
    var out: [(key: String, value: JSONNode)] = []
    for k in u.map(\.key) + l.map(\.key) + b.map(\.key) where !out.contains(where: { $0.key == k }) {
        if let v = merged(k, find(b, k), find(u, k), find(l, k)) { out.append((k, v)) }
    }
    return .object(out)
}
