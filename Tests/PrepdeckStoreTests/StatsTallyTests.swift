import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckStore

/// `stats-tally.bin`: used only for the log it was made from, with the same settings, calendar and cards.
@Suite struct StatsTallyFileTests {
    func isTally(_ i: StatsInput) -> Bool { if case .tally = i { return true }; return false }

    @Test func theTallyServesOnlyTheLogItWasMadeFrom() throws {
        let dir = tempDir()
        let store = try DataStore(root: dir)
        var text = ""
        let base = 1_780_000_000.0
        for k in 0..<45_000 {
            text += review("e\(k)", card: "card-\(k % 7)", rating: Rating(rawValue: k % 4 + 1)!, at: Date(timeIntervalSince1970: base + Double(k) * 300)).jsonLine + "\n"
        }
        #expect(text.utf8.count >= StatsCache.minimumLog)
        try FileIO.append(store.reviewsPath, Array(text.utf8))
        let settings = Settings()
        let calendar = StudyCalendar(utcOffsetSeconds: 3600)
        func input(_ cal: StudyCalendar = calendar, cards: Int? = 7, _ s: Settings = settings) throws -> StatsInput {
            try store.statsInput(settings: s, scheduler: makeScheduler(s), calendar: cal, knownCards: cards)
        }
        let first = try input()
        guard case let .events(events) = first else { Issue.record("the first run has no tally to read"); return }
        #expect(FileManager.default.fileExists(atPath: store.statsTallyPath))
        let second = try input()
        guard case let .tally(tally) = second else { Issue.record("the second run should read the tally"); return }
        #expect(tally == StatsTally(events.grouped(), calendar: calendar) && tally.cards == 7 && tally.total == 45_000)
        // Not for another calendar, other scheduling settings, other cards, or a catalogue missing a card.
        #expect(!isTally(try input(StudyCalendar(utcOffsetSeconds: 7200))))
        #expect(!isTally(try input())) // the run above made the tally for its calendar…
        #expect(isTally(try input()))  // …and this one made it again for this one
        var other = settings
        other.desiredRetention = 0.8
        #expect(!isTally(try input(cards: 7, other)))
        #expect(!isTally(try input(cards: 6)))
        #expect(!isTally(try input(cards: nil)))
        // Not once a line is appended; a damaged file is refused and rewritten.
        try store.append(review("late", card: "card-1", at: Date(timeIntervalSince1970: base + 1e8)))
        #expect(!isTally(try input()))
        #expect(isTally(try input()))
        var bytes = try #require(try FileIO.read(store.statsTallyPath))
        bytes[bytes.count / 2] ^= 1
        try FileIO.replace(store.statsTallyPath, bytes)
        #expect(!isTally(try input()))
        #expect(isTally(try input()))
    }
}
