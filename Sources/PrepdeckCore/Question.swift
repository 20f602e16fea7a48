// Questions, decks and the bank format (see docs/data-format.md).

public enum Difficulty: String, Sendable, CaseIterable, Comparable {
    case easy, medium, hard
    public static func < (a: Difficulty, b: Difficulty) -> Bool { a.rank < b.rank }
    public var rank: Int { switch self { case .easy: 0; case .medium: 1; case .hard: 2 } }
    /// Default minutes for a question without `timeLimitMinutes`.
    public var defaultMinutes: Int { switch self { case .easy: 4; case .medium: 8; case .hard: 15 } }
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

public enum Kind: String, Sendable, CaseIterable {
    case technical
    case systemDesign = "system-design"
    case coding
    case behavioral
    case askTheInterviewer = "ask-the-interviewer"

    public var label: String {
        switch self {
        case .technical: "Technical"
        case .systemDesign: "System design"
        case .coding: "Coding"
        case .behavioral: "Behavioral"
        case .askTheInterviewer: "Ask the interviewer"
        }
    }
    /// A short tag for list rows.
    public var short: String {
        switch self {
        case .technical: "tech"
        case .systemDesign: "design"
        case .coding: "code"
        case .behavioral: "behav"
        case .askTheInterviewer: "ask"
        }
    }
}

public struct Question: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var prompt: String
    public var difficulty: Difficulty
    public var kind: Kind
    public var topics: [String]
    public var answer: String
    public var keyPoints: [String]
    public var followUps: [String]
    public var timeLimitMinutes: Int?
    /// Where the question was defined (for error messages).
    public var source: SourceLocation

    public init(id: String, title: String, prompt: String, difficulty: Difficulty, kind: Kind,
                topics: [String], answer: String, keyPoints: [String], followUps: [String] = [],
                timeLimitMinutes: Int? = nil, source: SourceLocation = SourceLocation(file: "", position: SourcePosition(line: 1, column: 1))) {
        self.id = id; self.title = title; self.prompt = prompt; self.difficulty = difficulty; self.kind = kind
        self.topics = topics; self.answer = answer; self.keyPoints = keyPoints; self.followUps = followUps
        self.timeLimitMinutes = timeLimitMinutes; self.source = source
    }

    /// The time budget in seconds: `timeLimitMinutes`, else by difficulty.
    public var defaultBudgetSeconds: Int { (timeLimitMinutes ?? difficulty.defaultMinutes) * 60 }
}

public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var position: SourcePosition
    public init(file: String, position: SourcePosition) { self.file = file; self.position = position }
    public var description: String { "\(file):\(position.line):\(position.column)" }
}

public struct Deck: Sendable, Equatable {
    public var id: String
    public var title: String
    public init(id: String, title: String) { self.id = id; self.title = title }
}

public struct Bank: Sendable, Equatable {
    public var file: String
    public var deck: Deck
    public var questions: [Question]
    public init(file: String, deck: Deck, questions: [Question]) { self.file = file; self.deck = deck; self.questions = questions }
}

/// A problem with a bank file. `description` is the one line shown to the user.
public struct BankError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public init(_ location: SourceLocation, _ message: String) { self.location = location; self.message = message }
    public var description: String { "\(location): \(message)" }
}

public enum BankFormat {
    public static let formatName = "prepdeck-bank"
    public static let supportedVersion = 1
    public static let minKeyPoints = 3
    public static let maxKeyPoints = 8

