// A selector inside a segment, and what it selects from one node.

import SwitchyardCore

/// A name (`'a'`, `.a`), `*`, an index (`0`, `-1`), a slice (`1:5:2`) or a filter (`?…`).
enum JSONPathSelector: Sendable {
    case name(String)
    case wildcard
    case index(Int)
    case slice(JSONPathSlice)
    case filter(JSONPathFilter)

    /// Appends the children of `node` this selector selects, in order.
    /// - Parameters:
    ///   - node: The node the selector applies to.
    ///   - evaluation: The document (for `$` inside filters), whether to keep locations, and
    ///     the work left: each child looked at costs one.
    ///   - output: Where the selected nodes go.
    func select(from node: JSONPathLocatedValue, in evaluation: JSONPathEvaluation, into output: inout [JSONPathLocatedValue]) {
        let paths = evaluation.paths
        switch (self, node.value) {
        case (.name(let name), .object(let members)):
            if let value = members.member(named: name) { output.append(node.child(value, .name(name), paths: paths)) }
        case (.index(let index), .array(let elements)):
            let position = index < 0 ? elements.count + index : index
            if elements.indices.contains(position) { output.append(node.child(elements[position], .index(position), paths: paths)) }
        case (.wildcard, .array(let elements)):
            guard evaluation.charge(elements.count) else { return }
            for (index, element) in elements.enumerated() { output.append(node.child(element, .index(index), paths: paths)) }
        case (.wildcard, .object(let members)):
            guard evaluation.charge(members.count) else { return }
            for member in members.sortedMembers { output.append(node.child(member.value, .name(member.key), paths: paths)) }
        case (.slice(let slice), .array(let elements)):
            for index in slice.indices(count: elements.count) {
                guard evaluation.charge(1) else { return }
                output.append(node.child(elements[index], .index(index), paths: paths))
            }
        case (.filter(let filter), .array(let elements)):
            for (index, element) in elements.enumerated() {
                guard evaluation.charge(1) else { return }
                if filter.isSatisfied(current: element, in: evaluation) { output.append(node.child(element, .index(index), paths: paths)) }
            }
        case (.filter(let filter), .object(let members)):
            for member in members.sortedMembers {
                guard evaluation.charge(1) else { return }
                if filter.isSatisfied(current: member.value, in: evaluation) {
                    output.append(node.child(member.value, .name(member.key), paths: paths))
                }
            }
        default:
            break
        }
    }
}
