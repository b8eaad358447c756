public import VigilDomain

extension AssetKind {
    /// The profile of a C-MAPSS engine: the evaluator has no turbofan physics, so it judges these
    /// readings as generic while the recorder still tells them apart.
    public static let turbofan = try! AssetKind("turbofan")
}
