/* Refused: claims a Swift runtime ("swift-0.0") that is not the host's. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/wrong-runtime");
FIXTURE_MANIFEST("fixture-wrong-runtime", .runtime_tag = "swift-0.0");
FIXTURE_ENTRY()
