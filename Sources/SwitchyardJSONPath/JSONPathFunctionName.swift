// The function extensions RFC 9535 defines, by name.

/// A function a filter can call: `length`, `count`, `match`, `search`, `value`.
enum JSONPathFunctionName: String {
    case length, count, match, search, value

    /// How many arguments it takes.
    var parameterCount: Int {
        switch self {
        case .length, .count, .value: 1
        case .match, .search: 2
        }
    }
}
