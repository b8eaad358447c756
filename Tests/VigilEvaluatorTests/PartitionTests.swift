import Testing
import VigilRuntime

@testable import VigilEvaluator

@Suite struct PartitionTests {
    @Test func theHashIsFNV1aAndStableAcrossProcesses() {
        // Published FNV-1a 64 test vectors.
        #expect(Partition.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(Partition.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Partition.hash("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func everyAssetBelongsToExactlyOnePartitionAndTheyShareTheSite() throws {
        let assets = (1...81).map { "ups\(($0 - 1) / 8 + 1)-str\($0)" } + (1...40).map { "pump-\($0)" }
        let partitions = try (0..<3).map { try Partition("\($0)/3", key: "evaluator.partition") }
        var counts = [0, 0, 0]
        for asset in assets {
            let owners = partitions.indices.filter { partitions[$0].contains(asset) }
            #expect(owners.count == 1, "\(asset) owned by \(owners)")
            if let owner = owners.first { counts[owner] += 1 }
        }
        // 121 assets in three: each within a fair share's ±40 %.
        #expect(counts.allSatisfy { $0 > 24 && $0 < 57 }, "\(counts)")
        #expect(Partition.whole.contains("anything"))
    }

    @Test func malformedPartitionsAreRefusedWithTheKey() {
        for text in ["2", "2/2", "-1/2", "0/0", "a/b", "0/2000", "1/2/3"] {
            #expect(throws: ConfigError.self, "\(text)") { try Partition(text, key: "evaluator.partition") }
            do {
                _ = try Partition(text, key: "evaluator.partition")
            } catch {
                #expect(error.key == "evaluator.partition")
            }
        }
    }
}
