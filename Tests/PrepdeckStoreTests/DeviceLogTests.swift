import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckStore

/// Several machines' logs in one data directory (issue 14, sync).
@Suite struct DeviceLogTests {
    func store(device: String? = "me", git: Bool = false) throws -> DataStore {
        let root = tempDir("devices")
        try FileIO.makeDirectory(root)
        if git { try FileIO.makeDirectory(root + "/.git") }
        if let device { try FileIO.replace(root + "/device-id", Array((device + "\n").utf8)) }
        return try DataStore(root: root)
    }

    func append(_ path: String, _ lines: [String], newline: Bool = true) throws {
        guard !lines.isEmpty else { return }
        try FileIO.append(path, Array((lines.joined(separator: "\n") + (newline ? "\n" : "")).utf8))
    }

    func line(_ id: String, _ card: String, _ rating: Int, _ at: String) -> String {
        #"{"id":"\#(id)","card":"\#(card)","rating":\#(rating),"at":"\#(at)","mode":"review"}"#
    }

    /// The files' lines in one plain `reviews.jsonl` of a directory of its own, each file ending with a newline:
    /// what replay of the device logs must equal.
    func concatenated(_ paths: [String]) throws -> StudyProgressAndWarnings {
        let root = tempDir("concat")
        try FileIO.makeDirectory(root)
        var bytes: [UInt8] = []
        for p in paths {
            var b = try FileIO.read(p) ?? []
            if let last = b.last, last != 0x0A { b.append(0x0A) }
            bytes += b
        }
        try FileIO.append(root + "/reviews.jsonl", bytes)
        let r = try DataStore(root: root, access: .read).readReviews()
        return StudyProgressAndWarnings(progress: StudyProgress(entries: r.entries, settings: Settings()), warnings: r.warnings.count)
    }

    struct StudyProgressAndWarnings { var progress: StudyProgress; var warnings: Int }

