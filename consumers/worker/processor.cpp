#include "processor.hpp"

#include "intake.hpp"

#include "core/log.hpp"

#include <algorithm>
#include <unordered_map>

namespace ocms::worker {

struct Processor::Prepared {
    const InMessage* in = nullptr;
    json::Document doc;
    std::optional<messages::Command> command;
    const HandlerEntry* handler = nullptr;
    std::string notice;  // the payload's notice, else the message key: audit and parking rows
    // Set when the message is dead-lettered before or during processing.
    std::optional<std::string> dlq_reason;
    std::string dlq_error;
    std::optional<messages::Reply> reply;
    Outcome outcome = Outcome::applied;
    std::string failure;  // a permanent database error: SQLSTATE and message
    std::string identity;  // payload_identity(), once computed
};

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

std::optional<messages::Reply> stored_reply(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc) return std::nullopt;
    auto rep = messages::decode_reply(*doc);
    if (!rep) return std::nullopt;
    rep->from_inbox = true;
    return std::move(*rep);
}

std::optional<std::string> opt_string(const json::Value& doc, const char* key) {
    if (auto v = json::get_string(doc, key)) return std::string(*v);
    return std::nullopt;
}

pg::PgError unreadable_reply(const std::string& command_id) {
    return pg::PgError{"", "stored reply unreadable for " + command_id, FaultKind::permanent};
}

}  // namespace

Processor::Processor(std::shared_ptr<const json::SchemaRegistry> schemas, Clock clock, metrics::Registry& metrics,
                     bool pipeline)
    : schemas_(std::move(schemas)),
      clock_(std::move(clock)),
      metrics_(metrics),
      parked_notices_(metrics.gauge("ocms_parked_notices", "Notices parked behind a failed command")),
      parked_commands_(metrics.gauge("ocms_parked_commands", "Commands waiting in a parked notice (status PARKED)")),
      parked_failed_(metrics.counter("ocms_commands_parked_total",
                                     "Commands parked: failed for a reason that is not a business rule, or queued "
                                     "behind such a command of their notice",
                                     "kind=\"failed\"")),
      parked_queued_(metrics.counter("ocms_commands_parked_total", "", "kind=\"queued\"")),
      retries_applied_(metrics.counter("ocms_parked_retries_total",
                                       "Retries of parked notices: applied (unparked) or failed again (still parked)",
                                       "result=\"applied\"")),
      retries_failed_(metrics.counter("ocms_parked_retries_total", "", "result=\"failed\"")),
      pipeline_(pipeline),
      fast_fallbacks_(metrics.counter("ocms_worker_fast_path_fallbacks_total",
                                      "Batches rolled back on the pipelined fast path by a database error and run "
                                      "again one statement at a time")) {}

Processor::Prepared Processor::prepare(const InMessage& in) const {
    Prepared p;
    p.in = &in;
    auto t = take_in(in.value, *schemas_);
    p.doc = std::move(t.doc);
    p.command = std::move(t.command);
    p.handler = t.handler;
    p.dlq_reason = std::move(t.dlq_reason);
    p.dlq_error = std::move(t.dlq_error);
    p.notice = t.parsed ? notice_of(p.doc) : std::string();
    if (p.notice.empty()) p.notice = in.key;
    return p;
}

std::expected<BatchResult, pg::PgError> Processor::process(pg::Connection& db, const std::vector<InMessage>& batch) {
    if (pipeline_) {
        fast_ = true;
        auto r = process_once(db, batch);
        fast_ = false;
        if (r || !db.ok()) return r;  // done, or the connection is lost: the caller reconnects and retries
        fast_fallbacks_.inc();
        log::info("batch rolled back on the fast path; running it one statement at a time",
                  {{"error", r.error().message}, {"sqlstate", r.error().sqlstate}});
    }
    return process_once(db, batch);
}

