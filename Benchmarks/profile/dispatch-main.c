// LD_PRELOAD for SendBenchmark under callgrind: Swift's async main ends in dispatch_main(),
// which exits the main thread with pthread_exit, and callgrind 3.19 crashes on that. This
// dispatch_main serves the main queue from the main thread for ever instead.
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

extern void *_dispatch_get_main_queue_handle_4CF(void);
extern void _dispatch_main_queue_callback_4CF(void *);

void dispatch_main(void) {
    int fd = (int)(intptr_t)_dispatch_get_main_queue_handle_4CF();
    for (;;) {
        struct pollfd ready = {.fd = fd, .events = POLLIN};
        poll(&ready, 1, -1);
        uint64_t wakeups;
        (void)!read(fd, &wakeups, sizeof wakeups);
        _dispatch_main_queue_callback_4CF(NULL);
    }
}
