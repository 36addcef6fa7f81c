import Foundation
import HummingbirdTesting
import Testing
@testable import WagoSandbox
@testable import WagoServer

/// The messaging plugin's send routes end to end: each is called through REST by a linked
/// session and must reach the virtual phone decrypted, carrying the message WhatsApp clients
/// build for it; bad input is refused with a 400 naming the field.
@Suite("Send routes through the sandbox", .serialized)
struct SendRouteTests {
    @Test("location, contact, poll, previews, invites, edits and revokes arrive field for field", .timeLimit(.minutes(10)))
    func contentRoutes() async throws {
        try await SendRouteWorld.run(session: "5511999990041", phone: "5511999990042") { world, client in
            let location = try await world.delivered(
                "/send/location", #"{"Latitude":48.85837,"Longitude":2.294481,"Name":"Party","Id":"3EB0LOCATION000000000A"}"#,
                on: client)
            #expect(location.id == "3EB0LOCATION000000000A", "the given Id is used")
            #expect(location.field("locationMessage", "degreesLatitude") as? Double == 48.85837)
            #expect(location.field("locationMessage", "degreesLongitude") as? Double == 2.294481)
            #expect(location.field("locationMessage", "name") as? String == "Party")

            let contact = try await world.delivered(
                "/send/contact", #"{"Vcard":{"FullName":"Salman","Phone":"+79 2783-9289","Organization":"John Doe"}}"#,
                on: client)
            #expect(contact.field("contactMessage", "displayName") as? String == "Salman")
            #expect(
                contact.field("contactMessage", "vcard") as? String
                    == "BEGIN:VCARD\nVERSION:3.0\nN:;Salman;;;\nFN:Salman\nORG:John Doe;\nTEL;type=CELL;type=VOICE;waid=7927839289:+7927839289\nEND:VCARD\n")

            let single = try await world.delivered(
                "/send/poll", #"{"Question":"Sky?","MaxAnswer":1,"Options":["red","blue","yellow"]}"#, on: client)
            #expect(single.field("pollCreationMessageV3", "name") as? String == "Sky?")
            #expect(single.field("pollCreationMessageV3", "selectableOptionsCount") as? Int == 1)
            let options = single.field("pollCreationMessageV3", "options") as? [[String: Any]]
            #expect(options?.compactMap { $0["optionName"] as? String } == ["red", "blue", "yellow"])
            let secret = (single.field("messageContextInfo", "messageSecret") as? String).flatMap { Data(base64Encoded: $0) }
            #expect(secret?.count == 32, "voters need the poll's message secret")
            let multiple = try await world.delivered(
                "/send/poll", #"{"Question":"Fruits?","MaxAnswer":0,"Options":["apple","pear"]}"#, on: client)
            #expect(multiple.field("pollCreationMessage", "name") as? String == "Fruits?", "a multiple-choice poll is V1")

            let quoted = try await world.delivered(
                "/send/text",
                #"{"Body":"yes","ContextInfo":{"StanzaID":"3EB0QUOTED","Participant":"5511999990042@s.whatsapp.net","QuotedMessage":{"Conversation":"ok?"},"MentionedJID":["5511999990042@s.whatsapp.net"]}}"#,
                on: client)
            #expect(quoted.field("extendedTextMessage", "text") as? String == "yes")
            #expect(quoted.field("extendedTextMessage", "contextInfo", "stanzaID") as? String == "3EB0QUOTED")
            #expect(quoted.field("extendedTextMessage", "contextInfo", "quotedMessage", "conversation") as? String == "ok?")
            #expect(
                quoted.field("extendedTextMessage", "contextInfo", "mentionedJID") as? [String] == ["5511999990042@s.whatsapp.net"])

            let picture: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]
            let preview = try await world.delivered(
                "/send/preview",
                #"{"Text":"see https://example.com/a","MatchedURL":"https://example.com/a","Title":"A","Description":"The A page","Image":"data:image/jpeg;base64,\#(Data(picture).base64EncodedString())"}"#,
                on: client)
            #expect(preview.field("extendedTextMessage", "matchedText") as? String == "https://example.com/a")
            #expect(preview.field("extendedTextMessage", "title") as? String == "A")
            #expect(preview.field("extendedTextMessage", "description") as? String == "The A page")
            #expect(preview.field("extendedTextMessage", "JPEGThumbnail") as? String == Data(picture).base64EncodedString())

            let invite = try await world.delivered(
                "/send/groupinvite",
                #"{"Text":"Join: https://chat.whatsapp.com/LrOCfCEyd3","MatchedText":"https://chat.whatsapp.com/LrOCfCEyd3","Title":"my group"}"#,
                on: client)
            #expect(invite.field("extendedTextMessage", "text") as? String == "Join: https://chat.whatsapp.com/LrOCfCEyd3")
            #expect(invite.field("extendedTextMessage", "matchedText") as? String == "https://chat.whatsapp.com/LrOCfCEyd3")
            #expect(invite.field("extendedTextMessage", "title") as? String == "my group")

            let edit = try await world.delivered(
                "/message/edit", #"{"Chat":"\#(world.phone)","Message":"fixed","MessageID":"3EB0LOCATION000000000A"}"#,
                on: client)
            let edited = edit.field("editedMessage", "message", "protocolMessage")
            #expect(jsonValue(edited, "type") as? String == "MESSAGE_EDIT")
            #expect(jsonValue(edited, "key", "ID") as? String == "3EB0LOCATION000000000A")
            #expect(jsonValue(edited, "key", "fromMe") as? Bool == true)
            #expect(jsonValue(edited, "key", "remoteJID") as? String == "\(world.phone)@s.whatsapp.net")
            #expect(jsonValue(edited, "editedMessage", "conversation") as? String == "fixed")

            let revoke = try await world.delivered(
                "/message/delete", #"{"Chat":"\#(world.phone)","MessageID":"3EB0LOCATION000000000A"}"#, on: client)
            #expect(revoke.field("protocolMessage", "type") as? String == "REVOKE")
            #expect(revoke.field("protocolMessage", "key", "ID") as? String == "3EB0LOCATION000000000A")
            #expect(revoke.field("protocolMessage", "key", "fromMe") as? Bool == true)
        }
    }

