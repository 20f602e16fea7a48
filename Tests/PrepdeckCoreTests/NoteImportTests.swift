import Foundation
import Testing
@testable import PrepdeckCore

@Suite struct NoteImportTests {
    @Test func delimitedTextFollowsRFC4180() throws {
        let text = "a,\"b, with comma\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\n\n,last"
        let r = try parseDelimited(text, separator: ",")
        #expect(r.map(\.fields) == [["a", "b, with comma", "say \"hi\""], ["multi\nline", "x", ""], ["", "last"]])
        #expect(r.map(\.line) == [1, 2, 5])
        #expect(try parseDelimited("x\ty\n", separator: "\t").map(\.fields) == [["x", "y"]])
        #expect(throws: ImportError(line: 2, column: 7, message: "a quoted field is never closed (a \" is missing)")) {
            try parseDelimited("ok,1\nab\"c\",\"open\nstill open", separator: ",")
        }
    }

    @Test func aHeaderRowOrMapChoosesTheColumns() throws {
        let csv = "tags,answer,prompt\nnet tcp,Three-way handshake.,How does TCP open a connection?\n"
        let n = try parseNotes(csv, defaultSeparator: ",", map: nil)
        #expect(n.count == 1 && n[0].prompt == "How does TCP open a connection?" && n[0].answer == "Three-way handshake." && n[0].tags == ["net", "tcp"])
        let mapped = try parseNotes("1,Q?,A.\n", defaultSeparator: ",", map: ColumnMap.parse("prompt=2,answer=3,guid=1"))
        #expect(mapped[0].key == "1" && mapped[0].prompt == "Q?")
        // A first prompt that starts with '#' is a note, not one of Anki's header lines.
        #expect(try parseNotes("#1 rule of caching?,Invalidate on write.\n", defaultSeparator: ",", map: nil).first?.prompt == "#1 rule of caching?")
        #expect(ColumnMap.parse("prompt=1,answer=1") == nil && ColumnMap.parse("front=2,back=3")?.prompt == 2 && ColumnMap.parse("x=1") == nil)
        #expect(throws: ImportError(line: 2, column: 1, message: "column 2 (the answer) is empty or missing")) {
            try parseNotes("Q1,A1\nQ2\n", defaultSeparator: ",", map: nil)
        }
    }

    @Test func ankisPlainTextExportIsRead() throws {
        let text = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n"
            + "g1\tBasic\tMy Deck\tWhat is <b>CAP</b>?\tPick two of &lt;C, A, P&gt;<br>under a partition\tdist cap\n"
            + "g2\tCloze\tMy Deck\tA {{c1::load balancer}} uses {{c2::health checks::how?}}.\t\t\n"
        let notes = try parseNotes(text, defaultSeparator: "\t", map: nil)
        #expect(notes.map(\.key) == ["g1", "g2"] && notes.allSatisfy { $0.html && $0.deck == "My Deck" })
        #expect(notes[0].tags == ["dist", "cap"] && notes[0].line == 7 && notes[1].answer == "")
        let json = bankJSON(from: notes, deckID: "my-deck", deckTitle: "My Deck", format: "anki-text")
        let bank = try BankFormat.decode(Array(json.utf8), file: "my-deck.json")
        #expect(bank.questions.count == 3) // one basic note, two clozes
        #expect(bank.questions[0].prompt == "What is **CAP**?" && bank.questions[0].answer == "Pick two of <C, A, P>\nunder a partition")
        #expect(bank.questions[1].prompt == "A […] uses health checks." && bank.questions[1].answer.hasPrefix("A **load balancer** uses"))
        #expect(bank.questions[2].prompt == "A load balancer uses [how?].")
        #expect(bank.questions.allSatisfy { (3...8).contains($0.keyPoints.count) })
        // The same notes give the same ids: a second import replaces, never duplicates.
        #expect(bankJSON(from: notes, deckID: "my-deck", deckTitle: "My Deck", format: "anki-text") == json)
        var edited = notes
        edited[0].answer = "Changed."
        let again = try BankFormat.decode(Array(bankJSON(from: edited, deckID: "my-deck", deckTitle: "My Deck", format: "anki-text").utf8), file: "x")
        #expect(again.questions.map(\.id) == bank.questions.map(\.id) && again.questions[0].answer == "Changed.")
    }

    @Test func htmlBecomesTheBanksMarkdown() {
        #expect(htmlToMarkdown("<div>One</div><div>Two &amp; <b>three</b></div>") == "One\n\nTwo & **three**")
        #expect(htmlToMarkdown("Steps:<ol><li>first</li><li>second</li></ol>Done") == "Steps:\n\n1. first\n2. second\n\nDone")
        #expect(htmlToMarkdown("<pre>let x = 1\nprint(x)</pre>") == "```\nlet x = 1\nprint(x)\n```")
        #expect(htmlToMarkdown("see <img src=\"diagram.png\"> and [sound:talk.mp3]") == "see [image: diagram.png] and [sound: talk.mp3]")
        #expect(htmlToMarkdown("a&nbsp;b &#x41;&#66; <code>x</code> <span style=\"c\">y</span>") == "a b AB `x` y")
    }

    @Test func shortAnswersGetRecallChecksAndLongOnesTheirParts() {
        #expect(derivedKeyPoints("Paris.") == ["Paris", "Recalled the answer without a hint", "Recalled all of it, not only the gist"])
        let long = (1...12).map { "- item number \($0)" }.joined(separator: "\n")
        #expect(derivedKeyPoints(long).count == 8 && derivedKeyPoints(long)[0] == "item number 1")
    }
}
