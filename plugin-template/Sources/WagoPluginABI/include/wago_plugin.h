/*
 * wago_plugin.h: the WaGo plugin ABI, version 1.0.
 *
 * This header is the single source of truth for every plugin, in any language. It depends on
 * the C standard library headers below and nothing else. docs/plugin-abi.md explains it.
 *
 * Stability rules
 *   - Every versioned struct starts with a wago_header {magic, abi_version, struct_size}.
 *     The reader copies min(struct_size, sizeof) into a zeroed struct, so fields may only be
 *     appended, never reordered, resized or removed. A field appended in minor version N is
 *     present when WAGO_HAS_FIELD(ptr, type, field) holds.
 *   - The host refuses a plugin built for another major version or a newer minor version.
 *   - wago_host_api is append-only: new host services are added at its end.
 *
 * Ownership (the words used below)
 *   BORROWED   host -> plugin data, valid only until the call (or callback) returns.
 *              Copy it to keep it.
 *   COPIED     plugin -> host data; the host copies it before the call returns, so the
 *              plugin may free or reuse it right after.
 *   STATIC     plugin memory that must stay valid for the life of the process (manifest,
 *              route and event tables, their strings). Plugins are never unloaded.
 *   HANDLE     an opaque host object; valid as documented on the function that hands it out.
 *   Nothing is ever freed across the boundary.
 *
 * Threading
 *   Route handlers, event handlers and completions run concurrently on any host thread.
 *   They must not block: a handler that waits for WhatsApp returns at once and answers later
 *   through its responder, from any thread.
 */
#ifndef WAGO_PLUGIN_H
#define WAGO_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Literals, not expressions, so that Swift imports them (ClangImporter drops `a<<16|b`). */
#define WAGO_ABI_MAGIC 0x4F474157u         /* "WAGO" read as a little-endian uint32 */
#define WAGO_ABI_VERSION 0x00010001u       /* (major << 16) | minor */
#define WAGO_ABI_VERSION_MAJOR 1u
#define WAGO_ABI_VERSION_MINOR 1u

#if defined(_WIN32)
#define WAGO_EXPORT __declspec(dllexport)
#else
#define WAGO_EXPORT __attribute__((visibility("default")))
#endif