std::expected<BatchResult, pg::PgError> Processor::process_once(pg::Connection& db, const std::vector<InMessage>& batch) {
    const TimePoint now = clock_();
    std::vector<Prepared> items;
    items.reserve(batch.size());

    // 1. Check every message before touching the database.
    for (const auto& in : batch) items.push_back(prepare(in));

    // 2. One transaction. The reference rows earlier batches read are kept while
    //    ocms_reference_version has not moved (every change to a reference table bumps it:
    //    schemas/sql/0010); the version is read with BEGIN, in one round trip.
    db.defer("BEGIN");
    auto abort = [&](pg::PgError e) -> std::expected<BatchResult, pg::PgError> {
        (void)db.command("ROLLBACK");
        return std::unexpected(std::move(e));
    };
    auto version = db.exec_prepared("ocms_worker_reference_version", "SELECT version FROM ocms_reference_version");
    if (!version) return abort(version.error());
    if (version->rows() != 1)
        return abort(pg::PgError{"", "ocms_reference_version: one row expected", FaultKind::permanent});
    if (const std::int64_t v = version->get_int(0, 0); !reasons_ || v != reference_version_) {
        reasons_ = std::make_unique<store::ReferenceCache>();
        reference_version_ = v;
    }
    if (fast_) {
        if (auto r = apply_waves(db, items, now); !r) return abort(r.error());
    } else {
        for (auto& p : items) {
            if (p.dlq_reason) {
                if (auto r = dead_letter(db, p, now); !r) return abort(r.error());
                continue;
            }
            if (auto r = apply(db, p, now, false); !r) return abort(r.error());
        }
    }
    if (auto r = db.command("COMMIT"); !r) return abort(r.error());

    // 3. What to publish, in input order.
    BatchResult out;
    for (auto& p : items) collect(out, p, now);
    return out;
}

// The fast path's batch, set-based (issue 16). Poison messages first (they change no notice).
// Then waves: wave k holds the k-th command of each notice in the batch, so a notice's commands
// run in order, each seeing the effects of the one before exactly as one after the other, and a
// wave has at most one command per notice. Per wave: one preflight for all its commands; the
// inbox's answers taken as they are; commands that need the careful steps (a parked notice, a
// reused id, a type without a set handler) through apply() one by one; the rest locked and read
// in one statement, decided and written by their type's set handler, one statement per table;
// then the inbox and audit rows of the whole wave in one deferred statement (it goes to the
// server with the next one, before any later wave's effects, so each audit row's changes are
// its own command's).
std::expected<void, pg::PgError> Processor::apply_waves(pg::Connection& db, std::vector<Prepared>& items,
                                                        TimePoint now) {
    std::vector<std::vector<Prepared*>> waves;
    std::unordered_map<std::string_view, std::size_t> seen;
    for (auto& p : items) {
        if (p.dlq_reason) {
            if (auto r = dead_letter(db, p, now); !r) return std::unexpected(r.error());
            continue;
        }
        const std::size_t k = seen[p.notice]++;
        if (waves.size() <= k) waves.emplace_back();
        waves[k].push_back(&p);
    }
    for (auto& wave : waves) {
        std::vector<std::string> ids, notices;
        for (const auto* p : wave) {
            ids.push_back(p->command->command_id.value());
            notices.push_back(p->notice);
        }
        auto pre = preflight_set(db, ids, notices);
        if (!pre) return std::unexpected(pre.error());

        std::vector<AuditRow> rows;  // RecordRow points into it
        rows.reserve(wave.size());
        std::vector<RecordRow> records;
        auto audit_of = [&](Prepared& p, const std::string& identity) -> AuditRow& {
            auto& row = rows.emplace_back();
            fill_from_command(row, *p.command);
            row.notice_no = p.notice;
            row.topic = p.in->topic;
            row.partition = p.in->partition;
            row.offset = p.in->offset;
            row.processed_at = now;
            row.payload_sha256 = identity;
            row.outcome = p.outcome;
            row.app_code = std::string(p.reply->app_code.str());
            row.message = p.reply->message;
            return row;
        };
        std::vector<Prepared*> careful, setwise;
        for (std::size_t i = 0; i < wave.size(); ++i) {
            Prepared& p = *wave[i];
            const Preflight& f = (*pre)[i];
            const auto& c = *p.command;
            p.identity = payload_identity(c.type, c.payload_json);
            const std::string& identity = p.identity;
            if (f.inbox_reply && f.inbox_type.value_or(c.type) == c.type &&
                (!f.inbox_sha256 || *f.inbox_sha256 == identity)) {
                // A redelivery or a replay: the stored reply again, nothing changes.
                p.reply = stored_reply(*f.inbox_reply);
                if (!p.reply) return std::unexpected(unreadable_reply(c.command_id.value()));
                p.outcome = Outcome::inbox;
                records.push_back({&audit_of(p, identity), std::nullopt, std::nullopt});
            } else if (f.inbox_reply || f.parked_first || f.own_parked_status || !p.handler->set_fn) {
                careful.push_back(&p);
            } else {
                setwise.push_back(&p);
            }
        }
        for (auto* p : careful)
            if (auto r = apply(db, *p, now, false); !r) return std::unexpected(r.error());

        if (!setwise.empty()) {
            std::vector<std::string> to_lock;
            for (const auto* p : setwise) to_lock.push_back(p->notice);
            auto locked = store::lock_notices(db, std::move(to_lock));
            if (!locked) return std::unexpected(locked.error());
            // By type, each type's commands in the batch's order.
            std::vector<const HandlerEntry*> types;
            for (const auto* p : setwise)
                if (std::find(types.begin(), types.end(), p->handler) == types.end()) types.push_back(p->handler);
            for (const auto* type : types) {
                std::vector<Prepared*> group;
                std::vector<SetItem> set;
                for (auto* p : setwise) {
                    if (p->handler != type) continue;
                    auto it = locked->find(p->notice);
                    group.push_back(p);
                    set.push_back({&*p->command, json::get_object(p->doc, "payload"),
                                   it == locked->end() ? nullptr : &it->second, {}});
                }
                SetContext ctx{db, now, reasons_.get()};
                if (auto r = type->set_fn(ctx, set); !r) return std::unexpected(r.error());
                for (std::size_t i = 0; i < group.size(); ++i) {
                    Prepared& p = *group[i];
                    auto& result = set[i].result;
                    p.reply = make_reply(*p.command, notice_of(p.doc), result.code, std::move(result.message),
                                         std::move(result.data_json), now);
                    p.outcome = outcome_of(p.reply->app_code);
                    auto& row = audit_of(p, p.identity);
                    if (auto it = locked->find(p.notice); it != locked->end()) row.before_json = it->second.before_json;
                    records.push_back({&row, messages::encode(*p.reply),
                                       p.command->batch ? std::optional<int>(p.command->batch->size) : std::nullopt});
                }
            }
        }
        if (auto r = record_set(db, records, true); !r) return std::unexpected(r.error());
    }
    return {};
}

