extension Unicode.Scalar {
    /// Tabs separate tokens within a line; only indentation must use spaces.
    var isYAMLSpace: Bool { self == " " || self == "\t" }

    /// Characters that end a plain scalar inside `[...]` / `{...}`.
    var isFlowIndicator: Bool { self == "," || self == "[" || self == "]" || self == "{" || self == "}" }
}

extension String {
    /// Builds text from already-decoded scalars without going through Foundation.
    init(scalars: some Sequence<Unicode.Scalar>) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        self.init(view)
    }
}
