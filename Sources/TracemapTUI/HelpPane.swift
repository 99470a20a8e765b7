/// Every key, printed from the key map itself.
enum HelpPane {
    static func render(into canvas: inout Canvas, rect: Rect, state: ViewState) {
        canvas.put(Format.rule("Keys", width: rect.width, unicode: state.unicode), x: rect.x, y: rect.y,
                   style: CellStyle(.accent), limit: rect.width)
        var y = rect.y + 1
        for binding in KeyMap.bindings where y < rect.maxY {
            canvas.put(binding.label, x: rect.x + 2, y: y, style: .bold, limit: 12)
            canvas.put(binding.help, x: rect.x + 14, y: y, limit: rect.width - 14)
            y += 1
        }
        let notes = [
            "",
            "Row colours: red = loss that carries on to the destination, yellow = loss at this hop only",
            "(ICMP rate limiting), magenta = destination trouble, dim = silent hop (sends no time-exceeded).",
            "Columns (mtr's letters): L loss, S sent, N last, A avg, B best, W worst, V std. deviation;",
            "j: J last jitter, M mean jitter, X max jitter, I RFC 3550 interarrival jitter. Times in ms.",
        ]
        for note in notes where y < rect.maxY {
            canvas.put(note, x: rect.x + 2, y: y, style: CellStyle(.dim), limit: rect.width - 2)
            y += 1
        }
    }
}
