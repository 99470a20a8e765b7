import Dispatch
import Foundation

/// SIGINT and SIGTERM become a flag the main loop polls, so the terminal is restored by the same main-actor
/// code as on `q` (curses must never be called from a signal handler: endwin is not async-signal-safe).
final class SignalTrap: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        for number in signals {
            // The default action would kill the process with the terminal still in curses mode.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.record(number) }
            source.resume()
            sources.append(source)
        }
    }

    private func record(_ number: Int32) {
        lock.lock()
        defer { lock.unlock() }
        received = received ?? number
    }

    /// The first signal received, if any.
    var pending: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Puts the default actions back (after the terminal is restored).
    func restore() {
        for source in sources { source.cancel() }
        sources = []
        for number in [SIGINT, SIGTERM, SIGHUP] { signal(number, SIG_DFL) }
    }
}
