/// Grows one regression tree depth-first on binned features from per-bin gradient sums (squared
/// error: every hessian is 1, so a bin's count is its hessian). Keeps its buffers between trees.
struct TreeGrower {
    let binned: [UInt8]
    let cuts: [[Double]]
    let count: Int
    let features: Int
    let parameters: BoostedTrees.Parameters
    /// The leaf each row fell in, for the last tree grown.
    private(set) var leafOf: [Int]
    private var rows: [Int32]
    private var scratch: [Int32]
    private var gradientSums: [Double]
    private var counts: [Int32]
    static let binsPerFeature = 256

    init(binned: [UInt8], cuts: [[Double]], count: Int, features: Int, parameters: BoostedTrees.Parameters) {
        self.binned = binned
        self.cuts = cuts
        self.count = count
        self.features = features
        self.parameters = parameters
        leafOf = [Int](repeating: 0, count: count)
        rows = (0..<count).map { Int32($0) }
        scratch = rows
        gradientSums = [Double](repeating: 0, count: features * Self.binsPerFeature)
        counts = [Int32](repeating: 0, count: features * Self.binsPerFeature)
    }

    mutating func grow(gradients: [Double]) -> BoostedTrees.Tree {
        var tree = BoostedTrees.Tree()
        for index in 0..<count { rows[index] = Int32(index) }
        _ = split(range: 0..<count, depth: 0, gradients: gradients, tree: &tree)
        return tree
    }

    /// Splits `rows[range]` into a subtree and returns its root node's index.
    private mutating func split(
        range: Range<Int>, depth: Int, gradients: [Double], tree: inout BoostedTrees.Tree
    ) -> Int {
        let node = tree.feature.count
        tree.feature.append(-1)
        tree.threshold.append(0)
        tree.left.append(-1)
        tree.right.append(-1)
        var total = 0.0
        for position in range { total += gradients[Int(rows[position])] }
        let size = range.count
        let l2 = parameters.l2
        tree.value.append(-total / (Double(size) + l2))
        guard depth < parameters.maximumDepth, size >= 2 * parameters.minimumLeaf,
            let best = bestSplit(range: range, total: total, gradients: gradients)
        else {
            for position in range { leafOf[Int(rows[position])] = node }
            return node
        }
        // Stable partition: left rows first, then right, through the scratch buffer.
        var leftEnd = range.lowerBound
        var rightStart = range.upperBound
        let column = best.feature * count
        binned.withUnsafeBufferPointer { bins in
            for position in range {
                let row = rows[position]
                if Int(bins[column + Int(row)]) <= best.bin {
                    scratch[leftEnd] = row
                    leftEnd += 1
                } else {
                    rightStart -= 1
                    scratch[rightStart] = row
                }
            }
        }
        for position in range { rows[position] = scratch[position] }
        tree.feature[node] = best.feature
        tree.threshold[node] = cuts[best.feature][best.bin]
        let left = split(range: range.lowerBound..<leftEnd, depth: depth + 1, gradients: gradients, tree: &tree)
        let right = split(range: leftEnd..<range.upperBound, depth: depth + 1, gradients: gradients, tree: &tree)
        tree.left[node] = left
        tree.right[node] = right
        return node
    }

    private mutating func bestSplit(range: Range<Int>, total: Double, gradients: [Double]) -> (
        feature: Int, bin: Int
    )? {
        let binsPerFeature = Self.binsPerFeature
        let features = features
        let count = count
        let rows = rows
        gradientSums.withUnsafeMutableBufferPointer { sums in
            counts.withUnsafeMutableBufferPointer { tallies in
                for index in 0..<(features * binsPerFeature) {
                    sums[index] = 0
                    tallies[index] = 0
                }
                binned.withUnsafeBufferPointer { bins in
                    gradients.withUnsafeBufferPointer { gradient in
                        rows.withUnsafeBufferPointer { order in
                            for feature in 0..<features {
                                let column = feature * count
                                let offset = feature * binsPerFeature
                                for position in range {
                                    let row = Int(order[position])
                                    let bin = offset + Int(bins[column + row])
                                    sums[bin] += gradient[row]
                                    tallies[bin] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        let size = Double(range.count)
        let l2 = parameters.l2
        let parent = total * total / (size + l2)
        var best: (feature: Int, bin: Int, gain: Double)?
        let minimum = parameters.minimumLeaf
        for feature in 0..<features {
            let offset = feature * binsPerFeature
            var leftSum = 0.0
            var leftCount = 0
            // The last bin has no cut above it: a split needs a threshold.
            for bin in 0..<cuts[feature].count {
                leftSum += gradientSums[offset + bin]
                leftCount += Int(counts[offset + bin])
                let rightCount = range.count - leftCount
                if leftCount < minimum { continue }
                if rightCount < minimum { break }
                let rightSum = total - leftSum
                let gain =
                    leftSum * leftSum / (Double(leftCount) + l2) + rightSum * rightSum / (Double(rightCount) + l2)
                    - parent
                if gain > (best?.gain ?? 1e-9) { best = (feature, bin, gain) }
            }
        }
        return best.map { ($0.feature, $0.bin) }
    }
}
