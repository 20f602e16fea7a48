import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckStore

func tempDir(_ name: String = "store") -> String {
    let dir = NSTemporaryDirectory() + "prepdeck-test-\(name)-\(UUID().uuidString)"
    return dir
}

func readText(_ path: String) -> String? {
    (try? FileIO.read(path))?.flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }
}

let t0 = RFC3339.parse("2026-11-29T10:00:00Z")!
func review(_ id: String, card: String = "q", rating: Rating = .good, at: Date = t0) -> LogEntry {
    .review(ReviewEvent(id: id, card: card, rating: rating, at: at, ms: 1000, mode: .review))
}

@Suite struct DataStoreTests {
    @Test func createsTheDirectoryPrivate() throws {
        let dir = tempDir() + "/nested/data"
        let store = try DataStore(root: dir)
        #expect(!store.isReadOnly)
        var st = stat()
        #expect(stat(dir, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
    }

    @Test func appendsAreReadBack() throws {
        let store = try DataStore(root: tempDir())
        try store.append(review("a"))
        try store.append(review("b", rating: .again))
        let (entries, warnings) = try store.readReviews()
        #expect(entries.map(\.id) == ["a", "b"] && warnings.isEmpty)
        #expect(readText(store.reviewsPath)!.hasSuffix("\"mode\":\"review\"}\n"))
    }

    @Test func tornLastLineIsSetAsideNotLost() throws {
        let dir = tempDir()
        let store = try DataStore(root: dir)
        try store.append(review("a"))
        try FileIO.append(store.reviewsPath, Array("{\"id\":\"b\",\"card\":\"q\",\"rat".utf8)) // a crash mid-append
        let (entries, warnings) = try store.readReviews()
        #expect(entries.map(\.id) == ["a"])
        #expect(warnings.map(\.description) == ["reviews.jsonl:2: torn last line (25 bytes, an interrupted write) moved to reviews.jsonl.torn"])
        #expect(readText(store.reviewsPath + ".torn") == "{\"id\":\"b\",\"card\":\"q\",\"rat\n")
        try store.append(review("c"))
        let again = try store.readReviews()
        #expect(again.entries.map(\.id) == ["a", "c"] && again.warnings.isEmpty)
    }

    @Test func tornLineIsRepairedBeforeAnAppendEvenUnread() throws {
        let store = try DataStore(root: tempDir())
        try FileIO.append(store.reviewsPath, Array((review("a").jsonLine + "\n{\"id\":").utf8))
        try store.append(review("b"))
        #expect(try store.readReviews().entries.map(\.id) == ["a", "b"])
        #expect(readText(store.reviewsPath + ".torn") == "{\"id\":\n")
    }

    @Test func aValidLastLineWithoutNewlineIsKept() throws {
        let store = try DataStore(root: tempDir())
        try FileIO.append(store.reviewsPath, Array(review("a").jsonLine.utf8))
        try store.append(review("b"))
        #expect(try store.readReviews().entries.map(\.id) == ["a", "b"])
        #expect(!FileIO.exists(store.reviewsPath + ".torn"))
    }

    @Test func aBadMiddleLineIsReportedWithLineAndColumn() throws {
        let store = try DataStore(root: tempDir())
        try FileIO.append(store.reviewsPath, Array((review("a").jsonLine + "\n{\"id\": 5}\n" + review("c").jsonLine + "\n").utf8))
        let (entries, warnings) = try store.readReviews()
        #expect(entries.map(\.id) == ["a", "c"])
        #expect(warnings.map(\.description) == ["reviews.jsonl:2:8: field \"id\": expected a non-empty string (line skipped)"])
        #expect(readText(store.reviewsPath)!.contains("{\"id\": 5}")) // never rewritten
    }

    @Test func readOnlyAccessNeverRepairs() throws {
        let dir = tempDir()
        let w = try DataStore(root: dir)
        try FileIO.append(w.reviewsPath, Array((review("a").jsonLine + "\n{\"id\"").utf8))
        let r = try DataStore(root: dir, access: .read)
        let (entries, warnings) = try r.readReviews()
        #expect(entries.count == 1 && warnings.first?.message.contains("ignored") == true)
        #expect(!FileIO.exists(w.reviewsPath + ".torn"))
        #expect(throws: StoreError.self) { try r.append(review("b")) }
    }

