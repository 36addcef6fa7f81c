/* hello-c: a WaGo plugin in plain C. GET /hello-c/ping answers {"Pong":true} to anyone.
   Build: ./build.sh, or
   clang -std=c11 -O2 -fPIC -shared -fvisibility=hidden -I Sources/WagoPluginABI/include \
         c/hello_c.c -o libhello_c.so */
#include "wago_plugin.h"

#define HEADER(type) {WAGO_ABI_MAGIC, WAGO_ABI_VERSION, sizeof(type), 0}

static const wago_host_api *host; /* STATIC: valid for the process once on_init ran */

static wago_status hello_init(const wago_host_api *api, void **state, char *err, size_t err_cap) {
    (void)state;
    (void)err;
    (void)err_cap;
    host = api;
    return WAGO_OK;
}

static void ping(void *state, const wago_request *request, wago_responder *responder) {
    (void)state;
    (void)request;
    static const char pong[] = "{\"Pong\":true}";
    host->respond_json(responder, 200, (wago_str){pong, sizeof pong - 1}); /* the host copies it */
}

static const wago_route routes[] = {
    {HEADER(wago_route), WAGO_METHOD_GET, WAGO_AUTH_NONE, "/hello-c/ping", ping},
};

static const wago_plugin_manifest manifest = {
    .header = HEADER(wago_plugin_manifest),
    .name = "hello-c",
    .version = "1.0.0",
    .description = "Answers GET /hello-c/ping with {\"Pong\":true}",
    .runtime_tag = NULL, /* C shares no runtime with the host */
    .routes = routes,
    .route_count = sizeof routes / sizeof routes[0],
    .on_init = hello_init,
};

WAGO_EXPORT const wago_plugin_manifest *wago_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version; /* the host checks compatibility with manifest.header */
    return &manifest;
}
