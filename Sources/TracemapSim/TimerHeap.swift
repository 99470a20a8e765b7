/// A binary min-heap of items due at a monotonic time; items due at the same instant leave in arrival order.
struct TimerHeap<Item> {
    private struct Entry {
        var deadline: UInt64
        var serial: UInt64
        var item: Item

        func precedes(_ other: Entry) -> Bool {
            (deadline, serial) < (other.deadline, other.serial)
        }
    }

    private var entries: [Entry] = []
    private var nextSerial: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var nextDeadline: UInt64? { entries.first?.deadline }

    mutating func insert(_ item: Item, deadline: UInt64) {
        entries.append(Entry(deadline: deadline, serial: nextSerial, item: item))
        nextSerial &+= 1
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest item if it is due at `now`.
    mutating func popDue(now: UInt64) -> Item? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        entries.swapAt(0, entries.count - 1)
        entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
            guard smallest != parent else { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return first.item
    }
}
