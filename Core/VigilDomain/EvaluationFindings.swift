/// What the alerter reads of an evaluation: who it is about, its findings and derived values.
///
/// The alerter receives every evaluation of the site; decoding the whole document (health
/// breakdown, residuals, remaining life, forecasts) through `JSONDecoder` cost more than
/// everything else it does. Fields it does not read are skipped, not checked.
public struct EvaluationFindings: Sendable, Equatable {
    public var site: TopicLevel
    public var asset: TopicLevel
    public var kind: AssetKind
    public var seq: UInt64
    public var findings: [Finding]
    public var derived: [String: Double]?

    public init(_ evaluation: Evaluation) {
        site = evaluation.site
        asset = evaluation.asset
        kind = evaluation.kind
        seq = evaluation.seq
        findings = evaluation.findings
        derived = evaluation.derived
    }

    init(
        site: TopicLevel, asset: TopicLevel, kind: AssetKind, seq: UInt64, findings: [Finding],
        derived: [String: Double]?
    ) {
        self.site = site
        self.asset = asset
        self.kind = kind
        self.seq = seq
        self.findings = findings
        self.derived = derived
    }

    /// The fast path for plainly valid payloads; anything else goes through `JSONDecoder`, whose
    /// refusal names the field and the reason.
    public static func decode(_ bytes: [UInt8], maximumBytes: Int = PayloadCodec.defaultMaximumBytes)
        throws(PayloadError) -> EvaluationFindings
    {
        if bytes.count <= maximumBytes, let fast = fastDecoded(bytes) { return fast }
        return EvaluationFindings(try PayloadCodec.decode(Evaluation.self, from: bytes, maximumBytes: maximumBytes))
    }
}