    /// `id`: lowercase words (ASCII letters and digits) joined by single `-`.
    public static func isValidID(_ id: String) -> Bool {
        guard !id.isEmpty, !id.hasPrefix("-"), !id.hasSuffix("-"), !id.contains("--") else { return false }
        return id.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    /// Decodes one bank file's text. `file` is used in messages only.
    public static func decode(_ bytes: [UInt8], file: String) throws(BankError) -> Bank {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw BankError(SourceLocation(file: file, position: error.position), error.message)
        }
        func loc(_ n: JSONNode) -> SourceLocation { SourceLocation(file: file, position: n.position) }
        guard case .object = root.value else {
            throw BankError(loc(root), "expected a bank object {\"format\": \"prepdeck-bank\", …}, found \(root.typeName)")
        }
        guard let format = root["format"] else {
            throw BankError(loc(root), "missing field \"format\" (expected \"prepdeck-bank\")")
        }
        guard format.string == formatName else {
            throw BankError(loc(format), "field \"format\": expected \"prepdeck-bank\", found \(describe(format))")
        }
        guard let version = root["version"] else {
            throw BankError(loc(root), "missing field \"version\" (this prepdeck reads version \(supportedVersion))")
        }
        guard let v = version.int else {
            throw BankError(loc(version), "field \"version\": expected an integer, found \(describe(version))")
        }
        guard v == supportedVersion else {
            throw BankError(loc(version), "unsupported bank version \(v) (this prepdeck reads version \(supportedVersion))")
        }
        guard let deckNode = root["deck"] else { throw BankError(loc(root), "missing field \"deck\"") }
        guard case .object = deckNode.value else {
            throw BankError(loc(deckNode), "field \"deck\": expected an object, found \(deckNode.typeName)")
        }
        let deckID = try requiredString(deckNode, "id", context: "deck", file: file)
        let deckTitle = try requiredString(deckNode, "title", context: "deck", file: file)
        guard let qs = root["questions"] else { throw BankError(loc(root), "missing field \"questions\"") }
        guard let items = qs.array else {
            throw BankError(loc(qs), "field \"questions\": expected an array, found \(qs.typeName)")
        }
        var questions: [Question] = []
        questions.reserveCapacity(items.count)
        var seen: [String: SourcePosition] = [:]
        for (index, item) in items.enumerated() {
            let q = try decodeQuestion(item, index: index, file: file)
            if let first = seen[q.id] {
                throw BankError(q.source, "duplicate question id \"\(q.id)\" (first defined at \(file):\(first))")
            }
            seen[q.id] = q.source.position
            questions.append(q)
        }
        return Bank(file: file, deck: Deck(id: deckID, title: deckTitle), questions: questions)
    }

    static func describe(_ n: JSONNode) -> String {
        if let s = n.string { return JSONWriter.quote(s) }
        if let d = n.number { return JSONWriter.number(d) }
        return n.typeName
    }

    private static func requiredString(_ obj: JSONNode, _ field: String, context: String, file: String) throws(BankError) -> String {
        guard let n = obj[field] else {
            throw BankError(SourceLocation(file: file, position: obj.position), "\(context): missing field \"\(field)\"")
        }
        guard let s = n.string, !s.trimmingSpaces.isEmpty else {
            throw BankError(SourceLocation(file: file, position: n.position), "\(context): field \"\(field)\": expected a non-empty string, found \(describe(n))")
        }
        return s
    }

    private static func stringList(_ obj: JSONNode, _ field: String, context: String, file: String, required: Bool) throws(BankError) -> [String] {
        guard let n = obj[field] else {
            if required { throw BankError(SourceLocation(file: file, position: obj.position), "\(context): missing field \"\(field)\"") }
            return []
        }
        if !required && n.isNull { return [] }
        guard let items = n.array else {
            throw BankError(SourceLocation(file: file, position: n.position), "\(context): field \"\(field)\": expected an array of strings, found \(n.typeName)")
        }
        var out: [String] = []
        for (k, item) in items.enumerated() {
            guard let s = item.string, !s.trimmingSpaces.isEmpty else {
                throw BankError(SourceLocation(file: file, position: item.position), "\(context): field \"\(field)\"[\(k)]: expected a non-empty string, found \(describe(item))")
            }
            out.append(s)
        }
        return out
    }

