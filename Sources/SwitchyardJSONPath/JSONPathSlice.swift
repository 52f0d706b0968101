// The array slice selector `start:end:step` (RFC 9535, section 2.3.4).

/// `start:end:step`, each part optional.
struct JSONPathSlice: Sendable {
    var start: Int?
    var end: Int?
    var step: Int?

    /// The indices this slice selects from an array of `count` elements, in selection order
    /// (descending for a negative step); none for a step of 0.
    func indices(count: Int) -> StrideTo<Int> {
        let step = self.step ?? 1
        // Bounds are within ±(2^53 - 1) and counts far below, so nothing here overflows.
        func normalized(_ index: Int) -> Int { index >= 0 ? index : count + index }
        if step > 0 {
            let lower = min(max(normalized(start ?? 0), 0), count)
            let upper = min(max(normalized(end ?? count), 0), count)
            return stride(from: lower, to: upper, by: step)
        }
        if step < 0 {
            let upper = min(max(normalized(start ?? count - 1), -1), count - 1)
            let lower = min(max(normalized(end ?? -count - 1), -1), count - 1)
            return stride(from: upper, to: lower, by: step)
        }
        return stride(from: 0, to: 0, by: 1)
    }
}