/* True when a struct read from the other side is large enough to hold `field`. */
#define WAGO_HAS_FIELD(ptr, type, field) \
    ((ptr)->header.struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ---------------------------------------------------------------------------------------- */
/* Plain values (not versioned: their layout never changes).                                */

/* Result of a host or plugin call. 0 is success; every other value is an error. */
typedef int32_t wago_status;
enum {
    WAGO_OK = 0,
    WAGO_ERR_INVALID_ARGUMENT = 1, /* a malformed or missing argument */
    WAGO_ERR_NOT_FOUND = 2,        /* no such key, session, chat or resource */
    WAGO_ERR_NOT_CONNECTED = 3,    /* the session has no connected, logged-in WhatsApp client */
    WAGO_ERR_UNSUPPORTED = 4,      /* this host does not offer the service */
    WAGO_ERR_TIMEOUT = 5,          /* WhatsApp did not answer in time */
    WAGO_ERR_REMOTE = 6,           /* WhatsApp answered with an error */
    WAGO_ERR_ALREADY_DONE = 7,     /* a responder that was already answered */
    WAGO_ERR_INTERNAL = 8          /* anything else; the message says what */
};

/* UTF-8 text, not NUL-terminated. Ownership is given where it is used. */
typedef struct wago_str {
    const char *ptr;
    size_t len;
} wago_str;

/* Raw bytes. Ownership is given where it is used. */
typedef struct wago_bytes {
    const uint8_t *ptr;
    size_t len;
} wago_bytes;

/* A name/value pair: a header, a query item or a path parameter. */
typedef struct wago_pair {
    wago_str name;
    wago_str value;
} wago_pair;

/* Leads every versioned struct. abi_version is the WAGO_ABI_VERSION the writer was built with. */
typedef struct wago_header {
    uint32_t magic;
    uint32_t abi_version;
    uint32_t struct_size;
    uint32_t reserved; /* zero */
} wago_header;

typedef enum wago_method {
    WAGO_METHOD_GET = 1,
    WAGO_METHOD_POST = 2,
    WAGO_METHOD_PUT = 3,
    WAGO_METHOD_DELETE = 4,
    WAGO_METHOD_PATCH = 5
} wago_method;

/* Who may call a route. The host checks it before the handler runs. */
typedef enum wago_auth {
    WAGO_AUTH_NONE = 0,    /* anyone */
    WAGO_AUTH_SESSION = 1, /* a valid session token (`token` header or ?token=) */
    WAGO_AUTH_ADMIN = 2    /* the admin token (`admintoken` header) */
} wago_auth;

typedef enum wago_log_level {
    WAGO_LOG_DEBUG = 0,
    WAGO_LOG_INFO = 1,
    WAGO_LOG_WARNING = 2,
    WAGO_LOG_ERROR = 3
} wago_log_level;

/* Opaque host objects. */
typedef struct wago_host wago_host;           /* HANDLE: one per plugin, valid for the process */
/* HANDLE for one request's answer. Answer it once; a later answer (or one after the host timed
   the request out with 504) returns WAGO_ERR_ALREADY_DONE and does nothing. */
typedef struct wago_responder wago_responder;

/* ---------------------------------------------------------------------------------------- */
/* Requests.                                                                                 */

/* BORROWED for the handler call, with everything it points to. */
typedef struct wago_request {
    wago_header header;
    uint32_t method;              /* wago_method */
    uint32_t route_index;         /* index of the matched route in the manifest's route table */
    wago_str path;                /* the request path, e.g. "/group/info" */
    wago_str session;             /* the caller's session id for WAGO_AUTH_SESSION routes, else
                                     empty. An opaque, stable id: never the token. */
    wago_bytes body;              /* the request body (JSON for WaGo routes) */
    const wago_pair *path_params; /* values of ":name" segments of the route's path */
    size_t path_param_count;
    const wago_pair *query;       /* decoded query items */
    size_t query_count;
    const wago_pair *headers;     /* request headers, names in lower case; tokens removed */
    size_t header_count;
} wago_request;

/*
 * A route handler. It must answer exactly once through one of the host's respond_* functions
 * with `responder`, before returning or later from any thread. The request is BORROWED: a
 * handler that answers later copies what it needs first.
 */
typedef void (*wago_route_handler)(void *plugin_state, const wago_request *request,
                                   wago_responder *responder);

/* ---------------------------------------------------------------------------------------- */
/* Host services.                                                                            */

/*
 * Completion of an asynchronous host service. Called exactly once for every call of a service
 * that takes one, possibly before the service call returns, from any thread.
 *   status == WAGO_OK: `result` is the service's result (JSON text, or raw bytes for
 *                      download_media).
 *   otherwise:         `result` is a UTF-8 message saying what failed.
 * `result` is BORROWED for the callback.
 */
typedef void (*wago_completion)(void *context, wago_status status, wago_bytes result);

/* Receives a value read synchronously from host storage. `value` is BORROWED for the call. */
typedef void (*wago_visitor)(void *context, wago_bytes value);

/*
 * The host's function table. STATIC for the plugin: it stays valid for the process.
 * APPEND-ONLY: new services go at the end, guarded by WAGO_HAS_FIELD.
 * `session` arguments are session ids as given in wago_request.session.
 * JSON forms: WAProto messages use the protobuf JSON mapping; binary nodes use
 * {"tag":"iq","attrs":{...},"content":[...] | "text" | {"bytes":"<base64>"}} with JIDs as strings.
 * Every string and byte argument is COPIED by the host.
 */
typedef struct wago_host_api {
    wago_header header;
    wago_host *host; /* pass back to the functions below that take one */

    void (*log)(wago_host *host, int32_t level, wago_str message);

    /* Answers a request. Each returns WAGO_ERR_ALREADY_DONE when the responder was answered. */
    /* 2xx/4xx/5xx with WaGo's envelope: {"code":status,"data":<data_json>,"success":true}. */
    wago_status (*respond_json)(wago_responder *responder, uint16_t status, wago_str data_json);
    /* {"code":status,"error":message,"success":false}. */
    wago_status (*respond_error)(wago_responder *responder, uint16_t status, wago_str message);
    /* A body sent as it is, e.g. a media download. */
    wago_status (*respond_raw)(wago_responder *responder, uint16_t status, wago_str content_type,
                               wago_bytes body);

    /* Sends a WAProto Message (JSON) to a chat. Result: {"ID":"...","Timestamp":<unix s>}.
       options_json may be empty or {"ID":"<message id to use>"}. */
    void (*send_message)(wago_host *host, wago_str session, wago_str chat_jid,
                         wago_str message_json, wago_str options_json, wago_completion done,
                         void *context);
    /* Sends an <iq> node (its id is filled in when absent) and completes with the response node. */
    void (*send_iq)(wago_host *host, wago_str session, wago_str node_json, uint32_t timeout_ms,
                    wago_completion done, void *context);
    /* Sends any node; completes with {} once it is written to the socket. */
    void (*send_node)(wago_host *host, wago_str session, wago_str node_json, wago_completion done,
                      void *context);
    /* Encrypts and uploads media. media_type: image, video, audio, document, sticker, ...
       Result: {"URL","DirectPath","MediaKey","FileEncSHA256","FileSHA256","FileLength"}
       (bytes as base64). */
    void (*upload_media)(wago_host *host, wago_str session, wago_str media_type, wago_bytes data,
                         wago_completion done, void *context);
    /* Downloads and decrypts media described by a WAProto media message (JSON), e.g. an
       ImageMessage. Result: the plaintext bytes. */
    void (*download_media)(wago_host *host, wago_str session, wago_str media_message_json,
                           wago_completion done, void *context);
    /* Applies an app-state mutation: {"Index":[...],"Value":{SyncActionValue JSON},
       "Collection":"regular_high"|...}. Result: {}. */
    void (*apply_app_state)(wago_host *host, wago_str session, wago_str mutation_json,
                            wago_completion done, void *context);
    /* Resolves phone numbers and LIDs: {"Phones":["5511..."],"LIDs":["123@lid"]}.
       Result: {"Users":[{"Query","JID","LID","IsOnWhatsApp"}]}. */
    void (*resolve_users)(wago_host *host, wago_str session, wago_str query_json,
                          wago_completion done, void *context);

    /* Publishes an event to the session's subscribers (webhooks, other plugins).
       event_json is the event object; the host wraps it as {"type":..., "event":...}.
       Synchronous: when the session's webhook takes the type, the event is stored in the
       webhook outbox before this returns. WAGO_ERR_INTERNAL: it could not be stored and will
       not reach the webhook (the plugin may retry or report it). */
    wago_status (*emit_event)(wago_host *host, wago_str session, wago_str event_type,
                              wago_str event_json);

    /* Key-value storage private to this plugin and one session (an empty session means the
       plugin's global space). Local and synchronous. kv_get calls `visit` once with the value
       and returns WAGO_OK, or returns WAGO_ERR_NOT_FOUND without calling it. */
    wago_status (*kv_get)(wago_host *host, wago_str session, wago_str key, wago_visitor visit,
                          void *context);
    wago_status (*kv_set)(wago_host *host, wago_str session, wago_str key, wago_bytes value);
    wago_status (*kv_delete)(wago_host *host, wago_str session, wago_str key);

    /* Appended in 1.1 (check WAGO_HAS_FIELD(api, wago_host_api, fetch_url)).
       GETs an http(s) URL under the server's outbound URL policy: loopback, private and
       link-local destinations are refused (also after DNS resolution) unless the server runs
       with WAGO_ALLOW_PRIVATE_URLS=1; redirects are not followed. `session` may be empty; when
       given it must name a session. At most max_bytes of body are accepted (0, or more than the
       host's own limit of 100 MiB, means that limit); a longer body fails the call.
       Result: {"ContentType":"<the Content-Type header, or empty>","Data":"<body, base64>"}
       for a 2xx answer; any other status fails the call (WAGO_ERR_NOT_FOUND for 404). */
    void (*fetch_url)(wago_host *host, wago_str session, wago_str url, uint64_t max_bytes,
                      wago_completion done, void *context);
} wago_host_api;

/* ---------------------------------------------------------------------------------------- */
/* What a plugin declares. All STATIC.                                                       */

typedef struct wago_route {
    wago_header header;
    uint32_t method;            /* wago_method */
    uint32_t auth;              /* wago_auth */
    const char *path;           /* "/group/info"; a segment ":name" is a parameter */
    wago_route_handler handler;
} wago_route;

/* Called for each event of `event_type` ("*" for all) on any session. Arguments BORROWED. */
typedef void (*wago_event_handler)(void *plugin_state, wago_str session, wago_str event_type,
                                   wago_str event_json);

typedef struct wago_event_sub {
    wago_header header;
    const char *event_type;     /* "Message", "ReadReceipt", ..., or "*" */
    wago_event_handler handler;
} wago_event_sub;

/*
 * on_init receives the host table (STATIC) and may set *state; the host passes that state to
 * every handler. On failure it returns non-zero and writes a NUL-terminated reason into err
 * (at most err_cap bytes, host-owned).
 */
typedef wago_status (*wago_init_fn)(const wago_host_api *api, void **state, char *err,
                                    size_t err_cap);
typedef void (*wago_shutdown_fn)(void *state);

typedef struct wago_plugin_manifest {
    wago_header header;
    const char *name;          /* [a-z0-9_-]{1,64}, unique among loaded plugins */
    const char *version;       /* the plugin's own version, e.g. "1.2.0" */
    const char *description;   /* one line, may be NULL */
    const char *runtime_tag;   /* "swift-<compiler version>" for Swift plugins, NULL for C */
    const wago_route *routes;  /* route_count elements, each header.struct_size bytes apart */
    uint32_t route_count;
    uint32_t event_count;
    const wago_event_sub *events; /* event_count elements, each header.struct_size bytes apart */
    wago_init_fn on_init;         /* required */
    wago_shutdown_fn on_shutdown; /* may be NULL; no unload follows */
} wago_plugin_manifest;

/*
 * The one required export. The host passes its own WAGO_ABI_VERSION; the plugin returns its
 * STATIC manifest, or NULL to refuse that host.
 */
typedef const wago_plugin_manifest *(*wago_plugin_entry_fn)(uint32_t host_abi_version);
#define WAGO_PLUGIN_ENTRY_SYMBOL "wago_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif /* WAGO_PLUGIN_H */
