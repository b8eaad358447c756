public import VigilMQTT

/// The agent's messages, reporting each one it takes, so the MQTT client can bound how many wait
/// (`broker.max_undelivered`) instead of holding an unbounded backlog in memory.
public struct AgentInbox: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage

    let stream: AsyncStream<MQTTMessage>
    let consumed: @Sendable () -> Void

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<MQTTMessage>.AsyncIterator
        let consumed: @Sendable () -> Void

        public mutating func next() async -> MQTTMessage? {
            guard let message = await base.next() else { return nil }
            consumed()
            return message
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), consumed: consumed)
    }
}
