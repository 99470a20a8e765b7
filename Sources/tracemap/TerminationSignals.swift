import Foundation
import TracemapModel

/// The write end of the pipe the handler reports signals through; set once before any handler is installed.
nonisolated(unsafe) private var signalPipeWriter: Int32 = -1
/// How many stop signals arrived; a second one ends the program at once.
nonisolated(unsafe) private var stopSignalsReceived: sig_atomic_t = 0

/// SIGINT and SIGTERM as a stream for `watch`: the first one ends the watch with its final report (exit 130 or
/// 143), a second one exits at once. The handler only writes the signal number to a pipe and calls `_exit`, both
/// async-signal-safe; a thread blocked reading the pipe feeds the stream. (A Dispatch signal source would not do:
/// on Linux libdispatch reads signals through a signalfd, which only sees blocked signals.)
final class TerminationSignals: @unchecked Sendable {
    let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        signalPipeWriter = descriptors[1]
        let reader = descriptors[0]
        let continuation = continuation
        Thread {
            var number: Int32 = 0
            while true {
                let count = read(reader, &number, MemoryLayout<Int32>.size)
                if count < 0 && errno == EINTR { continue }
                guard count == MemoryLayout<Int32>.size else { break }
                continuation.yield(number)
            }
        }.start()
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                stopSignalsReceived += 1
                if stopSignalsReceived > 1 { _exit(128 + number) }
                var value = number
                _ = write(signalPipeWriter, &value, MemoryLayout<Int32>.size)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// The exit status a stop signal asks for: 130 for SIGINT, 143 for SIGTERM.
    static func status(for number: Int32) -> ExitStatus {
        number == SIGTERM ? .terminated : .interrupted
    }

    /// Stops the stream; the handlers stay, so a signal during the final report still exits at once.
    func stop() {
        stopSignalsReceived = 1
        continuation.finish()
    }
}
