// `prepdeck-bench tui`: the full-screen app's first frame and key handling, headless (docs/performance.md, "TUI").
//
//   prepdeck-bench tui [--data DIR] [--bank FILE] [--runs N] [--width W] [--height H] [--detail]
//
// First frame = load the bank (BankLoader.load) + read the settings + load the progress (the snapshot) +
// AppModel(…, width: 120, height: 40) + model.view(now:), as `prepdeck` does before it paints: in a new
// process each run (`tui-frame`, as the app starts), and again in this process.
// Each key = model.update(.key(k)) + model.view(now:), as the run loop does for one key press.
// The terminal's painting of the grid (ncursesw) is not included: `tui-real` times the real binary in a
// pseudo-terminal, painting included.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PrepdeckCore
import PrepdeckStore
import PrepdeckUI

/// Samples of one kind of measurement, in milliseconds.
struct Samples {
    var name: String
    var values: [Double] = []
    init(_ name: String) { self.name = name }

    var sorted: [Double] { values.sorted() }
    var median: Double { let s = sorted; return s.isEmpty ? 0 : s[s.count / 2] }
    var max: Double { values.max() ?? 0 }
    var min: Double { values.min() ?? 0 }
    /// The nearest-rank 99th percentile.
    var p99: Double {
        let s = sorted
        guard !s.isEmpty else { return 0 }
        return s[Swift.min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)]
    }

    func line(target: Double) -> String {
        let label = name.count < 34 ? name + String(repeating: " ", count: 34 - name.count) : name
        let ok = max < target ? "ok" : (p99 < target ? "max over" : "OVER")
        return label + String(format: " median %7.2f ms   min %7.2f   p99 %7.2f   max %7.2f   (n=%4d)  %@", median, min, p99, max, values.count, ok)
    }
}

