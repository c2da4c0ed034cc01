#include "ledger.hpp"

#include "json/json.hpp"

#include <algorithm>

namespace ocms::chaos {

const char* kind_name(Kind k) { return k == Kind::suspend ? "suspend" : "revive"; }
const char* command_type(Kind k) { return k == Kind::suspend ? "suspension.apply" : "revival.apply"; }

const char* fate_name(Fate f) {
    switch (f) {
        case Fate::in_flight: return "in flight";
        case Fate::refused: return "refused";
        case Fate::cut: return "cut";
        case Fate::answered: return "answered";
    }
    return "?";
}

bool RequestRecord::accepted_all_final_success() const {
    if (fate != Fate::answered || status != 200 || items.empty()) return false;
    return std::all_of(items.begin(), items.end(),
                       [](const Item& i) { return i.state == ItemState::final_ && i.app_code == kSuccess; });
}

namespace {

bool has(const RequestRecord& r, ItemState s) {
    return std::any_of(r.items.begin(), r.items.end(), [s](const Item& i) { return i.state == s; });
}

Item* item_for(RequestRecord& r, std::string_view notice) {
    for (auto& i : r.items)
        if (i.notice == notice) return &i;
    return nullptr;
}

// The "results" of a batch answer or of /v1/request-outcome: notice -> (appCode, message).
struct Result {
    std::string notice, code, message;
};
std::optional<std::vector<Result>> results_of(const json::Value& doc) {
    const json::Value* list = json::get_array(doc, "results");
    if (!list) return std::nullopt;
    std::vector<Result> out;
    for (const auto& v : list->GetArray()) {
        if (!v.IsObject()) return std::nullopt;
        out.push_back({std::string(json::get_string(v, "noticeNo").value_or("")),
                       std::string(json::get_string(v, "appCode").value_or("")),
                       std::string(json::get_string(v, "message").value_or(""))});
    }
    return out;
}

}  // namespace

std::size_t Ledger::add(RequestRecord r) {
    std::lock_guard lk(mu_);
    r.index = records_.size();
    records_.push_back(std::move(r));
    return records_.size() - 1;
}

void Ledger::confirmed_locked(const RequestRecord& r, const Item& item) {
    if (r.kind == Kind::suspend && item.state == ItemState::final_ && item.app_code == kSuccess)
        suspended_.push_back(item.notice);
}

void Ledger::finish(std::size_t index, Fate fate, int status, std::string_view body, std::string error) {
    std::lock_guard lk(mu_);
    auto& r = records_.at(index);
    r.fate = fate;
    r.status = status;
    r.ended = Clock::now();
    r.error = std::move(error);
    if (fate == Fate::refused) {
        r.outcome_done = true;  // nothing reached the edge; the verification checks that
        return;
    }
    if (fate != Fate::answered) return;  // cut: its outcome is fetched by request id
    if (status != 200 && status != 202) {
        r.error = "HTTP " + std::to_string(status) + ": " + std::string(body.substr(0, 300));
        return;
    }
    auto doc = json::parse(body);
    auto results = doc ? results_of(*doc) : std::nullopt;
    if (!results || results->size() != r.items.size()) {
        r.error = "answer without one result per notice: " + std::string(body.substr(0, 300));
        return;
    }
    for (const auto& res : *results) {
        Item* item = item_for(r, res.notice);
        if (!item) {
            r.error = "answer names a notice not in the request: " + res.notice;
            continue;
        }
        item->app_code = res.code;
        item->message = res.message;
        if (res.code == kPending) item->state = ItemState::pending;
        else if (res.message == kNotQueuedMessage) item->state = ItemState::not_queued;
        else item->state = ItemState::final_;
        confirmed_locked(r, *item);
    }
    r.outcome_done = !has(r, ItemState::pending) && !has(r, ItemState::unknown);
}

std::vector<std::pair<std::size_t, std::string>> Ledger::due_for_outcome(Clock::duration min_gap, std::size_t max) {
    std::lock_guard lk(mu_);
    std::vector<std::pair<std::size_t, std::string>> out;
    const auto now = Clock::now();
    for (auto& r : records_) {
        if (out.size() >= max) break;
        if (r.outcome_done || r.fetching || r.fate == Fate::in_flight || r.fate == Fate::refused) continue;
        if (r.fetches > 0 && now - r.last_fetch < min_gap) continue;
        r.fetching = true;
        out.emplace_back(r.index, r.request_id);
    }
    return out;
}

void Ledger::outcome(std::size_t index, int status, std::string_view body, bool final_fetch) {
    std::lock_guard lk(mu_);
    auto& r = records_.at(index);
    r.fetching = false;
    r.last_fetch = Clock::now();
    ++r.fetches;
    if (status != 200) return;  // the edge or the database is down: later
    auto doc = json::parse(body);
    if (!doc) return;
    r.outcome_status = std::string(json::get_string(*doc, "status").value_or(""));
    if (auto results = results_of(*doc)) {
        for (const auto& res : *results) {
            Item* item = item_for(r, res.notice);
            if (!item || item->state == ItemState::final_ || item->state == ItemState::not_queued) continue;
            item->state = ItemState::final_;
            item->app_code = res.code;
            item->message = res.message;
            item->fetched = true;
            confirmed_locked(r, *item);
        }
    }
    r.outcome_done = !has(r, ItemState::pending) &&
                     (!has(r, ItemState::unknown) || r.outcome_status == "COMPLETE" || final_fetch);
}

void Ledger::close_unresolved() {
    std::lock_guard lk(mu_);
    for (auto& r : records_) r.outcome_done = true;
}

void Ledger::set_phase(std::string phase) {
    std::lock_guard lk(mu_);
    phase_ = std::move(phase);
}

std::string Ledger::phase() const {
    std::lock_guard lk(mu_);
    return phase_;
}

std::vector<std::string> Ledger::take_suspended(std::size_t n) {
    std::lock_guard lk(mu_);
    std::vector<std::string> out;
    while (out.size() < n && !suspended_.empty()) {
        out.push_back(std::move(suspended_.front()));
        suspended_.pop_front();
    }
    return out;
}

std::size_t Ledger::suspended_waiting() const {
    std::lock_guard lk(mu_);
    return suspended_.size();
}

std::optional<Clock::time_point> Ledger::first_full_success_after(Clock::time_point since) const {
    std::lock_guard lk(mu_);
    std::optional<Clock::time_point> best;
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
        if (it->sent < since) break;  // records are in sending order
        if (it->accepted_all_final_success() && (!best || it->ended < *best)) best = it->ended;
    }
    return best;
}

