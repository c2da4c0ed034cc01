#include "verify.hpp"

#include "pg/pg.hpp"
#include "support.hpp"

#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

namespace ocms::chaos {

void Verdict::expect(std::string what, long long value, long long expected, std::string note) {
    bool ok = value == expected;
    rows.push_back({what, std::to_string(value), std::to_string(expected) + (note.empty() ? "" : " " + note), ok});
    if (!ok)
        failures.push_back(what + ": " + std::to_string(value) + ", expected " + std::to_string(expected) +
                           (note.empty() ? "" : " " + note));
}

void Verdict::figure(std::string what, std::string value) { rows.push_back({std::move(what), std::move(value), "", true}); }

namespace {

// A failed expectation seen on many notices is one line: its count and the first examples.
class Problems {
public:
    void add(const std::string& kind, const std::string& example) {
        auto& [count, examples] = by_kind_[kind];
        ++count;
        if (examples.size() < 3) examples.push_back(example);
    }
    long long count(const std::string& kind) const {
        auto it = by_kind_.find(kind);
        return it == by_kind_.end() ? 0 : it->second.first;
    }
    void report(Verdict& v) const {
        for (const auto& [kind, entry] : by_kind_) {
            std::string line = kind + ": " + std::to_string(entry.first) + " (e.g.";
            for (const auto& e : entry.second) line += " " + e + ";";
            line.back() = ')';
            v.failures.push_back(line);
        }
    }

private:
    std::map<std::string, std::pair<long long, std::vector<std::string>>> by_kind_;
};

enum class Acceptance { accepted, not_accepted, unknown };

Acceptance acceptance(const RequestRecord& r, const Item& i) {
    if (r.fate == Fate::refused || i.state == ItemState::not_queued) return Acceptance::not_accepted;
    if (i.state == ItemState::pending || i.state == ItemState::final_) return Acceptance::accepted;
    return Acceptance::unknown;  // cut, or an answer that did not name it
}

struct Attempt {
    const RequestRecord* record = nullptr;
    const Item* item = nullptr;
};

struct NoticeHistory {
    Attempt ts, rv;
};

std::unique_ptr<pg::Connection> db() { return test::readonly_db(); }

pg::Result query(pg::Connection& c, const std::string& sql, const pg::Params& params) {
    auto r = c.exec(sql, params);
    if (!r) throw std::runtime_error("verification query failed: " + r.error().message + " in " + sql);
    return std::move(*r);
}

}  // namespace

void verify_effects(const std::vector<RequestRecord>& records, const NoticePool& pool, Verdict& v) {
    const std::string like = pool.like();
    auto c = db();

    // What the database holds for this run's notices.
    std::map<std::string, std::pair<long long, long long>> suspensions;  // notice -> (records, revived)
    {
        auto r = query(*c,
                       "SELECT notice_no, count(*), count(date_of_revival) FROM ocms_suspended_notice "
                       "WHERE notice_no LIKE $1 GROUP BY notice_no",
                       {like});
        for (int i = 0; i < r.rows(); ++i)
            suspensions[std::string(r.get(i, 0))] = {r.get_int(i, 1), r.get_int(i, 2)};
    }
    using InboxKey = std::tuple<std::string, std::string, std::string>;  // request id, notice, type
    std::map<InboxKey, std::pair<long long, std::string>> inbox;         // -> (rows, app code)
    long long inbox_rows = 0;
    {
        auto r = query(*c,
                       "SELECT coalesce(request_id, ''), notice_no, command_type, count(*), min(app_code) "
                       "FROM ocms_command_inbox WHERE notice_no LIKE $1 GROUP BY 1, 2, 3",
                       {like});
        for (int i = 0; i < r.rows(); ++i) {
            inbox[{std::string(r.get(i, 0)), std::string(r.get(i, 1)), std::string(r.get(i, 2))}] = {
                r.get_int(i, 3), std::string(r.get(i, 4))};
            inbox_rows += r.get_int(i, 3);
        }
    }
    std::set<std::string> von_suspended;
    {
        auto r = query(*c,
                       "SELECT notice_no FROM ocms_valid_offence_notice WHERE notice_no LIKE $1 AND suspension_type "
                       "IS NOT NULL",
                       {like});
        for (int i = 0; i < r.rows(); ++i) von_suspended.insert(std::string(r.get(i, 0)));
    }

    // What each caller was told, per notice (a notice is in at most one TS and one revival request).
    std::map<std::string, NoticeHistory> history;
    std::set<std::string> request_ids;
    Problems problems;
    for (const auto& r : records) {
        request_ids.insert(r.request_id);
        for (const auto& item : r.items) {
            auto& h = history[item.notice];
            auto& slot = r.kind == Kind::suspend ? h.ts : h.rv;
            if (slot.record) problems.add("notice sent twice by the driver", item.notice);
            slot = Attempt{&r, &item};
        }
    }

    long long accepted[2] = {0, 0}, not_accepted[2] = {0, 0}, unknown[2] = {0, 0}, unknown_applied[2] = {0, 0};
    long long expected_records = 0, expected_revived = 0, expected_inbox = 0, expected_von = 0;
    auto check_attempt = [&](const std::string& notice, const Attempt& a, Kind kind) -> long long {
        const int k = kind == Kind::suspend ? 0 : 1;
        auto it = inbox.find({a.record->request_id, notice, command_type(kind)});
        const long long rows = it == inbox.end() ? 0 : it->second.first;
        const std::string what = std::string(kind_name(kind)) + " " + notice + " (" + a.record->request_id + ")";
        switch (acceptance(*a.record, *a.item)) {
            case Acceptance::accepted:
                ++accepted[k];
                if (rows != 1) problems.add("accepted command without exactly one inbox row", what);
                if (a.item->state == ItemState::pending)
                    problems.add("pending answer never became final", what);
                else if (a.item->app_code != kSuccess)
                    problems.add("unexpected answer " + a.item->app_code, what + " " + a.item->message);
                else if (it != inbox.end() && it->second.second != a.item->app_code)
                    problems.add("answer differs from the inbox", what);
                expected_inbox += 1;
                return 1;
            case Acceptance::not_accepted:
                ++not_accepted[k];
                if (rows != 0)
                    problems.add(a.record->fate == Fate::refused ? "refused request applied anyway"
                                                                 : "command answered 'could not be queued' applied anyway",
                                 what);
                return 0;
            case Acceptance::unknown:
                ++unknown[k];
                if (rows > 1) problems.add("command applied twice (inbox)", what);
                unknown_applied[k] += rows;
                expected_inbox += rows;
                return rows;
        }
        return 0;
    };

    for (const auto& [notice, h] : history) {
        long long want_records = h.ts.record ? check_attempt(notice, h.ts, Kind::suspend) : 0;
        long long want_revived = h.rv.record ? check_attempt(notice, h.rv, Kind::revive) : 0;
        if (h.rv.record && !h.ts.record) problems.add("revival of a notice never suspended", notice);
        auto s = suspensions.find(notice);
        long long have_records = s == suspensions.end() ? 0 : s->second.first;
        long long have_revived = s == suspensions.end() ? 0 : s->second.second;
        if (have_records != want_records)
            problems.add(have_records > want_records ? "more suspension records than accepted TS commands"
                                                     : "fewer suspension records than accepted TS commands",
                         notice + " has " + std::to_string(have_records) + ", expected " + std::to_string(want_records));
        if (have_revived != want_revived)
            problems.add("revived records differ from accepted revivals",
                         notice + " has " + std::to_string(have_revived) + ", expected " + std::to_string(want_revived));
        const bool want_suspended = want_records == 1 && want_revived == 0;
        if (want_suspended != (von_suspended.count(notice) == 1))
            problems.add("notice state differs from its records", notice);
        expected_records += want_records;
        expected_revived += want_revived;
        expected_von += want_suspended ? 1 : 0;
    }
    // Notices no request named must be untouched.
    long long records_total = 0, revived_total = 0, notices_twice = 0;
    for (const auto& [notice, counts] : suspensions) {
        records_total += counts.first;
        revived_total += counts.second;
        if (counts.first > 1) ++notices_twice;
        if (!history.count(notice)) problems.add("records on a notice no request named", notice);
    }
    for (const auto& [key, rows] : inbox)
        if (!request_ids.count(std::get<0>(key)))
            problems.add("inbox row of no request of the run", std::get<0>(key) + " " + std::get<1>(key));

    // The audit trail: one 'applied' per command at most; redeliveries are answered from the inbox.
    auto audit = query(*c,
                       "SELECT count(*) FILTER (WHERE applied > 1), coalesce(sum(applied), 0), "
                       "coalesce(sum(inboxed), 0), coalesce(sum(other), 0) FROM ("
                       " SELECT command_id, count(*) FILTER (WHERE outcome = 'applied') AS applied,"
                       "  count(*) FILTER (WHERE outcome = 'inbox') AS inboxed,"
                       "  count(*) FILTER (WHERE outcome NOT IN ('applied', 'inbox')) AS other"
                       " FROM ocms_command_audit WHERE notice_no LIKE $1 GROUP BY command_id) x",
                       {like});
    const long long applied_twice = audit.get_int(0, 0), applied = audit.get_int(0, 1),
                    from_inbox = audit.get_int(0, 2), other_outcomes = audit.get_int(0, 3);
    const long long sr_twice =
        test::scalar(*c, "SELECT count(*) - count(DISTINCT sr_no) FROM ocms_suspended_notice");
    const long long eocms_suspended = test::scalar(
        *c, "SELECT count(*) FROM eocms_valid_offence_notice WHERE notice_no LIKE $1 AND suspension_type IS NOT NULL",
        {like});
    const long long dead_letters =
        test::scalar(*c, "SELECT count(*) FROM ocms_dead_letter WHERE notice_no LIKE $1", {like});
    const long long parked = test::scalar(*c, "SELECT count(*) FROM ocms_parked_notice WHERE notice_no LIKE $1", {like});

    v.figure("fixture notices made / sent", std::to_string(pool.made()) + " / " + std::to_string(pool.used()));
    v.figure("TS commands: accepted / not accepted / unknown (cut)",
             std::to_string(accepted[0]) + " / " + std::to_string(not_accepted[0]) + " / " + std::to_string(unknown[0]) +
                 " (" + std::to_string(unknown_applied[0]) + " of them applied)");
    v.figure("revival commands: accepted / not accepted / unknown (cut)",
             std::to_string(accepted[1]) + " / " + std::to_string(not_accepted[1]) + " / " +
                 std::to_string(unknown[1]) + " (" + std::to_string(unknown_applied[1]) + " of them applied)");
    v.expect("suspension records (run notices)", records_total, expected_records,
             "= accepted TS + cut TS applied");
    v.expect("notices with two records", notices_twice, 0);
    v.expect("sr_no twice (whole table)", sr_twice, 0);
    v.expect("records revived", revived_total, expected_revived, "= accepted revivals + cut revivals applied");
    v.expect("inbox rows (run notices)", inbox_rows, expected_inbox, "= accepted commands + cut applied");
    v.expect("audit 'applied' rows", applied, expected_inbox, "= inbox rows");
    v.expect("commands applied twice (audit)", applied_twice, 0);
    v.figure("redeliveries answered from the inbox (audit)", std::to_string(from_inbox));
    v.expect("audit rows refused / parked / dead-lettered", other_outcomes, 0);
    v.expect("not-accepted commands that changed something",
             problems.count("refused request applied anyway") +
                 problems.count("command answered 'could not be queued' applied anyway"),
             0);
    v.expect("notices suspended now (VON)", (long long)von_suspended.size(), expected_von);
    v.expect("notices suspended now (internet copy)", eocms_suspended, expected_von);
    v.expect("dead letters (table, run notices)", dead_letters, 0);
    v.expect("parked notices (run notices)", parked, 0);
    problems.report(v);
}

}  // namespace ocms::chaos
