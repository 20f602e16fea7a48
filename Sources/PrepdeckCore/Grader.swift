import Foundation

// The offline grader (issue 13): how well a typed answer covers each key point, computed locally from words.
// The design and its measurements are in docs/grading.md; `scripts/grader_lab.py` is the same computation in
// Python, where it was designed, and the two must agree (GraderTests checks figures the script prints).

/// Words as the grader compares them: case and accents folded; `<=` `>=` `->` kept as operators; `-` `/` `_`
/// split words; dotted numbers (`p99.9`) and `c++` / `c#` kept whole; a light suffix stemmer (stems cut to 7
/// letters); glossary phrases replaced by their group; with each term's rarity across the bank.
/// `scripts/grader_lab.py` is the same computation, step for step.
public struct GradingTerms: Sendable {
    /// Glossary phrases (as stem sequences) → group token `§k`: one-word phrases apart, and for each first
    /// word the longest phrase it starts (most words start none: one look-up).
    private var phrases: [[String]: String] = [:]
    private var single: [String: String] = [:]
    private var phraseStarts: [String: Int] = [:]
    /// Group token → the rare single words of its multi-word terms (they earn half credit for the group).
    private var groupParts: [String: Set<String>] = [:]
    private var documentFrequency: [String: Int] = [:]
    private var documents = 0

    /// `glossary`: groups of terms that mean the same; `documents`: one text per bank question
    /// (`document(_:)`), for the rarity weights.
    public init(glossary: [[String]], documents texts: [String]) {
        for (k, group) in glossary.enumerated() {
            for term in group {
                let stems = GradingTerms.tokens(term)
                guard !stems.isEmpty else { continue }
                if stems.count == 1 { single[stems[0]] = "§\(k)" } else { phrases[stems] = "§\(k)" }
                phraseStarts[stems[0]] = max(phraseStarts[stems[0]] ?? 0, stems.count)
            }
        }
        documents = texts.count
        for t in texts { for term in Set(terms(t)) { documentFrequency[term, default: 0] += 1 } }
        let rare = 0.1 * Double(documents)
        for (k, group) in glossary.enumerated() {
            var parts = Set<String>()
            for term in group {
                let ts = GradingTerms.tokens(term)
                guard ts.count > 1 else { continue }
                for t in ts where !GradingTerms.stop.contains(t) && Double(documentFrequency[t] ?? 0) <= rare { parts.insert(t) }
            }
            groupParts["§\(k)"] = parts
        }
    }

    /// The text of a question that counts for the rarity weights: its prompt, answer and key points.
    public static func document(_ q: Question) -> String {
        var parts: [String] = [q.prompt, q.answer]
        parts += q.keyPoints
        return parts.joined(separator: " ")
    }

    /// The weight of a term: rarer across the bank, heavier.
    public func idf(_ term: String) -> Double {
        log(Double(documents + 1) / Double((documentFrequency[term] ?? 0) + 1)) + 0.5
    }

    /// The rare single words of a glossary group's multi-word terms: present, they earn the group half credit.
    func parts(of t: String) -> Set<String>? {
        guard let p = groupParts[t], !p.isEmpty else { return nil }
        return p
    }

    /// Glossary phrases (longest first, left to right) replaced by their group.
    func canon(_ toks: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(toks.count)
        var i = 0
        outer: while i < toks.count {
            if let longest = phraseStarts[toks[i]] {
                var n = min(longest, toks.count - i)
                while n >= 2 {
                    if let g = phrases[Array(toks[i..<(i + n)])] { out.append(g); i += n; continue outer }
                    n -= 1
                }
                if let g = single[toks[i]] { out.append(g); i += 1; continue outer }
            }
            out.append(toks[i])
            i += 1
        }
        return out
    }

    /// The content terms of a text, in order (stop words dropped).
    public func terms(_ text: String) -> [String] {
        canon(GradingTerms.tokens(text)).filter { !GradingTerms.stop.contains($0) }
    }

    /// Per non-empty sentence: its content terms, and all its terms (stop words kept).
    func sentenceTerms(_ text: String) -> [(content: [String], all: [String])] {
        GradingTerms.sentences(text).map { s in
            let all = canon(GradingTerms.tokens(s))
            return (all.filter { !GradingTerms.stop.contains($0) }, all)
        }
    }

