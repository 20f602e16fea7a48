import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckUI

/// A practice session driven headless, with the monotonic clock passed in by hand.
@Suite struct PracticeTests {
    func started(count: Int = 2, timing: PracticeTiming = .secondsPerQuestion(60), order: PracticeOrder = .unseen) -> AppModel {
        var m = makeModel()
        var o = PracticeOptions()
        o.count = count
        o.timing = timing
        o.order = order
        _ = m.startPractice(o, now: now, mono: 1000)
        return m
    }

    @Test func setupFormChangesOptionsAndStarts() {
        var m = makeModel(width: 100, height: 30)
        m.press(.char("P"))
        var s = m.screen()
        #expect(s.contains("New practice session") && s.contains("Questions") && s.contains("◂ 5 ▸") && s.contains("5 questions match"))
        m.press(.left, .left, .left) // 2 questions
        #expect(m.practice.options.count == 2)
        m.press(.char("j"), .char(" ")) // untick Easy
        #expect(m.practice.options.filter.difficulties == [.easy])
        m.press(.char(" "))
        #expect(m.practice.options.filter.difficulties.isEmpty)
        m.press(.char("j"), .char("j"), .enter) // the topic picker
        #expect(m.topicPicker == 0 && m.screen().contains("Topics · space ticks"))
        m.press(.char(" "), .enter)
        #expect(m.practice.options.filter.topics == ["caching"])
        m.press(.char("j"), .right) // time: 2 min per question
        #expect(m.practice.options.timing == .secondsPerQuestion(120))
        m.press(.char("j"), .right)
        #expect(m.practice.options.order == .weakest)
        s = m.screen()
        #expect(s.contains("2 min per question") && s.contains("weakest first") && s.contains("1 questions match"))
        m.press(.enter)
        #expect(m.practice.phase == .answering && m.practice.session?.items.count == 1)
        #expect(m.practice.current?.question.id == "caching-product-catalog")
    }

    @Test func countdownFallsWarnsAndCountsOvertime() {
        var m = started()
        #expect(m.screen().contains("⏱ 1:00 / 1:00"))
        _ = m.update(.tick, now: now, mono: 1030)
        #expect(m.screen().contains("⏱ 0:30 / 1:00"))
        _ = m.update(.tick, now: now, mono: 1050)
        let (text, style) = m.countdown(m.practice.current!)
        #expect(text == "⏱ 0:10 / 1:00" && style == m.theme.warning) // last 20 %
        _ = m.update(.tick, now: now, mono: 1075)
        let over = m.countdown(m.practice.current!)
        #expect(over.0 == "⏱ +0:15 over 1:00" && over.1 == m.theme.danger)
        #expect(m.practice.current!.elapsed == 75)
    }

    @Test func helpOverlayAndEditorPauseTheClock() {
        var m = started()
        _ = m.update(.tick, now: now, mono: 1010)
        _ = m.update(.key(.function(1)), now: now, mono: 1010)
        #expect(m.showHelp && m.screen().contains("Practice · answer editor"))
        _ = m.update(.tick, now: now, mono: 1100)
        _ = m.update(.key(.char("x")), now: now, mono: 1100) // closes help
        #expect(!m.showHelp)
        _ = m.update(.tick, now: now, mono: 1105)
        #expect(m.practice.current!.elapsed == 15)
        let effects = m.update(.key(.ctrl("o")), now: now, mono: 1105)
        #expect(effects == [.openEditor(card: m.practice.current!.question.id, text: "")])
        _ = m.update(.editorReturned(card: m.practice.current!.question.id, text: "from vim"), now: now, mono: 1300)
        #expect(m.practice.editor.text == "from vim")
        _ = m.update(.tick, now: now, mono: 1301)
        #expect(m.practice.current!.elapsed == 16)
    }

    @Test func lettersAreTextInTheEditorNotCommands() {
        var m = started()
        for c in "qB?PRS[]jk/" { _ = m.update(.key(.char(c)), now: now, mono: 1001) }
        #expect(m.practice.editor.text == "qB?PRS[]jk/" && m.tab == .practice)
    }