    static func decodeQuestion(_ node: JSONNode, index: Int, file: String) throws(BankError) -> Question {
        guard case .object = node.value else {
            throw BankError(SourceLocation(file: file, position: node.position), "questions[\(index)]: expected a question object, found \(node.typeName)")
        }
        let here = SourceLocation(file: file, position: node.position)
        let id = try requiredString(node, "id", context: "questions[\(index)]", file: file)
        let ctx = "question \"\(id)\""
        guard isValidID(id) else {
            throw BankError(SourceLocation(file: file, position: node["id"]!.position), "\(ctx): field \"id\": must be lowercase words joined by '-' (a-z, 0-9)")
        }
        let title = try requiredString(node, "title", context: ctx, file: file)
        let prompt = try requiredString(node, "prompt", context: ctx, file: file)
        let answer = try requiredString(node, "answer", context: ctx, file: file)
        let diffText = try requiredString(node, "difficulty", context: ctx, file: file)
        guard let difficulty = Difficulty(rawValue: diffText) else {
            throw BankError(SourceLocation(file: file, position: node["difficulty"]!.position), "\(ctx): field \"difficulty\": expected one of easy, medium, hard, found \(JSONWriter.quote(diffText))")
        }
        let kindText = try requiredString(node, "kind", context: ctx, file: file)
        guard let kind = Kind(rawValue: kindText) else {
            throw BankError(SourceLocation(file: file, position: node["kind"]!.position), "\(ctx): field \"kind\": expected one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")), found \(JSONWriter.quote(kindText))")
        }
        let topics = try stringList(node, "topics", context: ctx, file: file, required: true)
        if topics.isEmpty {
            throw BankError(SourceLocation(file: file, position: node["topics"]!.position), "\(ctx): field \"topics\": needs at least one topic")
        }
        for (k, t) in topics.enumerated() where !isValidID(t) {
            throw BankError(SourceLocation(file: file, position: node["topics"]!.array![k].position), "\(ctx): field \"topics\"[\(k)]: \(JSONWriter.quote(t)) must be lowercase words joined by '-'")
        }
        let keyPoints = try stringList(node, "keyPoints", context: ctx, file: file, required: true)
        if keyPoints.count < minKeyPoints || keyPoints.count > maxKeyPoints {
            throw BankError(SourceLocation(file: file, position: node["keyPoints"]!.position), "\(ctx): field \"keyPoints\": expected \(minKeyPoints)–\(maxKeyPoints) entries, found \(keyPoints.count)")
        }
        let followUps = try stringList(node, "followUps", context: ctx, file: file, required: false)
        var limit: Int?
        if let t = node["timeLimitMinutes"], !t.isNull {
            guard let m = t.int, m > 0, m <= 240 else {
                throw BankError(SourceLocation(file: file, position: t.position), "\(ctx): field \"timeLimitMinutes\": expected a whole number of minutes between 1 and 240, found \(describe(t))")
            }
            limit = m
        }
        return Question(id: id, title: title, prompt: prompt, difficulty: difficulty, kind: kind, topics: topics,
                        answer: answer, keyPoints: keyPoints, followUps: followUps, timeLimitMinutes: limit, source: here)
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

/// Several banks merged into one catalogue. Ids must be unique across all of them.
public struct Catalog: Sendable {
    public private(set) var questions: [Question]
    public private(set) var banks: [(file: String, deck: Deck, count: Int)]
    private var index: [String: Int]

    public init(banks: [Bank]) throws(BankError) {
        questions = []
        self.banks = []
        index = [:]
        for bank in banks {
            for q in bank.questions {
                if let k = index[q.id] {
                    throw BankError(q.source, "duplicate question id \"\(q.id)\" (first defined at \(questions[k].source))")
                }
                index[q.id] = questions.count
                questions.append(q)
            }
            self.banks.append((bank.file, bank.deck, bank.questions.count))
        }
    }

    public func question(_ id: String) -> Question? { index[id].map { questions[$0] } }
    public func position(of id: String) -> Int? { index[id] }

    /// Topics with the number of questions carrying each, sorted by topic id.
    public var topicCounts: [(topic: String, count: Int)] {
        var counts: [String: Int] = [:]
        for q in questions { for t in q.topics { counts[t, default: 0] += 1 } }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
