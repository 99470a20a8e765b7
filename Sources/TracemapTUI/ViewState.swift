import TracemapStats
import TracemapReport

/// What the user chose to see: everything the keys change, nothing the data decides.
public struct ViewState: Sendable, Hashable {
    public enum Screen: Sendable, Hashable { case main, details, help }

    public var screen: Screen = .main
    /// The selected hop's TTL (nil before any hop exists: the first hop is then selected).
    public var selectedTTL: Int?
    public var showJitter = false
    /// The statistics columns by mtr letter (`-o`); `j` swaps them for the jitter columns.
    public var fields = HopField.defaultLetters
    public var rolling = false
    public var showNames = true
    public var showMap = true
    public var showAlerts = true
    public var zoomed = false
    /// Live: the frame is frozen while probing goes on. Replay: playback stopped.
    public var paused = false
    /// Braille and block characters; false under a non-UTF-8 locale.
    public var unicode = true

    public init() {}

    /// Moves the selection by `step` hops (negative: up) among `ttls`, clamped to the ends.
    public mutating func move(by step: Int, among ttls: [Int]) {
        guard !ttls.isEmpty else { selectedTTL = nil; return }
        let current = selectedTTL.flatMap { ttls.firstIndex(of: $0) } ?? 0
        selectedTTL = ttls[min(ttls.count - 1, max(0, current + step))]
    }

    /// The selection as it should be drawn: the chosen hop when it still exists, else the nearest one.
    public func effectiveSelection(among ttls: [Int]) -> Int? {
        guard let first = ttls.first else { return nil }
        guard let selectedTTL else { return first }
        if ttls.contains(selectedTTL) { return selectedTTL }
        return ttls.last { $0 < selectedTTL } ?? first
    }

    /// Applies a view action; returns false for the actions the app itself handles (quit, reset, replay).
    public mutating func apply(_ action: Action, ttls: [Int]) -> Bool {
        switch action {
        case .up: move(by: -1, among: ttls)
        case .down: move(by: 1, among: ttls)
        case .pageUp: move(by: -10, among: ttls)
        case .pageDown: move(by: 10, among: ttls)
        case .top: move(by: -ttls.count, among: ttls)
        case .bottom: move(by: ttls.count, among: ttls)
        case .openDetails:
            if screen == .main, !ttls.isEmpty {
                selectedTTL = effectiveSelection(among: ttls)
                screen = .details
            }
        case .back: screen = .main
        case .help: screen = screen == .help ? .main : .help
        case .toggleJitter: showJitter.toggle()
        case .toggleWindow: rolling.toggle()
        case .toggleMap: showMap.toggle()
        case .toggleAlerts: showAlerts.toggle()
        case .toggleNames: showNames.toggle()
        case .toggleZoom: zoomed.toggle()
        case .pause: paused.toggle()
        case .redraw: break
        case .quit, .reset, .faster, .slower, .seekBack, .seekForward, .nextTarget, .previousTarget: return false
        }
        return true
    }
}
