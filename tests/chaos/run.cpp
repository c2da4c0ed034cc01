#include "run.hpp"

#include "core/log.hpp"
#include "fixtures.hpp"
#include "ledger.hpp"
#include "load.hpp"
#include "messages/messages.hpp"
#include "support.hpp"
#include "verify.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

namespace ocms::chaos {

using namespace std::chrono_literals;

namespace {

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// One kill and its recovery.
struct Fault {
    Part part;
    int number = 0;  // 1, 2, ... over the run
    std::string label;
    Killed killed;
    Clock::time_point killing{};  // kill9 called
    Clock::time_point at{};       // kill9 returned
    double down_s = 0;
    Restarted restart;
    Clock::time_point restarted{};
    std::optional<double> first_full_answer_s;  // after the kill
};

// Prints a progress line every `every` until stopped.
class Progress {
public:
    Progress(const Ledger& ledger, const Load& load, std::chrono::seconds every)
        : ledger_(ledger), load_(load), every_(every), t0_(Clock::now()), thread_([this] { loop(); }) {}
    ~Progress() {
        {
            std::lock_guard lk(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

private:
    void loop() {
        std::unique_lock lk(mu_);
        while (!cv_.wait_for(lk, every_, [this] { return stop_; })) {
            auto t = ledger_.tally();
            log::info("progress", {{"t", fixed1(seconds_between(t0_, Clock::now()))},
                                   {"sent", std::to_string(t.sent)},
                                   {"answered", std::to_string(t.answered)},
                                   {"allOk", std::to_string(t.ok)},
                                   {"pendingAnswers", std::to_string(t.with_pending)},
                                   {"pendingOpen", std::to_string(t.outcome_open)},
                                   {"inFlight", std::to_string(t.in_flight)},
                                   {"notQueuedNotices", std::to_string(t.not_queued_items)},
                                   {"refused", std::to_string(t.refused)},
                                   {"cut", std::to_string(t.cut)},
                                   {"errors", std::to_string(t.http_errors + t.unexpected_codes)},
                                   {"starved", std::to_string(load_.starved())},
                                   {"fault", ledger_.phase()}});
        }
    }
    const Ledger& ledger_;
    const Load& load_;
    const std::chrono::seconds every_;
    const Clock::time_point t0_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

template <class Pred>
std::optional<double> wait_until(Pred pred, std::chrono::seconds timeout, std::chrono::milliseconds step = 200ms) {
    auto t0 = Clock::now();
    while (true) {
        if (pred()) return seconds_between(t0, Clock::now());
        if (Clock::now() - t0 >= timeout) return std::nullopt;
        std::this_thread::sleep_for(step);
    }
}

Fault inject(Part part, int number, std::chrono::milliseconds down, const Options& o, Ledger& ledger) {
    Fault f;
    f.part = part;
    f.number = number;
    f.label = std::string(part_name(part)) + " #" + std::to_string(number);
    ledger.set_phase(f.label + " down");
    f.killing = Clock::now();
    f.killed = kill9(part);
    f.at = Clock::now();  // the part is dead: what is sent from now on meets the fault
    log::info("killed", {{"fault", f.label}, {"pids", f.killed.pids}, {"ok", f.killed.ok ? "true" : "false"}});
    std::this_thread::sleep_for(down);
    f.down_s = seconds_between(f.at, Clock::now());
    ledger.set_phase(f.label + " restarting");
    f.restart = restart_what_is_down();
    f.restarted = Clock::now();
    log::info("restarted", {{"fault", f.label}, {"rc", std::to_string(f.restart.rc)},
                            {"seconds", fixed1(f.restart.seconds)}});
    ledger.set_phase(f.label + " recovering");
    if (wait_until([&] { return ledger.first_full_success_after(f.at).has_value(); }, o.recover_timeout))
        f.first_full_answer_s = seconds_between(f.at, *ledger.first_full_success_after(f.at));
    log::info("recovered", {{"fault", f.label},
                            {"firstFullAnswerAfterKillS", f.first_full_answer_s ? fixed1(*f.first_full_answer_s) : "never"}});
    ledger.set_phase("after " + f.label);
    return f;
}

// The requests sent in a fault's window (its kill to the next kill), by what they got.
struct Window {
    long long sent = 0, ok = 0, pending = 0, not_queued = 0, refused = 0, cut = 0, other = 0;
    double slowest_s = 0;  // the longest wait for an answer
};

Window window_of(const std::vector<RequestRecord>& records, Clock::time_point from, std::optional<Clock::time_point> to) {
    Window w;
    for (const auto& r : records) {
        if (r.sent < from || (to && r.sent >= *to)) continue;
        ++w.sent;
        bool nq = false, pend = false;
        for (const auto& i : r.items) {
            nq = nq || i.state == ItemState::not_queued;
            pend = pend || i.app_code == kPending || (i.fetched && i.state == ItemState::final_);
        }
        if (r.fate == Fate::answered) w.slowest_s = std::max(w.slowest_s, seconds_between(r.sent, r.ended));
        if (r.fate == Fate::refused) ++w.refused;
        else if (r.fate == Fate::cut) ++w.cut;
        else if (r.status == 202 || pend) ++w.pending;
        else if (nq) ++w.not_queued;
        else if (r.accepted_all_final_success()) ++w.ok;
        else ++w.other;
    }
    return w;
}

// The final tables: printed, and kept in .data/log/chaos-report-<time>.txt (ctest shows a passing
// test's output nowhere else).
class Report {
public:
    [[gnu::format(printf, 2, 3)]] void printf(const char* fmt, ...) {
        char buf[1024];
        va_list ap;
        va_start(ap, fmt);
        int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        if (n > 0) text_.append(buf, std::min<std::size_t>(std::size_t(n), sizeof buf - 1));
    }
    void rows(const std::vector<Row>& rows) {
        printf("%-58s %-26s %s\n", "count", "value", "expected");
        for (const auto& r : rows)
            printf("%-58s %-26s %s%s\n", r.what.c_str(), r.value.c_str(), r.expected.c_str(),
                   r.ok ? "" : "   <-- FAILED");
    }
    // Prints the report and writes it to the log directory; returns the file's path ("" if none).
    std::string finish() {
        std::fwrite(text_.data(), 1, text_.size(), stdout);
        std::fflush(stdout);
        const char* data = std::getenv("OCMS_DATA");
        if (!data || !*data) return "";
        char stamp[32];
        std::time_t now = std::time(nullptr);
        std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", std::localtime(&now));
        std::string path = std::string(data) + "/log/chaos-report-" + stamp + ".txt";
        std::ofstream(path) << text_;
        return path;
    }

private:
    std::string text_;
};

}  // namespace

int run_chaos(const Options& o) {
    const auto t0 = Clock::now();
    std::cout << "[chaos] " << (o.repeat ? "long form" : "short form") << ": rate " << o.rate << " requests/s, "
              << o.per_request << " notices per request, every " << o.revive_every << "th a revival" << std::endl;
    Verdict v;

    // The platform must be whole before the first kill.
    auto h = health();
    if (!h.all()) {
        log::warn("platform not healthy at the start; infra/run --detach --no-build", {{"health", h.text()}});
        restart_what_is_down();
        h = health();
        if (!h.all()) {
            std::cout << "[chaos] FAIL: the platform is not healthy at the start: " << h.text() << std::endl;
            return 1;
        }
    }

    // Enough fresh notices for the whole run at the offered rate, with a margin.
    const double per_fault = double((o.down + o.settle).count()) + 30.0;
    const double planned_s = o.repeat ? double(o.duration.count()) + 60.0
                                      : double((o.warmup + o.tail).count()) + double(o.plan.size()) * per_fault;
    const int notices = int(std::min(900000.0, o.rate * planned_s * o.per_request * 1.5 + 1000));
    auto pool = NoticePool::make(notices);
    std::cout << "[chaos] " << notices << " fixture notices " << pool->prefix() << "000000.., made in "
              << fixed1(seconds_between(t0, Clock::now())) << " s" << std::endl;
    const auto dlq_start = end_offsets(messages::kTopicDlq);

    Ledger ledger;
    LoadSettings ls;
    ls.edge_url = test::env("OCMS_EDGE_URL");
    ls.token = test::env("OCMS_DEV_TOKEN");
    ls.rate = o.rate;
    ls.per_request = o.per_request;
    ls.revive_every = o.revive_every;
    Load load(ls, ledger, *pool);
    std::vector<Fault> faults;
    std::optional<double> drain_s, lag_s;
    Clock::time_point load_stopped;
    {
        load.start();
        Progress progress(ledger, load, o.progress_every);
        ledger.set_phase("warm-up");
        std::this_thread::sleep_for(o.warmup);

        std::mt19937 rng{std::random_device{}()};
        const auto faults_until = Clock::now() + o.duration;
        int number = 0;
        for (bool more = true; more;) {
            for (Part p : o.plan) {
                if (o.repeat && number > 0 && Clock::now() >= faults_until) break;
                std::chrono::milliseconds down = o.down;
                if (o.repeat)  // 1 s .. 2x down, so kills meet the platform in different states
                    down = std::chrono::milliseconds(std::uniform_int_distribution<long long>(
                        1000, std::max<long long>(1000, 2 * std::chrono::milliseconds(o.down).count()))(rng));
                faults.push_back(inject(p, ++number, down, o, ledger));
                std::this_thread::sleep_for(o.settle);
            }
            more = o.repeat && Clock::now() < faults_until;
        }
        ledger.set_phase("tail");
        std::this_thread::sleep_for(o.tail);

        // Drain: no new requests; every request answered; every pending answer fetched.
        load.stop_sending();
        load_stopped = Clock::now();
        ledger.set_phase("drain");
        wait_until([&] { return ledger.tally().in_flight == 0; }, 90s);
        drain_s = wait_until([&] { return ledger.open_outcomes() == 0; }, o.drain_timeout, 500ms);
        lag_s = wait_until(
            [&] {
                auto lag = command_lag();
                return lag.known && lag.total == 0;
            },
            o.lag_timeout, 500ms);
        load.stop();
    }
    // Once more for every request not final (cut ones: what did reach the workers), then close.
    for (const auto& r : ledger.snapshot()) {
        if (r.outcome_done || r.fate == Fate::refused || r.fate == Fate::in_flight) continue;
        try {
            auto res = test::post_authed("/v1/request-outcome", R"({"requestId":")" + r.request_id + R"("})");
            ledger.outcome(r.index, res.status, res.body, true);
        } catch (const std::exception& e) {
            log::warn("outcome fetch failed", {{"requestId", r.request_id}, {"error", e.what()}});
        }
    }
    const std::size_t still_pending = ledger.open_outcomes();
    ledger.close_unresolved();
    const auto dlq_end = end_offsets(messages::kTopicDlq);
    const auto lag_end = command_lag();
    auto h_end = health();
    if (!h_end.all()) {
        // Leave the platform running for whatever comes next, but the run has failed.
        restart_what_is_down();
    }

    // --- the verdict ----------------------------------------------------------------------------
    const auto records = ledger.snapshot();
    const auto tally = ledger.tally();
    auto in_edge_outage = [&](Clock::time_point t) {
        for (const auto& f : faults)
            if (f.part == Part::edge && t >= f.killing && t <= f.restarted + 2s) return true;
        return false;
    };
    long long stray_refused = 0, stray_cut = 0, other_status = 0, cut_final = 0;
    std::vector<std::string> stray_examples;
    for (const auto& r : records) {
        if (r.fate == Fate::answered && r.status != 200 && r.status != 202) {
            ++other_status;
            if (stray_examples.size() < 3) stray_examples.push_back(r.request_id + " " + r.error);
        }
        if ((r.fate == Fate::refused || r.fate == Fate::cut) && !in_edge_outage(r.ended)) {
            ++(r.fate == Fate::refused ? stray_refused : stray_cut);
            if (stray_examples.size() < 3) stray_examples.push_back(r.request_id + " " + r.error);
        }
        if (r.fate == Fate::cut && !r.outcome_status.empty()) ++cut_final;
    }
    v.figure("requests sent", std::to_string(tally.sent) + " (" + fixed1(seconds_between(t0, load_stopped)) + " s)");
    v.figure("  answered 200, every notice final", std::to_string(tally.answered - tally.with_pending));
    v.figure("  answered 202, pending notices fetched later", std::to_string(tally.with_pending));
    v.figure("  notices answered 'could not be queued' (broker down)", std::to_string(tally.not_queued_items));
    v.figure("  connection refused (edge down: not accepted)", std::to_string(tally.refused));
    v.figure("  cut by the edge's kill (outcome fetched by request id)",
             std::to_string(tally.cut) + " (" + std::to_string(cut_final) + " fetched)");
    v.expect("requests without an answer while the edge was up", stray_refused + stray_cut, 0);
    v.expect("answers other than 200 / 202", other_status, 0);
    v.expect("load ticks without a fresh notice (pool too small)", (long long)load.starved(), 0);
    v.expect("answers still pending after the drain", (long long)still_pending, 0);
    v.figure("all pending answers final after the load stopped", drain_s ? fixed1(*drain_s) + " s" : "NO");
    try {
        verify_effects(records, *pool, v);
    } catch (const std::exception& e) {
        v.failures.push_back(std::string("verification could not run: ") + e.what());
    }
    v.expect("commands left unprocessed on the command topics (group lag)", lag_end.known ? lag_end.total : -1, 0,
             lag_s ? "(lag 0 " + fixed1(*lag_s) + " s after the drain)" : "(never reached 0)");
    v.expect("messages published to the dead-letter topic during the run",
             dlq_start && dlq_end ? *dlq_end - *dlq_start : -1, 0);
    long long killed_ok = 0, recovered = 0;
    for (const auto& f : faults) {
        killed_ok += f.killed.ok && f.restart.rc == 0;
        recovered += f.first_full_answer_s.has_value();
    }
    v.expect("faults injected (killed and restarted)", killed_ok, (long long)faults.size());
    v.expect("faults recovered from (a full answer after the kill)", recovered, (long long)faults.size());
    v.expect("services healthy at the end", h_end.all() ? 1 : 0, 1, "(" + h_end.text() + ")");
    if (!stray_examples.empty()) v.failures.push_back("examples of requests: " + stray_examples.front());

    Report report;
    report.printf("\n[chaos] %s: %.0f requests/s, %d notices per request, every %dth a revival\n",
                  o.repeat ? "long form" : "short form", o.rate, o.per_request, o.revive_every);
    report.printf("[chaos] faults (kill -9, then infra/run --detach --no-build)\n");
    report.printf("%-14s %-22s %7s %9s %18s %9s   %s\n", "fault", "killed pids", "down s", "restart s",
                  "full answer after", "slowest",
                  "requests sent in its window: ok / pending / not queued / refused / cut / other");
    for (std::size_t i = 0; i < faults.size(); ++i) {
        const auto& f = faults[i];
        auto w = window_of(records, f.at, i + 1 < faults.size() ? std::optional(faults[i + 1].at) : std::nullopt);
        std::string pids = f.killed.ok ? f.killed.pids : "NOT KILLED: " + f.killed.pids;
        if (pids.size() > 22) pids = pids.substr(0, 19) + "...";
        report.printf("%-14s %-22s %7s %9s %18s %9s   %lld: %lld / %lld / %lld / %lld / %lld / %lld\n",
                      f.label.c_str(), pids.c_str(), fixed1(f.down_s).c_str(),
                      (fixed1(f.restart.seconds) + (f.restart.rc ? " rc" + std::to_string(f.restart.rc) : "")).c_str(),
                      f.first_full_answer_s ? (fixed1(*f.first_full_answer_s) + " s").c_str() : "never",
                      (fixed1(w.slowest_s) + " s").c_str(), w.sent, w.ok, w.pending, w.not_queued, w.refused, w.cut,
                      w.other);
    }
    report.printf("\n[chaos] counts (run notices %s*)\n", pool->prefix().c_str());
    report.rows(v.rows);
    report.printf("\n[chaos] %s in %.1f s\n", v.passed() ? "PASS" : "FAIL", seconds_between(t0, Clock::now()));
    for (const auto& f : v.failures) report.printf("[chaos]   failed: %s\n", f.c_str());
    if (auto path = report.finish(); !path.empty()) std::printf("[chaos] report: %s\n", path.c_str());
    return v.passed() ? 0 : 1;
}

}  // namespace ocms::chaos
