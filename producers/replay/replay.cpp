#include "replay.hpp"

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "json/json.hpp"
#include "kafka/kafka.hpp"
#include "messages/messages.hpp"
#include "pg/pg.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

namespace ocms::replay {

using namespace std::chrono_literals;

namespace {
bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }
}  // namespace

std::optional<std::string> validate(const Options& o) {
    if (o.mode != "replay" && o.mode != "redrive") return "a run is a replay or a redrive, not '" + o.mode + "'";
    if (blank(o.operator_name) || blank(o.reason))
        return o.mode + " needs --operator NAME and --reason TEXT: every replay and redrive is recorded with who "
                        "ran it and why (dry runs too)";
    if (o.pg_url.empty())
        return "no database for the run record: set OCMS_SUPPORT_PG_URL (source .data/ocms.env)";
    if (o.from_offset && o.from_time_ms) return "give --from-offset or --from-time, not both";
    if (o.to_offset && o.to_time_ms) return "give --to-offset or --to-time, not both";
    if (o.rate < 0) return "--rate must not be negative";
    if (o.max_messages && *o.max_messages <= 0) return "--limit must be at least 1";
    if (o.mode == "redrive") {
        if (o.new_ids) return "--new-ids is for replay (a redrive publishes the original bytes)";
        if (o.include_replays) return "--include-replays is for replay";
        if (!o.outcome_codes.empty()) return "--outcome is for replay";
    }
    if (!o.dead_letter_ids.empty()) {
        if (o.mode != "redrive") return "--dead-letter is for redrive";
        if (!o.partitions.empty() || o.from_offset || o.to_offset || o.from_time_ms || o.to_time_ms || !o.keys.empty())
            return "--dead-letter redrives the chosen rows; it takes no topic range or --key";
    } else if (o.topic.empty()) {
        return "replay needs --topic";
    }
    return std::nullopt;
}

