import Foundation
import Testing
import WACrypto
@testable import WASignal
import WagoTestSupport

@Suite struct RatchetKDFTests {
    @Test func chainKeyStepsMatchLibsignal() throws {
        let vector = try #require(try signalCases("kdf_chain_key_steps").first)
        var chain = ChainKey(key: hexBytes(vector["initial_chain_key_hex"]), index: 0)
        for step in vector[list: "steps"] {
            #expect(chain.key == hexBytes(step["chain_key_hex"]))
            let keys = chain.messageKeys()
            #expect(keys.cipherKey == hexBytes(step["cipher_key_hex"]))
            #expect(keys.macKey == hexBytes(step["mac_key_hex"]))
            #expect(keys.iv == hexBytes(step["iv_hex"]))
            chain = chain.next()
            #expect(chain.key == hexBytes(step["next_chain_key_hex"]))
        }
    }

    @Test func rootKeyDHRatchetMatchesLibsignal() throws {
        let vector = try #require(try signalCases("kdf_root_key_dh_ratchet").first)
        let (root, chain) = try RootKey.createChain(
            rootKey: hexBytes(vector["root_key_hex"]),
            theirRatchetKey: Curve25519PublicKey(hexBytes(vector["their_ratchet_public_hex"])),
            ourRatchetKey: Curve25519KeyPair(privateKey: hexBytes(vector["our_ratchet_private_hex"])))
        #expect(root == hexBytes(vector["new_root_key_hex"]))
        #expect(chain.key == hexBytes(vector["new_chain_key_hex"]))
    }

    @Test func senderChainStepsMatchLibsignal() throws {
        let vector = try #require(try signalCases("kdf_sender_chain_steps").first)
        let steps = vector[list: "steps"]
        var chain = SenderChainKey(iteration: 0, seed: hexBytes(steps.first?["chain_key_hex"]))
        for step in steps {
            #expect(chain.seed == hexBytes(step["chain_key_hex"]))
            let key = chain.messageKey()
            #expect(key.iteration == UInt32(step["iteration"] as? Int ?? -1))
            #expect(key.iv == hexBytes(step["iv_hex"]))
            #expect(key.cipherKey == hexBytes(step["cipher_key_hex"]))
            chain = chain.next()
        }
    }
}
