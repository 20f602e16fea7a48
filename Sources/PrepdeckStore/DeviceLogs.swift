import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

// Logs of several machines (docs/data-format.md, "Several machines"). Each machine appends to logs of its
// own, `reviews.DEVICE.jsonl`, `answers.DEVICE.jsonl` and `sessions.DEVICE.jsonl`, once it has a device id
// (the file `device-id`, made the first time a machine writes to a data directory that is a git repository,
// or by `prepdeck sync`). Elsewhere the plain `reviews.jsonl` is appended, as it always was. Every log there
// is is read: the other machines' files in the order of their names, this machine's own last, so that what
// this machine appends is always the end of what replay reads, and the snapshot and the caches keep working
// from the lines appended after them.

/// The three logs that machines append to.
public enum LogKind: String, Sendable, CaseIterable {
    case reviews, answers, sessions

    /// `reviews.jsonl`: the log of a data directory used by one machine (or the first machine's, from before it had an id).
    public var plainName: String { rawValue + ".jsonl" }
    public func deviceName(_ device: String) -> String { rawValue + "." + device + ".jsonl" }

    /// The device id in a file name of this kind (`reviews.laptop-3fa2.jsonl` → `laptop-3fa2`), if it is one.
    func device(inFileName name: String) -> String? {
        let prefix = rawValue + ".", suffix = ".jsonl"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return nil }
        let id = String(name.dropFirst(prefix.count).dropLast(suffix.count))
        return DeviceID.isValid(id) ? id : nil
    }
}

public enum DeviceID {
    /// Lowercase letters, digits and `-`, 1 to 40 of them (it becomes part of file names).
    public static func isValid(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 40 && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// A new id: the host name (folded to letters, digits and `-`, at most 24), a dash and 6 random hex digits,
    /// so that a listing of the data directory says whose log is whose.
    public static func make<G: RandomNumberGenerator>(hostName: String, using rng: inout G) -> String {
        var base = ""
        for ch in hostName.lowercased().unicodeScalars {
            if (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") { base.unicodeScalars.append(ch) } else if !base.hasSuffix("-") && !base.isEmpty { base += "-" }
            if base.count >= 24 { break }
        }
        while base.hasSuffix("-") { base.removeLast() }
        let suffix = String(UInt32.random(in: 0...0xFF_FFFF, using: &rng), radix: 16)
        let hex = String(repeating: "0", count: 6 - suffix.count) + suffix
        return (base.isEmpty ? "device" : base) + "-" + hex
    }
}

/// The files of one log in the order replay reads them, and the one this machine appends to.
public struct LogLayout: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var path: String
        public var name: String
        /// Read no more than this many bytes: set when a log is reopened, so that another machine's file that
        /// grew meanwhile (a `git pull` while the app runs) does not move the parts after it.
        public var fixedSize: Int?
        /// Read as if it ended with a newline when it does not: another machine's log, whose last line this
        /// machine never repairs, and after which the next file starts on a line of its own.
        public var padded: Bool
    }
    public var parts: [Part]
    /// The path this machine appends to; nil when it has no device id yet and would get one on its first write.
    public var own: String?
}

extension DataStore {
    public var deviceIDPath: String { root + "/device-id" }
    var isGitRepository: Bool { FileIO.exists(root + "/.git") }

