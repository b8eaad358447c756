/// TLS settings for a broker connection.
///
/// libmosquitto needs a CA file or a CA directory to enable TLS at all; a client certificate and key are
/// optional (mutual TLS).
public struct MQTTTLS: Sendable {
    public var caFile: String?
    public var caPath: String?
    public var certFile: String?
    public var keyFile: String?
    /// Turning this off accepts any certificate name; only for lab setups, never on a site gateway.
    public var verifyHostname: Bool = true

    public init(
        caFile: String? = nil,
        caPath: String? = nil,
        certFile: String? = nil,
        keyFile: String? = nil,
        verifyHostname: Bool = true
    ) {
        self.caFile = caFile
        self.caPath = caPath
        self.certFile = certFile
        self.keyFile = keyFile
        self.verifyHostname = verifyHostname
    }
}
