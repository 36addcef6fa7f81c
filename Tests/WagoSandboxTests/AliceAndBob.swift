import Foundation
import Testing
import WABinary

/// The suites that message between two linked companions, Alice's (15550001111, device 7) and
/// Bob's (15550002222, device 3), each with fresh keys per test, in a sandbox seeded with both.
protocol AliceAndBob {
    var alice: MessagingCompanion { get }
    var bob: MessagingCompanion { get }
}

extension AliceAndBob {
    static var alicePhone: String { "15550001111" }
    static var bobPhone: String { "15550002222" }

    /// Alice's and Bob's companions, for a suite's `init`.
    static func companions() throws -> (alice: MessagingCompanion, bob: MessagingCompanion) {
        (try MessagingCompanion(phone: alicePhone, deviceID: 7), try MessagingCompanion(phone: bobPhone, deviceID: 3))
    }

    /// A fresh sandbox with both companions linked to their accounts.
    func seededFixture() async throws -> SandboxFixture {
        let fixture = try SandboxFixture()
        try await fixture.seed(alice.device)
        try await fixture.seed(bob.device)
        return fixture
    }
}