std::string filter_json(const Options& o) {
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    auto ms_time = [&](const char* k, std::int64_t ms) { json::kv(w, k, format_offset(from_micros(ms * 1000))); };
    if (o.dead_letter_ids.empty()) {
        json::kv(w, "topic", o.topic);
        if (!o.partitions.empty()) {
            w.Key("partitions");
            w.StartArray();
            for (auto p : o.partitions) w.Int(p);
            w.EndArray();
        }
        if (o.from_offset) json::kv(w, "fromOffset", *o.from_offset);
        if (o.to_offset) json::kv(w, "toOffset", *o.to_offset);
        if (o.from_time_ms) ms_time("fromTime", *o.from_time_ms);
        if (o.to_time_ms) ms_time("toTime", *o.to_time_ms);
    } else {
        w.Key("deadLetterIds");
        w.StartArray();
        for (auto id : o.dead_letter_ids) w.Int64(id);
        w.EndArray();
    }
    auto list = [&](const char* k, const std::set<std::string>& s) {
        if (s.empty()) return;
        w.Key(k);
        w.StartArray();
        for (const auto& v : s) w.String(v.c_str(), rapidjson::SizeType(v.size()));
        w.EndArray();
    };
    list("noticeNos", o.keys);
    list("outcomeCodes", o.outcome_codes);
    if (o.max_messages) json::kv(w, "maxMessages", *o.max_messages);
    if (o.new_ids) json::kv(w, "newIds", true);
    if (o.include_replays) json::kv(w, "includeReplays", true);
    if (o.rate > 0) json::kv(w, "rate", std::int64_t(o.rate));
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

std::optional<std::string> rewrite(std::string_view value, const support::SourcePosition& replay_of, bool new_ids,
                                   std::string& command_id, std::string& type) {
    auto doc = json::parse(value);
    if (!doc || !doc->IsObject()) return std::nullopt;
    auto& a = doc->GetAllocator();
    type = std::string(json::get_string(*doc, "type").value_or(""));
    if (auto id = json::get_string(*doc, "commandId")) command_id = std::string(*id);
    if (new_ids) {
        command_id = new_uuid();
        if (doc->HasMember("commandId")) (*doc)["commandId"].SetString(command_id.c_str(), a);
        else doc->AddMember("commandId", json::Value(command_id.c_str(), a), a);
    }
    doc->RemoveMember("replyTo");
    doc->RemoveMember("replayOf");
    doc->RemoveMember("traceId");
    std::string trace = new_uuid();
    doc->AddMember("traceId", json::Value(trace.c_str(), a), a);
    json::Value ro(rapidjson::kObjectType);
    ro.AddMember("topic", json::Value(replay_of.topic.c_str(), a), a);
    ro.AddMember("partition", replay_of.partition, a);
    ro.AddMember("offset", replay_of.offset, a);
    doc->AddMember("replayOf", ro, a);
    return json::to_string(*doc);
}

namespace {

constexpr std::size_t kLookupBatch = 500;

struct Candidate {
    PreviewItem item;
    std::string original_id;  // the command id the inbox knows (before --new-ids)
    std::string out;          // the bytes to publish
};

// One run: reads candidates (from a topic range or dead-letter rows), looks their command ids up
// in the inbox in batches, filters, previews or publishes. Lives on the caller's thread.
class Engine {
public:
    Engine(const Options& o, const RunContext& ctx, pg::Connection& db, Result& res)
        : o_(o), ctx_(ctx), db_(db), res_(res), started_(std::chrono::steady_clock::now()), last_progress_(started_) {}

    // false: the run failed (res_.error says why).
    bool run() {
        if (!o_.dry_run) {
            auto p = kafka::Producer::make(o_.brokers, {{"message.timeout.ms", "30000"}, {"client.id", "ocms-replay"}});
            if (!p) return fail("cannot create the Kafka producer: " + p.error().message);
            producer_ = std::move(*p);
        }
        bool ok = o_.dead_letter_ids.empty() ? read_range() : read_dead_letters();
        if (ok) ok = drain();
        if (producer_ && !producer_->flush(60s)) {
            res_.exit_code = std::max(res_.exit_code, 1);
            if (res_.error.empty()) res_.error = "some messages were not acknowledged in time";
            ok = false;
        }
        // Destroyed here, while everything its delivery callbacks touch is alive (a last flush).
        producer_.reset();
        // Messages enqueued but never reported count as failed.
        res_.counts.failed += std::max<std::int64_t>(0, enqueued_ - res_.counts.published - reported_failed_);
        if (res_.counts.failed > 0) {
            res_.exit_code = std::max(res_.exit_code, 1);
            if (res_.error.empty()) res_.error = std::to_string(res_.counts.failed) + " message(s) were not published";
        }
        if (!o_.dry_run && !resolve_redriven()) ok = false;
        progress(true);
        return ok && res_.exit_code == 0;
    }

private:
    bool fail(std::string why) {
        res_.exit_code = 2;
        res_.error = std::move(why);
        return false;
    }
    void note(const std::string& s) {
        if (ctx_.on_note) ctx_.on_note(s);
    }
    bool cancelled() const { return ctx_.cancel && ctx_.cancel->load(); }

    void progress(bool force = false) {
        // Every 2 s, or every 1,000 messages when they come slower than 4,000 a second.
        auto now = std::chrono::steady_clock::now();
        const bool due = now - last_progress_ >= 2s ||
                         (res_.counts.read - last_progress_read_ >= 1000 && now - last_progress_ >= 250ms);
        if (!force && !due) return;
        last_progress_ = now;
        last_progress_read_ = res_.counts.read;
        if (ctx_.on_progress) ctx_.on_progress(Progress{res_.total, res_.counts});
    }

    // ---- sources --------------------------------------------------------------------------

    bool read_range() {
        auto consumer = kafka::Consumer::make(o_.brokers, "", {{"enable.partition.eof", "true"}});
        if (!consumer) return fail("cannot create the Kafka consumer: " + consumer.error().message);
        auto& c = **consumer;
        int count = c.partition_count(o_.topic, 10s);
        if (count <= 0) return fail("topic " + o_.topic + " not found (is Kafka at " + o_.brokers + "?)");
        std::vector<kafka::TopicPartition> assign;
        std::map<std::int32_t, std::int64_t> end;
        for (int p = 0; p < count; ++p) {
            if (!o_.partitions.empty() && std::ranges::find(o_.partitions, p) == o_.partitions.end()) continue;
            auto wm = c.watermarks(o_.topic, p, 10s);
            if (!wm) return fail("cannot read the watermarks of " + o_.topic + "/" + std::to_string(p));
            std::int64_t from = wm->first, to = wm->second - 1;
            if (o_.from_offset) from = std::max(from, *o_.from_offset);
            if (o_.from_time_ms) {
                auto off = c.offset_for_time(o_.topic, p, *o_.from_time_ms, 10s);
                from = (off && *off >= 0) ? std::max(from, *off) : wm->second;
            }
            if (o_.to_offset) to = std::min(to, *o_.to_offset);
            if (o_.to_time_ms) {
                auto off = c.offset_for_time(o_.topic, p, *o_.to_time_ms, 10s);
                if (off && *off >= 0) to = std::min(to, *off - 1);
            }
            if (from > to) continue;
            assign.push_back({o_.topic, p, from});
            end[p] = to;
            res_.total += to - from + 1;
        }
        note("[" + o_.mode + "] " + o_.topic + ": " + std::to_string(res_.total) + " message(s) in " +
             std::to_string(end.size()) + " partition(s)" + (o_.dry_run ? " (dry run: nothing is published)" : "") +
             (o_.new_ids ? " (NEW COMMAND IDS: commands are applied again)" : "") + ", run " +
             std::to_string(res_.run_id));
        if (end.empty()) return true;
        if (auto e = c.assign(assign)) return fail("cannot assign the partitions: " + *e);

        std::map<std::int32_t, bool> finished;
        std::size_t done_parts = 0;
        int idle_polls = 0;
        while (done_parts < end.size() && !stop_ && !cancelled()) {
            auto m = c.poll(1000ms);
            if (!m) {
                if (++idle_polls >= 30) return fail("no message from " + o_.topic + " for 30 s before the end of the range");
                continue;
            }
            idle_polls = 0;
            const std::int32_t part = m->partition();
            if (m->err() == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                if (end.contains(part) && !finished[part]) {
                    finished[part] = true;
                    ++done_parts;
                }
                continue;
            }
            if (m->err()) {
                note("consume error: " + m->error_text());
                continue;
            }
            if (!end.contains(part) || finished[part] || m->offset() > end[part]) continue;
            if (m->offset() >= end[part]) {
                finished[part] = true;
                ++done_parts;
            }
            ++res_.counts.read;
            if (!take_message(*m)) return false;
            progress();
        }
        if (cancelled()) return fail("cancelled");
        return true;
    }

    bool take_message(const kafka::Message& m) {
        Candidate cand;
        std::string key(m.key());
        std::string value(m.value());
        support::SourcePosition of{o_.topic, m.partition(), m.offset()};
        std::string target = o_.topic;
        if (o_.mode == "redrive") {
            auto doc = json::parse(value);
            std::optional<std::string> original;
            if (doc && doc->IsObject()) {
                original = messages::original_bytes(*doc);
                target = std::string(json::get_string(*doc, "sourceTopic").value_or(""));
                key = std::string(json::get_string(*doc, "key").value_or(key));
                of = {target, std::int32_t(json::get_int(*doc, "partition").value_or(0)),
                      json::get_int(*doc, "offset").value_or(0)};
            }
            if (doc && doc->IsObject() && json::get_bool(*doc, "originalTruncated").value_or(false)) {
                // the record carries the first bytes only (messages.hpp); the row has them all
                ++res_.counts.skipped;
                note("skipping " + o_.topic + "/" + std::to_string(m.partition()) + "@" + std::to_string(m.offset()) +
                     ": its original (" + std::to_string(json::get_int(*doc, "originalSize").value_or(0)) +
                     " bytes) is cut on the topic; redrive it by id (redrive --dead-letter ID), which reads the "
                     "whole original from the database");
                return true;
            }
            if (!original || target.empty()) {
                ++res_.counts.skipped;
                note("skipping " + o_.topic + "/" + std::to_string(m.partition()) + "@" + std::to_string(m.offset()) +
                     ": not a dead letter");
                return true;
            }
            value = std::move(*original);
        }
        if (!o_.keys.empty() && !o_.keys.contains(key)) return true;
        if (o_.mode == "replay") {
            // A message an earlier replay published (the header, or replayOf in the body): its
            // original is in the topic too (same command id), so replaying it again would only
            // double the work (and the topic).
            if (!o_.include_replays && m.header("ocms-replay-of")) {
                ++res_.counts.skipped;
                return true;
            }
            auto doc = json::parse(value);
            if (!doc || !doc->IsObject()) {
                // Not a command: the worker dead-lettered it; it is redriven from the dead letters.
                ++res_.counts.skipped;
                if (++not_commands_ <= 10)
                    note("skipping " + o_.topic + "/" + std::to_string(m.partition()) + "@" + std::to_string(m.offset()) +
                         ": not a command (redrive it from the dead letters)" +
                         (not_commands_ == 10 ? "; further ones are skipped silently" : ""));
                return true;
            }
            if (!o_.include_replays && doc->HasMember("replayOf")) {
                ++res_.counts.skipped;
                return true;
            }
        }
        cand.item.topic = target;
        cand.item.key = key;
        cand.item.partition = of.partition;
        cand.item.offset = of.offset;
        prepare(cand, value, of);
        return offer(std::move(cand));
    }

    bool read_dead_letters() {
        res_.total = std::int64_t(o_.dead_letter_ids.size());
        note("[redrive] " + std::to_string(res_.total) + " chosen dead letter(s)" +
             (o_.dry_run ? " (dry run: nothing is published)" : "") + ", run " + std::to_string(res_.run_id));
        auto rows = support::dead_letters_by_id(db_, o_.dead_letter_ids);
        if (!rows) return fail("cannot read the dead letters: " + rows.error().message);
        std::map<std::int64_t, const support::DeadLetter*> by_id;
        for (const auto& d : *rows) by_id[d.id] = &d;
        for (auto id : o_.dead_letter_ids) {
            if (stop_ || cancelled()) break;
            auto it = by_id.find(id);
            if (it == by_id.end()) {
                ++res_.counts.skipped;
                note("dead letter " + std::to_string(id) + " not found: skipped");
                continue;
            }
            const auto& d = *it->second;
            ++res_.counts.read;
            if (d.status != "OPEN") {
                ++res_.counts.skipped;
                note("dead letter " + std::to_string(id) + " is " + d.status + ", not OPEN: skipped");
                continue;
            }
            Candidate cand;
            cand.item.topic = d.source_topic;
            cand.item.key = d.notice_no;
            cand.item.partition = d.source_partition;
            cand.item.offset = d.source_offset;
            cand.item.dead_letter_id = d.id;
            prepare(cand, d.original, {d.source_topic, d.source_partition, d.source_offset});
            if (!offer(std::move(cand))) return false;
            progress();
        }
        if (cancelled()) return fail("cancelled");
        return true;
    }

    void prepare(Candidate& cand, const std::string& value, const support::SourcePosition& of) {
        std::string id, type;
        if (auto rewritten = rewrite(value, of, o_.new_ids, id, type)) {
            cand.out = std::move(*rewritten);
            cand.item.command_id = id;
            cand.item.type = type;
            if (!o_.new_ids) cand.original_id = id;
            else if (auto doc = json::parse(value); doc && doc->IsObject())
                cand.original_id = std::string(json::get_string(*doc, "commandId").value_or(""));
        } else {
            cand.out = value;  // not a JSON object: the worker dead-letters it again
        }
    }

    // ---- batching, inbox, filters, output ---------------------------------------------------

    bool offer(Candidate c) {
        batch_.push_back(std::move(c));
        if (batch_.size() >= kLookupBatch) return drain();
        return true;
    }

    bool drain() {
        if (batch_.empty()) return true;
        std::vector<std::string> ids;
        for (const auto& c : batch_) ids.push_back(c.original_id);
        auto answers = support::inbox_answers(db_, ids);
        if (!answers) return fail("cannot look up the inbox: " + answers.error().message);
        // A redrive of the dead-letter topic: the table says which were redriven or discarded already.
        std::vector<std::optional<support::DeadLetterRef>> rows(batch_.size());
        if (o_.mode == "redrive" && o_.dead_letter_ids.empty()) {
            std::vector<support::SourcePosition> at;
            for (const auto& c : batch_) at.push_back({c.item.topic, c.item.partition, c.item.offset});
            auto found = support::dead_letters_at(db_, at);
            if (!found) return fail("cannot look up the dead letters: " + found.error().message);
            rows = std::move(*found);
        }
        for (std::size_t i = 0; i < batch_.size() && !stop_ && !cancelled(); ++i) {
            auto& c = batch_[i];
            if (rows[i]) {
                if (rows[i]->status != "OPEN") {
                    ++res_.counts.skipped;
                    note("skipping " + c.item.topic + "/" + std::to_string(c.item.partition) + "@" +
                         std::to_string(c.item.offset) + ": dead letter " + std::to_string(rows[i]->id) + " is " +
                         rows[i]->status);
                    continue;
                }
                c.item.dead_letter_id = rows[i]->id;
            }
            const auto& code = batch_[i].original_id.empty() ? std::optional<std::string>() : (*answers)[i];
            if (!o_.outcome_codes.empty() && !o_.outcome_codes.contains(code.value_or("none"))) continue;
            if (o_.max_messages && res_.counts.matched >= *o_.max_messages) {
                stop_ = true;
                break;
            }
            ++res_.counts.matched;
            c.item.inbox_answer = o_.new_ids ? std::nullopt : code;
            c.item.would_apply = !c.item.inbox_answer;
            if (c.item.would_apply) ++res_.counts.would_apply;
            else ++res_.counts.inbox_answers;
            if (o_.dry_run) emit(c.item);
            else publish(std::move(c));
        }
        batch_.clear();
        return true;
    }

    void emit(const PreviewItem& item) {
        if (ctx_.on_item) ctx_.on_item(item);
        if (res_.items.size() < ctx_.max_items) res_.items.push_back(item);
        else res_.items_truncated = true;
    }

    void publish(Candidate c) {
        if (publish_started_ == std::chrono::steady_clock::time_point{}) publish_started_ = std::chrono::steady_clock::now();
        const std::string marker = c.item.topic + "/" + std::to_string(c.item.partition) + "@" + std::to_string(c.item.offset);
        auto item = std::make_shared<PreviewItem>(std::move(c.item));
        auto err = producer_->produce(item->topic, -1, item->key, c.out, {{"ocms-replay-of", marker}},
                                      [this, item](const kafka::DeliveryReport& r) {
                                          item->published = r.ok();
                                          if (r.ok()) {
                                              ++res_.counts.published;
                                              if (item->dead_letter_id) redriven_ids_.push_back(*item->dead_letter_id);
                                          } else {
                                              ++reported_failed_;
                                              ++res_.counts.failed;
                                              note("not published: " + item->topic + " key " + item->key + ": " + r.error);
                                          }
                                          emit(*item);
                                      });
        if (err) {
            ++res_.counts.failed;
            note("not published: " + item->topic + " key " + item->key + ": " + *err);
            return;
        }
        ++enqueued_;
        producer_->poll(0ms);
        if (o_.rate > 0) {
            auto due = publish_started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                              std::chrono::duration<double>(double(enqueued_) / o_.rate));
            std::this_thread::sleep_until(due);
        }
    }

    // A real redrive: the dead-letter rows of what was published are REDRIVEN by this run.
    bool resolve_redriven() {
        if (o_.mode != "redrive" || redriven_ids_.empty()) return true;
        std::vector<std::int64_t> ids = redriven_ids_;
        auto n = support::resolve_dead_letters(db_, ids, "REDRIVEN", o_.operator_name, o_.reason, res_.run_id);
        if (!n) {
            res_.error = "published, but the dead-letter rows could not be marked REDRIVEN: " + n.error().message;
            res_.exit_code = std::max(res_.exit_code, 1);
            return false;
        }
        std::ranges::sort(ids);
        res_.resolved_dead_letters = std::move(ids);
        return true;
    }

    const Options& o_;
    const RunContext& ctx_;
    pg::Connection& db_;
    Result& res_;
    std::vector<Candidate> batch_;
    bool stop_ = false;  // max_messages reached
    std::int64_t not_commands_ = 0;
    std::int64_t enqueued_ = 0;
    std::int64_t reported_failed_ = 0;
    std::vector<std::int64_t> redriven_ids_;
    const std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point last_progress_;
    std::int64_t last_progress_read_ = 0;
    std::chrono::steady_clock::time_point publish_started_{};
    // Last: destroyed first, so no delivery callback outlives the members it uses.
    std::unique_ptr<kafka::Producer> producer_;
};

}  // namespace

