/* Refused: the entry point returns NULL (a plugin refusing the host's version). */
#include "fixture.h"

WAGO_EXPORT const wago_plugin_manifest *wago_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return NULL;
}
