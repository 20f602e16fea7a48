import ArgumentParser
import Foundation
import PrepdeckCore
import PrepdeckStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Print the figures of the Stats screen.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            for w in ctx.warnings { warn(w) }
            let report = try computeStats(ctx)
            if json { printJSON(report.toJSON()); return }
            FileHandle.standardOutput.write(Data(statsText(report).utf8))
        }
    }
}

/// The Stats figures. The ratings are read straight from the bytes of `reviews.jsonl` (the same lines and
/// rules as the progress's replay, no string per line); for a long log they are kept in `stats-cache.bin`
/// (a cache: rebuilt whenever it does not match the log) so that a later run reads only the lines appended since.
func computeStats(_ ctx: AppContext) throws -> StatsReport {
    let now = ctx.clock.now()
    let calendar = StudyCalendar(utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now))
    let events = try StatsCache.events(reviewsPath: ctx.store.reviewsPath, cachePath: ctx.store.root + "/stats-cache.bin",
                                       settings: ctx.settings, scheduler: ctx.progress.scheduler)
    return StatsReport(catalog: ctx.catalog, progress: ctx.progress, settings: ctx.settings, calendar: calendar,
                       now: now, events: events)
}

/// `stats-cache.bin`: every rating of `reviews.jsonl` up to a line end, as `StatsEvents.encodeCache` writes them,
/// with the settings they were replayed with and a fingerprint of the bytes read. Written (atomically) only
/// for logs of `minimumLog` bytes or more, when missing or stale, or once `rewriteAfter` bytes were appended
/// after it; never required: when it cannot be read or written, the log is read in full.
enum StatsCache {
    static let minimumLog = 4 << 20
    static let rewriteAfter = 64 << 10

    static func events(reviewsPath: String, cachePath: String, settings: Settings, scheduler: any Scheduler) throws -> StatsEvents {
        let fd = open(reviewsPath, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return StatsEvents() }
            throw CLIError("cannot read \(reviewsPath): \(String(cString: strerror(errno)))", code: 74)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CLIError("cannot read \(reviewsPath): \(String(cString: strerror(errno)))", code: 74) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw CLIError("cannot read \(reviewsPath): it is a directory", code: 74) }
        let size = Int(st.st_size)
        let settingsKey = StatsEvents.settingsKey(settings)
        let useCache = size >= minimumLog

        // A cache that matches the log: read only what follows it.
        if useCache, var cached = read(cachePath), cached.key.settings == settingsKey, cached.key.coveredLength <= size,
           let print = fingerprint(fd, length: cached.key.coveredLength), print == cached.key.fingerprint,
           let tail = preadAll(fd, at: cached.key.coveredLength, count: size - cached.key.coveredLength) {
            let key = cached.key
            var events = cached.events
            cached.events = StatsEvents() // the only reference left: merging appends in place
            let complete = (tail.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
            tail.withUnsafeBufferPointer { events.merge(tail: UnsafeBufferPointer(rebasing: $0[..<complete]), scheduler: scheduler) }
            if complete >= rewriteAfter, let print = fingerprint(fd, length: key.coveredLength + complete) {
                write(cachePath, events, StatsEvents.CacheKey(settings: settingsKey, coveredLength: key.coveredLength + complete, fingerprint: print))
            }
            tail.withUnsafeBufferPointer { events.merge(tail: UnsafeBufferPointer(rebasing: $0[complete...]), scheduler: scheduler) }
            return events
        }

        // The whole log.
        return try withMappedFile(fd: fd, size: size, path: reviewsPath) { buffer in
            var complete = buffer.count
            while complete > 0 && buffer[complete - 1] != 0x0A { complete -= 1 }
            var events = StatsEvents(logBytes: UnsafeBufferPointer(rebasing: buffer[..<complete]), scheduler: scheduler)
            if useCache, let print = fingerprint(fd, length: complete) {
                write(cachePath, events, StatsEvents.CacheKey(settings: settingsKey, coveredLength: complete, fingerprint: print))
            }
            events.merge(tail: UnsafeBufferPointer(rebasing: buffer[complete...]), scheduler: scheduler)
            return events
        }
    }

    static func read(_ path: String) -> (key: StatsEvents.CacheKey, events: StatsEvents)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let result = try? withMappedFile(fd: fd, size: Int(st.st_size), path: path) { StatsEvents.decodeCache(UnsafeRawBufferPointer($0)) }
        return (result ?? nil).map { ($0.key, $0.events) }
    }

    /// Best effort: a data directory that cannot be written simply gets no cache.
    static func write(_ path: String, _ events: StatsEvents, _ key: StatsEvents.CacheKey) {
        try? FileIO.replace(path, events.encodeCache(key: key))
    }

    /// A fingerprint of the first `length` bytes (the snapshot's, with the stats cache's own seed).
    static func fingerprint(_ fd: Int32, length: Int) -> UInt64? {
        logFingerprint(fd: fd, length: length, seed: 0x57A7_F1)
    }
}

