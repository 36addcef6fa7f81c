/* Refused: on_init fails and says why in err. */
#include <stdio.h>

#include "fixture.h"

static wago_status refuse_init(const wago_host_api *api, void **state, char *err, size_t err_cap) {
    (void)api;
    (void)state;
    snprintf(err, err_cap, "fixture-failing-init: no database configured");
    return WAGO_ERR_INTERNAL;
}

FIXTURE_ONE_ROUTE("/fixture/failing-init");
FIXTURE_MANIFEST("fixture-failing-init", .on_init = refuse_init);
FIXTURE_ENTRY()