    /// This machine's device id, from `device-id`; nil when there is none (or it is not a valid id).
    public var deviceID: String? {
        guard let b = (try? FileIO.read(deviceIDPath)) ?? nil else { return nil }
        let s = String(decoding: b, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return DeviceID.isValid(s) ? s : nil
    }

    /// The device id, made (and kept in `device-id`) if there is none yet. A `device-id` that holds something
    /// else is an error and is never overwritten.
    @discardableResult
    public func ensureDeviceID() throws(StoreError) -> String {
        if let id = deviceID { return id }
        if FileIO.exists(deviceIDPath) {
            throw StoreError(.badData, "\(deviceIDPath): not a device id (lowercase letters, digits and -, at most 40): fix or remove it")
        }
        try requireWritable()
        var host = [CChar](repeating: 0, count: 256)
        let name = gethostname(&host, host.count) == 0 ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        var rng = SystemRandomNumberGenerator()
        let id = DeviceID.make(hostName: name, using: &rng)
        try FileIO.replace(deviceIDPath, Array((id + "\n").utf8))
        return id
    }

    /// Whether this machine appends to logs of its own: it has a device id, or the data directory is a git repository.
    public var usesDeviceLogs: Bool { deviceID != nil || isGitRepository }

    /// The file this machine appends `kind` lines to: `KIND.DEVICE.jsonl` when it uses device logs (making
    /// the device id on the first write), else `KIND.jsonl`.
    public func appendPath(_ kind: LogKind) throws(StoreError) -> String {
        guard usesDeviceLogs else { return root + "/" + kind.plainName }
        return root + "/" + kind.deviceName(try ensureDeviceID())
    }

    /// The file this machine appends to, as far as is known without making a device id.
    func ownPath(_ kind: LogKind) -> String? {
        if let id = deviceID { return root + "/" + kind.deviceName(id) }
        return usesDeviceLogs ? nil : root + "/" + kind.plainName
    }

    /// Every existing file of `kind`, in the order replay reads them: the other machines' by name (the plain
    /// `KIND.jsonl` among them when this machine has an id), this machine's own last.
    public func logPaths(_ kind: LogKind) -> [String] { logLayout(kind).parts.map(\.path) }

    public func logLayout(_ kind: LogKind) -> LogLayout {
        let own = ownPath(kind)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { $0 == kind.plainName || kind.device(inFileName: $0) != nil }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var parts: [LogLayout.Part] = []
        var mine: LogLayout.Part?
        for name in names {
            let path = root + "/" + name
            if path == own { mine = LogLayout.Part(path: path, name: name, fixedSize: nil, padded: false) } else {
                parts.append(LogLayout.Part(path: path, name: name, fixedSize: nil, padded: true))
            }
        }
        if let mine { parts.append(mine) }
        return LogLayout(parts: parts, own: own)
    }

    /// Every line of every file of `kind`, in `logPaths` order. Only this machine's own file is ever repaired
    /// (a torn last line set aside); another machine's is read as it is.
    public func readLogs<T>(_ kind: LogKind, decode: (ArraySlice<UInt8>) throws(LogLineError) -> T) throws(StoreError) -> (items: [T], warnings: [LogWarning]) {
        let layout = logLayout(kind)
        var items: [T] = []
        var warnings: [LogWarning] = []
        for part in layout.parts {
            let r = try readLog(part.path, foreign: part.padded, decode: decode)
            items += r.items
            warnings += r.warnings
        }
        return (items, warnings)
    }
}

/// The review log, open for reading: one file, or the files of several machines read one after the other as
/// one run of bytes (offsets, line numbers and fingerprints are in that run).
final class LogFile: @unchecked Sendable {
    struct Part {
        let fd: Int32
        let start: Int
        let size: Int
        let padded: Bool
        let name: String
        let path: String
        /// Whether the layout asked for padding (another machine's file).
        let foreign: Bool
        var end: Int { start + size + (padded ? 1 : 0) }
    }
    let parts: [Part]
    let size: Int
    /// The last file's path (the one appended to, and repaired).
    let path: String
    /// 0 for the plain `reviews.jsonl` alone; else a hash of the files before the last (names, sizes,
    /// fingerprints) and the last one's name: the caches made from one layout are not used with another.
    let layoutKey: UInt64

    static func open(_ path: String) throws(StoreError) -> LogFile? {
        try open(LogLayout(parts: [.init(path: path, name: (path as NSString).lastPathComponent, fixedSize: nil, padded: false)], own: path))
    }

    /// The layout's files that exist and are not empty; nil when there are none.
    static func open(_ layout: LogLayout) throws(StoreError) -> LogFile? {
        var parts: [Part] = []
        var start = 0
        var last = ""
        for p in layout.parts {
            guard let (fd, size) = try FileIO.openRegular(p.path) else { continue }
            let n = min(size, p.fixedSize ?? size)
            if n == 0 { close(fd); continue }
            // A padded part that already ends with a newline needs none.
            let pad = p.padded && preadAll(fd, at: n - 1, count: 1) != [0x0A]
            parts.append(Part(fd: fd, start: start, size: n, padded: pad, name: p.name, path: p.path, foreign: p.padded))
            start += n + (pad ? 1 : 0)
            last = p.path
        }
        guard !parts.isEmpty else { return nil }
        return LogFile(parts: parts, path: last, plain: layout.parts.count == 1 && !layout.parts[0].padded)
    }

    private init(parts: [Part], path: String, plain: Bool) {
        self.parts = parts
        self.size = parts.last!.end
        self.path = path
        if plain && parts.count == 1 {
            layoutKey = 0
        } else {
            var h = FastHash.hash(Array(parts.last!.name.utf8))
            for p in parts.dropLast() {
                h = FastHash.combine(h, FastHash.hash(Array(p.name.utf8)))
                h = FastHash.combine(h, UInt64(p.size))
                h = FastHash.combine(h, logFingerprint(length: p.size) { a, n in preadAll(p.fd, at: a, count: n) } ?? 0)
            }
            layoutKey = h | 1
        }
    }
    deinit { for p in parts { close(p.fd) } }

