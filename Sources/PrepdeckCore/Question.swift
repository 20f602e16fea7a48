// Questions, decks and the bank format (see docs/data-format.md).

import Foundation

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

/// The long texts of a question: read with the rest of the question, or on demand (see `Question`).
public struct QuestionTexts: Sendable, Equatable {
    public var prompt: String
    public var answer: String
    public var keyPoints: [String]
    public var followUps: [String]
    /// A short model answer for each follow-up (optional in the bank: empty, or as many as `followUps`).
    public var followUpAnswers: [String]

    public init(prompt: String, answer: String, keyPoints: [String], followUps: [String] = [], followUpAnswers: [String] = []) {
        self.prompt = prompt; self.answer = answer; self.keyPoints = keyPoints
        self.followUps = followUps; self.followUpAnswers = followUpAnswers
    }
}

/// Where a question's texts lie in its bank file: the bytes of its JSON object, and their hash.
public struct QuestionTextRef: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var hash: UInt64
    public init(start: Int, end: Int, hash: UInt64) { self.start = start; self.end = end; self.hash = hash }
}

/// Reads a question's texts on demand (the store implements it over the bank file). Nil when the bytes
/// are gone or are no longer the ones indexed (the file changed while prepdeck was running).
public protocol QuestionTextLoader: Sendable {
    func texts(_ ref: QuestionTextRef) -> QuestionTexts?
}

/// The texts of a question that are read when first needed, then kept.
final class LazyQuestionTexts: @unchecked Sendable {
    let loader: any QuestionTextLoader
    let ref: QuestionTextRef
    let keyPointCount: Int
    let followUpCount: Int
    /// One lock for every question's cache (a lock each would cost more than the question).
    private static let lock = NSLock()
    private var cached: QuestionTexts?

    init(loader: any QuestionTextLoader, ref: QuestionTextRef, keyPointCount: Int, followUpCount: Int) {
        self.loader = loader; self.ref = ref; self.keyPointCount = keyPointCount; self.followUpCount = followUpCount
    }

    var texts: QuestionTexts {
        LazyQuestionTexts.lock.lock()
        let held = cached
        LazyQuestionTexts.lock.unlock()
        if let held { return held }
        let t = loader.texts(ref) ?? QuestionTexts(
            prompt: "(This question's text cannot be read: its bank file changed after prepdeck started. Restart prepdeck to reload it.)",
            answer: "(unavailable: the bank file changed; restart prepdeck)",
            keyPoints: Array(repeating: "(unavailable)", count: keyPointCount),
            followUps: Array(repeating: "(unavailable)", count: followUpCount))
        LazyQuestionTexts.lock.lock()
        cached = t
        LazyQuestionTexts.lock.unlock()
        return t
    }
}

