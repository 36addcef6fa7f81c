import Foundation
import Testing
import WABinary
import WAMessaging
import WagoTestSupport

/// Message ids and group `phash` against whatsmeow's (vectors/misc.json): both are hashes the
/// server and peers compare byte for byte.
struct MessagingVectorTests {
    static func cases(_ kind: String) throws -> [[String: Any]] {
        let all = try SharedData.json("vectors/misc.json")["cases"] as? [[String: Any]] ?? []
        return all.filter { $0["kind"] as? String == kind }
    }

    @Test func messageIDsAreWhatsmeows() throws {
        let cases = try Self.cases("message_id")
        #expect(cases.count == 3)
        for vector in cases {
            let seconds = try #require(vector["unix_seconds"] as? Double)
            let ownUser = try #require(vector["own_user"] as? String)
            let randomHex = try #require(vector["random_hex"] as? String)
            let random = try #require(Data(hex: randomHex))
            let id = MessageID.generate(
                ownUser: ownUser.isEmpty ? nil : ownUser, now: Date(timeIntervalSince1970: seconds), random: Array(random))
            #expect(id == vector["message_id"] as? String, "\(vector)")
        }
    }

    @Test func participantHashesAreWhatsmeows() throws {
        let cases = try Self.cases("participant_hash")
        #expect(cases.count == 6)
        for vector in cases {
            let devices = try (vector["participants"] as? [String] ?? []).map { try JID(parsing: $0) }
            #expect(ParticipantHash.of(devices) == vector["phash"] as? String, "\(vector["description"] ?? "")")
        }
    }
}
