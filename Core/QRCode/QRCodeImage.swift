import Foundation

/// QR codes as PNG images, for `GET /session/qr` (`{"QRCode":"data:image/png;base64,..."}`).
public enum QRCodeImage {
    /// Accepted pixels per module; the bound keeps images (and their arithmetic) small.
    public static let moduleSizes = 1...32
    /// Accepted quiet-zone widths in modules; scanners want at least 4.
    public static let margins = 0...32

    /// A PNG of `text` as a QR code: black modules of `moduleSize` pixels on white, inside a
    /// white border `margin` modules wide.
    public static func png(for text: String, moduleSize: Int = 8, margin: Int = 4) throws(QRCodeError) -> [UInt8] {
        guard moduleSizes.contains(moduleSize), margins.contains(margin) else {
            throw .invalidLayout(moduleSize: moduleSize, margin: margin)
        }
        let matrix = try QRCodeMatrix(text: text)
        let modulesPerSide = matrix.width + 2 * margin
        let pixelsPerSide = modulesPerSide * moduleSize
        var rows: [[UInt8]] = []
        rows.reserveCapacity(pixelsPerSide)
        for moduleY in 0..<modulesPerSide {
            var row = [UInt8](repeating: 0, count: (pixelsPerSide + 7) / 8)
            for pixelX in 0..<pixelsPerSide {
                let x = pixelX / moduleSize - margin, y = moduleY - margin
                let isQuietZone = !(0..<matrix.width).contains(x) || !(0..<matrix.width).contains(y)
                if isQuietZone || !matrix.isDark(x: x, y: y) {
                    row[pixelX / 8] |= 0x80 >> UInt8(pixelX % 8)
                }
            }
            rows += Array(repeating: row, count: moduleSize)
        }
        return try MonochromePNG.encode(width: pixelsPerSide, rows: rows)
    }

    /// `png(for:)` at its default size as a `data:` URL, the form `/session/qr` returns.
    public static func dataURL(for text: String) throws(QRCodeError) -> String {
        "data:image/png;base64," + Data(try png(for: text)).base64EncodedString()
    }
}
