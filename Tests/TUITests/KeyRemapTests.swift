import XCTest
@testable import TracemapTUI

/// config.toml's `[keys]`: an action gets the keys given, they leave the action that had them, and the help
/// screen shows the new keys.
final class KeyRemapTests: XCTestCase {
    override func tearDown() {
        KeyMap.remap([:])
    }

    func testRemappedKeysMoveAndTheHelpFollows() {
        // vi users: j moves down, and mtr's jitter toggle goes to x.
        KeyMap.remap([.down: ["j"], .toggleJitter: ["x"], .quit: ["\u{11}"]])
        XCTAssertEqual(KeyMap.action(for: .character("j")), .down)
        XCTAssertEqual(KeyMap.action(for: .character("x")), .toggleJitter)
        XCTAssertEqual(KeyMap.action(for: .down), .down, "arrows stay")
        XCTAssertNil(KeyMap.action(for: .character("J")), "the action's old letters go")
        XCTAssertNil(KeyMap.action(for: .character("q")))
        XCTAssertEqual(KeyMap.action(for: .character("\u{11}")), .quit)
        XCTAssertEqual(KeyMap.bindings.first { $0.action == .down }?.label, "↓ j")
        XCTAssertEqual(KeyMap.bindings.first { $0.action == .quit }?.label, "^Q")
        XCTAssertEqual(KeyMap.bindings.first { $0.action == .openDetails }?.label, "Enter", "untouched labels stay")
        XCTAssertEqual(KeyMap.action(for: .character("\r")), .openDetails)
    }

    func testAnEmptyRemapRestoresTheDefaults() {
        KeyMap.remap([.quit: ["x"]])
        KeyMap.remap([:])
        XCTAssertEqual(KeyMap.action(for: .character("q")), .quit)
        XCTAssertEqual(KeyMap.action(for: .character("j")), .toggleJitter)
    }
}
