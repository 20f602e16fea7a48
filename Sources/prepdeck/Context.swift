import ArgumentParser
import Foundation
import PrepdeckCore
import PrepdeckStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The data directory (else $PREPDECK_HOME, else $XDG_DATA_HOME/prepdeck, else ~/.local/share/prepdeck).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .customLong("bank"), help: ArgumentHelp("A bank file or a folder of them, used instead of the bundled bank (repeatable).", valueName: "path"))
    var banks: [String] = []
}

/// A one-line error for stderr with its sysexits exit code.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
    init(_ message: String, code: Int32) { self.message = message; self.code = code }
    init(_ e: StoreError) { self.init(e.message, code: e.exitCode) }
}

/// Prints the error on one line and exits with its code.
func fail(_ e: Error) -> ExitCode {
    switch e {
    case let e as CLIError:
        FileHandle.standardError.write(Data("prepdeck: \(e.message)\n".utf8))
        return ExitCode(e.code)
    case let e as StoreError:
        FileHandle.standardError.write(Data("prepdeck: \(e.message)\n".utf8))
        return ExitCode(e.exitCode)
    case let e as BankLoader.LoadError:
        FileHandle.standardError.write(Data("prepdeck: \(e.message)\n".utf8))
        return ExitCode(e.exitCode)
    default:
        FileHandle.standardError.write(Data("prepdeck: \(e)\n".utf8))
        return ExitCode(70)
    }
}

func warn(_ text: String) {
    FileHandle.standardError.write(Data("prepdeck: warning: \(text)\n".utf8))
}

/// Where the bundled bank is: next to an installed binary (`PREFIX/share/prepdeck/Assets`),
/// else in the source tree this binary was built from (`swift run` from any directory).
func bundledBankPath() -> String? {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["PREPDECK_ASSETS"], !env.isEmpty { candidates.append(env) }
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let exePath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? exe.path
    let exeDir = (exePath as NSString).deletingLastPathComponent
    candidates.append(exeDir + "/../share/prepdeck/Assets")
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(source.appendingPathComponent("Assets").path)
    return candidates.first { FileIO.isDirectory($0) }.map { ($0 as NSString).standardizingPath }
}

/// Loads the banks on a thread of its own; `wait()` gives the catalogue or the loader's error.
final class BankLoad: @unchecked Sendable {
    private var result: Result<Catalog, BankLoader.LoadError>?
    private let done = DispatchSemaphore(value: 0)

    init(paths: [String], index: BankIndexCache?) {
        startThread { [self] in
            do throws(BankLoader.LoadError) { result = .success(try BankLoader.load(paths: paths, index: index)) } catch {
                result = .failure(error)
            }
            done.signal()
        }
    }

    func wait() throws(BankLoader.LoadError) -> Catalog {
        done.wait()
        return try result!.get()
    }
}

/// Everything a command needs: the catalogue, the data directory, the settings, every card's progress.
struct AppContext {
    var catalog: Catalog
    var store: DataStore
    var settings: Settings
    var progress: StudyProgress
    /// Each catalogue question's schedule, in catalogue order (nil: never reviewed): one look-up a question,
    /// made once, for the commands that go through the whole catalogue.
    var schedules: CatalogSchedules
    var warnings: [String]
    var clock: any WallClock = SystemClock()

    /// The bank paths to load: `--bank` paths, else the bundled bank; plus banks imported into the data directory.
    static func bankPaths(_ g: GlobalOptions, dataDir: String) throws(CLIError) -> [String] {
        var paths = g.banks
        if paths.isEmpty {
            guard let bundled = bundledBankPath() else {
                throw CLIError("cannot find the bundled question bank (looked next to the binary and in the source tree); pass --bank PATH", code: 66)
            }
            paths = [bundled]
        }
        let imported = dataDir + "/banks"
        if FileIO.isDirectory(imported), let names = try? FileManager.default.contentsOfDirectory(atPath: imported),
           names.contains(where: { $0.hasSuffix(".json") }) {
            paths.append(imported)
        }
        return paths
    }

