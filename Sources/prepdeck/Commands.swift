import ArgumentParser
import Foundation
import PrepdeckCore
import PrepdeckStore
import PrepdeckUI

@main
struct Prepdeck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepdeck",
        abstract: "Study for backend developer interviews in the terminal: browse, practice under a timer, review what is due.",
        discussion: """
        With no command, opens the full-screen app on Browse. Data lives in the data directory \
        (--data-dir, else $PREPDECK_HOME, else $XDG_DATA_HOME/prepdeck, else ~/.local/share/prepdeck). \
        Exit codes follow sysexits: 64 usage, 65 bad data, 66 missing input, 73/74 cannot write / I/O, \
        75 data directory in use.
        """,
        version: "0.1.0",
        subcommands: [ListCommand.self, ShowCommand.self, TopicsCommand.self, StatsCommand.self, PlanCommand.self, ReadinessCommand.self, OptimizeCommand.self,
                      PracticeCommand.self, MockCommand.self, ReviewCommand.self, ImportCommand.self, ExportCommand.self,
                      SyncCommand.self, DoctorCommand.self]
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting { try launchTUI(global, start: .browse) }
    }

    /// Usage errors exit 64 (sysexits EX_USAGE) instead of argument-parser's 64… already 64; keep the message short.
    static func exitCode(for error: Error) -> ExitCode {
        if let e = error as? ExitCode { return e }
        return ExitCode(64)
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the questions, one line each, or as JSON.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only questions with this topic (repeatable).") var topic: [String] = []
    @Option(help: "Only this difficulty: easy, medium, hard (repeatable).") var difficulty: [String] = []
    @Option(help: "Only this kind: technical, system-design, coding, behavioral, ask-the-interviewer (repeatable).") var kind: [String] = []
    @Option(help: "Only questions whose title, prompt or topics contain TEXT (case- and accent-insensitive).") var search: String?
    @Flag(help: "Only cards due now.") var due = false
    @Flag(help: "Print a JSON array.") var json = false

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            for w in ctx.warnings { warn(w) }
            var filter = try makeFilter(topics: topic, difficulties: difficulty, kinds: kind, catalog: ctx.catalog)
            filter.search = search ?? ""
            if due { filter.statuses = [.due] }
            let now = ctx.clock.now()
            let catalog = ctx.catalog
            let schedules = ctx.schedules
            // Every status once, from each schedule's state and due date: the filter reads them and the lines
            // print them. The list is in bank order: no sort key needs retrievability, so it is not computed.
            let statuses = schedules.statuses(now: now)
            let order = runQuery(catalog: catalog, index: SearchIndex(ctx.catalog, prefetch: false), filter: filter, sort: .bank,
                                 statuses: statuses,
                                 info: { let s = schedules[$0] ?? CardSchedule(); return CardInfo(schedule: s, practiced: s.reps) },
                                 now: now)
            Timing.mark("query")
            if json {
                // Written as it goes (no tree of 20,000 objects), the same text as `JSONWriter.write(…, indent: 2)`.
                // Written out 64 KiB at a time: the JSON of 18,000 due cards is 9 MB, never held whole.
                var out = JSONBytes(indent: 2, capacity: 80 << 10)
                out.beginArray()
                try catalog.forEachIDAndTitle(order) { i, id, title in
                    let s = schedules[i] ?? CardSchedule()
                    catalog.writeListJSON(at: i, id: id, title: title, into: &out, schedule: s, status: statuses[i])
                    if out.count >= 64 << 10 { try out.flush(writeStandardOutput) }
                }
                out.endArray()
                out.raw(0x0A)
                try out.flush(writeStandardOutput)
                Timing.mark("output")
                return
            }
            // Written out 64 KiB at a time, as the JSON is.
            var out = ByteBuffer(capacity: 80 << 10)
            try catalog.writeListLines(order, statuses: statuses, into: &out) { try $0.flush(writeStandardOutput) }
            try out.flush(writeStandardOutput)
            Timing.mark("output")
        }
    }
}

