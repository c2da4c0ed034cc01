#include "processor.hpp"

#include "core/log.hpp"

namespace ocms::worker {

struct Processor::Prepared {
    const InMessage* in;
    json::Document doc;
    std::optional<messages::Command> command;
    const HandlerEntry* handler = nullptr;
    // Set when the message is dead-lettered before or during processing.
    std::optional<std::string> dlq_reason;
    std::string dlq_error;
    std::optional<messages::Reply> reply;
};

Processor::Processor(std::shared_ptr<const json::SchemaRegistry> schemas, Clock clock, metrics::Registry& metrics)
    : schemas_(std::move(schemas)), clock_(std::move(clock)), metrics_(metrics) {}

namespace {

messages::Reply make_reply(const messages::Command& c, const std::string& notice, AppCode code, std::string message,
                           std::string data, TimePoint now) {
    messages::Reply r;
    r.command_id = c.command_id;
    r.request_id = c.request_id;
    r.type = c.type;
    r.notice_no = NoticeNo(notice);
    r.app_code = code;
    r.message = std::move(message);
    r.data_json = std::move(data);
    r.processed_at = now;
    r.batch = c.batch;
    return r;
}

// The payload's notice number: "noticeNo", or "notice_no" in the payloads that keep their
// sender's snake_case names (court.update, as CAS sends it).
std::string notice_of(const json::Value& doc) {
    if (const auto* p = json::get_object(doc, "payload")) {
        if (auto n = json::get_string(*p, "noticeNo")) return std::string(*n);
        if (auto n = json::get_string(*p, "notice_no")) return std::string(*n);
    }
    return {};
}

}  // namespace

std::expected<BatchResult, pg::PgError> Processor::process(pg::Connection& db, const std::vector<InMessage>& batch) {
    const TimePoint now = clock_();
    std::vector<Prepared> items;
    items.reserve(batch.size());

    // 1. Check every message before touching the database.
    for (const auto& in : batch) {
        Prepared p{&in, {}, {}, nullptr, {}, {}, {}};
        auto parsed = json::parse(in.value);
        if (!parsed) {
            p.dlq_reason = "json";
            p.dlq_error = "not JSON: " + parsed.error();
        } else {
            p.doc = std::move(*parsed);
            if (auto why = schemas_->validate("envelope.v1", p.doc); !why.empty()) {
                p.dlq_reason = "schema";
                p.dlq_error = "envelope.v1 " + why;
            } else if (auto cmd = messages::decode_command(p.doc); !cmd) {
                p.dlq_reason = "schema";
                p.dlq_error = cmd.error().message;
            } else {
                p.command = std::move(*cmd);
                p.handler = find_handler(p.command->type, p.command->schema_version);
                const auto schema = messages::payload_schema_name(p.command->type, p.command->schema_version);
                if (!p.handler || !schemas_->has(schema)) {
                    p.dlq_reason = "unknown-type";
                    p.dlq_error = "no handler for " + p.command->type + " v" + std::to_string(p.command->schema_version);
                } else if (auto why2 = schemas_->validate(schema, *json::get_object(p.doc, "payload")); !why2.empty()) {
                    p.dlq_reason = "schema";
                    p.dlq_error = schema + " " + why2;
                }
            }
        }
        items.push_back(std::move(p));
    }

    // 2. One transaction, a savepoint per command.
    if (auto r = db.command("BEGIN"); !r) return std::unexpected(r.error());
    auto abort = [&](pg::PgError e) -> std::expected<BatchResult, pg::PgError> {
        (void)db.command("ROLLBACK");
        return std::unexpected(std::move(e));
    };
    for (auto& p : items) {
        if (p.dlq_reason) continue;
        const auto& c = *p.command;
        const std::string notice = notice_of(p.doc);
        if (auto r = db.command("SAVEPOINT cmd"); !r) return abort(r.error());

        auto stored = db.exec("SELECT reply::text FROM ocms_command_inbox WHERE command_id = $1", {c.command_id.value()});
        if (!stored) return abort(stored.error());
        if (stored->rows() == 1) {
            auto doc = json::parse(stored->get(0, 0));
            auto rep = doc ? messages::decode_reply(*doc) : std::unexpected(Error{codes::kInternal, "bad stored reply"});
            if (!rep) return abort(pg::PgError{"", "stored reply unreadable for " + c.command_id.value(), FaultKind::permanent});
            p.reply = std::move(*rep);
            p.reply->from_inbox = true;
            if (auto r = db.command("RELEASE SAVEPOINT cmd"); !r) return abort(r.error());
            continue;
        }

        HandlerContext ctx{db, c, *json::get_object(p.doc, "payload"), now};
        auto result = p.handler->fn(ctx);
        std::expected<pg::Result, pg::PgError> inbox = std::unexpected(pg::PgError{});
        if (result) {
            p.reply = make_reply(c, notice, result->code, result->message, result->data_json, now);
            inbox = db.exec(
                "INSERT INTO ocms_command_inbox (command_id, command_type, notice_no, request_id, source, app_code, "
                "reply, batch_size, topic, kafka_partition, kafka_offset, processed_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12::timestamptz)",
                {c.command_id.value(), c.type, notice,
                 c.request_id ? pg::Param(c.request_id->value()) : std::nullopt, c.source,
                 std::string(result->code.str()), messages::encode(*p.reply),
                 c.batch ? pg::Param(std::to_string(c.batch->size)) : std::nullopt, p.in->topic,
                 std::to_string(p.in->partition), std::to_string(p.in->offset), format_offset(now)});
        }
        const pg::PgError* err = !result ? &result.error() : (!inbox ? &inbox.error() : nullptr);
        if (err == nullptr) {
            if (auto r = db.command("RELEASE SAVEPOINT cmd"); !r) return abort(r.error());
            continue;
        }
        if (err->kind == FaultKind::transient) return abort(*err);
        // Permanent: undo this command only.
        pg::PgError e = *err;
        if (auto r = db.command("ROLLBACK TO SAVEPOINT cmd"); !r) return abort(r.error());
        if (e.sqlstate == "23505" && result) {
            // Another worker stored this command first (a redelivery raced us): answer from its row.
            auto again = db.exec("SELECT reply::text FROM ocms_command_inbox WHERE command_id = $1", {c.command_id.value()});
            if (!again) return abort(again.error());
            if (again->rows() == 1) {
                auto doc = json::parse(again->get(0, 0));
                if (doc)
                    if (auto rep = messages::decode_reply(*doc)) {
                        p.reply = std::move(*rep);
                        p.reply->from_inbox = true;
                        continue;
                    }
            }
        }
        // Not a business rule and not curable by retrying (a constraint, a trigger, bad data):
        // the handler's fault code and message (its spec's words) for the caller, the command and
        // the reason on the dead-letter topic for support.
        p.dlq_reason = "database";
        p.dlq_error = e.sqlstate + " " + e.message;
        p.reply = make_reply(c, notice, p.handler->fault_code, p.handler->fault_message, "", now);
    }
    if (auto r = db.command("COMMIT"); !r) return abort(r.error());

    // 3. What to publish, in input order.
    BatchResult out;
    for (auto& p : items) {
        const std::string fields_cmd = p.command ? p.command->command_id.value() : "";
        if (p.dlq_reason) {
            messages::DeadLetter d;
            d.reason = *p.dlq_reason;
            d.error = p.dlq_error;
            d.source_topic = p.in->topic;
            d.partition = p.in->partition;
            d.offset = p.in->offset;
            d.key = p.in->key;
            if (p.command) d.command_id = p.command->command_id;
            d.dead_lettered_at = now;
            d.original = p.in->value;
            out.out.push_back({messages::kTopicDlq, -1, p.in->key, messages::encode(d)});
            ++out.dead_lettered;
            metrics_.counter("ocms_commands_dead_lettered_total", "Commands sent to the dead-letter topic",
                             "reason=\"" + d.reason + "\"").inc();
            log::warn("command dead-lettered",
                      {{"commandId", fields_cmd}, {"reason", d.reason}, {"error", d.error}, {"topic", d.source_topic},
                       {"offset", std::to_string(d.offset)}});
            // A caller waiting for this command still gets an answer.
            if (p.command && p.command->reply_to && !p.reply) {
                p.reply = make_reply(*p.command, notice_of(p.doc), codes::kBadRequest,
                                     "Command rejected: " + p.dlq_error, "", now);
            }
        }
        if (!p.reply) continue;
        const std::string body = messages::encode(*p.reply);
        if (p.command && p.command->reply_to)
            out.out.push_back({p.command->reply_to->topic, p.command->reply_to->partition, p.command->command_id.value(), body});
        if (!p.dlq_reason) {
            out.out.push_back({messages::kTopicOutcome, -1, p.reply->notice_no.value(), body});
            const std::string t = "type=\"" + metrics::label_value(p.command->type) + "\"";
            if (p.reply->from_inbox) {
                ++out.from_inbox;
                metrics_.counter("ocms_commands_from_inbox_total", "Commands answered from the inbox (no change)", t).inc();
            } else {
                ++out.applied;
                metrics_.counter("ocms_commands_applied_total", "Commands processed by a handler", t).inc();
                if (!p.reply->app_code.is_success())
                    metrics_.counter("ocms_commands_failed_total", "Commands refused by a business rule", t).inc();
            }
            log::info("command processed",
                      {{"commandId", fields_cmd},
                       {"requestId", p.command->request_id ? p.command->request_id->value() : ""},
                       {"noticeNo", p.reply->notice_no.value()},
                       {"appCode", p.reply->app_code.str()},
                       {"fromInbox", p.reply->from_inbox ? "true" : "false"}});
        }
    }
    return out;
}

}  // namespace ocms::worker
