/* Freezes the LP64 layout of every versioned struct of wago_plugin.h: changing a size or an
   offset here is an ABI break and needs a new major version. */
#include "wago_plugin.h"

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
_Static_assert(sizeof(wago_header) == 16, "wago_header");
_Static_assert(sizeof(wago_str) == 16 && sizeof(wago_bytes) == 16, "wago_str/wago_bytes");
_Static_assert(sizeof(wago_pair) == 32, "wago_pair");
_Static_assert(sizeof(wago_request) == 120, "wago_request");
_Static_assert(sizeof(wago_route) == 40, "wago_route");
_Static_assert(sizeof(wago_event_sub) == 32, "wago_event_sub");
_Static_assert(sizeof(wago_plugin_manifest) == 88, "wago_plugin_manifest");
_Static_assert(offsetof(wago_plugin_manifest, on_shutdown) == 80, "manifest v1.0 end");
_Static_assert(offsetof(wago_host_api, kv_delete) == 136, "host api v1.0 end");
/* Host services appended since: each new one extends the table, nothing before it moves. */
_Static_assert(offsetof(wago_host_api, fetch_url) == 144, "host api: fetch_url");
_Static_assert(sizeof(wago_host_api) == 152, "wago_host_api");
#endif
_Static_assert(WAGO_ABI_VERSION == ((WAGO_ABI_VERSION_MAJOR << 16) | WAGO_ABI_VERSION_MINOR),
               "version literals agree");
