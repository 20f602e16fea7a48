import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import PrepdeckCore
import ZIPFoundation

/// What prepdeck reads of an Anki collection: notes, cards, deck names and the review log.
public struct AnkiCollection: Sendable {
    public struct Note: Sendable { public var id: Int64; public var guid: String; public var tags: [String]; public var fields: [String] }
    public struct Card: Sendable { public var id: Int64; public var note: Int64; public var deck: Int64; public var ord: Int }
    public struct Review: Sendable { public var id: Int64; public var card: Int64; public var ease: Int; public var timeMs: Int }
    public var notes: [Note] = []
    public var cards: [Card] = []
    public var reviews: [Review] = []
    public var deckNames: [Int64: String] = [:]
    /// The zip entry the collection came from (`collection.anki21b`, `collection.anki21` or `collection.anki2`).
    public var entry = ""
}

/// Reads `.apkg` and `.colpkg` files: a zip holding the collection (SQLite), `collection.anki21b` compressed
/// with zstd in packages of Anki 2.1.50 and later (read when libzstd is on the machine).
public enum AnkiPackage {
    public static func read(_ path: String) throws(StoreError) -> AnkiCollection {
        let name = (path as NSString).lastPathComponent
        guard FileIO.exists(path) else { throw StoreError(.missing, "\(path): no such file") }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw StoreError(.badData, "\(path): not an Anki package (not a zip file)")
        }
        let entries = ["collection.anki21b", "collection.anki21", "collection.anki2"]
        guard let entryName = entries.first(where: { archive[$0] != nil }), let entry = archive[entryName] else {
            throw StoreError(.badData, "\(path): not an Anki package (no collection.anki21b, collection.anki21 or collection.anki2 inside)")
        }
        var bytes = Data()
        do { _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) } } catch {
            throw StoreError(.badData, "\(path): \(entryName) inside cannot be read (\(error))")
        }
        if entryName.hasSuffix("b") {
            bytes = try Zstd.decompress(bytes, what: "\(name): \(entryName)")
        }
        let tmp = NSTemporaryDirectory() + "prepdeck-anki-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).sqlite"
        guard FileManager.default.createFile(atPath: tmp, contents: bytes) else { throw StoreError(.cannotCreate, "cannot write \(tmp)") }
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: tmp + suffix) } }
        var c = try readCollection(tmp, what: "\(path): \(entryName)")
        c.entry = entryName
        return c
    }

    static func readCollection(_ file: String, what: String) throws(StoreError) -> AnkiCollection {
        var db: OpaquePointer?
        guard sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw StoreError(.badData, "\(what): not a readable SQLite database")
        }
        defer { sqlite3_close(db) }
        func rows(_ sql: String, _ body: (OpaquePointer) -> Void) throws(StoreError) {
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
                throw StoreError(.badData, "\(what): not an Anki collection (\(String(cString: sqlite3_errmsg(db))))")
            }
            defer { sqlite3_finalize(stmt) }
            while true {
                let r = sqlite3_step(stmt)
                if r == SQLITE_ROW { body(stmt); continue }
                if r == SQLITE_DONE { return }
                throw StoreError(.badData, "\(what): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        func text(_ s: OpaquePointer, _ k: Int32) -> String { sqlite3_column_text(s, k).map { String(cString: $0) } ?? "" }
        var c = AnkiCollection()
        var tables = Set<String>()
        try rows("SELECT name FROM sqlite_master WHERE type = 'table'") { tables.insert(text($0, 0)) }
        guard tables.contains("notes"), tables.contains("cards"), tables.contains("col") else {
            throw StoreError(.badData, "\(what): not an Anki collection (no notes, cards and col tables)")
        }
        // Deck names: a table of their own (schema 18), else JSON in `col` (schema 11).
        if tables.contains("decks") {
            try rows("SELECT id, name FROM decks") { c.deckNames[sqlite3_column_int64($0, 0)] = text($0, 1).replacingOccurrences(of: "\u{1F}", with: "::") }
        } else {
            var json = ""
            try rows("SELECT decks FROM col") { json = text($0, 0) }
            if let root = try? JSONParser.parse(json), case let .object(members) = root.value {
                for m in members { if let id = Int64(m.key), let n = m.value["name"]?.string { c.deckNames[id] = n } }
            }
        }
        try rows("SELECT id, guid, tags, flds FROM notes ORDER BY id") { s in
            c.notes.append(.init(id: sqlite3_column_int64(s, 0), guid: text(s, 1),
                                 tags: text(s, 2).split(separator: " ").map(String.init),
                                 fields: text(s, 3).split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)))
        }
        try rows("SELECT id, nid, did, ord FROM cards ORDER BY id") { s in
            c.cards.append(.init(id: sqlite3_column_int64(s, 0), note: sqlite3_column_int64(s, 1), deck: sqlite3_column_int64(s, 2),
                                 ord: Int(sqlite3_column_int(s, 3))))
        }
        if tables.contains("revlog") {
            try rows("SELECT id, cid, ease, time FROM revlog ORDER BY id") { s in
                c.reviews.append(.init(id: sqlite3_column_int64(s, 0), card: sqlite3_column_int64(s, 1), ease: Int(sqlite3_column_int(s, 2)),
                                       timeMs: Int(sqlite3_column_int(s, 3))))
            }
        }
        return c
    }
}

