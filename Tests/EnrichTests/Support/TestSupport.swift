import Foundation
import TracemapProcess
import TestSupport
import TracemapModel
import XCTest

/// A directory under /tmp for one test, removed with everything in it by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/tracemap-enrich-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a program to its end; stdout and stderr go to the returned text.
@discardableResult
func run(_ arguments: [String]) -> (status: Int32, output: String) {
    let result = ChildProcess.run(arguments)
    return (result.termination.shellStatus, result.stdoutText + result.stderrText)
}

/// Test databases written by scripts/make-test-mmdb.pl with Debian's libmaxmind-db-writer-perl.
enum TestDatabases {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/make-test-mmdb.pl").path

    /// Skips the test when the Perl writer is not installed.
    static func requireWriter() throws {
        guard run(["perl", "-MMaxMind::DB::Writer::Tree", "-e1"]).status == 0 else {
            throw XCTSkip("libmaxmind-db-writer-perl is not installed")
        }
    }

    /// Writes a database of `kind` (city, dbip-city, ipinfo-city, asn, ipinfo-asn) into `directory`.
    static func make(_ kind: String, in directory: TemporaryDirectory) throws -> String {
        try requireWriter()
        let path = directory.file("\(kind).mmdb")
        let result = run(["perl", script, kind, path])
        guard result.status == 0 else {
            XCTFail("make-test-mmdb.pl \(kind): \(result.output)")
            throw POSIXError(.EIO)
        }
        return path
    }
}

/// The places the test databases give the documentation ranges.
enum Places {
    static let frankfurt = GeoLocation(city: "Frankfurt am Main", region: "Hesse", country: "Germany",
                                       countryCode: "DE", latitude: 50.1109, longitude: 8.6821, accuracyRadius: 20)
    static let amsterdam = GeoLocation(city: "Amsterdam", region: "North Holland", country: "Netherlands",
                                       countryCode: "NL", latitude: 52.3676, longitude: 4.9041, accuracyRadius: 10)
    static let newYork = GeoLocation(city: "New York", region: "New York", country: "United States",
                                     countryCode: "US", latitude: 40.7128, longitude: -74.0060, accuracyRadius: 50)
    static let tokyo = GeoLocation(city: "Tokyo", region: "Tokyo", country: "Japan", countryCode: "JP",
                                   latitude: 35.6762, longitude: 139.6503, accuracyRadius: 100)
}

/// A UDP port nothing listens on now (bound to port 0 and released), for a server the test starts next.
func freeUDPPort() -> UInt16 {
    let (fd, port) = loopbackUDPSocket()
    close(fd)
    return port
}

/// Debian's dnsmasq on 127.0.0.1 at a free port, answering only from the records it is given
/// (`--no-resolv --no-hosts`), logging every query it receives to a file the test reads.
final class Dnsmasq {
    let port: UInt16
    let logPath: String
    private let process: SpawnedProcess

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/dnsmasq") }

    /// - Parameters:
    ///   - ptr: address text → hostname.
    ///   - txt: name → record text.
    init(ptr: [String: String] = [:], txt: [String: String] = [:], in directory: TemporaryDirectory) throws {
        guard Self.isInstalled else { throw XCTSkip("dnsmasq is not installed") }
        let serial = UUID().uuidString
        logPath = directory.file("dnsmasq-\(serial).log")
        let errorPath = directory.file("dnsmasq-\(serial).err")
        // Records go in a configuration file: only there does dnsmasq read quoted text, which keeps the commas
        // of an AS name inside one character-string.
        var configuration = ptr.sorted(by: { $0.key < $1.key }).map { address, name in
            "ptr-record=\(ReverseNameForTests.pointer(address)),\(name)"
        }
        configuration += txt.sorted(by: { $0.key < $1.key }).map { name, text in "txt-record=\(name),\"\(text)\"" }
        let configurationPath = directory.file("dnsmasq-\(serial).conf")
        try (configuration.joined(separator: "\n") + "\n").write(toFile: configurationPath, atomically: true,
                                                                   encoding: .utf8)
        for _ in 0..<5 {
            let port = freeUDPPort()
            let process = try SpawnedProcess(
                ["/usr/sbin/dnsmasq", "-k", "-C", configurationPath, "--no-resolv", "--no-hosts",
                 "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)", "--user=root",
                 "--log-queries", "--log-facility=\(logPath)", "--pid-file=",
                 // Answer NXDOMAIN for the names it has no record of, as a real zone would.
                 "--local=/arpa/", "--local=/cymru.com/"],
                output: errorPath)
            // dnsmasq logs "started" once its sockets are bound; a taken port makes it exit instead.
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline && process.isRunning && !Self.log(logPath).contains("started, version") {
                usleep(20_000)
            }
            if process.isRunning && Self.log(logPath).contains("started, version") {
                self.port = port
                self.process = process
                return
            }
            process.stop()
        }
        throw NSError(domain: "dnsmasq", code: 1,
                      userInfo: [NSLocalizedDescriptionKey: Self.log(errorPath) + Self.log(logPath)])
    }

    var endpoint: String { "127.0.0.1:\(port)" }

    private static func log(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// The queries dnsmasq has received so far, as "TYPE name" ("PTR 7.2.0.192.in-addr.arpa").
    var queries: [String] {
        Self.log(logPath).split(separator: "\n").compactMap { line in
            guard let start = line.range(of: "query[") else { return nil }
            let rest = line[start.upperBound...]
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let type = rest[..<close]
            let name = rest[rest.index(after: close)...].split(separator: " ").first ?? ""
            return "\(type) \(name)"
        }
    }

    func stop() { process.stop() }

    deinit { stop() }
}

/// Builds PTR names independently of the code under test.
enum ReverseNameForTests {
    static func pointer(_ text: String) -> String {
        if text.contains(":") {
            var bytes = [UInt8](repeating: 0, count: 16)
            _ = inet_pton(AF_INET6, text, &bytes)
            let nibbles = bytes.flatMap { [$0 >> 4, $0 & 0x0f] }.reversed().map { String($0, radix: 16) }
            return nibbles.joined(separator: ".") + ".ip6.arpa"
        }
        return text.split(separator: ".").reversed().joined(separator: ".") + ".in-addr.arpa"
    }
}

/// A DNS server of the tests' own on 127.0.0.1: a thread hands every datagram to `serve` and sends back what it
/// returns, until `stop`. A receive timeout lets the thread notice `stop` without a wake-up socket.
class LoopbackUDPServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let flag = StopFlag()
    private let finished = DispatchSemaphore(value: 0)

    /// `serve` gets each datagram and returns the reply to send back to its sender, if any.
    init(serve: @escaping @Sendable (_ datagram: [UInt8]) -> [UInt8]?) {
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
                guard count > 0, let reply = serve(Array(buffer[0..<count])) else { continue }
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, reply, reply.count, 0, $0, peerLength)
                    }
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

/// A UDP socket bound on 127.0.0.1 that never answers: a thread reads every query and drops it.
final class SilentResolver: LoopbackUDPServer, @unchecked Sendable {
    init() {
        super.init { _ in nil }
    }
}

private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// A UDP socket bound to 127.0.0.1 on a port the kernel picks, for the tests' own DNS servers.
func loopbackUDPSocket() -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            _ = bind(fd, pointer, length)
            return getsockname(fd, pointer, &length)
        }
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}