/// Runs `body` on the first `size` bytes of the open file `fd`, mapped read-only (read into memory when it
/// cannot be mapped).
func withMappedFile<T>(fd: Int32, size: Int, path: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) throws -> T {
    guard size > 0 else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
    guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), p != MAP_FAILED else {
        guard let bytes = preadAll(fd, at: 0, count: size) else {
            throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))", code: 74)
        }
        return bytes.withUnsafeBufferPointer(body)
    }
    defer { munmap(p, size) }
    return body(UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: size))
}

/// `prepdeck stats` without `--json`.
func statsText(_ r: StatsReport) -> String {
    func duration(_ seconds: Int) -> String {
        let m = seconds / 60
        return m < 60 ? "\(m) min" : "\(m / 60) h \(m % 60) min"
    }
    func percent(_ x: Double) -> String {
        let p = (x * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p)) %" : "\(p) %"
    }
    func leftPad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    func row(_ label: String, _ value: String) -> String { label.padding(toLength: 17, withPad: " ", startingAt: 0) + value + "\n" }
    var out = ""
    out += row("due today", "\(r.dueToday)")
    out += row("new today", "\(r.newAvailableToday)")
    out += row("learning", "\(r.learning)")
    out += row("reviews today", "\(r.reviewsToday)")
    out += row("streak", r.streakDays == 1 ? "1 day" : "\(r.streakDays) days")
    out += row("retention (30d)", r.retention30d.map { "\(percent($0)) of \(r.retentionRatings) review ratings not Again" }
        ?? "— (no ratings of cards in review in the last 30 days)")
    out += row("time reviewing", duration(r.totalReviewSeconds))
    out += row("time practicing", duration(r.totalPracticeSeconds))
    out += row("cards", "\(r.cards) (\(r.totalReviews) ratings in all)")
    let peak = r.forecast.max() ?? 0
    let bars = Array("▁▂▃▄▅▆▇█")
    let spark = String(r.forecast.map { v in v == 0 ? " " : bars[min(7, (v * 8 - 1) / max(1, peak))] })
    out += row("forecast (30d)", "|\(spark)| today → +29d, max \(peak) a day, \(r.forecast.reduce(0, +)) in all")
    out += row("", r.forecast.map(String.init).joined(separator: " "))
    let weakest = r.weakestTopics.prefix(5)
    if !weakest.isEmpty {
        out += "weakest topics\n"
        let w = min(32, weakest.map { $0.topic.count }.max() ?? 0)
        for t in weakest {
            out += "  " + t.topic.padding(toLength: w, withPad: " ", startingAt: 0) + "  "
                + leftPad(percent(t.mastery), 7) + "  \(t.learned)/\(t.cards) learned\n"
        }
    }
    return out
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a question bank or a progress export into the data directory.",
        discussion: "A bank (\"format\": \"prepdeck-bank\") is validated and kept in DATA/banks/, loaded beside the bundled bank. A progress export (\"format\": \"prepdeck-export\", from `prepdeck export --format json`) adds its reviews, answers and sessions; lines already present (same id) are skipped, so importing twice changes nothing."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file to import.") var file: String

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .write)
            try ctx.store.requireWritable()
            guard let bytes = try FileIO.read(file) else { throw CLIError("\(file): no such file", code: 66) }
            let root: JSONNode
            do { root = try JSONParser.parse(bytes) } catch let error as JSONSyntaxError {
                throw CLIError("\(file):\(error.position.line):\(error.position.column): \(error.message)", code: 65)
            }
            switch root["format"]?.string {
            case BankFormat.formatName?:
                let bank: Bank
                do { bank = try BankFormat.decode(bytes, file: file) } catch let error as BankError { throw CLIError(error.description, code: 65) }
                // The deck id names the file: it must be a plain id (no "/", no "..").
                guard BankFormat.isValidID(bank.deck.id) else {
                    throw CLIError("\(file): deck id \(JSONWriter.quote(bank.deck.id)) must be lowercase words joined by '-' (it names the imported file)", code: 65)
                }
                let target = ctx.store.root + "/banks/" + bank.deck.id + ".json"
                // Ids must stay unique against every other loaded bank (a re-import of the same deck replaces it).
                for q in bank.questions {
                    if let other = ctx.catalog.question(q.id), (other.source.file as NSString).standardizingPath != (target as NSString).standardizingPath {
                        throw CLIError("\(q.source): duplicate question id \"\(q.id)\" (already defined at \(other.source))", code: 65)
                    }
                }
                try FileIO.makeDirectory(ctx.store.root + "/banks")
                try FileIO.replace(target, bytes)
                print("imported deck \"\(bank.deck.title)\" (\(bank.questions.count) questions) into \(target)")
            case "prepdeck-export"?:
                guard let v = root["version"], v.int == 1 else {
                    let pos = root["version"]?.position ?? root.position
                    throw CLIError("\(file):\(pos.line):\(pos.column): unsupported export version \(root["version"].map { JSONWriter.write($0.value) } ?? "(missing)") (this prepdeck reads version 1)", code: 65)
                }
                // Everything is checked before anything is written: an import is all or nothing.
                var reviews: [LogEntry] = []
                var extra: [(path: String, id: String, line: String)] = []
                func list(_ key: String) throws -> [JSONNode] {
                    guard let n = root[key] else { return [] }
                    guard let items = n.array else {
                        throw CLIError("\(file):\(n.position.line):\(n.position.column): field \"\(key)\": expected an array, found \(n.typeName)", code: 65)
                    }
                    return items
                }
                for item in try list("reviews") {
                    do { reviews.append(try LogEntry.decode(item)) } catch let error as LogLineError {
                        throw CLIError("\(file):\(item.position.line):\(error.column): \(error.message)", code: 65)
                    }
                }
                for (key, path) in [("answers", ctx.store.answersPath), ("sessions", ctx.store.sessionsPath)] {
                    for item in try list(key) {
                        guard let id = item["id"]?.string, !id.isEmpty else {
                            throw CLIError("\(file):\(item.position.line):\(item.position.column): \(key) entry without an \"id\"", code: 65)
                        }
                        extra.append((path, id, JSONWriter.write(item.value)))
                    }
                }
                var added = [0, 0, 0]
                let known = Set(try ctx.store.readReviews().entries.map(\.id))
                for entry in reviews where !known.contains(entry.id) {
                    try ctx.store.append(entry)
                    added[0] += 1
                }
                for (k, path) in [ctx.store.answersPath, ctx.store.sessionsPath].enumerated() {
                    let existing = Set(try ctx.store.readLog(path, decode: LogLineError.parse).items.compactMap { $0["id"]?.string })
                    for e in extra where e.path == path && !existing.contains(e.id) {
                        try ctx.store.appendLine(path, e.line)
                        added[k + 1] += 1
                    }
                }
                print("imported \(added[0]) reviews, \(added[1]) answers, \(added[2]) sessions (lines already present were skipped)")
            default:
                throw CLIError("\(file): not a prepdeck bank or export (expected \"format\": \"prepdeck-bank\" or \"prepdeck-export\")", code: 65)
            }
        }
    }
}

