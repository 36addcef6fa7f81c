import Foundation
import WagoPluginKit

/// Messages without media: location, contact card, poll, link previews and group invites.
extension MessagingPlugin {
    /// `/send/location` {Phone, Name?, Id?, Latitude, Longitude, ContextInfo?}.
    static func sendLocation(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let latitude = try body.requiredNumber("Latitude")
            let longitude = try body.requiredNumber("Longitude")
            guard (-90...90).contains(latitude) else { throw body.invalid("Latitude", "must be from -90 to 90") }
            guard (-180...180).contains(longitude) else { throw body.invalid("Longitude", "must be from -180 to 180") }
            var location: [String: Any] = ["degreesLatitude": latitude, "degreesLongitude": longitude]
            if let name = try body.string("Name"), !name.isEmpty { location["name"] = name }
            return MessageContent("locationMessage", location)
        }
    }

    /// `/send/contact` {Phone, Id?, Vcard:{FullName, Phone, Organization?}, ContextInfo?}: a
    /// contact card whose number WhatsApp links to its account (`waid`).
    static func sendContact(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let card = try body.requiredObject("Vcard")
            let fullName = oneLine(try card.requiredString("FullName"))
            let digits = try card.requiredString("Phone").filter { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { throw card.invalid("Phone", "must be a phone number") }
            var lines = ["BEGIN:VCARD", "VERSION:3.0", "N:;\(fullName);;;", "FN:\(fullName)"]
            if let organization = try card.string("Organization"), !organization.isEmpty {
                lines.append("ORG:\(oneLine(organization));")
            }
            lines += ["TEL;type=CELL;type=VOICE;waid=\(digits):+\(digits)", "END:VCARD"]
            return MessageContent("contactMessage", ["displayName": fullName, "vcard": lines.joined(separator: "\n") + "\n"])
        }
    }

    /// `/send/poll` {Phone, Question, MaxAnswer, Options:[names], ContextInfo?}. MaxAnswer 0
    /// lets voters pick any number of options. Single-choice polls are `pollCreationMessageV3`,
    /// as WhatsApp clients send them; the message secret lets voters encrypt their votes.
    static func sendPoll(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host, idField: nil) { body in
            let question = try body.requiredString("Question")
            let options = try body.stringList("Options")
            guard options.count >= 2, options.allSatisfy({ !$0.isEmpty }) else {
                throw body.invalid("Options", "must list at least 2 non-empty options")
            }
            guard Set(options).count == options.count else { throw body.invalid("Options", "must not repeat an option") }
            guard let maxAnswer = try body.integer("MaxAnswer", in: 0...Int64(options.count)) else {
                throw body.missing("MaxAnswer")
            }
            let poll: [String: Any] = [
                "name": question, "options": options.map { ["optionName": $0] }, "selectableOptionsCount": maxAnswer,
            ]
            let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
            return MessageContent(
                maxAnswer == 1 ? "pollCreationMessageV3" : "pollCreationMessage", poll,
                messageContextInfo: ["messageSecret": Data(secret).base64EncodedString()])
        }
    }

    /// `/send/preview` {Phone, Text, MatchedURL, Title, Description, Image}: a text with a link
    /// preview whose picture travels inline as `JPEGThumbnail`.
    static func sendLinkPreview(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in try linkPreview(body).content }
    }

    /// `/send/groupinvite` {Phone, Text, MatchedText, Title}: a text whose group invite link
    /// WhatsApp shows as a join card.
    static func sendGroupInvite(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            var value = try linkText(body, link: "MatchedText")
            guard let link = value["matchedText"] as? String, link.hasPrefix("https://chat.whatsapp.com/") else {
                throw body.invalid("MatchedText", "must be a https://chat.whatsapp.com/ invite link")
            }
            value["title"] = try body.requiredString("Title")
            value["inviteLinkGroupTypeV2"] = "DEFAULT"
            return MessageContent("extendedTextMessage", value)
        }
    }

    /// The fields `/send/preview` and `/send/preview2` share, and the preview's picture.
    static func linkPreview(_ body: RequestBody) throws -> (content: MessageContent, image: MediaPayload) {
        var value = try linkText(body, link: "MatchedURL")
        value["title"] = try body.requiredString("Title")
        value["description"] = try body.requiredString("Description")
        let image = try MediaPayload(body, "Image", kind: .image)
        value["JPEGThumbnail"] = Data(image.bytes).base64EncodedString()
        return (MessageContent("extendedTextMessage", value), image)
    }

    /// An extended text carrying a link (`link` names its field), which must appear in the text.
    private static func linkText(_ body: RequestBody, link field: String) throws -> [String: Any] {
        let text = try body.requiredString("Text")
        let link = try body.requiredString(field)
        guard text.contains(link) else { throw body.invalid(field, "must appear in Text") }
        return ["text": text, "matchedText": link, "previewType": "NONE"]
    }

    /// A vCard value on one line: a line break would start a new property.
    private static func oneLine(_ value: String) -> String {
        value.components(separatedBy: .newlines).joined(separator: " ")
    }
}