// One command (DESIGN.md invariants 1 and 3): the handler and its records in a savepoint. An
// error returned aborts the batch (transient, or the bookkeeping statements themselves
// failing); a permanent error of the handler parks the command (or, in a retry, returns
// Step::failed with the notice left parked).
std::expected<Processor::Step, pg::PgError> Processor::apply(pg::Connection& db, Prepared& p, TimePoint now,
                                                             bool retry) {
    const auto& c = *p.command;
    const std::string reply_notice = notice_of(p.doc);
    AuditRow row;
    fill_from_command(row, c);
    row.notice_no = p.notice;
    row.topic = p.in->topic;
    row.partition = p.in->partition;
    row.offset = p.in->offset;
    row.processed_at = now;
    auto fail = [](const pg::PgError& e) { return std::unexpected(e); };
    // The fast path takes no savepoint: any error there rolls the whole batch back and runs it
    // again on the careful path, so a per-command undo point would never be used (and each one
    // costs the server a subtransaction; more than 64 in one transaction overflow its cache).
    auto release = [&]() -> std::expected<Step, pg::PgError> {
        if (fast_) return Step::done;
        if (auto r = db.command("RELEASE SAVEPOINT cmd"); !r) return fail(r.error());
        return Step::done;
    };
    auto audit_reply = [&](Outcome o) {
        p.outcome = o;
        row.outcome = o;
        row.app_code = std::string(p.reply->app_code.str());
        row.message = p.reply->message;
    };

    // Read-only but for its locks, so before the savepoint: an answer that changes nothing (the
    // inbox, a queued command) needs none. An error of these few statements aborts the batch.
    auto pre = preflight(db, c.command_id.value(), p.notice);
    if (!pre) return fail(pre.error());

    // The same id with another type or payload is not a redelivery: answering it with the other
    // command's reply would tell its sender it was applied (issue 14). It is a poison message.
    const std::string identity = payload_identity(c.type, c.payload_json);
    if (pre->inbox_reply && (pre->inbox_type.value_or(c.type) != c.type ||
                             (pre->inbox_sha256 && *pre->inbox_sha256 != identity))) {
        p.dlq_reason = "command-id-reused";
        p.dlq_error = "command id " + c.command_id.value() + " was applied before as " +
                      pre->inbox_type.value_or("?") +
                      (pre->inbox_type.value_or(c.type) != c.type ? "" : " with another payload") +
                      "; a new command needs a new id";
        if (auto r = dead_letter(db, p, now); !r) return fail(r.error());
        return Step::done;
    }
    row.payload_sha256 = identity;

    // A redelivery or a replay: the stored reply again, nothing changes.
    if (pre->inbox_reply) {
        p.reply = stored_reply(*pre->inbox_reply);
        if (!p.reply) return fail(unreadable_reply(c.command_id.value()));
        audit_reply(Outcome::inbox);
        if (auto r = record_audit(db, row, fast_); !r) return fail(r.error());
        return Step::done;
    }
    if (!retry) {
        // Support set this command aside for good: a redelivery or a replay does not apply it.
        if (pre->own_parked_status == "DISCARDED") {
            p.reply = make_reply(c, reply_notice, p.handler->fault_code, "Discarded by support; not applied", "", now);
            audit_reply(Outcome::refused);
            if (auto r = record_audit(db, row); !r) return fail(r.error());
            return Step::done;
        }
        if (pre->parked_first) {
            if (*pre->parked_first == c.command_id.value()) {
                // The command that parked its notice, delivered again: still parked, same answer.
                p.reply = make_reply(c, reply_notice, p.handler->fault_code, p.handler->fault_message, "", now);
                audit_reply(Outcome::parked);
                row.message = "still parked";
                if (auto r = record_audit(db, row); !r) return fail(r.error());
                return Step::done;
            }
            // Behind a parked command of its notice: wait in order (once per command id).
            p.reply = make_reply(c, reply_notice, codes::kPending, std::string(kQueuedMessage), "", now);
            audit_reply(Outcome::queued);
            if (auto r = record_queued(db, row, p.in->value, queued_reason(*pre->parked_first)); !r)
                return fail(r.error());
            return Step::done;
        }
    }

    row.before_json = pre->before_json;
    if (!fast_)
        if (auto r = db.command("SAVEPOINT cmd"); !r) return fail(r.error());
    HandlerContext ctx{db, c, *json::get_object(p.doc, "payload"), now, retry ? nullptr : reasons_.get()};
    auto result = p.handler->fn(ctx);
    std::optional<pg::PgError> err;
    if (result) {
        p.reply = make_reply(c, reply_notice, result->code, result->message, result->data_json, now);
        audit_reply(outcome_of(result->code));
        auto recorded = record_applied(db, row, messages::encode(*p.reply),
                                       c.batch ? std::optional<int>(c.batch->size) : std::nullopt, fast_);
        if (recorded) return release();
        err = recorded.error();
    } else {
        err = result.error();
    }
    if (err->kind == FaultKind::transient) return fail(*err);
    // On the fast path an error may belong to a deferred statement of an earlier step: the whole
    // batch goes back and runs again on the careful path (process()).
    if (fast_) return fail(*err);

    // Permanent: undo this command only.
    if (auto r = db.command("ROLLBACK TO SAVEPOINT cmd"); !r) return fail(r.error());
    row.before_json.reset();
    if (err->sqlstate == "23505" && result) {
        // Another worker stored this command first (a redelivery raced us): answer from its row.
        auto again = db.exec("SELECT reply::text FROM ocms_command_inbox WHERE command_id = $1", {c.command_id.value()});
        if (!again) return fail(again.error());
        if (again->rows() == 1) {
            if (auto rep = stored_reply(again->get(0, 0))) {
                p.reply = std::move(*rep);
                audit_reply(Outcome::inbox);
                if (auto r = record_audit(db, row); !r) return fail(r.error());
                return release();
            }
        }
    }
    // Not a business rule and not curable by retrying (a constraint, a trigger, a privilege, bad
    // data): the handler's fault code and message (its spec's words) for the caller; the command
    // and the reason in the parking tables for support, and its notice held until they retry.
    p.failure = failure_text(*err);
    p.reply = make_reply(c, reply_notice, p.handler->fault_code, p.handler->fault_message, "", now);
    audit_reply(Outcome::parked);
    row.message = p.failure;
    if (retry) {
        row.message = "retry failed: " + p.failure;
        if (auto r = record_audit(db, row); !r) return fail(r.error());
        if (auto r = release(); !r) return fail(r.error());
        return Step::failed;
    }
    if (auto parked = record_parked(db, row, p.in->value, p.failure); !parked) {
        if (parked.error().kind == FaultKind::transient) return fail(parked.error());
        // Parking itself is refused (a broken deployment): the dead-letter topic as before issue 8,
        // so the partition still goes on and nothing is lost.
        if (auto r = db.command("ROLLBACK TO SAVEPOINT cmd"); !r) return fail(r.error());
        log::error("cannot park a failed command; dead-lettering it",
                   {{"commandId", c.command_id.value()}, {"noticeNo", p.notice}, {"error", parked.error().message}});
        p.dlq_reason = "database";
        p.dlq_error = p.failure;
        p.outcome = Outcome::dead_lettered;
        return release();
    }
    return release();
}