struct ExportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, md }
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export progress: json (everything, re-importable), csv (one row a question), md (a readable report).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file to write ('-' for standard output).") var file: String
    @Option(help: "json, csv or md.") var format: Format
    @Option(help: "With --format md: the report of one practice session (its id is in sessions.jsonl and on the summary screen).")
    var session: String?

    func validate() throws {
        if session != nil && format != .md { throw ValidationError("--session goes with --format md") }
    }

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            let now = ctx.clock.now()
            var text = ""
            switch format {
            case .md where session != nil:
                let sessions = try ctx.store.readLog(ctx.store.sessionsPath) { (l: ArraySlice<UInt8>) throws(LogLineError) -> SessionRecord in
                    try SessionRecord.decode(try LogLineError.parse(l))
                }
                for w in sessions.warnings { warn(w.description) }
                guard let rec = sessions.items.last(where: { $0.id == session }) else {
                    throw CLIError("no practice session with id '\(session!)' in sessions.jsonl", code: 66)
                }
                let answers = try ctx.store.readLog(ctx.store.answersPath) { (l: ArraySlice<UInt8>) throws(LogLineError) -> AnswerRecord in
                    try AnswerRecord.decode(try LogLineError.parse(l))
                }
                for w in answers.warnings { warn(w.description) }
                var byID: [String: AnswerRecord] = [:]
                for a in answers.items where a.session == rec.id { byID[a.id] = a }
                text = sessionReport(rec, answers: byID, catalog: ctx.catalog)
            case .json:
                let (reviews, reviewWarnings) = try ctx.store.readReviews()
                for w in reviewWarnings { warn(w.description + " (not exported)") }
                func raw(_ path: String) throws -> [JSONNode] {
                    try ctx.store.readLog(path, decode: LogLineError.parse).items
                }
                let answers = try raw(ctx.store.answersPath), sessions = try raw(ctx.store.sessionsPath)
                text = JSONWriter.write(.obj([
                    ("format", .string("prepdeck-export")), ("version", .int(1)),
                    ("exported_at", .string(RFC3339.format(now))),
                    ("settings", ctx.settings.encode()),
                    ("reviews", .array(reviews.map { e in (try? JSONParser.parse(e.jsonLine)) ?? JSONNode(.null) })),
                    ("answers", .array(answers)), ("sessions", .array(sessions)),
                ]), indent: 2) + "\n"
            case .csv:
                text = "id,title,difficulty,kind,topics,status,state,due,reps,lapses,stability,fsrs_difficulty,last_review\r\n"
                for q in ctx.catalog.questions {
                    let s = ctx.progress.schedule(q.id)
                    let fields = [q.id, q.title, q.difficulty.rawValue, q.kind.rawValue, q.topics.joined(separator: ";"),
                                  ctx.status(q.id, now: now).rawValue, s.state.rawValue, s.due.map(RFC3339.format) ?? "",
                                  String(s.reps), String(s.lapses), s.stability.map { String($0) } ?? "",
                                  s.difficulty.map { String($0) } ?? "", s.lastReview.map(RFC3339.format) ?? ""]
                    text += fields.map(csvField).joined(separator: ",") + "\r\n"
                }
            case .md:
                text = "# prepdeck progress — \(RFC3339.format(now))\n\n"
                for q in ctx.catalog.questions {
                    let s = ctx.progress.schedule(q.id)
                    guard s.state != .new else { continue }
                    text += "## \(q.title)\n\n`\(q.id)` · \(q.difficulty.label) · \(q.kind.label) · \(s.state.rawValue)"
                    if let due = s.due { text += " · due \(RFC3339.format(due))" }
                    text += " · \(s.reps) reviews, \(s.lapses) lapses\n\n"
                }
                if !text.contains("## ") { text += "No question has been reviewed yet.\n" }
            }
            if file == "-" { FileHandle.standardOutput.write(Data(text.utf8)); return }
            do { try FileIO.replace(file, Array(text.utf8)) } catch let error as StoreError { throw CLIError(error.message, code: 73) }
            FileHandle.standardError.write(Data("prepdeck: wrote \(file)\n".utf8))
        }
    }
}

