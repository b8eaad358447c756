/// A parsed YAML document as a plain value tree.
///
/// Scalars stay untyped text so that the config layer, not the parser, decides what a value
/// means; `quoted` is kept because a quoted `"42"` is deliberately a string, never a number.
public enum YAMLNode: Sendable, Equatable {
    case null
    /// Scalar text with quotes removed and escapes resolved. Block scalars (`|`, `>`) count as
    /// quoted because, like quoted scalars, they are never resolved to numbers or booleans.
    case scalar(String, quoted: Bool)
    case sequence([YAMLNode])
    /// Pairs in file order, so that error messages and round-trips follow what the operator wrote.
    /// Keys are unique within one mapping; the parser rejects duplicates.
    case mapping([(key: String, value: YAMLNode)])

    /// Written by hand because tuples are not `Equatable`. Mappings compare in order: the tree
    /// mirrors the file, and an order-insensitive comparison would hide parser ordering bugs.
    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.scalar(let left, let leftQuoted), .scalar(let right, let rightQuoted)):
            return left == right && leftQuoted == rightQuoted
        case (.sequence(let left), .sequence(let right)):
            return left == right
        case (.mapping(let left), .mapping(let right)):
            return left.count == right.count
                && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            return false
        }
    }
}
