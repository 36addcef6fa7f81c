import WABinary

/// Groups' metadata as the client last fetched it (whatsmeow's `groupCache`): sends read it
/// instead of asking `w:g2` every time; group notifications drop the entry.
public actor GroupMetadataCache {
    private var groups: [JID: GroupMetadata] = [:]

    public init() {}

    /// The cached metadata of `group`, or what `fetch` answers (then cached).
    public func metadata(of group: JID, fetch: @Sendable (JID) async throws -> GroupMetadata) async throws -> GroupMetadata {
        if let cached = groups[group.nonAD] { return cached }
        let fetched = try await fetch(group.nonAD)
        groups[group.nonAD] = fetched
        return fetched
    }

    /// Forgets `group`; the next send asks the server.
    public func invalidate(_ group: JID) {
        groups[group.nonAD] = nil
    }
}
