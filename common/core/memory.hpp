#pragma once
// Keeping resident size honest in long-running processes (issue 7's memory goals): glibc keeps
// memory a thread freed in that thread's arena, so one large answer (thousands of dead letters)
// on a pool thread would stay resident for good. limit_arenas() caps the arenas (few threads do
// the work); start_trimmer() returns freed memory to the system every `period` (malloc_trim).
#include <chrono>

namespace ocms::memory {

void limit_arenas(int arenas = 2);
void start_trimmer(std::chrono::seconds period = std::chrono::seconds(10));

}  // namespace ocms::memory
