/// The k largest (value, index) pairs seen, as a min-heap of capacity k; ties keep the lower index.
/// `Tensor.topK` selects with it in O(n log k) a row.
struct TopKHeap {
    let capacity: Int
    private(set) var items: [(Float, Int)] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    /// True when `a` ranks below `b` (smaller value, or equal value and larger index).
    @inline(__always) private func below(_ a: (Float, Int), _ b: (Float, Int)) -> Bool {
        a.0 < b.0 || (a.0 == b.0 && a.1 > b.1)
    }

    mutating func offer(_ value: Float, _ index: Int) {
        let item = (value, index)
        if items.count < capacity {
            items.append(item)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if below(items[i], items[parent]) {
                    items.swapAt(i, parent)
                    i = parent
                } else {
                    break
                }
            }
        } else if below(items[0], item) {
            items[0] = item
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var smallest = i
                if l < items.count && below(items[l], items[smallest]) { smallest = l }
                if r < items.count && below(items[r], items[smallest]) { smallest = r }
                if smallest == i { break }
                items.swapAt(i, smallest)
                i = smallest
            }
        }
    }
}
