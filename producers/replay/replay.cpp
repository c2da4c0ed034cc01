#include "replay.hpp"

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "json/json.hpp"
#include "kafka/kafka.hpp"
#include "messages/messages.hpp"
#include "pg/pg.hpp"

#include <atomic>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

namespace ocms::replay {

using namespace std::chrono_literals;

std::string usage() {
    return "usage:\n"
           "  ocms-replay replay  --topic TOPIC [--partition N]... [--from-offset N|--from-time ISO]\n"
           "                      [--to-offset N|--to-time ISO] [--key NOTICE]... [--new-ids] [--include-replays] [--rate N]\n"
           "                      [--dry-run] [--operator NAME] [--reason TEXT]\n"
           "  ocms-replay redrive [--partition N]... [--from-offset N|--from-time ISO] [--to-offset N|--to-time ISO]\n"
           "                      [--key NOTICE]... [--rate N] [--dry-run] [--operator NAME] [--reason TEXT]\n"
           "settings: OCMS_KAFKA_BROKERS (127.0.0.1:9092), OCMS_PG_URL (optional, dry-run inbox look-up)\n";
}

std::optional<Options> parse_args(int argc, char** argv, std::string& err) {
    Options o;
    if (argc < 2) {
        err = usage();
        return std::nullopt;
    }
    o.mode = argv[1];
    if (o.mode != "replay" && o.mode != "redrive") {
        err = "unknown command '" + o.mode + "'\n" + usage();
        return std::nullopt;
    }
    if (o.mode == "redrive") o.topic = messages::kTopicDlq;
    auto num = [&](const std::string& v, const char* what) -> std::optional<std::int64_t> {
        try {
            std::size_t used = 0;
            long long n = std::stoll(v, &used);
            if (used == v.size() && n >= 0) return n;
        } catch (...) {
        }
        err = std::string(what) + " needs a whole number, not '" + v + "'";
        return std::nullopt;
    };
    auto time = [&](const std::string& v, const char* what) -> std::optional<std::int64_t> {
        auto t = parse_iso(v);
        if (!t) {
            err = std::string(what) + " needs an ISO 8601 time (Singapore time if no zone), not '" + v + "'";
            return std::nullopt;
        }
        return to_micros(*t) / 1000;
    };
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= argc) {
                err = a + " needs a value";
                return std::nullopt;
            }
            return std::string(argv[++i]);
        };
        std::optional<std::string> v;
        if (a == "--dry-run") o.dry_run = true;
        else if (a == "--new-ids") o.new_ids = true;
        else if (a == "--include-replays") o.include_replays = true;
        else if (a == "--topic") { if (!(v = value())) return std::nullopt; o.topic = *v; }
        else if (a == "--partition") {
            if (!(v = value())) return std::nullopt;
            auto n = num(*v, "--partition");
            if (!n) return std::nullopt;
            o.partitions.push_back(std::int32_t(*n));
        } else if (a == "--from-offset") { if (!(v = value()) || !(o.from_offset = num(*v, "--from-offset"))) return std::nullopt; }
        else if (a == "--to-offset") { if (!(v = value()) || !(o.to_offset = num(*v, "--to-offset"))) return std::nullopt; }
        else if (a == "--from-time") { if (!(v = value()) || !(o.from_time_ms = time(*v, "--from-time"))) return std::nullopt; }
        else if (a == "--to-time") { if (!(v = value()) || !(o.to_time_ms = time(*v, "--to-time"))) return std::nullopt; }
        else if (a == "--key") { if (!(v = value())) return std::nullopt; o.keys.insert(*v); }
        else if (a == "--rate") {
            if (!(v = value())) return std::nullopt;
            auto n = num(*v, "--rate");
            if (!n) return std::nullopt;
            o.rate = double(*n);
        } else if (a == "--operator") { if (!(v = value())) return std::nullopt; o.operator_name = *v; }
        else if (a == "--reason") { if (!(v = value())) return std::nullopt; o.reason = *v; }
        else if (a == "--help" || a == "-h") { err = usage(); return std::nullopt; }
        else {
            err = "unknown option '" + a + "'\n" + usage();
            return std::nullopt;
        }
    }
    if (o.topic.empty()) {
        err = "replay needs --topic\n" + usage();
        return std::nullopt;
    }
    if (o.from_offset && o.from_time_ms) {
        err = "give --from-offset or --from-time, not both";
        return std::nullopt;
    }
    if (o.to_offset && o.to_time_ms) {
        err = "give --to-offset or --to-time, not both";
        return std::nullopt;
    }
    return o;
}