    /// `decodedSchedules`: for a command that reads every schedule (`catalogSchedules`), they are decoded
    /// while the banks load, as the kept join is read, instead of after.
    static func load(_ g: GlobalOptions, access: DataStore.Access, decodedSchedules: Bool = false) throws -> AppContext {
        // A file-size limit (ulimit -f) makes a write fail with EFBIG, handled like a full disk, instead of
        // killing the process mid-line.
        signal(SIGXFSZ, SIG_IGN)
        let dir = resolveDataDirectory(explicit: g.dataDir, environment: ProcessInfo.processInfo.environment)
        let paths = try bankPaths(g, dataDir: dir)
        Timing.mark("start")
        let store = try DataStore(root: dir, access: access)
        if access == .write, let why = store.readOnlyReason { warn(why) }
        Timing.mark("open store")
        // The banks (through their indexes when the data directory exists: a question's texts are read
        // when shown) load on another thread while this one loads the progress: they are independent.
        let index = FileIO.isDirectory(dir) ? store.bankIndexCache : nil
        let banks = BankLoad(paths: paths, index: index)
        let settings = try store.readSettings().settings
        // From snapshot.bin when it is fresh (only lines appended since are read), else a full replay
        // that rewrites it; the history is read from the log only by the commands that ask for it.
        let loaded = try store.loadProgress(settings: settings)
        let progress = loaded.progress
        // The kept join is read while the banks load (it names the catalogue it was made for, checked below).
        var kept = progress.baseIdentity.flatMap { store.readJoin(table: $0, tableCount: progress.baseCount) }
        if decodedSchedules, let k = kept { kept?.schedules = k.schedules.decodedInFull() }
        Timing.mark("load progress, read join.bin")
        let catalog = try banks.wait()
        Timing.mark("load banks (in parallel)")
        var warnings = catalog.warnings + loaded.warnings.map(\.description)
        // Each question's schedule, through the join of the catalogue with the snapshot's cards (kept in
        // join.bin while both are the same), and how many logged cards the catalogue lacks (its ids are
        // unique, so the matched ones are as many as the questions with a schedule).
        let joined = join(catalog, progress, store, kept: kept)
        // The cards rated since the snapshot, laid over the kept ones.
        var schedules = joined.schedules
        progress.applyChanges(join: joined.join, count: schedules.count, position: { catalog.position(of: $0) }) { schedules[$0] = $1 }
        let unknown = progress.reviewedCount - schedules.reviewedCount
        if unknown > 0 { warnings.append("reviews.jsonl: \(unknown) card(s) not in the loaded banks (kept, not shown)") }
        // A rating dated after now (a wrong clock, a hand-edited line) is kept, as the log is the truth, but said.
        let future = schedules.reviewed(after: SystemClock().now().addingTimeInterval(86400))
        if let latest = future.latest {
            warnings.append("reviews.jsonl: \(future.count) card(s) have a rating dated in the future (the latest \(RFC3339.format(latest))); their schedules count from that date")
        }
        Timing.mark("unknown cards")
        let ctx = AppContext(catalog: catalog, store: store, settings: settings, progress: progress,
                             schedules: schedules, warnings: warnings)
        AppContext.keepAlive.append(ctx)
        return ctx
    }

    /// Catalogue position → index in the progress's loaded table, and that card's schedule: from join.bin when
    /// it was made for this catalogue and table (and a sample of it names the same cards with the same
    /// schedules), else by id (and then kept).
    static func join(_ catalog: Catalog, _ progress: StudyProgress, _ store: DataStore, kept read: DataStore.KeptJoin?) -> DataStore.KeptJoin {
        let n = catalog.count
        func made() -> DataStore.KeptJoin {
            let join = progress.baseJoin((0..<n).lazy.map(catalog.id(at:)))
            return DataStore.KeptJoin(join: join, schedules: progress.baseSchedules(join: join))
        }
        guard let ci = catalog.identity, let ti = progress.baseIdentity else { return made() }
        if let kept = read, kept.catalog == ci, kept.join.count == n {
            // The identities are checksums: a sample of the positions is compared by id and schedule as well.
            // Those with a card name it; those without are looked for in the table all at once.
            let sample = stride(from: 0, to: n, by: max(1, n / 64))
            let named = sample.allSatisfy { k in
                let j = Int(kept.join[k])
                return j < 0 || (progress.baseName(j) == catalog.id(at: k) && kept.schedules[k] == progress.baseSchedule(j))
            }
            if named, progress.baseIndices(of: sample.filter { kept.join[$0] < 0 }.map(catalog.id(at:))).allSatisfy({ $0 == nil }) {
                return kept
            }
        }
        let fresh = made()
        store.writeJoin(fresh, catalog: ci, table: ti)
        return fresh
    }

    /// Every loaded context stays referenced until the process exits (see `runReporting`): freeing a large
    /// catalogue object by object at the end of a command costs more than the command.
    nonisolated(unsafe) static var keepAlive: [AppContext] = []

    /// `schedules`, all decoded (made on each call).
    var catalogSchedules: [CardSchedule?] { schedules.array }

    func status(_ id: String, now: Date) -> CardStatus { CardStatus(progress.schedule(id), now: now) }
}

