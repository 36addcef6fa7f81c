/// `types.CallRemoteMeta`: the other side's client (the `<call>` stanza's `platform` and
/// `version`). Embedded.
public struct CallRemoteMeta: Sendable, Hashable, GoJSONEmbeddable {
    public var remotePlatform: String
    public var remoteVersion: String

    public init(remotePlatform: String = "", remoteVersion: String = "") {
        self.remotePlatform = remotePlatform
        self.remoteVersion = remoteVersion
    }

    public func encodeGoJSONFields(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.field("RemotePlatform", remotePlatform)
        try writer.field("RemoteVersion", remoteVersion)
    }
}
