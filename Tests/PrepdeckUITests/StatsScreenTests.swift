import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckUI

@Suite struct StatsScreenTests {
    /// A report set by hand: today is 2026-11-29 (a Sunday).
    static func sampleReport(topicCount: Int = 6) -> StatsReport {
        var r = StatsReport()
        r.today = RFC3339.daysFromCivil(year: 2026, month: 11, day: 29)
        r.cards = 120
        r.totalReviews = 950
        r.dueToday = 14
        r.newAvailableToday = 6
        r.learning = 3
        r.reviewsToday = 9
        r.forecast = [14, 3, 0, 8, 1, 0, 0, 21, 4, 2] + [Int](repeating: 1, count: 20)
        r.heatmap = (0..<182).map { k in
            let day = r.today - 181 + k
            return StatsReport.Day(date: RFC3339.formatDay(day), day: day, count: k % 5 == 0 ? 0 : (k * 7) % 23)
        }
        r.retention30d = 0.873
        r.retentionRatings = 150
        r.streakDays = 12
        r.totalReviewSeconds = 3 * 3600 + 25 * 60
        r.totalPracticeSeconds = 50 * 60
        let names = ["caching", "concurrency", "postgresql", "system-design", "testing", "observability-and-monitoring", "queues", "security"]
        r.topics = (0..<topicCount).map { k in
            StatsReport.Topic(topic: names[k % names.count] + (k >= names.count ? "-\(k)" : ""), cards: 20, learned: 10 + k % 7,
                              mastery: [0.72, 0.15, 0.55, 0.91, 0.4, 0.33, 0.64, 0.05][k % 8])
        }
        return r
    }

    func render(_ report: StatsReport, width: Int, height: Int, theme: Theme, scroll: Int = 0) -> Grid {
        var g = Grid(width: width, height: height)
        StatsScreen.draw(&g, in: g.bounds, report: report, theme: theme, scroll: scroll)
        return g
    }

