#include "ops_store.hpp"

#include "store/outcome_store.hpp"

#include "store/pool_run.hpp"

namespace ocms::edge {

namespace net = boost::asio;

PgOpsStore::PgOpsStore(const std::string& url, int connections, std::string brokers)
    : url_(url),
      brokers_(std::move(brokers)),
      db_(std::make_unique<pg::Pool>(with_connect_timeout(url), connections)),
      threads_(std::size_t(connections)) {}

PgOpsStore::~PgOpsStore() { threads_.join(); }

namespace {


}  // namespace

void PgOpsStore::history(std::string notice_no, net::any_io_executor ex, ReadCallback<std::string> cb) {
    run_on_pool<std::string>(threads_, ex, std::move(cb), [this, notice_no = std::move(notice_no)]() -> ReadResult<std::string> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto h = support::history(**conn, notice_no);
        if (!h) return std::unexpected(store_error(h.error()));
        return support::to_json(*h);
    });
}

void PgOpsStore::dead_letters(std::string status, net::any_io_executor ex, ReadCallback<std::string> cb) {
    run_on_pool<std::string>(threads_, ex, std::move(cb), [this, status = std::move(status)]() -> ReadResult<std::string> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto list = support::dead_letters(**conn, status);
        if (!list) return std::unexpected(store_error(list.error()));
        return support::to_json(*list);
    });
}

void PgOpsStore::parked(net::any_io_executor ex, ReadCallback<std::string> cb) {
    run_on_pool<std::string>(threads_, ex, std::move(cb), [this]() -> ReadResult<std::string> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto list = support::parked(**conn);
        if (!list) return std::unexpected(store_error(list.error()));
        return support::to_json(*list);
    });
}

void PgOpsStore::retry(std::string notice_no, std::string operator_name, std::string reason, net::any_io_executor ex,
                       ReadCallback<bool> cb) {
    run_on_pool<bool>(threads_, ex, std::move(cb), [this, notice_no = std::move(notice_no), operator_name = std::move(operator_name),
                                   reason = std::move(reason)]() -> ReadResult<bool> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto r = support::request_retry(**conn, notice_no, operator_name, reason);
        if (!r) return std::unexpected(store_error(r.error()));
        return *r;
    });
}

void PgOpsStore::discard(std::string command_id, std::string operator_name, std::string reason,
                         net::any_io_executor ex, ReadCallback<bool> cb) {
    run_on_pool<bool>(threads_, ex, std::move(cb), [this, command_id = std::move(command_id), operator_name = std::move(operator_name),
                                   reason = std::move(reason)]() -> ReadResult<bool> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto r = support::discard_parked(**conn, command_id, operator_name, reason);
        if (!r) return std::unexpected(store_error(r.error()));
        return *r;
    });
}

}  // namespace ocms::edge

#include "messages/messages.hpp"
#include "replay.hpp"

namespace ocms::edge {

namespace {

std::string run_json(const replay::Result& r, bool dry_run) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "runId", std::int64_t(r.run_id));
    json::kv(w, "dryRun", dry_run);
    w.Key("counts");
    w.StartObject();
    json::kv(w, "read", std::int64_t(r.counts.read));
    json::kv(w, "matched", std::int64_t(r.counts.matched));
    json::kv(w, "published", std::int64_t(r.counts.published));
    json::kv(w, "skipped", std::int64_t(r.counts.skipped));
    json::kv(w, "wouldApply", std::int64_t(r.counts.would_apply));
    json::kv(w, "inboxAnswers", std::int64_t(r.counts.inbox_answers));
    w.EndObject();
    w.Key("items");
    w.StartArray();
    for (const auto& it : r.items) {
        w.StartObject();
        json::kv(w, "topic", std::string_view(it.topic));
        json::kv(w, "partition", std::int64_t(it.partition));
        json::kv(w, "offset", std::int64_t(it.offset));
        json::kv(w, "key", std::string_view(it.key));
        json::kv(w, "commandId", std::string_view(it.command_id));
        json::kv(w, "type", std::string_view(it.type));
        const std::string action = it.published ? "published" : it.would_apply ? "apply" : "inbox";
        json::kv(w, "action", std::string_view(action));
        if (it.inbox_answer) json::kv(w, "inboxAnswer", std::string_view(*it.inbox_answer));
        if (it.dead_letter_id) json::kv(w, "deadLetterId", std::int64_t(*it.dead_letter_id));
        w.EndObject();
    }
    w.EndArray();
    json::kv(w, "itemsTruncated", r.items_truncated);
    if (r.exit_code == 1) json::kv(w, "error", std::string_view(r.error.empty() ? "some messages were not published" : r.error));
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

}  // namespace

void PgOpsStore::run(OpsRunRequest request, net::any_io_executor ex, ReadCallback<std::string> cb) {
    run_on_pool<std::string>(threads_, ex, std::move(cb), [this, request = std::move(request)]() -> ReadResult<std::string> {
        replay::Options o;
        o.mode = request.kind;
        o.brokers = brokers_;
        o.topic = request.kind == "redrive" ? std::string(messages::kTopicDlq) : request.topic;
        o.partitions = request.partitions;
        o.from_offset = request.from_offset;
        o.to_offset = request.to_offset;
        o.from_time_ms = request.from_time_ms;
        o.to_time_ms = request.to_time_ms;
        o.keys.insert(request.notice_nos.begin(), request.notice_nos.end());
        o.dead_letter_ids = request.dead_letter_ids;
        o.max_messages = request.max_messages;
        o.dry_run = request.dry_run;
        o.pg_url = url_;
        o.operator_name = request.operator_name;
        o.reason = request.reason;
        if (auto problem = replay::validate(o)) return std::unexpected(Error::client(codes::kBadRequest, *problem));
        replay::RunContext ctx;
        ctx.max_items = 500;
        auto r = replay::run_structured(o, ctx);
        if (r.exit_code == 2) return std::unexpected(store_error("run failed: " + r.error));
        return run_json(r, o.dry_run);
    });
}

}  // namespace ocms::edge
