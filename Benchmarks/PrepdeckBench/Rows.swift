// `prepdeck-bench rows`: the whole-process rows of docs/performance.md "Scale" (issue 10): each command
// run N times in a new process, wall time (spawn → exit) and peak resident memory (the child's
// ru_maxrss, from wait4), median of the runs.
//
//   prepdeck-bench rows --data DIR --prepdeck PATH [--bank FILE] [--runs N]
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PrepdeckCore
import PrepdeckStore

/// Runs a command to its exit: wall milliseconds, peak RSS in MB, exit status. Output goes to /dev/null.
func spawnMeasured(_ path: String, _ arguments: [String]) -> (ms: Double, mb: Double, status: Int32) {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    let t = monotonic()
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { fail("cannot run \(path)") }
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let ms = (monotonic() - t) * 1000
    return (ms, Double(usage.ru_maxrss) / 1024, (status >> 8) & 0xFF)
}

/// Holds the data directory's lock (as a running prepdeck does) until released.
final class LockHolder {
    let fd: Int32
    init(_ dir: String) {
        fd = open(dir + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX) == 0 else { fail("cannot lock \(dir)/lock") }
    }
    func release() { close(fd) }
}

func rowsBench() throws {
    guard let prepdeck = option("--prepdeck") else { fail("rows needs --prepdeck PATH") }
    let dir = option("--data") ?? "bench-data"
    let bank = option("--bank") ?? dir + "/bank.json"
    let runs = option("--runs").flatMap(Int.init) ?? 7
    let common = ["--data-dir", dir, "--bank", bank]
    guard FileIO.exists(dir + "/reviews.jsonl") else { fail("\(dir)/reviews.jsonl missing: run `prepdeck-bench generate --out \(dir)` first") }

    func row(_ name: String, targetMs: Double, targetMB: Double, _ args: [String], before: () -> Void = {}, after: () -> Void = {}) {
        var ms: [Double] = [], mb: [Double] = []
        for _ in 0..<runs {
            before()
            let r = spawnMeasured(prepdeck, args + common)
            after()
            guard r.status == 0 else { fail("\(name): exit \(r.status)") }
            ms.append(r.ms); mb.append(r.mb)
        }
        ms.sort(); mb.sort()
        let m = ms[ms.count / 2], p = mb[mb.count / 2]
        let verdict = m <= targetMs && p <= targetMB ? "ok" : "OVER"
        let label = name.count < 58 ? name + String(repeating: " ", count: 58 - name.count) : name
        print(label + String(format: " median %7.1f ms (min %6.1f, max %6.1f)  peak %6.1f MB   target ≤ %4.0f ms, ≤ %3.0f MB  %@",
                             m, ms.first!, ms.last!, p, targetMs, targetMB, verdict))
    }

    // Warm every cache once (bank index, snapshot, stats cache), as a user's second run finds them.
    for args in [["list", "--due"], ["stats", "--json"]] { _ = spawnMeasured(prepdeck, args + common) }
    print("data: \(dir) (\(bank)), \(runs) runs each; \(ProcessInfo.processInfo.activeProcessorCount) cores; load \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?")")
    row("list --due (whole process)", targetMs: 80, targetMB: 60, ["list", "--due"])
    row("list --due --json (whole process)", targetMs: 80, targetMB: 60, ["list", "--due", "--json"])
    row("stats --json (whole process, caches warm)", targetMs: 100, targetMB: 80, ["stats", "--json"])
    row("list --json (whole process)", targetMs: 250, targetMB: 80, ["list", "--json"])
    row("topics (whole process)", targetMs: 80, targetMB: 60, ["topics"])
    row("show ID (whole process)", targetMs: 80, targetMB: 60, ["show", SyntheticData().questionID(1234)])
    // (`--no-replay`: the scale check at 100,000 / 10,000,000, whose full replay takes seconds a run.)
    guard !args.contains("--no-replay") else { return }
    // A read command on a data directory without a snapshot: the lock is held (by this process, as a
    // running prepdeck would), so the command replays the whole log and cannot write a snapshot.
    let snapshot = dir + "/snapshot.bin", aside = dir + "/snapshot.bin.bench-aside"
    var holder: LockHolder?
    row("read-only command without a snapshot (list --due: full replay)", targetMs: 400, targetMB: 120, ["list", "--due"],
        before: { rename(snapshot, aside); holder = LockHolder(dir) }, after: { holder?.release(); rename(aside, snapshot) })
}
