import Foundation
import Testing
@testable import prepdeck

/// `startThread` (the bank thread at start-up): the body runs once, on a new thread, and that thread ends up
/// free to run on every processor the caller may use (it is only started away from the caller's).
@Suite struct ThreadStartTests {
    final class Seen: @unchecked Sendable {
        var runs = 0
        var thread: pthread_t?
        #if os(Linux)
        var mask: cpu_set_t?
        #endif
    }

    @Test func bodyRunsOnceOnAnotherThreadWithTheCallersProcessors() {
        let seen = Seen(), done = DispatchSemaphore(value: 0)
        for _ in 0..<20 {
            startThread {
                seen.runs += 1
                seen.thread = pthread_self()
                #if os(Linux)
                var mask = cpu_set_t()
                if let affinity = Affinity.functions, affinity.get(0, MemoryLayout<cpu_set_t>.size, &mask) == 0 { seen.mask = mask }
                #endif
                done.signal()
            }
            done.wait()
            #expect(seen.thread.map { pthread_equal($0, pthread_self()) == 0 } == true)
            #if os(Linux)
            var mine = cpu_set_t()
            let affinity = Affinity.functions
            #expect(affinity != nil, "glibc's affinity calls are found")
            if let affinity, affinity.get(0, MemoryLayout<cpu_set_t>.size, &mine) == 0 {
                let theirs = seen.mask.map { m in withUnsafeBytes(of: m) { Array($0) } }
                #expect(theirs == withUnsafeBytes(of: mine) { Array($0) }, "the new thread may run wherever its caller may")
            }
            #endif
        }
        #expect(seen.runs == 20)
    }
}