/// A question. Its long texts (prompt, answer, key points, follow-ups) are either held (decoded with the
/// bank, or made in code) or read from the bank file when first used (a question from the bank index):
/// lists, search, filters and queues never need them, so a large bank costs only what is shown.
public struct Question: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var difficulty: Difficulty
    public var kind: Kind
    public var topics: [String]
    public var timeLimitMinutes: Int?
    /// Where the question was defined (for error messages).
    public var source: SourceLocation

    enum Body: Sendable { case held(QuestionTexts), lazy(LazyQuestionTexts) }
    var body: Body

    public init(id: String, title: String, prompt: String, difficulty: Difficulty, kind: Kind,
                topics: [String], answer: String, keyPoints: [String], followUps: [String] = [], followUpAnswers: [String] = [],
                timeLimitMinutes: Int? = nil, source: SourceLocation = SourceLocation(file: "", position: SourcePosition(line: 1, column: 1))) {
        self.id = id; self.title = title; self.difficulty = difficulty; self.kind = kind; self.topics = topics
        self.timeLimitMinutes = timeLimitMinutes; self.source = source
        body = .held(QuestionTexts(prompt: prompt, answer: answer, keyPoints: keyPoints, followUps: followUps, followUpAnswers: followUpAnswers))
    }

    /// A question whose texts are read by `loader` when first used.
    public init(id: String, title: String, difficulty: Difficulty, kind: Kind, topics: [String], timeLimitMinutes: Int?,
                source: SourceLocation, keyPointCount: Int, followUpCount: Int, texts ref: QuestionTextRef, loader: any QuestionTextLoader) {
        self.id = id; self.title = title; self.difficulty = difficulty; self.kind = kind; self.topics = topics
        self.timeLimitMinutes = timeLimitMinutes; self.source = source
        body = .lazy(LazyQuestionTexts(loader: loader, ref: ref, keyPointCount: keyPointCount, followUpCount: followUpCount))
    }

    /// The long texts (read from the bank file the first time, for a question from the bank index).
    public var texts: QuestionTexts {
        get { switch body { case let .held(t): t; case let .lazy(l): l.texts } }
        set { body = .held(newValue) }
    }
    public var prompt: String { get { texts.prompt } set { texts.prompt = newValue } }
    public var answer: String { get { texts.answer } set { texts.answer = newValue } }
    public var keyPoints: [String] { get { texts.keyPoints } set { texts.keyPoints = newValue } }
    public var followUps: [String] { get { texts.followUps } set { texts.followUps = newValue } }
    public var followUpAnswers: [String] { get { texts.followUpAnswers } set { texts.followUpAnswers = newValue } }

    /// The number of key points, without reading the texts.
    public var keyPointCount: Int { switch body { case let .held(t): t.keyPoints.count; case let .lazy(l): l.keyPointCount } }
    /// The number of follow-up questions, without reading the texts.
    public var followUpCount: Int { switch body { case let .held(t): t.followUps.count; case let .lazy(l): l.followUpCount } }
    /// Whether the texts are still to be read from the bank file.
    public var textsAreDeferred: Bool { if case .lazy = body { true } else { false } }
    /// Where the texts lie in the bank file, for a question from the bank index.
    public var textRef: QuestionTextRef? { if case let .lazy(l) = body { l.ref } else { nil } }

    public static func == (a: Question, b: Question) -> Bool {
        a.id == b.id && a.title == b.title && a.difficulty == b.difficulty && a.kind == b.kind && a.topics == b.topics
            && a.timeLimitMinutes == b.timeLimitMinutes && a.source == b.source && a.texts == b.texts
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
    /// The questions: held, or made from `records` (each call makes them all: prefer `count`, or a catalogue).
    public var questions: [Question] {
        get { records.map { r in (0..<r.count).map(r.question) } ?? held }
        set { held = newValue; records = nil; identity = nil }
    }
    private var held: [Question]
    /// The questions as a bank index keeps them, each made when asked for (nil: `questions` are held).
    public private(set) var records: (any QuestionRecords)?
    /// What identifies the questions' ids and their order (the bank index's checksum of them), so that a join
    /// with the progress can be kept; nil when not known. Cleared when `questions` changes.
    public var identity: UInt64?
    /// Where this bank's folded search texts can be read without its questions' texts (the bank index).
    public var searchTexts: (any SearchTextSource)?
    /// What was wrong but not fatal (bytes that are not UTF-8, read as U+FFFD), one line each, `FILE:LINE:COLUMN: …`.
    public var warnings: [String] = []
    public init(file: String, deck: Deck, questions: [Question], searchTexts: (any SearchTextSource)? = nil) {
        self.file = file; self.deck = deck; held = questions; self.searchTexts = searchTexts
    }
    /// A bank whose questions are made from `records` when asked for.
    public init(file: String, deck: Deck, records: any QuestionRecords, searchTexts: (any SearchTextSource)? = nil) {
        self.file = file; self.deck = deck; held = []; self.records = records; self.searchTexts = searchTexts
    }
    /// The number of questions (without making them).
    public var count: Int { records?.count ?? held.count }
    public static func == (a: Bank, b: Bank) -> Bool { a.file == b.file && a.deck == b.deck && a.questions == b.questions }
}

/// A bank's questions kept elsewhere (the bank index, read in place): their facets in columns, and each
/// question, id or title made when asked for, so that a large bank costs only what is listed or shown.
public protocol QuestionRecords: AnyObject, Sendable {
    var count: Int { get }
    var columns: QuestionColumns { get }
    func question(_ k: Int) -> Question
    func id(_ k: Int) -> String
    func title(_ k: Int) -> String
    /// The ids as bytes in place, for an id table that makes no `String` (nil: from `id(_:)`).
    var packedIDs: (any PackedNames)? { get }
    /// The UTF-8 of question `k`'s id or title, where it lies (valid while the records live; not generic,
    /// so that a call through the protocol costs no more than a call).
    func idBytes(_ k: Int) -> UnsafeRawBufferPointer
    func titleBytes(_ k: Int) -> UnsafeRawBufferPointer
}

extension String {
    /// The string's UTF-8 during `body` (in place for a native string).
    func withUTF8Bytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var s = self
        return try s.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}

/// Fixed-width integers one after the other: copied from an array, or read in place (any alignment,
/// little-endian) from memory that `owner` keeps, such as a mapped cache file, so that a column of 100,000
/// values costs no copy and no page of its own.
@frozen public struct Column<Element: FixedWidthInteger>: RandomAccessCollection, @unchecked Sendable {
    @usableFromInline let base: UnsafeRawPointer?
    public let count: Int
    @usableFromInline let owner: AnyObject?

    public init(_ values: [Element]) {
        let storage = ColumnStorage(values)
        base = UnsafeRawPointer(storage.bytes.baseAddress); count = values.count; owner = storage
    }

    /// The `count` values at `bytes`, which stay readable while `owner` lives.
    public init(unsafeBytesAt bytes: UnsafeRawPointer, count: Int, owner: AnyObject) {
        base = bytes; self.count = count; self.owner = owner
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable @inline(__always) public subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "Column index out of range")
        return Element(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: i &* MemoryLayout<Element>.size, as: Element.self))
    }
}

/// A column's own copy of its values.
final class ColumnStorage: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
    init<T: FixedWidthInteger>(_ values: [T]) {
        bytes = .allocate(byteCount: values.count * MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        values.withUnsafeBytes { src in
            bytes.copyMemory(from: src)
            #if _endian(big)
            let out = bytes.bindMemory(to: T.self)
            for k in out.indices { out[k] = out[k].littleEndian }
            #endif
        }
    }
    deinit { bytes.deallocate() }
}

