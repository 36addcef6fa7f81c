/* Loads; conflict_b.c declares the same route, so whichever loads second is refused. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/conflict");
FIXTURE_MANIFEST("fixture-conflict-a");
FIXTURE_ENTRY()