namespace {

struct Range {
    std::int32_t partition;
    std::int64_t from;
    std::int64_t to;  // inclusive
};

// Rewrites a command for replay: replayOf marker, fresh trace id, no replyTo (no edge waits for
// it), and with --new-ids a fresh command id. Returns nullopt for a message that is not a JSON
// object (published unchanged: the worker dead-letters it again).
std::optional<std::string> rewrite(std::string_view value, const std::string& topic, std::int32_t partition,
                                   std::int64_t offset, bool new_ids, std::string& command_id) {
    auto doc = json::parse(value);
    if (!doc || !doc->IsObject()) return std::nullopt;
    auto& a = doc->GetAllocator();
    if (new_ids) {
        command_id = new_uuid();
        if (doc->HasMember("commandId")) (*doc)["commandId"].SetString(command_id.c_str(), a);
    } else if (auto id = json::get_string(*doc, "commandId")) {
        command_id = std::string(*id);
    }
    doc->RemoveMember("replyTo");
    doc->RemoveMember("replayOf");
    doc->RemoveMember("traceId");
    std::string trace = new_uuid();
    doc->AddMember("traceId", json::Value(trace.c_str(), a), a);
    json::Value ro(rapidjson::kObjectType);
    ro.AddMember("topic", json::Value(topic.c_str(), a), a);
    ro.AddMember("partition", partition, a);
    ro.AddMember("offset", offset, a);
    doc->AddMember("replayOf", ro, a);
    return json::to_string(*doc);
}

}  // namespace

