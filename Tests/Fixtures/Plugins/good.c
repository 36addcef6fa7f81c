/* A valid plugin, "fixture-good":
     GET  /fixture/hello  (no auth)  answers {"Hello":"world"} at once;
     POST /fixture/later  (session)  answers later, from another thread:
                                     {"Session":"<session id>","Body":<the request body>}
                                     (the body must be JSON; session ids need no escaping);
     GET  /fixture/admin  (admin)    answers {"Admin":true};
   and for every "Message" event it emits a "FixtureSeen" event with the same JSON. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

static void hello(void *state, const wago_request *request, wago_responder *responder) {
    (void)state;
    (void)request;
    fixture_host->respond_json(responder, 200, FIXTURE_STR("{\"Hello\":\"world\"}"));
}

static void admin(void *state, const wago_request *request, wago_responder *responder) {
    (void)state;
    (void)request;
    fixture_host->respond_json(responder, 200, FIXTURE_STR("{\"Admin\":true}"));
}

/* The request is BORROWED, so the answer is built before the handler returns. */
struct later_answer {
    wago_responder *responder;
    size_t length;
    char json[];
};

static void *answer_later(void *argument) {
    struct later_answer *answer = argument;
    nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    fixture_host->respond_json(answer->responder, 200, (wago_str){answer->json, answer->length});
    free(answer);
    return NULL;
}

static void later(void *state, const wago_request *request, wago_responder *responder) {
    (void)state;
    static const char format[] = "{\"Session\":\"%.*s\",\"Body\":%.*s}";
    size_t capacity = sizeof format + request->session.len + request->body.len;
    struct later_answer *answer = malloc(sizeof *answer + capacity);
    pthread_t thread;
    if (answer == NULL) {
        fixture_host->respond_error(responder, 500, FIXTURE_STR("out of memory"));
        return;
    }
    answer->responder = responder;
    answer->length = (size_t)snprintf(answer->json, capacity, format, (int)request->session.len,
                                      request->session.ptr, (int)request->body.len, (const char *)request->body.ptr);
    if (pthread_create(&thread, NULL, answer_later, answer) != 0) {
        fixture_host->respond_error(responder, 500, FIXTURE_STR("cannot start a thread"));
        free(answer);
        return;
    }
    pthread_detach(thread);
}

static void on_message(void *state, wago_str session, wago_str event_type, wago_str event_json) {
    (void)state;
    (void)event_type;
    fixture_host->emit_event(fixture_host->host, session, FIXTURE_STR("FixtureSeen"), event_json);
}

static const wago_route fixture_routes[] = {
    FIXTURE_ROUTE(WAGO_METHOD_GET, WAGO_AUTH_NONE, "/fixture/hello", hello),
    FIXTURE_ROUTE(WAGO_METHOD_POST, WAGO_AUTH_SESSION, "/fixture/later", later),
    FIXTURE_ROUTE(WAGO_METHOD_GET, WAGO_AUTH_ADMIN, "/fixture/admin", admin),
};

static const wago_event_sub events[] = {
    {FIXTURE_HEADER(wago_event_sub), "Message", on_message},
};

FIXTURE_MANIFEST("fixture-good", .description = "test fixture: immediate, later and admin routes",
                 .events = events, .event_count = sizeof events / sizeof events[0]);
FIXTURE_ENTRY()
