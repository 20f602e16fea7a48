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
