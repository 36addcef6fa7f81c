/* Refused when plugin-template's hello-c is loaded: declares its route GET /hello-c/ping. */
#include "fixture.h"
FIXTURE_ONE_ROUTE("/hello-c/ping");
FIXTURE_MANIFEST("fixture-route-conflict");
FIXTURE_ENTRY()
