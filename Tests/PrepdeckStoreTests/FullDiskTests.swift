import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import PrepdeckCore
@testable import PrepdeckStore

/// Issue 17, cases 1 and 7, on a real full file system: a small tmpfs mounted for the test (root only; skipped
/// with a message elsewhere).
@Suite(.serialized) struct FullDiskTests {
    func run(_ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A 64 KiB tmpfs for `body`, unmounted after; false when it cannot be mounted here.
    func withSmallDisk(_ body: (String) throws -> Void) throws -> Bool {
        guard getuid() == 0 else { return false }
        let mnt = tempDir("tmpfs")
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        guard run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "none", mnt]) == 0 else { return false }
        defer { _ = run(["umount", mnt]) }
        try body(mnt)
        return true
    }

    /// Fills the file system holding `dir` (a file of zero bytes, written until ENOSPC); returns its path.
    func fill(_ dir: String) -> String {
        let path = dir + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let chunk = [UInt8](repeating: 0, count: 512)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)
        return path
    }

    @Test func aFailedAppendOnAFullDiskLeavesNoFragmentAndTheNextOneIsClean() throws {
        let ran = try withSmallDisk { mnt in
            let store = try DataStore(root: mnt + "/data")
            // The log fills its page but for ~60 bytes; the next line needs a new page the disk does not have.
            var text = ""
            var k = 0
            while true {
                let line = review("r\(k)").jsonLine + "\n"
                if text.utf8.count + 2 * line.utf8.count > 4096 - 60 { break }
                text += line
                k += 1
            }
            // One more line, its id padded so that the page has exactly 60 bytes left.
            let short = review("p").jsonLine + "\n"
            text += review("p" + String(repeating: "x", count: 4096 - 60 - text.utf8.count - short.utf8.count)).jsonLine + "\n"
            k += 1
            #expect(text.utf8.count == 4096 - 60)
            try FileIO.append(store.reviewsPath, Array(text.utf8))
            let filler = fill(mnt)
            #expect(throws: StoreError.self) { try store.append(review("full")) }
            #expect(readText(store.reviewsPath) == text) // no partial line left behind
            // Space again: the next rating is appended whole, and every line reads.
            unlink(filler)
            try store.append(review("after"))
            let read = try store.readReviews()
            #expect(read.warnings.isEmpty && read.entries.count == k + 1)
            #expect(readText(store.reviewsPath) == text + review("after").jsonLine + "\n")
        }
        if !ran { print("skipped: mounting a small tmpfs needs root (issue 17, case 1 on a full disk)") }
    }

    @Test func aTornTailOnAFullDiskOpensReadOnly() throws {
        let ran = try withSmallDisk { mnt in
            let root = mnt + "/data"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let bytes = review("a").jsonLine + "\n" + "{\"id\":\"b\",\"card\":\"q\",\"rat"
            try FileIO.append(root + "/reviews.jsonl", Array(bytes.utf8))
            _ = fill(mnt)
            let store = try DataStore(root: root)
            let loaded = try store.loadProgress(settings: Settings())
            #expect(loaded.progress.schedule("q").reps == 1)
            #expect(loaded.warnings.contains { $0.message.contains("could not be moved to reviews.jsonl.torn") })
            #expect(store.isReadOnly && store.readOnlyKind == .cannotCreate)
            #expect(readText(root + "/reviews.jsonl") == bytes)
        }
        if !ran { print("skipped: mounting a small tmpfs needs root (issue 17, case 7 on a full disk)") }
    }
}
