import Foundation
@testable import TracemapEnrich

/// A DNS server of the tests' own on 127.0.0.1 that answers from a table with whatever bytes it is given —
/// control bytes and escape sequences in PTR names, non-UTF-8 TXT strings — which dnsmasq refuses to serve.
/// Answers are built with tracemap's own DNSMessage writer (`\DDD` in a name becomes that raw byte on the wire).
final class HostileResolver: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let flag = StopFlag()
    private let finished = DispatchSemaphore(value: 0)

    /// `answers`: lower-cased query name and type → the record data to answer with.
    init(answers: [String: (DNSRecordType, DNSRecordData)]) {
        (fd, port) = loopbackUDPSocket()
        let fd = self.fd
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let flag = self.flag, finished = self.finished
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !flag.value {
                var peer = sockaddr_storage()
                var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, &buffer, buffer.count, 0, $0, &peerLength)
                    }
                }
                guard count > 0, let query = try? DNSMessage(parsing: Array(buffer[0..<count])),
                      let question = query.questions.first else { continue }
                var reply = DNSMessage(id: query.id, questions: query.questions)
                reply.isResponse = true
                reply.recursionAvailable = true
                if let (type, data) = answers[question.name.lowercased()], type == question.type {
                    reply.answers = [DNSRecord(name: question.name, type: type, ttl: 60, data: data)]
                } else {
                    reply.responseCode = .nameError
                }
                guard let bytes = try? reply.encoded() else { continue }
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, peerLength) }
                }
            }
            finished.signal()
        }
    }

    var endpoint: String { "127.0.0.1:\(port)" }

    func stop() {
        guard !flag.value else { return }
        flag.value = true
        finished.wait()
        close(fd)
    }

    deinit { stop() }
}

private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
