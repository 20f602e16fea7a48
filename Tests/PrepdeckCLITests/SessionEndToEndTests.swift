import Foundation
import Testing
import PrepdeckCore

func readLines(_ path: String) -> [String] {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}

/// Practice and review in the real binary, in tmux, against a temporary data directory.
@Suite(.serialized) struct SessionEndToEndTests {
    func launch(_ dir: String, _ args: String, width: Int = 100, height: Int = 30) throws -> TmuxSession {
        try TmuxSession(width: width, height: height,
                        command: shellQuote(prepdeckBinary()) + " --data-dir " + shellQuote(dir) + " --bank " + shellQuote(seedBank) + " " + args)
    }

    @Test func aTimedPracticeSessionFromCountdownToSummary() throws {
        let dir = tempDataDir()
        let t = try launch(dir, "practice --count 1 --seconds-per-question 20")
        var s = t.waitFor(text: "Question 1 of 1")
        #expect(s.contains("Caching strategy for a read-heavy product catalog") && s.contains("/ 0:20"))
        // The countdown falls.
        let first = s
        s = t.waitFor(5) { $0.contains("⏱ 0:1") && $0 != first }
        #expect(s.contains("⏱ 0:1"))
        t.type("Cache-aside with TTL 缓存 and 日本語 notes")
        s = t.waitFor(text: "日本語 notes")
        #expect(s.contains("Your answer · 7 words"))
        t.send("C-s")
        s = t.waitFor(text: "Key points covered")
        #expect(s.contains("Model answer"))
        t.send("Space")
        s = t.waitFor(text: "covered · 1/")
        t.send("3")
        s = t.waitFor(text: "Session summary")
        #expect(s.contains("Good") && s.contains("1/") && s.contains("/ 0:20"))
        #expect(t.exportSummaryAndQuit().contains("EXIT=0"))
        // Exactly one answer (text intact), one practice rating and one session on disk.
        let answers = readLines(dir + "/answers.jsonl")
        #expect(answers.count == 1)
        let a = try AnswerRecord.decode(try JSONParser.parse(answers[0]))
        #expect(a.text == "Cache-aside with TTL 缓存 and 日本語 notes" && a.card == "caching-product-catalog" && a.keyPoints == [0])
        #expect(a.budgetSeconds == 20 && a.rating == .good)
        let reviews = readLines(dir + "/reviews.jsonl")
        #expect(reviews.count == 1)
        guard case let .review(r) = try LogEntry.decode(line: ArraySlice(reviews[0].utf8)) else { Issue.record("not a rating"); return }
        #expect(r.mode == .practice && r.rating == .good && r.card == "caching-product-catalog" && (r.ms ?? 0) > 0)
        let sessions = readLines(dir + "/sessions.jsonl")
        #expect(sessions.count == 1)
        let rec = try SessionRecord.decode(try JSONParser.parse(sessions[0]))
        #expect(rec.items.count == 1 && rec.items[0].answer == a.id && a.session == rec.id)
        // The Markdown export reads well and matches the CLI's.
        let exported = try String(contentsOfFile: dir + "/exports/session-\(rec.id).md", encoding: .utf8)
        #expect(exported.contains("# Practice session") && exported.contains("Cache-aside with TTL 缓存") && exported.contains("### Model answer"))
        let cli = try prepdeck(["export", "-", "--format", "md", "--session", rec.id, "--bank", seedBank], dataDir: dir)
        #expect(cli.status == 0 && cli.stdout == exported, "\(cli.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/drafts/caching-product-catalog.md"))
    }

