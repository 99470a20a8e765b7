import Foundation
import Synchronization
import TracemapModel
import TracemapNet

/// Why a DNS query gave no usable response.
public enum DNSQueryError: Error, Sendable, Hashable {
    /// No response within the query's time.
    case timedOut
    /// The socket failed: it cannot be opened, or the server's port is closed (ECONNREFUSED).
    case system(SocketError)
    /// The client was shut down before the response came.
    case shutDown
}

/// A small stub resolver over UDP (RFC 1035 §4.2.1) that talks to one server. One dedicated thread blocks in
/// ppoll(2) on a connected nonblocking socket (TracemapNet's `Socket`, the probes' wrapper) and completes the waiting callers, so no Swift concurrency thread
/// ever blocks on the network. At most `maxInFlight` queries are on the wire at once; the others wait their turn.
final class DNSClient: Sendable {
    let resolver: ResolverEndpoint
    private let worker: DNSWorker

    /// Opens the socket and starts the worker thread.
    /// - Parameters:
    ///   - timeout: how long one query waits for its response, retransmissions included.
    ///   - maxInFlight: how many queries may wait for a response at the same time.
    init(resolver: ResolverEndpoint, timeout: Duration = .seconds(2), maxInFlight: Int = 16)
        throws(SocketError) {
        self.resolver = resolver
        worker = try DNSWorker(socket: Self.connectedSocket(to: resolver), timeout: timeout,
                               maxInFlight: max(1, maxInFlight))
        worker.start()
    }

    deinit { worker.stop() }

    /// A UDP socket connected to the server, so the kernel drops datagrams from anyone else and reports an ICMP
    /// port unreachable from the server as ECONNREFUSED.
    private static func connectedSocket(to resolver: ResolverEndpoint) throws(SocketError) -> Socket {
        let socket = try Socket(family: resolver.address.family, type: .datagram)
        do {
            try socket.connect(resolver.address, port: resolver.port, scopeID: resolver.scopeID)
        } catch {
            throw SocketError("connect", code: error.code)
        }
        return socket
    }

    /// Sends a recursive query for `name` and `type` and returns the server's response, whatever its response
    /// code: NXDOMAIN is an answer too.
    func query(_ name: String, type: DNSRecordType) async throws(DNSQueryError) -> DNSMessage {
        let question = DNSQuestion(name: name, type: type)
        let packet: [UInt8]
        do {
            packet = try DNSMessage.query(id: 0, name: name, type: type).encoded()
        } catch {
            // Names come from addresses and AS numbers, so they always encode; a name that does not has no answer.
            var response = DNSMessage(id: 0, questions: [question])
            response.isResponse = true
            response.responseCode = .formatError
            return response
        }
        let result = await withCheckedContinuation { continuation in
            worker.submit(DNSWorker.Request(question: question, packet: packet, continuation: continuation))
        }
        return try result.get()
    }
}

/// The thread that owns the socket. Its state sits behind a mutex shared with the submitting callers.
private final class DNSWorker: Sendable {
    struct Request: Sendable {
        var question: DNSQuestion
        var packet: [UInt8]
        var continuation: CheckedContinuation<Result<DNSMessage, DNSQueryError>, Never>
    }

    private struct Pending {
        var request: Request
        var deadline: ContinuousClock.Instant
        var retransmitAt: ContinuousClock.Instant?
    }

    private struct State {
        var waiting: [Request] = []
        var pending: [UInt16: Pending] = [:]
        var stopped = false
    }

    private let socket: Socket
    /// Wakes the worker from its wait when a query is submitted or the client stops.
    private let waker: Waker
    private let timeout: Duration
    private let maxInFlight: Int
    private let state = Mutex(State())

    init(socket: Socket, timeout: Duration, maxInFlight: Int) throws(SocketError) {
        self.socket = socket
        waker = try Waker()
        self.timeout = timeout
        self.maxInFlight = maxInFlight
    }

