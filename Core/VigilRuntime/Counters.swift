import Synchronization

/// Named event counts an agent reports on its status topic: what it received, refused, published.
///
/// Refusals are counted, not just logged, so a dashboard sees bad input without reading journals.
public final class Counters: Sendable {
    private let values = Mutex<[String: Int]>([:])

    public init(_ names: [String] = []) {
        values.withLock { values in
            for name in names { values[name] = 0 }
        }
    }

    @discardableResult
    public func increment(_ name: String, by amount: Int = 1) -> Int {
        values.withLock { values in
            let next = values[name, default: 0] + amount
            values[name] = next
            return next
        }
    }

    /// For gauges, such as how many readings wait in the outbox.
    public func set(_ name: String, to value: Int) { values.withLock { $0[name] = value } }

    public subscript(name: String) -> Int { values.withLock { $0[name, default: 0] } }

    public var snapshot: [String: Int] { values.withLock { $0 } }
}
