import Testing
import VigilDomain

@testable import VigilRecorder

@Suite struct PendingAcknowledgementsTests {
    let collector = try! TopicLevel("collector")
    let other = try! TopicLevel("collector-b")

    @Test func aLaterBatchReplacesAnAssetsProgressAndKeepsTheOthers() {
        var held = PendingAcknowledgements()
        #expect(held.isEmpty)
        held.hold([
            Acknowledgement(
                collector: collector, assets: ["pump-1": .init(committed: 10), "pump-2": .init(committed: 4)])
        ])
        held.hold([
            Acknowledgement(
                collector: collector, assets: ["pump-1": .init(committed: 12, latest: 15, gaps: [13...14])])
        ])
        #expect(!held.isEmpty)
        let sent = held.take()
        #expect(
            sent == [
                Acknowledgement(
                    collector: collector,
                    assets: [
                        "pump-1": .init(committed: 12, latest: 15, gaps: [13...14]), "pump-2": .init(committed: 4),
                    ])
            ])
        #expect(held.isEmpty)
        #expect(held.take().isEmpty)
    }

    @Test func eachCollectorGetsItsOwnMessageInNameOrder() {
        var held = PendingAcknowledgements()
        held.hold([Acknowledgement(collector: other, assets: ["a": .init(committed: 1)])])
        held.hold([Acknowledgement(collector: collector, assets: ["a": .init(committed: 7)])])
        #expect(held.take().map(\.collector) == [collector, other])
    }

    @Test func aLargeSiteIsSplitUnderThePayloadLimit() throws {
        var held = PendingAcknowledgements()
        let count = PendingAcknowledgements.maximumAssetsPerMessage * 2 + 1
        var assets: [String: Acknowledgement.Progress] = [:]
        for index in 0..<count { assets["string-\(index)"] = .init(committed: UInt64(index)) }
        held.hold([Acknowledgement(collector: collector, assets: assets)])
        let sent = held.take()
        #expect(sent.map(\.assets.count) == [256, 256, 1])
        var merged: [String: Acknowledgement.Progress] = [:]
        for message in sent {
            merged.merge(message.assets) { first, _ in first }
            #expect(PayloadCodec.encode(message).count < 65_536)
        }
        #expect(merged == assets)
    }
}
