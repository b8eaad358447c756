import Synchronization
import Testing
import VigilMQTT
import VigilYAML

@testable import VigilRuntime

/// The switch from `messages` to a consumer on the network thread: an agent that judges in
/// arrival order (the evaluator) relies on the count `consume` returns being exact.
@Suite struct AgentContextTests {
    /// Publishes nowhere: these tests are about intake only.
    struct NoBus: MessageBus {
        func publish(_ message: MQTTMessage) async throws {}
        func enqueue(_ message: MQTTMessage) throws {}
        var isConnected: Bool { true }
        var outstandingPublishes: Int { 0 }
        var disconnections: UInt64 { 0 }
    }

    func context() throws -> AgentContext<Int> {
        let common = try CommonSettings(ConfigNode(YAMLNode.mapping([])), agent: "probe")
        return AgentContext(common: common, settings: 0, bus: NoBus(), log: Logger(label: "test"), counters: Counters())
    }

    func message(_ number: Int) -> MQTTMessage {
        MQTTMessage(topic: "t/\(number)", payload: [], qos: .atLeastOnce)
    }

    @Test func consumeCountsWhatStillWaitsAndTakesEverythingAfter() async throws {
        let context = try context()
        for number in 1...3 { context.deliver(message(number)) }
        var inbox = context.messages.makeAsyncIterator()
        #expect(await inbox.next()?.topic == "t/1")

        let taken = Mutex<[String]>([])
        let waiting = context.consume { message in taken.withLock { $0.append(message.topic) } }
        #expect(waiting == 2)
        for number in 4...5 { context.deliver(message(number)) }
        #expect(taken.withLock { $0 } == ["t/4", "t/5"])

        context.finishMessages()
        var rest: [String] = []
        while let message = await inbox.next() { rest.append(message.topic) }
        #expect(rest == ["t/2", "t/3"])
    }

    /// The runtime calls `turnEnded` after every turn of the network thread; it reaches the
    /// consumer's own, and nothing before a consumer is set.
    @Test func turnEndedReachesTheConsumerSetWithIt() async throws {
        let context = try context()
        context.turnEnded()
        let turns = Mutex(0)
        let done = Task {
            await context.consumeInOrder({ _ in }, turnEnded: { turns.withLock { $0 += 1 } })
        }
        while turns.withLock({ $0 }) == 0 {
            context.turnEnded()
            try await Task.sleep(for: .milliseconds(5))
        }
        let before = turns.withLock { $0 }
        context.turnEnded()
        #expect(turns.withLock { $0 } == before + 1)
        context.finishMessages()
        await done.value
    }

    /// A message that arrives on the network thread while older ones still wait is held back
    /// until they are judged; after that each is judged where it arrives.
    @Test func consumeInOrderJudgesTheBacklogFirstThenEachAsItArrives() async throws {
        let context = try context()
        for number in 1...3 { context.deliver(message(number)) }
        let seen = Mutex<[String]>([])
        let done = Task {
            await context.consumeInOrder { message in
                seen.withLock { $0.append(message.topic) }
                // Arrives (as from the network thread) while 2 and 3 still wait.
                if message.topic == "t/1" { context.deliver(self.message(10)) }
            }
        }
        while seen.withLock({ $0.count }) < 4 { try await Task.sleep(for: .milliseconds(5)) }
        context.deliver(message(11))
        #expect(seen.withLock { $0 } == ["t/1", "t/2", "t/3", "t/10", "t/11"])
        context.finishMessages()
        await done.value
    }

    @Test func nothingWaitingCountsZero() throws {
        let context = try context()
        #expect(context.consume { _ in } == 0)
    }
}