/// The facets of a list of questions in flat columns: what queries, counts and filters read, without the
/// questions. Topics are interned: question `k`'s are `topicNames[topicIDs[topicStarts[k]..<topicStarts[k + 1]]]`.
public struct QuestionColumns: Sendable {
    /// `Difficulty.allCases` and `Kind.allCases` positions.
    public let difficulty: Column<UInt8>
    public let kind: Column<UInt8>
    public let topicNames: [String]
    public let topicStarts: Column<Int32>
    public let topicIDs: Column<UInt32>

    public init(difficulty: Column<UInt8>, kind: Column<UInt8>, topicNames: [String], topicStarts: Column<Int32>, topicIDs: Column<UInt32>) {
        precondition(difficulty.count == kind.count && topicStarts.count == kind.count + 1)
        self.difficulty = difficulty; self.kind = kind; self.topicNames = topicNames; self.topicStarts = topicStarts; self.topicIDs = topicIDs
    }

    public init(difficulty: [UInt8], kind: [UInt8], topicNames: [String], topicStarts: [Int32], topicIDs: [UInt32]) {
        self.init(difficulty: Column(difficulty), kind: Column(kind), topicNames: topicNames, topicStarts: Column(topicStarts), topicIDs: Column(topicIDs))
    }

    public init(_ questions: [Question]) {
        var b = Builder()
        b.append(questions)
        self = b.columns
    }

    static let difficulties = Difficulty.allCases, kinds = Kind.allCases

    /// Columns being made, one list of questions or of columns after the other (topics interned again).
    private struct Builder {
        var difficulty: [UInt8] = [], kind: [UInt8] = [], topicNames: [String] = [], topicStarts: [Int32] = [0], topicIDs: [UInt32] = []
        var ids: [String: UInt32] = [:]

        mutating func append(_ questions: [Question]) {
            difficulty.reserveCapacity(difficulty.count + questions.count)
            kind.reserveCapacity(kind.count + questions.count)
            for q in questions {
                difficulty.append(UInt8(QuestionColumns.difficulties.firstIndex(of: q.difficulty)!))
                kind.append(UInt8(QuestionColumns.kinds.firstIndex(of: q.kind)!))
                for t in q.topics { topicIDs.append(intern(t)) }
                topicStarts.append(Int32(topicIDs.count))
            }
        }

        mutating func append(_ other: QuestionColumns) {
            difficulty += other.difficulty
            kind += other.kind
            let map = other.topicNames.map { intern($0) }
            for k in 0..<other.count {
                for j in Int(other.topicStarts[k])..<Int(other.topicStarts[k + 1]) { topicIDs.append(map[Int(other.topicIDs[j])]) }
                topicStarts.append(Int32(topicIDs.count))
            }
        }

        private mutating func intern(_ t: String) -> UInt32 {
            if let k = ids[t] { return k }
            let k = UInt32(topicNames.count)
            topicNames.append(t)
            ids[t] = k
            return k
        }

        var columns: QuestionColumns {
            QuestionColumns(difficulty: difficulty, kind: kind, topicNames: topicNames, topicStarts: topicStarts, topicIDs: topicIDs)
        }
    }

    static func merged(_ parts: [QuestionColumns]) -> QuestionColumns {
        if parts.count == 1 { return parts[0] }
        var b = Builder()
        for p in parts { b.append(p) }
        return b.columns
    }

    public var count: Int { kind.count }
    public func difficulty(_ k: Int) -> Difficulty { QuestionColumns.difficulties[Int(difficulty[k])] }
    public func kind(_ k: Int) -> Kind { QuestionColumns.kinds[Int(kind[k])] }
    public func topics(_ k: Int) -> [String] {
        (Int(topicStarts[k])..<Int(topicStarts[k + 1])).map { topicNames[Int(topicIDs[$0])] }
    }
}

/// Reads a bank's prebuilt `SearchTexts` (nil: not available; they are then folded from the questions).
public protocol SearchTextSource: Sendable {
    func load() -> SearchTexts?
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
    ///
    /// A well-formed bank is read straight from its bytes (`decodeFast`, no JSON tree); anything it does
    /// not handle (an error, an escaped or non-ASCII key, a repeated field, a non-integer number…) is
    /// decoded again by `decodeGeneral`, so results and messages are the same either way (BankDecodeTests).
    public static func decode(_ bytes: [UInt8], file: String) throws(BankError) -> Bank {
        try bytes.withUnsafeBufferPointer { (b) throws(BankError) -> Bank in try decode(b, file: file) }
    }

    /// `decode` for bytes that the caller keeps valid until it returns (BankLoader's file buffer).
    public static func decode(_ buffer: UnsafeBufferPointer<UInt8>, file: String) throws(BankError) -> Bank {
        // Bytes that are not UTF-8 are read as U+FFFD (docs/data-format.md) by the general path, which says where.
        if firstInvalidUTF8(buffer) == nil, let bank = decodeFast(buffer, file: file) { return bank }
        return try decodeGeneral(Array(buffer), file: file)
    }

    /// A bank should be UTF-8 (RFC 8259): where it is not, the first bad byte, for a warning (the text reads on
    /// with U+FFFD in its place).
    static func utf8Warning(_ b: UnsafeBufferPointer<UInt8>, file: String) -> String? {
        guard let bad = firstInvalidUTF8(b) else { return nil }
        var line = 1, lineStart = 0
        for k in 0..<bad where b[k] == 0x0A { line += 1; lineStart = k + 1 }
        // Columns count Unicode scalars, as the parser's do: the lead bytes before the bad one.
        var column = 1
        for k in lineStart..<bad where b[k] & 0xC0 != 0x80 { column += 1 }
        let hex = String(b[bad], radix: 16, uppercase: true)
        return "\(file):\(line):\(column): invalid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex)), shown as \u{FFFD}: save the bank as UTF-8"
    }

