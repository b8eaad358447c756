public import Testing

/// Gives a whole suite one broker, reachable as `Broker.current!` from its tests.
///
/// A suite's `init` runs once per test, so a broker started there would be one per test; a suite trait
/// runs once around the suite, and suites still run in parallel on their own ports.
public struct BrokerTrait: SuiteTrait, TestScoping {
    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let broker = try Broker()
        defer { broker.stop() }
        try await Broker.$current.withValue(broker) {
            try await function()
        }
    }
}

extension Trait where Self == BrokerTrait {
    /// One Mosquitto for the suite: `@Suite(.broker)`.
    public static var broker: Self { Self() }
}
