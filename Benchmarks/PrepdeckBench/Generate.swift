import Foundation
import PrepdeckCore

/// A small, fast, seedable generator (SplitMix64), so that the synthetic data is the same on every machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Writes a synthetic bank (`bank.json`) and review log (`reviews.jsonl`) into a folder.
/// Everything is a pure function of the seed and the sizes.
struct SyntheticData {
    var questions = 20_000
    var lines = 1_000_000
    var seed: UInt64 = 20_261_129
    /// Words per model answer, drawn uniformly from this range (issue 10's data: 250–400, a 69 MB bank).
    var answerWords = 250...400
    /// The share of ratings logged as practice (issue 10's data: half).
    var practiceShare = 0.5
    /// The log's first review; histories are spread over the two years that follow.
    static let start = RFC3339.parse("2024-09-01T08:00:00Z")!

    static let topics = [
        "http", "rest", "grpc", "graphql", "sql", "indexing", "transactions", "replication", "sharding", "caching",
        "queues", "kafka", "consistency", "consensus", "load-balancing", "rate-limiting", "observability", "logging",
        "security", "authn-authz", "tls", "testing", "concurrency", "async-io", "memory", "gc", "networking", "dns",
        "containers", "kubernetes", "ci-cd", "cloud", "storage", "search", "api-design", "idempotency", "migrations",
        "scalability-performance", "behavioral", "system-design",
    ]
    /// Vocabulary of the synthetic answers (so that search has real words to find).
    static let prose = ["the", "service", "request", "latency", "throughput", "replica", "index", "cache", "write",
                        "read", "queue", "consumer", "partition", "lock", "transaction", "retry", "timeout", "budget",
                        "error", "client", "server", "database", "table", "column", "row", "shard", "leader",
                        "follower", "quorum", "token", "session", "deploy", "rollback", "metric", "trace", "alert",
                        "because", "when", "then", "which", "measure", "p99", "bytes", "seconds", "users", "peak"]
    static let words = ["design", "explain", "compare", "debug", "scale", "secure", "model", "tune", "measure", "migrate",
                        "shard", "cache", "index", "retry", "stream", "batch", "lock", "queue", "route", "limit"]

    func questionID(_ k: Int) -> String {
        "\(SyntheticData.words[k % SyntheticData.words.count])-\(SyntheticData.topics[k % SyntheticData.topics.count])-\(k)"
    }

    func bankJSON() -> String {
        var rng = SplitMix64(seed: seed ^ 0xB4A4)
        let difficulties = ["easy", "medium", "hard"]
        let kinds = ["technical", "system-design", "coding", "behavioral", "ask-the-interviewer"]
        var out = "{\"format\":\"prepdeck-bank\",\"version\":1,\"deck\":{\"id\":\"synthetic\",\"title\":\"Synthetic benchmark deck\"},\"questions\":[\n"
        for k in 0..<questions {
            let topic = SyntheticData.topics[k % SyntheticData.topics.count]
            let other = SyntheticData.topics[rng.below(SyntheticData.topics.count)]
            let topics = other == topic ? [topic] : [topic, other]
            let verb = SyntheticData.words[k % SyntheticData.words.count]
            let points = (0..<(3 + rng.below(4))).map { "Key point \($0 + 1) about \(topic) (\(rng.below(1000)))" }
            if k > 0 { out += ",\n" }
            out += "{\"id\":\"\(questionID(k))\",\"title\":\"How would you \(verb) \(topic) #\(k)?\","
            out += "\"prompt\":\"Question \(k): \(verb) a \(topic) system for a service with \(1 + rng.below(500)) million users."
            for w in 0..<(50 + rng.below(31)) { // prompts of 50–80 more words, as long as the real bank's
                out += (w % 15 == 0 ? ". " : " ") + SyntheticData.prose[rng.below(SyntheticData.prose.count)]
            }
            out += ".\","
            out += "\"difficulty\":\"\(difficulties[rng.below(3)])\",\"kind\":\"\(kinds[rng.below(kinds.count)])\","
            out += "\"topics\":[" + topics.map { "\"\($0)\"" }.joined(separator: ",") + "],"
            out += "\"answer\":\"## Answer\\n\\nStart with the requirements, then \(verb) the \(topic) layer. Measure before tuning."
            let n = answerWords.lowerBound + rng.below(answerWords.count)
            for w in 0..<n {
                out += w % 60 == 0 ? "\\n\\n- " : w % 12 == 0 ? ". " : " "
                out += SyntheticData.prose[rng.below(SyntheticData.prose.count)]
            }
            out += ".\\n\","
            out += "\"keyPoints\":[" + points.map { "\"\($0)\"" }.joined(separator: ",") + "],"
            out += "\"followUps\":[\"What breaks first at ten times the load of \(topic)?\",\"How do you test it?\"]}"
        }
        out += "\n]}\n"
        return out
    }

