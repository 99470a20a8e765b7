import Foundation
import TestSupport
import XCTest

/// The stand-in for Globalping, RIPE Atlas and Cloudflare (Tests/RemoteStandIn/remote_standin.py), started on
/// 127.0.0.1 at a free port for one test case. Every request it gets is logged, so a test can check what the
/// client sent: bodies, headers, how it polled.
final class StandInServer {
    let process: SpawnedProcess
    let port: Int
    let directory: URL
    var url: String { "http://127.0.0.1:\(port)" }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RemoteStandIn/remote_standin.py").path
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-standin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port").path
        process = try SpawnedProcess(["python3", Self.script, "--port-file", portFile,
                                      "--log", directory.appendingPathComponent("requests.jsonl").path],
                                     output: directory.appendingPathComponent("server.log").path)
        // The server writes its port once it listens; python starts in well under a second, a loaded machine
        // may take longer.
        var port: Int?
        for _ in 0..<300 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                port = value
                break
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        guard let port else {
            let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            process.stop()
            throw XCTSkip("the stand-in server did not start (is python3 installed?): \(log)")
        }
        self.port = port
    }

    /// One logged request.
    struct Request {
        var method: String
        var path: String
        var headers: [String: String]
        var body: String

        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    var requests: [Request] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("requests.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           headers: object["headers"] as? [String: String] ?? [:], body: object["body"] as? String ?? "")
        }
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// A loopback port nothing listens on: bound, then closed (the "no network" case without any real host).
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length)
        } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(fd, $0, &length)
        } }
        close(fd)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
