/// Why a QR code image could not be made. Bad input ends in one of these, never a trap.
public enum QRCodeError: Error, Equatable, Sendable {
    /// There was nothing to encode; libqrencode refuses empty input.
    case emptyText
    /// The text's UTF-8 bytes do not fit the largest QR code (version 40) at the error correction level used.
    case textTooLong(byteCount: Int)
    /// The module size or quiet-zone margin is outside `QRCodeImage.moduleSizes` / `QRCodeImage.margins`.
    case invalidLayout(moduleSize: Int, margin: Int)
    /// libqrencode failed for another reason (e.g. ENOMEM); the value is its `errno`.
    case encoderFailed(errno: Int32)
    /// zlib's `compress2` failed while writing the PNG; the value is its status code.
    case compressionFailed(zlibStatus: Int32)
}