    /// A plain pthread, not Foundation.Thread (see PLATFORM_NOTES): it holds the worker until `stop`.
    func start() {
        let retained = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let worker = Unmanaged<DNSWorker>.fromOpaque(argument!).takeRetainedValue()
            worker.run()
            return nil
        }, retained)
        if status == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<DNSWorker>.fromOpaque(retained).release()
            state.withLock { $0.stopped = true }
        }
    }

    func stop() {
        state.withLock { $0.stopped = true }
        waker.signal()
    }

    func submit(_ request: Request) {
        let accepted = state.withLock { state in
            guard !state.stopped else { return false }
            state.waiting.append(request)
            return true
        }
        if accepted {
            waker.signal()
        } else {
            request.continuation.resume(returning: .failure(.shutDown))
        }
    }

    private func run() {
        var completions: [(Request, Result<DNSMessage, DNSQueryError>)] = []
        while true {
            let now = ContinuousClock.now
            let (stopped, nextEvent) = state.withLock { state in
                if state.stopped {
                    completions += state.waiting.map { ($0, .failure(.shutDown)) }
                    completions += state.pending.values.map { ($0.request, .failure(.shutDown)) }
                    state.waiting = []
                    state.pending = [:]
                    return (true, Optional<ContinuousClock.Instant>.none)
                }
                expire(&state, now: now, into: &completions)
                dispatch(&state, now: now, into: &completions)
                let events = state.pending.values.flatMap { [$0.deadline, $0.retransmitAt].compactMap { $0 } }
                return (false, events.min())
            }
            for (request, result) in completions { request.continuation.resume(returning: result) }
            completions = []
            if stopped { return }

            let ready = Readiness.wait([(socket.descriptor, .readable), (waker.descriptor, .readable)],
                                       timeout: nextEvent.map { now.duration(to: $0) })
            if ready.contains(where: { $0.fd == waker.descriptor }) { waker.drain() }
            if ready.contains(where: { $0.fd == socket.descriptor }) { receive(into: &completions) }
        }
    }

    /// Ends queries past their deadline and retransmits, once, those half-way there (RFC 1035 §4.2.1 asks
    /// resolvers to retransmit over UDP).
    private func expire(_ state: inout State, now: ContinuousClock.Instant,
                        into completions: inout [(Request, Result<DNSMessage, DNSQueryError>)]) {
        for (id, pending) in state.pending {
            if pending.deadline <= now {
                state.pending[id] = nil
                completions.append((pending.request, .failure(.timedOut)))
            } else if let retransmitAt = pending.retransmitAt, retransmitAt <= now {
                state.pending[id]?.retransmitAt = nil
                try? socket.send(Self.packet(pending.request.packet, id: id))
            }
        }
    }

    private func dispatch(_ state: inout State, now: ContinuousClock.Instant,
                          into completions: inout [(Request, Result<DNSMessage, DNSQueryError>)]) {
        while state.pending.count < maxInFlight, !state.waiting.isEmpty {
            let request = state.waiting.removeFirst()
            // A random ID per query (RFC 5452) that no other pending query uses.
            var id = UInt16.random(in: .min ... .max)
            while state.pending[id] != nil { id = UInt16.random(in: .min ... .max) }
            do {
                try socket.send(Self.packet(request.packet, id: id))
                state.pending[id] = Pending(request: request, deadline: now + timeout,
                                            retransmitAt: now + timeout / 2)
            } catch {
                completions.append((request, .failure(.system(error))))
            }
        }
    }

    private static func packet(_ packet: [UInt8], id: UInt16) -> [UInt8] {
        var bytes = packet
        bytes[0] = UInt8(id >> 8)
        bytes[1] = UInt8(id & 0xff)
        return bytes
    }

    private func receive(into completions: inout [(Request, Result<DNSMessage, DNSQueryError>)]) {
        while true {
            let datagram: [UInt8]?
            do {
                datagram = try socket.receiveDatagram()
            } catch {
                // On a connected UDP socket an ICMP error from the server (port unreachable) fails the socket's
                // next read; every query waiting on that server is lost alike.
                state.withLock { state in
                    completions += state.pending.values.map { ($0.request, .failure(.system(error))) }
                    state.pending = [:]
                }
                return
            }
            guard let datagram else { return }
            // Whatever does not parse, or answers no pending question, is dropped: a late or forged datagram.
            guard let message = try? DNSMessage(parsing: datagram), message.isResponse else { continue }
            state.withLock { state in
                guard let pending = state.pending[message.id],
                      let question = message.questions.first,
                      question.type == pending.request.question.type,
                      question.name.lowercased() == pending.request.question.name.lowercased()
                else { return }
                state.pending[message.id] = nil
                completions.append((pending.request, .success(message)))
            }
        }
    }
}
