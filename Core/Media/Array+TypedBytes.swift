extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps `MediaError` typed (the standard one rethrows `any Error`).
    func withMediaBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(MediaError) -> Result
    ) throws(MediaError) -> Result {
        try withUnsafeBytes { bytes in Swift.Result { () throws(MediaError) in try body(bytes) } }.get()
    }
}
