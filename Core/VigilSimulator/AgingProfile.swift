/// How fast a VRLA jar loses capacity at 25 °C. Strings are drawn from a fleet in which most age
/// as the datasheet promises and a few do not (manufacturing defects, bad batches).
public enum AgingProfile: String, Sendable, Equatable, CaseIterable {
    /// ≈ 2 % SOH per year at 25 °C: a 10-year design-life jar reaching 80 % after a decade.
    case healthy
    /// ≈ 8 % per year: a weak batch, end of life in 2–3 years.
    case accelerated
    /// ≈ 25 % per year: a defective jar (plate or seal), end of life within a year.
    case failing

    /// Loss of state of health (fraction of rated capacity) per year at 25 °C.
    public var sohLossPerYear: Double {
        switch self {
        case .healthy: return 0.02
        case .accelerated: return 0.08
        case .failing: return 0.25
        }
    }

    /// The fleet mix: 85 % healthy, 12 % accelerated, 3 % failing, picked by a uniform draw.
    static func drawn(_ uniform: Double) -> AgingProfile {
        if uniform < 0.85 { return .healthy }
        if uniform < 0.97 { return .accelerated }
        return .failing
    }
}
