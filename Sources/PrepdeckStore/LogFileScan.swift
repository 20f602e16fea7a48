import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

// Scanning `reviews.jsonl` straight from the file, a window at a time: the log is never held in memory whole
// (a 1,000,000-line log is 139 MB; the scan keeps a 32-byte record a line and one window per thread).

/// The lines of an open log, read back by `pread` (the few whose id hashes must be confirmed).
struct FileLines: LogLines {
    /// Not retained: the scan's copies of this value are many (one a look-up) and the log outlives them all.
    unowned(unsafe) let log: LogFile
    func withLine<T>(at offset: Int, length: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        (log.bytes(at: offset, count: length) ?? []).withUnsafeBufferPointer(body)
    }
}

extension LogFile {
    var lines: FileLines { FileLines(log: self) }

    /// Scans bytes `from..<to` (from a line start; `firstLine` is that line's number) in windows of `window`
    /// bytes, on up to `workers` threads, each taking a part (at least `minPart` bytes) of the range cut after
    /// a newline. The result is what `LogScan.scan` gives for the same bytes in one buffer.
    func scan(from: Int, to: Int, firstLine: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
              window: Int = 1 << 20, minPart: Int = 4 << 20) throws(StoreError) -> LogScan {
        let n = to - from
        let expectedCards = max(1024, n / 4000)
        let wanted = max(1, min(workers, 8, n / max(1, minPart)))
        var cuts = [from]
        for p in 1..<max(1, wanted) {
            let cut = try lineStart(after: from + n * p / wanted, before: to)
            if cut > cuts.last! { cuts.append(cut) }
        }
        if to > cuts.last! || cuts.count == 1 { cuts.append(to) }
        let bounds = cuts
        let parts = bounds.count - 1
        let boxes = (0..<parts).map { _ in ResultBox<Result<LogScan, StoreError>>() }
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            boxes[p].value = Result { () throws(StoreError) -> LogScan in
                // The first part reserves room for every record: the others are appended to it without a move.
                try scanPart(bounds[p]..<bounds[p + 1], window: window, expectedCards: expectedCards, reserveFor: p == 0 ? n : 0)
            }
        }
        var scans: [LogScan] = []
        for b in boxes {
            scans.append(try b.value!.get())
            b.value = nil // the scan's arrays stay uniquely referenced: appending to them does not copy them
        }
        return LogScan.concatenate(scans, firstLine: firstLine)
    }

    /// The offset just past the first newline at or after `at` (`before` when there is none before it).
    private func lineStart(after at: Int, before end: Int) throws(StoreError) -> Int {
        var k = at
        while k < end {
            let n = min(64 << 10, end - k)
            guard let b = bytes(at: k, count: n) else { throw shrank() }
            if let i = b.firstIndex(of: 0x0A) { return k + i + 1 }
            k += n
        }
        return end
    }

    private func shrank() -> StoreError {
        StoreError(.io, "cannot read \(path): \(errno == 0 ? "the file shrank while being read" : errnoText())")
    }

    /// One part, numbered from line 1: the windows are read in turn, the bytes after a window's last newline
    /// carried to the start of the next (the window doubles for a line longer than itself).
    private func scanPart(_ range: Range<Int>, window: Int, expectedCards: Int, reserveFor bytes: Int) throws(StoreError) -> LogScan {
        var s = LogScan(start: range.lowerBound, lastLine: 0, expectedCards: expectedCards, expectedBytes: max(bytes, range.count))
        var buf = [UInt8](repeating: 0, count: min(window, max(range.count, 1)))
        var carry = 0           // bytes of an unfinished line at the start of `buf`
        var start = range.lowerBound // file offset of buf[0]
        var pos = range.lowerBound   // file offset of the next byte to read
        while pos < range.upperBound {
            if carry == buf.count { buf += [UInt8](repeating: 0, count: buf.count) }
            let want = min(buf.count - carry, range.upperBound - pos)
            let got = buf.withUnsafeMutableBytes { b in read(into: b.baseAddress! + carry, count: want, at: pos) }
            guard got == want else { throw shrank() }
            pos += got
            let filled = carry + got
            let rest = buf.withUnsafeBufferPointer { s.addCompleteLines($0, range: 0..<filled, fileOffset: start) }
            carry = filled - rest
            if carry > 0 && rest > 0 {
                buf.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + rest, carry) }
            }
            start += rest
        }
        if carry > 0 { buf.withUnsafeBufferPointer { s.addLastLine($0, 0..<carry, fileOffset: start) } }
        return s
    }
}

