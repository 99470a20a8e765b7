import Foundation
import TracemapEnrich
import TracemapModel
import TracemapReport

/// `trace -w FILE`: the `--json` document(s), redacted as the printed output is, written whole to FILE.
func saveTrace(_ documents: [TraceDocument], to path: String, redactor: Redactor?, addresses: [IPAddress],
               names: [String]) throws {
    let encoder = TracemapJSON.encoder(pretty: true)
    var text: String
    do {
        let data = documents.count == 1 ? try encoder.encode(documents[0]) : try encoder.encode(documents)
        text = String(decoding: data, as: UTF8.self) + "\n"
    } catch {
        throw CommandFailure(message: "cannot encode the trace: \(error)", status: .badInput)
    }
    if let redactor { text = redactor.redactText(text, addresses: Array(Set(addresses)), names: names) }
    try writeFile(path, Array(text.utf8))
}

/// Writes `bytes` to `path` in place: open, truncate, write. Never through a temporary file and a rename (as
/// Foundation's atomic writes do), which would replace `/dev/null`, a FIFO or a symlink's target with a file.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        throw CommandFailure(message: "cannot write \(path): \(String(cString: strerror(errno)))", status: .badInput)
    }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else {
            throw CommandFailure(message: "cannot write \(path): \(String(cString: strerror(errno)))",
                                 status: .badInput)
        }
        offset += written
    }
}
