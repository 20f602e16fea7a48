import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckStore

/// Anki packages made by genanki and by Anki itself (the `anki` package): `scripts/make-anki-fixtures.py`
/// wrote them and `manifest.json`, what each holds, read here with the standard tools.
@Suite struct AnkiPackageTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/anki").path
    static let manifest: [JSONNode] = {
        let bytes = FileManager.default.contents(atPath: dir + "/manifest.json").map { [UInt8]($0) } ?? []
        return (try? JSONParser.parse(bytes))?["files"]?.array ?? []
    }()

    @Test(arguments: ["genanki-deck.apkg", "anki-legacy.apkg", "anki-modern.apkg", "anki-collection.colpkg"])
    func everyNoteTagCardAndReviewIsRead(file: String) throws {
        let expected = try #require(Self.manifest.first { $0["file"]?.string == file }, "\(file) not in manifest.json")
        let c = try AnkiPackage.read(Self.dir + "/" + file)
        #expect(c.entry == expected["collection_entry"]?.string)
        let notes = expected["notes"]?.array ?? []
        #expect(c.notes.count == notes.count && notes.count == 4)
        for n in notes {
            let got = try #require(c.notes.first { $0.guid == n["guid"]?.string }, "note \(n["guid"]?.string ?? "?") missing")
            #expect(got.fields == (n["fields"]?.array ?? []).compactMap(\.string))
            #expect(got.tags == (n["tags"]?.array ?? []).compactMap(\.string))
            let deck = c.cards.first { $0.note == got.id }.flatMap { c.deckNames[$0.deck] }
            #expect(deck == n["decks"]?.array?.first?.string)
        }
        #expect(c.cards.count == expected["cards"]?.array?.count)
        let revlog = expected["revlog"]?.array ?? []
        #expect(c.reviews.map(\.id) == revlog.compactMap { $0["id"]?.int.map(Int64.init) })
        #expect(c.reviews.map(\.ease) == revlog.compactMap { $0["ease"]?.int })
    }

    @Test func aFileThatIsNoAnkiPackageSaysWhatItIs() throws {
        let tmp = NSTemporaryDirectory() + "prepdeck-not-anki-\(UUID().uuidString).apkg"
        try Data("just text".utf8).write(to: URL(fileURLWithPath: tmp))
        #expect(throws: StoreError(.badData, "\(tmp): not an Anki package (not a zip file)")) { try AnkiPackage.read(tmp) }
        #expect(throws: StoreError(.missing, "/nonexistent.apkg: no such file")) { try AnkiPackage.read("/nonexistent.apkg") }
    }
}
