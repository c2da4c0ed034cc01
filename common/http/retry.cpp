#include "http/retry.hpp"

#include <algorithm>
#include <cmath>

namespace ocms::http {

using std::chrono::milliseconds;

RetryPolicy RetryPolicy::external_api() {
    return wait_list({milliseconds{0}, milliseconds{5'000}, milliseconds{10'000}, milliseconds{15'000}});
}

RetryPolicy RetryPolicy::internal_api() { return exponential(3, milliseconds{2'000}, milliseconds{30'000}, 2.0, 0.15); }

RetryPolicy RetryPolicy::wait_list(std::vector<milliseconds> waits) {
    RetryPolicy p;
    p.kind = Kind::wait_list;
    p.waits = std::move(waits);
    return p;
}

RetryPolicy RetryPolicy::exponential(int attempts, milliseconds initial, milliseconds max, double multiplier,
                                     double max_jitter) {
    RetryPolicy p;
    p.kind = Kind::exponential;
    p.max_attempts = attempts;
    p.initial_delay = initial;
    p.max_delay = max;
    p.multiplier = multiplier;
    p.max_jitter = max_jitter;
    return p;
}

int RetryPolicy::attempts() const {
    int n = kind == Kind::wait_list ? static_cast<int>(waits.size()) : max_attempts;
    return std::max(n, 1);  // a policy always makes the call at least once
}

milliseconds RetryPolicy::wait_before(int attempt, double u) const {
    if (attempt < 1) return milliseconds{0};
    if (kind == Kind::wait_list) {
        auto i = static_cast<std::size_t>(attempt - 1);
        return i < waits.size() ? std::max(waits[i], milliseconds{0}) : milliseconds{0};
    }
    if (attempt == 1) return milliseconds{0};
    const double cap = static_cast<double>(std::max(max_delay.count(), milliseconds::rep{0}));
    double base = static_cast<double>(initial_delay.count()) * std::pow(multiplier, attempt - 2);
    base = std::clamp(base, 0.0, cap);  // also tames inf/overflow for large attempt numbers
    u = std::clamp(u, 0.0, 1.0);
    double with_jitter = std::min(base * (1.0 + u * std::max(max_jitter, 0.0)), cap);
    return milliseconds{static_cast<milliseconds::rep>(std::llround(with_jitter))};
}

}  // namespace ocms::http