    /// The offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or nil.
    public static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count
        var i = 0
        while i < n {
            // ASCII runs, eight bytes at a time.
            while i + 8 <= n, UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
            if c >= 0xC2 && c <= 0xDF {
                guard cont(1) else { return i }
                i += 2
            } else if c >= 0xE0 && c <= 0xEF {
                guard cont(1), cont(2) else { return i }
                let c1 = b[i + 1]
                if (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) { return i }
                i += 3
            } else if c >= 0xF0 && c <= 0xF4 {
                guard cont(1), cont(2), cont(3) else { return i }
                let c1 = b[i + 1]
                if (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F) { return i }
                i += 4
            } else {
                return i
            }
        }
        return nil
    }

    /// The general decoder: parses the JSON tree, then checks it field by field with precise messages.
    public static func decodeGeneral(_ bytes: [UInt8], file: String) throws(BankError) -> Bank {
        let warning = bytes.withUnsafeBufferPointer { utf8Warning($0, file: file) }
        var bank = try decodeTree(bytes, file: file)
        if let warning { bank.warnings = [warning] }
        return bank
    }

    static func decodeTree(_ bytes: [UInt8], file: String) throws(BankError) -> Bank {
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

    // MARK: Fast path

    /// Decodes a valid bank straight from its bytes, or returns nil: for any error or anything unusual,
    /// the caller decodes the file again with `decodeGeneral`, which gives the message. It accepts only
    /// input that `decodeGeneral` accepts, and returns the same bank for it.
    ///
    /// (Decoding the two halves of a large file on two threads was tried: the second thread's malloc arena
    /// grows a page at a time, and the whole took longer in a new process, not shorter.)
    static func decodeFast(_ bytes: [UInt8], file: String) -> Bank? {
        bytes.withUnsafeBufferPointer { decodeFast($0, file: file) }
    }

    /// Decodes a bank for its index: the bank (as `decode` gives it) and the bytes of each question's
    /// object, in order. Nil when the fast path does not take the file (then `decode` it: an error, or a
    /// bank that is loaded whole each time instead of from an index).
    public static func decodeIndexed(_ buffer: UnsafeBufferPointer<UInt8>, file: String) -> (bank: Bank, ranges: [Range<Int>])? {
        guard firstInvalidUTF8(buffer) == nil else { return nil } // not indexed: `decode` reads it, and warns, each time
        let result = try? JSONParser.run(buffer) { (p: inout JSONParser) throws(JSONSyntaxError) -> (Bank, [Range<Int>])? in
            var d = FastDecoder(file: file, expected: p.bytes.count / 400)
            d.recordRanges = true
            guard let bank = try d.bank(&p) else { return nil }
            return (bank, d.ranges)
        }
        guard let (bank, ranges) = result ?? nil, ranges.count == bank.questions.count else { return nil }
        return (bank, ranges)
    }

    /// Decodes one question object's bytes (a range `decodeIndexed` gave) back into its texts.
    public static func decodeQuestionTexts(_ buffer: UnsafeBufferPointer<UInt8>) -> QuestionTexts? {
        let result = try? JSONParser.run(buffer) { (p: inout JSONParser) throws(JSONSyntaxError) -> QuestionTexts? in
            var d = FastDecoder(file: "", expected: 1)
            p.skipSpace()
            guard let q = try d.question(&p) else { return nil }
            p.skipSpace()
            guard p.i == p.bytes.count else { return nil }
            return q.texts
        }
        return result ?? nil
    }

    static func decodeFast(_ buffer: UnsafeBufferPointer<UInt8>, file: String) -> Bank? {
        let result = try? JSONParser.run(buffer) { (p: inout JSONParser) throws(JSONSyntaxError) -> Bank? in
            var d = FastDecoder(file: file, expected: p.bytes.count / 400)
            return try d.bank(&p)
        }
        return result ?? nil
    }

    /// The keys the fast path knows. Keys are compared as bytes: a key with an escape or a non-ASCII byte
    /// sends the file to the general decoder (String equality is canonical equivalence, not bytes).
    enum FastKey {
        case format, version, deck, questions
        case id, title, prompt, answer, difficulty, kind, topics, keyPoints, followUps, followUpAnswers, timeLimitMinutes
        case other
    }

    /// `isValidID`, on the bytes.
    static func fastIsValidID(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { fastIsValidID($0) }
    }

    static func fastIsValidID(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = UInt8(ascii: "-") // no leading '-'
        for b in id {
            if b == 45 {
                if previous == 45 { return false }
            } else if !((b >= 97 && b <= 122) || (b >= 48 && b <= 57)) {
                return false
            }
            previous = b
        }
        return !id.isEmpty && previous != 45
    }

    /// Whether `trimmingSpaces` would leave something: at once when the first byte is visible ASCII.
    static func fastNonBlank(_ s: String) -> Bool {
        if let f = s.utf8.first, f > 0x20 && f < 0x7F { return true }
        return !s.trimmingSpaces.isEmpty
    }

    /// The ids seen so far in a bank, by their bytes (ids are ASCII: equal bytes are equal Strings).
    struct IDSet {
        private var slots: [(hash: UInt64, start: UnsafePointer<UInt8>?, count: Int)]
        private var used = 0
        init(expected: Int) {
            var n = 1024
            while n < expected * 2 { n *= 2 }
            slots = Array(repeating: (0, nil, 0), count: n)
        }
        /// Adds an id (false: it was there already). The bytes must outlive the set.
        mutating func insert(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
            if (used + 1) * 2 > slots.count { grow() }
            let h = FastHash.hash(id)
            let mask = slots.count - 1
            return slots.withUnsafeMutableBufferPointer { s in
                var k = Int(truncatingIfNeeded: h) & mask
                while let start = s[k].start {
                    if s[k].hash == h, s[k].count == id.count, UnsafeBufferPointer(start: start, count: id.count).elementsEqual(id) {
                        return false
                    }
                    k = (k + 1) & mask
                }
                s[k] = (h, id.baseAddress!, id.count)
                used += 1
                return true
            }
        }
        private mutating func grow() {
            let old = slots
            slots = Array(repeating: (0, nil, 0), count: old.count * 2)
            for s in old where s.start != nil {
                var k = Int(truncatingIfNeeded: s.hash) & (slots.count - 1)
                while slots[k].start != nil { k = (k + 1) & (slots.count - 1) }
                slots[k] = s
            }
        }
    }

    /// Reads a bank from a `JSONParser`'s bytes, schema first: no JSON tree, no String for a known key.
    struct FastDecoder {
        let file: String
        var ids: IDSet
        private var list: [String] = []
        /// With `recordRanges`, the bytes of each question's object, in order.
        var recordRanges = false
        var ranges: [Range<Int>] = []

        init(file: String, expected: Int) {
            self.file = file
            ids = IDSet(expected: expected)
            list.reserveCapacity(16)
        }

        func key(_ p: inout JSONParser) throws(JSONSyntaxError) -> FastKey? {
            p.skipSpace()
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "\""), let raw = try p.plainStringBytes() else { return nil }
            var any: UInt8 = 0
            for b in raw { any |= b }
            guard any < 0x80 else { return nil }
            try p.colon(after: "")
            func eq(_ name: StaticString) -> Bool {
                guard raw.count == name.utf8CodeUnitCount else { return false }
                let q = name.utf8Start
                for k in 0..<raw.count where raw[k] != q[k] { return false }
                return true
            }
            switch raw.count {
            case 2: if eq("id") { return .id }
            case 4: if eq("deck") { return .deck }; if eq("kind") { return .kind }
            case 5: if eq("title") { return .title }
            case 6: if eq("format") { return .format }; if eq("prompt") { return .prompt }
                if eq("answer") { return .answer }; if eq("topics") { return .topics }
            case 7: if eq("version") { return .version }
            case 9: if eq("questions") { return .questions }; if eq("keyPoints") { return .keyPoints }
                if eq("followUps") { return .followUps }
            case 10: if eq("difficulty") { return .difficulty }
            case 15: if eq("followUpAnswers") { return .followUpAnswers }
            case 16: if eq("timeLimitMinutes") { return .timeLimitMinutes }
            default: break
            }
            return .other
        }

        /// A string value that is not blank (nil: not a string, or blank).
        func text(_ p: inout JSONParser) throws(JSONSyntaxError) -> String? {
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "\"") else { return nil }
            if let raw = try p.plainStringBytes() {
                // Without escapes, the first byte is the first scalar's.
                if let f = raw.first, f > 0x20 && f < 0x7F { return String(decoding: raw, as: UTF8.self) }
                let s = String(decoding: raw, as: UTF8.self)
                return s.trimmingSpaces.isEmpty ? nil : s
            }
            let s = try p.parseString()
            return fastNonBlank(s) ? s : nil
        }

        /// A string value that is a valid id (nil: anything else), as bytes.
        func idBytes(_ p: inout JSONParser) throws(JSONSyntaxError) -> UnsafeBufferPointer<UInt8>? {
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "\""),
                  let raw = try p.plainStringBytes(), fastIsValidID(raw) else { return nil }
            return raw
        }

        /// An array of non-blank strings (nil: anything else); with `ids`, of valid ids.
        mutating func texts(_ p: inout JSONParser, ids: Bool = false) throws(JSONSyntaxError) -> [String]? {
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "[") else { return nil }
            try p.enter()
            p.i += 1
            p.skipSpace()
            if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "]") { p.i += 1; p.depth -= 1; return [] }
            list.removeAll(keepingCapacity: true)
            repeat {
                p.skipSpace()
                if ids {
                    guard let raw = try idBytes(&p) else { return nil }
                    list.append(String(decoding: raw, as: UTF8.self))
                } else {
                    guard let s = try text(&p) else { return nil }
                    list.append(s)
                }
            } while try p.arrayNext()
            p.depth -= 1
            // A new array of just this size (`Array(list)` would share, and keep, the scratch buffer's capacity).
            return list.withUnsafeBufferPointer { Array($0) }
        }

        /// An integer value as `JSONNode.int` reads it (nil: not a number, or not an integer).
        func int(_ p: inout JSONParser) throws(JSONSyntaxError) -> Int? {
            guard p.i < p.bytes.count else { return nil }
            let b = p.bytes[p.i]
            guard b == UInt8(ascii: "-") || (b >= 48 && b <= 57) else { return nil }
            return JSONNode(.number(try p.parseNumber())).int
        }

        /// A difficulty or kind: without escapes, compared as bytes with each raw value (for ASCII text that is
        /// String equality; other text goes to the general path); escaped, through its String.
        func enumValue<T: RawRepresentable & CaseIterable>(_ p: inout JSONParser, _ type: T.Type) throws(JSONSyntaxError) -> T?
        where T.RawValue == String {
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "\"") else { return nil }
            if let raw = try p.plainStringBytes() {
                for c in T.allCases where c.rawValue.utf8.elementsEqual(raw) { return c }
                return nil
            }
            return T(rawValue: try p.parseString())
        }

        mutating func bank(_ p: inout JSONParser) throws(JSONSyntaxError) -> Bank? {
            p.skipSpace()
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "{") else { return nil }
            try p.enter()
            p.i += 1
            p.skipSpace()
            guard p.i < p.bytes.count, p.bytes[p.i] != UInt8(ascii: "}") else { return nil }
            var format: String?, version: Int?, deck: Deck?, questions: [Question]?
            repeat {
                guard let key = try key(&p) else { return nil }
                switch key {
                case .format:
                    guard format == nil, p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "\"") else { return nil }
                    format = try p.parseString()
                case .version:
                    guard version == nil, let v = try int(&p) else { return nil }
                    version = v
                case .deck:
                    guard deck == nil, let d = try self.deck(&p) else { return nil }
                    deck = d
                case .questions:
                    guard questions == nil, p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "[") else { return nil }
                    try p.enter()
                    p.i += 1
                    var all: [Question] = []
                    all.reserveCapacity(p.bytes.count / 500)
                    p.skipSpace()
                    if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "]") {
                        p.i += 1
                    } else {
                        repeat {
                            p.skipSpace()
                            guard let q = try question(&p) else { return nil }
                            all.append(q)
                        } while try p.arrayNext()
                    }
                    p.depth -= 1
                    questions = all
                default: // not a field of the bank object: ignored, as by decodeGeneral
                    _ = try p.parseValue()
                }
            } while try p.objectNext()
            p.depth -= 1
            p.skipSpace()
            guard p.i == p.bytes.count else { return nil }
            guard format == formatName, version == supportedVersion, let deck, let questions else { return nil }
            return Bank(file: file, deck: deck, questions: questions)
        }

        mutating func deck(_ p: inout JSONParser) throws(JSONSyntaxError) -> Deck? {
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "{") else { return nil }
            try p.enter()
            p.i += 1
            p.skipSpace()
            guard p.i < p.bytes.count, p.bytes[p.i] != UInt8(ascii: "}") else { return nil }
            var id: String?, title: String?
            repeat {
                guard let key = try key(&p) else { return nil }
                switch key {
                case .id:
                    guard id == nil, let s = try text(&p) else { return nil }
                    id = s
                case .title:
                    guard title == nil, let s = try text(&p) else { return nil }
                    title = s
                default:
                    _ = try p.parseValue()
                }
            } while try p.objectNext()
            p.depth -= 1
            guard let id, let title else { return nil }
            return Deck(id: id, title: title)
        }

        /// One question (`p.i` at its `{`); its id goes into `ids` (nil: a repeated id, or anything else).
        mutating func question(_ p: inout JSONParser) throws(JSONSyntaxError) -> Question? {
            guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "{") else { return nil }
            let position = p.nodePosition
            let start = p.i
            try p.enter()
            p.i += 1
            p.skipSpace()
            guard p.i < p.bytes.count, p.bytes[p.i] != UInt8(ascii: "}") else { return nil }
            var id: String?, title: String?, prompt: String?, answer: String?, difficulty: Difficulty?, kind: Kind?
            var topics: [String]?, keyPoints: [String]?, followUps: [String]?, followUpAnswers: [String]?
            var limit: Int?, limitSeen = false
            repeat {
                guard let key = try key(&p) else { return nil }
                switch key {
                case .id:
                    // An escaped id goes to the general path.
                    guard id == nil, let raw = try idBytes(&p), ids.insert(raw) else { return nil }
                    id = String(decoding: raw, as: UTF8.self)
                case .title:
                    guard title == nil, let s = try text(&p) else { return nil }
                    title = s
                case .prompt:
                    guard prompt == nil, let s = try text(&p) else { return nil }
                    prompt = s
                case .answer:
                    guard answer == nil, let s = try text(&p) else { return nil }
                    answer = s
                case .difficulty:
                    guard difficulty == nil, let d = try enumValue(&p, Difficulty.self) else { return nil }
                    difficulty = d
                case .kind:
                    guard kind == nil, let k = try enumValue(&p, Kind.self) else { return nil }
                    kind = k
                case .topics:
                    guard topics == nil, let list = try texts(&p, ids: true), !list.isEmpty else { return nil }
                    topics = list
                case .keyPoints:
                    guard keyPoints == nil, let list = try texts(&p),
                          list.count >= minKeyPoints, list.count <= maxKeyPoints else { return nil }
                    keyPoints = list
                case .followUps:
                    guard followUps == nil else { return nil }
                    if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "n") {
                        guard try p.parseValue().isNull else { return nil }
                        followUps = []
                    } else {
                        guard let list = try texts(&p) else { return nil }
                        followUps = list
                    }
                case .followUpAnswers:
                    guard followUpAnswers == nil else { return nil }
                    if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "n") {
                        guard try p.parseValue().isNull else { return nil }
                        followUpAnswers = []
                    } else {
                        guard let list = try texts(&p) else { return nil }
                        followUpAnswers = list
                    }
                case .timeLimitMinutes:
                    guard !limitSeen else { return nil }
                    limitSeen = true
                    if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "n") {
                        guard try p.parseValue().isNull else { return nil }
                    } else {
                        guard let m = try int(&p), m > 0, m <= 240 else { return nil }
                        limit = m
                    }
                default: // not a field of a question: ignored, as by decodeGeneral
                    _ = try p.parseValue()
                }
            } while try p.objectNext()
            p.depth -= 1
            guard let id, let title, let prompt, let answer, let difficulty, let kind, let topics, let keyPoints else { return nil }
            let answers = followUpAnswers ?? []
            guard answers.isEmpty || answers.count == (followUps ?? []).count else { return nil }
            if recordRanges { ranges.append(start..<p.i) }
            return Question(id: id, title: title, prompt: prompt, difficulty: difficulty, kind: kind, topics: topics,
                            answer: answer, keyPoints: keyPoints, followUps: followUps ?? [], followUpAnswers: answers,
                            timeLimitMinutes: limit, source: SourceLocation(file: file, position: position))
        }
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
        let followUpAnswers = try stringList(node, "followUpAnswers", context: ctx, file: file, required: false)
        if !followUpAnswers.isEmpty && followUpAnswers.count != followUps.count {
            throw BankError(SourceLocation(file: file, position: node["followUpAnswers"]!.position), "\(ctx): field \"followUpAnswers\": expected one answer for each of the \(followUps.count) followUps, found \(followUpAnswers.count)")
        }
        var limit: Int?
        if let t = node["timeLimitMinutes"], !t.isNull {
            guard let m = t.int, m > 0, m <= 240 else {
                throw BankError(SourceLocation(file: file, position: t.position), "\(ctx): field \"timeLimitMinutes\": expected a whole number of minutes between 1 and 240, found \(describe(t))")
            }
            limit = m
        }
        return Question(id: id, title: title, prompt: prompt, difficulty: difficulty, kind: kind, topics: topics,
                        answer: answer, keyPoints: keyPoints, followUps: followUps, followUpAnswers: followUpAnswers,
                        timeLimitMinutes: limit, source: here)
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

