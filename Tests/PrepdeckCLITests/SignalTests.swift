import Foundation
import Testing

/// Issue 16, item 3: SIGTERM, SIGHUP and SIGINT in every screen, the editors included: prepdeck exits with
/// 128 + the signal, the terminal is restored (cooked mode, the main screen, no mouse reporting), and what was
/// being typed is on disk.
@Suite(.serialized) struct SignalTests {
    struct Screen: Sendable, CustomStringConvertible {
        var name: String
        var args: String
        /// Keys sent after the first frame, each followed by waiting for its text.
        var steps: [(keys: [String], literal: String?, wait: String)]
        /// A draft expected on disk after the signal: file name under drafts/, and its text.
        var draft: (file: String, text: String)?
        var description: String { name }
    }

    static let screens: [Screen] = [
        Screen(name: "browse", args: "", steps: [], draft: nil),
        Screen(name: "browse search", args: "", steps: [(["/"], "cach", "cach")], draft: nil),
        Screen(name: "help overlay", args: "", steps: [(["?"], nil, "any key closes")], draft: nil),
        Screen(name: "practice setup", args: "", steps: [(["P"], nil, "New practice session")], draft: nil),
        Screen(name: "practice editor", args: "practice --count 1", steps: [([], "typed before the signal", "typed before the signal")],
               draft: ("caching-product-catalog.md", "typed before the signal")),
        Screen(name: "review", args: "review", steps: [], draft: nil),
        Screen(name: "review editor", args: "review", steps: [(["e"], nil, "Your answer to:"), ([], "review words", "review words")],
               draft: nil),
        Screen(name: "stats", args: "", steps: [(["S"], nil, "cards")], draft: nil),
    ]

    static let cases: [(Screen, String)] = screens.flatMap { s in ["TERM", "HUP", "INT"].map { (s, $0) } }

    @Test(arguments: cases)
    func aSignalRestoresTheTerminalAndKeepsTheTyping(screen: Screen, signal: String) throws {
        let dir = tempDataDir()
        let t = try TmuxSession(width: 100, height: 30,
                                command: shellQuote(prepdeckBinary()) + " --data-dir " + shellQuote(dir) + " --bank " + shellQuote(seedBank) + " " + screen.args)
        var s = t.waitFor { $0.contains("prepdeck ") && $0.contains("Stats") }
        #expect(s.contains("Browse"), "\(screen): \(s)")
        for step in screen.steps {
            if !step.keys.isEmpty { t.send(step.keys.joined(separator: " ")) }
            if let text = step.literal { t.type(text) }
            s = t.waitFor(text: step.wait)
            #expect(s.contains(step.wait), "\(screen): \(s)")
        }
        #expect((try t.tmux(["display-message", "-p", "-t", t.name, "#{alternate_on}"])).hasPrefix("1"), "\(screen): not in the alternate screen")
        let shell = ((try? t.tmux(["list-panes", "-t", t.name, "-F", "#{pane_pid}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? spawnAndWait(["pkill", "-\(signal)", "-P", shell])
        s = t.waitForExit()
        let code = ["HUP": 129, "INT": 130, "TERM": 143][signal]!
        #expect(s.contains("EXIT=\(code)"), "\(screen) \(signal): \(s)")
        #expect(s.contains(" icanon ") && s.contains(" echo "), "\(screen) \(signal): the terminal is left raw")
        #expect((try t.tmux(["display-message", "-p", "-t", t.name, "#{alternate_on}"])).hasPrefix("0"), "\(screen) \(signal): left in the alternate screen")
        #expect((try t.tmux(["display-message", "-p", "-t", t.name, "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}"])).hasPrefix("000"),
                "\(screen) \(signal): mouse reporting left on")
        if let draft = screen.draft {
            #expect((try? String(contentsOfFile: dir + "/drafts/" + draft.file, encoding: .utf8)) == draft.text, "\(screen) \(signal)")
        }
        if screen.name == "review editor" {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/drafts")) ?? []
            let texts = files.compactMap { try? String(contentsOfFile: dir + "/drafts/" + $0, encoding: .utf8) }
            #expect(texts.contains("review words"), "\(signal): the review editor's text was not saved (\(files))")
        }
    }
}