    @Test("buttons, lists, templates, location requests, PIX and carousels arrive as native flows", .timeLimit(.minutes(10)))
    func interactiveRoutes() async throws {
        try await SendRouteWorld.run(session: "5511999990043", phone: "5511999990044") { world, client in
            let buttons = try await world.delivered(
                "/send/buttons",
                #"{"Title":"Pick","Content":"Which one?","Footer":"soon","Buttons":[{"id":"b1","text":"One"},{"id":"b2","text":"Two"}]}"#,
                on: client
            ).interactive()
            #expect(jsonValue(buttons.message, "header", "title") as? String == "Pick")
            #expect(jsonValue(buttons.message, "body", "text") as? String == "Which one?")
            #expect(jsonValue(buttons.message, "footer", "text") as? String == "soon")
            #expect(buttons.buttons.map(\.name) == ["quick_reply", "quick_reply"])
            #expect(buttons.buttons[1].parameters["id"] as? String == "b2")
            #expect(buttons.buttons[1].parameters["display_text"] as? String == "Two")
            #expect(buttons.deviceListMetadataVersion == 2)

            let list = try await world.delivered(
                "/send/list",
                #"{"ButtonText":"Menu","Desc":"Our menu","TopText":"Today","List":[{"title":"Soup","desc":"hot","RowId":"1"},{"title":"Salad","RowId":"2"}]}"#,
                on: client
            ).interactive()
            #expect(jsonValue(list.message, "body", "text") as? String == "Our menu")
            let select = try #require(list.buttons.first)
            #expect(select.name == "single_select")
            #expect(select.parameters["title"] as? String == "Menu")
            let rows = jsonValue(select.parameters["sections"], 0, "rows") as? [[String: Any]]
            #expect(rows?.compactMap { $0["id"] as? String } == ["1", "2"])
            #expect(rows?.first?["description"] as? String == "hot")

            let template = try await world.delivered(
                "/send/template",
                #"{"Title":"T","Content":"Body","Footer":"F","Buttons":[{"DisplayText":"copy","Type":"copy","Id":"CODE42"},{"DisplayText":"Site","Type":"url","Url":"https://example.com"},{"DisplayText":"Call","Type":"call","PhoneNumber":"123811298"}]}"#,
                on: client
            ).interactive()
            #expect(template.buttons.map(\.name) == ["cta_copy", "cta_url", "cta_call"])
            #expect(template.buttons[0].parameters["copy_code"] as? String == "CODE42")
            #expect(template.buttons[1].parameters["url"] as? String == "https://example.com")
            #expect(template.buttons[2].parameters["phone_number"] as? String == "123811298")

            let locationRequest = try await world.delivered(
                "/send/locationbutton", #"{"Body":"Where are you?"}"#, on: client
            ).interactive()
            #expect(jsonValue(locationRequest.message, "body", "text") as? String == "Where are you?")
            #expect(locationRequest.buttons.map(\.name) == ["send_location"])

            let pix = try await world.delivered(
                "/send/pixbutton", #"{"Title":"Pay","Body":"Pay by PIX","PixKey":"+5511999999999","MerchantName":"My Store"}"#,
                on: client
            ).interactive()
            #expect(pix.buttons.map(\.name) == ["payment_info"])
            let pixKey = jsonValue(pix.buttons.first?.parameters["payment_settings"], 0, "pix_static_code")
            #expect(jsonValue(pixKey, "key") as? String == "+5511999999999")
            #expect(jsonValue(pixKey, "key_type") as? String == "PHONE", "a +number is a phone key")
            #expect(jsonValue(pixKey, "merchant_name") as? String == "My Store")

            let review = try await world.delivered(
                "/send/reviewpay",
                #"{"Body":"Your order","Caption":"details","PixKey":"a@b.com","Currency":"BRL","ReferenceID":"ORDER-12345","TotalValue":15000,"TotalOffset":100,"Items":[{"Name":"Cake","Value":7500,"Quantity":2}]}"#,
                on: client
            ).interactive()
            let order = try #require(review.buttons.first)
            #expect(order.name == "review_and_pay")
            #expect(order.parameters["reference_id"] as? String == "ORDER-12345")
            #expect(jsonValue(order.parameters["total_amount"], "value") as? Int == 15000)
            #expect(jsonValue(order.parameters["order"], "items", 0, "name") as? String == "Cake")
            #expect(jsonValue(order.parameters["order"], "items", 0, "quantity") as? Int == 2)
            #expect(jsonValue(order.parameters["payment_settings"], 0, "pix_static_code", "key_type") as? String == "EMAIL")
            #expect(jsonValue(review.message, "header", "subtitle") as? String == "details")

            let carousel = try await world.delivered(
                "/send/carousel",
                #"{"phone":"\#(world.phone)","message":"Choose a plan","carousel":[{"text":"Starter","buttons":[{"id":"starter","label":"Select","type":"reply"}]},{"text":"Pro","buttons":[{"label":"Open","url":"https://example.com/pro","type":"url"}]}]}"#,
                on: client, phoneField: false)
            let carouselMessage = carousel.field("viewOnceMessage", "message", "interactiveMessage")
            #expect(jsonValue(carouselMessage, "body", "text") as? String == "Choose a plan")
            let cards = jsonValue(carouselMessage, "carouselMessage", "cards") as? [[String: Any]]
            #expect(cards?.count == 2)
            #expect(jsonValue(cards?.last, "body", "text") as? String == "Pro")
            #expect(jsonValue(cards?.first, "nativeFlowMessage", "buttons", 0, "name") as? String == "quick_reply")
            #expect(jsonValue(cards?.last, "nativeFlowMessage", "buttons", 0, "name") as? String == "cta_url")
        }
    }

