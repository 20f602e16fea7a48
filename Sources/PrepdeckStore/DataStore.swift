import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

/// Where the data directory is: `--data-dir`, else `$PREPDECK_HOME`, else `$XDG_DATA_HOME/prepdeck`,
/// else `~/.local/share/prepdeck`.
public func resolveDataDirectory(explicit: String?, environment: [String: String]) -> String {
    if let e = explicit, !e.isEmpty { return e }
    if let h = environment["PREPDECK_HOME"], !h.isEmpty { return h }
    if let x = environment["XDG_DATA_HOME"], !x.isEmpty { return x + "/prepdeck" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.local/share/prepdeck"
}

/// A problem found while reading a log, reported but not fatal.
public struct LogWarning: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?
    public var message: String
    public var description: String {
        "\(file):\(line)\(column.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// The lines of a JSONL file: each complete line's bytes with its 1-based number, and the torn tail
/// (bytes after the last newline), if any.
public struct JSONLines {
    public var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
    public var tail: ArraySlice<UInt8>?
    public var tailLine = 0

    public init(_ bytes: [UInt8]) {
        var start = 0
        var number = 0
        var k = 0
        let n = bytes.count
        while k < n {
            if bytes[k] == 0x0A {
                number += 1
                if k > start { lines.append((number, bytes[start..<k])) }
                start = k + 1
            }
            k += 1
        }
        if start < n {
            let rest = bytes[start..<n]
            if !rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                tail = rest
                tailLine = number + 1
            }
        }
    }
}

/// The data directory: the logs, settings, drafts, the lock. See docs/data-format.md.
public final class DataStore: @unchecked Sendable {
    public let root: String
    public private(set) var readOnlyReason: String?
    /// What kind of failure made a store meant for writing read-only (for the exit code of a command that
    /// must write): `.locked` (75, another prepdeck) or `.cannotCreate` (73, the directory or a file cannot be
    /// written); nil when writable or opened for reading.
    public private(set) var readOnlyKind: StoreError.Kind?
    private var lockFD: Int32 = -1
    private var repairedTails = Set<String>()

    public var reviewsPath: String { root + "/reviews.jsonl" }
    public var answersPath: String { root + "/answers.jsonl" }
    public var sessionsPath: String { root + "/sessions.jsonl" }
    public var settingsPath: String { root + "/settings.json" }
    public var draftsPath: String { root + "/drafts" }
    public var lockPath: String { root + "/lock" }
    public var isReadOnly: Bool { readOnlyReason != nil }

    public enum Access: Sendable { case read, write }

    /// Opens the data directory. With `.write` it is created (mode 0700) and the advisory lock is taken;
    /// when another prepdeck holds the lock, the store opens read-only and says why in `readOnlyReason`.
    /// With `.read` nothing is created, locked or repaired.
    /// Whether caches (snapshot, stats cache, bank indexes) may be written: the store is writable, or it was
    /// opened for reading and the data directory's lock was free (caches are not user data, and are
    /// replaced atomically, so a read command may keep them fresh).
    public private(set) var canWriteCaches = false

    /// How long a writer waits for the lock before opening read-only (a read command holds it for a few
    /// milliseconds while it refreshes the caches).
    static let lockPatience = 0.3

    /// Opens the data directory. With `.write` it is created (mode 0700) and the advisory lock is taken;
    /// when another prepdeck holds the lock, the store opens read-only and says why in `readOnlyReason`.
    /// With `.read` nothing is created or repaired; the lock is taken only if it is free, to refresh caches.
    public init(root: String, access: Access = .write) throws(StoreError) {
        self.root = root
        if !FileIO.isDirectory(root) {
            if FileIO.exists(root) { throw StoreError(.cannotCreate, "data directory \(root) is not a directory") }
            if access == .write { try FileIO.makeDirectory(root) } else {
                readOnlyReason = "opened for reading"
                return
            }
        }
        if access == .read {
            readOnlyReason = "opened for reading"
            // The lock file is made only if the directory is writable; an existing one is only locked.
            guard Glibc.access(root, W_OK) == 0 else { return }
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { return }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                lockFD = fd
                canWriteCaches = true
            } else {
                close(fd)
            }
            return
        }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 {
            readOnlyKind = .cannotCreate
            readOnlyReason = errno == ELOOP
                ? "\(lockPath) is a symbolic link, which prepdeck never follows for writing (remove it): opened read-only"
                : "data directory \(root) is not writable (\(errnoText())): opened read-only"
            return
        }
        var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        if !locked {
            // Perhaps a read command refreshing the caches: it lets go within milliseconds.
            var waited = 0.0
            while !locked && waited < DataStore.lockPatience {
                usleep(10_000)
                waited += 0.01
                locked = flock(fd, LOCK_EX | LOCK_NB) == 0
            }
        }
        if !locked {
            let holder = (try? FileIO.read(lockPath)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            close(fd)
            readOnlyKind = .locked
            readOnlyReason = "another prepdeck\(holder.isEmpty ? "" : " (pid \(holder))") is using \(root): opened read-only"
            return
        }
        lockFD = fd
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if Glibc.access(root, W_OK) != 0 {
            readOnlyKind = .cannotCreate
            readOnlyReason = "data directory \(root) is not writable (\(errnoText())): opened read-only"
        } else {
            canWriteCaches = true
        }
    }

    /// A torn last line that cannot be set aside (a full disk, `FILE.torn` unwritable): the log is left as
    /// it is and the store goes read-only, so that nothing is appended after the fragment (issue 17, case 7).
    func tornTailNotSetAside(_ name: String, line: Int, length: Int, _ error: StoreError) -> LogWarning {
        readOnlyKind = .cannotCreate
        readOnlyReason = "\(name) ends with a torn line that could not be set aside (\(error.message)): opened read-only; free space and run prepdeck doctor"
        canWriteCaches = false
        return LogWarning(file: name, line: line, column: nil,
                          message: "torn last line (\(length) bytes, an interrupted write) ignored: it could not be moved to \(name).torn (\(error.message)); opened read-only")
    }

    /// Lets go of a lock taken only to refresh caches (a read command, once its caches are written).
    public func releaseCacheLock() {
        guard readOnlyReason == "opened for reading", lockFD >= 0 else { return }
        close(lockFD)
        lockFD = -1
        canWriteCaches = false
    }

    /// Where bank indexes are kept for this data directory.
    public var bankIndexCache: BankIndexCache {
        BankIndexCache(directory: root + "/bank-index", writable: canWriteCaches)
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// Throws the "locked" error (exit 75) when the store cannot be written.
    public func requireWritable() throws(StoreError) {
        guard let why = readOnlyReason else { return }
        if readOnlyKind == .locked {
            throw StoreError(.locked, "cannot write: \(why.replacingOccurrences(of: ": opened read-only", with: "")); quit it and try again")
        }
        throw StoreError(.cannotCreate, "cannot write: \(why.replacingOccurrences(of: ": opened read-only", with: ""))")
    }

    // MARK: Logs

    /// Reads a JSONL log. Bad lines become warnings (never fatal); a torn last line is reported and,
    /// when the store is writable, moved aside to `FILE.torn` so that the next append starts clean (never in
    /// another machine's log, `foreign`, which is read as it is).
    public func readLog<T>(_ path: String, foreign: Bool = false, decode: (ArraySlice<UInt8>) throws(LogLineError) -> T) throws(StoreError) -> (items: [T], warnings: [LogWarning]) {
        guard let bytes = try FileIO.read(path) else { return ([], []) }
        let parsed = JSONLines(bytes)
        let name = (path as NSString).lastPathComponent
        var items: [T] = []
        items.reserveCapacity(parsed.lines.count)
        var warnings: [LogWarning] = []
        for (number, line) in parsed.lines {
            do { items.append(try decode(line)) } catch {
                warnings.append(LogWarning(file: name, line: number, column: error.column, message: "\(error.message) (line skipped)"))
            }
        }
        if let tail = parsed.tail {
            do {
                items.append(try decode(tail))
            } catch where (try? JSONParser.parse(Array(tail))) != nil {
                // Complete JSON without its newline, but not a valid entry: a bad line, not a torn one.
                warnings.append(LogWarning(file: name, line: parsed.tailLine, column: error.column, message: "\(error.message) (line skipped)"))
            } catch {
                if isReadOnly || foreign {
                    warnings.append(LogWarning(file: name, line: parsed.tailLine, column: nil, message: "torn last line (\(tail.count) bytes, an interrupted write) ignored"))
                } else {
                    do throws(StoreError) {
                        try setAsideTail(path, bytes: bytes, tailStart: tail.startIndex)
                        warnings.append(LogWarning(file: name, line: parsed.tailLine, column: nil, message: "torn last line (\(tail.count) bytes, an interrupted write) moved to \(name).torn"))
                    } catch {
                        warnings.append(tornTailNotSetAside(name, line: parsed.tailLine, length: tail.count, error))
                    }
                }
            }
        }
        return (items, warnings)
    }

    /// Moves the bytes after the last newline to `path.torn`, then truncates the log to its last newline.
    private func setAsideTail(_ path: String, bytes: [UInt8], tailStart: Int) throws(StoreError) {
        try setAsideTail(path, tail: bytes[tailStart...], at: tailStart)
    }

    /// The same, given the tail's bytes and where it starts.
    func setAsideTail(_ path: String, tail: ArraySlice<UInt8>, at tailStart: Int) throws(StoreError) {
        var kept = Array(tail)
        kept.append(0x0A)
        try FileIO.append(path + ".torn", kept)
        guard truncate(path, off_t(tailStart)) == 0 else { throw StoreError(.io, "cannot repair \(path): \(errnoText())") }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
        repairedTails.insert(path)
    }

    /// Appends one JSON line and `fsync`s. A last line without its newline gets one first; a torn one is set aside.
    public func appendLine(_ path: String, _ line: String) throws(StoreError) {
        try requireWritable()
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        if !repairedTails.contains(path), let end = try FileIO.readLastLine(path), let last = end.bytes.last, last != 0x0A {
            let parsed = JSONLines(end.bytes)
            if let tail = parsed.tail, (try? JSONParser.parse(Array(tail))) == nil {
                try setAsideTail(path, tail: tail, at: end.start + tail.startIndex)
            } else {
                bytes.insert(0x0A, at: 0)
            }
        }
        repairedTails.insert(path)
        do throws(StoreError) { try FileIO.append(path, bytes) } catch {
            repairedTails.remove(path) // look at the end again before the next append
            throw error
        }
    }

    /// Every line of every machine's review log (`logPaths(.reviews)` order).
    public func readReviews() throws(StoreError) -> (entries: [LogEntry], warnings: [LogWarning]) {
        let r = try readLogs(.reviews) { (line: ArraySlice<UInt8>) throws(LogLineError) -> LogEntry in try LogEntry.decode(line: line) }
        return (r.items, r.warnings)
    }

    /// Appends a line to this machine's own `kind` log (`appendPath`).
    public func append(_ kind: LogKind, line: String) throws(StoreError) {
        try appendLine(try appendPath(kind), line)
    }

    public func append(_ entry: LogEntry) throws(StoreError) {
        try append(.reviews, line: entry.jsonLine)
    }

    // MARK: Settings

    /// The settings, defaults when the file is missing. A file that does not parse is an error (65)
    /// and is never overwritten.
    public func readSettings() throws(StoreError) -> (settings: Settings, raw: JSONNode?) {
        guard let bytes = try FileIO.read(settingsPath) else { return (Settings(), nil) }
        let node: JSONNode
        do { node = try JSONParser.parse(bytes) } catch {
            throw StoreError(.badData, "\(settingsPath):\(error.position.line):\(error.position.column): \(error.message)")
        }
        do { return (try Settings.decode(node), node) } catch {
            throw StoreError(.badData, "\(settingsPath):\(error.position.line):\(error.position.column): \(error.message)")
        }
    }

    public func writeSettings(_ settings: Settings) throws(StoreError) {
        try requireWritable()
        let raw = try readSettings().raw // refuses to replace a file that does not parse
        try FileIO.replace(settingsPath, Array((JSONWriter.write(settings.encode(into: raw), indent: 2) + "\n").utf8))
    }

    // MARK: Drafts

    func draftPath(_ card: String) -> String { draftsPath + "/" + card + ".md" }

    public func readDraft(_ card: String) -> String? {
        guard BankFormat.isValidID(card), let b = try? FileIO.read(draftPath(card)) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    /// Saves a draft atomically; an empty text removes it.
    public func saveDraft(_ card: String, text: String) throws(StoreError) {
        try requireWritable()
        guard BankFormat.isValidID(card) else { throw StoreError(.badData, "invalid question id \(card)") }
        try FileIO.refuseSymlinkedDirectory(draftsPath)
        if text.isEmpty { FileIO.remove(draftPath(card)); return }
        try FileIO.makeDirectory(draftsPath)
        try FileIO.replace(draftPath(card), Array(text.utf8))
    }

    public func draftIDs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: draftsPath)) ?? [])
            .filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
    }
}
