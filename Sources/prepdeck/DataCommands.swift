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
            let stats = computeStats(ctx)
            if json { printJSON(stats.json); return }
            FileHandle.standardOutput.write(Data(stats.text.utf8))
        }
    }
}

struct BasicStats {
    var cards = 0
    var byState: [CardState: Int] = [:]
    var dueNow = 0
    var reviewsToday = 0
    var totalReviews = 0
    var reviewSeconds = 0
    var practiceSeconds = 0

    var json: JSONNode.Value {
        .obj([
            ("cards", .int(cards)),
            ("new", .int(byState[.new] ?? 0)),
            ("learning", .int((byState[.learning] ?? 0) + (byState[.relearning] ?? 0))),
            ("review", .int(byState[.review] ?? 0)),
            ("due_now", .int(dueNow)),
            ("reviews_today", .int(reviewsToday)),
            ("total_reviews", .int(totalReviews)),
            ("total_review_seconds", .int(reviewSeconds)),
            ("total_practice_seconds", .int(practiceSeconds)),
        ])
    }

    var text: String {
        """
        cards            \(cards)
        new              \(byState[.new] ?? 0)
        learning         \((byState[.learning] ?? 0) + (byState[.relearning] ?? 0))
        in review        \(byState[.review] ?? 0)
        due now          \(dueNow)
        reviews today    \(reviewsToday)
        reviews in all   \(totalReviews)
        time reviewing   \(reviewSeconds / 60) min
        time practicing  \(practiceSeconds / 60) min

        """
    }
}

func computeStats(_ ctx: AppContext) -> BasicStats {
    let now = ctx.clock.now()
    let cal = StudyCalendar(utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now))
    let today = cal.day(of: now)
    var s = BasicStats()
    for q in ctx.catalog.questions {
        let sch = ctx.progress.schedule(q.id)
        s.cards += 1
        s.byState[sch.state, default: 0] += 1
        if sch.isDue(at: now) { s.dueNow += 1 }
    }
    for (card, events) in ctx.progress.history where ctx.catalog.question(card) != nil {
        for e in events {
            s.totalReviews += 1
            if cal.day(of: e.at) == today { s.reviewsToday += 1 }
            let secs = (e.ms ?? 0) / 1000
            if e.mode == .review { s.reviewSeconds += secs } else { s.practiceSeconds += secs }
        }
    }
    return s
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
                var added = [0, 0, 0]
                let known = Set(try ctx.store.readReviews().entries.map(\.id))
                for item in root["reviews"]?.array ?? [] {
                    let entry: LogEntry
                    do { entry = try LogEntry.decode(item) } catch let error as LogLineError {
                        throw CLIError("\(file):\(item.position.line):\(error.column): \(error.message)", code: 65)
                    }
                    if known.contains(entry.id) { continue }
                    try ctx.store.append(entry)
                    added[0] += 1
                }
                for (k, (key, path)) in [("answers", ctx.store.answersPath), ("sessions", ctx.store.sessionsPath)].enumerated() {
                    let existing = Set(try ctx.store.readLog(path, decode: LogLineError.parse).items.compactMap { $0["id"]?.string })
                    for item in root[key]?.array ?? [] {
                        guard let id = item["id"]?.string, !id.isEmpty else {
                            throw CLIError("\(file):\(item.position.line):\(item.position.column): \(key) entry without an \"id\"", code: 65)
                        }
                        if existing.contains(id) { continue }
                        try ctx.store.appendLine(path, JSONWriter.write(item.value))
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

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            let now = ctx.clock.now()
            var text = ""
            switch format {
            case .json:
                let reviews = try ctx.store.readReviews().entries
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
