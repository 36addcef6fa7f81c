/// `GET /sandbox/presences`: `{"Presences":[{"Kind","From","State","Media","LastSeen"?}]}`.
struct PhonePresencesReply: Encodable {
    var presences: [PhonePresence]

    enum CodingKeys: String, CodingKey {
        case presences = "Presences"
    }
}
