import Foundation
import TracemapProcess
import XCTest

/// The one signal trap every command uses: a signal reaches its reader, and a reader blocked with nothing to
/// read ends as soon as the trap is finished (it waits without a timeout, so an idle watch never wakes for it).
final class SignalTrapTests: XCTestCase {
    func testASignalReachesTheReaderAndFinishEndsItsWait() async {
        let trap = SignalTrap([SIGUSR2])
        defer { trap.restore() }
        let stream = trap.stream()
        let reader = Task { () -> [Int32] in
            var received: [Int32] = []
            for await number in stream {
                received.append(number)
                if received.count == 1 { trap.finish() }
            }
            return received
        }
        kill(getpid(), SIGUSR2)
        let received = await withTaskGroup(of: [Int32]?.self) { group in
            group.addTask { await reader.value }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        XCTAssertEqual(received, [SIGUSR2], "the signal arrived and finish() ended the reader's wait")
        XCTAssertEqual(trap.pending, SIGUSR2)
    }
}
