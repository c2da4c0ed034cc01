#include "jobs/purge.hpp"

#include "core/config.hpp"
#include "json/json.hpp"

#include <charconv>
#include <stdexcept>

namespace ocms::jobs {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t int_setting(const char* name, const std::string& text) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw std::runtime_error(std::string("setting ") + name + " must be a whole number, not '" + text + "'");
    return n;
}

struct Table {
    const char* name;
    // Deletes at most $2 rows older than $1; keyed by the primary key, found through a time index.
    const char* sql;
    std::int64_t PurgeStats::*count;
};

// The inbox and the audit by processed_at (their time indexes, 0006 and 0007); dead letters and
// parked commands only when resolved, by the time they were resolved.
constexpr Table kTables[] = {
    {"ocms_command_inbox",
     "DELETE FROM ocms_command_inbox WHERE command_id IN (SELECT command_id FROM ocms_command_inbox "
     "WHERE processed_at < $1::timestamptz LIMIT $2)",
     &PurgeStats::inbox},
    {"ocms_command_audit",
     "DELETE FROM ocms_command_audit WHERE audit_id IN (SELECT audit_id FROM ocms_command_audit "
     "WHERE processed_at < $1::timestamptz LIMIT $2)",
     &PurgeStats::audit},
    {"ocms_dead_letter",
     "DELETE FROM ocms_dead_letter WHERE dead_letter_id IN (SELECT dead_letter_id FROM ocms_dead_letter "
     "WHERE status IN ('REDRIVEN', 'DISCARDED') AND dead_lettered_at < $1::timestamptz "
     "AND coalesce(resolved_at, dead_lettered_at) < $1::timestamptz LIMIT $2)",
     &PurgeStats::dead_letters},
    {"ocms_parked_command",
     "DELETE FROM ocms_parked_command WHERE parked_id IN (SELECT parked_id FROM ocms_parked_command "
     "WHERE status IN ('APPLIED', 'DISCARDED') AND coalesce(resolved_at, parked_at) < $1::timestamptz LIMIT $2)",
     &PurgeStats::parked_commands},
};

}  // namespace

PurgeSettings purge_settings_from_env() {
    PurgeSettings s;
    if (auto v = config::env("OCMS_RETENTION_DAYS"); v && !v->empty()) {
        auto n = int_setting("OCMS_RETENTION_DAYS", *v);
        if (n < 1 || n > 36500) throw std::runtime_error("setting OCMS_RETENTION_DAYS must be 1..36500, not " + *v);
        s.retention_days = int(n);
    }
    if (auto v = config::env("OCMS_TOPIC_RETENTION_MS"); v && !v->empty())
        s.topic_retention_ms = int_setting("OCMS_TOPIC_RETENTION_MS", *v);
    if (auto v = config::env("OCMS_PURGE_BATCH"); v && !v->empty()) {
        auto n = int_setting("OCMS_PURGE_BATCH", *v);
        if (n < 1 || n > 1'000'000) throw std::runtime_error("setting OCMS_PURGE_BATCH must be 1..1000000, not " + *v);
        s.batch = int(n);
    }
    return s;
}

std::optional<std::string> purge_refusal(const PurgeSettings& s) {
    if (s.retention_days < 1) return "the retention (OCMS_RETENTION_DAYS) must be at least 1 day";
    if (!s.topic_retention_ms)
        return "the command topics' retention is unknown (OCMS_TOPIC_RETENTION_MS is not set; infra/lib.sh writes it "
               "from infra/kafka/topics.conf): purging the inbox could let a replay apply a command twice";
    if (*s.topic_retention_ms < 0)
        return "the command topics keep their messages for ever (retention.ms " + std::to_string(*s.topic_retention_ms) +
               "): the inbox must too, so nothing is purged";
    const std::int64_t keep_ms = std::int64_t(s.retention_days) * kDayMs;
    if (keep_ms < *s.topic_retention_ms)
        return "the retention of " + std::to_string(s.retention_days) + " day(s) (OCMS_RETENTION_DAYS) is shorter than "
               "the command topics' retention of " + std::to_string(*s.topic_retention_ms) + " ms (" +
               std::to_string((*s.topic_retention_ms + kDayMs - 1) / kDayMs) +
               " day(s)): a replay of a command whose inbox row was purged would apply it twice";
    return std::nullopt;
}

std::string purge_detail_json(const PurgeStats& st, const PurgeSettings& s) {
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    json::kv(w, "cutoff", format_offset(st.cutoff));
    json::kv(w, "retentionDays", std::int64_t(s.retention_days));
    if (s.topic_retention_ms) json::kv(w, "topicRetentionMs", *s.topic_retention_ms);
    else json::kv_null(w, "topicRetentionMs");
    json::kv(w, "inbox", st.inbox);
    json::kv(w, "audit", st.audit);
    json::kv(w, "deadLetters", st.dead_letters);
    json::kv(w, "parkedCommands", st.parked_commands);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

std::expected<PurgeStats, PurgeError> run_purge(pg::Connection& db, TimePoint now, const PurgeSettings& s,
                                                const PurgeOptions& o) {
    if (auto why = purge_refusal(s)) return std::unexpected(PurgeError{true, *why});
    PurgeStats st;
    st.cutoff = now - std::chrono::days{s.retention_days};
    const std::string cutoff = format_offset(st.cutoff);
    const std::string batch = std::to_string(std::max(1, s.batch));
    for (const auto& t : kTables) {
        std::int64_t& deleted = st.*(t.count);
        for (;;) {
            if (o.stop && o.stop->load())
                return std::unexpected(PurgeError{false, std::string("stopped while purging ") + t.name});
            auto r = db.exec(t.sql, {cutoff, batch});
            if (!r) return std::unexpected(PurgeError{false, std::string(t.name) + ": " + r.error().message});
            std::int64_t n = 0;
            auto a = r->affected();
            std::from_chars(a.data(), a.data() + a.size(), n);
            deleted += n;
            const bool done = n < s.batch;
            if (o.progress && (n > 0 || done)) o.progress(t.name, deleted, done);
            if (done) break;
        }
    }
    auto r = db.exec("INSERT INTO ocms_support_action (action, notice_no, command_id, operator, reason, detail) "
                     "VALUES ('purge', NULL, NULL, 'ocms-scheduler', $1, $2::jsonb)",
                     {"retention " + std::to_string(s.retention_days) + " day(s)", purge_detail_json(st, s)});
    if (!r) return std::unexpected(PurgeError{false, "purged, but the support action could not be recorded: " + r.error().message});
    return st;
}

}  // namespace ocms::jobs
