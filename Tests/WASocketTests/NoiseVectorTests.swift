import Foundation
import SwiftProtobuf
import Testing
import WACrypto
import WAProto
import WASocket
import WagoTestSupport

/// One recorded session of vectors/noise.json, with the keys both sides used.
private struct NoiseSession {
    let description: String
    let noiseKey: Curve25519KeyPair
    let clientEphemeral: Curve25519KeyPair
    let serverStatic: Curve25519KeyPair
    let serverEphemeral: Curve25519KeyPair
    let clientStaticPublic: [UInt8]
    let clientPayload: [UInt8]
    let frames: [[String: Any]]
    let clientWriteKey: [UInt8]
    let clientReadKey: [UInt8]
}

private struct NoiseVectors {
    let rootKey: [UInt8]
    let certificateChain: [UInt8]
    let chain: [String: Any]
    let sessions: [NoiseSession]
    let certificateCases: [[String: Any]]

    init() throws {
        let json = try SharedData.json("vectors/noise.json")
        chain = try #require(json["certificate_chain"] as? [String: Any])
        rootKey = try hexBytes(try #require(chain["root_key"] as? [String: Any])["public_hex"])
        certificateChain = try hexBytes(chain["cert_chain_hex"])
        certificateCases = try #require(json["cert_verification_cases"] as? [[String: Any]])
        var noiseKey: Curve25519KeyPair?
        var sessions: [NoiseSession] = []
        for entry in try #require(json["cases"] as? [[String: Any]]) {
            let device = try #require(entry["client_device"] as? [String: Any])
            // The login session reuses the registration's device ("same_device_as").
            if let key = device["noise_key"] as? [String: Any] { noiseKey = try keyPair(key) }
            let transport = try #require(entry["transport"] as? [String: Any])
            sessions.append(NoiseSession(
                description: try #require(entry["description"] as? String),
                noiseKey: try #require(noiseKey),
                clientEphemeral: try keyPair(entry["client_ephemeral"]),
                serverStatic: try keyPair(entry["server_static"]),
                serverEphemeral: try keyPair(entry["server_ephemeral"]),
                clientStaticPublic: try hexBytes(entry["client_static_public_hex"]),
                clientPayload: try hexBytes(entry["client_payload_hex"]),
                frames: try #require(entry["frames"] as? [[String: Any]]),
                clientWriteKey: try hexBytes(transport["client_write_key_hex"]),
                clientReadKey: try hexBytes(transport["client_read_key_hex"])))
        }
        self.sessions = sessions
    }
}