/// Phase timings on stderr when `PREPDECK_TIMING` is set (for docs/performance.md; not a contract).
enum Timing {
    static let enabled = ProcessInfo.processInfo.environment["PREPDECK_TIMING"] != nil
    /// `PREPDECK_TIMING=T`, T a `CLOCK_MONOTONIC` time in seconds (the caller's, just before it spawned this
    /// process): the first mark counts from T, so the start-up before `main` shows too.
    nonisolated(unsafe) static var last = ProcessInfo.processInfo.environment["PREPDECK_TIMING"].flatMap(Double.init) ?? now()
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    static func mark(_ what: String) {
        guard enabled else { return }
        let t = now()
        FileHandle.standardError.write(Data(String(format: "timing: %-28@ %7.2f ms\n", what as NSString, (t - last) * 1000).utf8))
        last = t
    }
}

/// Runs a command body, mapping errors to one line on stderr and a sysexits code.
/// On success the process exits at once: tearing down a large catalogue and progress (freeing
/// hundreds of thousands of objects) would take longer than the command's work; every file is written
/// and closed by then, and the kernel releases the lock.
func runReporting(_ body: () throws -> Void) throws {
    do { try body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch { throw fail(error) }
    fflush(nil) // every output stream
    Timing.mark("flush")
    exit(0)
}

func printJSON(_ v: JSONNode.Value) {
    print(JSONWriter.write(v, indent: 2))
}

/// Runs `body` on a new POSIX thread with 8 MiB of stack (as the main thread has: decoding a bank in full
/// recurses), started on another processor than the caller's where there is one. Left to the scheduler,
/// a new thread often waits on the caller's processor until the caller blocks or the load balancer moves
/// it: start-up's bank thread began 1.4 ms after it was made at 20,000 questions and 3.4 ms at 100,000,
/// and the other processor stayed idle that long. Once running, the thread may run anywhere again.
func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Start: @unchecked Sendable {
        let body: @Sendable () -> Void
        var allowed: cpu_set_t?
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let start = Start(body)
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    pthread_attr_setstacksize(&attr, 8 << 20)
    #if os(Linux)
    var allowed = cpu_set_t()
    if let affinity = Affinity.functions, case let here = Int(affinity.cpu()), here >= 0,
       affinity.get(0, MemoryLayout<cpu_set_t>.size, &allowed) == 0 {
        var others = allowed
        let any = withUnsafeMutableBytes(of: &others) { bits -> Bool in
            let words = bits.bindMemory(to: UInt.self)
            let bit = UInt(1) << UInt(here % UInt.bitWidth)
            if here / UInt.bitWidth < words.count { words[here / UInt.bitWidth] &= ~bit }
            return words.contains { $0 != 0 }
        }
        if any, affinity.setOnAttributes(&attr, MemoryLayout<cpu_set_t>.size, &others) == 0 { start.allowed = allowed }
    }
    #endif
    var thread = pthread_t()
    let context = Unmanaged.passRetained(start).toOpaque()
    guard pthread_create(&thread, &attr, { p in
        let start = Unmanaged<Start>.fromOpaque(p!).takeRetainedValue()
        #if os(Linux)
        if var allowed = start.allowed, let affinity = Affinity.functions {
            _ = affinity.set(pthread_self(), MemoryLayout<cpu_set_t>.size, &allowed)
        }
        #endif
        start.body()
        return nil
    }, context) == 0 else {
        Unmanaged<Start>.fromOpaque(context).release()
        body()
        return
    }
    pthread_detach(thread)
}

#if os(Linux)
/// glibc's affinity calls, which Swift's Glibc module does not declare (they need `_GNU_SOURCE`): looked up
/// once; nil where they are missing (then a thread starts wherever the scheduler puts it).
enum Affinity {
    typealias Get = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    typealias SetOnAttributes = @convention(c) (UnsafeMutableRawPointer, Int, UnsafeRawPointer) -> Int32
    typealias Set = @convention(c) (pthread_t, Int, UnsafeRawPointer) -> Int32
    typealias CPU = @convention(c) () -> Int32
    struct Functions { let cpu: CPU, get: Get, setOnAttributes: SetOnAttributes, set: Set }
    static let functions: Functions? = {
        let all = UnsafeMutableRawPointer(bitPattern: 0) // RTLD_DEFAULT
        guard let c = dlsym(all, "sched_getcpu"), let g = dlsym(all, "sched_getaffinity"), let a = dlsym(all, "pthread_attr_setaffinity_np"),
              let s = dlsym(all, "pthread_setaffinity_np") else { return nil }
        return Functions(cpu: unsafeBitCast(c, to: CPU.self), get: unsafeBitCast(g, to: Get.self), setOnAttributes: unsafeBitCast(a, to: SetOnAttributes.self),
                         set: unsafeBitCast(s, to: Set.self))
    }()
}
#endif
