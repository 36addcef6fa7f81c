extension MediaConnection {
    /// Where to upload an encrypted body: the first host, as whatsmeow does.
    public func uploadURL(type: MediaType, fileEncSha256: [UInt8]) throws(MediaURLError) -> String {
        MediaURL.upload(host: try firstHost(), auth: auth, type: type, fileEncSha256: fileEncSha256)
    }

    /// Where to upload an unencrypted newsletter file.
    public func newsletterUploadURL(type: MediaType, fileSha256: [UInt8]) throws(MediaURLError) -> String {
        MediaURL.newsletterUpload(host: try firstHost(), auth: auth, type: type, fileSha256: fileSha256)
    }

    /// The download URL on each host, in the order whatsmeow tries them.
    public func downloadURLs(
        directPath: String, fileEncSha256: [UInt8], type: MediaType
    ) throws(MediaURLError) -> [String] {
        try hosts.map { host throws(MediaURLError) in
            try MediaURL.download(host: host.hostname, directPath: directPath, fileEncSha256: fileEncSha256, type: type)
        }
    }

    private func firstHost() throws(MediaURLError) -> String {
        guard let host = hosts.first else { throw .noHosts }
        return host.hostname
    }
}
