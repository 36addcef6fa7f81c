import CQREncode
import Foundation

/// The modules of a QR code symbol as libqrencode lays them out, row by row.
struct QRCodeMatrix {
    /// Modules per side.
    let width: Int
    /// `width * width` flags, row-major; true is a dark module.
    let darkModules: [Bool]

    /// Encodes the text's UTF-8 bytes in 8-bit mode at error correction level L, the level
    /// whatsmeow's examples render linking QRs with (qrterminal.L). `QRcode_encodeData` takes a
    /// byte count, so text containing NUL is encoded whole rather than cut short.
    init(text: String) throws(QRCodeError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .emptyText }
        guard let size = Int32(exactly: bytes.count) else { throw .textTooLong(byteCount: bytes.count) }
        guard let code = QRcode_encodeData(size, bytes, 0, QR_ECLEVEL_L) else {
            let failure = errno
            throw failure == ERANGE ? .textTooLong(byteCount: bytes.count) : .encoderFailed(errno: failure)
        }
        defer { QRcode_free(code) }
        width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        darkModules = UnsafeBufferPointer(start: code.pointee.data, count: width * width).map { $0 & 1 == 1 }
    }

    func isDark(x: Int, y: Int) -> Bool { darkModules[y * width + x] }
}