    // MARK: Text to tokens

    static let arrow: Unicode.Scalar = "\u{2192}", lessEqual: Unicode.Scalar = "\u{2264}", greaterEqual: Unicode.Scalar = "\u{2265}"

    /// The text as bytes to tokenise: lower case, accents dropped (compatibility decomposition, combining
    /// marks left out; ASCII text as it is), `≤` `≥` `→` as the bytes 1, 2, 3, any other character that is
    /// not ASCII (and ASCII control characters) as a space.
    static func fold(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        // ASCII as it is (lower case, control characters as spaces); each other character folded on its own
        // (what folding the whole text gives, for everything that can end up in a token).
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                let b = UInt8(scalar.value)
                out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b < 0x20 ? 0x20 : b)
                continue
            }
            for c in String(scalar).lowercased().decomposedStringWithCompatibilityMapping.unicodeScalars
            where c.properties.canonicalCombiningClass == .notReordered {
                switch c {
                case lessEqual: out.append(1)
                case greaterEqual: out.append(2)
                case arrow: out.append(3)
                default: out.append(c.value < 0x80 && c.value >= 0x20 ? UInt8(c.value) : 0x20)
                }
            }
        }
        return out
    }

    private static let operatorTokens = ["", String(Character(lessEqual)), String(Character(greaterEqual)), String(Character(arrow))]

    /// Stemmed tokens: operators as one token each, dotted numbers whole, `c++` / `c#` whole.
    static func tokens(_ text: String) -> [String] {
        // Operators first (padded), then `-` `/` `_` as spaces.
        let f = fold(text)
        var s: [UInt8] = []
        s.reserveCapacity(f.count + 8)
        var i = 0
        while i < f.count {
            let c = f[i], next: UInt8 = i + 1 < f.count ? f[i + 1] : 0
            if next == 0x3D && (c == 0x3C || c == 0x3E) { s += [0x20, c == 0x3C ? 1 : 2, 0x20]; i += 2; continue } // <= >=
            if next == 0x3E && (c == 0x2D || c == 0x3D) { s += [0x20, 3, 0x20]; i += 2; continue }                   // -> =>
            s.append(c == 0x2D || c == 0x2F || c == 0x5F ? 0x20 : c)
            i += 1
        }
        @inline(__always) func alnum(_ k: Int) -> Bool { k < s.count && ((s[k] >= 0x61 && s[k] <= 0x7A) || (s[k] >= 0x30 && s[k] <= 0x39)) }
        @inline(__always) func digit(_ k: Int) -> Bool { k < s.count && s[k] >= 0x30 && s[k] <= 0x39 }
        var out: [String] = []
        out.reserveCapacity(s.count / 5)
        var k = 0
        while k < s.count {
            let c = s[k]
            if c >= 1 && c <= 3 { out.append(operatorTokens[Int(c)]); k += 1; continue }
            guard alnum(k) else { k += 1; continue }
            var e = k
            while alnum(e) { e += 1 }
            // A run of letters and digits ending in a digit, then `.digits` once or more: one token (p99.9, 1.11).
            if digit(e - 1) && e < s.count && s[e] == 0x2E && digit(e + 1) {
                while e < s.count && s[e] == 0x2E && digit(e + 1) {
                    e += 1
                    while digit(e) { e += 1 }
                }
            } else if e < s.count && (s[e] == 0x2B || s[e] == 0x23) {
                while e < s.count && (s[e] == 0x2B || s[e] == 0x23) { e += 1 }
                while alnum(e) { e += 1 }
            }
            out.append(stem(s[k..<e]))
            k = e
        }
        return out
    }

    static func stem(_ word: String) -> String { stem(Array(word.utf8)[...]) }

    /// A light suffix stemmer; only words of letters longer than three are touched (see the script).
    static func stem(_ word: ArraySlice<UInt8>) -> String {
        guard word.count > 3, word.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return String(decoding: word, as: UTF8.self) }
        var w = Array(word)
        func ends(_ suf: StaticString) -> Bool {
            let n = suf.utf8CodeUnitCount
            guard w.count >= n else { return false }
            let p = suf.utf8Start
            for j in 0..<n where w[w.count - n + j] != p[j] { return false }
            return true
        }
        func vowel(_ c: UInt8) -> Bool { c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 || c == 0x79 }
        // 1. Plurals and the third person.
        if ends("ies") && w.count > 4 { w.removeLast(3); w.append(0x69) }
        else if ends("sses") { w.removeLast(2) }
        else if ends("es") && w.count > 4 && (w[w.count - 3] == 0x78 || w[w.count - 3] == 0x7A
                                               || ((w[w.count - 4] == 0x63 || w[w.count - 4] == 0x73) && w[w.count - 3] == 0x68)
                                               || (w[w.count - 4] == 0x73 && w[w.count - 3] == 0x73)) { w.removeLast(2) }
        else if ends("s") && !ends("ss") && !ends("us") && !ends("is") { w.removeLast() }
        // 2. -ing, -ed (at least three letters with a vowel stay); a final double consonant but l, s, z is undoubled.
        for (suf, n) in [("ing" as StaticString, 3), ("ed", 2)] where ends(suf) && w.count - n >= 3 && w.prefix(w.count - n).contains(where: vowel) {
            w.removeLast(n)
            if w.count >= 4 && w[w.count - 1] == w[w.count - 2] && w[w.count - 1] != 0x6C && w[w.count - 1] != 0x73 && w[w.count - 1] != 0x7A { w.removeLast() }
            break
        }
        // 3. One derivational suffix, if at least four letters stay.
        for suf in ["ization", "isation", "ation", "ness", "ment", "ity", "ly", "er", "or"] as [StaticString]
        where ends(suf) && w.count - suf.utf8CodeUnitCount >= 4 {
            w.removeLast(suf.utf8CodeUnitCount)
            break
        }
        // 4. A final e; then a final y or i (retry, retries, retried meet).
        if ends("e") && w.count > 3 { w.removeLast() }
        if let last = w.last, last == 0x79 || last == 0x69, w.count > 4 { w.removeLast() }
        // 5. Long stems are cut: a prefix match.
        if w.count > 7 { w.removeLast(w.count - 7) }
        return String(decoding: w, as: UTF8.self)
    }

    /// Sentences: split after `.` `!` `?` `;` `:` at the white space that follows, and at line breaks; blank
    /// pieces dropped.
    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            let piece = String(current)
            if !piece.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(piece) }
            current = String.UnicodeScalarView()
        }
        let u = Array(text.unicodeScalars)
        var i = 0
        while i < u.count {
            let c = u[i]
            if c.properties.isWhitespace, let prev = current.last, ".!?;:".unicodeScalars.contains(prev) {
                while i < u.count && u[i].properties.isWhitespace { i += 1 }
                flush()
                continue
            }
            if c == "\n" {
                while i < u.count && u[i] == "\n" { i += 1 }
                flush()
                continue
            }
            current.append(c)
            i += 1
        }
        flush()
        return out
    }

    static let stopWords = """
        a an the and or of to in on for with by at from as is are was were be been being it its this that these those \
        i we you they he she them our your their my me us not no but if then than so such can could would should will may might must \
        do does did done have has had into out over under up down about per via vs versus also just only very more most less least \
        each every any all some both either neither one two use used using uses make makes made get gets got when where which who whom \
        what why how there here while until after before because since though although yet again once other another same own
        """
    static let stop: Set<String> = Set(stopWords.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { stem(String($0)) } + [String(Character(arrow))])
    static let negations: Set<String> = Set("not no never without instead cannot don doesn didn isn aren wasn won shouldn couldn wouldn"
        .split(separator: " ").map { stem(String($0)) })
}

