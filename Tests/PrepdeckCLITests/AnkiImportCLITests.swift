import Foundation
import Testing
import PrepdeckCore

/// `prepdeck import deck.apkg [--with-history]` (issue 14) on packages made by genanki and by Anki.
@Suite struct AnkiImportCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PrepdeckStoreTests/Fixtures/anki").path

    @Test func aGenankiDeckImportsEveryNoteAndTag() throws {
        let dir = tempDataDir()
        var r = try prepdeck(["import", Self.fixtures + "/genanki-deck.apkg"], dataDir: dir)
        #expect(r.status == 0 && r.stdout.contains("imported 4 notes as deck \"Backend::Caching\" (5 questions)"), "\(r.stderr)")
        r = try prepdeck(["list", "--json"], dataDir: dir)
        let all = try JSONParser.parse(r.stdout).array ?? []
        let mine = all.filter { ($0["id"]?.string ?? "").range(of: #"-[0-9a-f]{6}$"#, options: .regularExpression) != nil }
        #expect(mine.count == 5) // three basic notes, one cloze note with two clozes
        let topics = Set(mine.flatMap { ($0["topics"]?.array ?? []).compactMap(\.string) })
        #expect(topics.isSuperset(of: ["caching", "redis", "databases"]), "\(topics)")
        let cacheAside = try #require(mine.first { $0["title"]?.string == "What is cache-aside?" }?["id"]?.string)
        r = try prepdeck(["show", cacheAside, "--json"], dataDir: dir)
        #expect(try JSONParser.parse(r.stdout)["answer"]?.string == "The app reads the cache first;\non a miss it loads from the DB & writes the cache.")
    }

    @Test func anAnkiCollectionWithHistoryPicksUpTheScheduleAndASecondImportDuplicatesNothing() throws {
        for file in ["anki-legacy.apkg", "anki-modern.apkg", "anki-collection.colpkg"] {
            let dir = tempDataDir()
            var r = try prepdeck(["import", Self.fixtures + "/" + file, "--with-history"], dataDir: dir)
            #expect(r.status == 0 && r.stdout.contains("imported 9 reviews"), "\(file): \(r.stdout) \(r.stderr)")
            let before = try prepdeck(["list", "--json"], dataDir: dir).stdout
            let reviews = readLines(dir + "/reviews.jsonl")
            #expect(reviews.count == 9)
            for line in reviews {
                guard case let .review(e) = try LogEntry.decode(line: ArraySlice(line.utf8)) else { Issue.record("not a rating"); continue }
                #expect(e.id.hasPrefix("anki-") && e.mode == .review)
            }
            // Reviewed cards have a schedule now.
            let states = (try JSONParser.parse(before).array ?? []).compactMap { $0["schedule"]?["state"]?.string }
            #expect(states.contains("review") || states.contains("learning") || states.contains("relearning"))
            // Again: same questions, same reviews.
            r = try prepdeck(["import", Self.fixtures + "/" + file, "--with-history"], dataDir: dir)
            #expect(r.status == 0 && r.stdout.contains("imported 0 reviews") && r.stdout.contains("replacing the 5 questions"), "\(r.stdout)")
            #expect(readLines(dir + "/reviews.jsonl").count == 9)
            #expect(try prepdeck(["list", "--json"], dataDir: dir).stdout == before)
        }
    }

    @Test func aForeignFileImportsNothingAndSaysWhatItIs() throws {
        let dir = tempDataDir()
        let bad = dir + "-notes.apkg"
        try "not a zip".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try prepdeck(["import", bad], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("not an Anki package (not a zip file)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/banks"))
    }
}

extension AnkiImportCLITests {
    /// `export --format apkg` and back: the package holds every question (Anki itself opens it in
    /// scripts/check-anki-export, run by .ci/run).
    @Test func anExportedDeckImportsBackWithEveryQuestion() throws {
        let dir = tempDataDir(), other = tempDataDir()
        let out = dir + "-deck.apkg"
        var r = try prepdeck(["export", out, "--format", "apkg", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 0 && r.stderr.contains("(5 notes)"), "\(r.stderr)")
        r = try prepdeck(["import", out, "--bank", seedBank], dataDir: other)
        #expect(r.status == 0 && r.stdout.contains("imported 5 notes as deck \"prepdeck\" (5 questions)"), "\(r.stdout) \(r.stderr)")
        let bank = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: other + "/banks/prepdeck.json"))))
        let titles = Set((bank["questions"]?.array ?? []).compactMap { $0["prompt"]?.string?.split(separator: " ").prefix(3).joined(separator: " ") })
        let seed = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: seedBank))))
        #expect(titles == Set((seed["questions"]?.array ?? []).compactMap { $0["prompt"]?.string?.split(separator: " ").prefix(3).joined(separator: " ") }))
        let bad = try prepdeck(["export", "-", "--format", "apkg"], dataDir: dir)
        #expect(bad.status == 64)
    }
}