func tuiBench() throws {
    let dir = option("--data") ?? "bench-data"
    let bank = option("--bank") ?? dir + "/bank.json"
    let runs = option("--runs").flatMap(Int.init) ?? 7
    let width = option("--width").flatMap(Int.init) ?? 120
    let height = option("--height").flatMap(Int.init) ?? 40
    let detail = args.contains("--detail")
    guard FileIO.exists(bank) else { fail("\(bank) missing: run `prepdeck-bench generate --out \(dir)` first") }
    // The app starts from a fresh snapshot (it writes one after a full replay): make sure there is one.
    do {
        let store = try DataStore(root: dir, access: .read)
        let loaded = try store.loadProgress(settings: try store.readSettings().settings)
        if case .fullReplay = loaded.source, FileIO.exists(dir + "/reviews.jsonl") {
            print("writing \(dir)/snapshot.bin first (\(loaded.source))")
            _ = try DataStore(root: dir).loadProgress(settings: try store.readSettings().settings)
        }
    }
    let now = Date()

    var bankLoad = Samples("  load the bank")
    var progressLoad = Samples("  read settings + load progress")
    var modelInit = Samples("  AppModel.init")
    var firstView = Samples("  first view(now:)")
    var firstFrame = Samples("first frame, same process (load → frame)")
    var keys: [String: Samples] = [:]
    var order: [String] = []
    var perChar: [Samples] = []
    let search = "optimistic locking"

    func record(_ name: String, _ ms: Double) {
        if keys[name] == nil { keys[name] = Samples(name); order.append(name) }
        keys[name]!.values.append(ms)
    }

    // The first frame in a new process each time, as when `prepdeck` starts (the page cache is warm, the heap
    // is not): from before the spawn to the end of view(now:), and the steps inside the process.
    var spawned = Samples("first frame, new process (spawn → frame)")
    var inChild = Samples("first frame, new process (load → frame)")
    var childSteps = [Samples("  load the bank"), Samples("  read settings + load progress"), Samples("  AppModel.init"), Samples("  first view(now:)")]
    for _ in 0..<runs {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["tui-frame", "--data", dir, "--bank", bank, "--width", String(width), "--height", String(height)]
        let pipe = Pipe()
        p.standardOutput = pipe
        let t = monotonic()
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let f = out.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard p.terminationStatus == 0, f.count == 6 else { fail("tui-frame failed: \(out)") }
        spawned.values.append((f[0] - t) * 1000)
        inChild.values.append(f[1])
        for k in 0..<4 { childSteps[k].values.append(f[2 + k]) }
    }

    var questions = 0, cards = 0, matches: [Int] = []
    var modelParts: [Samples] = []
    for run in 0..<runs {
        // (a) The first frame.
        let t0 = monotonic()
        let catalog: Catalog
        // Through the data directory's bank index, as the app loads it.
        do { catalog = try BankLoader.load(paths: [bank], index: try DataStore(root: dir, access: .read).bankIndexCache) } catch {
            fail("cannot load \(bank): \(error)")
        }
        let t1 = monotonic()
        let store = try DataStore(root: dir, access: .read)
        let settings = try store.readSettings().settings
        let loaded = try store.loadProgress(settings: settings)
        let t2 = monotonic()
        var model = AppModel(catalog: catalog, progress: loaded.progress, width: width, height: height, now: now)
        let t3 = monotonic()
        var grid = model.view(now: now)
        let t4 = monotonic()
        bankLoad.values.append((t1 - t0) * 1000)
        progressLoad.values.append((t2 - t1) * 1000)
        modelInit.values.append((t3 - t2) * 1000)
        firstView.values.append((t4 - t3) * 1000)
        firstFrame.values.append((t4 - t0) * 1000)
        questions = catalog.questions.count
        cards = loaded.progress.reviewedCount
        if run == 0, case .fullReplay = loaded.source { print("warning: the progress came from a full replay, not the snapshot") }

        // (b) Keys: each is update + view, as the run loop handles one key press.
        func press(_ name: String, _ key: Key) -> Double {
            let t = monotonic()
            _ = model.update(.key(key), now: now)
            grid = model.view(now: now)
            let ms = (monotonic() - t) * 1000
            record(name, ms)
            return ms
        }
        for _ in 0..<20 { _ = press("j (down)", .char("j")) }
        for _ in 0..<10 { _ = press("k (up)", .char("k")) }
        for _ in 0..<10 { _ = press("PgDn", .pageDown) }
        for _ in 0..<3 { _ = press("G (last)", .char("G")); _ = press("g (first)", .char("g")) }
        for _ in 0..<3 {
            _ = press("space (reveal answer)", .char(" "))
            _ = press("space (hide answer)", .char(" "))
        }
        for _ in 0..<3 {
            _ = press("Tab (pane)", .tab)
            _ = press("Tab (pane)", .tab)
        }
        // Beyond the keys of the brief: every sort order (each re-sorts all 20,000 questions), and a filter.
        for order in ["title", "difficulty", "due", "practiced", "weakest", "bank"] { _ = press("o (sort: \(order))", .char("o")) }
        _ = press("f (filter menu)", .char("f"))
        _ = press("filter: j", .char("j"))
        _ = press("filter: space (toggle medium)", .char(" "))
        _ = press("filter: space (toggle off)", .char(" "))
        _ = press("filter: Esc", .escape)
        _ = press("/ (start search)", .char("/"))
        for (k, c) in search.enumerated() {
            let ms = press("search: type a character", .char(c))
            if perChar.count <= k { perChar.append(Samples("  /" + String(search.prefix(k + 1)))) }
            perChar[k].values.append(ms)
            if run == 0 { matches.append(model.browse.results.count) }
        }
        for _ in 0..<3 { _ = press("search: Backspace", .backspace) }
        _ = press("Esc (clear search)", .escape)
        _ = press("j after search", .char("j"))
        // The answer editor: Enter opens it on the selected question; a 1 MB paste (10,000 lines of ~100
        // bytes, bracketed paste), then typing and moving in the pasted text.
        _ = press("Enter (open the answer editor)", .enter)
        let line = "The cache-aside read path checks Redis first, then PostgreSQL; writes delete the key after commit.\n"
        let big = String(repeating: line, count: 1_048_576 / line.utf8.count)
        let tp = monotonic()
        _ = model.update(.paste(big), now: now)
        grid = model.view(now: now)
        record("paste 1 MB into the editor", (monotonic() - tp) * 1000)
        for c in "after" { _ = press("editor: type after the paste", .char(c)) }
        for _ in 0..<5 { _ = press("editor: ↑ in the pasted text", .up) }
        _ = press("editor: Backspace", .backspace)
        _ = press("editor: Ctrl-Z (undo)", .ctrl("z"))
        _ = press("editor: Esc (leave, draft kept)", .escape)
        _ = press("B (back to Browse)", .char("B"))
        if run == 0 && detail { print(grid.text) }
    }

    // Parts of AppModel.init and of the keys that are in PrepdeckCore, and what they read.
    do {
        let catalog = try BankLoader.load(paths: [bank], index: try DataStore(root: dir, access: .read).bankIndexCache)
        var index = Samples("  (search texts, built off the frame)")
        var query = Samples("  runQuery (no search)")
        for _ in 0..<runs {
            let t = monotonic()
            let ix = SearchIndex(catalog.questions)
            ix.prepare()
            index.values.append((monotonic() - t) * 1000)
            let t1 = monotonic()
            _ = runQuery(questions: catalog.questions, index: ix, filter: QuestionFilter(), sort: .bank, info: { _ in CardInfo() }, now: now)
            query.values.append((monotonic() - t1) * 1000)
        }
        // What a sort by due date, practice count or retrievability reads: every card's info.
        let store = try DataStore(root: dir, access: .read)
        let progress = try store.loadProgress(settings: try store.readSettings().settings).progress
        var info = Samples("  progress.info × every question")
        var lookup = Samples("  progress.reviewedSchedule(id) × every question")
        var sink = 0.0
        for _ in 0..<runs {
            let t = monotonic()
            for q in catalog.questions { sink += progress.info(q.id, now: now).retrievability }
            info.values.append((monotonic() - t) * 1000)
            let t1 = monotonic()
            for q in catalog.questions { sink += progress.reviewedSchedule(q.id)?.stability ?? 0 }
            lookup.values.append((monotonic() - t1) * 1000)
        }
        var topics = Samples("  catalog.topicCounts (f)")
        for _ in 0..<runs {
            let t = monotonic()
            sink += Double(catalog.topicCounts.count)
            topics.values.append((monotonic() - t) * 1000)
        }
        if sink == 42 { print("") }
        modelParts = [index, query, info, lookup, topics]
    }

    print("bank: \(bank) (\(questions) questions); data: \(dir) (\(cards) cards with reviews); \(width)×\(height); \(runs) runs")
    print("First frame (target < 100 ms):")
    print(spawned.line(target: 100))
    print(inChild.line(target: 100))
    for s in childSteps { print(s.line(target: 100)) }
    print(firstFrame.line(target: 100))
    for s in [bankLoad, progressLoad, modelInit] + modelParts + [firstView] { print(s.line(target: 100)) }
    print("Keys, update + view (target < 16 ms; the 1 MB paste < 50 ms, issue 10):")
    let paste = "paste 1 MB into the editor"
    for name in order { print(keys[name]!.line(target: name == paste ? 50 : 16)) }
    var all = Samples("every key (the paste aside)")
    for name in order where name != paste { all.values += keys[name]!.values }
    print(all.line(target: 16))
    if detail {
        print("Search, per prefix (matches):")
        for (k, s) in perChar.enumerated() { print(s.line(target: 16) + "  \(matches[k]) matches") }
    }
}

