import Foundation

public enum Rating: Int, Sendable, CaseIterable, Comparable {
    case again = 1, hard = 2, good = 3, easy = 4
    public static func < (a: Rating, b: Rating) -> Bool { a.rawValue < b.rawValue }
    public var label: String {
        switch self { case .again: "Again"; case .hard: "Hard"; case .good: "Good"; case .easy: "Easy" }
    }
}

public enum ReviewMode: String, Sendable { case review, practice }

/// One line of `reviews.jsonl`: a rating, or the undo of an earlier line.
public enum LogEntry: Sendable, Equatable {
    case review(ReviewEvent)
    case undo(UndoEvent)

    public var id: String {
        switch self { case let .review(r): r.id; case let .undo(u): u.id }
    }
    public var at: Date {
        switch self { case let .review(r): r.at; case let .undo(u): u.at }
    }
}

public struct ReviewEvent: Sendable, Equatable {
    public var id: String
    public var card: String
    public var rating: Rating
    public var at: Date
    public var ms: Int?
    public var mode: ReviewMode
    public init(id: String, card: String, rating: Rating, at: Date, ms: Int? = nil, mode: ReviewMode = .review) {
        self.id = id; self.card = card; self.rating = rating; self.at = at; self.ms = ms; self.mode = mode
    }
}

public struct UndoEvent: Sendable, Equatable {
    public var id: String
    public var undo: String
    public var at: Date
    public init(id: String, undo: String, at: Date) { self.id = id; self.undo = undo; self.at = at }
}

public struct LogLineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var column: Int
    public var message: String
    public init(column: Int, message: String) { self.column = column; self.message = message }
    public var description: String { "column \(column): \(message)" }

    /// Parses one line of a JSONL file as JSON, with the error column.
    public static func parse(_ line: ArraySlice<UInt8>) throws(LogLineError) -> JSONNode {
        do { return try JSONParser.parse(Array(line)) } catch {
            throw LogLineError(column: error.position.column, message: error.message)
        }
    }
}

extension LogEntry {
    /// The JSON line (without the newline) for this entry.
    public var jsonLine: String {
        switch self {
        case let .review(r):
            var members: [(String, JSONNode.Value)] = [
                ("id", .string(r.id)), ("card", .string(r.card)), ("rating", .int(r.rating.rawValue)),
                ("at", .string(RFC3339.format(r.at))),
            ]
            if let ms = r.ms { members.append(("ms", .int(ms))) }
            members.append(("mode", .string(r.mode.rawValue)))
            return JSONWriter.write(.obj(members))
        case let .undo(u):
            return JSONWriter.write(.obj([("id", .string(u.id)), ("undo", .string(u.undo)), ("at", .string(RFC3339.format(u.at)))]))
        }
    }

    /// Decodes one line of `reviews.jsonl`. Unknown fields are ignored. Ordinary lines take the fast byte
    /// scanner (ReviewLineDecoder.swift); anything else, and every error, goes through the generic parser.
    public static func decode(line bytes: ArraySlice<UInt8>) throws(LogLineError) -> LogEntry {
        if let fast = bytes.withUnsafeBufferPointer(decodeFast) { return fast }
        return try decodeGeneric(line: bytes)
    }

    /// Decodes one line with the generic JSON parser only (the reference for the fast path).
    public static func decodeGeneric(line bytes: ArraySlice<UInt8>) throws(LogLineError) -> LogEntry {
        try decode(try LogLineError.parse(bytes))
    }

    public static func decode(_ node: JSONNode) throws(LogLineError) -> LogEntry {
        func fail(_ n: JSONNode, _ m: String) -> LogLineError { LogLineError(column: n.position.column, message: m) }
        guard case .object = node.value else { throw fail(node, "expected an object, found \(node.typeName)") }
        guard let idNode = node["id"] else { throw fail(node, "missing field \"id\"") }
        guard let id = idNode.string, !id.isEmpty else { throw fail(idNode, "field \"id\": expected a non-empty string") }
        guard let atNode = node["at"] else { throw fail(node, "missing field \"at\"") }
        guard let atText = atNode.string, let at = RFC3339.parse(atText) else {
            throw fail(atNode, "field \"at\": expected an RFC 3339 time such as \"2026-11-29T10:15:00Z\"")
        }
        if let undoNode = node["undo"] {
            guard let target = undoNode.string, !target.isEmpty else { throw fail(undoNode, "field \"undo\": expected the id of a line") }
            return .undo(UndoEvent(id: id, undo: target, at: at))
        }
        guard let cardNode = node["card"] else { throw fail(node, "missing field \"card\"") }
        guard let card = cardNode.string, !card.isEmpty else { throw fail(cardNode, "field \"card\": expected a question id") }
        guard let ratingNode = node["rating"] else { throw fail(node, "missing field \"rating\"") }
        guard let r = ratingNode.int, let rating = Rating(rawValue: r) else {
            throw fail(ratingNode, "field \"rating\": expected 1, 2, 3 or 4")
        }
        var ms: Int?
        if let msNode = node["ms"], !msNode.isNull {
            guard let v = msNode.int, v >= 0 else { throw fail(msNode, "field \"ms\": expected a non-negative integer") }
            ms = v
        }
        var mode = ReviewMode.review
        if let modeNode = node["mode"], !modeNode.isNull {
            guard let s = modeNode.string, let m = ReviewMode(rawValue: s) else {
                throw fail(modeNode, "field \"mode\": expected \"review\" or \"practice\"")
            }
            mode = m
        }
        return .review(ReviewEvent(id: id, card: card, rating: rating, at: at, ms: ms, mode: mode))
    }
}

/// Makes event ids: time-ordered, unique, from injected randomness.
public struct EventID {
    public static func make(at date: Date, random: inout some RandomNumberGenerator) -> String {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let r = random.next()
        return hex(ms, width: 12) + "-" + hex(r, width: 16)
    }

    static func hex(_ v: UInt64, width: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= width ? String(s.suffix(width)) : String(repeating: "0", count: width - s.count) + s
    }
}

/// The reviews that count after undo and duplicate lines are resolved, in `at` order (log order breaks ties).
public func effectiveReviews(_ entries: [LogEntry]) -> [ReviewEvent] {
    var undone = Set<String>()
    for case let .undo(u) in entries { undone.insert(u.undo) }
    var seen = Set<String>()
    var out: [ReviewEvent] = []
    out.reserveCapacity(entries.count)
    for case let .review(r) in entries where !undone.contains(r.id) {
        if seen.insert(r.id).inserted { out.append(r) }
    }
    // Stable sort by time.
    let indexed = out.enumerated().sorted { a, b in
        a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
    }
    return indexed.map(\.element)
}