// A poison message: its ocms_dead_letter row and its audit row (best effort: a refusal of the
// database is logged, the dead-letter topic still gets it).
std::expected<void, pg::PgError> Processor::dead_letter(pg::Connection& db, Prepared& p, TimePoint now) {
    AuditRow row;
    if (p.command) {
        fill_from_command(row, *p.command);
    } else if (p.doc.IsObject()) {
        row.command_id = opt_string(p.doc, "commandId").value_or("");
        row.command_type = opt_string(p.doc, "type").value_or("");
        row.source = opt_string(p.doc, "source");
        row.officer = opt_string(p.doc, "officer");
        row.request_id = opt_string(p.doc, "requestId");
        row.trace_id = opt_string(p.doc, "traceId");
    }
    row.notice_no = p.notice;
    row.topic = p.in->topic;
    row.partition = p.in->partition;
    row.offset = p.in->offset;
    row.processed_at = now;
    row.outcome = Outcome::dead_lettered;
    row.message = *p.dlq_reason + ": " + p.dlq_error;
    p.outcome = Outcome::dead_lettered;
    // A caller waiting for this command still gets an answer.
    if (p.command && p.command->reply_to) {
        p.reply = make_reply(*p.command, notice_of(p.doc), codes::kBadRequest, "Command rejected: " + p.dlq_error, "", now);
        row.app_code = std::string(p.reply->app_code.str());
    }
    if (auto r = db.command("SAVEPOINT dl"); !r) return std::unexpected(r.error());
    if (auto r = record_dead_letter(db, row, *p.dlq_reason, p.dlq_error, p.in->value); !r) {
        if (r.error().kind == FaultKind::transient) return std::unexpected(r.error());
        if (auto rb = db.command("ROLLBACK TO SAVEPOINT dl"); !rb) return std::unexpected(rb.error());
        log::error("cannot record a dead letter in the database; it is on the dead-letter topic only",
                   {{"topic", p.in->topic}, {"offset", std::to_string(p.in->offset)}, {"error", r.error().message}});
    }
    if (auto r = db.command("RELEASE SAVEPOINT dl"); !r) return std::unexpected(r.error());
    return {};
}