/// The `glossary` of a bank file (an optional top-level field: `[{"terms": ["p99", "99th percentile"]}, …]`):
/// its groups of terms. Groups with fewer than two terms are left out.
public func decodeGlossary(_ root: JSONNode) -> [[String]] {
    (root["glossary"]?.array ?? []).compactMap { g in
        let terms = (g["terms"]?.array ?? []).compactMap(\.string).filter { !$0.isEmpty }
        return terms.count >= 2 ? terms : nil
    }
}

/// The texts the rarity weights are counted over: every question's, or for a catalogue of more than 2,000
/// questions an even sample of 2,000 (a very large bank is not read whole for this).
public func gradingDocuments(_ questions: [Question]) -> [String] {
    let step = max(1, questions.count / 2000)
    return stride(from: 0, to: questions.count, by: step).map { GradingTerms.document(questions[$0]) }
}

/// The same documents from a catalogue, making only the sampled questions (not all 100,000 of a large one).
public func gradingDocuments(_ catalog: Catalog) -> [String] {
    let step = max(1, catalog.count / 2000)
    return stride(from: 0, to: catalog.count, by: step).map { GradingTerms.document(catalog.question(at: $0)) }
}

/// Scores a typed answer against key points (docs/grading.md): per key point eleven features, then a
/// logistic model with fixed weights fitted on the labelled set by `scripts/grader_lab.py`.
public struct Grader: Sendable {
    public let terms: GradingTerms
    /// A key point counts as covered from this probability on.
    public static let threshold = 0.39
    /// The weights of `features` (k_all, s_all, k_s_all, k_sent, s_sent, own_len, ans_len, phrase, echo,
    /// mech, neg), then the bias.
    static let weights: [Double] = [2.6427, 2.3029, 1.3749, 1.6066, 1.8290, 1.4630, 4.5230, -0.6371, -1.4770, 0.4319, 0.5030, -6.3884]