    @Test func settingsAreReplacedAtomicallyAndKeepUnknownFields() throws {
        let store = try DataStore(root: tempDir())
        try FileIO.replace(store.settingsPath, Array("{\"theme\": \"dark\", \"new_per_day\": 3}".utf8))
        var s = try store.readSettings().settings
        #expect(s.newPerDay == 3)
        s.newPerDay = 7
        try store.writeSettings(s)
        let text = readText(store.settingsPath)!
        #expect(text.contains("\"new_per_day\": 7") && text.contains("\"theme\": \"dark\""))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.root).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func aSettingsFileThatDoesNotParseIsNeverOverwritten() throws {
        let store = try DataStore(root: tempDir())
        let broken = "{\"new_per_day\": 3,,}"
        try FileIO.replace(store.settingsPath, Array(broken.utf8))
        #expect(throws: StoreError(.badData, "\(store.settingsPath):1:19: unexpected character ',': expected a quoted key")) {
            try store.readSettings()
        }
        #expect(throws: StoreError.self) { try store.writeSettings(Settings()) }
        #expect(readText(store.settingsPath) == broken)
    }

    @Test func draftsRoundTrip() throws {
        let store = try DataStore(root: tempDir())
        #expect(store.readDraft("q-a") == nil)
        try store.saveDraft("q-a", text: "hello 日本")
        #expect(store.readDraft("q-a") == "hello 日本")
        #expect(store.draftIDs() == ["q-a"])
        try store.saveDraft("q-a", text: "")
        #expect(store.readDraft("q-a") == nil)
        #expect(throws: StoreError.self) { try store.saveDraft("../evil", text: "x") }
    }

    @Test func aLockHeldByAnotherProcessOpensReadOnly() throws {
        let dir = tempDir()
        _ = try DataStore(root: dir) // create, then release
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", lockHolderScript, dir + "/lock"]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        #expect(waitForLine(out) == "held")
        let store = try DataStore(root: dir)
        #expect(store.isReadOnly)
        #expect(store.readOnlyReason?.contains("another prepdeck") == true)
        do {
            try store.append(review("a"))
            Issue.record("append should have failed")
        } catch {
            #expect(error.kind == .locked && error.exitCode == 75)
            #expect(error.message.contains("another prepdeck"))
        }
        #expect(!FileIO.exists(store.reviewsPath))
    }

    @Test func aSecondStoreInTheSameProcessIsAlsoLockedOut() throws {
        let dir = tempDir()
        let first = try DataStore(root: dir)
        let second = try DataStore(root: dir)
        #expect(!first.isReadOnly && second.isReadOnly)
        #expect(second.readOnlyReason!.contains("pid \(getpid())"))
    }

    @Test func anUncreatableDirectoryIsAClearError() {
        #expect(throws: StoreError.self) { try DataStore(root: "/proc/prepdeck-cannot-exist/data") }
        do { _ = try DataStore(root: "/proc/prepdeck-cannot-exist/data") } catch {
            #expect(error.exitCode == 73 && error.message.hasPrefix("cannot create directory /proc/prepdeck-cannot-exist"))
        }
    }

    @Test func dataDirectoryLookupOrder() {
        #expect(resolveDataDirectory(explicit: "/x", environment: ["PREPDECK_HOME": "/h"]) == "/x")
        #expect(resolveDataDirectory(explicit: nil, environment: ["PREPDECK_HOME": "/h", "XDG_DATA_HOME": "/d"]) == "/h")
        #expect(resolveDataDirectory(explicit: nil, environment: ["XDG_DATA_HOME": "/d", "HOME": "/home/u"]) == "/d/prepdeck")
        #expect(resolveDataDirectory(explicit: nil, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/prepdeck")
    }
}