    @Test func draftsAreAutosavedAndRestored() {
        var m = started()
        var effects = m.update(.key(.char("a")), now: now, mono: 1000.2)
        #expect(effects.isEmpty) // under a second since the question opened
        effects = m.update(.tick, now: now, mono: 1001.5)
        let card = m.practice.current!.question.id
        #expect(effects == [.saveDraft(card: card, text: "a")])
        #expect(m.tickIntervalMs(now: now) > 0)
        _ = m.update(.key(.escape), now: now, mono: 1002)
        #expect(m.practice.menuOpen && m.screen().contains("Paused · draft saved"))
        // A new session on the same question comes back with the draft.
        var again = makeModel()
        again.drafts[card] = "a draft"
        var o = PracticeOptions()
        o.count = 1
        o.order = .unseen
        _ = again.startPractice(o, now: now, mono: 0)
        #expect(again.practice.editor.text == "a draft")
    }

    @Test func submitTickRateLogsEverythingAndShowsTheSummary() throws {
        var m = started(count: 2)
        let q1 = m.practice.current!.question
        for c in "Cache 日本" { _ = m.update(.key(.char(c)), now: now, mono: 1010) }
        var effects = m.update(.key(.ctrl("s")), now: now, mono: 1042)
        #expect(m.practice.phase == .comparing)
        #expect(effects.contains(.saveDraft(card: q1.id, text: "Cache 日本")))
        let s = m.screen()
        #expect(s.contains("you took 0:42 of 1:00") && s.contains("Key points covered · 0/3 · pre-ticked from your answer (0)"))
        #expect(s.contains("1 Again · 1m") && s.contains("3 Good · 10m"))
        for k in [Key.char(" "), .char("j"), .char("j"), .char(" ")] { _ = m.update(.key(k), now: now, mono: 1045) }
        #expect(m.practice.current!.covered == [0, 2])
        effects = m.update(.key(.char("3")), now: now, mono: 1050)
        let review = try #require(effects.compactMap { if case let .appendReview(l) = $0 { return l }; return nil }.first)
        let entry = try LogEntry.decode(line: ArraySlice(review.utf8))
        guard case let .review(r) = entry else { Issue.record("not a review"); return }
        #expect(r.card == q1.id && r.rating == .good && r.mode == .practice && r.ms == 42000)
        let answerLine = try #require(effects.compactMap { if case let .appendAnswer(l) = $0 { return l }; return nil }.first)
        let answer = try AnswerRecord.decode(try JSONParser.parse(answerLine))
        #expect(answer.text == "Cache 日本" && answer.keyPoints == [0, 2] && answer.keyPointsTotal == 3 && answer.budgetSeconds == 60)
        #expect(answer.session == m.practice.session?.id && answer.rating == .good)
        #expect(effects.contains(.saveDraft(card: q1.id, text: "")))
        #expect(m.progress.schedule(q1.id).state == .learning)
        #expect(m.answers[q1.id]?.first == answer)
        // Second question: skip it from the menu; the session ends with a summary.
        #expect(m.practice.phase == .answering && m.practice.session?.index == 1)
        _ = m.update(.key(.escape), now: now, mono: 1055)
        effects = m.update(.key(.char("s")), now: now, mono: 1060)
        #expect(m.practice.phase == .summary)
        let sessionLine = try #require(effects.compactMap { if case let .appendSession(l) = $0 { return l }; return nil }.first)
        let rec = try SessionRecord.decode(try JSONParser.parse(sessionLine))
        #expect(rec.items.count == 2 && rec.items[0].rating == .good && rec.items[1].skipped && rec.outcome == "completed")
        let summary = m.screen()
        #expect(summary.contains("Session summary") && summary.contains("0:42 / 1:00") && summary.contains("2/3") && summary.contains("Good"))
        #expect(summary.contains("skipped"))
        // Export as Markdown.
        effects = m.update(.key(.char("x")), now: now, mono: 1061)
        guard case let .exportReport(name, md)? = effects.first else { Issue.record("no export"); return }
        #expect(name == "session-\(rec.id).md")
        #expect(md.contains("# Practice session") && md.contains("### Your answer\n\nCache 日本") && md.contains("- [x] first point") && md.contains("### Model answer"))
    }

    @Test func endingEarlyAndQuittingWriteTheSession() {
        var m = started(count: 3)
        let typed = m.update(.key(.char("x")), now: now, mono: 1005)
        #expect(typed == [.saveDraft(card: "caching-product-catalog", text: "x")])
        _ = m.update(.key(.char("y")), now: now, mono: 1005.5)
        let effects = m.update(.key(.ctrl("c")), now: now, mono: 1006)
        #expect(effects.last == .quit)
        #expect(effects.contains { if case .appendSession = $0 { return true }; return false })
        // The text typed since the last autosave is written before quitting.
        #expect(effects.contains(.saveDraft(card: "caching-product-catalog", text: "xy")))
    }

