import Foundation
import Testing

/// A tmux session running a command, on its own server socket, for end-to-end tests of the real binary.
final class TmuxSession {
    let socket = "prepdeck-e2e-\(UUID().uuidString.prefix(8))"
    let name = "e2e"

    init(width: Int, height: Int, command: String, env: [String: String] = [:]) throws {
        var exports = env.map { "export \($0.key)=\(shellQuote($0.value)); " }.joined()
        exports += "export TERM=xterm-256color; "
        // The shell prints the exit status and the tty settings after prepdeck ends, then waits.
        let script = exports + command + "; echo \"EXIT=$?\"; stty -a | tr '\\n' ' ' | sed 's/^/STTY /'; echo; sleep 600"
        try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "/bin/sh -c " + shellQuote(script)])
        try tmux(["set-option", "-t", name, "status", "off"])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        try spawnAndWait(["tmux", "-L", socket, "-f", "/dev/null"] + args)
    }

    func capture() -> String { (try? tmux(["capture-pane", "-p", "-J", "-t", name])) ?? "" }
    func lines() -> [String] { capture().components(separatedBy: "\n") }

    func send(_ keys: String...) { _ = try? tmux(["send-keys", "-t", name] + keys) }
    func type(_ text: String) { _ = try? tmux(["send-keys", "-t", name, "-l", text]) }
    func resize(_ w: Int, _ h: Int) { _ = try? tmux(["resize-window", "-t", name, "-x", "\(w)", "-y", "\(h)"]) }
    func paneTitle() -> String { ((try? tmux(["display-message", "-p", "-t", name, "#{pane_title}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Polls the screen until `condition` holds (at most `timeout` seconds). Returns the last capture.
    @discardableResult
    func waitFor(_ timeout: Double = 10, _ condition: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = capture()
        while !condition(screen) && Date() < deadline {
            usleep(50_000)
            screen = capture()
        }
        return screen
    }

    func waitFor(text: String, timeout: Double = 10) -> String { waitFor(timeout) { $0.contains(text) } }

    /// Waits until prepdeck has exited and the shell has printed its status and the tty settings.
    func waitForExit() -> String { waitFor { $0.contains("EXIT=") && $0.contains("STTY") && $0.contains("isig") } }

    /// On a session summary or scorecard: exports it (`x`), goes back to the setup form and quits. Returns
    /// the screen after prepdeck exited.
    func exportSummaryAndQuit() -> String {
        send("x")
        waitFor(text: "Wrote ")
        send("q")
        waitFor(text: "Questions ")
        send("q")
        return waitForExit()
    }
}

/// glibc (2.34+) has it, but its header hides it from Swift.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
func spawnCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// Runs a command with posix_spawn and waitpid, its output in a temporary file. (Foundation's Process
/// can wait forever here when the child leaves a daemon behind, as `tmux new-session` does.)
func spawnAndWait(_ args: [String]) throws -> String {
    let outPath = NSTemporaryDirectory() + "spawn-out-\(UUID().uuidString)"
    defer { unlink(outPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // Nothing else is inherited: a tmux server started here must not hold the pipes of a process that
    // another test is reading at the same moment (that reader would wait for the server to exit).
    _ = spawnCloseFrom(&actions, 3)
    var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for p in cargs { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, args[0], &actions, nil, &cargs, environ)
    guard rc == 0 else { throw CocoaError(.fileNoSuchFile) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
}

func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
