#pragma once
// What the chaos driver sent and what it was told: one RequestRecord per HTTP request of the load,
// the per-notice answer of each (live, then fetched with /v1/request-outcome), and the notices
// whose suspension is confirmed, ready for a revival request.
//
// Lifecycle: the load adds a record before it sends, and completes it when the answer (or the lack
// of one) is known; the outcome fetcher completes pending items; the verification reads copies
// after the load has stopped.
// Threading: every member function takes the one mutex; records leave as copies.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::chaos {

using Clock = std::chrono::steady_clock;

inline constexpr std::string_view kSuccess = "OCMS-2000";
inline constexpr std::string_view kPending = "OCMS-2002";
// The edge's per-notice answer for a command the broker did not take (batch_response.hpp).
inline constexpr std::string_view kNotQueuedMessage = "Command could not be queued; please retry";

enum class Kind { suspend, revive };
const char* kind_name(Kind k);
// The command type the worker records in its inbox for a kind.
const char* command_type(Kind k);

// How a request ended at the client.
enum class Fate {
    in_flight,
    refused,   // no TCP connection (the edge is down): not accepted, must change nothing
    cut,       // connected, then the connection ended without an answer (the edge was killed)
    answered,  // an HTTP response; status says which
};
const char* fate_name(Fate f);

// One notice of a request.
enum class ItemState {
    unknown,     // no answer names it (yet): a cut request, or a pending one not fetched yet
    pending,     // OCMS-2002: on the topic, the worker's answer comes later
    not_queued,  // OCMS-5000 "could not be queued": not accepted, must change nothing
    final_,      // the worker's answer (live or fetched): app_code
};

struct Item {
    std::string notice;
    ItemState state = ItemState::unknown;
    std::string app_code;
    std::string message;
    bool fetched = false;  // the final answer came from /v1/request-outcome
};

struct RequestRecord {
    std::size_t index = 0;
    Kind kind = Kind::suspend;
    std::string request_id;  // sent as X-Request-Id, so even a cut request can be looked up
    std::string phase;       // the fault window it was sent in
    Clock::time_point sent{}, ended{};
    Fate fate = Fate::in_flight;
    int status = 0;
    std::string error;  // transport error, or what was wrong with the answer
    std::vector<Item> items;
    // /v1/request-outcome
    bool outcome_done = false;  // nothing left to fetch
    bool fetching = false;
    Clock::time_point last_fetch{};
    int fetches = 0;
    std::string outcome_status;  // COMPLETE, PENDING, UNKNOWN (last answer)

    bool accepted_all_final_success() const;  // answered 200, every item final OCMS-2000
};

// Counters for the progress line.
struct Tally {
    std::size_t sent = 0, in_flight = 0, answered = 0, ok = 0, with_pending = 0, outcome_open = 0, refused = 0,
                cut = 0, not_queued_items = 0, http_errors = 0, unexpected_codes = 0;
};

class Ledger {
public:
    // Adds a record (index assigned here) and returns its index.
    std::size_t add(RequestRecord r);
    // The transport outcome of a load request: refused / cut (error text) or an HTTP answer.
    void finish(std::size_t index, Fate fate, int status, std::string_view body, std::string error);
    // Records whose outcome should be fetched now (not in flight, not fetched in the last
    // min_gap); marks them fetching.
    std::vector<std::pair<std::size_t, std::string>> due_for_outcome(Clock::duration min_gap, std::size_t max);
    // A /v1/request-outcome answer (status 200 body), or a failed fetch (body empty).
    void outcome(std::size_t index, int status, std::string_view body, bool final_fetch);
    // After the load and the drain: cut records with items never named are closed for good.
    void close_unresolved();

    void set_phase(std::string phase);
    std::string phase() const;

    // Notices whose suspension a worker confirmed (OCMS-2000), oldest first, for revivals.
    std::vector<std::string> take_suspended(std::size_t n);
    std::size_t suspended_waiting() const;

    // The first answer after `since` that was a full success, with its time.
    std::optional<Clock::time_point> first_full_success_after(Clock::time_point since) const;

    Tally tally() const;
    std::size_t open_outcomes() const;
    std::vector<RequestRecord> snapshot() const;

private:
    void confirmed_locked(const RequestRecord& r, const Item& item);
    mutable std::mutex mu_;
    std::vector<RequestRecord> records_;
    std::deque<std::string> suspended_;
    std::string phase_ = "warm-up";
};

}  // namespace ocms::chaos
