/* Refused: built for ABI 1.(host minor + 1), newer than the host (built from the same header). */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/newer-minor");
FIXTURE_MANIFEST("fixture-newer-minor", .header.abi_version = WAGO_ABI_VERSION + 1);
FIXTURE_ENTRY()
