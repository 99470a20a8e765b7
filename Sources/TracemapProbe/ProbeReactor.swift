#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TracemapModel
import TracemapNet

/// The one place that owns the probe sockets and waits on them: a single thread for every target of the process,
/// in the manner of mtr-packet's main loop. Each turn it
///   1. waits (ppoll, to the nanosecond) for a readable socket, a command, or the earliest probe deadline;
///   2. reads every reply first, so kernel timestamps and deadlines are judged before anything else;
///   3. takes new rounds and cancellations;
///   4. sends what is due and gives up what is overdue, round by round (`ReactorCore`).
/// Rounds of many targets — and several rounds of one target — are in flight at once; a probe is credited to its
/// round whenever its reply comes before its deadline, and a reply after it is handed to its target as a
/// `LateReply`. Nothing here blocks or spins: with nothing due the thread sleeps in ppoll.
final class ProbeReactor: @unchecked Sendable {
    /// The reactor of this process.
    static let shared = ProbeReactor()

    private enum Command: @unchecked Sendable {
        case start(ReactorCore.RoundRequest)
        case cancel(Int)
        case attach(any ProbeTransport)
    }

    /// What other threads hand the reactor thread, under one lock.
    private struct Inbox: ~Copyable {
        var commands: [Command] = []
        var transports: [TransportKey: any ProbeTransport] = [:]
        var nextRoundID = 1
        var running = false
    }

    private let inbox = Mutex(Inbox())
    private let waker: Waker?
    /// Touched by the reactor thread alone.
    private let core = ReactorCore(clock: wallClockNow)

    init() {
        waker = try? Waker()
    }

    // MARK: The door (any thread)

    /// The transport for probes that look like `key`, opened by `open` the first time: sockets are shared by
    /// every target whose probes look alike.
    func transport(for key: TransportKey,
                   open: () throws(SocketError) -> any ProbeTransport) throws(SocketError) -> any ProbeTransport {
        if let existing = inbox.withLock({ $0.transports[key] }) { return existing }
        let opened = try open()
        let chosen: any ProbeTransport = inbox.withLock { state in
            if let raced = state.transports[key] { return raced }
            state.transports[key] = opened
            state.commands.append(.attach(opened))
            return opened
        }
        waker?.signal()
        return chosen
    }

    func newRoundID() -> Int {
        inbox.withLock { state in
            defer { state.nextRoundID += 1 }
            return state.nextRoundID
        }
    }

    func start(_ request: ReactorCore.RoundRequest) { post(.start(request)) }

    func cancel(round id: Int) { post(.cancel(id)) }

    private func post(_ command: Command) {
        let launch = inbox.withLock { state -> Bool in
            state.commands.append(command)
            defer { state.running = true }
            return !state.running
        }
        if launch { launchThread() } else { waker?.signal() }
    }

    private func launchThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let reactor = Unmanaged<ProbeReactor>.fromOpaque(context!).takeRetainedValue()
            // Signals belong to the threads that handle them (the TUI, watch's report); here they would only
            // interrupt the wait.
            var blocked = sigset_t()
            sigfillset(&blocked)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            reactor.loop()
            return nil
        }, context)
        if result == 0 { pthread_detach(thread) } else { Unmanaged<ProbeReactor>.fromOpaque(context).release() }
    }

    // MARK: The loop (reactor thread)

    private func loop() {
        while true {
            var descriptors: [(fd: Int32, events: PollEvents)] = []
            var readers: [Int32: any ProbeTransport] = [:]
            if let waker { descriptors.append((waker.descriptor, .readable)) }
            for transport in core.transports {
                for entry in transport.pollSet() {
                    descriptors.append(entry)
                    readers[entry.fd] = transport
                }
            }
            let ready = Readiness.wait(descriptors, until: core.nextWakeup())
            for item in ready {
                if item.fd == waker?.descriptor {
                    waker?.drain()
                } else if let transport = readers[item.fd] {
                    for reply in transport.receive(fd: item.fd, revents: item.events) {
                        core.receive(reply, from: transport)
                    }
                }
            }
            let commands = inbox.withLock { state in
                defer { state.commands = [] }
                return state.commands
            }
            for command in commands {
                switch command {
                case .attach(let transport): core.attach(transport)
                case .start(let request): core.start(request)
                case .cancel(let id): core.cancel(round: id)
                }
            }
            core.advance()
        }
    }
}

/// What makes two targets' probes alike enough to share one transport (its sockets, ports and identifier).
struct TransportKey: Hashable {
    var method: ProbeMethod
    var protocolKind: ProbeProtocol
    var source: IPAddress
    var device: String?
    var port: UInt16
    var flows: Int
    var tos: UInt8
    var packetSize: Int?

    init(method: ProbeMethod, options: ProbeOptions, source: IPAddress) {
        self.method = method
        protocolKind = options.protocolKind
        self.source = source
        device = options.device
        port = options.destinationPort
        flows = options.flows
        tos = options.tos
        packetSize = options.packetSize
    }
}
