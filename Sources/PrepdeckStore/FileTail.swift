import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileIO {
    /// The last line of a file (the bytes after its last newline but one, through the end) and where it
    /// starts, reading backwards from the end: checking how a log ends costs the same at any log length.
    /// nil if the file does not exist; an empty file gives no bytes.
    public static func readLastLine(_ path: String) throws(StoreError) -> (bytes: [UInt8], start: Int)? {
        guard let (fd, size) = try openRegular(path) else { return nil }
        defer { close(fd) }
        if size == 0 { return ([], 0) }
        func chunk(_ at: Int, _ n: Int) throws(StoreError) -> [UInt8] {
            guard let b = preadAll(fd, at: at, count: n) else { throw StoreError(.io, "cannot read \(path): \(errnoText())") }
            return b
        }
        let last = try chunk(size - 1, 1)
        if last == [0x0A] { return (last, size - 1) }
        var start = size - 1
        var after = last
        while start > 0 {
            let n = min(1 << 16, start)
            start -= n
            let b = try chunk(start, n)
            if let k = b.lastIndex(of: 0x0A) { return (Array(b[(k + 1)...]) + after, start + k + 1) }
            after = b + after
        }
        return (after, 0)
    }
}