/// Builds a filter from command-line values, rejecting unknown ones with exit 64.
func makeFilter(topics: [String], difficulties: [String], kinds: [String], catalog: Catalog) throws -> QuestionFilter {
    var f = QuestionFilter()
    for d in difficulties {
        guard let v = Difficulty(rawValue: d) else { throw CLIError("unknown difficulty '\(d)' (expected easy, medium or hard)", code: 64) }
        f.difficulties.insert(v)
    }
    for k in kinds {
        guard let v = Kind(rawValue: k) else { throw CLIError("unknown kind '\(k)' (expected \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))", code: 64) }
        f.kinds.insert(v)
    }
    let known = topics.isEmpty ? [] : Set(catalog.topicCounts.map(\.topic))
    for t in topics {
        guard known.contains(t) else { throw CLIError("unknown topic '\(t)' (see `prepdeck topics`)", code: 64) }
        f.topics.insert(t)
    }
    return f
}

/// Exit 64 naming the first topic that no question has.
func requireKnownTopics(_ topics: [String], in catalog: Catalog) throws {
    guard !topics.isEmpty else { return }
    let known = Set(catalog.topicCounts.map(\.topic))
    if let bad = topics.first(where: { !known.contains($0) }) { throw CLIError("unknown topic '\(bad)' (see prepdeck topics)", code: 64) }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one question: prompt, model answer, key points, your schedule and history.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The question id (see `prepdeck list`).") var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            for w in ctx.warnings { warn(w) }
            guard let q = ctx.catalog.question(id) else {
                throw CLIError("no question with id '\(id)' (see `prepdeck list`)", code: 66)
            }
            let now = ctx.clock.now()
            let s = ctx.progress.schedule(id)
            let history = ctx.progress.reviews(id)
            let previews = ctx.progress.scheduler.previews(s, cardID: id, at: now)
            if json {
                printJSON(.obj([
                    ("id", .string(q.id)), ("title", .string(q.title)), ("prompt", .string(q.prompt)),
                    ("difficulty", .string(q.difficulty.rawValue)), ("kind", .string(q.kind.rawValue)),
                    ("topics", .arr(q.topics.map { .string($0) })), ("answer", .string(q.answer)),
                    ("keyPoints", .arr(q.keyPoints.map { .string($0) })), ("followUps", .arr(q.followUps.map { .string($0) })),
                    ("followUpAnswers", .arr(q.followUpAnswers.map { .string($0) })),
                    ("timeLimitMinutes", .int(q.timeLimitMinutes)),
                    ("status", .string(ctx.status(id, now: now).rawValue)),
                    ("schedule", s.json),
                    ("previews", .obj(previews.map { ($0.rating.label.lowercased(), .string(RFC3339.format($0.due))) })),
                    ("reviews", .arr(history.map { r in
                        .obj([("id", .string(r.id)), ("rating", .int(r.rating.rawValue)), ("at", .string(RFC3339.format(r.at))),
                              ("ms", .int(r.ms)), ("mode", .string(r.mode.rawValue))])
                    })),
                ]))
                return
            }
            var out = "\(q.title)\n\(q.id) · \(q.difficulty.label) · \(q.kind.label) · \(q.topics.joined(separator: ", "))"
            if let m = q.timeLimitMinutes { out += " · \(m) min" }
            out += "\n\n\(q.prompt)\n\n── Model answer ──\n\n\(q.answer)\n\n── Key points ──\n"
            for k in q.keyPoints { out += "  • \(k)\n" }
            let followUps = q.followUps, followUpAnswers = q.followUpAnswers
            if !followUps.isEmpty {
                out += "\n── Follow-ups ──\n"
                for (k, f) in followUps.enumerated() {
                    out += "  • \(f)\n"
                    if k < followUpAnswers.count {
                        for line in followUpAnswers[k].split(separator: "\n", omittingEmptySubsequences: false) { out += "    \(line)\n" }
                    }
                }
            }
            out += "\n── Your schedule ──\n  state \(s.state.rawValue)"
            if let due = s.due { out += " · due \(RFC3339.format(due))" }
            out += " · reps \(s.reps) · lapses \(s.lapses)"
            if let st = s.stability, let d = s.difficulty {
                out += String(format: " · stability %.2f d · difficulty %.2f", st, d)
            }
            out += "\n  next: " + previews.map { "\($0.rating.rawValue) \($0.rating.label) · \(shortInterval($0.due.timeIntervalSince(now)))" }.joined(separator: "  ") + "\n"
            if !history.isEmpty {
                out += "\n── Reviews ──\n"
                for r in history { out += "  \(RFC3339.format(r.at))  \(r.rating.rawValue) \(r.rating.label)  \(r.mode.rawValue)\n" }
            }
            FileHandle.standardOutput.write(Data(terminalSafe(out, keepNewlines: true).utf8))
        }
    }
}

struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics", abstract: "List the topics with their question counts.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            let counts = ctx.catalog.topicCounts
            if json {
                printJSON(.arr(counts.map { .obj([("topic", .string($0.topic)), ("count", .int($0.count))]) }))
                return
            }
            let width = counts.map(\.topic.count).max() ?? 0
            var out = ""
            for c in counts { out += c.topic.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(c.count)\n" }
            out += "\(counts.count) topics, \(ctx.catalog.count) questions\n"
            FileHandle.standardOutput.write(Data(terminalSafe(out, keepNewlines: true).utf8))
        }
    }
}

struct PracticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "practice", abstract: "Open the app straight into a timed practice session.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "How many questions (starts at once, without the setup form).") var count: Int?
    @Option(help: "Only this topic (repeatable).") var topic: [String] = []
    @Option(help: "Only this difficulty (repeatable).") var difficulty: [String] = []
    @Option(help: "Only this kind (repeatable).") var kind: [String] = []
    @Option(help: "Total minutes for the session.") var minutes: Int?
    @Option(name: .customLong("seconds-per-question"), help: "Seconds per question.") var secondsPerQuestion: Int?

    func validate() throws {
        if let c = count, c < 1 { throw ValidationError("--count must be at least 1") }
        if let m = minutes, m < 1 { throw ValidationError("--minutes must be at least 1") }
        if let s = secondsPerQuestion, s < 5 { throw ValidationError("--seconds-per-question must be at least 5") }
        if minutes != nil && secondsPerQuestion != nil { throw ValidationError("give --minutes or --seconds-per-question, not both") }
    }

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            var launch = PracticeLaunch()
            launch.options.filter = try makeFilter(topics: topic, difficulties: difficulty, kinds: kind, catalog: ctx.catalog)
            if let c = count { launch.options.count = c; launch.startNow = true }
            if let m = minutes { launch.options.timing = .totalMinutes(m) }
            if let s = secondsPerQuestion { launch.options.timing = .secondsPerQuestion(s) }
            let test = launch.options.filter.facetTest.on(ctx.catalog.columns)
            if launch.startNow, !(0..<ctx.catalog.count).contains(where: { test.admits($0, status: .new) }) {
                throw CLIError("no question matches these options (see `prepdeck topics`)", code: 64)
            }
            try launchTUI(global, start: .practice, practice: launch)
        }
    }
}

struct MockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock", abstract: "Open the app straight into a mock interview: a loop of rounds of every kind on one clock.",
        discussion: "The loop: 1 system-design, 3 technical, 1 coding, 1 behavioral and 1 ask-the-interviewer question, due and weakest cards first, none from the previous mock; each followed by one of its follow-up questions. The checklist after each answer arrives pre-ticked by the offline grader. The scorecard is saved to sessions.jsonl (kind \"mock\"); `prepdeck export FILE --format md --session ID` exports it.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The whole loop's time, follow-ups included.") var minutes = 45
    @Option(help: "Draw from this topic (repeatable; behavioral and ask-the-interviewer rounds use any topic when none matches).") var topic: [String] = []
    @Option(help: "Seed of the choice of questions and follow-ups (the same seed and progress give the same loop).") var seed: UInt64?

    func validate() throws {
        if minutes < 1 { throw ValidationError("--minutes must be at least 1") }
    }

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read)
            try requireKnownTopics(topic, in: ctx.catalog)
            var random = SystemRandomNumberGenerator()
            let spec = MockSpec(minutes: minutes, topics: Set(topic), seed: seed ?? random.next())
            try launchTUI(global, start: .mock(spec))
        }
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "Open the app straight into review of the due cards.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Cram: every card (of --topic), lowest predicted recall first, whatever is due; ratings are logged as practice.")
    var cram = false
    @Option(help: "With --cram: only this topic (repeatable).") var topic: [String] = []

    func validate() throws {
        if !topic.isEmpty && !cram { throw ValidationError("--topic goes with --cram") }
    }

    func run() throws {
        try runReporting {
            guard cram else { try launchTUI(global, start: .review); return }
            try launchTUI(global, start: .cram(topics: topic))
        }
    }
}

/// Writes all of `bytes` to standard output (a closed pipe or a full disk is an I/O error, exit 74).
func writeStandardOutput(_ bytes: UnsafeBufferPointer<UInt8>) throws {
    var done = 0
    while done < bytes.count {
        let n = Glibc.write(1, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw CLIError("cannot write the output: \(String(cString: strerror(errno)))", code: 74) }
        done += n
    }
}
