import Foundation
import Testing
import PrepdeckCore

/// `prepdeck import` of CSV and TSV files (issue 14): a bank in DATA/banks/, updated in place on a second import.
@Suite struct NoteImportCLITests {
    @Test func aCSVBecomesADeckAndASecondImportUpdatesItInPlace() throws {
        let dir = tempDataDir()
        let csv = dir + "-cards.csv"
        try "prompt,answer,tags\n\"What does ACID stand for?\",\"Atomicity, consistency, isolation, durability.\nEach is a guarantee.\",databases\nWhat is a B-tree?,A balanced tree of sorted keys.,databases\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        var r = try prepdeck(["import", csv], dataDir: dir)
        #expect(r.status == 0 && r.stdout.contains("imported 2 notes") && r.stdout.contains("(2 questions)"), "\(r.stderr)")
        r = try prepdeck(["list", "--topic", "databases", "--json"], dataDir: dir)
        let first = try JSONParser.parse(r.stdout).array ?? []
        #expect(first.count == 2)
        // The same file, one answer edited: the same two questions, the new answer.
        try "prompt,answer,tags\n\"What does ACID stand for?\",\"Atomicity, consistency, isolation and durability.\",databases\nWhat is a B-tree?,A balanced tree of sorted keys.,databases\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        r = try prepdeck(["import", csv], dataDir: dir)
        #expect(r.status == 0 && r.stdout.contains("replacing the 2 questions"), "\(r.stderr)")
        r = try prepdeck(["list", "--topic", "databases", "--json"], dataDir: dir)
        let second = try JSONParser.parse(r.stdout).array ?? []
        #expect(second.compactMap { $0["id"]?.string } == first.compactMap { $0["id"]?.string })
        let id = try #require(second.first { $0["title"]?.string == "What does ACID stand for?" }?["id"]?.string)
        r = try prepdeck(["show", id, "--json"], dataDir: dir)
        #expect(try JSONParser.parse(r.stdout)["answer"]?.string == "Atomicity, consistency, isolation and durability.")
    }

    @Test func aBrokenCSVSaysWhereAndWritesNothing() throws {
        let dir = tempDataDir()
        let csv = dir + "-bad.csv"
        try "Q1,A1\nQ2,\"never closed\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let r = try prepdeck(["import", csv], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("\(csv):2:4: a quoted field is never closed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/banks"))
        let m = try prepdeck(["import", csv, "--map", "prompt=first"], dataDir: dir)
        #expect(m.status == 64 && m.stderr.contains("--map"))
    }
}
