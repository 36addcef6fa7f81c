/* Refused after conflict_a.c: declares the same route, GET /fixture/conflict. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/fixture/conflict");
FIXTURE_MANIFEST("fixture-conflict-b");
FIXTURE_ENTRY()
