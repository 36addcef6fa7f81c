import Crypto
import Foundation
import Testing
import WACrypto
import WagoStore
@testable import WagoServer

@Suite("Secrets at rest")
struct StorageSecurityTests {
    @Test("the key file is created once with mode 0600 and reused")
    func keyFile() throws {
        let directory = TestGateway.temporaryDirectory()
        let first = try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory)
        let path = directory.appendingPathComponent("secret.key").path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory)
        #expect(first.withUnsafeBytes { Data($0) } == second.withUnsafeBytes { Data($0) })
    }

    @Test("WAGO_SECRET_KEY must be 32 bytes in hex or base64")
    func configuredKey() throws {
        let directory = TestGateway.temporaryDirectory()
        let hex = String(repeating: "ab", count: 32)
        let key = try SecretBox.loadMasterKey(configured: hex, dataDirectory: directory)
        #expect(key.bitCount == 256)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("secret.key").path))
        #expect(throws: StoreError.self) { try SecretBox.loadMasterKey(configured: "short", dataDirectory: directory) }
    }

    @Test("a sealed value opens only with its key and its context")
    func sealing() throws {
        let box = SecretBox(masterKey: SymmetricKey(size: .bits256))
        let sealed = try box.seal(Data("secret".utf8), context: "a")
        #expect(try box.open(sealed, context: "a") == Data("secret".utf8))
        #expect(throws: StoreError.self) { try box.open(sealed, context: "b") }
        let other = SecretBox(masterKey: SymmetricKey(size: .bits256))
        #expect(throws: StoreError.self) { try other.open(sealed, context: "a") }
        #expect(box.index(of: "t") == box.index(of: "t"))
        #expect(box.index(of: "t") != other.index(of: "t"))
    }

    /// Data folders written before the box kept prepared keys still open, and the other way round:
    /// a sealed value is AES.GCM's combined form under the key HKDF derives for sealing.
    @Test("a sealed value is AES-GCM's combined form under the derived sealing key, both ways; an index is HMAC-SHA256", arguments: [0, 1, 300])
    func sealedFormat(length: Int) throws {
        let master = SymmetricKey(size: .bits256)
        let box = SecretBox(masterKey: master)
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("wago/seal/v1".utf8), outputByteCount: 32)
        let plaintext = Data((0..<length).map { UInt8(truncatingIfNeeded: $0) })
        let context = Data("plugin.value".utf8)
        let earlier = try #require(try AES.GCM.seal(plaintext, using: key, authenticating: context).combined)
        #expect(try box.open(earlier, context: "plugin.value") == plaintext)
        let sealed = try box.seal(plaintext, context: "plugin.value")
        #expect(sealed.count == 12 + length + 16)
        #expect(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: context) == plaintext)
        #expect(throws: StoreError.self) { try box.open(sealed.prefix(11), context: "plugin.value") }
        // And an index is HMAC-SHA256 under the key HKDF derives for indexes: stored token
        // indexes still find their sessions.
        let indexKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("wago/index/v1".utf8), outputByteCount: 32)
        let token = String(repeating: "t", count: length)
        #expect(box.index(of: token) == Data(HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: indexKey)))
    }

    @Test("tokens are not stored in clear, and a wrong key cannot read the database")
    func tokensSealed() async throws {
        let gateway = try TestGateway()
        try await gateway.test(.router) { client async throws in
            _ = try await client.call(
                .post, "/session/init", admin: TestGateway.adminToken,
                json: #"{"Name":"a","Token":"very-distinctive-token-value"}"#)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: gateway.dataDirectory.path)
            .filter { $0.hasPrefix("wago.sqlite") }
        for file in files {
            let bytes = try Data(contentsOf: gateway.dataDirectory.appendingPathComponent(file))
            #expect(bytes.range(of: Data("very-distinctive-token-value".utf8)) == nil, "\(file) holds the token in clear")
        }
        try Data(repeating: 7, count: 32).write(to: gateway.dataDirectory.appendingPathComponent("secret.key"))
        #expect(throws: (any Error).self) { try gateway.restarted() }
    }

    @Test("deleting a session deletes its device keys and Signal state, and nothing of another session")
    func deleteWipesDevice() async throws {
        let directory = TestGateway.temporaryDirectory()
        let secrets = SecretBox(masterKey: SymmetricKey(size: .bits256))
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let sessions = SessionStore(database: database)
        let devices = DeviceStore(database: database)
        for id in ["a", "b"] {
            try sessions.insert(SessionRecord(id: id, name: id, token: "token-\(id)", os: "WaGo"))
            let record = DeviceRecord(noisePrivateKey: Array(repeating: 1, count: 32), advSecret: [2], signedPreKeyID: 1)
            try await devices.save(record, session: id)
            try await SignalStore(database: database, device: id).saveLocalIdentity(.generate(), registrationID: 7)
        }
        #expect(try await devices.device(session: "a")?.signedPreKeyID == 1)
        try sessions.delete(id: "a")
        #expect(try await devices.device(session: "a") == nil)
        await #expect(throws: StoreError.self) { try await SignalStore(database: database, device: "a").localIdentity() }
        #expect(try await devices.device(session: "b") != nil, "the other session keeps its device")
        #expect(try await SignalStore(database: database, device: "b").localRegistrationID() == 7)
    }

    @Test("constant-time comparison agrees with ==")
    func constantTime() {
        for (a, b) in [("", ""), ("a", "a"), ("a", "b"), ("abc", "ab"), ("ab", "abc"), ("token", "token")] {
            #expect(constantTimeEquals(a, b) == (a == b))
        }
    }
}

@Suite("Outbound URL policy")
struct OutboundURLPolicyTests {
    @Test(arguments: [
        "http://localhost/x", "http://127.0.0.1/x", "http://10.1.2.3/x", "http://172.20.0.1/x",
        "http://192.168.1.1/x", "http://169.254.169.254/latest", "http://[::1]/x", "http://[fd00::1]/x",
        "http://0.0.0.0/x", "http://[::ffff:127.0.0.1]/x",
    ])
    func refusesPrivate(url: String) {
        let policy = OutboundURLPolicy(allowPrivateAddresses: false)
        #expect(throws: (any Error).self) { try policy.validate(url, field: "WebhookURL") }
        #expect((try? OutboundURLPolicy(allowPrivateAddresses: true).validate(url, field: "WebhookURL")) != nil)
    }

    @Test(arguments: ["https://hooks.example.com/a?b=c", "http://8.8.8.8:8080/x"])
    func acceptsPublic(url: String) throws {
        _ = try OutboundURLPolicy(allowPrivateAddresses: false).validate(url, field: "WebhookURL")
    }

    @Test(arguments: ["", "not a url", "/relative", "javascript:alert(1)", "https://user:pw@example.com/"])
    func refusesMalformed(url: String) {
        #expect(throws: (any Error).self) { try OutboundURLPolicy(allowPrivateAddresses: true).validate(url, field: "WebhookURL") }
    }
}