    struct Event {
        var card: Int32
        var rating: UInt8
        var mode: UInt8
        var at: Double // seconds since 1970, whole milliseconds
        var ms: Int32
    }

    /// The review lines: every card gets a history of reviews at growing gaps; the log is in time order,
    /// with a few undo lines (0.3 %) right after the line they undo and a few duplicated lines (0.1 %).
    func reviewLines(write: (String) -> Void) {
        var rng = SplitMix64(seed: seed)
        let undoEvery = 333, dupEvery = 1000
        let undos = lines / undoEvery, dups = lines / dupEvery
        let reviews = lines - undos - dups
        // Split the reviews over the cards: ~90 % of the cards reviewed, counts varying 1…~2× the mean.
        var weights = (0..<questions).map { _ in rng.unit() < 0.1 ? 0.0 : 0.2 + 1.6 * rng.unit() }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        var counts = weights.map { Int(($0 * Double(reviews)).rounded(.down)) }
        var missing = reviews - counts.reduce(0, +)
        var c = 0
        while missing > 0 { if weights[c] > 0 { counts[c] += 1; missing -= 1 }; c = (c + 1) % questions }
        var events: [Event] = []
        events.reserveCapacity(reviews)
        let start = SyntheticData.start.timeIntervalSince1970
        for card in 0..<questions where counts[card] > 0 {
            var t = start + rng.unit() * 86400 * 500
            for _ in 0..<counts[card] {
                let roll = rng.unit()
                let rating: UInt8 = roll < 0.1 ? 1 : roll < 0.25 ? 2 : roll < 0.9 ? 3 : 4
                let ms = Int32(5000 + rng.below(300_000))
                events.append(Event(card: Int32(card), rating: rating, mode: rng.unit() < practiceShare ? 1 : 0, at: (t * 1000).rounded() / 1000, ms: ms))
                // Gaps log-uniform between one minute and 20 days.
                t += 60 * pow(28_800, rng.unit()) + Double(rng.below(1000)) / 1000
            }
        }
        events.sort { $0.at != $1.at ? $0.at < $1.at : $0.card < $1.card }
        var written: [String] = [] // recent lines, for duplicates
        var n = 0
        var idRandom = SplitMix64(seed: seed ^ 0x1D)
        for (k, e) in events.enumerated() {
            let at = Date(timeIntervalSince1970: e.at)
            let id = EventID.make(at: at, random: &idRandom)
            var line = "{\"id\":\"\(id)\",\"card\":\"\(questionID(Int(e.card)))\",\"rating\":\(e.rating),\"at\":\"\(RFC3339.format(at))\",\"ms\":\(e.ms),\"mode\":\"\(e.mode == 0 ? "review" : "practice")\"}\n"
            if k % 7 == 3 { line = line.replacingOccurrences(of: ",\"ms\":\(e.ms)", with: "") } // ms is optional
            write(line)
            n += 1
            written.append(line)
            if written.count > 64 { written.removeFirst(32) }
            if n * undos / reviews > (n - 1) * undos / reviews {
                let undoAt = Date(timeIntervalSince1970: e.at + 5)
                write("{\"id\":\"\(EventID.make(at: undoAt, random: &idRandom))\",\"undo\":\"\(id)\",\"at\":\"\(RFC3339.format(undoAt))\"}\n")
            }
            if n * dups / reviews > (n - 1) * dups / reviews {
                write(written[rng.below(written.count)])
            }
        }
    }

    func write(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(bankJSON().utf8).write(to: URL(fileURLWithPath: dir + "/bank.json"))
        let path = dir + "/reviews.jsonl"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 22)
        var count = 0
        reviewLines { line in
            buffer.append(contentsOf: line.utf8)
            count += 1
            if buffer.count >= 1 << 22 { h.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        h.write(Data(buffer))
        try h.close()
        precondition(count == lines, "wrote \(count) lines, expected \(lines)")
        for f in ["settings.json", "snapshot.bin"] { try? FileManager.default.removeItem(atPath: dir + "/" + f) }
    }
}
