import Foundation

/// The signal number a handler stored, read by the main loop. A plain word written from the handler is all
/// a signal handler may safely do (as C's `volatile sig_atomic_t`); allocated once, before any handler runs.
nonisolated(unsafe) private let receivedSignal: UnsafeMutablePointer<sig_atomic_t> = {
    let pointer = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return pointer
}()

/// SIGINT, SIGTERM and SIGHUP become a flag the main loop polls, so the terminal is restored by the same
/// main-actor code as on `q`: curses must never be called from a signal handler (endwin is not
/// async-signal-safe). A Dispatch signal source would not do on Linux: libdispatch reads signals through a
/// signalfd, which sees only blocked signals, and the threads of the async runtime do not block them.
struct SignalTrap {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    init() {
        receivedSignal.pointee = 0
        for number in SignalTrap.signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                receivedSignal.pointee = number
                if signalWakeDescriptor >= 0 {
                    var byte: UInt8 = 1
                    _ = write(signalWakeDescriptor, &byte, 1)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// The first signal received, if any.
    var pending: Int32? {
        let number = receivedSignal.pointee
        return number == 0 ? nil : number
    }

    /// Puts the default actions back (after the terminal is restored).
    func restore() {
        for number in SignalTrap.signals { signal(number, SIG_DFL) }
    }
}
