#include "core/memory.hpp"

#include <malloc.h>

#include <thread>

namespace ocms::memory {

void limit_arenas(int arenas) { mallopt(M_ARENA_MAX, arenas); }

void start_trimmer(std::chrono::seconds period) {
    // Detached: it only calls malloc_trim, which is safe at any point, and ends with the process.
    std::thread([period] {
        for (;;) {
            std::this_thread::sleep_for(period);
            malloc_trim(0);
        }
    }).detach();
}

}  // namespace ocms::memory