void Processor::collect(BatchResult& out, Prepared& p, TimePoint now) {
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
    }
    if (!p.reply) return;
    const std::string body = messages::encode(*p.reply);
    if (p.command && p.command->reply_to)
        out.out.push_back({p.command->reply_to->topic, p.command->reply_to->partition, p.command->command_id.value(), body});
    if (p.dlq_reason) return;
    const std::string request_id = p.command->request_id ? p.command->request_id->value() : "";
    if (p.outcome == Outcome::parked || p.outcome == Outcome::queued) {
        // Not a result yet: the caller is answered, ocms.outcome gets the result when a retry
        // applies the command.
        ++(p.outcome == Outcome::parked ? out.parked : out.queued);
        (p.outcome == Outcome::parked ? parked_failed_ : parked_queued_).inc();  // counted once committed
        log::warn(p.outcome == Outcome::parked ? "command parked" : "command queued behind its parked notice",
                  {{"commandId", fields_cmd},
                   {"requestId", request_id},
                   {"noticeNo", p.notice},
                   {"error", p.failure}});
        return;
    }
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
               {"requestId", request_id},
               {"noticeNo", p.reply->notice_no.value()},
               {"appCode", p.reply->app_code.str()},
               {"fromInbox", p.reply->from_inbox ? "true" : "false"}});
}

