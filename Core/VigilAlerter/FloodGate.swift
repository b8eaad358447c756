/// The rate of new alarms over a sliding window: above it, new low-tier alarms are grouped into
/// one `flood` alarm instead of paging for each (ISA-18.2's alarm flood).
struct FloodGate: Sendable, Equatable, Codable {
    /// When recent raises happened, ms, oldest first; critical ones count too.
    var raises: [Int64] = []

    /// Records a raise; false when it is one more than `limit` within `window`.
    mutating func admit(now: Int64, limit: Int, window: Int64) -> Bool {
        prune(now: now, window: window)
        raises.append(now)
        return raises.count <= limit
    }

    func isFlooding(now: Int64, limit: Int, window: Int64) -> Bool {
        raises.count(where: { now - $0 < window }) > limit
    }

    mutating func prune(now: Int64, window: Int64) {
        raises.removeAll { now - $0 >= window }
    }
}
