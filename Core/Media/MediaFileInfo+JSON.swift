import Foundation

extension MediaFileInfo {
    /// WaGo's upload result, `{"URL","DirectPath","MediaKey","FileEncSHA256","FileSHA256","FileLength"}`
    /// with bytes as base64, keys sorted.
    public func uploadResultJSON(url: String, directPath: String) -> String {
        let object: [String: Any] = [
            "URL": url, "DirectPath": directPath, "MediaKey": Data(mediaKey).base64EncodedString(),
            "FileEncSHA256": Data(fileEncSha256).base64EncodedString(),
            "FileSHA256": Data(fileSha256).base64EncodedString(), "FileLength": fileLength,
        ]
        // Strings and a number always serialize.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        return String(decoding: data ?? Data("{}".utf8), as: UTF8.self)
    }
}