    @Test func aDraftSurvivesKillDashNine() throws {
        let dir = tempDataDir()
        var t: TmuxSession? = try launch(dir, "practice --count 1")
        t!.waitFor(text: "Question 1 of 1")
        t!.type("half-written answer 日本")
        t!.waitFor(text: "half-written answer 日本")
        // Autosave is at most a second or two behind: wait for the draft file.
        let draft = dir + "/drafts/caching-product-catalog.md"
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: draft) && Date() < deadline { usleep(50_000) }
        let shell = ((try? t!.tmux(["list-panes", "-t", t!.name, "-F", "#{pane_pid}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? spawnAndWait(["pkill", "-KILL", "-P", shell])
        #expect(t!.waitFor(text: "EXIT=137").contains("EXIT=137"))
        t = nil
        #expect((try? String(contentsOfFile: draft, encoding: .utf8)) == "half-written answer 日本")
        // The next start brings it back.
        let again = try launch(dir, "practice --count 1")
        #expect(again.waitFor(text: "half-written answer 日本").contains("Your answer · 3 words"))
        again.send("C-c")
        #expect(again.waitForExit().contains("EXIT=0"))
    }

    /// Issue 17, case 4: SIGHUP (the terminal window closed), SIGTERM and SIGINT save the newest typing
    /// before the terminal is restored, though autosave trails typing by up to a second.
    @Test(arguments: ["HUP", "TERM", "INT"])
    func aSignalSavesTheLatestTyping(signal: String) throws {
        let dir = tempDataDir()
        var t: TmuxSession? = try launch(dir, "practice --count 1")
        t!.waitFor(text: "Question 1 of 1")
        t!.type("first part")
        let draft = dir + "/drafts/caching-product-catalog.md"
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: draft) && Date() < deadline { usleep(50_000) }
        // Typed after the autosave, and the signal sent at once: only the signal's flush can save it.
        t!.type(" and the rest")
        t!.waitFor(text: "first part and the rest")
        let shell = ((try? t!.tmux(["list-panes", "-t", t!.name, "-F", "#{pane_pid}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? spawnAndWait(["pkill", "-\(signal)", "-P", shell])
        let screen = t!.waitFor(text: "EXIT=")
        t = nil
        #expect(screen.contains("EXIT=1"), "\(screen)") // 128 + the signal
        #expect((try? String(contentsOfFile: draft, encoding: .utf8)) == "first part and the rest")
    }

    /// Issue 16, item 4: a write command while the app reviews in the same directory refuses with 75 and
    /// writes nothing; once the app has quit it lands; every line of the log is whole.
    @Test func aSecondWriterIsRefusedWhileTheAppReviews() throws {
        let dir = tempDataDir(), other = tempDataDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let old = RFC3339.format(Date().addingTimeInterval(-40 * 86400))
        try write(other + "/reviews.jsonl", (0..<50).map {
            "{\"id\":\"imp\($0)\",\"card\":\"ask-on-call\",\"rating\":3,\"at\":\"\(old)\",\"mode\":\"review\"}"
        }.joined(separator: "\n") + "\n")
        #expect(try prepdeck(["export", other + "/export.json", "--format", "json", "--bank", seedBank], dataDir: other).status == 0)
        let t = try launch(dir, "review")
        t.waitFor(text: " new · ")
        var rated = 0
        for _ in 0..<3 {
            t.send("Space")
            t.waitFor(text: "── Model answer")
            let r = try prepdeck(["import", other + "/export.json", "--bank", seedBank], dataDir: dir)
            #expect(r.status == 75 && r.stderr.contains("another prepdeck"), "\(r.status) \(r.stderr)")
            t.send("3")
            rated += 1
            t.waitFor(text: "\(rated) reviewed")
        }
        t.send("q")
        t.waitFor(text: "Questions ")
        t.send("q")
        #expect(t.waitForExit().contains("EXIT=0"))
        let r = try prepdeck(["import", other + "/export.json", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 0 && r.stdout.contains("imported 50 reviews"), "\(r.status) \(r.stdout) \(r.stderr)")
        let lines = readLines(dir + "/reviews.jsonl")
        #expect(lines.count == rated + 50)
        for line in lines { #expect((try? LogEntry.decode(line: ArraySlice(line.utf8))) != nil, "\(line)") }
    }

    /// Issue 17, case 3: a second instance is read-only; its rating is refused on screen, not only in a banner.
    @Test func aRatingARunningInstanceCannotWriteIsNotShownAsDone() throws {
        let dir = tempDataDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let log = """
            {"id":"o1","card":"caching-product-catalog","rating":3,"at":"\(RFC3339.format(Date().addingTimeInterval(-40 * 86400)))","mode":"review"}
            {"id":"o2","card":"caching-product-catalog","rating":3,"at":"\(RFC3339.format(Date().addingTimeInterval(-40 * 86400 + 600)))","mode":"review"}

            """
        try write(dir + "/reviews.jsonl", log)
        let holder = try holdLock(dir + "/lock")
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        let t = try launch(dir, "review")
        var s = t.waitFor(text: "1 due · ")
        #expect(s.contains("Caching strategy for a read-heavy product catalog"))
        t.send("Space")
        t.waitFor(text: "── Model answer")
        t.send("3")
        s = t.waitFor(text: "Rating not saved, the card stays")
        #expect(s.contains("Caching strategy for a read-heavy product catalog") && s.contains("1 due · ") && !s.contains("reviewed"))
        t.send("q")
        t.waitFor(text: "Questions ")
        t.send("q")
        #expect(t.waitForExit().contains("EXIT=0"))
        #expect(try String(contentsOfFile: dir + "/reviews.jsonl", encoding: .utf8) == log)
    }

    @Test func aDayOfReviewWithUndoAndALearningStep() throws {
        let dir = tempDataDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let now = Date()
        func at(_ s: Double) -> String { RFC3339.format(now.addingTimeInterval(s)) }
        // An overdue card, a card not yet due, and (new_per_day 1) one new card; a 3-second learning step.
        try write(dir + "/reviews.jsonl", """
            {"id":"o1","card":"caching-product-catalog","rating":3,"at":"\(at(-40 * 86400))","mode":"review"}
            {"id":"o2","card":"caching-product-catalog","rating":3,"at":"\(at(-40 * 86400 + 600))","mode":"review"}
            {"id":"f1","card":"multi-region-social-app","rating":4,"at":"\(at(-86400 * 2))","mode":"review"}

            """)
        try write(dir + "/settings.json", "{\"new_per_day\": 1, \"learning_steps_minutes\": [0.05], \"fuzz\": false}")
        let t = try launch(dir, "review")
        var s = t.waitFor(text: "1 due · 1 new · 0 learning")
        #expect(s.contains("Caching strategy for a read-heavy product catalog"))
        t.send("Space")
        s = t.waitFor(text: "── Model answer")
        let goodLabel = s.components(separatedBy: "\n").last { $0.contains("3 Good · ") } ?? ""
        t.send("3")
        s = t.waitFor(text: "Optimistic vs pessimistic locking")
        #expect(s.contains("0 due · 1 new"))
        t.send("u")
        s = t.waitFor(text: "Undone:")
        #expect(s.contains("Caching strategy") && s.contains("1 due"))
        t.send("Space")
        t.waitFor(text: "── Model answer")
        t.send("3")
        t.waitFor(text: "Optimistic vs pessimistic locking")
        t.send("Space")
        t.waitFor(text: "1 Again")
        t.send("1")
        s = t.waitFor(text: "Nothing is due right now.")
        #expect(s.contains("0 due · 0 new · 0 learning"))
        // After its 3-second step the card comes back by itself.
        s = t.waitFor(10) { $0.contains("1 learning") && $0.contains("Optimistic vs pessimistic locking") }
        #expect(s.contains("0 due · 0 new · 1 learning"))
        t.send("q")
        t.waitFor(text: "Questions ")
        t.send("q")
        #expect(t.waitForExit().contains("EXIT=0"))
        // The log holds exactly the ratings, the undo line, and nothing rewritten.
        let lines = readLines(dir + "/reviews.jsonl")
        #expect(lines.count == 3 + 4) // Good, undo, Good, Again
        let entries = try lines.map { try LogEntry.decode(line: ArraySlice($0.utf8)) }
        let tail = Array(entries.suffix(4))
        guard case let .review(g1) = tail[0], case let .undo(u) = tail[1], case let .review(g2) = tail[2], case let .review(a) = tail[3] else {
            Issue.record("unexpected lines: \(lines)"); return
        }
        #expect(g1.rating == .good && u.undo == g1.id && g2.rating == .good && g2.card == g1.card && a.rating == .again && a.card == "optimistic-locking-inventory")
        #expect(g2.mode == .review && g2.ms != nil)
        // list --json agrees with a replay of exactly those ratings, and with the interval on the key.
        let r = try prepdeck(["list", "--json", "--bank", seedBank], dataDir: dir)
        let arr = try #require(try JSONParser.parse(r.stdout).array)
        func schedule(_ id: String) -> JSONNode? { arr.first { $0["id"]?.string == id }?["schedule"] }
        #expect(schedule("caching-product-catalog")?["reps"]?.int == 3)
        #expect(schedule("caching-product-catalog")?["state"]?.string == "review")
        #expect(schedule("optimistic-locking-inventory")?["state"]?.string == "learning")
        #expect(schedule("optimistic-locking-inventory")?["reps"]?.int == 1)
        var settings = Settings()
        settings.fuzz = false
        settings.learningStepsMinutes = [0.05]
        let fsrs = FSRS(settings: settings)
        let expected = fsrs.replay(entries.compactMap { if case let .review(e) = $0, e.card == "caching-product-catalog", e.id != g1.id { return e }; return nil }, cardID: "caching-product-catalog")
        #expect(schedule("caching-product-catalog")?["due"]?.string == RFC3339.format(expected.due!))
        let interval = shortInterval(expected.due!.timeIntervalSince(g2.at))
        #expect(goodLabel.contains("3 Good · \(interval)"), "\(goodLabel) vs \(interval)")
    }
}
