/* Refused: exports no wago_plugin_entry, only a misspelled wago_plugin_main. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/missing-entry");
FIXTURE_MANIFEST("fixture-missing-entry");

WAGO_EXPORT const wago_plugin_manifest *wago_plugin_main(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &fixture_manifest;
}
