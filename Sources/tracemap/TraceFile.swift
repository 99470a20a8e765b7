import Foundation
import TracemapEnrich
import TracemapModel
import TracemapNet
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

/// Writes `bytes` to `path` in place (`FileBytes.write`: never a temporary file and a rename).
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    do {
        try FileBytes.write(bytes, toFile: path)
    } catch {
        throw CommandFailure(message: "cannot write \(path): \(error)", status: .badInput)
    }
}