    @Test("/message/status follows a sent message from the server's ack to the phone's receipt", .timeLimit(.minutes(10)))
    func messageStatus() async throws {
        try await SendRouteWorld.run(session: "5511999990045", phone: "5511999990046") { world, client in
            let sent = try await world.delivered("/send/text", #"{"Body":"track me"}"#, on: client)
            var status: [String: Any] = [:]
            try await world.world.waitUntil {
                let answer = try await client.call(
                    .post, "/message/status", token: world.token, json: #"{"Id":"\#(sent.id)"}"#)
                status = answer.data ?? [:]
                return status["Status"] as? String == "Delivered" || status["Status"] as? String == "Read"
            }
            #expect(status["Id"] as? String == sent.id)
            #expect((status["Timestamp"] as? Int ?? 0) > 0)

            let unknown = try await client.call(.post, "/message/status", token: world.token, json: #"{"Id":"3EB0NEVERSENT"}"#)
            #expect(unknown.status == .notFound)
            #expect(unknown.error == "no message with Id 3EB0NEVERSENT was sent by this session")
        }
    }

    @Test("media routes upload files the phone downloads byte for byte", .timeLimit(.minutes(10)))
    func mediaRoutes() async throws {
        try await SendRouteWorld.run(session: "5511999990048", phone: "5511999990049", allowPrivateURLs: true) {
            world, client in
            let photo = SendRouteWorld.file(6000, seed: 1)
            let image = try await world.delivered(
                "/send/image", #"{"Image":"\#(SendRouteWorld.dataURL("image/jpeg", photo))","Caption":"a photo"}"#, on: client)
            #expect(image.field("imageMessage", "caption") as? String == "a photo")
            #expect(image.field("imageMessage", "mimetype") as? String == "image/jpeg")
            #expect(try await world.phoneDownload("image", image.field("imageMessage")) == photo)

            let voice = SendRouteWorld.file(3000, seed: 2)
            let audio = try await world.delivered(
                "/send/audio", #"{"Audio":"\#(SendRouteWorld.dataURL("audio/ogg; codecs=opus", voice))","Ptt":true,"Duration":7}"#,
                on: client)
            #expect(audio.field("audioMessage", "PTT") as? Bool == true)
            #expect(audio.field("audioMessage", "seconds") as? Int == 7)
            #expect(audio.field("audioMessage", "mimetype") as? String == "audio/ogg; codecs=opus")
            #expect(try await world.phoneDownload("audio", audio.field("audioMessage")) == voice)

            let pdf = SendRouteWorld.file(9000, seed: 3)
            let document = try await world.delivered(
                "/send/document",
                #"{"Document":"\#(SendRouteWorld.dataURL("application/octet-stream", pdf))","FileName":"report.pdf","Caption":"Q3","Mimetype":"application/pdf"}"#,
                on: client)
            let documentMessage = document.field("documentWithCaptionMessage", "message", "documentMessage")
            #expect(jsonValue(documentMessage, "fileName") as? String == "report.pdf")
            #expect(jsonValue(documentMessage, "caption") as? String == "Q3")
            #expect(jsonValue(documentMessage, "mimetype") as? String == "application/pdf")
            #expect(try await world.phoneDownload("document", documentMessage) == pdf)

            let clip = SendRouteWorld.file(12000, seed: 4)
            let thumbnail = Data([0xFF, 0xD8, 0x01, 0x02]).base64EncodedString()
            let video = try await world.delivered(
                "/send/video",
                #"{"Video":"\#(SendRouteWorld.dataURL("video/mp4", clip))","Caption":"clip","JpegThumbnail":"\#(thumbnail)"}"#,
                on: client)
            #expect(video.field("videoMessage", "caption") as? String == "clip")
            #expect(video.field("videoMessage", "JPEGThumbnail") as? String == thumbnail)
            #expect(try await world.phoneDownload("video", video.field("videoMessage")) == clip)

            let webp = SendRouteWorld.file(2000, seed: 5)
            let sticker = try await world.delivered(
                "/send/sticker", #"{"Sticker":"\#(SendRouteWorld.dataURL("image/webp", webp))"}"#, on: client)
            #expect(sticker.field("stickerMessage", "mimetype") as? String == "image/webp")
            #expect(try await world.phoneDownload("sticker", sticker.field("stickerMessage")) == webp)

            let banner = SendRouteWorld.file(4000, seed: 6)
            let mediaButton = try await world.delivered(
                "/send/mediabutton",
                #"{"Content":"Buy?","Title":"Offer","Type":"image","Media":"\#(SendRouteWorld.dataURL("image/png", banner))","Buttons":[{"id":"yes","text":"Yes"}],"MessageId":"3EB0MEDIABUTTON0000001"}"#,
                on: client)
            #expect(mediaButton.id == "3EB0MEDIABUTTON0000001", "MessageId is used")
            let header = try mediaButton.interactive().message["header"]
            #expect(jsonValue(header, "hasMediaAttachment") as? Bool == true)
            #expect(try await world.phoneDownload("image", jsonValue(header, "imageMessage")) == banner)

            let card = SendRouteWorld.file(3500, seed: 7)
            let carousel = try await world.delivered(
                "/send/carouselmedia",
                #"{"phone":"\#(world.phone)","message":"Catalog","carousel":[{"text":"Product","media_type":"image","media_url":"\#(SendRouteWorld.dataURL("image/jpeg", card))","caption":"Product photo","buttons":[{"id":"buy-1","label":"Buy"}]}]}"#,
                on: client, phoneField: false)
            let cardImage = carousel.field(
                "viewOnceMessage", "message", "interactiveMessage", "carouselMessage", "cards", 0, "header", "imageMessage")
            #expect(jsonValue(cardImage, "caption") as? String == "Product photo")
            #expect(try await world.phoneDownload("image", cardImage) == card)

            let preview = SendRouteWorld.file(5000, seed: 8)
            let link = try await world.delivered(
                "/send/preview2",
                #"{"Text":"see https://example.com","MatchedURL":"https://example.com","Title":"Example","Description":"An example","Image":"\#(SendRouteWorld.dataURL("image/jpeg", preview))"}"#,
                on: client)
            let text = link.field("extendedTextMessage")
            let thumbnailMessage: [String: Any?] = [
                "directPath": jsonValue(text, "thumbnailDirectPath"), "mediaKey": jsonValue(text, "mediaKey"),
                "fileSHA256": jsonValue(text, "thumbnailSHA256"), "fileEncSHA256": jsonValue(text, "thumbnailEncSHA256"),
            ]
            #expect(try await world.phoneDownload("linkThumbnail", thumbnailMessage.compactMapValues { $0 }) == preview)

            // A URL the host fetches: the phone's own upload on the sandbox's media host (on
            // loopback, so this gateway allows private URLs), whose stored body is the file.
            let hosted = try await world.world.sandbox(
                .post, "/sandbox/media", #"{"Type":"document","Data":"\#(Data(pdf).base64EncodedString())"}"#)
            let hostedURL = try #require(hosted.object["URL"] as? String, "\(hosted.object)")
            let stored = try world.sandboxStoredFile(hosted.object)
            let fetched = try await world.delivered(
                "/send/mediaurl", #"{"Jid":"\#(world.phone)","Url":"\#(hostedURL)","Type":"document","Filename":"blob.bin"}"#,
                on: client, phoneField: false)
            #expect(fetched.field("documentMessage", "fileName") as? String == "blob.bin")
            #expect(try await world.phoneDownload("document", fetched.field("documentMessage")) == stored)
            let untyped = try await client.call(
                .post, "/send/mediaurl", token: world.token,
                json: #"{"Jid":"\#(world.phone)","Url":"\#(hostedURL)","Type":"image"}"#)
            #expect(untyped.status == .badRequest)
            #expect(untyped.error == "Url must point at an image (image/*), not application/octet-stream")

            // The session downloads what the phone uploaded, with and without DirectPath.
            let shot = SendRouteWorld.file(7000, seed: 9)
            let uploaded = try await world.world.sandbox(
                .post, "/sandbox/media", #"{"Type":"image","Data":"\#(Data(shot).base64EncodedString())"}"#)
            let fields = uploaded.object
            let request: [String: Any] = [
                "Url": fields["URL"] ?? "", "DirectPath": fields["DirectPath"] ?? "", "MediaKey": fields["MediaKey"] ?? "",
                "Mimetype": "image/jpeg", "FileEncSHA256": fields["FileEncSHA256"] ?? "",
                "FileSHA256": fields["FileSHA256"] ?? "", "FileLength": fields["FileLength"] ?? 0,
            ]
            for (route, omitting) in [("/message/download/image", nil), ("/message/downloadimage", "DirectPath")] {
                let json = String(
                    decoding: try JSONSerialization.data(withJSONObject: request.filter { $0.key != omitting }), as: UTF8.self)
                let answer = try await client.call(.post, route, token: world.token, json: json)
                #expect(answer.status == .ok, "\(route): \(answer.object)")
                #expect(answer.data?["Mimetype"] as? String == "image/jpeg")
                #expect(answer.data?["Data"] as? String == SendRouteWorld.dataURL("image/jpeg", shot), "\(route)")
            }
        }
    }

    @Test("bad input is refused with a 400 naming the field", .timeLimit(.minutes(5)))
    func badInput() async throws {
        let gateway = try TestGateway(plugins: [try MessagingTests.messagingPluginPath()])
        try await gateway.test(.router) { client in
            _ = try await client.call(
                .post, "/session/init", admin: TestGateway.adminToken, json: #"{"Name":"bad","Token":"tok-bad"}"#)
            let phone = #""Phone":"5511999990047""#
            let png = "data:image/png;base64,iVBORw0KGgo="
            let cases: [(route: String, json: String, error: String)] = [
                ("/send/location", #"{\#(phone),"Longitude":2.29}"#, "missing Latitude in payload"),
                ("/send/location", #"{\#(phone),"Latitude":91,"Longitude":2.29}"#, "Latitude must be from -90 to 90"),
                ("/send/location", #"{\#(phone),"Latitude":"north","Longitude":2.29}"#, "Latitude must be a number"),
                ("/send/contact", #"{\#(phone),"Vcard":{"FullName":"Ana"}}"#, "missing Vcard.Phone in payload"),
                ("/send/contact", #"{\#(phone),"Vcard":"Ana"}"#, "Vcard must be an object"),
                ("/send/poll", #"{\#(phone),"Question":"Q","MaxAnswer":1,"Options":["only"]}"#,
                 "Options must list at least 2 non-empty options"),
                ("/send/poll", #"{\#(phone),"Question":"Q","MaxAnswer":3,"Options":["a","b"]}"#,
                 "MaxAnswer must be a whole number from 0 to 2"),
                ("/send/poll", #"{\#(phone),"Question":"Q","Options":["a","b"]}"#, "missing MaxAnswer in payload"),
                ("/send/text", #"{"Body":"hi"}"#, "missing Phone in payload"),
                ("/send/text", #"{"Phone":"call me","Body":"hi"}"#, "Phone must be a phone number or a JID"),
                ("/send/preview", #"{\#(phone),"Text":"hi","MatchedURL":"https://x.org","Title":"T","Description":"D","Image":"\#(png)"}"#,
                 "MatchedURL must appear in Text"),
                ("/send/groupinvite", #"{\#(phone),"Text":"https://x.org/g","MatchedText":"https://x.org/g","Title":"G"}"#,
                 "MatchedText must be a https://chat.whatsapp.com/ invite link"),
                ("/send/buttons", #"{\#(phone),"Title":"T","Content":"C","Buttons":[{"id":"1","text":"a"},{"text":"b"}]}"#,
                 "missing Buttons[1].id in payload"),
                ("/send/buttons", #"{\#(phone),"Title":"T","Content":"C","Buttons":[]}"#, "missing Buttons in payload"),
                ("/send/template", #"{\#(phone),"Content":"C","Buttons":[{"DisplayText":"x","Type":"fax"}]}"#,
                 "Buttons[0].Type must be one of reply, url, webview, copy, call"),
                ("/send/template", #"{\#(phone),"Content":"C","Buttons":[{"DisplayText":"x","Type":"url","Url":"javascript:1"}]}"#,
                 "Buttons[0].Url must be an http(s) URL"),
                ("/send/list", #"{\#(phone),"ButtonText":"B","Desc":"D","TopText":"T","List":[{"title":"a"}]}"#,
                 "missing List[0].RowId in payload"),
                ("/send/pixbutton", #"{\#(phone),"Body":"B","PixKey":"k","PixType":"IBAN"}"#,
                 "PixType must be one of CPF, CNPJ, EMAIL, PHONE, EVP"),
                ("/send/reviewpay", #"{\#(phone),"Body":"B","PixKey":"k","Items":[{"Value":1}]}"#, "missing Items[0].Name in payload"),
                ("/send/carousel", #"{"phone":"5511999990047","message":"M","carousel":[{"text":"a","buttons":[{"id":"x"}]}]}"#,
                 "missing carousel[0].buttons[0].label in payload"),
                ("/send/carouselmedia", #"{"phone":"5511999990047","message":"M","carousel":[{"text":"a","media_type":"audio","media_url":"https://x.org/a","buttons":[{"id":"x","label":"X"}]}]}"#,
                 "carousel[0].media_type must be one of image, video"),
                ("/send/image", #"{\#(phone),"Image":"data:text/plain;base64,aGk="}"#, "Image must be an image (image/*), not text/plain"),
                ("/send/image", #"{\#(phone),"Image":"data:image/png;base64,@@@"}"#, "Image holds invalid base64 data"),
                ("/send/image", #"{\#(phone),"Image":"https://x.org/a.png"}"#,
                 "Image must be a data URL (data:<mime type>;base64,<data>)"),
                ("/send/sticker", #"{\#(phone),"Sticker":"\#(png)"}"#, "Sticker must be a WebP image (image/webp), not image/png"),
                ("/send/audio", #"{\#(phone),"Audio":"data:audio/ogg;base64,T2dnUw==","Ptt":"yes"}"#, "Ptt must be true or false"),
                ("/send/video", #"{\#(phone),"Video":"data:video/mp4;base64,AAAA","JpegThumbnail":"%%"}"#,
                 "JpegThumbnail must be base64"),
                ("/send/document", #"{\#(phone),"Document":"data:application/pdf;base64,JVBERg=="}"#, "missing FileName in payload"),
                ("/send/mediaurl", #"{"Jid":"5511999990047","Url":"https://x.org/a","Type":"gif"}"#,
                 "Type must be one of image, video, audio, document, sticker"),
                ("/send/mediaurl", #"{"Jid":"5511999990047","Url":"ftp://x.org/a","Type":"image"}"#,
                 "Url must be an http(s) URL or a data URL"),
                ("/send/mediabutton", #"{\#(phone),"Content":"C","Buttons":[],"Type":"audio","Media":"data:audio/ogg;base64,T2dnUw=="}"#,
                 "Type must be one of image, video, document"),
                ("/message/delete", #"{"Chat":"5511999990047"}"#, "missing MessageID in payload"),
                ("/message/edit", #"{"Chat":"5511999990047","MessageID":"3EB0X"}"#, "missing Message in payload"),
                ("/message/status", #"{}"#, "missing Id in payload"),
                ("/message/download/image",
                 #"{"Url":"https://mmg.whatsapp.net/v/x.enc","Mimetype":"image/jpeg","MediaKey":"AAEC","FileSHA256":"AAEC","FileLength":3}"#,
                 "MediaKey must be 32 bytes (base64)"),
                ("/message/download/document", #"{"Url":"https://mmg.whatsapp.net/v/x.enc","Mimetype":"text/plain","FileLength":3}"#,
                 "missing MediaKey in payload"),
                ("/message/downloadimage", #"{"Mimetype":"image/jpeg"}"#, "missing Url in payload"),
            ]
            for (route, json, error) in cases {
                let answer = try await client.call(.post, route, token: "tok-bad", json: json)
                #expect(answer.status == .badRequest, "\(route) \(json): \(answer.object)")
                #expect(answer.error == error, "\(route) \(json)")
            }
        }
    }
}

/// A session linked to one virtual account, sending to another account's phone through the
/// messaging plugin.
struct SendRouteWorld {
    let world: LinkingWorld
    let token: String
    /// The receiving account's phone number.
    let phone: String

    /// What the phone received for one route call.
    struct Received {
        /// The id the route answered (and the message arrived with).
        let id: String
        let message: [String: Any]

        /// The value at `path` in the received `Message`.
        func field(_ path: any JSONPathStep...) -> Any? { jsonValue(message, path) }

        /// The interactive message in its view-once envelope, with its native-flow buttons.
        func interactive() throws -> (message: [String: Any], buttons: [NativeFlow], deviceListMetadataVersion: Int?) {
            let wrapped = try #require(field("viewOnceMessage", "message") as? [String: Any], "a view-once envelope: \(message)")
            let interactive = try #require(wrapped["interactiveMessage"] as? [String: Any])
            let buttons = (jsonValue(interactive, "nativeFlowMessage", "buttons") as? [[String: Any]] ?? []).map(NativeFlow.init)
            return (interactive, buttons, jsonValue(wrapped, "messageContextInfo", "deviceListMetadataVersion") as? Int)
        }
    }

    /// A native-flow button as received, its parameters parsed.
    struct NativeFlow {
        let name: String
        let parameters: [String: Any]

        init(_ button: [String: Any]) {
            name = button["name"] as? String ?? ""
            let json = Data((button["buttonParamsJSON"] as? String ?? "").utf8)
            parameters = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] ?? [:]
        }
    }

    /// Links a session to `session`'s account and runs `body` with a client of the gateway.
    static func run(
        session: String, phone: String, allowPrivateURLs: Bool = false,
        _ body: @escaping @Sendable (SendRouteWorld, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await LinkingWorld.run(plugins: [try MessagingTests.messagingPluginPath()], allowPrivateURLs: allowPrivateURLs) {
            world in
            try await world.createAccounts([(session, "Sender"), (phone, "Receiver")])
            let token = "tok-\(session)"
            try await world.gateway.test(.router) { client in
                try await world.linkSession(named: "sender-\(session)", token: token, to: session, on: client)
                try await body(SendRouteWorld(world: world, token: token, phone: phone), client)
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    /// Calls `route` with `json` (plus `"Phone"` unless `phoneField` is false), expects WaGo's
    /// `{"Details":"Sent","Timestamp","Id"}`, and returns what the phone received with that id.
    func delivered(
        _ route: String, _ json: String, on client: any TestClientProtocol, phoneField: Bool = true
    ) async throws -> Received {
        let body = phoneField ? #"{"Phone":"\#(phone)","# + json.dropFirst() : json
        let answer = try await client.call(.post, route, token: token, json: body)
        try #require(answer.status == .ok, "\(route): \(answer.object)")
        #expect(answer.data?["Details"] as? String == "Sent", "\(route)")
        #expect((answer.data?["Timestamp"] as? Int ?? 0) > 0, "\(route)")
        let id = try #require(answer.data?["Id"] as? String)
        var received: [String: Any]?
        try await world.waitUntil {
            let inbox = try await world.sandbox(.get, "/sandbox/messages?Phone=\(phone)", nil)
            let messages = inbox.object["Messages"] as? [[String: Any]] ?? []
            received = messages.first { $0["ID"] as? String == id }?["Message"] as? [String: Any]
            return received != nil
        }
        return Received(id: id, message: try #require(received, "\(route): the phone never got \(id)"))
    }
}

extension SendRouteWorld {
    /// `count` bytes of a pattern that differs per `seed`.
    static func file(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) ^ seed }
    }

    static func dataURL(_ mimeType: String, _ bytes: [UInt8]) -> String {
        "data:\(mimeType);base64,\(Data(bytes).base64EncodedString())"
    }

    /// What the phone gets when it downloads the file a received media message points at.
    func phoneDownload(_ type: String, _ media: Any?) async throws -> [UInt8]? {
        let message = try JSONSerialization.data(withJSONObject: try #require(media as? [String: Any], "no media message"))
        let answer = try await world.sandbox(
            .post, "/sandbox/media/download", #"{"Type":"\#(type)","Message":\#(String(decoding: message, as: UTF8.self))}"#)
        #expect(answer.status == .ok, "\(type): \(answer.object)")
        return (answer.object["Data"] as? String).flatMap { Data(base64Encoded: $0) }.map(Array.init)
    }

    /// The encrypted body the sandbox's media host stores for an upload it answered.
    func sandboxStoredFile(_ upload: [String: Any]) throws -> [UInt8] {
        let hash = try #require((upload["FileEncSHA256"] as? String).flatMap { Data(base64Encoded: $0) })
        let name = hash.map { String(format: "%02x", $0) }.joined()
        let file = world.sandboxServer.configuration.dataDirectory.appendingPathComponent("media/\(name).enc")
        return Array(try Data(contentsOf: file))
    }
}

/// One step into parsed JSON: an object key or a list index.
protocol JSONPathStep {}
extension String: JSONPathStep {}
extension Int: JSONPathStep {}

/// The value at `path` inside parsed JSON, or nil when any step is missing.
func jsonValue(_ root: Any?, _ path: any JSONPathStep...) -> Any? { jsonValue(root, path) }

func jsonValue(_ root: Any?, _ path: [any JSONPathStep]) -> Any? {
    path.reduce(root) { current, step in
        switch step {
        case let key as String: (current as? [String: Any])?[key]
        case let index as Int: (current as? [Any]).flatMap { $0.indices.contains(index) ? $0[index] : nil }
        default: nil
        }
    }
}
