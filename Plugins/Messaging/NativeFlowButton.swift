import Foundation
import WagoPluginKit

/// A button of an interactive message's `nativeFlowMessage`, as current WhatsApp clients send
/// them: a flow name (`quick_reply`, `cta_url`, `cta_copy`, `cta_call`, `single_select`,
/// `send_location`, `payment_info`, `review_and_pay`) and its parameters as JSON text.
struct NativeFlowButton {
    let name: String
    let parameters: [String: Any]

    /// The `NativeFlowButton` object (protobuf JSON).
    func json() throws -> [String: Any] {
        ["name": name, "buttonParamsJSON": try MessagingPlugin.jsonText(parameters)]
    }

    /// The keys of a button object, which differ between WaGo's routes.
    struct Keys {
        let text, type, id, url, phone: String

        /// `/send/buttons` and `/send/mediabutton`: `{id, text}`, optionally typed.
        static let buttons = Keys(text: "text", type: "type", id: "id", url: "url", phone: "phone_number")
        /// `/send/template`: `{DisplayText, Type, Id, Url, PhoneNumber}`.
        static let template = Keys(text: "DisplayText", type: "Type", id: "Id", url: "Url", phone: "PhoneNumber")
        /// Carousel cards: `{id, label, type, url, phone_number}`.
        static let carousel = Keys(text: "label", type: "type", id: "id", url: "url", phone: "phone_number")
    }

    /// A button as WaGo's routes take them. Its type is `reply` (the default), `url`,
    /// `webview` (a URL opened in WhatsApp), `copy` (the id is the code copied) or `call`.
    init(_ button: RequestBody, keys: Keys) throws {
        let text = try button.requiredString(keys.text)
        let type = try button.string(keys.type)?.lowercased() ?? "reply"
        switch type {
        case "reply", "quick_reply":
            self.init(name: "quick_reply", parameters: ["display_text": text, "id": try button.requiredString(keys.id)])
        case "url", "webview":
            let url = try button.requiredString(keys.url)
            guard let scheme = URL(string: url)?.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
                throw button.invalid(keys.url, "must be an http(s) URL")
            }
            var parameters: [String: Any] = ["display_text": text, "url": url, "merchant_url": url]
            if type == "webview" { parameters["webview_interaction"] = true }
            self.init(name: "cta_url", parameters: parameters)
        case "copy":
            let code = try button.requiredString(keys.id)
            self.init(name: "cta_copy", parameters: ["display_text": text, "id": code, "copy_code": code])
        case "call":
            self.init(name: "cta_call", parameters: ["display_text": text, "phone_number": try button.requiredString(keys.phone)])
        default:
            throw button.invalid(keys.type, "must be one of reply, url, webview, copy, call")
        }
    }

    init(name: String, parameters: [String: Any]) {
        (self.name, self.parameters) = (name, parameters)
    }

    /// The buttons in `field`: at least one.
    static func list(_ body: RequestBody, _ field: String, keys: Keys) throws -> [NativeFlowButton] {
        try body.requiredObjects(field).map { try NativeFlowButton($0, keys: keys) }
    }

    /// A list: `title` opens it; its rows are grouped in sections.
    static func singleSelect(title: String, sections: [[String: Any]]) -> NativeFlowButton {
        NativeFlowButton(name: "single_select", parameters: ["title": title, "sections": sections])
    }

    /// Asks the recipient to share their location.
    static func sendLocation(text: String) -> NativeFlowButton {
        NativeFlowButton(name: "send_location", parameters: ["display_text": text])
    }
}
