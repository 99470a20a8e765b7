import Synchronization

/// A key as the terminal wrapper reports it: curses codes never get past the wrapper.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab
    /// The terminal changed size (curses' KEY_RESIZE after SIGWINCH).
    case resize
    case other(Int32)
}

/// What a key asks for.
public enum Action: Sendable, Hashable {
    case quit
    case up, down, pageUp, pageDown, top, bottom
    case openDetails, back
    case toggleJitter, toggleWindow, toggleMap, toggleAlerts, toggleNames, toggleZoom
    case pause, reset, help
    /// Replay only: faster, slower, seek one step back or forward.
    case faster, slower, seekBack, seekForward
    case nextTarget, previousTarget
    case redraw
}

/// The key map: one table, which the help screen prints as it is (so the two never disagree).
///
/// mtr's `j` toggles the jitter columns, and tracemap keeps that, so vi's `j` cannot move down: `k`/`K` move
/// up and `J` (shift-j) moves down beside the arrows; Ctrl-N/Ctrl-P (emacs) move as well.
public enum KeyMap {
    public struct Binding: Sendable {
        public let keys: [Key]
        public let label: String
        public let action: Action
        public let help: String
    }

    /// The bindings in force: the defaults, or those `remap` made from config.toml's `[keys]`.
    public static var bindings: [Binding] { current.withLock { $0.bindings } }

    public static let defaultBindings: [Binding] = [
        Binding(keys: [.up, .character("k"), .character("K"), .character("\u{10}")], label: "↑ k K ^P",
                action: .up, help: "select the hop above"),
        Binding(keys: [.down, .character("J"), .character("\u{0e}")], label: "↓ J ^N",
                action: .down, help: "select the hop below (j is mtr's jitter toggle)"),
        Binding(keys: [.pageUp], label: "PgUp", action: .pageUp, help: "ten hops up"),
        Binding(keys: [.pageDown], label: "PgDn", action: .pageDown, help: "ten hops down"),
        Binding(keys: [.home, .character("g")], label: "Home g", action: .top, help: "first hop"),
        Binding(keys: [.end, .character("G")], label: "End G", action: .bottom, help: "last hop"),
        Binding(keys: [.enter, .character("\n"), .character("\r")], label: "Enter", action: .openDetails,
                help: "details of the selected hop"),
        Binding(keys: [.escape, .backspace], label: "Esc", action: .back, help: "back to the hop table"),
        Binding(keys: [.character("j")], label: "j", action: .toggleJitter,
                help: "jitter columns (Jttr Javg Jmax Jint) / RTT columns"),
        Binding(keys: [.character("w")], label: "w", action: .toggleWindow,
                help: "statistics since start / over the rolling window"),
        Binding(keys: [.character("m")], label: "m", action: .toggleMap, help: "show / hide the world map"),
        Binding(keys: [.character("z")], label: "z", action: .toggleZoom, help: "zoom the map to the path / world"),
        Binding(keys: [.character("a")], label: "a", action: .toggleAlerts, help: "show / hide the alerts pane"),
        Binding(keys: [.character("n")], label: "n", action: .toggleNames, help: "host names / addresses"),
        Binding(keys: [.character("p"), .character(" ")], label: "p Space", action: .pause,
                help: "pause / resume the display (probing goes on); replay: play / pause"),
        Binding(keys: [.character("r")], label: "r", action: .reset, help: "reset the statistics"),
        Binding(keys: [.character("+"), .character("=")], label: "+", action: .faster, help: "replay faster"),
        Binding(keys: [.character("-"), .character("_")], label: "-", action: .slower, help: "replay slower"),
        Binding(keys: [.left], label: "←", action: .seekBack, help: "replay: back ten rounds"),
        Binding(keys: [.right], label: "→", action: .seekForward, help: "replay: forward ten rounds"),
        Binding(keys: [.tab], label: "Tab", action: .nextTarget, help: "next target (several hosts)"),
        Binding(keys: [.backTab], label: "S-Tab", action: .previousTarget, help: "previous target"),
        Binding(keys: [.character("?"), .character("h")], label: "? h", action: .help, help: "this help"),
        Binding(keys: [.character("\u{0c}")], label: "^L", action: .redraw, help: "redraw the screen"),
        Binding(keys: [.character("q"), .character("Q")], label: "q", action: .quit, help: "quit"),
    ]

    private struct State: Sendable {
        var bindings: [Binding]
        var table: [Key: Action]

        init(_ bindings: [Binding]) {
            self.bindings = bindings
            table = [:]
            for binding in bindings { for key in binding.keys { table[key] = binding.action } }
        }
    }

    /// Set once, before the screen starts (config.toml is read before parsing); read on every key.
    private static let current = Mutex(State(defaultBindings))

    /// The actions config.toml's `[keys]` may rebind, by the names it uses.
    public static let remappable: [(name: String, action: Action)] = [
        ("up", .up), ("down", .down), ("top", .top), ("bottom", .bottom), ("details", .openDetails),
        ("jitter", .toggleJitter), ("window", .toggleWindow), ("map", .toggleMap), ("zoom", .toggleZoom),
        ("alerts", .toggleAlerts), ("names", .toggleNames), ("pause", .pause), ("reset", .reset),
        ("faster", .faster), ("slower", .slower), ("next-target", .nextTarget), ("previous-target", .previousTarget),
        ("help", .help), ("redraw", .redraw), ("quit", .quit),
    ]

    /// Gives each action in `keys` those character keys instead of its own (keys that are not characters —
    /// arrows, PgUp/PgDn, Home/End, Enter, Esc — stay), and takes each of them from the action that had it.
    public static func remap(_ keys: [Action: [Character]]) {
        let taken = Set(keys.values.flatMap { $0 })
        var bindings: [Binding] = []
        for binding in defaultBindings {
            var kept = binding.keys.filter { key in
                guard case .character(let character) = key else { return true }
                if keys[binding.action] != nil { return character == "\n" || character == "\r" }
                return !taken.contains(character)
            }
            kept += (keys[binding.action] ?? []).map(Key.character)
            let changed = kept != binding.keys
            bindings.append(Binding(keys: kept, label: changed ? label(kept) : binding.label, action: binding.action,
                                    help: binding.help))
        }
        current.withLock { $0 = State(bindings) }
    }

    /// How the help screen names keys: arrows and named keys, `^X` for control characters, `Space`.
    private static func label(_ keys: [Key]) -> String {
        keys.compactMap { key -> String? in
            switch key {
            case .up: "↑"
            case .down: "↓"
            case .left: "←"
            case .right: "→"
            case .pageUp: "PgUp"
            case .pageDown: "PgDn"
            case .home: "Home"
            case .end: "End"
            case .enter: "Enter"
            case .escape: "Esc"
            case .tab: "Tab"
            case .backTab: "S-Tab"
            case .character("\n"), .character("\r"), .backspace, .resize, .other: nil
            case .character(" "): "Space"
            case .character(let character):
                if let scalar = character.unicodeScalars.first, scalar.value < 0x20 {
                    "^" + String(Character(Unicode.Scalar(scalar.value + 0x40)!))
                } else {
                    String(character)
                }
            }
        }.joined(separator: " ")
    }

    public static func action(for key: Key) -> Action? {
        if key == .resize { return .redraw }
        return current.withLock { $0.table[key] }
    }
}
