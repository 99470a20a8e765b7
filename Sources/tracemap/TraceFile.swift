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
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw CommandFailure(message: "cannot write \(path): \(String(cString: strerror(errno)))", status: .badInput)
    }
}
