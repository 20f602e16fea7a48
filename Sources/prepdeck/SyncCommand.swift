import ArgumentParser
import Foundation
import PrepdeckCore
import PrepdeckStore

/// `prepdeck sync`: the data directory shared between machines through git. Each machine appends to logs of
/// its own (`reviews.DEVICE.jsonl`, …), so a pull never meets a conflict in them; replay reads them all.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Share the data directory between machines through git: commit, pull --rebase, push.",
        discussion: "The data directory must be a git repository with a remote (an empty repository on a server, or a bare one: git init --bare ~/prepdeck.git). On the first machine: git -C DATA init, git -C DATA remote add origin URL, prepdeck sync. On each other one: git clone URL DATA, prepdeck sync. Each machine then appends to logs of its own (reviews.DEVICE.jsonl, answers.DEVICE.jsonl, sessions.DEVICE.jsonl; the id is kept in DATA/device-id), and every machine's logs are read, merged by time, so syncing never conflicts on them. Caches, drafts and the lock stay out of git (.gitignore). Exits 78 when the directory is not set up for it, 75 when another prepdeck is using it, 69 when git or the remote cannot be reached, 65 when a file other than settings.json (which is merged key by key) was changed on two machines (nothing is lost: the rebase is undone and your commit kept).")
    @OptionGroup var global: GlobalOptions

    /// What the data directory's `.gitignore` must hold: caches, this machine's id and lock, drafts.
    static let ignored = ["/device-id", "/lock", "/snapshot.bin", "/stats-cache.bin", "/stats-tally.bin", "/join.bin", "/bank-index/",
                          "/drafts/", "/exports/", "*.torn", "*.tmp-*"]

    func run() throws {
        try runReporting {
            let dir = resolveDataDirectory(explicit: global.dataDir, environment: ProcessInfo.processInfo.environment)
            let howTo = """
                To share it between machines through git:
                  on this machine:    git -C \(dir) init && git -C \(dir) remote add origin URL && prepdeck sync
                  on each other one:  git clone URL \(dir) && prepdeck sync
                URL is any git remote: a repository on a server, or a bare one (git init --bare ~/prepdeck.git).
                """
            guard FileIO.isDirectory(dir) else {
                throw CLIError("there is no data directory at \(dir) yet.\n" + howTo, code: 78)
            }
            let git = Git(directory: dir)
            guard git.available else { throw CLIError("sync needs git, which was not found on PATH (install it: apt install git)", code: 69) }
            guard FileIO.exists(dir + "/.git") else {
                throw CLIError("\(dir) is not a git repository, so there is nothing to sync with.\n" + howTo, code: 78)
            }
            let remotes = git.run(["remote"]).out.split(separator: "\n").map(String.init)
            guard let remote = remotes.contains("origin") ? "origin" : remotes.first else {
                throw CLIError("\(dir) is a git repository without a remote: add one with\n  git -C \(dir) remote add origin URL\nthen run prepdeck sync again.", code: 78)
            }
            let store = try DataStore(root: dir, access: .write)
            try store.requireWritable()
            // Nothing is changed in a repository that is in the middle of a rebase.
            guard !git.rebaseInProgress else {
                throw CLIError("\(dir) is in the middle of a git rebase: finish it (git -C \(dir) rebase --continue) or undo it (git -C \(dir) rebase --abort), then sync again", code: 65)
            }
            let device = try store.ensureDeviceID()
            try ensureIgnored(dir)
            // Files of this machine committed before the .gitignore had them (a `git add -A` of one's own) leave the index.
            _ = git.run(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", "device-id", "lock", "snapshot.bin", "stats-cache.bin",
                         "stats-tally.bin", "join.bin", "bank-index", "drafts", "exports"])
            let branch = git.run(["symbolic-ref", "--short", "HEAD"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !branch.isEmpty else {
                throw CLIError("\(dir) is not on a branch (a detached HEAD): git -C \(dir) switch BRANCH, then sync again", code: 78)
            }
            let othersBefore = otherReviewLines(store)

            // 1. Commit what changed here.
            try git.check(["add", "-A"], "git add")
            if git.run(["diff", "--cached", "--quiet"]).status != 0 {
                try git.check(git.identity(device) + ["commit", "-q", "-m", "prepdeck sync from \(device)"], "git commit")
            }
            // 2. Take the other machines' commits (none yet when the remote branch does not exist).
            let ls = git.run(["ls-remote", "--exit-code", "--heads", remote, branch])
            if ls.status != 0 && ls.status != 2 {
                throw CLIError("cannot reach the remote \(remote): \(ls.err.trimmingCharacters(in: .whitespacesAndNewlines))", code: 69)
            }
            let remoteHasBranch = ls.status == 0
            if remoteHasBranch {
                let pull = git.run(git.identity(device) + ["pull", "-q", "--rebase", "--no-autostash", remote, branch])
                // settings.json changed on both machines (a bury here, a suspend there): merged key by key.
                if pull.status != 0 && !(git.rebaseInProgress && resolveSettings(git, device: device)) {
                    if git.rebaseInProgress {
                        let both = git.run(["diff", "--name-only", "--diff-filter=U"]).out.split(separator: "\n").joined(separator: ", ")
                        _ = git.run(["rebase", "--abort"])
                        throw CLIError("sync stopped: \(both.isEmpty ? "a file" : both) changed on this machine and on another, and git cannot merge the two. Nothing is lost: the rebase was undone and this machine's commit kept. Keep one side (for example git -C \(dir) checkout --theirs FILE after git -C \(dir) pull --rebase), then sync again.", code: 65)
                    }
                    throw CLIError("git pull failed: \(pull.err.trimmingCharacters(in: .whitespacesAndNewlines))", code: 69)
                }
            }
            // 3. Send this machine's commits.
            // (git's empty tree when the remote has nothing yet)
            let sent = addedReviewLines(git, from: remoteHasBranch ? "\(remote)/\(branch)" : "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
            let ahead = remoteHasBranch ? git.run(["rev-list", "--count", "\(remote)/\(branch)..HEAD"]).out.trimmingCharacters(in: .whitespacesAndNewlines) : "1"
            if ahead != "0" && git.run(["rev-parse", "-q", "--verify", "HEAD"]).status == 0 {
                let push = git.run(["push", "-q"] + (remoteHasBranch ? [] : ["-u"]) + [remote, "HEAD:refs/heads/\(branch)"])
                if push.status != 0 {
                    throw CLIError("git push failed (run prepdeck sync again; if another machine pushed meanwhile, this takes its commits first): \(push.err.trimmingCharacters(in: .whitespacesAndNewlines))", code: 69)
                }
            }
            let received = otherReviewLines(store) - othersBefore
            print("synced \(dir) with \(remote)/\(branch) as \(device): sent \(count(sent, "review")), received \(count(received, "review")) from other machines")
        }
    }

    /// While the rebase stops only on settings.json: writes the three-way merge of it (upstream's, this
    /// machine's and their common base, `mergeSettingsJSON`), adds it and continues; gives up (leaving the
    /// rebase stopped, for the caller to undo) on any other conflict or a file that does not parse. True when
    /// the rebase then finished.
    private func resolveSettings(_ git: Git, device: String) -> Bool {
        for _ in 0..<64 where git.rebaseInProgress {
            let both = git.run(["diff", "--name-only", "--diff-filter=U"]).out.split(separator: "\n").map(String.init)
            guard both == ["settings.json"] else { return false }
            func stage(_ n: Int) -> JSONNode? {
                let r = git.run(["show", ":\(n):settings.json"])
                return r.status == 0 ? try? JSONParser.parse(Array(r.out.utf8)) : nil
            }
            // In a rebase, stage 2 is the branch being rebased onto (the other machines'), 3 this machine's commit.
            guard let upstream = stage(2), let local = stage(3) else { return false }
            let merged = mergeSettingsJSON(base: stage(1), upstream: upstream, local: local)
            do { try FileIO.replace(git.directory + "/settings.json", Array((JSONWriter.write(merged, indent: 2) + "\n").utf8)) } catch { return false }
            guard git.run(["add", "settings.json"]).status == 0 else { return false }
            let next = git.run(git.identity(device) + ["-c", "core.editor=true", "rebase", "--continue"])
            if next.status == 0 && !git.rebaseInProgress { return true }
        }
        return !git.rebaseInProgress
    }

    private func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }

    /// Adds the lines of `ignored` that the data directory's `.gitignore` lacks (appending, keeping what is there).
    private func ensureIgnored(_ dir: String) throws {
        let path = dir + "/.gitignore"
        let text = (try? FileIO.read(path)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let have = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let missing = Self.ignored.filter { !have.contains($0) }
        guard !missing.isEmpty else { return }
        var out = text
        if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
        if text.isEmpty { out += "# prepdeck: caches and this machine's own files stay out of git\n" }
        out += missing.joined(separator: "\n") + "\n"
        try FileIO.replace(path, Array(out.utf8))
    }

    /// Lines in the review logs of other machines (what a pull brought is the difference).
    private func otherReviewLines(_ store: DataStore) -> Int {
        let own = try? store.appendPath(.reviews)
        return store.logPaths(.reviews).filter { $0 != own }.reduce(0) { $0 + lineCount($1) }
    }

    /// Review lines that this machine's commits add over `base`, in every review log.
    private func addedReviewLines(_ git: Git, from base: String) -> Int {
        guard git.run(["rev-parse", "-q", "--verify", "HEAD"]).status == 0 else { return 0 }
        let stat = git.run(["diff", "--numstat", base, "HEAD", "--", "reviews.jsonl", "reviews.*.jsonl"]).out
        return stat.split(separator: "\n").compactMap { Int($0.split(separator: "\t").first ?? "") }.reduce(0, +)
    }

    private func lineCount(_ path: String) -> Int {
        ((try? FileIO.read(path)) ?? nil).map { $0.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } } ?? 0
    }
}

