import Foundation
import SwiftProtobuf
import Testing
import WAProto
import WagoTestSupport

/// Every message type a vector names, by its fully qualified protobuf name.
private let messageTypes: [String: any SwiftProtobuf.Message.Type] = Dictionary(
    uniqueKeysWithValues: ([
        WAE2E_Message.self, WASyncAction_SyncActionValue.self, WASyncAction_SyncActionData.self,
        WACommon_MessageKey.self, WAWa6_ClientPayload.self, WAWa6_HandshakeMessage.self,
        WAAdv_ADVSignedDeviceIdentityHMAC.self, WAAdv_ADVSignedDeviceIdentity.self,
        WAAdv_ADVDeviceIdentity.self, WACert_CertChain.self, WAServerSync_SyncdPatch.self,
        WACompanionReg_DeviceProps.self,
    ] as [any SwiftProtobuf.Message.Type]).map { ($0.protoMessageName, $0) })

/// Decodes `bytes` as `type` and checks that re-encoding reproduces them exactly; then proves
/// every field is declared: the JSON mapping drops unknown fields, so a JSON round trip gives
/// back an equal message only when nothing was unknown.
private func expectExactRoundTrip(
    _ bytes: Data, as type: any SwiftProtobuf.Message.Type, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> any SwiftProtobuf.Message {
    let message = try type.init(serializedBytes: bytes)
    let reencoded: Data = try message.serializedBytes()
    #expect(reencoded.hex == bytes.hex, "binary round trip: \(label)", sourceLocation: sourceLocation)
    let viaJSON = try type.init(jsonString: try message.jsonString())
    #expect(viaJSON.isEqualTo(message: message), "undeclared fields in \(label)", sourceLocation: sourceLocation)
    return message
}

@Suite("WAProto against vectors")
struct ProtoVectorTests {
    @Test("proto.json: every case round-trips byte for byte (oneof members last, as Go writes them) and matches its protojson form")
    func protoVectors() throws {
        let cases = try #require(SharedData.json("vectors/proto.json")["cases"] as? [[String: Any]])
        #expect(cases.count == 37)
        for entry in cases {
            let description = entry["description"] as? String ?? "?"
            let typeName = try #require(entry["type"] as? String)
            let type = try #require(messageTypes[typeName], "no Swift type for \(typeName)")
            let bytes = try #require(Data(hex: entry["hex"] as? String ?? ""))
            let message = try expectExactRoundTrip(bytes, as: type, description)

            // The vector's protojson decodes (strictly) to the same message...
            let vectorJSON = try JSONSerialization.data(withJSONObject: try #require(entry["json"]))
            let fromJSON = try type.init(jsonUTF8Bytes: vectorJSON)
            #expect(fromJSON.isEqualTo(message: message), "JSON decode: \(description)")
            // ...and our JSON encoding is the same document.
            let ours = try JSONSerialization.jsonObject(with: message.jsonUTF8Data()) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: vectorJSON) as? NSDictionary
            #expect(ours == theirs, "JSON encode: \(description)")
        }
    }

    @Test("noise.json: certificate chain and ClientPayloads")
    func noiseVectors() throws {
        let noise = try SharedData.json("vectors/noise.json")
        let chain = try #require(noise["certificate_chain"] as? [String: Any])
        let chainBytes = try #require(Data(hex: chain["cert_chain_hex"] as? String ?? ""))
        let certChain = try #require(
            try expectExactRoundTrip(chainBytes, as: WACert_CertChain.self, "cert chain") as? WACert_CertChain)
        let details = try WACert_CertChain.NoiseCertificate.Details(serializedBytes: certChain.intermediate.details)
        #expect(details.serial == 1 && details.issuerSerial == 0 && details.notAfter == 4_102_444_800)

        for session in try #require(noise["cases"] as? [[String: Any]]) {
            let description = session["description"] as? String ?? "?"
            let payloadBytes = try #require(Data(hex: session["client_payload_hex"] as? String ?? ""))
            let payload = try #require(
                try expectExactRoundTrip(payloadBytes, as: WAWa6_ClientPayload.self, description)
                    as? WAWa6_ClientPayload)
            if payload.hasDevicePairingData {
                _ = try expectExactRoundTrip(
                    payload.devicePairingData.deviceProps, as: WACompanionReg_DeviceProps.self, "deviceProps")
            }
            for frame in try #require(session["frames"] as? [[String: Any]]) {
                guard let hex = frame["handshake_message_hex"] as? String else { continue }
                _ = try expectExactRoundTrip(
                    try #require(Data(hex: hex)), as: WAWa6_HandshakeMessage.self, "\(description) handshake")
            }
        }
    }

    @Test("appstate.json: SyncActionValue, SyncActionData and SyncdPatch encodings")
    func appStateVectors() throws {
        let cases = try #require(SharedData.json("vectors/appstate.json")["cases"] as? [[String: Any]])
        for entry in cases {
            let description = entry["description"] as? String ?? "?"
            for key in ["encoded_patch_hex", "as_received_patch_hex"] {
                let bytes = try #require(Data(hex: entry[key] as? String ?? ""))
                _ = try expectExactRoundTrip(bytes, as: WAServerSync_SyncdPatch.self, "\(description) \(key)")
            }
            for mutation in try #require(entry["mutations"] as? [[String: Any]]) {
                let value = try #require(Data(hex: mutation["sync_action_value_hex"] as? String ?? ""))
                let decoded = try expectExactRoundTrip(value, as: WASyncAction_SyncActionValue.self, description)
                let vectorJSON = try JSONSerialization.data(withJSONObject: try #require(mutation["value"]))
                #expect(try WASyncAction_SyncActionValue(jsonUTF8Bytes: vectorJSON).isEqualTo(message: decoded))

                let plaintext = try #require(Data(hex: mutation["sync_action_data_plaintext_hex"] as? String ?? ""))
                _ = try expectExactRoundTrip(plaintext, as: WASyncAction_SyncActionData.self, description)
            }
        }
    }
}
