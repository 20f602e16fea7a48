// prepdeck-bench: synthetic data and the scheduler/replay benchmark (docs/performance.md).
//
//   prepdeck-bench generate [--out DIR] [--seed N] [--questions N] [--lines N] [--answer-words 250-400] [--practice 0.5]
//   prepdeck-bench run [--data DIR] [--runs N] [--prepdeck PATH]
//   prepdeck-bench tui [--data DIR] [--bank FILE] [--runs N] [--width W] [--height H] [--detail]
//   prepdeck-bench grade [--assets DIR] [--runs N]     the answer grader: making it, and grading 1,000 words
//
// Build it in release: `swift build -c release --product prepdeck-bench` (or scripts/bench.sh).
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PrepdeckCore
import PrepdeckStore

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let k = args.firstIndex(of: name), k + 1 < args.count else { return nil }
    return args[k + 1]
}
func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("prepdeck-bench: \(message)\n".utf8))
    exit(1)
}

/// Runs `body` `runs` times and prints the median, min and max in milliseconds.
@discardableResult
func measure(_ name: String, runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let t = monotonic()
        try body()
        times.append((monotonic() - t) * 1000)
    }
    times.sort()
    let median = times[times.count / 2]
    let label = name.count < 44 ? name + String(repeating: " ", count: 44 - name.count) : name
    print(label + String(format: " median %8.1f ms   min %8.1f   max %8.1f   (%d runs)", median, times.first!, times.last!, runs))
    return median
}

func run(_ path: String, _ arguments: [String]) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    p.standardError = FileHandle(forWritingAtPath: "/dev/null")
    do { try p.run() } catch { fail("cannot run \(path): \(error)") }
    p.waitUntilExit()
    return p.terminationStatus
}

func copyFile(_ from: String, _ to: String) throws {
    try? FileManager.default.removeItem(atPath: to)
    try FileManager.default.copyItem(atPath: from, toPath: to)
}

switch args.first {
case "generate":
    var d = SyntheticData()
    if let s = option("--seed").flatMap(UInt64.init) { d.seed = s }
    if let q = option("--questions").flatMap(Int.init) { d.questions = q }
    if let l = option("--lines").flatMap(Int.init) { d.lines = l }
    if let w = option("--answer-words") {
        let parts = w.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] <= parts[1] else { fail("--answer-words MIN-MAX") }
        d.answerWords = parts[0]...parts[1]
    }
    if let p = option("--practice").flatMap(Double.init) { d.practiceShare = p }
    let out = option("--out") ?? "bench-data"
    let t = monotonic()
    try d.write(to: out)
    print(String(format: "wrote %@ (%d questions, %d log lines, seed %llu) in %.1f s", out, d.questions, d.lines, d.seed, monotonic() - t))

