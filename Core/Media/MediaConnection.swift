import WABinary

/// The media hosts and upload credentials the server hands out on request
/// (`<iq xmlns=w:m type=set><media_conn/></iq>`). whatsmeow caches the answer for `ttl` seconds.
public struct MediaConnection: Sendable, Hashable {
    /// One media host; whatsmeow reads only its name.
    public struct Host: Sendable, Hashable {
        public var hostname: String

        public init(hostname: String) { self.hostname = hostname }
    }

    /// The `auth` query parameter of uploads.
    public var auth: String
    /// Seconds the answer may be reused.
    public var ttl: Int
    /// Seconds `auth` stays valid.
    public var authTTL: Int
    public var maxBuckets: Int
    /// In order of preference: uploads go to the first, downloads try each in turn.
    public var hosts: [Host]

    public init(auth: String, ttl: Int, authTTL: Int, maxBuckets: Int, hosts: [Host]) {
        self.auth = auth
        self.ttl = ttl
        self.authTTL = authTTL
        self.maxBuckets = maxBuckets
        self.hosts = hosts
    }

    /// The request; the socket adds the iq `id`.
    public static func request() -> Node {
        Node(
            tag: "iq",
            attributes: ["to": .jid(JID(user: "", server: JID.userServer)), "type": "set", "xmlns": "w:m"],
            content: .nodes([Node(tag: "media_conn")]))
    }

    /// Reads the server's answer to `request()`. Like whatsmeow, `auth`, `ttl`, `auth_ttl` and
    /// `max_buckets` are required, children other than `<host>` are skipped, and a host needs a
    /// `hostname`; unlike whatsmeow, an answer without hosts is refused here rather than failing
    /// at the first upload.
    public init(answer: Node) throws(MediaConnectionError) {
        guard answer.tag == "iq" else { throw .unexpectedAnswer(tag: answer.tag) }
        if answer["type"]?.description == "error" {
            let error = answer.child(tagged: "error")
            throw .refused(code: error?["code"]?.description ?? "", text: error?["text"]?.description ?? "")
        }
        guard let mediaConn = answer.children.first, mediaConn.tag == "media_conn" else {
            throw .unexpectedAnswer(tag: answer.children.first?.tag ?? answer.tag)
        }
        auth = try Self.attribute("auth", of: mediaConn)
        ttl = try Self.integer("ttl", of: mediaConn)
        authTTL = try Self.integer("auth_ttl", of: mediaConn)
        maxBuckets = try Self.integer("max_buckets", of: mediaConn)
        hosts = try mediaConn.children(tagged: "host").map { host throws(MediaConnectionError) in
            Host(hostname: try Self.attribute("hostname", of: host))
        }
        guard !hosts.isEmpty else { throw .noHosts }
    }

    private static func attribute(_ key: String, of node: Node) throws(MediaConnectionError) -> String {
        guard let value = node[key] else { throw .missingAttribute(key, tag: node.tag) }
        return value.description
    }

    private static func integer(_ key: String, of node: Node) throws(MediaConnectionError) -> Int {
        let text = try attribute(key, of: node)
        guard let value = Int(text) else { throw .notAnInteger(key, value: text) }
        return value
    }
}