private func hexBytes(_ value: Any?) throws -> [UInt8] {
    let hex = try #require(value as? String)
    return [UInt8](try #require(Data(hex: hex)))
}

private func keyPair(_ value: Any?) throws -> Curve25519KeyPair {
    let key = try #require(value as? [String: Any])
    let pair = try Curve25519KeyPair(privateKey: try hexBytes(key["private_hex"]))
    #expect(pair.publicKey.bytes == (try hexBytes(key["public_hex"])))
    return pair
}

/// Inside the test certificates' validity window.
private let sessionTime = Date(timeIntervalSince1970: 1_760_000_000)

@Suite("Noise against vectors/noise.json")
struct NoiseVectorTests {
    @Test("client side reproduces every handshake and transport frame")
    func initiator() throws {
        let vectors = try NoiseVectors()
        for session in vectors.sessions {
            let frames = session.frames
            var initiator = NoiseInitiator(
                noiseKey: session.noiseKey, ephemeralKey: session.clientEphemeral,
                verifier: CertificateChainVerifier(rootKey: vectors.rootKey))
            var encoder = FrameEncoder(sendsHeader: true)
            var decoder = FrameDecoder(expectsHeader: false)

            let hello: [UInt8] = try initiator.makeClientHello().serializedBytes()
            #expect(try encoder.encode(hello) == hexBytes(frames[0]["websocket_message_hex"]), "\(session.description)")

            let serverFrames = try decoder.append(try hexBytes(frames[1]["websocket_message_hex"]))
            #expect(serverFrames.count == 1)
            let chain = try initiator.readServerHello(
                WAWa6_HandshakeMessage(serializedBytes: serverFrames[0]), now: sessionTime)
            #expect(try chain.serializedBytes() == vectors.certificateChain)
            #expect(initiator.serverStaticKey == session.serverStatic.publicKey.bytes)

            let (finish, transport) = try initiator.makeClientFinish(payload: session.clientPayload)
            let finishBytes: [UInt8] = try finish.serializedBytes()
            #expect(try encoder.encode(finishBytes) == hexBytes(frames[2]["websocket_message_hex"]))

            var socket = NoiseSocket(transport: transport, encoder: encoder, decoder: decoder)
            // The recorded transport keys produce the same client frames.
            var recordedKeys = try NoiseTransport(writeKey: session.clientWriteKey, readKey: session.clientReadKey)
            for frame in frames.dropFirst(3) {
                let wire = try hexBytes(frame["websocket_message_hex"])
                let plaintext = try hexBytes(frame["plaintext_hex"])
                if frame["direction"] as? String == "client->server" {
                    #expect(try socket.seal(plaintext) == wire, "\(session.description) frame \(frame["index"] ?? "")")
                    #expect(try recordedKeys.encrypt(plaintext) == Array(wire.dropFirst(3)))
                } else {
                    #expect(try socket.open(wire) == [plaintext])
                    #expect(try recordedKeys.decrypt(Array(wire.dropFirst(3))) == plaintext)
                }
            }
        }
    }

    @Test("server side reproduces every handshake and transport frame")
    func responder() throws {
        let vectors = try NoiseVectors()
        for session in vectors.sessions {
            let frames = session.frames
            var responder = NoiseResponder(
                staticKey: session.serverStatic, ephemeralKey: session.serverEphemeral,
                certificateChain: vectors.certificateChain)
            var encoder = FrameEncoder(sendsHeader: false)
            var decoder = FrameDecoder(expectsHeader: true)

            let hello = try decoder.append(try hexBytes(frames[0]["websocket_message_hex"]))
            try responder.readClientHello(WAWa6_HandshakeMessage(serializedBytes: try #require(hello.first)))
            let serverHello: [UInt8] = try responder.makeServerHello().serializedBytes()
            #expect(try encoder.encode(serverHello) == hexBytes(frames[1]["websocket_message_hex"]), "\(session.description)")

            let finish = try decoder.append(try hexBytes(frames[2]["websocket_message_hex"]))
            let result = try responder.readClientFinish(WAWa6_HandshakeMessage(serializedBytes: try #require(finish.first)))
            #expect(result.clientStaticKey == session.clientStaticPublic)
            #expect(result.payload == session.clientPayload)

            var socket = NoiseSocket(transport: result.transport, encoder: encoder, decoder: decoder)
            for frame in frames.dropFirst(3) {
                let wire = try hexBytes(frame["websocket_message_hex"])
                let plaintext = try hexBytes(frame["plaintext_hex"])
                if frame["direction"] as? String == "server->client" {
                    #expect(try socket.seal(plaintext) == wire, "\(session.description) frame \(frame["index"] ?? "")")
                } else {
                    #expect(try socket.open(wire) == [plaintext])
                }
            }
        }
    }

    @Test("certificate verification cases")
    func certificateCases() throws {
        let vectors = try NoiseVectors()
        for entry in vectors.certificateCases {
            let description = try #require(entry["description"] as? String)
            // "a different root key": the production root, which did not sign the test chain.
            let verifier = description.contains("different root")
                ? CertificateChainVerifier() : CertificateChainVerifier(rootKey: vectors.rootKey)
            let outcome = Result { () throws(CertificateError) in
                try verifier.verify(
                    serializedChain: try! hexBytes(entry["cert_chain_hex"]),
                    serverStaticKey: try! hexBytes(entry["server_static_public_hex"]), now: sessionTime)
            }
            let valid = try #require(entry["valid"] as? Bool)
            switch outcome {
            case .success: #expect(valid, "\(description)")
            case .failure(let error): #expect(!valid, "\(description): \(error)")
            }
        }
    }

    @Test("certificate validity window and issuer serials are enforced")
    func certificateWindow() throws {
        let vectors = try NoiseVectors()
        let verifier = CertificateChainVerifier(rootKey: vectors.rootKey)
        let leafKey = vectors.sessions[0].serverStatic.publicKey.bytes
        #expect(throws: CertificateError.outsideValidity(certificate: "intermediate", now: 1_600_000_000)) {
            try verifier.verify(
                serializedChain: vectors.certificateChain, serverStaticKey: leafKey,
                now: Date(timeIntervalSince1970: 1_600_000_000))
        }
        #expect(throws: CertificateError.outsideValidity(certificate: "intermediate", now: 4_200_000_000)) {
            try verifier.verify(
                serializedChain: vectors.certificateChain, serverStaticKey: leafKey,
                now: Date(timeIntervalSince1970: 4_200_000_000))
        }
        #expect(throws: CertificateError.malformed("certificate chain")) {
            try verifier.verify(serializedChain: [0xFF, 0xFF], serverStaticKey: leafKey)
        }
    }

    @Test("the issuer reproduces the recorded chain from its keys and nonces")
    func issuer() throws {
        let vectors = try NoiseVectors()
        let chain = vectors.chain
        let rootKey = try keyPair(chain["root_key"])
        let intermediateKey = try keyPair(chain["intermediate_key"])
        let issued = try CertificateChainIssuer.makeChain(
            rootKey: rootKey, intermediateKey: intermediateKey,
            serverStaticKey: vectors.sessions[0].serverStatic.publicKey.bytes,
            intermediateSerial: 1, leafSerial: 7, validity: 1_700_000_000...4_102_444_800,
            intermediateNonce: try hexBytes(chain["intermediate_signature_nonce_hex"]),
            leafNonce: try hexBytes(chain["leaf_signature_nonce_hex"]))
        #expect(try issued.serializedBytes() == vectors.certificateChain)

        // With fresh nonces the signatures differ but still verify.
        let fresh = try CertificateChainIssuer.makeChain(
            rootKey: rootKey, intermediateKey: intermediateKey,
            serverStaticKey: vectors.sessions[0].serverStatic.publicKey.bytes,
            leafSerial: 7, validity: 1_700_000_000...4_102_444_800)
        try CertificateChainVerifier(rootKey: rootKey.publicKey.bytes).verify(
            fresh, serverStaticKey: vectors.sessions[0].serverStatic.publicKey.bytes, now: sessionTime)
    }
}