case "run":
    let dir = option("--data") ?? "bench-data"
    let runs = option("--runs").flatMap(Int.init) ?? 7
    let settings = Settings()
    guard FileIO.exists(dir + "/reviews.jsonl") else { fail("\(dir)/reviews.jsonl missing: run `prepdeck-bench generate --out \(dir)` first") }
    let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/reviews.jsonl")[.size] as? Int) ?? 0
    let lineCount = try FileIO.read(dir + "/reviews.jsonl")!.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    print("data: \(dir): reviews.jsonl \(lineCount) lines, \(size / 1_000_000) MB; \(ProcessInfo.processInfo.activeProcessorCount) cores")
    let snapshot = dir + "/snapshot.bin"
    FileIO.remove(snapshot)

    // 1. Full replay, parsing included (a read-only store never writes the snapshot).
    var cards = 0
    measure("full replay (read + parse + schedule)", runs: runs) {
        let store = try! DataStore(root: dir, access: .read)
        let loaded = try! store.loadProgress(settings: settings)
        guard case .fullReplay = loaded.source else { fail("expected a full replay") }
        cards = loaded.progress.reviewedCount
    }
    print("  \(cards) cards with reviews")
    if args.contains("--legacy") {
        measure("  old path: readReviews + StudyProgress", runs: max(5, runs / 2)) {
            let store = try! DataStore(root: dir, access: .read)
            _ = StudyProgress(entries: try! store.readReviews().entries, settings: settings)
        }
    }
    // 2. The snapshot: written by a full replay in a writable store.
    measure("full replay + write snapshot.bin", runs: max(5, runs / 2)) {
        FileIO.remove(snapshot)
        let store = try! DataStore(root: dir)
        guard try! store.loadProgress(settings: settings).snapshotWritten else { fail("snapshot not written") }
    }
    let snapSize = (try? FileManager.default.attributesOfItem(atPath: snapshot)[.size] as? Int) ?? 0
    print("  snapshot.bin \(snapSize / 1000) kB")
    // 3. Start-up with a fresh snapshot: open the store, read the settings, load every card's schedule.
    measure("start-up, fresh snapshot", runs: max(runs, 15)) {
        let store = try! DataStore(root: dir, access: .read)
        let s = try! store.readSettings().settings
        let loaded = try! store.loadProgress(settings: s)
        guard case .snapshot(0, 0) = loaded.source else { fail("expected the snapshot, got \(loaded.source)") }
    }
    // 4. Start-up with lines appended after the snapshot (a session's ratings), in a copy of the data.
    let tmp = NSTemporaryDirectory() + "prepdeck-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: tmp) }
    try copyFile(dir + "/reviews.jsonl", tmp + "/reviews.jsonl")
    try copyFile(snapshot, tmp + "/snapshot.bin")
    var appended = ""
    let base = RFC3339.parse("2031-01-01T08:00:00Z")! // after every synthetic review
    var rng = SplitMix64(seed: 5)
    let gen = SyntheticData()
    for k in 0..<300 {
        let at = base.addingTimeInterval(Double(k * 20))
        let card = gen.questionID(rng.below(gen.questions))
        appended += LogEntry.review(ReviewEvent(id: EventID.make(at: at, random: &rng), card: card, rating: .good, at: at, ms: 9000)).jsonLine + "\n"
    }
    try FileIO.append(tmp + "/reviews.jsonl", Array(appended.utf8))
    measure("start-up, snapshot + 300 appended lines", runs: max(runs, 15)) {
        let loaded = try! DataStore(root: tmp, access: .read).loadProgress(settings: settings)
        guard case .snapshot(300, _) = loaded.source else { fail("expected the snapshot + 300, got \(loaded.source)") }
    }
    // The same, writable, merging the appended lines into a new snapshot (what happens once the lines
    // appended since the last snapshot pass 64 KiB).
    var merges: [Double] = []
    for _ in 0..<max(5, runs / 2) {
        try copyFile(snapshot, tmp + "/snapshot.bin")
        let t = monotonic()
        let loaded = try DataStore(root: tmp).loadProgress(settings: settings, rewriteAfterBytes: 0)
        merges.append((monotonic() - t) * 1000)
        guard loaded.snapshotWritten else { fail("expected a rewritten snapshot") }
    }
    merges.sort()
    print("start-up, + 300 lines, merged into snapshot   median " + String(format: "%8.1f ms   min %8.1f   max %8.1f   (%d runs)", merges[merges.count / 2], merges[0], merges.last!, merges.count))
    // 5. `list --json`, wall time of the release binary (bank of the data folder).
    if let prepdeck = option("--prepdeck") {
        let common = ["--data-dir", dir, "--bank", dir + "/bank.json"]
        guard run(prepdeck, common + ["list", "--json"]) == 0 else { fail("\(prepdeck) list --json failed") }
        measure("prepdeck topics (bank load only)", runs: runs) { _ = run(prepdeck, common + ["topics"]) }
        measure("prepdeck list --json (fresh snapshot)", runs: runs) { _ = run(prepdeck, common + ["list", "--json"]) }
        measure("prepdeck list --due", runs: runs) { _ = run(prepdeck, common + ["list", "--due"]) }
    } else {
        print("(pass --prepdeck PATH to time `prepdeck list --json`)")
    }

case "tui":
    try tuiBench()

case "bank":
    try bankBench()

case "tui-frame":
    try tuiFrame()

