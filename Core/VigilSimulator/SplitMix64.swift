/// A tiny seeded generator: the simulated site must be reproducible, run after run and in tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Roughly normal noise with standard deviation `sigma` (the sum of two uniforms, bounded at
    /// ±2.45 σ), from one 64-bit draw: enough for sensor jitter and cheap enough to call thousands
    /// of times per sample.
    public mutating func noise(_ sigma: Double) -> Double {
        let bits = next()
        let first = Double(bits >> 32) / 4_294_967_296.0
        let second = Double(bits & 0xFFFF_FFFF) / 4_294_967_296.0
        return (first + second - 1) * 2.449_489_742_783_178 * sigma
    }
}
