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
            let ctx = try AppContext.load(global, access: .read, decodedSchedules: true)
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
    let schedules = ctx.catalogSchedules
    let input = try ctx.store.statsInput(settings: ctx.settings, scheduler: ctx.progress.scheduler, calendar: calendar,
                                         knownCards: StatsInput.knownCards(schedules: schedules, progress: ctx.progress))
    return StatsReport(catalog: ctx.catalog, progress: ctx.progress, settings: ctx.settings, calendar: calendar,
                       now: now, input: input, schedules: schedules)
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
        abstract: "Import a question bank, a progress export, cards (CSV, TSV) or an Anki package into the data directory.",
        discussion: "A bank (\"format\": \"prepdeck-bank\") is validated and kept in DATA/banks/, loaded beside the bundled bank. A progress export (\"format\": \"prepdeck-export\", from `prepdeck export --format json`) adds its reviews, answers and sessions; lines already present (same id) are skipped, so importing twice changes nothing. A .csv, .tsv or .txt file (RFC 4180 quoting, multi-line fields; Anki's \"Notes in Plain Text\" export with its #separator, #html and #… column: lines) becomes a bank in DATA/banks/: the first column the prompt, the second the answer, a third the tags (or as --map or a header row says); importing it again updates its questions in place. An Anki package (.apkg, .colpkg) becomes a bank the same way (first field the prompt, second the answer, HTML as Markdown, one question per cloze, tags as topics); --with-history also brings its review log into reviews.jsonl (reviews.DEVICE.jsonl on a machine that syncs)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file to import.") var file: String
    @Option(help: "CSV/TSV: the columns, e.g. prompt=2,answer=3,tags=4 (also guid=N, deck=N).") var map: String?
    @Option(help: "Cards (CSV, TSV, Anki): the deck id of the bank made (default: the deck's name, else the file name).") var deck: String?
    @Option(help: "Cards (CSV, TSV, Anki): the deck's title (default: the deck's name, else the file name).") var title: String?
    @Flag(name: .customLong("with-history"), help: "Anki: also import the review log (ease 1–4 as the rating), so the schedule picks up where Anki was.") var withHistory = false

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .write)
            try ctx.store.requireWritable()
            guard let bytes = try FileIO.read(file) else { throw CLIError("\(file): no such file", code: 66) }
            let ext = (file as NSString).pathExtension.lowercased()
            if ["csv", "tsv", "txt"].contains(ext) { try importNotes(bytes, ext: ext, ctx: ctx); return }
            if ["apkg", "colpkg"].contains(ext) { try importAnki(ctx: ctx); return }
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
                var extra: [(kind: LogKind, id: String, line: String)] = []
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
                for (key, kind) in [("answers", LogKind.answers), ("sessions", LogKind.sessions)] {
                    for item in try list(key) {
                        guard let id = item["id"]?.string, !id.isEmpty else {
                            throw CLIError("\(file):\(item.position.line):\(item.position.column): \(key) entry without an \"id\"", code: 65)
                        }
                        extra.append((kind, id, JSONWriter.write(item.value)))
                    }
                }
                var added = [try appendNewReviews(reviews, ctx: ctx), 0, 0]
                for (k, kind) in [LogKind.answers, .sessions].enumerated() {
                    let existing = Set(try ctx.store.readLogs(kind, decode: LogLineError.parse).items.compactMap { $0["id"]?.string })
                    for e in extra where e.kind == kind && !existing.contains(e.id) {
                        try ctx.store.append(kind, line: e.line)
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

extension ImportCommand {
    /// Appends the entries whose id is in no review log yet (importing twice adds nothing); their count.
    func appendNewReviews(_ entries: [LogEntry], ctx: AppContext) throws -> Int {
        let known = Set(try ctx.store.readReviews().entries.map(\.id))
        var added = 0
        for entry in entries where !known.contains(entry.id) {
            try ctx.store.append(entry)
            added += 1
        }
        return added
    }

    /// The id of an imported deck from its name: its words as an id, else `imported`.
    func importedDeckID(_ name: String) -> String {
        let id = slugID(name, maxWords: 8)
        return id.isEmpty ? "imported" : id
    }

    /// A CSV / TSV / Anki plain-text file: its notes become a bank in DATA/banks/ (validated as any bank is).
    func importNotes(_ bytes: [UInt8], ext: String, ctx: AppContext) throws {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let at = bytes.withUnsafeBufferPointer { BankFormat.firstInvalidUTF8($0) } ?? 0
            throw CLIError("\(file): byte \(at + 1) is not UTF-8 (save the file as UTF-8)", code: 65)
        }
        var columns: ColumnMap?
        if let m = map {
            guard let parsed = ColumnMap.parse(m) else {
                throw CLIError("--map \(JSONWriter.quote(m)): expected prompt=N,answer=M[,tags=K][,guid=G][,deck=D] (columns from 1)", code: 64)
            }
            columns = parsed
        }
        let notes: [ImportedNote]
        do { notes = try parseNotes(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, defaultSeparator: ext == "csv" ? "," : "\t", map: columns) } catch {
            throw CLIError("\(file):\(error.line):\(error.column): \(error.message)", code: 65)
        }
        guard !notes.isEmpty else { throw CLIError("\(file): no notes in it (a header row alone, or an empty file)", code: 65) }
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let deckID = deck ?? importedDeckID(notes.first?.deck ?? name)
        guard BankFormat.isValidID(deckID) else {
            throw CLIError("--deck \(JSONWriter.quote(deckID)): a deck id is lowercase words joined by '-'", code: 64)
        }
        let json = bankJSON(from: notes, deckID: deckID, deckTitle: title ?? notes.first?.deck ?? name, format: ext == "csv" ? "csv" : "tsv")
        try writeImportedBank(json, deckID: deckID, notes: notes.count, ctx: ctx)
    }

    /// Validates a bank made from imported notes and writes it to DATA/banks/ID.json (replacing an earlier import).
    func writeImportedBank(_ json: String, deckID: String, notes: Int, ctx: AppContext) throws {
        let target = ctx.store.root + "/banks/" + deckID + ".json"
        let bank: Bank
        do throws(BankError) { bank = try BankFormat.decode(Array(json.utf8), file: target) } catch {
            throw CLIError("\(file): the bank made from it does not validate: \(error.description)", code: 65)
        }
        for q in bank.questions {
            if let other = ctx.catalog.question(q.id), (other.source.file as NSString).standardizingPath != (target as NSString).standardizingPath {
                throw CLIError("\(file): question id \"\(q.id)\" is already defined at \(other.source)", code: 65)
            }
        }
        var before: Int?
        if FileIO.exists(target), let old = try FileIO.read(target) { before = (try? BankFormat.decode(old, file: target))?.questions.count }
        try FileIO.makeDirectory(ctx.store.root + "/banks")
        try FileIO.replace(target, Array(json.utf8))
        let again = before.map { ", replacing the \($0) questions of the earlier import" } ?? ""
        print("imported \(notes) notes as deck \"\(bank.deck.title)\" (\(bank.questions.count) questions\(again)) into \(target)")
    }

    /// An Anki package: its notes as a bank (first field the prompt, second the answer, HTML to Markdown, cloze
    /// notes one question per cloze, tags as topics), and with `--with-history` its review log.
    func importAnki(ctx: AppContext) throws {
        let collection: AnkiCollection
        do { collection = try AnkiPackage.read(file) } catch { throw CLIError(error) }
        guard !collection.notes.isEmpty else { throw CLIError("\(file): the collection inside has no notes", code: 65) }
        var deckOfNote: [Int64: Int64] = [:]
        for c in collection.cards where deckOfNote[c.note] == nil { deckOfNote[c.note] = c.deck }
        let notes = collection.notes.enumerated().map { k, n in
            ImportedNote(key: n.guid, prompt: n.fields.first ?? "", answer: n.fields.count > 1 ? n.fields[1] : "", tags: n.tags,
                         deck: deckOfNote[n.id].flatMap { collection.deckNames[$0] }, html: true, line: k + 1)
        }.filter { !$0.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        // The deck the most notes are in names the bank.
        var counts: [String: Int] = [:]
        for n in notes { if let d = n.deck { counts[d, default: 0] += 1 } }
        let main = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let deckID = deck ?? importedDeckID(main ?? name)
        guard BankFormat.isValidID(deckID) else {
            throw CLIError("--deck \(JSONWriter.quote(deckID)): a deck id is lowercase words joined by '-'", code: 64)
        }
        let made = importedBank(from: notes, deckID: deckID, deckTitle: title ?? main ?? name, format: "anki")
        try writeImportedBank(made.json, deckID: deckID, notes: notes.count, ctx: ctx)
        guard withHistory else { return }
        // The review log: each rating (ease 1–4; 0 is a manual reschedule, left out) on its card's question.
        // A card is its note's question, or for a cloze note the question of its cloze (ord + 1).
        let guidOf = Dictionary(collection.notes.map { ($0.id, $0.guid) }, uniquingKeysWith: { a, _ in a })
        var questionOfCard: [Int64: String] = [:]
        for c in collection.cards {
            guard let guid = guidOf[c.note], let byCloze = made.ids[guid] else { continue }
            if let id = byCloze[0] ?? byCloze[c.ord + 1] { questionOfCard[c.id] = id }
        }
        var entries: [LogEntry] = []
        var skipped = 0
        for r in collection.reviews {
            guard (1...4).contains(r.ease), let rating = Rating(rawValue: r.ease), let card = questionOfCard[r.card] else { skipped += 1; continue }
            entries.append(.review(ReviewEvent(id: "anki-\(r.id)", card: card, rating: rating,
                                               at: Date(timeIntervalSince1970: Double(r.id) / 1000), ms: max(0, r.timeMs), mode: .review)))
        }
        let added = try appendNewReviews(entries, ctx: ctx)
        print("imported \(added) reviews from Anki's log" + (skipped > 0 ? " (\(skipped) left out: manual reschedules or cards of no note)" : "") + " into " + ((try? ctx.store.appendPath(.reviews)).map { ($0 as NSString).lastPathComponent } ?? "reviews.jsonl"))
    }
}

struct ExportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, md, apkg }
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export progress: json (everything, re-importable), csv (one row a question), md (a readable report), apkg (an Anki deck).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file to write ('-' for standard output; not for apkg).") var file: String
    @Option(help: "json, csv, md or apkg.") var format: Format
    @Option(help: "With --format md: the report of one practice session (its id is in sessions.jsonl and on the summary screen).")
    var session: String?
    @Option(help: "With --format apkg: only questions with this topic (repeatable).") var topic: [String] = []
    @Flag(name: .customLong("with-history"), help: "With --format apkg: also your ratings, as Anki's review log.") var withHistory = false

    func validate() throws {
        if session != nil && format != .md { throw ValidationError("--session goes with --format md") }
        if (!topic.isEmpty || withHistory) && format != .apkg { throw ValidationError("--topic and --with-history go with --format apkg") }
        if format == .apkg && file == "-" { throw ValidationError("an apkg is a zip file: give a file name, not '-'") }
    }

    /// `--format apkg`: one Basic note per question (the prompt, then the answer and the key points, as HTML),
    /// tags from the topics; with `--with-history` the effective ratings as the review log.
    func exportAnki(_ ctx: AppContext, now: Date) throws {
        try requireKnownTopics(topic, in: ctx.catalog)
        let chosen = ctx.catalog.questions.filter { topic.isEmpty || !Set(topic).isDisjoint(with: $0.topics) }
        var history: [String: [(at: Date, rating: Int, ms: Int)]] = [:]
        if withHistory {
            for e in effectiveReviews(try ctx.store.readReviews().entries) { history[e.card, default: []].append((e.at, e.rating.rawValue, e.ms ?? 0)) }
        }
        let notes = chosen.map { q in
            AnkiExportNote(guid: "prepdeck-" + q.id, front: markdownToHTML(q.prompt),
                           back: markdownToHTML(q.answer) + "<h3>Key points</h3><ul>" + q.keyPoints.map { "<li>" + markdownToHTML($0).replacingOccurrences(of: "<p>", with: "").replacingOccurrences(of: "</p>", with: "") + "</li>" }.joined() + "</ul>",
                           tags: q.topics + [q.difficulty.rawValue, q.kind.rawValue], reviews: history[q.id] ?? [])
        }
        do { try AnkiPackage.write(file, deckName: topic.isEmpty ? "prepdeck" : "prepdeck::" + topic.joined(separator: "+"), notes: notes, now: now) } catch {
            throw CLIError(error.message, code: error.kind == .io ? 74 : 73)
        }
        let reviews = notes.reduce(0) { $0 + $1.reviews.count }
        FileHandle.standardError.write(Data("prepdeck: wrote \(file) (\(notes.count) notes\(withHistory ? ", \(reviews) reviews" : ""))\n".utf8))
    }

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            let now = ctx.clock.now()
            if format == .apkg { try exportAnki(ctx, now: now); return }
            var text = ""
            switch format {
            case .apkg: return
            case .md where session != nil:
                let sessions = try ctx.store.readLogs(.sessions) { (l: ArraySlice<UInt8>) throws(LogLineError) -> SessionRecord in
                    try SessionRecord.decode(try LogLineError.parse(l))
                }
                for w in sessions.warnings { warn(w.description) }
                guard let rec = sessions.items.last(where: { $0.id == session }) else {
                    throw CLIError("no practice session with id '\(session!)' in sessions.jsonl", code: 66)
                }
                let answers = try ctx.store.readLogs(.answers) { (l: ArraySlice<UInt8>) throws(LogLineError) -> AnswerRecord in
                    try AnswerRecord.decode(try LogLineError.parse(l))
                }
                for w in answers.warnings { warn(w.description) }
                var byID: [String: AnswerRecord] = [:]
                for a in answers.items where a.session == rec.id { byID[a.id] = a }
                text = sessionReport(rec, answers: byID, catalog: ctx.catalog)
            case .json:
                let (reviews, reviewWarnings) = try ctx.store.readReviews()
                for w in reviewWarnings { warn(w.description + " (not exported)") }
                func raw(_ kind: LogKind) throws -> [JSONNode] {
                    try ctx.store.readLogs(kind, decode: LogLineError.parse).items
                }
                let answers = try raw(.answers), sessions = try raw(.sessions)
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
                    text += fields.map { csvField(terminalSafe($0, keepNewlines: true)) }.joined(separator: ",") + "\r\n"
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
            // Text from banks and answers may hold escape sequences; only JSON keeps it exact (escaped). The CSV's
            // fields were made safe one by one, so that its CR LF line ends stay (issue 17, case 5).
            if format == .md { text = terminalSafe(text, keepNewlines: true) }
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
        discussion: "Safe repairs: a torn last line of a log is moved to FILE.torn; the directory gets mode 0700; leftover temporary files are removed. Nothing that holds data is ever rewritten. Exits 0 when all is well, 65 when a problem remains, 73 when the directory cannot be written, 75 when another prepdeck holds it.")
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
                for w in catalog.warnings { report(false, w) }
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
                throw ExitCode(store.readOnlyKind == .locked ? 75 : 73)
            }
            var st = stat()
            if stat(dir, &st) == 0, st.st_mode & 0o077 != 0 {
                chmod(dir, 0o700)
                report(true, "directory mode was \(String(st.st_mode & 0o777, radix: 8)); set to 700")
            }
            // Temporary files of an atomic replace cut short (kill -9 between write and rename): the directory's
            // own, the drafts', the imported banks'. Safe: this doctor holds the lock, so no write is under way.
            for sub in ["", "drafts/", "banks/", "exports/"] {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/" + sub)) ?? []
                for n in names.sorted() where n.contains(".tmp-") {
                    FileIO.remove(dir + "/" + sub + n)
                    report(true, "removed leftover temporary file \(sub)\(n)")
                }
            }
            do {
                let s = try store.readSettings()
                report(true, s.raw == nil ? "settings.json: absent (defaults)" : "settings.json: valid (scheduler \(s.settings.scheduler.rawValue))")
            } catch let error as StoreError { report(false, "\(error.message) — fix or delete the file; it is never overwritten") }
            // Every machine's logs; only this machine's own are repaired.
            func check<T>(_ kind: LogKind, _ decode: (ArraySlice<UInt8>) throws(LogLineError) -> T) throws {
                let parts = store.logLayout(kind).parts
                if parts.isEmpty { report(true, "\(kind.plainName): 0 lines readable") }
                for part in parts {
                    let r = try store.readLog(part.path, foreign: part.padded, decode: decode)
                    for w in r.warnings {
                        let repaired = w.message.contains("moved to")
                        report(repaired, w.description + (repaired && kind == .reviews ? " (repaired)" : ""))
                    }
                    report(true, "\(part.name): \(r.items.count) lines readable" + (part.padded ? " (another machine's log, read as it is)" : ""))
                }
            }
            try check(.reviews) { (line: ArraySlice<UInt8>) throws(LogLineError) -> LogEntry in try LogEntry.decode(line: line) }
            try check(.answers, LogLineError.parse)
            try check(.sessions, LogLineError.parse)
            print(problems == 0 ? "\nall good" : "\n\(problems) problem(s) found")
            if problems > 0 { throw ExitCode(65) }
        }
    }
}
