/* Refused: struct_size ends before on_init, so the manifest lacks a v1.0 field. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/truncated");
FIXTURE_MANIFEST("fixture-truncated-manifest", .header.struct_size = offsetof(wago_plugin_manifest, on_init));
FIXTURE_ENTRY()