func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the data directory and the banks, explain what is wrong, repair what is safe.",
        discussion: "Safe repairs: a torn last line of a log is moved to FILE.torn; the directory gets mode 0700; leftover temporary files are removed. Nothing that holds data is ever rewritten. Exits 0 when all is well, 65 when a problem remains, 75 when another prepdeck holds the directory.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            var problems = 0
            func report(_ ok: Bool, _ text: String) {
                print((ok ? "ok      " : "PROBLEM ") + text)
                if !ok { problems += 1 }
            }
            let dir = resolveDataDirectory(explicit: global.dataDir, environment: ProcessInfo.processInfo.environment)
            print("data directory: \(dir)")
            // Banks.
            do {
                let paths = try AppContext.bankPaths(global, dataDir: dir)
                let catalog = try BankLoader.load(paths: paths)
                for b in catalog.banks { report(true, "bank \(b.file): \(b.count) questions (\(b.deck.title))") }
            } catch {
                report(false, "bank: \((error as? BankLoader.LoadError)?.message ?? "\(error)")")
            }
            guard FileIO.isDirectory(dir) else {
                print("note    the data directory does not exist yet; it is created on first use")
                if problems > 0 { throw ExitCode(65) }
                return
            }
            let store = try DataStore(root: dir, access: .write)
            if let why = store.readOnlyReason {
                report(false, why + " — repairs skipped")
                throw ExitCode(75)
            }
            var st = stat()
            if stat(dir, &st) == 0, st.st_mode & 0o077 != 0 {
                chmod(dir, 0o700)
                report(true, "directory mode was \(String(st.st_mode & 0o777, radix: 8)); set to 700")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for n in names where n.contains(".tmp-") {
                FileIO.remove(dir + "/" + n)
                report(true, "removed leftover temporary file \(n)")
            }
            do {
                let s = try store.readSettings()
                report(true, s.raw == nil ? "settings.json: absent (defaults)" : "settings.json: valid (scheduler \(s.settings.scheduler.rawValue))")
            } catch let error as StoreError { report(false, "\(error.message) — fix or delete the file; it is never overwritten") }
            let (entries, warnings) = try store.readReviews()
            for w in warnings {
                let repaired = w.message.contains("moved to")
                report(repaired, w.description + (repaired ? " (repaired)" : ""))
            }
            report(true, "reviews.jsonl: \(entries.count) lines readable")
            for path in [store.answersPath, store.sessionsPath] {
                let r = try store.readLog(path, decode: LogLineError.parse)
                for w in r.warnings { report(w.message.contains("moved to"), w.description) }
                report(true, "\((path as NSString).lastPathComponent): \(r.items.count) lines readable")
            }
            print(problems == 0 ? "\nall good" : "\n\(problems) problem(s) found")
            if problems > 0 { throw ExitCode(65) }
        }
    }
}
