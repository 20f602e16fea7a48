import Foundation
import PrepdeckCore

extension DataStore {
    /// Every card's effective ratings in replay order (undo lines and duplicate ids resolved as replay
    /// resolves them; both modes), read from every machine's review log for the optimizer. Lines that do not parse are
    /// left out here; `doctor` and the loaders report them.
    public func reviewSequences() throws(StoreError) -> [[ReviewPoint]] {
        guard let log = try LogFile.open(logLayout(.reviews)) else { return [] }
        let scan = try log.scan(from: 0, to: log.size, firstLine: 1)
        let effective = EffectiveLog(scan, lines: log.lines)
        return (0..<scan.cards.count).compactMap { c in
            let events = effective.events(ofCard: c)
            guard !events.isEmpty else { return nil }
            return events.map { k in let r = scan.records[Int(k)]; return ReviewPoint(at: r.at, rating: r.rating) }
        }
    }
}