Result run_structured(const Options& o, const RunContext& ctx) {
    Result res;
    if (auto problem = validate(o)) {
        res.exit_code = 2;
        res.error = *problem;
        return res;
    }
    auto db = pg::Connection::connect(o.pg_url);
    if (!db) {
        res.exit_code = 2;
        res.error = "database (support role): " + db.error().message;
        return res;
    }
    auto run_id = support::start_run(**db, o.mode, o.operator_name, o.reason, o.dry_run, filter_json(o));
    if (!run_id) {
        res.exit_code = 2;
        res.error = "cannot record the run: " + run_id.error().message;
        return res;
    }
    res.run_id = *run_id;
    log::info("replay started", {{"mode", o.mode}, {"run", std::to_string(res.run_id)}, {"operator", o.operator_name},
                                 {"reason", o.reason}, {"dryRun", o.dry_run ? "true" : "false"},
                                 {"newIds", o.new_ids ? "true" : "false"}});
    Engine engine(o, ctx, **db, res);
    bool ok = engine.run();
    if (auto f = support::finish_run(**db, res.run_id, ok, res.counts); !f) {
        res.exit_code = std::max(res.exit_code, 1);
        if (res.error.empty()) res.error = "the run's counts could not be recorded: " + f.error().message;
    }
    log::info("replay finished", {{"mode", o.mode}, {"run", std::to_string(res.run_id)},
                                  {"published", std::to_string(res.counts.published)},
                                  {"failed", std::to_string(res.counts.failed)}, {"ok", ok ? "true" : "false"}});
    return res;
}

}  // namespace ocms::replay