/// zstd decompression through the system's libzstd, loaded when needed (no build-time dependency).
enum Zstd {
    private struct InBuffer { var src: UnsafeRawPointer?; var size: Int; var pos: Int }
    private struct OutBuffer { var dst: UnsafeMutableRawPointer?; var size: Int; var pos: Int }
    private typealias Create = @convention(c) () -> OpaquePointer?
    private typealias Free = @convention(c) (OpaquePointer?) -> Int
    private typealias Stream = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int
    private typealias IsError = @convention(c) (Int) -> UInt32

    static func decompress(_ data: Data, what: String) throws(StoreError) -> Data {
        guard let lib = dlopen("libzstd.so.1", RTLD_NOW) ?? dlopen("libzstd.so", RTLD_NOW) ?? dlopen("libzstd.dylib", RTLD_NOW),
              let create = dlsym(lib, "ZSTD_createDStream"), let free = dlsym(lib, "ZSTD_freeDStream"),
              let stream = dlsym(lib, "ZSTD_decompressStream"), let isError = dlsym(lib, "ZSTD_isError") else {
            throw StoreError(.badData, "\(what) is compressed with zstd (Anki 2.1.50 and later) and this machine has no libzstd: install it (Debian: libzstd1), or export the deck from Anki with \"Support older Anki versions\" ticked")
        }
        let makeStream = unsafeBitCast(create, to: Create.self), freeStream = unsafeBitCast(free, to: Free.self)
        let step = unsafeBitCast(stream, to: Stream.self), failed = unsafeBitCast(isError, to: IsError.self)
        guard let ds = makeStream() else { throw StoreError(.badData, "\(what): zstd could not start") }
        defer { _ = freeStream(ds) }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        let ok: Bool = data.withUnsafeBytes { src in
            var input = InBuffer(src: src.baseAddress, size: src.count, pos: 0)
            while input.pos < input.size {
                let r: Int = chunk.withUnsafeMutableBytes { dst in
                    var output = OutBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    let r = withUnsafeMutablePointer(to: &output) { o in withUnsafeMutablePointer(to: &input) { i in step(ds, o, i) } }
                    out.append(contentsOf: dst.prefix(output.pos))
                    return r
                }
                if failed(r) != 0 { return false }
                if r == 0 && input.pos >= input.size { break }
            }
            return true
        }
        guard ok else { throw StoreError(.badData, "\(what): the zstd data is corrupt") }
        return out
    }
}

/// A note to write into an Anki package: Basic (front, back), its tags, and its ratings for the review log.
public struct AnkiExportNote: Sendable {
    public var guid: String
    public var front: String
    public var back: String
    public var tags: [String]
    /// (time, rating, milliseconds taken), oldest first; written with `--with-history`.
    public var reviews: [(at: Date, rating: Int, ms: Int)]
    public init(guid: String, front: String, back: String, tags: [String], reviews: [(at: Date, rating: Int, ms: Int)] = []) {
        self.guid = guid; self.front = front; self.back = back; self.tags = tags; self.reviews = reviews
    }
}

