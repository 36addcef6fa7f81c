/* Refused: built for ABI 2.0, another major version. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/other-major");
FIXTURE_MANIFEST("fixture-other-major", .header.abi_version = 0x00020000u);
FIXTURE_ENTRY()
