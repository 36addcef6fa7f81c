import Foundation
import Testing
import WagoQRCode
import WagoTestSupport

@Suite struct QRCodeImageTests {
    /// The linking QR strings whatsmeow produced for the pairing vectors.
    static func linkingTexts() throws -> [String] {
        let cases = try #require(SharedData.json("vectors/pairing.json")["cases"] as? [[String: Any]])
        let texts = cases.compactMap { $0["qr_string"] as? String }
        try #require(!texts.isEmpty)
        return texts
    }

    @Test(arguments: [(8, 4), (3, 4), (5, 0)])
    func pngIsWellFormed(moduleSize: Int, margin: Int) throws {
        let png = try QRCodeImage.png(for: Self.linkingTexts()[0], moduleSize: moduleSize, margin: margin)
        #expect(png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = try PNGChunk.split(png.dropFirst(8))
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for chunk in chunks { #expect(chunk.storedCRC == chunk.computedCRC, "CRC of \(chunk.type)") }
        let header = chunks[0].data
        let width = PNGChunk.uint32(header, at: 0), height = PNGChunk.uint32(header, at: 4)
        #expect(width == height && width % UInt32(moduleSize) == 0)
        // A QR code is 21 + 4k modules wide (versions 1...40), plus the margin on both sides.
        let modules = Int(width) / moduleSize - 2 * margin
        #expect((21...177).contains(modules) && (modules - 21) % 4 == 0)
        #expect(Array(header.suffix(5)) == [1, 0, 0, 0, 0])
    }

    @Test(arguments: [(8, 4), (3, 4)])
    func zbarimgReadsTheLinkingTextBack(moduleSize: Int, margin: Int) throws {
        let zbarimg = try #require(Self.executable(named: "zbarimg"), "zbarimg is missing: apt-get install zbar-tools")
        for text in try Self.linkingTexts() {
            let png = try QRCodeImage.png(for: text, moduleSize: moduleSize, margin: margin)
            #expect(try Self.decode(png, with: zbarimg) == text)
        }
    }

    @Test func dataURLCarriesThePNG() throws {
        let text = try Self.linkingTexts()[0]
        let url = try QRCodeImage.dataURL(for: text)
        let prefix = "data:image/png;base64,"
        #expect(url.hasPrefix(prefix))
        let decoded = try #require(Data(base64Encoded: String(url.dropFirst(prefix.count))))
        #expect(Array(decoded) == (try QRCodeImage.png(for: text)))
    }

    @Test func badInputThrowsTypedErrors() throws {
        // 2953 bytes is the 8-bit capacity of version 40 at level L.
        #expect(try QRCodeImage.png(for: String(repeating: "a", count: 2953), moduleSize: 1).count > 0)
        #expect(throws: QRCodeError.textTooLong(byteCount: 2954)) {
            try QRCodeImage.png(for: String(repeating: "a", count: 2954))
        }
        #expect(throws: QRCodeError.textTooLong(byteCount: 100_000)) {
            try QRCodeImage.dataURL(for: String(repeating: "é", count: 50_000))
        }
        #expect(throws: QRCodeError.emptyText) { try QRCodeImage.png(for: "") }
        #expect(throws: QRCodeError.invalidLayout(moduleSize: 0, margin: 4)) { try QRCodeImage.png(for: "x", moduleSize: 0) }
        #expect(throws: QRCodeError.invalidLayout(moduleSize: 8, margin: -1)) { try QRCodeImage.png(for: "x", margin: -1) }
        #expect(throws: QRCodeError.invalidLayout(moduleSize: .max, margin: 4)) { try QRCodeImage.png(for: "x", moduleSize: .max) }
    }

    /// `zbarimg --raw -q` on the PNG written to a temporary file: the decoded text, without the
    /// newline zbarimg ends it with.
    static func decode(_ png: [UInt8], with zbarimg: URL) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wago-qr-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = zbarimg
        process.arguments = ["--raw", "-q", file.path]
        let output = Pipe(), diagnostics = Pipe()
        process.standardOutput = output
        process.standardError = diagnostics  // kept out of the test log unless zbarimg fails
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let messages = String(decoding: diagnostics.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "zbarimg found no QR code: \(messages)")
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    static func executable(named name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