/// Runs git in the data directory.
struct Git {
    let directory: String

    struct Result { var status: Int32; var out: String; var err: String }

    var available: Bool { run(["--version"]).status == 0 }
    var rebaseInProgress: Bool {
        FileIO.exists(directory + "/.git/rebase-merge") || FileIO.exists(directory + "/.git/rebase-apply")
    }

    /// `-c user.name=… -c user.email=…` when git has no identity configured (a new machine), so a commit works.
    func identity(_ device: String) -> [String] {
        run(["config", "user.email"]).out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            ? ["-c", "user.name=prepdeck (\(device))", "-c", "user.email=prepdeck@\(device).invalid"] : []
    }

    func run(_ args: [String]) -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", directory] + args
        var env = ProcessInfo.processInfo.environment
        env["GIT_TERMINAL_PROMPT"] = "0" // never wait for a password on a terminal the user cannot see
        env["LC_ALL"] = "C"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return Result(status: 127, out: "", err: "\(error)") }
        // Read both pipes before waiting, so a chatty git never blocks on a full pipe.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func check(_ args: [String], _ what: String) throws {
        let r = run(args)
        if r.status != 0 { throw CLIError("\(what) failed: \(r.err.trimmingCharacters(in: .whitespacesAndNewlines))", code: 69) }
    }
}
