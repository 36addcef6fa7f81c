// Noise transport throughput: AES-256-GCM seal/open with WhatsApp's counter nonces plus the
// 3-byte framing, for frame sizes seen on the wire (acks and receipts are ~50-200 bytes,
// text messages ~0.5-2 KiB, history and app-state payloads up to hundreds of KiB).
// Run in release mode: swift run -c release NoiseBenchmark
import Foundation
import WASocket

let frameSizes = [64, 256, 1024, 4096, 16_384, 65_536, 262_144]
let bytesPerRun = 64 << 20  // 64 MiB through each direction per size

func megabytesPerSecond(_ bytes: Int, _ duration: Duration) -> Double {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return Double(bytes) / seconds / 1_048_576
}

let key = [UInt8](repeating: 0x42, count: 32)
let clock = ContinuousClock()
print("frame bytes   seal+frame MB/s   unframe+open MB/s   frames")
for size in frameSizes {
    let plaintext = [UInt8](repeating: 0xA5, count: size)
    let frames = max(1, bytesPerRun / size)
    var sender = NoiseSocket(
        transport: try NoiseTransport(writeKey: key, readKey: key),
        encoder: FrameEncoder(sendsHeader: false), decoder: FrameDecoder(expectsHeader: false))
    var receiver = NoiseSocket(
        transport: try NoiseTransport(writeKey: key, readKey: key),
        encoder: FrameEncoder(sendsHeader: false), decoder: FrameDecoder(expectsHeader: false))

    var wire: [[UInt8]] = []
    wire.reserveCapacity(frames)
    let sealTime = try clock.measure {
        for _ in 0..<frames { wire.append(try sender.seal(plaintext)) }
    }
    var opened = 0
    let openTime = try clock.measure {
        for message in wire { opened += try receiver.open(message).count }
    }
    precondition(opened == frames)
    let total = frames * size
    print(
        String(size).padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: "%-18.1f%-20.1f%d", megabytesPerSecond(total, sealTime), megabytesPerSecond(total, openTime), frames))
}
