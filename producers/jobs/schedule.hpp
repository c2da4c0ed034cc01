#pragma once
// When a daily job runs next: at a Singapore wall-clock time ("00:05"), the first such moment
// strictly after `after`. Pure, so the scheduler's clock logic is unit-tested.
#include "core/time.hpp"

#include <optional>
#include <string_view>

namespace ocms::jobs {

struct DailyAt {
    int hour = 0;
    int minute = 5;
};

// "HH:MM" (00:00 - 23:59); nullopt for anything else.
std::optional<DailyAt> parse_daily_at(std::string_view s);
TimePoint next_daily_run(TimePoint after, DailyAt at);

}  // namespace ocms::jobs
