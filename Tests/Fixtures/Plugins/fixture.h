/* Boilerplate shared by the plugin fixtures: a plugin is a route table, a manifest and the
   entry point. Each fixture changes one thing, usually by overriding a manifest field:

       FIXTURE_ONE_ROUTE("/fixture/bad-magic");
       FIXTURE_MANIFEST("fixture-bad-magic", .header.magic = 0x4B414221u);
       FIXTURE_ENTRY()

   Build: clang -std=c11 -shared -fPIC -fvisibility=hidden -I Core/PluginABI/include x.c -o x.so */
#ifndef WAGO_FIXTURE_H
#define WAGO_FIXTURE_H

#include "wago_plugin.h"

/* FIXTURE_MANIFEST's trailing designators override its defaults on purpose (valid C11). */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

#define FIXTURE_HEADER(type) {WAGO_ABI_MAGIC, WAGO_ABI_VERSION, sizeof(type), 0}
#define FIXTURE_ROUTE(method, auth, path, handler) {FIXTURE_HEADER(wago_route), method, auth, path, handler}
#define FIXTURE_STR(literal) ((wago_str){literal, sizeof literal - 1})
#define FIXTURE_UNUSED __attribute__((unused))

/* The host's table, STATIC once fixture_init ran. */
static const wago_host_api *fixture_host;

static FIXTURE_UNUSED wago_status fixture_init(const wago_host_api *api, void **state, char *err, size_t err_cap) {
    (void)state;
    (void)err;
    (void)err_cap;
    fixture_host = api;
    return WAGO_OK;
}

/* Answers {"Fixture":true}. */
static FIXTURE_UNUSED void fixture_answer(void *state, const wago_request *request, wago_responder *responder) {
    (void)state;
    (void)request;
    fixture_host->respond_json(responder, 200, FIXTURE_STR("{\"Fixture\":true}"));
}

/* fixture_routes: one route, GET `path` with no auth, answered by fixture_answer. */
#define FIXTURE_ONE_ROUTE(path) \
    static const wago_route fixture_routes[] = {FIXTURE_ROUTE(WAGO_METHOD_GET, WAGO_AUTH_NONE, path, fixture_answer)}

/* fixture_manifest: a valid manifest for fixture_routes; the trailing designators override. */
#define FIXTURE_MANIFEST(plugin_name, ...)                                             \
    static const wago_plugin_manifest fixture_manifest = {                             \
        .header = FIXTURE_HEADER(wago_plugin_manifest),                                \
        .name = plugin_name,                                                           \
        .version = "1.0.0",                                                            \
        .routes = fixture_routes,                                                      \
        .route_count = sizeof fixture_routes / sizeof fixture_routes[0],               \
        .on_init = fixture_init,                                                       \
        __VA_ARGS__}

#define FIXTURE_ENTRY()                                                                 \
    WAGO_EXPORT const wago_plugin_manifest *wago_plugin_entry(uint32_t host_abi_version) { \
        (void)host_abi_version;                                                        \
        return &fixture_manifest;                                                      \
    }

#endif
