/* Refused: the manifest's magic is not WAGO_ABI_MAGIC. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/bad-magic");
FIXTURE_MANIFEST("fixture-bad-magic", .header.magic = 0x4B414221u);
FIXTURE_ENTRY()
