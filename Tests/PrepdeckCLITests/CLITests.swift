import Foundation
import Testing
import PrepdeckCore

/// The built `prepdeck` binary, next to the test bundle (or $PREPDECK_BIN).
func prepdeckBinary() -> String {
    if let env = ProcessInfo.processInfo.environment["PREPDECK_BIN"] { return env }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    if dir.path.hasSuffix(".xctest/Contents/MacOS") { dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    return dir.appendingPathComponent("prepdeck").path
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let seedBank = packageRoot + "/Assets/seed.json"

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

@discardableResult
func prepdeck(_ args: [String], dataDir: String, env: [String: String] = [:]) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: prepdeckBinary())
    p.arguments = args + ["--data-dir", dataDir]
    var e = ProcessInfo.processInfo.environment
    e["PREPDECK_HOME"] = nil
    for (k, v) in env { e[k] = v }
    p.environment = e
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let r = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: r, as: UTF8.self))
}

func tempDataDir() -> String { NSTemporaryDirectory() + "prepdeck-cli-\(UUID().uuidString)" }

func write(_ path: String, _ text: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

let seedIDs = ["caching-product-catalog", "optimistic-locking-inventory", "zero-downtime-not-null-migration",
               "multi-region-social-app", "payment-service-testing-strategy"]

/// A process that holds `flock` on `path` (as a running prepdeck would) until it is killed.
func holdLock(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Process {
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    holder.arguments = ["python3", "-c", lockHolderScript, path]
    let out = Pipe()
    holder.standardOutput = out
    try holder.run()
    #expect(waitForLine(out) == "held", sourceLocation: sourceLocation)
    return holder
}

@Suite(.serialized) struct CLITests {
    @Test func listJSONHasTheSpecifiedFields() throws {
        let r = try prepdeck(["list", "--json", "--bank", seedBank], dataDir: tempDataDir())
        #expect(r.status == 0, "\(r.stderr)")
        let arr = try #require(try JSONParser.parse(r.stdout).array)
        #expect(arr.map { $0["id"]?.string ?? "" } == seedIDs)
        for item in arr {
            for f in ["id", "title", "difficulty", "kind", "topics", "schedule"] { #expect(item[f] != nil, "missing \(f)") }
            let s = try #require(item["schedule"])
            #expect(s["state"]?.string == "new" && s["due"]?.isNull == true && s["reps"]?.int == 0 && s["lapses"]?.int == 0)
            for f in ["stability", "difficulty", "step", "last_review"] { #expect(s[f]?.isNull == true, "\(f)") }
        }
    }

    @Test func theSeedPromptsAreWordForWord() throws {
        let seedFile = packageRoot + "/../shared/seed/000_9f25a1a8913c8f2b.txt"
        guard let seed = try? String(contentsOfFile: seedFile, encoding: .utf8) else { return } // the seed lives outside the repository
        let prompts = seed.split(separator: "\n").filter { $0.count > 200 && !$0.hasPrefix("Demonstrate") }.map(String.init)
        #expect(prompts.count == 5)
        for (id, prompt) in zip(seedIDs, prompts) {
            let r = try prepdeck(["show", id, "--json", "--bank", seedBank], dataDir: tempDataDir())
            #expect(try JSONParser.parse(r.stdout)["prompt"]?.string == prompt)
        }
    }

    @Test func listFiltersAndSearch() throws {
        let dir = tempDataDir()
        var r = try prepdeck(["list", "--bank", seedBank, "--search", "OPTIMISTIC"], dataDir: dir)
        #expect(r.stdout.hasPrefix("optimistic-locking-inventory\tmedium\ttechnical\tnew\t"))
        #expect(r.stdout.split(separator: "\n").count == 1)
        r = try prepdeck(["list", "--bank", seedBank, "--difficulty", "hard"], dataDir: dir)
        #expect(r.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == ["multi-region-social-app"])
        r = try prepdeck(["list", "--bank", seedBank, "--difficulty", "extreme"], dataDir: dir)
        #expect(r.status == 64 && r.stderr == "prepdeck: unknown difficulty 'extreme' (expected easy, medium or hard)\n")
        r = try prepdeck(["list", "--bank", seedBank, "--due"], dataDir: dir)
        #expect(r.status == 0 && r.stdout.isEmpty)
    }

    @Test func aMalformedBankExits65WithFileLineColumn() throws {
        let dir = tempDataDir()
        let bank = dir + "-bank.json"
        try write(bank, "{\n  \"format\": \"prepdeck-bank\",\n  \"version\": 1\n  \"deck\": {}\n}\n")
        let r = try prepdeck(["list", "--bank", bank], dataDir: dir)
        #expect(r.status == 65)
        #expect(r.stderr == "prepdeck: \(bank):4:3: unexpected character '\"': expected ',' or '}'\n")
    }

    @Test func badBankValuesAndVersionsExit65() throws {
        let dir = tempDataDir()
        let bank = dir + "-bank.json"
        try write(bank, "{\"format\": \"prepdeck-bank\", \"version\": 3, \"deck\": {\"id\": \"d\", \"title\": \"D\"}, \"questions\": []}")
        var r = try prepdeck(["topics", "--bank", bank], dataDir: dir)
        #expect(r.status == 65 && r.stderr == "prepdeck: \(bank):1:40: unsupported bank version 3 (this prepdeck reads version 1)\n")
        r = try prepdeck(["list", "--bank", seedBank, "--bank", seedBank], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("duplicate question id \"caching-product-catalog\" (first defined at \(seedBank):"))
        r = try prepdeck(["list", "--bank", dir + "-missing.json"], dataDir: dir)
        #expect(r.status == 66 && r.stderr == "prepdeck: \(dir)-missing.json: no such bank file or folder\n")
    }

    @Test func aLockedDataDirectoryMakesWriteCommandsExit75() throws {
        let dir = tempDataDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let holder = try holdLock(dir + "/lock")
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        let bank = dir + "-import.json"
        try write(bank, "{\"format\": \"prepdeck-bank\", \"version\": 1, \"deck\": {\"id\": \"extra\", \"title\": \"Extra\"}, \"questions\": []}")
        let r = try prepdeck(["import", bank, "--bank", seedBank], dataDir: dir)
        #expect(r.status == 75)
        #expect(r.stderr.contains("cannot write: another prepdeck"))
        #expect(r.stderr.contains("is using \(dir)"))
        // Reading still works.
        #expect(try prepdeck(["list", "--bank", seedBank], dataDir: dir).status == 0)
    }

    /// A data directory whose log rates the first `cards` seed questions in turn, 40 ratings from 2026-11-01
    /// (`rating(k)` for the k-th), and a copy of the seed bank beside it.
    func ratedSeedDirectory(cards: Int, rating: (Int) -> Int) throws -> (dir: String, bank: String) {
        let dir = tempDataDir()
        let bank = dir + "-bank.json"
        try write(bank, try String(contentsOfFile: seedBank, encoding: .utf8))
        var log = ""
        for k in 0..<40 {
            log += "{\"id\":\"e\(k)\",\"card\":\"\(seedIDs[k % cards])\",\"rating\":\(rating(k)),\"at\":\"2026-11-0\(1 + k / 10)T10:\(10 + k):00Z\",\"mode\":\"review\"}\n"
        }
        try write(dir + "/reviews.jsonl", log)
        return (dir, bank)
    }

    @Test func readCommandsKeepTheCachesOnlyWhenTheLockIsFree() throws {
        let (dir, bank) = try ratedSeedDirectory(cards: 5, rating: { _ in 3 })
        // Held by another prepdeck: a read command answers but writes no cache.
        let holder = try holdLock(dir + "/lock")
        let held = try prepdeck(["list", "--due", "--json", "--bank", bank], dataDir: dir)
        kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit()
        #expect(held.status == 0, "\(held.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/snapshot.bin") && !FileManager.default.fileExists(atPath: dir + "/bank-index"))
        // Free: the same command writes the snapshot and the bank index, and gives the same answer from them.
        let first = try prepdeck(["list", "--due", "--json", "--bank", bank], dataDir: dir)
        #expect(first.stdout == held.stdout)
        #expect(FileManager.default.fileExists(atPath: dir + "/snapshot.bin"))
        let indexes = try FileManager.default.contentsOfDirectory(atPath: dir + "/bank-index")
        #expect(indexes.count == 1 && indexes[0].hasSuffix(".idx"))
        let second = try prepdeck(["list", "--due", "--json", "--bank", bank], dataDir: dir)
        #expect(second.stdout == held.stdout && second.status == 0)
        // One character of the bank changed, same size and mtime: picked up on the next start.
        var st = stat()
        stat(bank, &st)
        let text = try String(contentsOfFile: bank, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "Caching strategy for a read-heavy product catalog",
                                               with: "Caching strategy for a read-heavy product catalof")
        #expect(edited.utf8.count == text.utf8.count && edited != text)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: bank))
        try h.write(contentsOf: Data(edited.utf8))
        try h.close()
        var times = [st.st_atim, st.st_mtim]
        #expect(utimensat(AT_FDCWD, bank, &times, 0) == 0)
        let shown = try prepdeck(["show", "caching-product-catalog", "--bank", bank], dataDir: dir)
        #expect(shown.stdout.hasPrefix("Caching strategy for a read-heavy product catalof\n"), "\(shown.stdout.prefix(80))")
        #expect(try prepdeck(["list", "--bank", bank], dataDir: dir).stdout.contains("product catalof"))
    }

    /// join.bin (catalogue position → snapshot card) is kept while the bank's ids and the snapshot stay the
    /// same; a reordered bank, new ratings, a damaged file or one whose entries name other cards give the
    /// answer a directory without caches gives.
    @Test func theKeptJoinFollowsTheBankAndTheLog() throws {
        let (dir, bank) = try ratedSeedDirectory(cards: 4, rating: { 1 + $0 % 4 })
        // What a directory with the same log and no caches at all answers (the lock held: none are written).
        func reference() throws -> String {
            let plain = tempDataDir()
            try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: dir + "/reviews.jsonl", toPath: plain + "/reviews.jsonl")
            let holder = try holdLock(plain + "/lock")
            defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
            let r = try prepdeck(["list", "--json", "--bank", bank], dataDir: plain)
            #expect(r.status == 0 && !FileManager.default.fileExists(atPath: plain + "/join.bin"))
            return r.stdout
        }
        func listed() throws -> String {
            let r = try prepdeck(["list", "--json", "--bank", bank], dataDir: dir)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout
        }
        var expected = try reference()
        #expect(expected.contains("\"reps\": 10"))
        // The first run makes the bank index and the snapshot, the second the join, the third reads it.
        for _ in 0..<3 { #expect(try listed() == expected) }
        let joinPath = dir + "/join.bin"
        let kept = try Data(contentsOf: URL(fileURLWithPath: joinPath))
        let questions = expected.components(separatedBy: "\n    \"id\": ").count - 1
        #expect(questions == seedIDs.count && kept.count == 32 + 52 * questions + 8)
        // Its entries permuted, each card index with its schedule (the checksum made anew): a sample of them is
        // checked by id, so it is not used.
        var bytes = [UInt8](kept)
        let n = (bytes.count - 40) / 52
        let entries = (0..<n).map { Array(bytes[(32 + 4 * $0)..<(36 + 4 * $0)]) }
        let records = (0..<n).map { Array(bytes[(32 + 4 * n + 48 * $0)..<(32 + 4 * n + 48 * ($0 + 1))]) }
        for k in 0..<n {
            bytes.replaceSubrange((32 + 4 * k)..<(36 + 4 * k), with: entries[(k + 1) % n])
            bytes.replaceSubrange((32 + 4 * n + 48 * k)..<(32 + 4 * n + 48 * (k + 1)), with: records[(k + 1) % n])
        }
        let sum = bytes[0..<(bytes.count - 8)].withUnsafeBytes { FastHash.wide($0, seed: 0x701E) }
        withUnsafeBytes(of: sum.littleEndian) { bytes.replaceSubrange((bytes.count - 8)..., with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: joinPath))
        #expect(try listed() == expected)
        // Damaged: not used.
        try Data(repeating: 0x41, count: kept.count).write(to: URL(fileURLWithPath: joinPath))
        #expect(try listed() == expected)
        // New ratings (of a card that had some and of one that had none) after the snapshot.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/reviews.jsonl"))
        h.seekToEndOfFile()
        h.write(Data(("{\"id\":\"n1\",\"card\":\"\(seedIDs[0])\",\"rating\":1,\"at\":\"2026-11-20T10:00:00Z\",\"mode\":\"review\"}\n"
                      + "{\"id\":\"n2\",\"card\":\"\(seedIDs[4])\",\"rating\":4,\"at\":\"2026-11-20T10:01:00Z\",\"mode\":\"review\"}\n").utf8))
        try h.close()
        expected = try reference()
        for _ in 0..<2 { #expect(try listed() == expected) }
        // The bank's questions in the opposite order: another catalogue, another join.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bank))) as? [String: Any])
        var reordered = object
        reordered["questions"] = Array(try #require(object["questions"] as? [Any]).reversed())
        try JSONSerialization.data(withJSONObject: reordered, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: bank))
        expected = try reference()
        for _ in 0..<3 { #expect(try listed() == expected) }
    }

    /// Issue 17, case 8: a FIFO as a bank or as the review log is refused at once, not waited on for ever.
    @Test func aFIFOIsRefusedNotWaitedOn() throws {
        let dir = tempDataDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(mkfifo(dir + "-bank.json", 0o600) == 0)
        for (args, data) in [(["list", "--bank", dir + "-bank.json"], dir), (["list", "--bank", seedBank], dir + "/d2"),
                             (["stats", "--bank", seedBank], dir + "/d2")] {
            if data.hasSuffix("/d2") {
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
                _ = mkfifo(data + "/reviews.jsonl", 0o600)
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: prepdeckBinary())
            p.arguments = args + ["--data-dir", data]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            let done = DispatchSemaphore(value: 0)
            p.terminationHandler = { _ in done.signal() }
            try p.run()
            if done.wait(timeout: .now() + 10) == .timedOut {
                p.terminate()
                Issue.record("\(args) hung on a FIFO")
                continue
            }
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == 74 && message.contains("not a regular file"), "\(args): \(message)")
        }
    }

    /// Issue 17, case 5: a bank's escape sequences (OSC 2 retitle, OSC 52 clipboard, CSI) never reach the
    /// terminal from `list` or `show`; `--json` keeps the text exact (JSON-escaped).
    @Test func theCommandLinePrintsNoEscapeSequences() throws {
        let dir = tempDataDir()
        let evil = "Evil \u{1B}]2;PWNED\u{07} title \u{1B}]52;c;aGVsbG8=\u{07} \u{9B}2J"
        let text = try String(contentsOfFile: seedBank, encoding: .utf8)
            .replacingOccurrences(of: "\"Caching strategy for a read-heavy product catalog\"", with: JSONWriter.quote(evil))
        try write(dir + "-bank.json", text)
        for args in [["list"], ["show", "caching-product-catalog"], ["list", "--search", "evil"]] {
            let r = try prepdeck(args + ["--bank", dir + "-bank.json"], dataDir: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("Evil ␛]2;PWNED␇ title"), "\(args)")
            #expect(!r.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }, "\(args)")
        }
        let json = try prepdeck(["list", "--json", "--bank", dir + "-bank.json"], dataDir: dir)
        let first = try #require(try JSONParser.parse(json.stdout).array?.first)
        #expect(first["title"]?.string == evil)
        // Exports to stdout: CSV (its CR LF line ends kept) and the Markdown report; the JSON export stays exact.
        try write(dir + "/reviews.jsonl", "{\"id\":\"r1\",\"card\":\"caching-product-catalog\",\"rating\":3,\"at\":\"2026-11-01T10:00:00Z\",\"mode\":\"review\"}\n")
        for format in ["csv", "md"] {
            let r = try prepdeck(["export", "-", "--format", format, "--bank", dir + "-bank.json"], dataDir: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("Evil ␛]2;PWNED␇ title"), "\(format)")
            #expect(!r.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\r") || (0x7F...0x9F).contains($0.value) }, "\(format)")
            if format == "csv" { #expect(r.stdout.hasPrefix("id,title,") && r.stdout.contains("\r\n")) }
        }
    }

    /// Issue 17, case 10: the app without a terminal says so (64) and creates nothing.
    @Test func theAppWithoutATerminalCreatesNoDataDirectory() throws {
        let dir = tempDataDir()
        for args in [[String](), ["review"], ["practice"]] {
            let r = try prepdeck(args + ["--bank", seedBank], dataDir: dir)
            #expect(r.status == 64 && r.stderr.contains("needs a terminal"), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    /// Issue 17, case 1: an append that fails part-way (here a file-size limit, as a full disk would)
    /// leaves no fragment behind, so the next append is not glued onto it.
    @Test func aFailedAppendLeavesNoPartialLine() throws {
        let a = tempDataDir(), b = tempDataDir()
        var log = ""
        for k in 0..<60 {
            log += "{\"id\":\"x\(k)\",\"card\":\"\(seedIDs[k % 5])\",\"rating\":3,\"at\":\"2026-11-0\(1 + k / 10)T10:\(10 + k % 50):00Z\",\"ms\":1000,\"mode\":\"review\"}\n"
        }
        try write(a + "/reviews.jsonl", log)
        let export = a + "-export.json"
        #expect(try prepdeck(["export", export, "--format", "json", "--bank", seedBank], dataDir: a).status == 0)
        let start = "{\"id\":\"b0\",\"card\":\"\(seedIDs[0])\",\"rating\":3,\"at\":\"2026-10-01T10:00:00Z\",\"mode\":\"review\"}\n"
        try write(b + "/reviews.jsonl", start)
        // The limit falls inside a line of the import.
        let limit = start.utf8.count + 1500
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import resource,os,sys; resource.setrlimit(resource.RLIMIT_FSIZE, (\(limit), \(limit))); os.execv(sys.argv[1], sys.argv[1:])",
                       prepdeckBinary(), "import", export, "--bank", seedBank, "--data-dir", b]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        let after = try String(contentsOfFile: b + "/reviews.jsonl", encoding: .utf8)
        #expect(after.hasSuffix("\n") && after.hasPrefix(start), "a fragment was left: \(after.suffix(80))")
        // Every line that stayed is whole, and the next import lands cleanly after them.
        let again = try prepdeck(["import", export, "--bank", seedBank], dataDir: b)
        #expect(again.status == 0, "\(again.stderr)")
        let list = try prepdeck(["list", "--json", "--bank", seedBank], dataDir: b)
        #expect(list.status == 0 && !list.stderr.contains("line skipped"), "\(list.stderr)")
    }

    @Test func reviewsWrittenByAnotherProgramAreReplayed() throws {
        let dir = tempDataDir()
        try write(dir + "/reviews.jsonl", """
            {"id":"1","card":"caching-product-catalog","rating":3,"at":"2026-11-01T10:00:00Z","mode":"review"}
            {"id":"2","card":"caching-product-catalog","rating":3,"at":"2026-11-01T10:10:00Z","mode":"review"}
            {"id":"3","card":"optimistic-locking-inventory","rating":1,"at":"2026-11-01T10:00:00Z"}
            {"id":"4","undo":"3","at":"2026-11-01T10:01:00Z"}

            """)
        let r = try prepdeck(["list", "--json", "--bank", seedBank], dataDir: dir)
        let arr = try #require(try JSONParser.parse(r.stdout).array)
        let caching = try #require(arr.first { $0["id"]?.string == "caching-product-catalog" }?["schedule"])
        #expect(caching["state"]?.string == "review" && caching["reps"]?.int == 2)
        #expect(caching["last_review"]?.string == "2026-11-01T10:10:00Z")
        let locking = try #require(arr.first { $0["id"]?.string == "optimistic-locking-inventory" }?["schedule"])
        #expect(locking["state"]?.string == "new" && locking["reps"]?.int == 0)
    }

    @Test func importAndExportRoundTrip() throws {
        let a = tempDataDir(), b = tempDataDir()
        try write(a + "/reviews.jsonl", "{\"id\":\"r1\",\"card\":\"caching-product-catalog\",\"rating\":4,\"at\":\"2026-11-01T10:00:00Z\",\"mode\":\"review\"}\n")
        var r = try prepdeck(["export", a + "-export.json", "--format", "json", "--bank", seedBank], dataDir: a)
        #expect(r.status == 0, "\(r.stderr)")
        r = try prepdeck(["import", a + "-export.json", "--bank", seedBank], dataDir: b)
        #expect(r.status == 0 && r.stdout.contains("imported 1 reviews"))
        r = try prepdeck(["import", a + "-export.json", "--bank", seedBank], dataDir: b)
        #expect(r.stdout.contains("imported 0 reviews"))
        r = try prepdeck(["show", "caching-product-catalog", "--json", "--bank", seedBank], dataDir: b)
        #expect(try JSONParser.parse(r.stdout)["schedule"]?["state"]?.string == "review")
        r = try prepdeck(["export", "-", "--format", "csv", "--bank", seedBank], dataDir: b)
        #expect(r.stdout.hasPrefix("id,title,difficulty,kind,topics,status,state,due,reps"))
        #expect(r.stdout.split(separator: "\r\n").count == 6)
    }

    @Test func importingABankAddsItsQuestions() throws {
        let dir = tempDataDir()
        let bank = dir + "-extra.json"
        try write(bank, "{\"format\":\"prepdeck-bank\",\"version\":1,\"deck\":{\"id\":\"extra\",\"title\":\"Extra\"},\"questions\":[{\"id\":\"extra-one\",\"title\":\"T\",\"prompt\":\"P\",\"difficulty\":\"easy\",\"kind\":\"coding\",\"topics\":[\"x\"],\"answer\":\"A\",\"keyPoints\":[\"1\",\"2\",\"3\"]}]}")
        var r = try prepdeck(["import", bank, "--bank", seedBank], dataDir: dir)
        #expect(r.status == 0, "\(r.stderr)")
        r = try prepdeck(["list", "--bank", seedBank], dataDir: dir)
        #expect(r.stdout.split(separator: "\n").count == 6 && r.stdout.contains("extra-one"))
        r = try prepdeck(["import", seedBank, "--bank", seedBank], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("duplicate question id \"caching-product-catalog\""))
    }

    /// Makes `path` unwritable (`chattr +i` as root, whom mode bits do not stop; else mode 0500); the closure
    /// undoes it. nil when that is not possible here.
    func makeUnwritable(_ path: String) -> (() -> Void)? {
        if getuid() != 0 {
            chmod(path, 0o500)
            return { chmod(path, 0o700) }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["chattr", "+i", path]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return {
            let q = Process()
            q.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            q.arguments = ["chattr", "-i", path]
            try? q.run()
            q.waitUntilExit()
        }
    }

    /// Issue 17, case 10: an unwritable data directory or log is "cannot write" (73), not "locked" (75) or I/O (74).
    @Test func anUnwritableDirectoryOrLogExits73() throws {
        let dir = tempDataDir()
        let line = "{\"id\":\"1\",\"card\":\"caching-product-catalog\",\"rating\":3,\"at\":\"2026-11-01T10:00:00Z\"}\n"
        try write(dir + "/reviews.jsonl", line)
        guard let undo = makeUnwritable(dir) else { print("skipped: cannot make a directory unwritable here (chattr)"); return }
        var r = try prepdeck(["doctor", "--bank", seedBank], dataDir: dir)
        undo()
        #expect(r.status == 73 && r.stdout.contains("is not writable") && r.stdout.contains("repairs skipped"), "\(r.status) \(r.stdout)")
        // An export with a rating the log lacks, imported into a log that cannot be written.
        let other = tempDataDir()
        try write(other + "/reviews.jsonl", line.replacingOccurrences(of: "\"1\"", with: "\"2\""))
        #expect(try prepdeck(["export", other + "/export.json", "--format", "json", "--bank", seedBank], dataDir: other).status == 0)
        guard let undoLog = makeUnwritable(dir + "/reviews.jsonl") else { return }
        defer { undoLog() }
        r = try prepdeck(["import", other + "/export.json", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 73 && r.stderr.contains("cannot write \(dir)/reviews.jsonl"), "\(r.status) \(r.stderr)")
    }

    /// Found by scripts/crash-test: kill -9 between an atomic replace's write and its rename leaves `NAME.tmp-PID`
    /// in drafts/; doctor removes those too, and they are never read as drafts.
    @Test func doctorRemovesLeftoverTemporaryFilesInDrafts() throws {
        let dir = tempDataDir()
        try write(dir + "/drafts/caching-product-catalog.md", "kept")
        try write(dir + "/drafts/caching-product-catalog.md.tmp-4242", "half")
        try write(dir + "/settings.json.tmp-77", "{")
        let r = try prepdeck(["doctor", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("removed leftover temporary file drafts/caching-product-catalog.md.tmp-4242"))
        #expect(r.stdout.contains("removed leftover temporary file settings.json.tmp-77"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/drafts") == ["caching-product-catalog.md"])
    }

    @Test func doctorRepairsATornLineAndReportsBadOnes() throws {
        let dir = tempDataDir()
        try write(dir + "/reviews.jsonl", "{\"id\":\"1\",\"card\":\"caching-product-catalog\",\"rating\":3,\"at\":\"2026-11-01T10:00:00Z\"}\n{\"id\":\"2\",\"ca")
        var r = try prepdeck(["doctor", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("reviews.jsonl:2: torn last line (13 bytes, an interrupted write) moved to reviews.jsonl.torn (repaired)"))
        try write(dir + "/settings.json", "{\"fuzz\": 3}")
        r = try prepdeck(["doctor", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 65 && r.stdout.contains("settings.json:1:10: field \"fuzz\": expected true or false"))
        r = try prepdeck(["list", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("settings.json:1:10"))
    }

    @Test func usageErrorsExit64AndHelpWorks() throws {
        let dir = tempDataDir()
        var r = try prepdeck(["frobnicate"], dataDir: dir)
        #expect(r.status == 64)
        r = try prepdeck(["practice", "--count", "0", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 64 && r.stderr.contains("--count must be at least 1"))
        r = try prepdeck(["show", "no-such-question", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 66 && r.stderr == "prepdeck: no question with id 'no-such-question' (see `prepdeck list`)\n")
        for cmd in ["list", "show", "topics", "stats", "doctor", "import", "export", "practice", "review"] {
            r = try prepdeck([cmd, "--help"], dataDir: dir)
            #expect(r.status == 0 && r.stdout.contains("USAGE: prepdeck \(cmd)"), "\(cmd)")
        }
    }

    @Test func statsJSONHasTheSpecifiedFigures() throws {
        let dir = tempDataDir()
        // Times relative to now: the binary reads the system clock. One card rated Easy 3 days ago (new → review),
        // then Good 2 days ago and Again yesterday, both in review; a practice rating of another card; an undone line.
        let now = Date()
        func ago(_ days: Double) -> String { RFC3339.format(now.addingTimeInterval(-days * 86400)) }
        try write(dir + "/reviews.jsonl", """
            {"id":"1","card":"caching-product-catalog","rating":4,"at":"\(ago(3))","ms":30000,"mode":"review"}
            {"id":"2","card":"caching-product-catalog","rating":3,"at":"\(ago(2))","ms":45500,"mode":"review"}
            {"id":"3","card":"caching-product-catalog","rating":1,"at":"\(ago(1))","ms":20000,"mode":"review"}
            {"id":"4","card":"multi-region-social-app","rating":3,"at":"\(ago(2))","ms":600000,"mode":"practice"}
            {"id":"5","card":"optimistic-locking-inventory","rating":3,"at":"\(ago(1))","ms":99000,"mode":"review"}
            {"id":"6","undo":"5","at":"\(ago(1))"}
            {"id":"7","card":"not-in-the-bank","rating":3,"at":"\(ago(1))","ms":99000,"mode":"review"}

            """)
        let r = try prepdeck(["stats", "--json", "--bank", seedBank], dataDir: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONParser.parse(r.stdout)
        guard case let .object(members) = json.value else { Issue.record("not an object"); return }
        let keys = members.map(\.key)
        for k in ["due_today", "new_available_today", "learning", "reviews_today", "forecast", "heatmap", "retention_30d",
                  "streak_days", "total_review_seconds", "total_practice_seconds", "topics"] {
            #expect(keys.contains(k), "missing \(k)")
        }
        let forecast = try #require(json["forecast"]?.array)
        #expect(forecast.count == 30 && forecast.allSatisfy { $0.int != nil })
        let heatmap = try #require(json["heatmap"]?.array)
        #expect(heatmap.count == 182)
        #expect(heatmap.allSatisfy { ($0["date"]?.string?.count ?? 0) == 10 && $0["count"]?.int != nil })
        #expect(heatmap.reduce(0) { $0 + ($1["count"]?.int ?? 0) } == 4) // the undone line and the unknown card left out
        #expect(json["reviews_today"]?.int == 0)
        #expect(json["streak_days"]?.int == 3) // yesterday and the two days before; none today yet
        #expect(json["retention_30d"]?.number == 0.5) // Good, then Again, both in review
        #expect(json["total_review_seconds"]?.int == 95) // 30 + 45.5 + 20
        #expect(json["total_practice_seconds"]?.int == 600)
        #expect(json["new_available_today"]?.int == 3) // 10 a day, but only 3 of the 5 cards are unseen
        #expect(json["learning"]?.int == 2) // caching-product-catalog relearning after Again; multi-region-social-app in its steps
        let topics = try #require(json["topics"]?.array)
        #expect(!topics.isEmpty)
        for t in topics {
            let m = try #require(t["mastery"]?.number)
            #expect(m >= 0 && m <= 1 && t["topic"]?.string != nil && t["cards"]?.int != nil && t["learned"]?.int != nil)
        }
        // Without --json: a readable summary.
        let text = try prepdeck(["stats", "--bank", seedBank], dataDir: dir)
        #expect(text.status == 0 && text.stdout.contains("due today") && text.stdout.contains("streak           3 days"))
        #expect(text.stdout.contains("retention (30d)  50 %") && text.stdout.contains("weakest topics"))

        // A log long enough (4 MiB) to be kept in stats-cache.bin: a later run reads the cache and only the lines
        // appended since, and gives what a run without the cache gives.
        let big = tempDataDir()
        var lines = ""
        for k in 0..<36_000 {
            lines += "{\"id\":\"b\(k)\",\"card\":\"\(seedIDs[k % 5])\",\"rating\":\(k % 4 + 1),\"at\":\"\(ago(200 - Double(k) / 200))\",\"ms\":\(k),\"mode\":\"review\"}\n"
        }
        try write(big + "/reviews.jsonl", lines)
        #expect(try prepdeck(["stats", "--json", "--bank", seedBank], dataDir: big).status == 0)
        #expect(FileManager.default.fileExists(atPath: big + "/stats-cache.bin"))
        let handle = try #require(FileHandle(forWritingAtPath: big + "/reviews.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data("""
            {"id":"t1","card":"caching-product-catalog","rating":3,"at":"\(ago(0.5))","ms":1000,"mode":"practice"}
            {"id":"t2","undo":"b35999","at":"\(ago(0.4))"}
            {"id":"t3","card":"multi-region-social-app","rating":1,"at":"\(ago(120))","ms":5000}
            {"id":"b5","card":"multi-region-social-app","rating":1,"at":"\(ago(0.3))","ms":7000}

            """.utf8))
        try handle.close()
        let cached = try JSONParser.parse(try prepdeck(["stats", "--json", "--bank", seedBank], dataDir: big).stdout)
        // That run left a tally of the whole log (stats-tally.bin), which the next one reads instead of any rating.
        #expect(FileManager.default.fileExists(atPath: big + "/stats-tally.bin"))
        let tallied = try JSONParser.parse(try prepdeck(["stats", "--json", "--bank", seedBank], dataDir: big).stdout)
        try FileManager.default.removeItem(atPath: big + "/stats-cache.bin")
        try FileManager.default.removeItem(atPath: big + "/stats-tally.bin")
        let fresh = try JSONParser.parse(try prepdeck(["stats", "--json", "--bank", seedBank], dataDir: big).stdout)
        for k in ["due_today", "learning", "reviews_today", "forecast", "heatmap", "retention_30d", "streak_days",
                  "total_review_seconds", "total_practice_seconds", "total_reviews"] {
            #expect(cached[k]?.value == fresh[k]?.value, "\(k)")
            #expect(tallied[k]?.value == fresh[k]?.value, "\(k)")
        }
        #expect(fresh["total_reviews"]?.int == 36_001) // 36,000 − b35999 undone + t1 + t3 (b5 repeats an id)
    }
}

/// Holds an exclusive flock on argv[1] until killed, like a second prepdeck would.
/// Reads a pipe until the first newline.
func waitForLine(_ pipe: Pipe) -> String {
    var data = Data()
    while !data.contains(0x0A) {
        let chunk = pipe.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        data.append(chunk)
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
}

let lockHolderScript = "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.flock(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\nprint('held',flush=True)\ntime.sleep(60)"

@Suite struct ImportSafetyTests {
    @Test func aDeckIDCannotNameAPathOutsideTheBanksFolder() throws {
        let dir = tempDataDir()
        try write(dir + "/settings.json", "{\"scheduler\": \"sm2\"}")
        let bank = dir + "-evil.json"
        try write(bank, "{\"format\":\"prepdeck-bank\",\"version\":1,\"deck\":{\"id\":\"../settings\",\"title\":\"E\"},\"questions\":[]}")
        let r = try prepdeck(["import", bank, "--bank", seedBank], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("deck id \"../settings\" must be lowercase words"))
        #expect(try String(contentsOfFile: dir + "/settings.json", encoding: .utf8) == "{\"scheduler\": \"sm2\"}")
    }

    @Test func anExportWithAnUnknownVersionOrABadEntryImportsNothing() throws {
        let dir = tempDataDir()
        let file = dir + "-export.json"
        try write(file, "{\"format\":\"prepdeck-export\",\"version\":99,\"reviews\":[]}")
        var r = try prepdeck(["import", file, "--bank", seedBank], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("unsupported export version 99"))
        try write(file, """
            {"format":"prepdeck-export","version":1,"reviews":[
            {"id":"r1","card":"caching-product-catalog","rating":3,"at":"2026-11-01T10:00:00Z"},
            {"id":"r2","card":"caching-product-catalog","rating":9,"at":"2026-11-02T10:00:00Z"}]}
            """)
        r = try prepdeck(["import", file, "--bank", seedBank], dataDir: dir)
        #expect(r.status == 65 && r.stderr.contains("field \"rating\": expected 1, 2, 3 or 4"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/reviews.jsonl"))
    }
}
