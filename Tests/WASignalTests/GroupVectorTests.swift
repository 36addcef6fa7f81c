import Foundation
import Testing
import WACrypto
import WASignal
import WagoTestSupport

@Suite struct GroupVectorTests {
    /// Alice creates her sender key, sends the SKDM and 4 skmsg (byte-identical to whatsmeow);
    /// Bob decrypts them in the order 1,3,2,4 and rejects the replay.
    @Test func senderKeySessionReproducesWhatsmeow() async throws {
        let vector = try #require(try signalCases("group_sender_key").first)
        let keyName = vector[dict: "sender_key_name"]
        let name = SenderKeyName(groupID: keyName["group_id"] as? String ?? "", sender: address(keyName["sender"]))
        let aliceRandom = RecordedRandom(vector[list: "random_consumed_by_create"].map { hexBytes($0["hex"]) })
        let aliceStore = InMemorySignalStore(identity: .generate(), registrationID: 1)
        let alice = GroupCipher(store: aliceStore, name: name, random: aliceRandom.source)

        let distribution = try await alice.distributionMessage()
        #expect(Data(distribution.serialized).hex == vector["skdm_hex"] as? String)
        let messages = vector[list: "messages"]
        for message in messages {
            aliceRandom.append(hexBytes(message[dict: "skmsg_parts"]["signature_nonce_hex"]))
            let sent = try await alice.encrypt(hexBytes(message["padded_plaintext_hex"]))
            #expect(Data(sent.serialized).hex == message["skmsg_hex"] as? String, "iteration \(message["iteration"] ?? "")")
        }
        #expect(aliceRandom.mismatches == 0)

        let bob = GroupCipher(store: InMemorySignalStore(identity: .generate(), registrationID: 2), name: name)
        try await bob.process(SenderKeyDistributionMessage(serialized: hexBytes(vector["skdm_hex"])))
        for delivery in vector[list: "deliveries"] {
            let number = try #require(delivery["deliver_message_number"] as? Int)
            let message = try SenderKeyMessage(serialized: hexBytes(messages[number - 1]["skmsg_hex"]))
            if delivery["ok"] as? Bool == true {
                let padded = try await bob.decrypt(message)
                #expect(padded == hexBytes(delivery["expected_padded_plaintext_hex"]))
                #expect(try MessagePadding.unpad(padded) == hexBytes(delivery["expected_unpadded_hex"]))
            } else {
                await #expect(throws: SignalError.duplicateMessage(counter: UInt32(number - 1))) { try await bob.decrypt(message) }
            }
        }
    }

    @Test func tamperedSenderKeyMessageFailsSignature() async throws {
        let vector = try #require(try signalCases("group_sender_key").first)
        let name = SenderKeyName(groupID: "g", sender: SignalAddress(name: "a", deviceID: 0))
        let bob = GroupCipher(store: InMemorySignalStore(identity: .generate(), registrationID: 2), name: name)
        await #expect(throws: SignalError.noSenderKey(keyID: nil)) {
            try await bob.decrypt(SenderKeyMessage(serialized: hexBytes(vector[list: "messages"].first?["skmsg_hex"])))
        }
        try await bob.process(SenderKeyDistributionMessage(serialized: hexBytes(vector["skdm_hex"])))
        var bytes = hexBytes(vector[list: "messages"].first?["skmsg_hex"])
        bytes[bytes.count - 70] ^= 1
        let tampered = try SenderKeyMessage(serialized: bytes)
        await #expect(throws: SignalError.invalidSignature) { try await bob.decrypt(tampered) }
    }
}