    public init(terms: GradingTerms) { self.terms = terms }

    /// A key point ready to be looked for: its terms, its support (the model-answer sentence that shares
    /// the most weight with it and the next one, less every key point's terms), its two rarest terms, its
    /// word pairs.
    struct Point {
        /// The point's terms (sorted), each with its weight and, for a glossary group, its rare words.
        var k: [(term: String, idf: Double, parts: Set<String>?)]
        var wk: Double
        var support: [(String, Double)]
        var ws: Double
        var mechanism: [String]
        var bigrams: [(String, String)]
    }

    func prepare(keyPoints: [String], modelAnswer: String) -> [Point] {
        let model = terms.sentenceTerms(modelAnswer).map(\.content).filter { !$0.isEmpty }
        let modelSets = model.map(Set.init)
        let kts = keyPoints.map { terms.terms($0) }
        let allK = Set(kts.joined())
        return kts.map { kt in
            let k = Array(Set(kt)).sorted()
            var best = 0.0, bestI = -1
            for (i, s) in modelSets.enumerated() {
                var v = 0.0
                for t in k where s.contains(t) { v += terms.idf(t) }
                if v > best { best = v; bestI = i }
            }
            var support: [String: Double] = [:]
            if bestI >= 0 {
                for s in model[bestI..<min(model.count, bestI + 2)] { for t in s where !allK.contains(t) { support[t] = terms.idf(t) } }
            }
            let sorted = support.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            let wk = k.reduce(0.0) { $0 + terms.idf($1) }, ws = sorted.reduce(0.0) { $0 + $1.1 }
            let mechanism = Array(k.sorted { a, b in terms.idf(a) != terms.idf(b) ? terms.idf(a) > terms.idf(b) : a < b }.prefix(2))
            return Point(k: k.map { ($0, terms.idf($0), terms.parts(of: $0)) }, wk: wk == 0 ? 1 : wk, support: sorted,
                         ws: ws == 0 ? 1 : ws, mechanism: mechanism, bigrams: Array(zip(kt, kt.dropFirst())))
        }
    }

    /// The weighted share of the point's terms in a set of terms: a term present counts whole, a glossary
    /// group of which one rare word is present counts half.
    func kShare(_ p: Point, _ present: Set<String>) -> Double {
        var v = 0.0
        for t in p.k {
            if present.contains(t.term) { v += t.idf } else if let parts = t.parts, !parts.isDisjoint(with: present) { v += t.idf * 0.5 }
        }
        return v / p.wk
    }

    func sShare(_ p: Point, _ present: Set<String>) -> Double {
        var v = 0.0
        for (t, w) in p.support where present.contains(t) { v += w }
        return v / p.ws
    }

