#include "core/memory.hpp"

#include <malloc.h>
#include <pthread.h>

#include <csignal>

#include <thread>

namespace ocms::memory {

void limit_arenas(int arenas) { mallopt(M_ARENA_MAX, arenas); }

void start_trimmer(std::chrono::seconds period) {
    // Detached: it only calls malloc_trim, which is safe at any point, and ends with the process.
    // It takes no signal: a process that waits for its signals in one thread (sigwait, as the
    // worker does) needs every other thread to block them, or SIGTERM kills it on the spot.
    std::thread([period] {
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, nullptr);
        for (;;) {
            std::this_thread::sleep_for(period);
            malloc_trim(0);
        }
    }).detach();
}

}  // namespace ocms::memory
