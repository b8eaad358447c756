/// Entry point for the strict YAML subset used by Vigil configuration files.
///
/// A hand-written parser keeps the agents free of Foundation and third-party YAML libraries, and
/// being strict (refusing anchors, tags, duplicate keys, tabs, …) means a config is either read
/// exactly as written or rejected with a line and column, never silently reinterpreted.
public enum YAML {
    /// Parses one document. An empty document (or one holding only comments) is `.null`.
    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode {
        var parser = BlockParser(text)
        return try parser.parseDocument()
    }
}
