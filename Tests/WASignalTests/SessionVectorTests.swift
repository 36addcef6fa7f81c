import Foundation
import Testing
import WACrypto
import WASignal
import WagoTestSupport

@Suite struct SessionVectorTests {
    /// Alice -> Bob pkmsg, replies and more messages: our ciphertext is byte-identical to
    /// whatsmeow's and both sides decrypt.
    @Test func fullSessionReproducesWhatsmeow() async throws {
        let vector = try #require(try signalCases("session_1to1").first)
        let aliceRandom = vector[dict: "alice_random"]
        let alice = try Party(vector[dict: "alice"], random: [
            hexBytes(aliceRandom["base_key_random_hex"]), hexBytes(aliceRandom["sending_ratchet_random_hex"]),
        ])
        let bob = try Party(vector[dict: "bob"])
        try await bob.install(prekeys: vector[dict: "bob_prekeys"])
        let bundle = try await bob.bundle(prekeys: vector[dict: "bob_prekeys"], deviceID: 1)
        try await alice.cipher(with: bob).processBundle(bundle)

        let parties = ["alice": alice, "bob": bob]
        for step in vector[list: "messages"] {
            let sender = try #require(parties[step["from"] as? String ?? ""])
            let receiver = try #require(parties[step["to"] as? String ?? ""])
            for random in step[list: "random_consumed_by_receiver"] { receiver.random.append(hexBytes(random["random_hex"])) }

            let sent = try await sender.cipher(with: receiver).encrypt(hexBytes(step["padded_plaintext_hex"]))
            #expect(Data(sent.serialized).hex == step["ciphertext_hex"] as? String, "step \(step["step"] ?? "")")
            #expect(sent.encType == step["whatsmeow_enc_type"] as? String)

            let received = try CiphertextMessage(encType: sent.encType, serialized: hexBytes(step["ciphertext_hex"]))
            let padded = try await receiver.cipher(with: sender).decrypt(received)
            #expect(padded == hexBytes(step["receiver_decrypted_padded_hex"]))
            #expect(try MessagePadding.unpad(padded) == hexBytes(step["receiver_unpadded_hex"]))
        }
        #expect(await bob.store.removedPreKeyIDs == [100])
        #expect(alice.random.mismatches == 0 && bob.random.mismatches == 0)
    }

    /// pkmsgs delivered 5,1,3,2,4 then 2 again: the session is built from message 5, the
    /// others use skipped keys, the replay is a duplicate.
    @Test func outOfOrderPreKeyMessages() async throws {
        let vector = try #require(try signalCases("out_of_order_prekey_messages").first)
        let senderRandom = vector[dict: "sender_random"]
        let carol = try Party(vector[dict: "sender"], random: [
            hexBytes(senderRandom[dict: "base_key"]["private_hex"]),
            hexBytes(senderRandom[dict: "sending_ratchet_key"]["private_hex"]),
        ])
        let dave = try Party(vector[dict: "receiver"])
        try await dave.install(prekeys: vector[dict: "receiver_prekeys"])
        try await carol.cipher(with: dave).processBundle(dave.bundle(prekeys: vector[dict: "receiver_prekeys"], deviceID: 2))
        try await checkOutOfOrder(vector, sender: carol, receiver: dave, encType: "pkmsg")
    }

    /// After a setup round trip, plain msgs delivered 5,1,3,2,4 then 2 again.
    @Test func outOfOrderEstablishedSession() async throws {
        let vector = try #require(try signalCases("out_of_order_established_session").first)
        let setup = vector[list: "setup_round_trip"]
        let sent = vector[list: "sent"]
        let senderRandom = vector[dict: "sender_random"]
        // The ratchet keys generated while decrypting are the next sender keys the vector shows.
        let erin = try Party(vector[dict: "sender"], random: [
            hexBytes(senderRandom[dict: "base_key"]["private_hex"]),
            hexBytes(senderRandom[dict: "sending_ratchet_key"]["private_hex"]),
            hexBytes(sent.first?[dict: "sender_ratchet_key"]["private_hex"]),
        ])
        let frank = try Party(vector[dict: "receiver"], random: [hexBytes(setup.last?[dict: "sender_ratchet_key"]["private_hex"])])
        try await frank.install(prekeys: vector[dict: "receiver_prekeys"])
        try await erin.cipher(with: frank).processBundle(frank.bundle(prekeys: vector[dict: "receiver_prekeys"], deviceID: 3))

        let parties = ["erin": erin, "frank": frank]
        for step in setup {
            let sender = try #require(parties[step["from"] as? String ?? ""])
            let receiver = try #require(parties[step["to"] as? String ?? ""])
            let message = try await sender.cipher(with: receiver).encrypt(hexBytes(step["padded_plaintext_hex"]))
            #expect(Data(message.serialized).hex == step["ciphertext_hex"] as? String)
            _ = try await receiver.cipher(with: sender).decrypt(message)
        }
        try await checkOutOfOrder(vector, sender: erin, receiver: frank, encType: "msg")
    }

    private func checkOutOfOrder(_ vector: [String: Any], sender: Party, receiver: Party, encType: String) async throws {
        let sent = vector[list: "sent"]
        for step in sent {
            let message = try await sender.cipher(with: receiver).encrypt(hexBytes(step["padded_plaintext_hex"]))
            #expect(Data(message.serialized).hex == step["ciphertext_hex"] as? String, "message \(step["step"] ?? "")")
        }
        for delivery in vector[list: "deliveries"] {
            let number = try #require(delivery["deliver_message_number"] as? Int)
            let bytes = hexBytes(sent[number - 1]["ciphertext_hex"])
            let message = try CiphertextMessage(encType: encType, serialized: bytes)
            if delivery["ok"] as? Bool == true {
                let padded = try await receiver.cipher(with: sender).decrypt(message)
                #expect(padded == hexBytes(delivery["expected_padded_plaintext_hex"]))
                #expect(try MessagePadding.unpad(padded) == hexBytes(delivery["expected_unpadded_hex"]))
            } else {
                await #expect(throws: SignalError.duplicateMessage(counter: UInt32(number - 1))) {
                    try await receiver.cipher(with: sender).decrypt(message)
                }
            }
        }
    }
}
