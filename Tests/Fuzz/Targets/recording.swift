// libFuzzer target: the streaming recording reader (JSON Lines → RecordingLine with plausibility checks),
// compiled into this module with RecordingReader.swift. Every accepted line must encode back.
import Foundation
import TracemapModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecording(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let reader = RecordingReader(data: Data(bytes: data, count: size))
    for entry in reader {
        if case .success(let line) = entry { _ = try? TracemapJSON.line(line) }
    }
    return 0
}