    /// A cache's key for these files: the key itself for the plain `reviews.jsonl` alone (the caches of a
    /// directory of one machine stay valid), else combined with `layoutKey`.
    func cacheKey(_ key: UInt64) -> UInt64 { layoutKey == 0 ? key : FastHash.combine(key, layoutKey) }

    /// The same files again, each of the others no longer than now (for reading histories later).
    var layout: LogLayout {
        LogLayout(parts: parts.enumerated().map { k, p in
            .init(path: p.path, name: p.name, fixedSize: k == parts.count - 1 ? nil : p.size, padded: p.foreign)
        }, own: path)
    }

    /// Reads up to `count` bytes at `offset` into `dst`; fewer only at the end or on an error.
    func read(into dst: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Int {
        var done = 0
        var i = parts.firstIndex { $0.end > offset } ?? parts.count
        while done < count && i < parts.count {
            let p = parts[i]
            let local = offset + done - p.start
            if local < p.size {
                let r = pread(p.fd, dst + done, min(count - done, p.size - local), off_t(local))
                if r < 0 && errno == EINTR { continue }
                if r <= 0 { return done }
                done += r
            } else if p.padded && local == p.size {
                dst.storeBytes(of: 0x0A, toByteOffset: done, as: UInt8.self)
                done += 1
            } else {
                i += 1
            }
        }
        return done
    }

    /// `count` bytes at `offset`, or nil when fewer can be read.
    func bytes(at offset: Int, count: Int) -> [UInt8]? {
        guard count >= 0 else { return nil }
        if count == 0 { return [] }
        if parts.count == 1 && !parts[0].padded { return preadAll(parts[0].fd, at: offset, count: count) }
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: count) { buf, n in
            let got = read(into: buf.baseAddress!, count: count, at: offset)
            failed = got != count
            n = failed ? 0 : count
        }
        return failed ? nil : out
    }

    /// Bytes `from..<to`, read straight into one buffer.
    func read(from: Int, to: Int) throws(StoreError) -> [UInt8] {
        guard let b = bytes(at: from, count: to - from) else {
            throw StoreError(.io, "cannot read \(path): \(errno == 0 ? "the file shrank while being read" : errnoText())")
        }
        return b
    }

    /// The line starting at `offset` (without its newline), reading no further than `limit`.
    func line(at offset: Int, limit: Int) -> [UInt8]? {
        var chunk = 256
        while true {
            let n = min(chunk, limit - offset)
            guard n > 0, let b = bytes(at: offset, count: n) else { return nil }
            if let k = b.firstIndex(of: 0x0A) { return Array(b[..<k]) }
            if n < chunk { return b } // reached the limit: a last line without its newline
            chunk *= 4
        }
    }

    /// `logFingerprint` of the first `length` bytes of the run.
    func fingerprint(length: Int, seed: UInt64 = 0xF1_6E_4B) -> UInt64? {
        logFingerprint(length: length, seed: seed) { a, n in bytes(at: a, count: n) }
    }

    /// Runs `body` on the first `size` bytes: the file mapped when it is one, else the files read into one buffer.
    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) throws(StoreError) -> T {
        if parts.count == 1 && !parts[0].padded { return try withMappedFile(fd: parts[0].fd, size: size, path: path, body) }
        return try read(from: 0, to: size).withUnsafeBufferPointer(body)
    }

    /// The file and the line number in it of line `line` of the run (for messages).
    func locate(line: Int) -> (file: String, line: Int) {
        guard parts.count > 1 else { return (parts[0].name, line) }
        let counts = lineCounts()
        var before = 0
        for (k, p) in parts.enumerated() {
            if line <= before + counts[k] || k == parts.count - 1 { return (p.name, line - before) }
            before += counts[k]
        }
        return (parts[0].name, line)
    }

    /// The newlines of each file (its padding included), counted a window at a time the first time a message
    /// needs them, then kept.
    private func lineCounts() -> [Int] {
        lock.lock(); defer { lock.unlock() }
        if let c = countsCache { return c }
        var window = [UInt8](repeating: 0, count: 1 << 20)
        let c = parts.map { p -> Int in
            var n = 0, at = p.start
            while at < p.end {
                let got = window.withUnsafeMutableBytes { read(into: $0.baseAddress!, count: min($0.count, p.end - at), at: at) }
                if got <= 0 { break }
                n += window[..<got].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                at += got
            }
            return n
        }
        countsCache = c
        return c
    }
    private let lock = NSLock()
    private var countsCache: [Int]?

    /// Where the last file starts in the run (a torn last line is cut from it at `offset - lastStart`).
    var lastStart: Int { parts.last!.start }
}