    @Test func totalMinutesAreSharedByDefaultLimit() {
        let qs = [sampleQuestions[0], sampleQuestions[2]] // medium 8, hard 15
        let b = PracticeTiming.totalMinutes(23).budgets(for: qs)
        #expect(b == [480, 900])
        #expect(PracticeTiming.bankDefault.budgets(for: qs) == [480, 900])
        #expect(PracticeTiming.untimed.budgets(for: qs) == [nil, nil])
    }

    @Test func answeringFromBrowseIsUntimedAndReturns() {
        var m = makeModel()
        m.press(.enter)
        #expect(m.tab == .practice && m.practice.phase == .answering && m.practice.current?.budget == nil)
        #expect(m.screen().contains("⏱ 0:00"))
        m.type("my answer")
        m.press(.ctrl("s"), .char("4"))
        #expect(m.tab == .browse && m.banner?.text.hasPrefix("Answer saved · rated Easy") == true)
        // The detail pane lists the answer.
        #expect(m.screen().contains("Your answers (1)") || m.browse.detailLines(model: m, width: 60, now: now).contains { $0.plainText.contains("Your answers (1)") })
    }

    @Test func orders() {
        var rng = SeededRandom(seed: 1)
        let p = StudyProgress(entries: [.review(ReviewEvent(id: "1", card: "ask-on-call", rating: .again, at: now.addingTimeInterval(-3600)))], settings: Settings())
        let due = pickPracticeQuestions(sampleQuestions, filter: QuestionFilter(), order: .due, count: 2, progress: p, now: now, random: &rng)
        #expect(due.first?.id == "ask-on-call")
        let unseen = pickPracticeQuestions(sampleQuestions, filter: QuestionFilter(), order: .unseen, count: 5, progress: p, now: now, random: &rng)
        #expect(unseen.last?.id == "ask-on-call")
        var a = SeededRandom(seed: 7), b = SeededRandom(seed: 7)
        #expect(pickPracticeQuestions(sampleQuestions, filter: QuestionFilter(), order: .random, count: 5, progress: p, now: now, random: &a).map(\.id)
                == pickPracticeQuestions(sampleQuestions, filter: QuestionFilter(), order: .random, count: 5, progress: p, now: now, random: &b).map(\.id))
    }
}

@Suite struct PracticeSafetyTests {
    @Test func escapeSavesTheNewestTypingAtOnce() {
        var m = makeModel()
        var o = PracticeOptions()
        o.count = 1
        _ = m.startPractice(o, now: now, mono: 0)
        _ = m.update(.key(.char("a")), now: now, mono: 2)   // autosaved ("a")
        _ = m.update(.key(.char("b")), now: now, mono: 2.1) // not yet
        let effects = m.update(.key(.escape), now: now, mono: 2.2)
        #expect(effects == [.saveDraft(card: "caching-product-catalog", text: "ab")])
    }

    @Test func answeringFromBrowseEndsARunningSessionWithItsSummary() {
        var m = makeModel()
        var o = PracticeOptions()
        o.count = 2
        _ = m.startPractice(o, now: now, mono: 0)
        _ = m.update(.key(.char("x")), now: now, mono: 5)
        m.press(.escape)
        _ = m.update(.key(.char("B")), now: now, mono: 6) // the menu is open: B goes to Browse
        #expect(m.tab == .browse)
        let effects = m.update(.key(.enter), now: now, mono: 7)
        #expect(effects.contains { if case let .appendSession(l) = $0 { return l.contains("\"outcome\":\"ended early\"") }; return false })
        #expect(m.practice.returnToBrowse && m.practice.session?.items.count == 1)
    }

    @Test func reportHeadingsNestUnderTheQuestion() {
        let q = question("q-h", "Headings", answer: "## Part\n\ntext\n\n```python\n# a comment\n```")
        let catalog = try! Catalog(banks: [Bank(file: "t", deck: Deck(id: "t", title: "T"), questions: [q])])
        let rec = SessionRecord(id: "s", started: now, ended: now, outcome: "completed", items: [
            .init(card: "q-h", title: "Headings", seconds: 5.96, budgetSeconds: 60, keyPoints: 1, keyPointsTotal: 3, rating: .good, skipped: false, answer: nil)])
        let md = sessionReport(rec, answers: [:], catalog: catalog)
        #expect(md.contains("#### Part") && md.contains("\n# a comment\n") && md.contains("0:06 of 1:00"))
    }
}