    /// The whole content, in a grid tall enough for all of it.
    func full(_ report: StatsReport, width: Int, theme: Theme = .color) -> Grid {
        render(report, width: width, height: StatsScreen.contentHeight(width: width, report: report), theme: theme)
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func readsWellWithAndWithoutColour(size: (Int, Int)) {
        let (w, h) = size
        let report = Self.sampleReport()
        for theme in [Theme.color, Theme.monochrome] {
            let g = render(report, width: w, height: h, theme: theme)
            let text = g.text
            #expect(text.contains("14 due today") && text.contains("6 new today") && text.contains("3 learning"))
            #expect(text.contains("9 reviewed today") && text.contains("12 days streak") && text.contains("87.3 % retention"))
            #expect(text.contains("3h 25m reviewing") && text.contains("50m practicing"))
            #expect(text.contains("Weakest: concurrency 15% · observability-and-") && text.contains(" 33% · testing 40%"))
            // Forecast bars, the largest value on the axis, day labels.
            #expect(text.contains("Due — next 30 days"))
            #expect(text.contains("21 ┤"))
            #expect(text.contains("█") && ["▁", "▂", "▃", "▄", "▅", "▆", "▇"].contains { text.contains($0) })
            #expect(text.contains("today") && text.contains("+7d") && text.contains("+14d"))
            // Every line fits the grid.
            for line in g.lines { #expect(displayWidth(line) == w) }
            if theme.isMonochrome {
                for cell in g.cells { #expect(cell.style.fg == .default && cell.style.bg == .default) }
            }
        }
    }

    @Test func theHeatMapIsACalendarWithALegend() throws {
        let report = Self.sampleReport()
        for width in [80, 120] {
            for theme in [Theme.color, Theme.monochrome] {
                let g = full(report, width: width, theme: theme)
                let lines = g.lines
                let title = try #require(lines.firstIndex { $0.contains("Reviews — last 26 weeks") })
                // Month names, then 7 rows of 26 week cells; the bottom row ends with today (a Sunday).
                let months = lines[title + 1]
                #expect(months.contains("Jun") && months.contains("Nov"))
                let rows = lines[(title + 2)..<(title + 9)]
                #expect(rows.map { String($0.prefix(4)).trimmingCharacters(in: .whitespaces) } == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"])
                for row in rows {
                    let cells = row.filter { StatsScreen.heatGlyphs.contains(String($0)) }
                    #expect(cells.count == 26)
                }
                // 2026-11-29 is index 181: 181 % 5 != 0, count (181 * 7) % 23 = 2 → a lit cell, bottom right.
                let sunday = rows.last!.filter { StatsScreen.heatGlyphs.contains(String($0)) }
                #expect(sunday.last.map { $0 != "·" } == true)
                #expect(lines[title + 9].contains("less · ░ ▒ ▓ █ more"))
                // Levels stay distinct without colour: every glyph is used.
                let body = rows.joined()
                for glyph in StatsScreen.heatGlyphs { #expect(body.contains(glyph), "\(glyph)") }
            }
        }
    }

    @Test func theWeakestTopicComesFirst() throws {
        let report = Self.sampleReport()
        let g = full(report, width: 80)
        let lines = g.lines
        let title = try #require(lines.firstIndex { $0.contains("Topics — mastery, weakest first") })
        let rows = lines[(title + 1)...].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(rows.count == 6)
        #expect(rows.first?.contains("concurrency") == true && rows.first?.contains("15%") == true)
        #expect(rows.last?.contains("system-design") == true && rows.last?.contains("91%") == true)
        // Bars of █ and ░; learned/cards.
        #expect(rows.allSatisfy { $0.contains("░") && $0.contains("/20") })
        let percents = rows.compactMap { row -> Int? in
            guard let r = row.range(of: #"\d+%"#, options: .regularExpression) else { return nil }
            return Int(row[r].dropLast())
        }
        #expect(percents == percents.sorted())
        #expect(lines.contains { $0.contains("87.3 % of 150 ratings") })
    }

    @Test func scrollingShowsTheRestAndIsClamped() {
        let report = Self.sampleReport(topicCount: 30)
        let height = StatsScreen.contentHeight(width: 80, report: report)
        #expect(height > 24)
        let top = render(report, width: 80, height: 24, theme: .color)
        #expect(top.text.contains("due today") && !top.text.contains("Topics — mastery"))
        #expect(top.lines.last?.hasSuffix("↓") == true)
        let bottom = render(report, width: 80, height: 24, theme: .color, scroll: height - 24)
        #expect(bottom.text.contains("system-design")) // the strongest topic, last
        #expect(bottom.lines.first?.hasSuffix("↑") == true)
        // Past the end: the same as the last page.
        #expect(render(report, width: 80, height: 24, theme: .color, scroll: height + 50) == bottom)
        #expect(render(report, width: 80, height: 24, theme: .color, scroll: -3) == top)
    }

    @Test func noLineIsWiderThanTheScreenAtAnyWidth() {
        var report = Self.sampleReport(topicCount: 9)
        report.topics[0].topic = "a-very-long-topic-name-that-goes-on-and-on-and-on-forever-and-ever"
        report.forecast[3] = 123_456
        for width in 20...140 {
            let content = StatsScreen.lines(width: width - 2, report: report, theme: .color)
            for line in content { #expect(line.width <= width - 2, "width \(width): \(line.plainText)") }
        }
    }

    @Test func anEmptyReportSaysSo() {
        var report = StatsReport()
        report.forecast = [Int](repeating: 0, count: 30)
        report.heatmap = (0..<182).map { StatsReport.Day(date: RFC3339.formatDay(20_000 + $0), day: 20_000 + $0, count: 0) }
        let text = render(report, width: 80, height: 40, theme: .monochrome).text
        #expect(text.contains("Nothing is due in the next 30 days."))
        #expect(text.contains("No card in review was rated in the last 30 days."))
        #expect(text.contains("— retention") && text.contains("0 days streak"))
    }

    @Test func heatLevelsByQuarterOfTheBusiestDay() {
        #expect(StatsScreen.heatLevel(0, peak: 10) == 0)
        #expect(StatsScreen.heatLevel(1, peak: 10) == 1)
        #expect(StatsScreen.heatLevel(3, peak: 12) == 1)
        #expect(StatsScreen.heatLevel(4, peak: 12) == 2)
        #expect(StatsScreen.heatLevel(9, peak: 12) == 3)
        #expect(StatsScreen.heatLevel(10, peak: 12) == 4)
        #expect(StatsScreen.heatLevel(12, peak: 12) == 4)
        #expect(StatsScreen.heatLevel(5, peak: 0) == 0)
    }
}

/// Issue 12: the Ready part of the Stats tab, when an interview date is set.
@Suite struct ReadyViewTests {
    func model(width: Int, height: Int) -> AppModel {
        // caching-product-catalog reviewed twice a month ago (review state); everything else unseen.
        let entries: [LogEntry] = [
            .review(ReviewEvent(id: "r1", card: "caching-product-catalog", rating: .good, at: now.addingTimeInterval(-30 * 86400))),
            .review(ReviewEvent(id: "r2", card: "caching-product-catalog", rating: .good, at: now.addingTimeInterval(-30 * 86400 + 600))),
        ]
        var m = makeModel(entries: entries, width: width, height: height)
        m.progress.settings.interviewDate = "2026-12-06" // a week after `now`
        return m
    }

    @Test(arguments: [(80, 24), (40, 12)])
    func theWeakestTopicComesFirst(size: (Int, Int)) {
        var m = model(width: size.0, height: size.1)
        m.press(.char("S"))
        let ready = try! #require(m.readinessReport)
        #expect(ready.daysLeft == 7 && ready.topics.first?.recall == 0)
        #expect(Set(ready.topics.filter { $0.recall > 0 }.map(\.topic)) == ["caching", "system-design"])
        var screen = m.screen()
        // Scroll until the Ready part is all on screen (it comes right after the summary).
        var seen = screen
        for _ in 0..<12 where !seen.contains("caching ") { m.press(.char("j")); screen = m.screen(); seen += screen }
        #expect(seen.contains("Ready for 2026-12-06"), "\(seen)")
        #expect(seen.contains("cards never seen") && seen.contains("forgotten"), "\(seen)")
        // The weakest topic (recall 0) is listed before caching, the only one with a reviewed card.
        let rows = seen.components(separatedBy: "\n")
        let weakest = ready.topics.first!.topic
        let a = rows.firstIndex { $0.contains(String(weakest.prefix(8))) && $0.contains("%") }
        let c = rows.firstIndex { $0.contains("caching") && $0.contains("%") && $0.contains("unseen") }
        #expect(a != nil && c != nil && a! < c!, "\(seen)")
        for line in screen.components(separatedBy: "\n") { #expect(displayWidth(line) <= size.0) }
    }

    @Test func noDateNoReadyPart() {
        var m = makeModel()
        m.press(.char("S"))
        #expect(m.readinessReport == nil && !m.screen().contains("Ready for"))
        #expect(m.screen().contains("i sets its date") && m.screen().contains("interview date")) // the way in, and its hint
    }

    /// The interview form (`i` on Stats): type or step the date, choose topics, Enter saves to settings.json.
    @Test(arguments: [(80, 24), (40, 12)])
    func theFormSetsTheDateAndTopics(size: (Int, Int)) throws {
        var m = makeModel(width: size.0, height: size.1)
        m.press(.char("S"), .char("i"))
        var screen = m.screen()
        #expect(screen.contains("Interview date") && screen.contains("[2026-12-06"), "\(screen)") // a week from today
        for line in screen.components(separatedBy: "\n") { #expect(displayWidth(line) <= size.0) }
        // A date that is not one is refused, the form stays.
        for _ in 0..<10 { m.press(.backspace) }
        m.type("2026-02-30")
        #expect(m.press(.enter).isEmpty && m.planForm?.error?.contains("not a date") == true)
        #expect(m.screen().contains("not a date"))
        // A past one too.
        for _ in 0..<10 { m.press(.backspace) }
        m.type("2026-11-01")
        #expect(m.press(.enter).isEmpty && m.planForm?.error?.contains("has passed") == true)
        // Step by days: → twice from a typed date.
        for _ in 0..<10 { m.press(.backspace) }
        m.type("2026-12-10")
        m.press(.right, .right, .left)
        #expect(m.planForm?.date == "2026-12-11")
        // Topics: space on the Topics row opens the picker; it ticks testing.
        m.press(.char("j"), .char(" "))
        screen = m.screen()
        #expect(m.planForm?.picker == 0 && screen.contains("[ ] caching"), "\(screen)")
        let k = m.catalog.topicCounts.firstIndex { $0.topic == "testing" }!
        for _ in 0..<k { m.press(.char("j")) }
        m.press(.char(" "), .enter)
        #expect(m.planForm?.topics == ["testing"] && m.planForm?.picker == nil)
        // Enter saves from the Topics row too (t reopens the picker from any row, Enter there closes it).
        m.press(.char("k"), .char("t"))
        #expect(m.planForm?.picker == 0 && m.planForm?.row == 1)
        m.press(.enter)
        let effects = m.press(.enter)
        var want = m.progress.settings
        want.interviewDate = "2026-12-11"
        want.interviewTopics = ["testing"]
        #expect(effects == [.saveSettings(want)] && m.planForm == nil)
        #expect(m.progress.settings.interviewDate == "2026-12-11")
        screen = m.screen()
        #expect(m.readinessReport?.date == "2026-12-11" && m.readinessReport?.chosenTopics == ["testing"])
        #expect(screen.contains("Ready for 2026-12-11") || size.1 < 24, "\(screen)")
        // x clears it.
        let cleared = m.press(.char("i"), .char("x"))
        want.interviewDate = nil
        want.interviewTopics = []
        #expect(cleared == [.saveSettings(want)] && m.readinessReport == nil && m.planForm == nil)
        // Esc leaves without saving.
        #expect(m.press(.char("i"), .escape).isEmpty && m.planForm == nil && m.progress.settings.interviewDate == nil)
    }

    @Test func theStatsTabSaysWhereTheWeightsComeFrom() {
        var m = model(width: 80, height: 24)
        m.progress.settings.interviewDate = nil
        m.press(.char("S"))
        var seen = ""
        for _ in 0..<40 { seen += m.screen(); m.press(.char("j")) }
        #expect(seen.contains("Scheduler weights: the published FSRS-6 defaults; prepdeck optimize fits them"), "\(seen)")
        m.progress.settings.parameters[0] = 0.5
        m.progress.settings.parametersFittedAt = "2026-12-03T09:30:00Z"
        m.progress.settings.parametersFittedReviews = 2949
        seen = ""
        for _ in 0..<40 { seen += m.screen(); m.press(.char("j")) }
        #expect(seen.contains("fitted to your log on 2026-12-03 from 2949 reviews"), "\(seen)")
    }

    @Test func thePlanIsShownWithFollowedAndNotFollowed() {
        var m = model(width: 80, height: 40)
        m.press(.char("S"))
        let ready = try! #require(m.readinessReport)
        let plan = try! #require(ready.plan)
        #expect(plan.days.count == 7 && ready.overall.recallIfFollowed! > ready.overall.recall)
        var seen = ""
        for _ in 0..<6 { seen += m.screen(); m.press(.char("j")) }
        #expect(seen.contains("If followed:") && seen.contains("if you stop now:") && seen.contains("Ratings a day: today"), "\(seen)")
    }
}
