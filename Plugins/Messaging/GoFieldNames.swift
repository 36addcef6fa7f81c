/// WaGo takes `ContextInfo` as Go's encoding/json writes a whatsmeow `waE2E.ContextInfo`:
/// Go field names (`StanzaID`, `Participant`, `QuotedMessage`, `MentionedJID`). The protobuf
/// JSON mapping wants the proto names (`stanzaID`, `participant`, ...), which differ only in
/// the first letter of names that go on in lower case; all-caps starts (`URL`, `ID`,
/// `JPEGThumbnail`, `PTT`) are spelled the same both ways. Bytes (base64), numbers and enum
/// numbers mean the same in both.
enum GoFieldNames {
    /// `value` with every object key in the proto spelling, at every depth.
    static func protoJSON(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]:
            Dictionary(object.map { (protoName($0.key), protoJSON($0.value)) }, uniquingKeysWith: { first, _ in first })
        case let list as [Any]: list.map(protoJSON)
        default: value
        }
    }

    /// `StanzaID` → `stanzaID`; `URL`, `stanzaID` stay.
    static func protoName(_ name: String) -> String {
        let characters = Array(name)
        guard characters.count > 1, characters[0].isUppercase, characters[1].isLowercase else { return name }
        return characters[0].lowercased() + String(characters.dropFirst())
    }
}
