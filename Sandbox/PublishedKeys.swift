import Foundation

/// The Signal keys the server hands out for one device (`iq xmlns=encrypt`): what a sender
/// needs to start a session with it. Kept for the phone and every companion alike.
public struct PublishedKeys: Codable, Sendable, Equatable {
    /// A one-time prekey as uploaded: each is handed out once.
    public struct PreKey: Codable, Sendable, Equatable {
        public var id: UInt32
        public var publicKey: Data

        public init(id: UInt32, publicKey: Data) {
            self.id = id
            self.publicKey = publicKey
        }
    }

    /// The medium-term signed prekey and its signature by the identity key over `05 ‖ key`.
    public struct SignedPreKey: Codable, Sendable, Equatable {
        public var id: UInt32
        public var publicKey: Data
        public var signature: Data

        public init(id: UInt32, publicKey: Data, signature: Data) {
            self.id = id
            self.publicKey = publicKey
            self.signature = signature
        }
    }

    /// The 32-byte identity public key.
    public var identity: Data
    public var registrationID: UInt32
    public var signedPreKey: SignedPreKey
    /// The one-time prekeys not handed out yet, oldest first.
    public var preKeys: [PreKey]

    public init(identity: Data, registrationID: UInt32, signedPreKey: SignedPreKey, preKeys: [PreKey] = []) {
        self.identity = identity
        self.registrationID = registrationID
        self.signedPreKey = signedPreKey
        self.preKeys = preKeys
    }

    /// Adds uploaded prekeys; one with an id already held replaces it.
    mutating func add(_ uploaded: [PreKey]) {
        let ids = Set(uploaded.map(\.id))
        preKeys.removeAll { ids.contains($0.id) }
        preKeys.append(contentsOf: uploaded)
    }
}
