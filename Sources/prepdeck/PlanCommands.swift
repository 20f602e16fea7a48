import ArgumentParser
import Foundation
import PrepdeckCore
import PrepdeckStore

/// `prepdeck plan`: the interview date and the topics that matter, kept in settings.json.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Set, show or clear the interview date (and the topics that matter for it).",
        discussion: "The date and topics are kept in settings.json (interview_date, interview_topics); `prepdeck readiness` reports against them.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The interview date.", valueName: "YYYY-MM-DD")) var interview: String?
    @Option(help: "A topic that matters for it (repeatable; default: every topic).") var topic: [String] = []
    @Flag(help: "Remove the interview date and its topics.") var clear = false

    func validate() throws {
        if clear && (interview != nil || !topic.isEmpty) { throw ValidationError("--clear goes alone") }
        if interview == nil && !topic.isEmpty { throw ValidationError("--topic goes with --interview") }
        if let d = interview, RFC3339.parseDay(d) == nil { throw ValidationError("--interview: expected a date YYYY-MM-DD, found '\(d)'") }
    }

    func run() throws {
        try runReporting {
            let changing = clear || interview != nil
            let ctx = try AppContext.load(global, access: changing ? .write : .read)
            for w in ctx.warnings { warn(w) }
            var s = ctx.settings
            if clear {
                s.interviewDate = nil
                s.interviewTopics = []
            } else if let d = interview {
                try requireKnownTopics(topic, in: ctx.catalog)
                s.interviewDate = d
                s.interviewTopics = topic
            }
            if changing {
                try ctx.store.writeSettings(s)
            }
            guard let date = s.interviewDate, let day = RFC3339.parseDay(date) else {
                print(clear ? "Interview date cleared." : "No interview date set: prepdeck plan --interview YYYY-MM-DD [--topic T]…")
                return
            }
            let now = ctx.clock.now()
            let calendar = StudyCalendar(utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now))
            let left = day - calendar.day(of: now)
            let when = left > 1 ? "in \(left) days" : left == 1 ? "tomorrow" : left == 0 ? "today" : "\(-left) day(s) ago"
            print("Interview \(date) (\(when)); topics: \(s.interviewTopics.isEmpty ? "all" : s.interviewTopics.joined(separator: ", "))")
        }
    }
}

/// `prepdeck readiness`: per topic, the recall predicted for the interview day and the coverage.
struct ReadinessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readiness",
        abstract: "Predicted recall on the interview day, per topic, weakest first (see docs/scheduling.md).")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Predict for this date instead of the interview date set with `plan`.", valueName: "YYYY-MM-DD")) var at: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if let d = at, RFC3339.parseDay(d) == nil { throw ValidationError("--at: expected a date YYYY-MM-DD, found '\(d)'") }
    }

    func run() throws {
        try runReporting {
            let ctx = try AppContext.load(global, access: .read, decodedSchedules: true)
            for w in ctx.warnings { warn(w) }
            guard let date = at ?? ctx.settings.interviewDate, let day = RFC3339.parseDay(date) else {
                throw CLIError("no interview date: set one with prepdeck plan --interview YYYY-MM-DD (or pass --at YYYY-MM-DD)", code: 64)
            }
            let answers = try ctx.store.readLogs(.answers) { (l: ArraySlice<UInt8>) throws(LogLineError) -> AnswerRecord in
                try AnswerRecord.decode(try LogLineError.parse(l))
            }
            for w in answers.warnings { warn(w.description) }
            let timed = Set(answers.items.filter { $0.budgetSeconds != nil }.map(\.card))
            let now = ctx.clock.now()
            let calendar = StudyCalendar(utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now))
            let schedules = ctx.catalogSchedules
            var report = ReadinessReport(catalog: ctx.catalog, schedules: schedules, scheduler: ctx.progress.scheduler,
                                         desiredRetention: ctx.settings.desiredRetention, date: date, day: day,
                                         topics: at == nil ? ctx.settings.interviewTopics : [], timed: timed, calendar: calendar, now: now)
            if at == nil {
                report.addPlan(settings: ctx.settings, questions: ctx.catalog.questions, schedules: schedules,
                               progress: ctx.progress, calendar: calendar, now: now)
            }
            if json { printJSON(report.toJSON()); return }
            FileHandle.standardOutput.write(Data(terminalSafe(readinessText(report), keepNewlines: true).utf8))
        }
    }
}

func readinessText(_ r: ReadinessReport) -> String {
    func pct(_ x: Double) -> String { "\(Int((x * 100).rounded())) %" }
    let when = r.daysLeft > 1 ? "in \(r.daysLeft) days" : r.daysLeft == 1 ? "tomorrow" : r.daysLeft == 0 ? "today" : "passed"
    var out = "Interview \(r.date) (\(when)): predicted recall on the day, weakest topic first\n\n"
    let width = max(7, r.topics.map(\.topic.count).max() ?? 0)
    func row(_ f: ReadinessReport.Figures, _ name: String) -> String {
        name.padding(toLength: width, withPad: " ", startingAt: 0)
            + "  " + pct(f.recall).leftPad(6) + "  " + "\(f.seen)/\(f.cards)".leftPad(9) + "  " + "\(f.timed)/\(f.cards)".leftPad(9)
            + "  " + "\(f.neverSeen)".leftPad(10) + "  " + "\(f.forgotten)".leftPad(9) + "\n"
    }
    out += "topic".padding(toLength: width, withPad: " ", startingAt: 0) + "  " + "recall".leftPad(6) + "  " + "seen".leftPad(9)
        + "  " + "timed".leftPad(9) + "  " + "never seen".leftPad(10) + "  " + "forgotten".leftPad(9) + "\n"
    for t in r.topics { out += row(t, t.topic) }
    out += row(r.overall, "overall")
    if let n = r.planNewToday { out += "\nThe plan: \(n) new card(s) today, so that every chosen card is seen before \(r.date).\n" }
    if let p = r.plan {
        if let followed = r.overall.recallIfFollowed {
            out += "Recall on the day if you follow it (every card rated Good): \(pct(followed)); if you stop now: \(pct(r.overall.recall)).\n"
        }
        if p.aheadCandidates > 0 {
            out += "\(p.aheadCandidates) review(s) pulled ahead of their due time, so that they are above \(pct(r.desiredRetention)) on the day.\n"
        }
        out += "\n" + "day".padding(toLength: 12, withPad: " ", startingAt: 0) + "new".leftPad(6) + "reviews".leftPad(9) + "ahead".leftPad(7) + "\n"
        for d in p.days {
            out += RFC3339.formatDay(d.day).padding(toLength: 12, withPad: " ", startingAt: 0) + "\(d.new)".leftPad(6)
                + "\(d.reviews)".leftPad(9) + "\(d.ahead)".leftPad(7) + "\n"
        }
        let followedWidth = max(7, r.topics.map(\.topic.count).max() ?? 0)
        out += "\n" + "topic".padding(toLength: followedWidth, withPad: " ", startingAt: 0) + "  " + "now".leftPad(6) + "  " + "followed".leftPad(8) + "\n"
        for t in r.topics + [r.overall] {
            out += (t.topic.isEmpty ? "overall" : t.topic).padding(toLength: followedWidth, withPad: " ", startingAt: 0) + "  "
                + pct(t.recall).leftPad(6) + "  " + (t.recallIfFollowed.map(pct) ?? "-").leftPad(8) + "\n"
        }
    }
    out += "\nrecall: mean predicted recall of the topic's cards on \(r.date) at 09:00 (never seen: 0). forgotten: seen, but under 50 %.\n"
    return out
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