    /// The features of every key point for one answer.
    func features(_ points: [Point], answer: String) -> [[Double]] {
        var sents = terms.sentenceTerms(answer)
        if sents.isEmpty { sents = [([], [])] }
        let sets = sents.map { Set($0.content) }
        let present = sets.reduce(into: Set<String>()) { $0.formUnion($1) }
        let nTerms = sents.reduce(0) { $0 + $1.content.count }
        // Each point's shares in each sentence, computed once: kSh[i][j], sSh[i][j] (sentence i, point j).
        let kSh = sets.map { st in points.map { kShare($0, st) } }
        let sSh = sets.map { st in points.map { sShare($0, st) } }
        // Each sentence's terms count for the key point it matches best (the first on ties).
        var own = [Int](repeating: 0, count: points.count)
        for (i, shares) in kSh.enumerated() {
            if let top = shares.max(), top > 0, let j = shares.firstIndex(of: top) { own[j] += sents[i].content.count }
        }
        let ansLen = log(1 + Double(nTerms) / Double(max(1, points.count))) / 4
        return points.enumerated().map { j, p in
            let kAll = kShare(p, present), sAll = sShare(p, present)
            var best = (-1.0, -1.0), bestI = 0
            for i in sets.indices {
                let k = kSh[i][j], s = sSh[i][j]
                if k + s > best.0 || (k + s == best.0 && k > best.1) { best = (k + s, k); bestI = i }
            }
            let seq = sents[bestI].content
            let kSent = kSh[bestI][j], sSent = sSh[bestI][j]
            var pairs = Set<String>()
            for (a, b) in zip(seq, seq.dropFirst()) { pairs.insert(a + "\u{1}" + b) }
            let phrase = Double(p.bigrams.filter { pairs.contains($0.0 + "\u{1}" + $0.1) }.count) / Double(max(1, p.bigrams.count))
            let mech = Double(p.mechanism.filter { present.contains($0) }.count) / Double(max(1, p.mechanism.count))
            let neg: Double = sents[bestI].all.contains { GradingTerms.negations.contains($0) } ? 1 : 0
            let echo = sSent == 0 ? kSent * phrase : 0
            return [kAll, sAll, kAll * sAll, kSent, sSent, log(1 + Double(own[j])) / 4, ansLen, phrase, echo, mech, neg]
        }
    }

    /// For each key point, the probability that the answer covers it.
    public func score(answer: String, keyPoints: [String], modelAnswer: String) -> [Double] {
        let points = prepare(keyPoints: keyPoints, modelAnswer: modelAnswer)
        return features(points, answer: answer).map { x in
            var z = Grader.weights.last!
            for (w, v) in zip(Grader.weights, x) { z += w * v }
            return 1 / (1 + exp(-max(-30, min(30, z))))
        }
    }

    /// A follow-up's checklist is the sentences of its model answer, not rubric lines the model was fitted
    /// on: a sentence counts as covered when at least half of its weighted terms are in the answer.
    public func coveredSentences(answer: String, sentences: [String]) -> Set<Int> {
        let points = prepare(keyPoints: sentences, modelAnswer: "")
        let present = Set(terms.terms(answer))
        return Set(points.indices.filter { !points[$0].k.isEmpty && kShare(points[$0], present) >= 0.5 })
    }

    /// The key points scored at or above the threshold.
    public func covered(answer: String, keyPoints: [String], modelAnswer: String) -> Set<Int> {
        let s = score(answer: answer, keyPoints: keyPoints, modelAnswer: modelAnswer)
        return Set(s.indices.filter { s[$0] >= Grader.threshold })
    }
}

/// The rating suggested after a compare: from the share of key points covered and the time used.
/// Under 40 % Again, under 65 % Hard, 90 % or more within 80 % of the time Easy, else Good; more than a
/// quarter over time takes one step off (never below Again).
public func suggestedRating(covered: Int, total: Int, seconds: Double, budgetSeconds: Int?) -> Rating {
    guard total > 0 else { return .good }
    let share = Double(covered) / Double(total)
    let ratio = budgetSeconds.map { seconds / Double(max(1, $0)) } ?? 0.5
    var r: Rating = share < 0.4 ? .again : share < 0.65 ? .hard : (share >= 0.9 && ratio <= 0.8 ? .easy : .good)
    if ratio > 1.25, r != .again { r = Rating(rawValue: r.rawValue - 1)! }
    return r
}
