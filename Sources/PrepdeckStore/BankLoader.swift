import Foundation
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

    /// Loads and merges banks. Ids must be unique across all of them.
    public static func load(paths: [String]) throws(LoadError) -> Catalog {
        var banks: [Bank] = []
        for p in paths {
            let files: [String]
            do { files = try self.files(at: p) } catch { throw .store(error) }
            for f in files {
                let bytes: [UInt8]?
                do { bytes = try FileIO.read(f) } catch { throw .store(error) }
                guard let bytes else { throw .store(StoreError(.missing, "\(f): no such bank file")) }
                do { banks.append(try BankFormat.decode(bytes, file: f)) } catch { throw .bank(error) }
            }
        }
        do { return try Catalog(banks: banks) } catch { throw .bank(error) }
    }
}
