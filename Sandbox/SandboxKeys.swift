import Foundation
import WABinary
import WACrypto
import SwiftProtobuf
import WAProto
import WASocket

/// The sandbox's own certificate authority: the root key gateways pin instead of WhatsApp's,
/// the intermediate that signs the leaf, and the server's static Noise key the leaf names.
/// Created once and kept in the data folder, readable by the owner only, so a gateway
/// configured with the root key keeps trusting the sandbox across restarts.
struct SandboxKeys: Sendable {
    static let fileName = "sandbox-keys.json"

    let root: Curve25519KeyPair
    let intermediate: Curve25519KeyPair
    let server: Curve25519KeyPair

    /// The file's layout: private keys in hex.
    private struct Stored: Codable {
        var root: String
        var intermediate: String
        var server: String
    }

    /// Reads the key file in `directory`, creating the folder and fresh keys when it is missing.
    static func loadOrCreate(in directory: URL) throws -> SandboxKeys {
        let file = directory.appendingPathComponent(fileName)
        let manager = FileManager.default
        if manager.fileExists(atPath: file.path) {
            let stored = try JSONDecoder().decode(Stored.self, from: Data(contentsOf: file))
            return try SandboxKeys(
                root: Curve25519KeyPair(privateKey: Hex.bytes(stored.root)),
                intermediate: Curve25519KeyPair(privateKey: Hex.bytes(stored.intermediate)),
                server: Curve25519KeyPair(privateKey: Hex.bytes(stored.server)))
        }
        let keys = SandboxKeys(root: .generate(), intermediate: .generate(), server: .generate())
        let stored = Stored(
            root: Hex.string(keys.root.privateKey), intermediate: Hex.string(keys.intermediate.privateKey),
            server: Hex.string(keys.server.privateKey))
        try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard
            manager.createFile(
                atPath: file.path, contents: try JSONEncoder().encode(stored), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path]) }
        return keys
    }

    /// A serialized chain root → intermediate (serial 1) → leaf naming the server key, valid
    /// from a day before `now` for a year: certificates are re-signed at each start.
    func certificateChain(now: Date = Date()) throws -> [UInt8] {
        let seconds = UInt64(now.timeIntervalSince1970)
        let chain = try CertificateChainIssuer.makeChain(
            rootKey: root, intermediateKey: intermediate, serverStaticKey: server.publicKey.bytes,
            leafSerial: UInt32.random(in: 2 ... .max), validity: (seconds - 86_400)...(seconds + 365 * 86_400))
        return try chain.serializedBytes()
    }
}