/// Several banks merged into one catalogue. Ids must be unique across all of them. Questions from a bank
/// index are made when asked for (`question(at:)`, `id(at:)`, `title(at:)`): queries, counts and joins read
/// the facet columns instead, so a start-up makes only the questions it shows.
public struct Catalog: Sendable {
    /// Every question, made at the first call for a catalogue from bank indexes (then kept): prefer the
    /// accessors by position on a path that runs at start-up.
    public var questions: [Question] { all.get(self) }
    public let count: Int
    /// The facets of every question, in catalogue order.
    public let columns: QuestionColumns
    public private(set) var banks: [(file: String, deck: Deck, count: Int)]
    /// The banks' warnings (`Bank.warnings`), in bank order.
    public private(set) var warnings: [String]
    private let ids: IDLookup
    private let all: AllQuestions
    private var searchSources: [(any SearchTextSource)?]
    enum Part: Sendable { case held([Question]), records(any QuestionRecords) }
    private let parts: [Part]
    /// The records when they are the only part (the usual case: one large indexed bank), read without `locate`.
    private let onlyRecords: (any QuestionRecords)?
    /// Where each part starts, and its end last.
    private let starts: [Int]
    /// What identifies the catalogue's ids and their order: made from its banks' identities (nil when one has none).
    public let identity: UInt64?

