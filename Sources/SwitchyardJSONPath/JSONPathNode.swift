// A node a query selected: its value and where it is.

public import SwitchyardCore

/// A node of the document a query selected.
public struct JSONPathNode: Sendable, Hashable {
    /// The node's value.
    public var value: JSONValue
    /// Its normalized path (RFC 9535, section 2.7): `$['store']['book'][0]`; `$` for the root.
    public var path: String

    /// Creates a node.
    /// - Parameters:
    ///   - value: The node's value.
    ///   - path: Its normalized path.
    public init(value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }
}
