import VigilRuntime

/// Which assets this evaluator judges when several share a large site: those whose stable hash
/// modulo `count` is `index`.
///
/// The hash is FNV-1a over the asset id's bytes, not Swift's `Hasher`, which is seeded per
/// process: every instance, on every start and every machine, must agree on who owns an asset.
public struct Partition: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let whole = Partition(index: 0, count: 1)

    init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `k/N`, with 0 ≤ k < N ≤ 1024.
    init(_ text: String, key: String) throws(ConfigError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ConfigError(key: key, reason: "expected k/N, e.g. 0/2, got \"\(text)\"")
        }
        guard (1...1024).contains(count), (0..<count).contains(index) else {
            throw ConfigError(key: key, reason: "needs 1 ≤ N ≤ 1024 and 0 ≤ k < N, got \(text)")
        }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(_ asset: String) -> Bool {
        count == 1 || Int(Self.hash(asset) % UInt64(count)) == index
    }

    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0100_0000_01b3
        }
        return hash
    }
}
