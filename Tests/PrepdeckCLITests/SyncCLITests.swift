import Foundation
import Testing
import PrepdeckCore

/// `prepdeck sync`: two data directories and a bare repository on this machine (issue 14).
@Suite(.serialized) struct SyncCLITests {
    @discardableResult
    func git(_ args: [String], in dir: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git"] + (dir.map { ["-C", $0] } ?? []) + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args)", sourceLocation: sourceLocation)
        return String(decoding: o, as: UTF8.self)
    }

    /// A progress export with one review of `card`, for `prepdeck import`.
    func rating(_ id: String, _ card: String, _ rating: Int, _ at: String, answer: Bool = false) throws -> String {
        let path = NSTemporaryDirectory() + "prepdeck-sync-\(UUID().uuidString).json"
        let answers = answer ? #",\#n"answers":[{"id":"ans-\#(id)","card":"\#(card)","at":"\#(at)","text":"an answer","mode":"practice"}]"# : ""
        try write(path, #"{"format":"prepdeck-export","version":1,"reviews":[{"id":"\#(id)","card":"\#(card)","rating":\#(rating),"at":"\#(at)","mode":"review"}]\#(answers)}"#)
        return path
    }

    func files(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

    @Test func twoMachinesRateDifferentCardsSyncAndEndTheSame() throws {
        let root = tempDataDir()
        let remote = root + "/remote.git", a = root + "/a", b = root + "/b"
        try FileManager.default.createDirectory(atPath: a, withIntermediateDirectories: true)
        try git(["init", "-q", "--bare", remote])
        // Machine A has used prepdeck for a while (a plain reviews.jsonl), then sets up sync.
        try write(a + "/reviews.jsonl", #"{"id":"a0","card":"\#(seedIDs[0])","rating":3,"at":"2026-11-20T09:00:00Z","mode":"review"}"# + "\n")
        try git(["init", "-q"], in: a)
        try git(["remote", "add", "origin", remote], in: a)
        var r = try prepdeck(["sync", "--bank", seedBank], dataDir: a)
        #expect(r.status == 0 && r.stdout.contains("sent 1 review, received 0 reviews"), "\(r.stdout)\(r.stderr)")
        let idA = try #require(readFile(a + "/device-id")).trimmingCharacters(in: .whitespacesAndNewlines)
        // Machine B clones it; each rates a card of its own.
        try git(["clone", "-q", remote, b])
        #expect(try prepdeck(["import", try rating("b1", seedIDs[1], 3, "2026-11-21T09:00:00Z"), "--bank", seedBank], dataDir: b).status == 0)
        #expect(try prepdeck(["import", try rating("a1", seedIDs[2], 4, "2026-11-21T10:00:00Z", answer: true), "--bank", seedBank], dataDir: a).status == 0)
        #expect(try prepdeck(["import", try rating("a2", seedIDs[1], 1, "2026-11-22T10:00:00Z"), "--bank", seedBank], dataDir: a).status == 0)
        let idB = try #require(readFile(b + "/device-id")).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(idA != idB)
        // Each appended to its own logs; the plain reviews.jsonl is A's history from before.
        #expect(files(a).contains("reviews.\(idA).jsonl") && files(a).contains("answers.\(idA).jsonl") && files(b).contains("reviews.\(idB).jsonl"))
        for (dir, expect) in [(b, "sent 1 review, received 0 reviews"), (a, "sent 2 reviews, received 1 review"), (b, "sent 0 reviews, received 2 reviews")] {
            r = try prepdeck(["sync", "--bank", seedBank], dataDir: dir)
            #expect(r.status == 0 && r.stdout.contains(expect), "\(dir): \(r.stdout)\(r.stderr)")
        }
        let listA = try prepdeck(["list", "--json", "--bank", seedBank], dataDir: a)
        let listB = try prepdeck(["list", "--json", "--bank", seedBank], dataDir: b)
        #expect(listA.status == 0 && listA.stdout == listB.stdout)
        // B's rating and A's later one of the same card are both in its history, in time order.
        let shown = try JSONParser.parse(try prepdeck(["show", seedIDs[1], "--json", "--bank", seedBank], dataDir: b).stdout)
        #expect(shown["reviews"]?.array?.compactMap { $0["rating"]?.int } == [3, 1])
        #expect(try JSONParser.parse(listB.stdout).array?.filter { $0["status"]?.string != "new" }.count == 3)
        #expect(files(b).contains("answers.\(idA).jsonl"))
        // Caches and each machine's own id stay out of git.
        let tracked = try git(["ls-files"], in: b).split(separator: "\n").map(String.init)
        #expect(tracked.contains("reviews.\(idA).jsonl") && tracked.contains(".gitignore"))
        #expect(!tracked.contains { $0 == "device-id" || $0 == "lock" || $0.hasPrefix("snapshot") || $0.hasPrefix("bank-index") })
        // A second sync with nothing new changes nothing.
        r = try prepdeck(["sync", "--bank", seedBank], dataDir: a)
        #expect(r.status == 0 && r.stdout.contains("sent 0 reviews, received 0 reviews"), "\(r.stdout)\(r.stderr)")
    }

    func twoClones() throws -> (a: String, b: String) {
        let root = tempDataDir()
        let remote = root + "/remote.git", a = root + "/a", b = root + "/b"
        try FileManager.default.createDirectory(atPath: a, withIntermediateDirectories: true)
        try git(["init", "-q", "--bare", remote])
        try git(["init", "-q"], in: a)
        try git(["remote", "add", "origin", remote], in: a)
        #expect(try prepdeck(["sync", "--bank", seedBank], dataDir: a).status == 0)
        try git(["clone", "-q", remote, b])
        return (a, b)
    }

    @Test func settingsChangedOnBothMachinesAreMergedKeyByKey() throws {
        let (a, b) = try twoClones()
        try write(a + "/settings.json", #"{"new_per_day": 5, "suspended": ["x"], "buried": {"p": "2026-12-01"}}"# + "\n")
        #expect(try prepdeck(["sync", "--bank", seedBank], dataDir: a).status == 0)
        try write(b + "/settings.json", #"{"new_per_day": 7, "desired_retention": 0.85, "suspended": ["y"], "buried": {"p": "2026-12-02", "q": "2026-12-02"}}"# + "\n")
        let r = try prepdeck(["sync", "--bank", seedBank], dataDir: b)
        #expect(r.status == 0, "\(r.stderr)")
        let merged = try JSONParser.parse(Array((readFile(b + "/settings.json") ?? "").utf8))
        // Both set new_per_day: this machine's (B's); only B set desired_retention; suspensions of both; the later burial.
        #expect(merged["new_per_day"]?.int == 7 && merged["desired_retention"]?.number == 0.85)
        #expect(merged["suspended"]?.array?.compactMap(\.string) == ["x", "y"])
        #expect(merged["buried"]?["p"]?.string == "2026-12-02" && merged["buried"]?["q"]?.string == "2026-12-02")
        #expect(try prepdeck(["sync", "--bank", seedBank], dataDir: a).status == 0)
        #expect(readFile(a + "/settings.json") == readFile(b + "/settings.json"))
    }

    @Test func aFileChangedOnBothMachinesStopsTheSyncAndLosesNothing() throws {
        let (a, b) = try twoClones()
        try write(a + "/notes.txt", "{\"from\": \"a\"}\n")
        #expect(try prepdeck(["sync", "--bank", seedBank], dataDir: a).status == 0)
        try write(b + "/notes.txt", "{\"from\": \"b\"}\n")
        #expect(try prepdeck(["import", try rating("b1", seedIDs[1], 3, "2026-11-21T09:00:00Z"), "--bank", seedBank], dataDir: b).status == 0)
        let r = try prepdeck(["sync", "--bank", seedBank], dataDir: b)
        #expect(r.status == 65 && r.stderr.contains("notes.txt") && r.stderr.contains("Nothing is lost"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: b + "/.git/rebase-merge") && !FileManager.default.fileExists(atPath: b + "/.git/rebase-apply"))
        #expect(readFile(b + "/notes.txt") == "{\"from\": \"b\"}\n")
        #expect(try prepdeck(["show", seedIDs[1], "--json", "--bank", seedBank], dataDir: b).stdout.contains("\"b1\""))
    }

    @Test func withoutARepositoryOrARemoteSyncSaysWhatToDo() throws {
        let dir = tempDataDir()
        var r = try prepdeck(["sync"], dataDir: dir)
        #expect(r.status == 78 && r.stderr.contains("no data directory") && r.stderr.contains("git clone URL"), "\(r.stderr)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        r = try prepdeck(["sync"], dataDir: dir)
        #expect(r.status == 78 && r.stderr.contains("is not a git repository") && r.stderr.contains("git -C \(dir) init"), "\(r.stderr)")
        try git(["init", "-q"], in: dir)
        r = try prepdeck(["sync"], dataDir: dir)
        #expect(r.status == 78 && r.stderr.contains("without a remote") && r.stderr.contains("remote add origin URL"), "\(r.stderr)")
        // With the app running, sync waits for nothing and changes nothing.
        try git(["remote", "add", "origin", dir + "-nowhere.git"], in: dir)
        let holder = try holdLock(dir + "/lock")
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        r = try prepdeck(["sync"], dataDir: dir)
        #expect(r.status == 75 && r.stderr.contains("another prepdeck"), "\(r.stderr)")
    }
}

func readFile(_ path: String) -> String? {
    (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
}