Processor::RetryResult Processor::retry_parked(pg::Connection& db, int limit) {
    RetryResult rr;
    fast_ = false;  // retries take the careful path, one statement at a time
    auto due = notices_due_for_retry(db, limit);
    if (!due) {
        rr.error = due.error();
        return rr;
    }
    for (const auto& notice : *due) {
        const TimePoint now = clock_();
        auto abort = [&](pg::PgError e) {
            (void)db.command("ROLLBACK");
            rr.error = std::move(e);
            return rr;
        };
        if (auto r = db.command("BEGIN"); !r) return abort(r.error());
        auto locked = lock_due_notice(db, notice);
        if (!locked) return abort(locked.error());
        if (!*locked) {  // done by another worker meanwhile, or held by a command queueing behind it
            (void)db.command("ROLLBACK");
            continue;
        }
        auto entries = parked_commands(db, notice);
        if (!entries) return abort(entries.error());
        std::vector<InMessage> ins;
        ins.reserve(entries->size());  // Prepared points into it
        for (const auto& e : *entries) ins.push_back({e.topic, e.partition, e.offset, notice, e.envelope});

        std::vector<Prepared> done;
        std::optional<std::string> failed_id, failed_error;
        for (std::size_t i = 0; i < ins.size(); ++i) {
            const auto& e = (*entries)[i];
            Prepared p = prepare(ins[i]);
            if (p.dlq_reason) {  // valid when parked; the schemas changed since
                failed_id = e.command_id;
                failed_error = "not a valid command any more: " + p.dlq_error;
                break;
            }
            auto step = apply(db, p, now, true);
            if (!step) return abort(step.error());
            if (*step == Step::failed) {
                failed_id = e.command_id;
                failed_error = p.failure;
                break;
            }
            const std::string result = std::string(p.reply->app_code.str()) + " " + p.reply->message;
            if (auto r = mark_applied(db, e.parked_id, now, result); !r) return abort(r.error());
            done.push_back(std::move(p));
        }
        auto closed = failed_id ? record_retry_failure(db, notice, *failed_id, *failed_error) : unpark_notice(db, notice);
        if (!closed) return abort(closed.error());
        if (auto r = db.command("COMMIT"); !r) return abort(r.error());

        for (auto& p : done) collect(rr.result, p, now);
        ++rr.result.retried;
        (failed_id ? retries_failed_ : retries_applied_).inc();
        if (failed_id)
            log::warn("parked notice retried: failed again, still parked",
                      {{"noticeNo", notice},
                       {"applied", std::to_string(done.size())},
                       {"commandId", *failed_id},
                       {"error", *failed_error}});
        else
            log::info("parked notice retried: applied, unparked",
                      {{"noticeNo", notice}, {"applied", std::to_string(done.size())}});
    }
    return rr;
}

std::expected<void, pg::PgError> Processor::refresh_parked_gauges(pg::Connection& db) {
    auto c = parked_counts(db);
    if (!c) return std::unexpected(c.error());
    parked_notices_.set(double(c->notices));
    parked_commands_.set(double(c->commands));
    return {};
}

}  // namespace ocms::worker
