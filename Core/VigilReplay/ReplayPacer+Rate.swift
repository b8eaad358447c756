extension ReplayPacer.Rate: CustomStringConvertible {
    /// Reads a rate as an operator types it: `max`, `realtime`, or a speed-up as `x10` or `10x`
    /// (`x0.5` is half speed; `x1` is real time). Case-insensitive; nil for anything else, including
    /// a zero or negative factor, so a typo is refused instead of replaying at a surprising speed.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        switch lowered {
        case "max":
            self = .asFastAsPossible
            return
        case "realtime":
            self = .realTime
            return
        default:
            break
        }
        let factor: Substring
        if lowered.hasPrefix("x") {
            factor = lowered.dropFirst()
        } else if lowered.hasSuffix("x") {
            factor = lowered.dropLast()
        } else {
            return nil
        }
        guard DecimalText.isPlainNumber(factor), let value = Double(factor), value.isFinite, value > 0 else {
            return nil
        }
        self = value == 1 ? .realTime : .multiple(value)
    }

    /// The same spelling `init?(_:)` reads, e.g. for a status line: `max`, `realtime`, `x10`.
    public var description: String {
        switch self {
        case .asFastAsPossible: return "max"
        case .realTime: return "realtime"
        case .multiple(let factor):
            let whole = factor.rounded()
            return whole == factor && whole.magnitude < 1e15 ? "x\(Int64(whole))" : "x\(factor)"
        }
    }
}