Tally Ledger::tally() const {
    std::lock_guard lk(mu_);
    Tally t;
    t.sent = records_.size();
    for (const auto& r : records_) {
        switch (r.fate) {
            case Fate::in_flight: ++t.in_flight; break;
            case Fate::refused: ++t.refused; break;
            case Fate::cut: ++t.cut; break;
            case Fate::answered:
                ++t.answered;
                if (r.status != 200 && r.status != 202) ++t.http_errors;
                break;
        }
        if (r.accepted_all_final_success()) ++t.ok;
        if (r.fate == Fate::answered && r.status == 202) ++t.with_pending;
        if (has(r, ItemState::pending)) ++t.outcome_open;
        for (const auto& i : r.items) {
            if (i.state == ItemState::not_queued) ++t.not_queued_items;
            if (i.state == ItemState::final_ && i.app_code != kSuccess) ++t.unexpected_codes;
        }
    }
    return t;
}

std::size_t Ledger::open_outcomes() const {
    std::lock_guard lk(mu_);
    return std::size_t(std::count_if(records_.begin(), records_.end(),
                                     [](const RequestRecord& r) { return has(r, ItemState::pending); }));
}

std::vector<RequestRecord> Ledger::snapshot() const {
    std::lock_guard lk(mu_);
    return records_;
}

}  // namespace ocms::chaos