case "tui-real":
    try tuiReal()

case "rows":
    try rowsBench()

case "grade":
    // The grader of issue 13 on the bundled bank: made once (rarity weights over every question's texts), then
    // a 1,000-word answer graded against the key points of the question with the most of them.
    let assets = option("--assets") ?? "Assets"
    let runs = option("--runs").flatMap(Int.init) ?? 7
    let catalog = try BankLoader.load(paths: [assets])
    let glossary = readBundledGlossary(assets: assets)
    func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
    var makes: [Double] = []
    var grader: Grader?
    for _ in 0..<max(1, runs / 2) {
        let t = monotonic()
        grader = Grader(terms: GradingTerms(glossary: glossary, documents: gradingDocuments(catalog.questions)))
        makes.append((monotonic() - t) * 1000)
    }
    let q = catalog.questions.max { $0.keyPointCount < $1.keyPointCount }!
    var words: [Substring] = []
    var k = 0
    while words.count < 1000 { words += catalog.questions[k % catalog.questions.count].answer.split(separator: " "); k += 1 }
    let answer = words.prefix(1000).joined(separator: " ")
    var grades: [Double] = []
    var covered = 0
    for _ in 0..<runs {
        let t = monotonic()
        covered = grader!.covered(answer: answer, keyPoints: q.keyPoints, modelAnswer: q.answer).count
        grades.append((monotonic() - t) * 1000)
    }
    print(String(format: "grader: made in %.0f ms (median of %d; %d questions, %d glossary groups)", median(makes), makes.count,
                 catalog.questions.count, glossary.count))
    print(String(format: "grading a 1,000-word answer against %d key points: median %.2f ms (min %.2f, max %.2f, %d runs; %d ticked)  target ≤ 10 ms  %@",
                 q.keyPointCount, median(grades), grades.min()!, grades.max()!, runs, covered, median(grades) <= 10 ? "ok" : "OVER"))

case "simulate":
    // A review log made by prepdeck's own scheduler from non-default weights (for scripts/compare_optimizer.py).
    let cards = option("--cards").flatMap(Int.init) ?? 4000
    let days = option("--days").flatMap(Int.init) ?? 365
    let seed = option("--seed").flatMap(UInt64.init) ?? 20261203
    let out = option("--out") ?? "sim-data"
    var truth = FSRS.defaultParameters
    truth[0] = 0.8; truth[1] = 3.0; truth[2] = 7.0; truth[3] = 25.0
    truth[8] = 1.3; truth[9] = 0.3; truth[10] = 1.3; truth[11] = 1.8; truth[20] = 0.45
    let start = Date(timeIntervalSince1970: 1_735_689_600) // 2025-01-01
    let sim = simulatedReviewLog(truth: truth, cards: cards, days: days, seed: seed, start: start)
    var text = ""
    var n = 0
    for (c, seq) in sim.enumerated() {
        for p in seq {
            n += 1
            text += "{\"id\":\"s\(n)\",\"card\":\"sim-\(c)\",\"rating\":\(p.rating.rawValue),\"at\":\"\(RFC3339.format(p.at))\",\"mode\":\"review\"}\n"
        }
    }
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try text.write(toFile: out + "/reviews.jsonl", atomically: true, encoding: .utf8)
    print("wrote \(out)/reviews.jsonl: \(cards) cards, \(n) reviews over \(days) days, truth \(truth)")

default:
    print("""
    usage: prepdeck-bench generate [--out DIR] [--seed N] [--questions N] [--lines N]
           prepdeck-bench run [--data DIR] [--runs N] [--prepdeck PATH] [--legacy]
           prepdeck-bench tui [--data DIR] [--bank FILE] [--runs N] [--width W] [--height H] [--detail]
           prepdeck-bench tui-real --prepdeck PATH [--data DIR] [--bank FILE] [--runs N] [--first-frame-only]
           prepdeck-bench rows --prepdeck PATH [--data DIR] [--bank FILE] [--runs N]
           prepdeck-bench simulate [--out DIR] [--cards N] [--days N] [--seed N]
    """)
}
