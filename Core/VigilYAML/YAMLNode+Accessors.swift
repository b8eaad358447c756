extension YAMLNode {
    /// Scalar text whether plain or quoted, so that `name: 42` and `name: "42"` both read as a name.
    public var stringValue: String? {
        guard case .scalar(let text, _) = self else { return nil }
        return text
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var mappingValue: [(key: String, value: YAMLNode)]? {
        guard case .mapping(let entries) = self else { return nil }
        return entries
    }

    public var sequenceValue: [YAMLNode]? {
        guard case .sequence(let items) = self else { return nil }
        return items
    }

    /// Only the YAML 1.2 spellings count: YAML 1.1's `yes`/`no`/`on`/`off` turned country codes
    /// and relay names into booleans, which a config must never do silently.
    public var boolValue: Bool? {
        switch plainText {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Decimal with optional sign, or `0x` hex (register addresses). `_` separators and octal
    /// forms are refused so that a typo cannot change the number.
    public var intValue: Int? {
        guard let text = plainText else { return nil }
        if text.hasPrefix("0x") {
            let digits = text.dropFirst(2)
            guard !digits.isEmpty, digits.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit) else { return nil }
            return Int(digits, radix: 16)
        }
        guard Self.isDecimalInteger(text[...]) else { return nil }
        return Int(text)
    }

    /// Decimal and exponent forms plus anything `intValue` accepts. `.nan` and `.inf` are
    /// refused because no threshold or period in a config is meaningfully infinite.
    public var doubleValue: Double? {
        if let integer = intValue { return Double(integer) }
        guard let text = plainText, Self.isDecimalFloat(text) else { return nil }
        return Double(text)
    }

    /// The value for `key` in a mapping; `nil` both for a missing key and for non-mappings,
    /// since the config layer treats both as "not configured".
    public subscript(key: String) -> YAMLNode? {
        mappingValue?.first { $0.key == key }?.value
    }

    /// Only plain scalars are resolved to numbers and booleans; quoting is how a config says
    /// "this is text".
    private var plainText: String? {
        guard case .scalar(let text, quoted: false) = self else { return nil }
        return text
    }

    private static func isDecimalInteger(_ text: Substring) -> Bool {
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : text
        return !digits.isEmpty && digits.unicodeScalars.allSatisfy { $0 >= "0" && $0 <= "9" }
    }

    /// `[-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, the YAML 1.2 core
    /// schema float, checked by hand so that `Double`'s own parser cannot admit `nan` or hex floats.
    private static func isDecimalFloat(_ text: String) -> Bool {
        var mantissa = text[...]
        var exponent: Substring?
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = text[text.index(after: e)...]
        }
        if let exponent, !isDecimalInteger(exponent) { return false }
        if mantissa.first == "+" || mantissa.first == "-" { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isDigits = { (part: Substring) in part.unicodeScalars.allSatisfy { $0 >= "0" && $0 <= "9" } }
        switch parts.count {
        case 1:
            return !parts[0].isEmpty && isDigits(parts[0])
        case 2:
            return isDigits(parts[0]) && isDigits(parts[1]) && !(parts[0].isEmpty && parts[1].isEmpty)
        default:
            return false
        }
    }
}
