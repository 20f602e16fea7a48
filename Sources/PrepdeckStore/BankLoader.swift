import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrepdeckCore

/// Reads bank files: a file, or every `*.json` in a folder (sorted by name).
public enum BankLoader {
    /// The bank files a path names. A missing path is a `.missing` error (exit 66).
    public static func files(at path: String) throws(StoreError) -> [String] {
        if FileIO.isDirectory(path) {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw StoreError(.io, "cannot list bank folder \(path): \(error.localizedDescription)")
            }
            let files = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
            if files.isEmpty { throw StoreError(.missing, "\(path): no bank files (*.json) in this folder") }
            return files
        }
        guard FileIO.exists(path) else { throw StoreError(.missing, "\(path): no such bank file or folder") }
        return [path]
    }

    public enum LoadError: Error, Sendable {
        case store(StoreError)
        case bank(BankError)
        public var exitCode: Int32 {
            switch self { case let .store(e): e.exitCode; case .bank: 65 }
        }
        public var message: String {
            switch self { case let .store(e): e.message; case let .bank(e): e.description }
        }
    }

    /// Loads and merges banks. Ids must be unique across all of them. With `index`, each file is read
    /// through its bank index (rebuilt when the file changed), so questions' texts are read when first used.
    public static func load(paths: [String], index: BankIndexCache? = nil, now: () -> Date = Date.init) throws(LoadError) -> Catalog {
        var banks: [Bank] = []
        for p in paths {
            let files: [String]
            do { files = try self.files(at: p) } catch { throw .store(error) }
            for f in files {
                if let index, let (result, _) = index.load(f, now: now) {
                    do { banks.append(try result.get()) } catch { throw .bank(error) }
                    continue
                }
                if let decoded = decodeInPlace(f) {
                    do { banks.append(try decoded.get()) } catch { throw .bank(error) }
                    continue
                }
                let bytes: [UInt8]?
                do { bytes = try FileIO.read(f) } catch { throw .store(error) }
                guard let bytes else { throw .store(StoreError(.missing, "\(f): no such bank file")) }
                do { banks.append(try BankFormat.decode(bytes, file: f)) } catch { throw .bank(error) }
            }
        }
        do { return try Catalog(banks: banks) } catch { throw .bank(error) }
    }

    /// Reads a regular file into memory that the kernel fills in at once (`MAP_POPULATE`: a large new array
    /// takes a page fault for every 4 KiB page, about 5 ms for a 10 MB bank in a new process) and decodes it
    /// there. Nil when anything about the file is unusual (then `FileIO.read` reads it and words the errors).
    static func decodeInPlace(_ path: String) -> Result<Bank, BankError>? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let size = Int(st.st_size)
        #if os(Linux)
        let populate = MAP_POPULATE
        #else
        let populate: Int32 = 0
        #endif
        guard let map = mmap(nil, size + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | populate, -1, 0),
              map != MAP_FAILED else { return nil }
        defer { munmap(map, size + 1) }
        var done = 0
        while done <= size { // one byte more than the size: the end of the file must come where fstat said
            let n = read(fd, map + done, size + 1 - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        guard done == size else { return nil }
        let bytes = UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size)
        do { return .success(try BankFormat.decode(bytes, file: path)) } catch { return .failure(error) }
    }
}

/// The grader's glossary in the Assets folder `assets` (`grading/glossary.json`, a bank file with a `glossary`
/// field); empty when it is missing or unreadable (the grader then works without synonyms).
public func readBundledGlossary(assets: String) -> [[String]] {
    guard let bytes = try? FileIO.read(assets + "/grading/glossary.json"),
          let root = try? JSONParser.parse(bytes) else { return [] }
    return decodeGlossary(root)
}
