extension String {
    /// Go's `url.QueryEscape`: letters, digits and `-_.~` stay, a space becomes `+`, any other
    /// byte becomes `%XX` (upper-case hex). WhatsApp's media URLs and WaGo's form webhooks use it.
    public var goQueryEscaped: String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var escaped: [UInt8] = []
        escaped.reserveCapacity(utf8.count)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                escaped.append(byte)
            case UInt8(ascii: " "):
                escaped.append(UInt8(ascii: "+"))
            default:
                escaped += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
