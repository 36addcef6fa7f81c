import Foundation
import WACrypto
import WASignal
import WagoTestSupport

/// Bytes of a hex string in the vectors ([] when absent).
func hexBytes(_ object: Any?) -> [UInt8] {
    guard let hex = object as? String, let data = Data(hex: hex) else { return [] }
    return Array(data)
}

func signalCases(_ kind: String) throws -> [[String: Any]] {
    let root = try SharedData.json("vectors/signal.json")
    return (root["cases"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == kind }
}

extension Dictionary where Key == String, Value == Any {
    subscript(dict key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    subscript(list key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}

/// The vectors' "user:device" addresses.
func address(_ text: Any?) -> SignalAddress {
    let parts = (text as? String ?? "").split(separator: ":")
    return SignalAddress(name: String(parts.first ?? ""), deviceID: UInt32(parts.last ?? "") ?? 0)
}

func keyPair(_ object: [String: Any]) throws -> Curve25519KeyPair {
    try Curve25519KeyPair(privateKey: hexBytes(object["private_hex"]))
}

/// A vector party: its store, its replayed randomness and its address.
struct Party {
    let store: InMemorySignalStore
    let random: RecordedRandom
    let address: SignalAddress

    init(_ description: [String: Any], random: [[UInt8]] = []) throws {
        store = InMemorySignalStore(
            identity: try keyPair(description[dict: "identity_key"]),
            registrationID: UInt32(description["registration_id"] as? Int ?? 0))
        self.random = RecordedRandom(random)
        address = WASignalTests.address(description["signal_address"])
    }

    func cipher(with peer: Party) -> SessionCipher {
        SessionCipher(store: store, address: peer.address, random: random.source)
    }

    /// Installs the receiver prekeys of a vector case.
    func install(prekeys: [String: Any]) async throws {
        await store.add(SignedPreKeyRecord(
            id: UInt32(prekeys["signed_prekey_id"] as? Int ?? 0), keyPair: try keyPair(prekeys[dict: "signed_prekey"]),
            signature: hexBytes(prekeys["signed_prekey_signature_hex"])))
        await store.add(PreKeyRecord(
            id: UInt32(prekeys["one_time_prekey_id"] as? Int ?? 0), keyPair: try keyPair(prekeys[dict: "one_time_prekey"])))
    }

    func bundle(prekeys: [String: Any], deviceID: UInt32) async throws -> PreKeyBundle {
        PreKeyBundle(
            registrationID: await store.registrationID, deviceID: deviceID,
            preKey: (UInt32(prekeys["one_time_prekey_id"] as? Int ?? 0),
                     try keyPair(prekeys[dict: "one_time_prekey"]).publicKey),
            signedPreKeyID: UInt32(prekeys["signed_prekey_id"] as? Int ?? 0),
            signedPreKey: try keyPair(prekeys[dict: "signed_prekey"]).publicKey,
            signedPreKeySignature: hexBytes(prekeys["signed_prekey_signature_hex"]),
            identityKey: await store.identity.publicKey)
    }
}