extension AnkiPackage {
    /// Writes a package Anki 2.1.50 and later opens (`collection.anki2`, schema 11, the "Support older Anki
    /// versions" layout): one deck, one Basic note type, one new card per note, and the review log when the
    /// notes carry reviews. Written to a temporary file, then moved over `path`.
    public static func write(_ path: String, deckName: String, notes: [AnkiExportNote], now: Date) throws(StoreError) {
        let base = NSTemporaryDirectory() + "prepdeck-apkg-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let db = base + ".anki2", zip = base + ".zip"
        defer { for f in [db, db + "-journal", zip] { try? FileManager.default.removeItem(atPath: f) } }
        try writeCollection(db, deckName: deckName, notes: notes, now: now)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .create)
            try archive.addEntry(with: "collection.anki2", fileURL: URL(fileURLWithPath: db), compressionMethod: .deflate)
            let media = Data("{}".utf8)
            try archive.addEntry(with: "media", type: .file, uncompressedSize: Int64(media.count), compressionMethod: .none) { pos, size in
                media.subdata(in: Int(pos)..<(Int(pos) + size))
            }
        } catch {
            throw StoreError(.io, "cannot write the package \(path): \(error)")
        }
        guard let bytes = FileManager.default.contents(atPath: zip) else { throw StoreError(.io, "cannot read back \(zip)") }
        try FileIO.replace(path, [UInt8](bytes))
    }

    static func writeCollection(_ file: String, deckName: String, notes: [AnkiExportNote], now: Date) throws(StoreError) {
        var db: OpaquePointer?
        guard sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            throw StoreError(.cannotCreate, "cannot create \(file)")
        }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws(StoreError) {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw StoreError(.io, "\(file): \(String(cString: sqlite3_errmsg(db)))") }
        }
        func insert(_ sql: String, _ values: [Any]) throws(StoreError) {
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else { throw StoreError(.io, "\(file): \(String(cString: sqlite3_errmsg(db)))") }
            defer { sqlite3_finalize(stmt) }
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for (k, v) in values.enumerated() {
                let i = Int32(k + 1)
                switch v {
                case let n as Int: sqlite3_bind_int64(stmt, i, Int64(n))
                case let n as Int64: sqlite3_bind_int64(stmt, i, n)
                case let s as String: sqlite3_bind_text(stmt, i, s, -1, transient)
                default: sqlite3_bind_null(stmt, i)
                }
            }
            guard sqlite3_step(stmt) == SQLITE_DONE else { throw StoreError(.io, "\(file): \(String(cString: sqlite3_errmsg(db)))") }
        }
        // Anki's schema 11 (the layout of collection.anki2).
        try exec("""
            CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null, ver integer not null,
              dty integer not null, usn integer not null, ls integer not null, conf text not null, models text not null, decks text not null,
              dconf text not null, tags text not null);
            CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null, usn integer not null,
              tags text not null, flds text not null, sfld integer not null, csum integer not null, flags integer not null, data text not null);
            CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null, mod integer not null,
              usn integer not null, type integer not null, queue integer not null, due integer not null, ivl integer not null,
              factor integer not null, reps integer not null, lapses integer not null, left integer not null, odue integer not null,
              odid integer not null, flags integer not null, data text not null);
            CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null, ivl integer not null,
              lastIvl integer not null, factor integer not null, time integer not null, type integer not null);
            CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
            CREATE INDEX ix_notes_usn on notes (usn); CREATE INDEX ix_cards_usn on cards (usn); CREATE INDEX ix_revlog_usn on revlog (usn);
            CREATE INDEX ix_cards_nid on cards (nid); CREATE INDEX ix_cards_sched on cards (did, queue, due);
            CREATE INDEX ix_revlog_cid on revlog (cid); CREATE INDEX ix_notes_csum on notes (csum);
            """)
        let nowS = Int(now.timeIntervalSince1970), nowMs = Int64(now.timeIntervalSince1970 * 1000)
        let deckID: Int64 = 1_700_000_000_000 + Int64(FastHash.hash(deckName) % 1_000_000_000)
        let modelID: Int64 = 1_700_000_000_001
        let field = { (name: String, ord: Int) -> JSONNode.Value in
            .obj([("name", .string(name)), ("ord", .int(ord)), ("sticky", .bool(false)), ("rtl", .bool(false)),
                  ("font", .string("Arial")), ("size", .int(20)), ("media", .arr([]))])
        }
        let model: JSONNode.Value = .obj([
            ("id", .int(Int(modelID))), ("name", .string("prepdeck Basic")), ("type", .int(0)), ("mod", .int(nowS)), ("usn", .int(-1)),
            ("sortf", .int(0)), ("did", .int(Int(deckID))),
            ("tmpls", .arr([.obj([("name", .string("Card 1")), ("ord", .int(0)), ("qfmt", .string("{{Front}}")),
                                  ("afmt", .string("{{FrontSide}}<hr id=answer>{{Back}}")), ("did", .null),
                                  ("bqfmt", .string("")), ("bafmt", .string(""))])])),
            ("flds", .arr([field("Front", 0), field("Back", 1)])),
            ("css", .string(".card { font-family: arial; font-size: 20px; text-align: left; }\npre { background: #f4f4f4; padding: 6px; }")),
            ("latexPre", .string("\\documentclass[12pt]{article}\n\\begin{document}\n")), ("latexPost", .string("\\end{document}")),
            ("tags", .arr([])), ("vers", .arr([])), ("req", .arr([.arr([.int(0), .string("any"), .arr([.int(0)])])])),
        ])
        func deck(_ id: Int64, _ name: String) -> JSONNode.Value {
            .obj([("id", .int(Int(id))), ("name", .string(name)), ("desc", .string("")), ("mod", .int(nowS)), ("usn", .int(-1)),
                  ("collapsed", .bool(false)), ("newToday", .arr([.int(0), .int(0)])), ("revToday", .arr([.int(0), .int(0)])),
                  ("lrnToday", .arr([.int(0), .int(0)])), ("timeToday", .arr([.int(0), .int(0)])), ("dyn", .int(0)), ("conf", .int(1)),
                  ("extendNew", .int(10)), ("extendRev", .int(50))])
        }
        let dconf: JSONNode.Value = .obj([("1", .obj([
            ("id", .int(1)), ("name", .string("Default")), ("mod", .int(0)), ("usn", .int(0)), ("maxTaken", .int(60)), ("autoplay", .bool(true)),
            ("timer", .int(0)), ("replayq", .bool(true)), ("dyn", .bool(false)),
            ("new", .obj([("delays", .arr([.int(1), .int(10)])), ("ints", .arr([.int(1), .int(4), .int(7)])), ("initialFactor", .int(2500)),
                          ("order", .int(1)), ("perDay", .int(20)), ("bury", .bool(false))])),
            ("rev", .obj([("perDay", .int(200)), ("ease4", .number(1.3)), ("maxIvl", .int(36500)), ("bury", .bool(false)), ("hardFactor", .number(1.2))])),
            ("lapse", .obj([("delays", .arr([.int(10)])), ("mult", .int(0)), ("minInt", .int(1)), ("leechFails", .int(8)), ("leechAction", .int(1))])),
        ]))])
        let conf: JSONNode.Value = .obj([("nextPos", .int(notes.count + 1)), ("estTimes", .bool(true)), ("activeDecks", .arr([.int(1)])),
                                         ("sortType", .string("noteFld")), ("timeLim", .int(0)), ("sortBackwards", .bool(false)),
                                         ("addToCur", .bool(true)), ("curDeck", .int(1)), ("newSpread", .int(0)), ("dueCounts", .bool(true)),
                                         ("curModel", .string(String(modelID))), ("collapseTime", .int(1200))])
        try exec("BEGIN")
        try insert("INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')", [
            nowS, nowMs, nowMs, JSONWriter.write(conf), JSONWriter.write(.obj([(String(modelID), model)])),
            JSONWriter.write(.obj([("1", deck(1, "Default")), (String(deckID), deck(deckID, deckName))])), JSONWriter.write(dconf),
        ])
        var revlogID = Set<Int64>()
        for (k, n) in notes.enumerated() {
            let noteID = nowMs - Int64(notes.count) + Int64(k), cardID = noteID
            let tags = n.tags.isEmpty ? "" : " " + n.tags.joined(separator: " ") + " "
            let sort = n.front.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            try insert("INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')",
                       [noteID, n.guid, modelID, nowS, tags, n.front + "\u{1F}" + n.back, sort])
            try insert("INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                       [cardID, noteID, deckID, nowS, k + 1])
            for r in n.reviews {
                var id = Int64(r.at.timeIntervalSince1970 * 1000)
                while revlogID.contains(id) { id += 1 }
                revlogID.insert(id)
                try insert("INSERT INTO revlog VALUES (?, ?, -1, ?, 0, 0, 0, ?, 1)", [id, cardID, r.rating, r.ms])
            }
        }
        try exec("COMMIT")
    }
}