int run(const Options& o, Summary& s) {
    auto consumer = kafka::Consumer::create(o.brokers, "", {});
    if (!consumer) {
        std::cerr << "cannot create consumer: " << consumer.error() << "\n";
        return 2;
    }
    auto& c = **consumer;
    int count = c.partition_count(o.topic, 10s);
    if (count <= 0) {
        std::cerr << "topic " << o.topic << " not found (is Kafka at " << o.brokers << "?)\n";
        return 2;
    }
    std::vector<Range> ranges;
    std::int64_t total = 0;
    for (int p = 0; p < count; ++p) {
        if (!o.partitions.empty() && std::find(o.partitions.begin(), o.partitions.end(), p) == o.partitions.end()) continue;
        auto wm = c.watermarks(o.topic, p, 10s);
        if (!wm) {
            std::cerr << "cannot read watermarks of " << o.topic << "/" << p << "\n";
            return 2;
        }
        std::int64_t from = wm->first, to = wm->second - 1;
        if (o.from_offset) from = std::max(from, *o.from_offset);
        if (o.from_time_ms) {
            auto off = c.offset_for_time(o.topic, p, *o.from_time_ms, 10s);
            from = (off && *off >= 0) ? std::max(from, *off) : wm->second;
        }
        if (o.to_offset) to = std::min(to, *o.to_offset);
        if (o.to_time_ms) {
            auto off = c.offset_for_time(o.topic, p, *o.to_time_ms, 10s);
            if (off && *off >= 0) to = std::min(to, *off - 1);
        }
        if (from > to) continue;
        ranges.push_back({p, from, to});
        total += to - from + 1;
    }
    std::cerr << "[" << o.mode << "] " << o.topic << ": " << total << " message(s) in " << ranges.size()
              << " partition(s)" << (o.dry_run ? " (dry run: nothing is published)" : "")
              << (o.new_ids ? " (NEW COMMAND IDS: commands are applied again)" : "") << "\n";
    log::info("replay started", {{"mode", o.mode}, {"topic", o.topic}, {"operator", o.operator_name},
                                 {"reason", o.reason}, {"messages", std::to_string(total)},
                                 {"dryRun", o.dry_run ? "true" : "false"}, {"newIds", o.new_ids ? "true" : "false"}});
    if (total == 0) return 0;

    std::vector<kafka::TopicPartition> assign;
    std::map<std::int32_t, std::int64_t> end;
    for (const auto& r : ranges) {
        assign.push_back({o.topic, r.partition, r.from});
        end[r.partition] = r.to;
    }
    if (auto e = c.assign(assign)) {
        std::cerr << "cannot assign: " << *e << "\n";
        return 2;
    }

    std::unique_ptr<kafka::Producer> producer;
    if (!o.dry_run) {
        auto p = kafka::Producer::create(o.brokers, {{"message.timeout.ms", "30000"}});
        if (!p) {
            std::cerr << "cannot create producer: " << p.error() << "\n";
            return 2;
        }
        producer = std::move(*p);
    }
    std::unique_ptr<pg::Connection> db;
    if (o.dry_run && !o.pg_url.empty()) {
        if (auto d = pg::Connection::connect(o.pg_url)) db = std::move(*d);
        else std::cerr << "no inbox look-up (database: " << d.error().message << ")\n";
    }
    std::atomic<std::int64_t> failed{0};
    const auto started = std::chrono::steady_clock::now();
    auto last_progress = started;
    std::int64_t done_parts = 0;
    std::map<std::int32_t, bool> finished;
    while (done_parts < std::int64_t(end.size())) {
        auto m = c.poll(1000ms);
        if (!m) continue;
        if (m->err()) {
            std::cerr << "consume error: " << m->error_text() << "\n";
            continue;
        }
        if (finished[m->partition()] || m->offset() > end[m->partition()]) continue;
        ++s.read;
        if (m->offset() >= end[m->partition()]) {
            finished[m->partition()] = true;
            ++done_parts;
        }
        std::string key(m->key());
        std::string target_topic = o.topic;
        std::string value(m->value());
        if (o.mode == "redrive") {
            auto doc = json::parse(value);
            std::optional<std::string> original;
            if (doc && doc->IsObject()) {
                original = messages::original_bytes(*doc);
                target_topic = std::string(json::get_string(*doc, "sourceTopic").value_or(""));
                key = std::string(json::get_string(*doc, "key").value_or(key));
            }
            if (!original || target_topic.empty()) {
                ++s.skipped;
                std::cerr << "skipping " << o.topic << "/" << m->partition() << "@" << m->offset()
                          << ": not a dead letter\n";
                continue;
            }
            value = *original;
        }
        if (!o.keys.empty() && !o.keys.contains(key)) continue;
        if (o.mode == "replay" && !o.include_replays && value.find("\"replayOf\"") != std::string::npos) {
            // A message an earlier replay published: its original is in the topic too (same
            // command id), so replaying it again would only double the work (and the topic).
            auto doc = json::parse(value);
            if (doc && doc->IsObject() && doc->HasMember("replayOf")) {
                ++s.skipped;
                continue;
            }
        }
        ++s.matched;
        std::string command_id;
        std::string out = value;
        if (auto rewritten = rewrite(value, target_topic, m->partition(), m->offset(), o.new_ids, command_id))
            out = *rewritten;
        if (o.dry_run) {
            std::string verdict = "would publish";
            if (db && !command_id.empty() && !o.new_ids) {
                auto r = db->exec("SELECT app_code FROM ocms_command_inbox WHERE command_id = $1", {command_id});
                if (r && r->rows() == 1) {
                    verdict = "inbox answers " + std::string(r->get(0, 0)) + " (no change)";
                    ++s.would_answer_from_inbox;
                } else if (r) {
                    verdict = "would apply";
                    ++s.would_apply;
                }
            }
            std::cout << target_topic << " key=" << key << " from " << o.topic << "/" << m->partition() << "@"
                      << m->offset() << " commandId=" << (command_id.empty() ? "-" : command_id) << ": " << verdict
                      << "\n";
        } else {
            auto err = producer->produce(target_topic, -1, key, out, {{"ocms-replay-of", o.topic + "/" +
                                                                                              std::to_string(m->partition()) + "@" +
                                                                                              std::to_string(m->offset())}},
                                         [&failed](const kafka::DeliveryReport& r) {
                                             if (!r.ok()) ++failed;
                                         });
            if (err) ++failed;
            else ++s.published;
            producer->poll(0ms);
            if (o.rate > 0) {
                auto due = started + std::chrono::duration<double>(double(s.published) / o.rate);
                std::this_thread::sleep_until(due);
            }
        }
        auto now = std::chrono::steady_clock::now();
        if (now - last_progress > 2s) {
            last_progress = now;
            std::cerr << "[" << o.mode << "] " << s.read << "/" << total << " read, " << s.published << " published\n";
        }
    }
    if (producer && !producer->flush(60s)) {
        std::cerr << "some messages were not acknowledged in time\n";
        return 1;
    }
    s.published -= failed.load();
    std::cout << o.mode << (o.dry_run ? " (dry run)" : "") << ": read " << s.read << ", matched " << s.matched
              << ", published " << s.published << ", failed " << failed.load() << ", skipped " << s.skipped;
    if (o.dry_run && db) std::cout << ", inbox would answer " << s.would_answer_from_inbox << ", would apply " << s.would_apply;
    std::cout << "\n";
    log::info("replay finished", {{"mode", o.mode}, {"topic", o.topic}, {"operator", o.operator_name},
                                  {"published", std::to_string(s.published)}, {"failed", std::to_string(failed.load())}});
    return failed.load() == 0 ? 0 : 1;
}

}  // namespace ocms::replay
