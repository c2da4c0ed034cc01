#pragma once
// When to try again, and how long to wait. A plain value, copied into each client; every
// number is a public member so tests (and later settings) can override it.
//
//   RetryPolicy::external_api()  spec 002 section 5.1: waits {0, 5 s, 10 s, 15 s} = 4 attempts.
//   RetryPolicy::internal_api()  spec 004 section 1.4: 3 attempts, exponential from 2 s, x2,
//                                at most 30 s, plus 0-15 % jitter.
//
// What is retried is decided in client.hpp (retriable_status) and transport.hpp (classify).
#include <chrono>
#include <vector>

namespace ocms::http {

struct RetryPolicy {
    enum class Kind { wait_list, exponential };
    Kind kind = Kind::exponential;

    // wait_list: waits[i] is the wait before attempt i + 1; waits.size() is the number of attempts.
    std::vector<std::chrono::milliseconds> waits;

    // exponential: before retry k (k = 1 for the 2nd attempt) the base wait is
    // min(initial_delay * multiplier^(k-1), max_delay); jitter adds u * max_jitter of it
    // (u uniform in [0, 1)); the result never exceeds max_delay (the spec's "maximum retry delay").
    int max_attempts = 3;
    std::chrono::milliseconds initial_delay{2'000};
    std::chrono::milliseconds max_delay{30'000};
    double multiplier = 2.0;
    double max_jitter = 0.15;

    static RetryPolicy external_api();
    static RetryPolicy internal_api();
    static RetryPolicy wait_list(std::vector<std::chrono::milliseconds> waits);
    static RetryPolicy exponential(int attempts, std::chrono::milliseconds initial, std::chrono::milliseconds max,
                                   double multiplier = 2.0, double max_jitter = 0.15);
    // One attempt, no wait (the token fetch inside a refresh loop, for example).
    static RetryPolicy none() { return wait_list({std::chrono::milliseconds{0}}); }

    int attempts() const;
    // The wait before attempt `attempt` (1-based; attempt 1 is the first call). u in [0, 1) is
    // the jitter draw (ignored by wait_list). Pure, so it is tested directly.
    std::chrono::milliseconds wait_before(int attempt, double u) const;
};

}  // namespace ocms::http
