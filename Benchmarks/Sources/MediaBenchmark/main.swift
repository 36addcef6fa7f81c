// Media encryption throughput: WhatsApp's AES-256-CBC + HMAC-SHA256[:10] + the two SHA-256
// hashes, for a small image (64 KiB), a photo (1 MiB) and a video (16 MiB); plus decryption fed
// in 64 KiB chunks, as a download arrives. shared/bench/ holds no media, so the input is a
// fixed byte pattern (content does not change AES or SHA-256 speed).
// Run in release mode: swift run -c release MediaBenchmark
import Foundation
import WAMedia

let fileSizes = [64 << 10, 1 << 20, 16 << 20]
let bytesPerRun = 128 << 20  // 128 MiB through each operation per size
let downloadChunk = 64 << 10

func megabytesPerSecond(_ bytes: Int, _ duration: Duration) -> Double {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return Double(bytes) / seconds / 1_048_576
}

let mediaKey = [UInt8](repeating: 0x42, count: 32)
let clock = ContinuousClock()
print("file bytes    encrypt MB/s   decrypt MB/s   chunked decrypt MB/s   files")
for size in fileSizes {
    let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let files = max(1, bytesPerRun / size)

    var encrypted = try MediaCipher.encrypt(plaintext, type: .video, mediaKey: mediaKey)
    let encryptTime = try clock.measure {
        for _ in 0..<files { encrypted = try MediaCipher.encrypt(plaintext, type: .video, mediaKey: mediaKey) }
    }
    let info = encrypted.info

    var decryptedBytes = 0
    let decryptTime = try clock.measure {
        for _ in 0..<files {
            decryptedBytes += try MediaCipher.decrypt(
                encrypted.body, type: .video, mediaKey: mediaKey, fileSha256: info.fileSha256,
                fileEncSha256: info.fileEncSha256
            ).count
        }
    }

    var chunkedBytes = 0
    let chunkedTime = try encrypted.body.withUnsafeBytes { body in
        try clock.measure {
            for _ in 0..<files {
                var decryptor = try MediaDecryptor(
                    type: .video, mediaKey: mediaKey, fileSha256: info.fileSha256, fileEncSha256: info.fileEncSha256)
                var plaintext: [UInt8] = []
                plaintext.reserveCapacity(size)
                for start in stride(from: 0, to: body.count, by: downloadChunk) {
                    let chunk = UnsafeRawBufferPointer(rebasing: body[start..<min(start + downloadChunk, body.count)])
                    try decryptor.update(chunk, appendingTo: &plaintext)
                }
                try decryptor.finalize(appendingTo: &plaintext)
                chunkedBytes += plaintext.count
            }
        }
    }
    precondition(decryptedBytes == files * size && chunkedBytes == files * size)
    let total = files * size
    print(
        String(size).padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(
                format: "%-15.1f%-15.1f%-23.1f%d", megabytesPerSecond(total, encryptTime),
                megabytesPerSecond(total, decryptTime), megabytesPerSecond(total, chunkedTime), files))
}
