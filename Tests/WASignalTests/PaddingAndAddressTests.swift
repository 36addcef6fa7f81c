import Foundation
import Testing
import WASignal
import WagoTestSupport

@Suite struct PaddingAndAddressTests {
    private func miscCases(_ kind: String) throws -> [[String: Any]] {
        let root = try SharedData.json("vectors/misc.json")
        return (root["cases"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == kind }
    }

    @Test func padMatchesWhatsmeow() throws {
        let cases = try miscCases("padding/pad")
        #expect(!cases.isEmpty)
        for vector in cases {
            let random = try #require(hexBytes(vector["random_byte_hex"]).first)
            let padded = MessagePadding.pad(hexBytes(vector["plaintext_hex"]), randomByte: random)
            #expect(padded == hexBytes(vector["padded_hex"]))
            #expect(try MessagePadding.unpad(padded) == hexBytes(vector["unpadded_hex"]))
        }
    }

    @Test func unpadMatchesWhatsmeow() throws {
        for vector in try miscCases("padding/unpad") {
            let input = hexBytes(vector["input_hex"])
            let version = vector["enc_version"] as? Int ?? 2
            if vector["ok"] as? Bool == true {
                #expect(try MessagePadding.unpad(input, encVersion: version) == hexBytes(vector["unpadded_hex"]))
            } else {
                #expect(throws: SignalError.invalidPadding) { try MessagePadding.unpad(input, encVersion: version) }
            }
        }
    }

    @Test func addressesMatchWhatsmeowJIDs() throws {
        let cases = try miscCases("jid_parse").filter { $0["signal_address"] is String && $0["ok"] as? Bool == true }
        #expect(cases.count > 10)
        for vector in cases {
            let address = SignalAddress(
                user: vector["user"] as? String ?? "", server: vector["server"] as? String ?? "",
                rawAgent: UInt8(vector["raw_agent"] as? Int ?? 0), device: UInt16(vector["device"] as? Int ?? 0))
            #expect(address.description == vector["signal_address"] as? String, "\(vector["input"] ?? "")")
        }
        #expect(SignalAddress(user: "123", server: "lid", device: 2).description == "123_1:2")
        #expect(SignalAddress(user: "123", server: "hosted", device: 99).description == "123_128:99")
        #expect(SignalAddress(user: "123", server: "hosted.lid", device: 99).description == "123_129:99")
    }

    @Test func preKeyIDsAreThreeBytes() {
        #expect(PreKeyRecord.encodeID(0x01_02_03) == [1, 2, 3])
        #expect(PreKeyRecord.decodeID([1, 2, 3]) == 0x01_02_03)
        #expect(PreKeyRecord.decodeID([1, 2]) == nil)
        let keys = PreKeyRecord.generate(firstID: PreKeyRecord.maxID - 1, count: 3)
        #expect(keys.map(\.id) == [PreKeyRecord.maxID - 1, PreKeyRecord.maxID, 1])
    }
}
