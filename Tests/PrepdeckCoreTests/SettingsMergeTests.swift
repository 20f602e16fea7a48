import Foundation
import Testing
@testable import PrepdeckCore

/// `mergeSettingsJSON`: settings.json changed on two machines between syncs.
@Suite struct SettingsMergeTests {
    func merge(_ base: String?, _ upstream: String, _ local: String) throws -> String {
        JSONWriter.write(mergeSettingsJSON(base: try base.map { try JSONParser.parse($0) }, upstream: try JSONParser.parse(upstream),
                                           local: try JSONParser.parse(local)))
    }

    @Test func aChangeOnOneSideIsKeptAndBothChangedTakesThisMachines() throws {
        let base = #"{"new_per_day":10,"fuzz":true,"desired_retention":0.9}"#
        #expect(try merge(base, #"{"new_per_day":12,"fuzz":true,"desired_retention":0.9}"#, #"{"new_per_day":10,"fuzz":false,"desired_retention":0.9}"#)
                == #"{"new_per_day":12,"fuzz":false,"desired_retention":0.9}"#)
        #expect(try merge(base, #"{"new_per_day":12,"fuzz":true,"desired_retention":0.9}"#, #"{"new_per_day":15,"fuzz":true,"desired_retention":0.9}"#)
                == #"{"new_per_day":15,"fuzz":true,"desired_retention":0.9}"#)
        // A key removed on one side and untouched on the other is removed.
        #expect(try merge(base, #"{"new_per_day":10,"fuzz":true}"#, base) == #"{"new_per_day":10,"fuzz":true}"#)
    }

    @Test func suspensionsAndBurialsOfBothMachinesAreKept() throws {
        let base = #"{"suspended":["a","b"],"buried":{"x":"2026-12-01"}}"#
        // Upstream unsuspended a and suspended c; this machine suspended d and buried y; both buried x again.
        let up = #"{"suspended":["b","c"],"buried":{"x":"2026-12-03"}}"#
        let local = #"{"suspended":["a","b","d"],"buried":{"x":"2026-12-02","y":"2026-12-02"}}"#
        #expect(try merge(base, up, local) == #"{"suspended":["b","c","d"],"buried":{"x":"2026-12-03","y":"2026-12-02"}}"#)
        // Every suspension undone on one side or the other: the key goes.
        #expect(try merge(#"{"suspended":["a"],"fuzz":true}"#, #"{"fuzz":false}"#, #"{"suspended":["a","e"],"fuzz":true}"#)
                == #"{"fuzz":false,"suspended":["e"]}"#)
        // No common base (both machines made the file): everything either has.
        #expect(try merge(nil, #"{"suspended":["a"]}"#, #"{"suspended":["b"]}"#) == #"{"suspended":["a","b"]}"#)
    }
}