@Suite struct BankLoaderTests {
    @Test func loadsAFolderInNameOrderAndRejectsMissingPaths() throws {
        let dir = tempDir("banks")
        try FileIO.makeDirectory(dir)
        func bankText(_ id: String) -> String {
            "{\"format\":\"prepdeck-bank\",\"version\":1,\"deck\":{\"id\":\"d\",\"title\":\"D\"},\"questions\":[{\"id\":\"\(id)\",\"title\":\"T\",\"prompt\":\"P\",\"difficulty\":\"easy\",\"kind\":\"coding\",\"topics\":[\"x\"],\"answer\":\"A\",\"keyPoints\":[\"1\",\"2\",\"3\"]}]}"
        }
        try FileIO.replace(dir + "/b.json", Array(bankText("second").utf8))
        try FileIO.replace(dir + "/a.json", Array(bankText("first").utf8))
        try FileIO.replace(dir + "/notes.txt", Array("ignored".utf8))
        let catalog = try BankLoader.load(paths: [dir])
        #expect(catalog.questions.map(\.id) == ["first", "second"])
        do { _ = try BankLoader.load(paths: [dir + "/nope.json"]) ; Issue.record("expected an error") } catch {
            #expect(error.exitCode == 66 && error.message == "\(dir)/nope.json: no such bank file or folder")
        }
        try FileIO.replace(dir + "/c.json", Array(bankText("first").utf8))
        do { _ = try BankLoader.load(paths: [dir]) ; Issue.record("expected an error") } catch {
            #expect(error.exitCode == 65 && error.message == "\(dir)/c.json:1:82: duplicate question id \"first\" (first defined at \(dir)/a.json:1:82)", "\(error.message)")
        }
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

@Suite struct FileSafetyTests {
    @Test func aCompleteLastLineThatIsNotAnEntryIsABadLineNotATornOne() throws {
        let store = try DataStore(root: tempDir())
        try FileIO.append(store.reviewsPath, Array((review("a").jsonLine + "\n{\"id\":\"b\"}").utf8))
        let (entries, warnings) = try store.readReviews()
        #expect(entries.map(\.id) == ["a"])
        #expect(warnings.map(\.description) == ["reviews.jsonl:2:1: missing field \"at\" (line skipped)"])
        #expect(!FileIO.exists(store.reviewsPath + ".torn"))
        try store.append(review("c"))
        #expect(try store.readReviews().entries.map(\.id) == ["a", "c"])
    }

    @Test func onlyRegularFilesAreRead() {
        #expect(throws: StoreError.self) { try FileIO.read("/dev/zero") }
    }
}

/// Issue 17, case 6: symbolic links in the data directory are never followed for writing.
@Suite struct SymlinkTests {
    func victim() throws -> String {
        let v = tempDir("victim")
        try FileManager.default.createDirectory(atPath: v, withIntermediateDirectories: true)
        try "precious\n".write(toFile: v + "/file", atomically: true, encoding: .utf8)
        return v
    }

    @Test func aLockLinkIsNotTruncatedAndTheStoreOpensReadOnly() throws {
        let v = try victim(), dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(symlink(v + "/file", dir + "/lock") == 0)
        let store = try DataStore(root: dir)
        #expect(store.isReadOnly && store.readOnlyReason!.contains("symbolic link"))
        #expect(readText(v + "/file") == "precious\n")
        #expect(throws: StoreError.self) { try store.append(review("a")) }
    }

    @Test func aReviewLogLinkIsNotAppendedTo() throws {
        let v = try victim(), dir = tempDir()
        let store = try DataStore(root: dir)
        #expect(symlink(v + "/file", store.reviewsPath) == 0)
        do { try store.append(review("a")); Issue.record("appended through a link") } catch {
            #expect(error.message.contains("symbolic link") && error.exitCode == 73)
        }
        #expect(readText(v + "/file") == "precious\n")
        // A dangling link is not created through either.
        unlink(store.reviewsPath)
        #expect(symlink(v + "/new", store.reviewsPath) == 0)
        #expect(throws: StoreError.self) { try store.append(review("b")) }
        #expect(!FileManager.default.fileExists(atPath: v + "/new"))
    }

    @Test func aDraftsLinkIsNotWrittenThrough() throws {
        let v = try victim(), dir = tempDir()
        let store = try DataStore(root: dir)
        #expect(symlink(v, store.draftsPath) == 0)
        #expect(throws: StoreError.self) { try store.saveDraft("q-1", text: "draft") }
        #expect(throws: StoreError.self) { try store.saveDraft("file", text: "") }
        #expect(!FileManager.default.fileExists(atPath: v + "/q-1.md"))
        #expect(readText(v + "/file") == "precious\n")
    }
}

/// Issue 17, case 7: a torn tail that cannot be set aside (a full disk; here `reviews.jsonl.torn` is a
/// folder, so it cannot be written) opens the store read-only with a warning, instead of failing to start.
@Suite struct TornTailCannotBeSetAsideTests {
    @Test func theStoreOpensReadOnlyAndTheLogIsUntouched() throws {
        let dir = tempDir()
        let line = "{\"id\":\"a\",\"card\":\"q\",\"rating\":3,\"at\":\"2026-11-29T10:00:00Z\",\"mode\":\"review\"}\n"
        let bytes = line + "{\"id\":\"b\",\"card\":\"q\",\"rat"
        try FileManager.default.createDirectory(atPath: dir + "/reviews.jsonl.torn", withIntermediateDirectories: true)
        try bytes.write(toFile: dir + "/reviews.jsonl", atomically: true, encoding: .utf8)
        let store = try DataStore(root: dir)
        #expect(!store.isReadOnly)
        let loaded = try store.loadProgress(settings: Settings())
        #expect(loaded.progress.schedule("q").reps == 1)
        #expect(loaded.warnings.contains { $0.message.contains("could not be moved to reviews.jsonl.torn") })
        #expect(store.isReadOnly && store.readOnlyReason!.contains("torn line"))
        #expect(readText(dir + "/reviews.jsonl") == bytes)
        #expect(throws: StoreError.self) { try store.append(review("c")) }
        #expect(readText(dir + "/reviews.jsonl") == bytes)
        // readLog, the other reader, behaves the same way.
        let other = try DataStore(root: tempDir())
        try FileManager.default.createDirectory(atPath: other.reviewsPath + ".torn", withIntermediateDirectories: true)
        try bytes.write(toFile: other.reviewsPath, atomically: true, encoding: .utf8)
        let read = try other.readReviews()
        #expect(read.entries.count == 1 && other.isReadOnly)
    }
}
