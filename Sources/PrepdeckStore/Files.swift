import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

/// A storage failure, with the sysexits code the command line should exit with.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badData      // 65: a file that does not parse
        case missing      // 66: input that does not exist
        case cannotCreate // 73
        case io           // 74
        case locked       // 75: another prepdeck holds the data directory
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
    public var exitCode: Int32 {
        switch kind { case .badData: 65; case .missing: 66; case .cannotCreate: 73; case .io: 74; case .locked: 75 }
    }
}

func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// Low-level file operations with the durability rules of docs/data-format.md.
public enum FileIO {
    /// Reads a whole file, or nil if it does not exist.
    /// Opens a regular file for reading: its descriptor and size, or nil if it does not exist.
    /// The caller closes the descriptor.
    public static func openRegular(_ path: String) throws(StoreError) -> (fd: Int32, size: Int)? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            let e = errno
            // Not allowed (mode bits, an ACL, a security module): 73 like a file that cannot be written.
            throw StoreError(e == EACCES || e == EPERM ? .cannotCreate : .io, "cannot read \(path): \(errnoText(e))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw StoreError(.io, "cannot read \(path): \(errnoText(e))") }
        if (st.st_mode & S_IFMT) == S_IFDIR { close(fd); throw StoreError(.io, "cannot read \(path): it is a directory") }
        // Opened without blocking, so that a FIFO or a device is refused instead of waited on for ever.
        if (st.st_mode & S_IFMT) != S_IFREG { close(fd); throw StoreError(.io, "cannot read \(path): not a regular file") }
        return (fd, Int(st.st_size))
    }

    public static func read(_ path: String) throws(StoreError) -> [UInt8]? {
        guard let (fd, size) = try openRegular(path) else { return nil }
        defer { close(fd) }
        var out = [UInt8]()
        out.reserveCapacity(size + 1)
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError(.io, "cannot read \(path): \(errnoText())")
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                throw StoreError(e == ENOSPC || e == EDQUOT ? .io : .io, "cannot write \(path): \(errnoText(e))")
            }
            off += n
        }
    }

    /// Appends bytes and `fsync`s before returning: when this returns, the data is on disk.
    public static func append(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let isNew = !exists(path)
        // O_NOFOLLOW: a symbolic link in the data directory is never followed for writing (issue 17, case 6).
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw writeError(path, errno) }
        defer { close(fd) }
        var st = stat()
        let before = fstat(fd, &st) == 0 ? Int(st.st_size) : nil
        do throws(StoreError) {
            try writeAll(fd, bytes, path: path)
        } catch {
            // A partial line (a full disk, a file-size limit) must not stay: the next append would be glued
            // onto it and that line lost for ever (issue 17, case 1). Cut the file back to where it ended.
            if let before { _ = ftruncate(fd, off_t(before)); _ = fsync(fd) }
            throw error
        }
        guard fsync(fd) == 0 else { throw StoreError(.io, "cannot write \(path): fsync failed: \(errnoText())") }
        // A new file's directory entry must be durable too.
        if isNew { syncDirectory((path as NSString).deletingLastPathComponent) }
    }

    /// Replaces a file atomically: temporary file, `fsync`, `rename`, `fsync` of the directory.
    public static func replace(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = path + ".tmp-\(getpid())"
        try refuseSymlinkedDirectory(dir)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw writeError(path, errno) }
        do throws(StoreError) {
            try writeAll(fd, bytes, path: path)
            guard fsync(fd) == 0 else { throw StoreError(.io, "cannot write \(path): fsync failed: \(errnoText())") }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp)
            throw StoreError(.io, "cannot replace \(path): \(errnoText(e))")
        }
        syncDirectory(dir.isEmpty ? "." : dir)
    }

    /// The error for a failed open for writing: a symbolic link is refused with its own message.
    static func writeError(_ path: String, _ e: Int32) -> StoreError {
        if e == ELOOP {
            return StoreError(.cannotCreate, "refusing to write \(path): it is a symbolic link (prepdeck writes only regular files in its data directory; remove the link)")
        }
        return StoreError(e == EACCES || e == EROFS || e == EPERM ? .cannotCreate : .io, "cannot write \(path): \(errnoText(e))")
    }

    /// Refuses to write into a folder that is a symbolic link (a `drafts/` pointing elsewhere).
    static func refuseSymlinkedDirectory(_ dir: String) throws(StoreError) {
        var st = stat()
        if !dir.isEmpty, lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, (dir as NSString).lastPathComponent != "." {
            // Only the data directory's own sub-folders: the data directory itself may be reached through a link.
            if ["drafts", "banks", "exports", "bank-index"].contains((dir as NSString).lastPathComponent) {
                throw StoreError(.cannotCreate, "refusing to write into \(dir): it is a symbolic link (remove the link)")
            }
        }
    }

    public static func syncDirectory(_ dir: String) {
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a directory (and its parents) with mode 0700.
    public static func makeDirectory(_ path: String) throws(StoreError) {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path && !isDirectory(parent) { try makeDirectory(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw StoreError(.cannotCreate, "cannot create directory \(path): \(errnoText())")
        }
        syncDirectory(parent.isEmpty ? "." : parent)
    }

    public static func remove(_ path: String) { unlink(path) }
}
