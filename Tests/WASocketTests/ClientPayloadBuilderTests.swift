import Foundation
import SwiftProtobuf
import Testing
import WACrypto
import WAProto
import WASocket
import WagoTestSupport

@Suite("ClientPayload builders")
struct ClientPayloadBuilderTests {
    private func sessions() throws -> [[String: Any]] {
        try #require(SharedData.json("vectors/noise.json")["cases"] as? [[String: Any]])
    }

    private func bytes(_ value: Any?) throws -> [UInt8] {
        let hex = try #require(value as? String)
        return [UInt8](try #require(Data(hex: hex)))
    }

    @Test("registration payload matches whatsmeow's byte for byte")
    func registration() throws {
        let session = try sessions()[0]
        let device = try #require(session["client_device"] as? [String: Any])
        let identity = try #require(device["identity_key"] as? [String: Any])
        let preKey = try #require(device["signed_prekey"] as? [String: Any])
        let payload = WAWa6_ClientPayload.registration(
            registrationID: try #require(device["registration_id"] as? UInt32),
            identityKey: try bytes(identity["public_hex"]),
            signedPreKeyID: try #require(preKey["key_id"] as? UInt32),
            signedPreKey: try bytes(try #require(preKey["key"] as? [String: Any])["public_hex"]),
            signedPreKeySignature: try bytes(preKey["signature_hex"]),
            deviceProps: .companion(osName: "whatsmeow"))
        #expect(try payload.serializedBytes() == bytes(session["client_payload_hex"]))
    }

    @Test("login payload matches whatsmeow's byte for byte")
    func login() throws {
        let session = try sessions()[1]
        let payload = WAWa6_ClientPayload.login(username: 15_550_009_999, device: 12)
        #expect(try payload.serializedBytes() == bytes(session["client_payload_hex"]))
    }

    @Test("buildHash is MD5 of the dotted version")
    func buildHash() throws {
        // Captured from a live client (protocol.md §1).
        let version = try #require(WAWebVersion("2.3000.1047769893"))
        #expect(Data(version.buildHash).hex.hasPrefix("720d377b"))
        #expect(version.description == "2.3000.1047769893")
        #expect(WAWebVersion("2.3000") == nil)
        #expect(WAWebVersion("2.x.1") == nil)
    }
}