    /// Every question, made once.
    final class AllQuestions: @unchecked Sendable {
        private let lock = NSLock()
        private var made: [Question]?
        init(_ made: [Question]?) { self.made = made }
        func get(_ c: Catalog) -> [Question] {
            lock.lock()
            defer { lock.unlock() }
            if let made { return made }
            var out: [Question] = []
            out.reserveCapacity(c.count)
            for p in c.parts {
                switch p {
                case let .held(qs): out += qs
                case let .records(r): for k in 0..<r.count { out.append(r.question(k)) }
                }
            }
            made = out
            return out
        }
    }

    public init(banks: [Bank]) throws(BankError) {
        self.banks = banks.map { ($0.file, $0.deck, $0.count) }
        warnings = banks.flatMap(\.warnings)
        searchSources = banks.map(\.searchTexts)
        identity = Catalog.identity(banks)
        parts = banks.map { b in b.records.map(Part.records) ?? .held(b.questions) }
        if banks.count == 1, case let .records(r) = parts[0] { onlyRecords = r } else { onlyRecords = nil }
        var starts = [0]
        for b in banks { starts.append(starts.last! + b.count) }
        self.starts = starts
        count = starts.last!
        columns = QuestionColumns.merged(parts.map { p in
            switch p { case let .held(qs): QuestionColumns(qs); case let .records(r): r.columns }
        })
        if banks.count == 1, case let .held(qs) = parts[0] { all = AllQuestions(qs) } else { all = AllQuestions(banks.isEmpty ? [] : nil) }
        // One bank: its decoder already checked that its ids are unique, and its ids are looked up (made at the
        // first look-up by id: lists and queues never need them) where they are.
        if banks.count <= 1 {
            switch parts.first {
            case let .records(r)?: ids = IDLookup(r.packedIDs.map(IDTable.Names.packed) ?? .strings((0..<r.count).map(r.id)))
            case let .held(qs)?: ids = IDLookup(.strings(qs.map(\.id)))
            case nil: ids = IDLookup(.strings([]))
            }
            return
        }
        let every = Catalog.ids(of: parts)
        let table = IDTable(every)
        ids = IDLookup(.strings(every), table: table)
        for k in 0..<every.count {
            if let first = table.index(of: every[k]), first != k {
                let q = question(at: k)
                throw BankError(q.source, "duplicate question id \"\(q.id)\" (first defined at \(question(at: first).source))")
            }
        }
    }

