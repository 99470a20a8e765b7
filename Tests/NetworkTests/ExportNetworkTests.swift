import Foundation
import XCTest

/// `export --format mtr-json` next to the real mtr on the same routers: a tool built for mtr's JSON must not be
/// able to tell the two apart but by the numbers.
final class ExportNetworkTests: XCTestCase {
    private var chain: RouterChain!

    override func setUpWithError() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "network tests need root and iproute2")
        try XCTSkipUnless(Shell.run(["mtr", "--version"]).status == 0, "mtr is not installed")
        chain = try RouterChain()
    }

    override func tearDown() {
        chain?.destroy()
        chain = nil
    }

    /// Each line with its value blanked: indentation, key order and punctuation only.
    private func skeleton(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            guard let colon = line.range(of: "\": ") else { return String(line) }
            return String(line[..<colon.upperBound]) + (line.hasSuffix(",") ? "V," : "V")
        }
    }

    private func hubs(_ text: String) -> [[String: Any]] {
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return (object?["report"] as? [String: Any])?["hubs"] as? [[String: Any]] ?? []
    }

    func testOurMTRJSONIsShapedLikeRealMtrOnTheSamePath() throws {
        let traced = chain.tracemap(["trace", "-n", "-q", "3", "--json", RouterChain.destination4])
        XCTAssertEqual(traced.status, 0, traced.stderr)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-export-net-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("trace.json")
        try Data(traced.stdout.utf8).write(to: file)
        let ours = Shell.run([Shell.tracemapBinary, "export", file.path, "--no-geoip", "--format", "mtr-json", "-o", "-"])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let real = chain.host.exec(["mtr", "--json", "-n", "-c", "3", RouterChain.destination4])
        XCTAssertEqual(real.status, 0, real.stderr)

        XCTAssertEqual(skeleton(ours.stdout), skeleton(real.stdout), "ours:\n\(ours.stdout)\nmtr:\n\(real.stdout)")
        let mine = hubs(ours.stdout), theirs = hubs(real.stdout)
        XCTAssertEqual(mine.map { $0["host"] as? String }, theirs.map { $0["host"] as? String })
        XCTAssertEqual(mine.map { $0["count"] as? Int }, theirs.map { $0["count"] as? Int })
        XCTAssertEqual(mine.map { $0["Snt"] as? Int }, theirs.map { $0["Snt"] as? Int })
        XCTAssertEqual(mine.map { $0["Loss%"] as? Double }, theirs.map { $0["Loss%"] as? Double })
    }
}
