import CNcursesw
import Foundation

/// Why the terminal cannot host the TUI.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The thin typed wrapper over ncursesw: the only file that calls curses, on the main actor only (ncurses is not
/// thread-safe). Callers see `Key`s, sizes and `Canvas`es; no C type leaves this file.
@MainActor
public final class Terminal {
    /// Whether braille and block characters can be shown (the locale's codeset is UTF-8).
    public let unicode: Bool
    public let color: Bool
    private var screen: OpaquePointer?
    private var active = false
    private var previous: Canvas?

    /// Whether standard input and output are both terminals (a pipe or a file cannot host the TUI).
    public nonisolated static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 }

    /// Enters curses mode: the alternate screen, no echo, no line buffering, non-blocking keys.
    /// `setlocale` runs first, as ncursesw needs it to draw anything outside ASCII.
    /// - Parameters:
    ///   - color: false for `--no-color` or `NO_COLOR` (attributes such as bold and reverse stay).
    ///   - forceASCII: draw without braille and blocks even under a UTF-8 locale.
    public init(color: Bool, forceASCII: Bool = false) throws {
        setlocale(LC_ALL, "")
        unicode = !forceASCII && tm_codeset_is_utf8() != 0
        // The restore is armed before curses touches the terminal: a trap from here on still gives it back.
        tm_arm_terminal_restore()
        let term = ProcessInfo.processInfo.environment["TERM"] ?? "unset"
        // newterm, unlike initscr, returns NULL instead of exiting when TERM is unknown.
        guard let screen = tm_newterm_stdio() else {
            tm_disarm_terminal_restore()
            throw TerminalError(description: "cannot open the terminal (TERM=\(term.escapedForTerminal) unknown to terminfo?)")
        }
        guard tm_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            tm_disarm_terminal_restore()
            throw TerminalError(description: "TERM=\(term.escapedForTerminal) cannot move the cursor, so the TUI cannot draw; "
                                + "set TERM (e.g. TERM=xterm-256color) or use `tracemap watch`")
        }
        tm_learn_reset_sequence()
        self.screen = screen
        active = true
        let window = tm_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        // Escape alone must close the details quickly; 25 ms still tells it from an arrow key's sequence.
        set_escdelay(25)
        curs_set(0)
        var colorOK = false
        if color && has_colors() {
            start_color()
            use_default_colors()
            colorOK = true
            Terminal.definePairs()
        }
        self.color = colorOK
    }

    /// Leaves curses mode and restores the terminal (cursor, echo, main screen). Safe to call twice.
    public func stop() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
        tm_disarm_terminal_restore()
        if let screen { delscreen(screen) }
        screen = nil
    }

    /// Columns and rows now; curses updates them itself after SIGWINCH.
    public var size: (width: Int, height: Int) { (Int(tm_cols()), Int(tm_lines())) }

    /// The next pending key, or nil at once when none is waiting (never blocks).
    public func readKey() -> Key? {
        var character: wint_t = 0
        let status = wget_wch(tm_stdscr(), &character)
        if status == tm_key_code_yes() { return Terminal.functionKey(Int32(character)) }
        guard status == TM_OK else { return nil }
        switch character {
        case 27: return .escape
        case 9: return .tab
        case 10, 13: return .enter
        case 127, 8: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return .other(Int32(character)) }
            return .character(Character(scalar))
        }
    }

    private static func functionKey(_ code: Int32) -> Key {
        switch code {
        case TM_KEY_UP: .up
        case TM_KEY_DOWN: .down
        case TM_KEY_LEFT: .left
        case TM_KEY_RIGHT: .right
        case TM_KEY_NPAGE: .pageDown
        case TM_KEY_PPAGE: .pageUp
        case TM_KEY_HOME: .home
        case TM_KEY_END: .end
        case TM_KEY_BTAB: .backTab
        case TM_KEY_ENTER: .enter
        case TM_KEY_BACKSPACE: .backspace
        case TM_KEY_RESIZE: .resize
        default: .other(code)
        }
    }

    /// Copies a canvas to the screen and refreshes. Identical frames are skipped; otherwise every row is
    /// rewritten in runs of one style and ncurses' own diffing sends only the changed cells to the terminal.
    public func draw(_ canvas: Canvas, force: Bool = false) {
        guard active else { return }
        if force || previous?.width != canvas.width || previous?.height != canvas.height { clearok(tm_stdscr(), true) }
        if !force, let previous, previous == canvas { return }
        for y in 0..<canvas.height {
            var x = 0
            while x < canvas.width {
                let style = canvas[x, y].style
                var end = x
                var run: [wchar_t] = []
                while end < canvas.width, canvas[end, y].style == style {
                    run.append(Terminal.wide(canvas[end, y].character, unicode: unicode))
                    end += 1
                }
                _ = tm_set_attributes(attributes(style))
                run.append(0)
                // The bottom-right cell makes addwstr report ERR (the cursor cannot advance); the cell is drawn.
                _ = mvaddnwstr(Int32(y), Int32(x), run, Int32(run.count - 1))
                x = end
            }
        }
        _ = tm_set_attributes(TM_A_NORMAL)
        refresh()
        previous = canvas
    }

    /// Rings the terminal bell (an alert while the user looks elsewhere).
    public func bell() { beep() }

    private static func wide(_ character: Character, unicode: Bool) -> wchar_t {
        guard let scalar = character.unicodeScalars.first else { return 32 }
        if !unicode && scalar.value > 0x7e { return wchar_t(Terminal.asciiFallback(scalar)) }
        return wchar_t(bitPattern: scalar.value)
    }

    /// What a non-ASCII character becomes on a terminal that cannot show it (panes mostly pick ASCII already).
    private static func asciiFallback(_ scalar: Unicode.Scalar) -> UInt32 {
        switch scalar.value {
        case 0x2502, 0x2503: 124          // vertical box lines → '|'
        case 0x2500...0x257f: 45          // other box drawing → '-'
        case 0x2580...0x259f: 35          // blocks → '#'
        case 0x2190, 0x2192: 62           // arrows → '>'
        case 0x2013, 0x2014: 45           // dashes → '-'
        case 0x2026: 126                  // ellipsis of a cut name → '~'
        case 0xd7: 120                    // × → 'x'
        case 0xb1: 43                     // ± → '+'
        case 0x3c3: 115                   // σ → 's'
        default: 63                       // '?'
        }
    }

    private func attributes(_ style: CellStyle) -> attr_t {
        var attributes = TM_A_NORMAL
        if style.bold { attributes |= TM_A_BOLD }
        if style.reverse { attributes |= TM_A_REVERSE }
        if style.color == .dim { attributes |= TM_A_DIM }
        if color, style.color != .normal, style.color != .dim {
            attributes |= tm_color_pair(Int32(style.color.rawValue))
        }
        if !color, style.color == .land { attributes |= TM_A_DIM }
        return attributes
    }

    /// One curses colour pair per palette colour, numbered by its raw value, on the terminal's own background.
    private static func definePairs() {
        let pairs: [(CellColor, Int32)] = [
            (.green, tm_color_green()), (.yellow, tm_color_yellow()), (.red, tm_color_red()),
            (.magenta, tm_color_magenta()), (.cyan, tm_color_cyan()), (.blue, tm_color_blue()),
            // A dark green land on 256-colour terminals (xterm colour 28) keeps the path readable over it.
            (.land, tm_colors() >= 256 ? 28 : tm_color_green()), (.accent, tm_color_cyan()),
        ]
        for (color, foreground) in pairs { init_pair(Int16(color.rawValue), Int16(foreground), -1) }
    }
}