    static func identity(_ banks: [Bank]) -> UInt64? {
        var words: [UInt64] = [UInt64(banks.count)]
        for b in banks {
            guard let id = b.identity else { return nil }
            words += [id, UInt64(b.count)]
        }
        return words.withUnsafeBytes { FastHash.hash($0, seed: 0xCA7A) }
    }

    /// The part that holds position `k`, and `k` within it.
    @inline(__always) private func locate(_ k: Int) -> (Part, Int) {
        if parts.count == 1 { return (parts[0], k) }
        var p = 0
        while starts[p + 1] <= k { p += 1 }
        return (parts[p], k - starts[p])
    }

    /// The question at position `k` (made from its bank index's record, for an indexed bank).
    public func question(at k: Int) -> Question {
        switch locate(k) { case let (.held(qs), j): qs[j]; case let (.records(r), j): r.question(j) }
    }
    public func id(at k: Int) -> String {
        switch locate(k) { case let (.held(qs), j): qs[j].id; case let (.records(r), j): r.id(j) }
    }
    public func title(at k: Int) -> String {
        switch locate(k) { case let (.held(qs), j): qs[j].title; case let (.records(r), j): r.title(j) }
    }
    /// The UTF-8 of the id or title at position `k`, without making a `String` for a question from a bank index.
    public func withID<R>(at k: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let r = onlyRecords { return body(r.idBytes(k)) }
        switch locate(k) { case let (.held(qs), j): return qs[j].id.withUTF8Bytes(body); case let (.records(r), j): return body(r.idBytes(j)) }
    }
    public func withTitle<R>(at k: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let r = onlyRecords { return body(r.titleBytes(k)) }
        switch locate(k) { case let (.held(qs), j): return qs[j].title.withUTF8Bytes(body); case let (.records(r), j): return body(r.titleBytes(j)) }
    }
    /// Calls `body` with each of `positions`, in order, and the UTF-8 of its id and title where they lie
    /// (valid during the call): a loop over many questions (`list`) reaches each bank's records once, not
    /// once a question.
    public func forEachIDAndTitle(_ positions: [Int], _ body: (Int, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) rethrows {
        if let r = onlyRecords {
            for k in positions { try body(k, r.idBytes(k), r.titleBytes(k)) }
            return
        }
        for k in positions {
            switch locate(k) {
            case let (.held(qs), j): try qs[j].id.withUTF8Bytes { id in try qs[j].title.withUTF8Bytes { try body(k, id, $0) } }
            case let (.records(r), j): try body(k, r.idBytes(j), r.titleBytes(j))
            }
        }
    }

    public func difficulty(at k: Int) -> Difficulty { columns.difficulty(k) }
    public func kind(at k: Int) -> Kind { columns.kind(k) }
    public func topics(at k: Int) -> [String] { columns.topics(k) }

    /// Every id, in catalogue order.
    public var allIDs: [String] { Catalog.ids(of: parts) }

    private static func ids(of parts: [Part]) -> [String] {
        parts.flatMap { p in
            switch p { case let .held(qs): qs.map(\.id); case let .records(r): (0..<r.count).map(r.id) }
        }
    }

    public func question(_ id: String) -> Question? { position(of: id).map(question(at:)) }
    public func position(of id: String) -> Int? { ids.index(of: id) }

    /// The folded search texts of every question, in catalogue order: each bank's from its index where it
    /// has one, else folded from its questions.
    public func searchTexts() -> SearchTexts {
        if searchSources.allSatisfy({ $0 == nil }) { return SearchTexts(questions) }
        var all = SearchTexts([])
        for (k, b) in banks.enumerated() {
            let part = searchSources[k]?.load().flatMap { $0.count == b.count ? $0 : nil }
                ?? SearchTexts((starts[k]..<starts[k + 1]).map(question(at:)))
            // One bank: its texts as they are (appending them to empty buffers would copy them).
            if banks.count == 1 { return part }
            all.append(part)
        }
        return all
    }

    /// Topics with the number of questions carrying each, sorted by topic id.
    public var topicCounts: [(topic: String, count: Int)] {
        var counts = [Int](repeating: 0, count: columns.topicNames.count)
        for t in columns.topicIDs { counts[Int(t)] += 1 }
        return zip(columns.topicNames, counts).filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }.map { ($0.0, $0.1) }
    }
}