/// `prepdeck-bench tui-frame …` (run by `tui`): one first frame in this new process. Prints the monotonic time
/// at its end (seconds), then the milliseconds of the whole and of each step.
func tuiFrame() throws {
    let t0 = monotonic()
    let dir = option("--data") ?? "bench-data"
    let bank = option("--bank") ?? dir + "/bank.json"
    let width = option("--width").flatMap(Int.init) ?? 120
    let height = option("--height").flatMap(Int.init) ?? 40
    let catalog: Catalog
    do { catalog = try BankLoader.load(paths: [bank], index: try DataStore(root: dir, access: .read).bankIndexCache) } catch {
        fail("cannot load \(bank): \(error)")
    }
    let t1 = monotonic()
    let store = try DataStore(root: dir, access: .read)
    let loaded = try store.loadProgress(settings: try store.readSettings().settings)
    let t2 = monotonic()
    let now = Date()
    let model = AppModel(catalog: catalog, progress: loaded.progress, width: width, height: height, now: now)
    let t3 = monotonic()
    let grid = model.view(now: now)
    let t4 = monotonic()
    precondition(grid.width == width)
    let line = String(format: "%.6f %.3f %.3f %.3f %.3f %.3f\n", t4, (t4 - t0) * 1000, (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, (t4 - t3) * 1000)
    FileHandle.standardOutput.write(Data(line.utf8))
    exit(0) // as the app: nothing is freed before the frame shows
}

/// `prepdeck-bench bank --bank FILE [--runs N]`: loading a bank file, step by step.
func bankBench() throws {
    let bank = option("--bank") ?? "bench-data/bank.json"
    let runs = option("--runs").flatMap(Int.init) ?? 15
    var read = Samples("  FileIO.read"), decode = Samples("  BankFormat.decode"), catalog = Samples("  Catalog(banks:)")
    var general = Samples("  decodeGeneral (the JSON tree path)")
    var total = Samples("BankLoader.load (reads in place)")
    var count = 0
    var keep: [Any] = [] // results stay alive: freeing them is not part of loading
    for _ in 0..<runs {
        let t0 = monotonic()
        let bytes = try FileIO.read(bank)!
        let t1 = monotonic()
        let b = try BankFormat.decode(bytes, file: bank)
        let t2 = monotonic()
        let c = try Catalog(banks: [b])
        let t3 = monotonic()
        read.values.append((t1 - t0) * 1000); decode.values.append((t2 - t1) * 1000); catalog.values.append((t3 - t2) * 1000)
        count = c.questions.count
        keep.append(c)
        let t4 = monotonic()
        keep.append(try BankLoader.load(paths: [bank]))
        total.values.append((monotonic() - t4) * 1000)
        if args.contains("--general") {
            let t5 = monotonic()
            keep.append(try BankFormat.decodeGeneral(bytes, file: bank))
            general.values.append((monotonic() - t5) * 1000)
        }
    }
    print("\(bank): \(count) questions, \(runs) runs")
    for s in [total, read, decode, catalog] + (general.values.isEmpty ? [] : [general]) { print(s.line(target: 100)) }
}

/// `prepdeck-bench tui-real --prepdeck PATH [--data DIR] [--bank FILE] [--runs N] [--width W] [--height H] [--first-frame-only]`:
/// the real binary in a pseudo-terminal (TERM=xterm-256color). First frame: from the spawn until the frame's
/// last row (the hint bar's "quit") has been written. Keys: from writing the key until the redraw's first byte
/// arrives (the app has handled the key, drawn the grid and sent the changes).
func tuiReal() throws {
    guard let prepdeck = option("--prepdeck") else { fail("tui-real needs --prepdeck PATH") }
    let dir = option("--data") ?? "bench-data"
    let bank = option("--bank") ?? dir + "/bank.json"
    let runs = option("--runs").flatMap(Int.init) ?? 7
    let width = option("--width").flatMap(Int.init) ?? 120
    let height = option("--height").flatMap(Int.init) ?? 40
    var first = Samples("first frame (spawn → last row written)")
    var peakMB: [Double] = []
    var keys: [String: Samples] = [:]
    var order: [String] = []
    let questionsMark = Array("Questions".utf8), quitMark = Array("quit".utf8)

    func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        for k in from...(hay.count - needle.count) where hay[k] == needle[0] && Array(hay[k..<(k + needle.count)]) == needle { return k }
        return nil
    }

    // The pseudo-terminal functions are not in Swift's Glibc module: look them up.
    let libc = dlopen(nil, RTLD_NOW)
    func function<T>(_ name: String, _ type: T.Type) -> T {
        guard let f = dlsym(libc, name) else { fail("no \(name)") }
        return unsafeBitCast(f, to: type)
    }
    let openPT = function("posix_openpt", (@convention(c) (Int32) -> Int32).self)
    let grantPT = function("grantpt", (@convention(c) (Int32) -> Int32).self)
    let unlockPT = function("unlockpt", (@convention(c) (Int32) -> Int32).self)
    let ptsName = function("ptsname", (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
    for _ in 0..<runs {
        let master = openPT(O_RDWR | O_NOCTTY)
        guard master >= 0, grantPT(master) == 0, unlockPT(master) == 0, let name = ptsName(master) else { fail("no pseudo-terminal") }
        let slavePath = String(cString: name)
        let stty = Process()
        stty.executableURL = URL(fileURLWithPath: "/bin/stty")
        stty.arguments = ["-F", slavePath, "cols", String(width), "rows", String(height)]
        try stty.run()
        stty.waitUntilExit()
        guard let slave = FileHandle(forUpdatingAtPath: slavePath) else { fail("cannot open \(slavePath)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: prepdeck)
        p.arguments = ["--data-dir", dir, "--bank", bank]
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm-256color"
        env["NO_COLOR"] = nil
        p.environment = env
        p.standardInput = slave
        p.standardOutput = slave
        p.standardError = slave

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        /// Reads what is there within `ms`; false when nothing came.
        func readSome(_ ms: Int32) -> Bool {
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, ms) > 0 else { return false }
            let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            guard n > 0 else { return false }
            output.append(contentsOf: buffer[0..<n])
            return true
        }
        func drain() { while readSome(30) {} }
        func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { write(master, $0.baseAddress, $0.count) } }

        let t0 = monotonic()
        try p.run()
        var frameAt: Double?
        while frameAt == nil && monotonic() - t0 < 10 {
            _ = readSome(1000)
            if let q = find(questionsMark, in: output, from: 0), find(quitMark, in: output, from: q) != nil { frameAt = monotonic() }
        }
        guard let frameAt else { fail("no first frame within 10 s: \(String(decoding: output, as: UTF8.self).suffix(300))") }
        first.values.append((frameAt - t0) * 1000)
        drain()
        usleep(300_000) // the app settles (the search index is built in the background)
        drain()
        let script: [(String, String)] = args.contains("--first-frame-only") ? [] : [("j", "j (down)"), ("j", "j (down)"), ("j", "j (down)"), ("k", "k (up)"), ("\u{1B}[6~", "PgDn"),
                                          ("G", "G (last)"), ("g", "g (first)"), (" ", "space (reveal answer)"), (" ", "space (hide answer)"),
                                          ("\t", "Tab (pane)"), ("\t", "Tab (pane)"), ("o", "o (sort: title)"), ("o", "o (sort: difficulty)"),
                                          ("o", "o (sort: due)"), ("o", "o (sort: practiced)"), ("o", "o (sort: weakest)"), ("o", "o (sort: bank)"),
                                          ("/", "/ (start search)")]
            + "optimistic locking".map { (String($0), "search: type a character") } + [("\u{1B}", "Esc (clear search)")]
            + [("S", "S (open the Stats tab)"), ("B", "B (back to Browse)")]
        for (key, label) in script {
            output.removeAll(keepingCapacity: true)
            let t = monotonic()
            send(key)
            if readSome(2000) {
                if keys[label] == nil { keys[label] = Samples(label); order.append(label) }
                keys[label]!.values.append((monotonic() - t) * 1000)
            }
            drain() // the rest of the redraw, and the escape-key delay of ncurses
        }
        // Peak resident memory so far (the kernel's high-water mark), before quitting.
        if let status = try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
            peakMB.append(kb / 1024)
        }
        send("q")
        drain()
        p.waitUntilExit()
        try? slave.close()
        close(master)
    }
    print("\(prepdeck) --bank \(bank) --data-dir \(dir), \(width)×\(height), \(runs) runs")
    print(first.line(target: 60))
    let mb = peakMB.sorted()
    if !mb.isEmpty { print(String(format: "peak resident memory (VmHWM)      median %7.1f MB  min %7.1f   max %7.1f", mb[mb.count / 2], mb.first!, mb.last!)) }
    for name in order { print(keys[name]!.line(target: name.hasPrefix("S (") ? 100 : 16)) }
}