    @Test func theLogsAreReadOtherMachinesByNameThenThisOnesOwn() throws {
        let s = try store()
        for name in ["reviews.zed-1.jsonl", "reviews.me.jsonl", "reviews.jsonl", "reviews.abc.jsonl", "reviews.NOT-AN-ID.jsonl",
                     "reviews.jsonl.torn", "answers.abc.jsonl", "answers.me.jsonl"] {
            try append(s.root + "/" + name, ["{}"])
        }
        #expect(s.logPaths(.reviews).map { ($0 as NSString).lastPathComponent }
                == ["reviews.abc.jsonl", "reviews.jsonl", "reviews.zed-1.jsonl", "reviews.me.jsonl"])
        #expect(s.logPaths(.answers).map { ($0 as NSString).lastPathComponent } == ["answers.abc.jsonl", "answers.me.jsonl"])
        #expect(try s.appendPath(.reviews) == s.root + "/reviews.me.jsonl")
        #expect(try s.appendPath(.sessions) == s.root + "/sessions.me.jsonl")
    }

    @Test func aDirectoryOfOneMachineKeepsAppendingToReviewsJSONL() throws {
        let s = try store(device: nil)
        try append(s.root + "/reviews.other-1.jsonl", [line("o", "x", 3, "2026-11-01T10:00:00Z")])
        #expect(try s.appendPath(.reviews) == s.reviewsPath)
        try s.append(.reviews, line: line("m", "x", 3, "2026-11-02T10:00:00Z"))
        #expect(!FileIO.exists(s.deviceIDPath))
        // The other machine's lines are read too, before this one's.
        #expect(s.logPaths(.reviews) == [s.root + "/reviews.other-1.jsonl", s.reviewsPath])
        #expect(try s.loadProgress(settings: Settings()).progress.reviews("x").map(\.id) == ["o", "m"])
    }

    @Test func aGitRepositoryGetsADeviceIDOnTheFirstWriteAndKeepsIt() throws {
        let s = try store(device: nil, git: true)
        #expect(s.deviceID == nil && s.usesDeviceLogs)
        let path = try s.appendPath(.reviews)
        let id = try #require(s.deviceID)
        #expect(DeviceID.isValid(id) && path == s.root + "/reviews.\(id).jsonl")
        #expect(try DataStore(root: s.root).appendPath(.answers) == s.root + "/answers.\(id).jsonl")
        // A device-id that is not one is refused, never replaced.
        try FileIO.replace(s.deviceIDPath, Array("Not/An id\n".utf8))
        #expect(throws: StoreError.self) { try s.appendPath(.reviews) }
        #expect(readText(s.deviceIDPath) == "Not/An id\n")
    }

    @Test func deviceIDsAreMadeFromTheHostName() {
        var seeded = SeededRandom(seed: 7)
        let id = DeviceID.make(hostName: "Work Laptop.local", using: &seeded)
        #expect(id.hasPrefix("work-laptop-local-") && id.count == "work-laptop-local-".count + 6 && DeviceID.isValid(id))
        #expect(DeviceID.make(hostName: "", using: &seeded).hasPrefix("device-"))
        #expect(!DeviceID.isValid("a.b") && !DeviceID.isValid("") && !DeviceID.isValid(String(repeating: "a", count: 41)))
    }

    /// The core property: random logs of three machines (another machine's file sometimes without its last
    /// newline) replay to what one file of the same lines gives, from scratch, from the snapshot after this
    /// machine appends, and after another machine's file grows (a pull).
    @Test func severalMachinesLogsReplayAsOneFileOfTheirLines() throws {
        var rng = SnapRNG(state: 14)
        var fromSnapshot = 0
        for round in 0..<40 {
            let s = try store()
            var clock = 1_780_000_000.0, ids: [String] = []
            let a = s.root + "/reviews.aaa.jsonl", plain = s.reviewsPath, own = s.root + "/reviews.me.jsonl"
            func lines(_ n: Int, _ k0: Int) -> [String] { randomLines(&rng, count: n, start: k0, clock: &clock, ids: &ids) }
            let aLines = lines(1 + rng.below(40), 0)
            try append(a, aLines, newline: round % 3 != 0 || aLines.last!.contains("bad"))
            if round % 2 == 0 { try append(plain, lines(1 + rng.below(20), 2000)) }
            try append(own, lines(1 + rng.below(40), 4000))
            func expectReference(_ loaded: ProgressLoad, _ note: String) throws {
                let ref = try concatenated(s.logPaths(.reviews))
                #expect(loaded.progress.schedules == ref.progress.schedules, "round \(round) \(note)")
                #expect(loaded.progress.firstReviews == ref.progress.firstReviews, "round \(round) \(note)")
                #expect(loaded.progress.history == ref.progress.history, "round \(round) \(note)")
                #expect(loaded.warnings.count == ref.warnings, "round \(round) \(note)")
            }
            let first = try s.loadProgress(settings: Settings())
            #expect(first.snapshotWritten, "round \(round)")
            try expectReference(first, "first")
            // This machine appends: the snapshot plus the new lines.
            try append(own, lines(1 + rng.below(10), 6000))
            let second = try s.loadProgress(settings: Settings())
            if case .snapshot = second.source { fromSnapshot += 1 } else { Issue.record("round \(round): \(second.source)") }
            try expectReference(second, "after an append")
            // Another machine's file grows (git pull): its lines, older or newer, count; the snapshot is not used as it is.
            try append(a, lines(1 + rng.below(10), 8000))
            let third = try s.loadProgress(settings: Settings())
            #expect(third.source == .fullReplay(reason: "settings or another machine's log changed"), "round \(round)")
            try expectReference(third, "after a pull")
            let stats = try s.statsEvents(settings: Settings(), scheduler: makeScheduler(Settings()))
            let refRoot = tempDir("stats-ref")
            try FileIO.makeDirectory(refRoot)
            var all: [UInt8] = []
            for p in s.logPaths(.reviews) { var b = try FileIO.read(p) ?? []; if b.last != 0x0A { b.append(0x0A) }; all += b }
            try FileIO.append(refRoot + "/reviews.jsonl", all)
            #expect(stats == (try DataStore(root: refRoot).statsEvents(settings: Settings(), scheduler: makeScheduler(Settings()))), "round \(round) stats")
        }
        #expect(fromSnapshot == 40)
    }

    @Test func theOrderOfTheMachinesDoesNotChangeTheSchedules() throws {
        // Replay is by time: the same lines split between two machines give the same states whichever is "own".
        let lines = (0..<30).map { k in line("e\(k)", "card-\(k % 4)", 1 + k % 4, RFC3339.format(Date(timeIntervalSince1970: 1_780_000_000 + Double(k * 7919 % 30) * 86400))) }
        var results: [[String: CardSchedule]] = []
        for me in ["aaa", "zzz"] {
            let s = try store(device: me)
            try append(s.root + "/reviews.aaa.jsonl", lines.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
            try append(s.root + "/reviews.zzz.jsonl", lines.enumerated().filter { $0.offset % 3 != 0 }.map(\.element))
            results.append(try s.loadProgress(settings: Settings()).progress.schedules)
        }
        #expect(results[0] == results[1] && results[0].count == 4)
    }

    @Test func aTornLastLineIsCutFromThisMachinesLogOnlyAndProblemsNameTheirFile() throws {
        let s = try store()
        let other = s.root + "/reviews.other.jsonl", own = s.root + "/reviews.me.jsonl"
        try append(other, [line("a", "x", 3, "2026-11-01T10:00:00Z"), "{bad", line("b", "y", 3, "2026-11-01T11:00:00Z")])
        try FileIO.append(own, Array((line("c", "x", 3, "2026-11-02T10:00:00Z") + "\n" + #"{"id":"d","card":"#).utf8))
        let before = try FileIO.read(other)
        let loaded = try s.loadProgress(settings: Settings())
        #expect(loaded.warnings.count == 2)
        #expect(loaded.warnings.first.map { ($0.file, $0.line) } ?? ("", 0) == ("reviews.other.jsonl", 2))
        #expect(loaded.warnings.last?.description == "reviews.me.jsonl:2: torn last line (17 bytes, an interrupted write) moved to reviews.me.jsonl.torn")
        #expect(try FileIO.read(other) == before)
        #expect(readText(own + ".torn") == #"{"id":"d","card":"# + "\n")
        #expect(loaded.progress.reviews("x").map(\.id) == ["a", "c"])
        // The next append starts on a line of its own, in this machine's file.
        try s.append(.reviews, line: line("e", "y", 2, "2026-11-03T10:00:00Z"))
        #expect(try s.loadProgress(settings: Settings()).progress.reviews("y").map(\.id) == ["b", "e"])
    }

    @Test func answersAndSessionsOfEveryMachineAreRead() throws {
        let s = try store()
        try append(s.root + "/answers.jsonl", [#"{"id":"1"}"#])
        try append(s.root + "/answers.laptop-1.jsonl", [#"{"id":"2"}"#], newline: false)
        try s.append(.answers, line: #"{"id":"3"}"#)
        let r = try s.readLogs(.answers, decode: LogLineError.parse)
        #expect(r.items.compactMap { $0["id"]?.string } == ["1", "2", "3"] && r.warnings.isEmpty)
        #expect(readText(s.root + "/answers.me.jsonl") == #"{"id":"3"}"# + "\n")
    }
}
