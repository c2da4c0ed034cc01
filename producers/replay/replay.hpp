#pragma once
// The replay engine of ocms-replay and of the edge's /ops console (README "How to replay").
//   replay  : read a range of a command topic and publish the commands again. By default they
//             keep their command ids, so the workers answer them from the inbox and change no
//             row; new_ids re-executes them on purpose (new ids, said out loud in the output).
//   redrive : publish dead letters' original bytes to their source topics: a range of ocms.dlq,
//             or chosen ocms_dead_letter rows (dead_letter_ids). The rows redriven are marked
//             REDRIVEN with the run id.
// Governed: every run, dry runs too, is recorded in ocms_replay_run (who, why, the filter, the
// counts) through the support role; without an operator and a reason nothing runs. Every
// published message carries the replay-of marker (replayOf in the body when it is a JSON
// object, and the header ocms-replay-of) and a fresh trace id, and never a replyTo.
// The inbox is looked up for every matched command (batched), so a run reports how many would be
// applied again and how many the inbox answers from its stored replies. A replay skips messages
// that are not JSON objects (poison: redriven from the dead letters, never replayed) and, unless
// include_replays, messages an earlier replay or redrive published (header or body marker).
//
// run_structured() blocks (Kafka reads, rate limit, flush): call it from a worker thread. The
// RunContext callbacks run on that thread. One run uses its own consumer, producer and
// database connection.
#include "support/support_store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ocms::replay {

struct Options {
    std::string mode;  // "replay" | "redrive"
    std::string brokers = "127.0.0.1:9092";
    std::string topic;  // replay: the command topic; redrive: ocms.dlq
    std::vector<std::int32_t> partitions;  // empty = all
    std::optional<std::int64_t> from_offset, to_offset;  // to is inclusive
    std::optional<std::int64_t> from_time_ms, to_time_ms;
    std::set<std::string> keys;  // notice numbers; empty = all
    // replay: only commands whose inbox reply has one of these app codes ("none": not in the
    // inbox); empty = all.
    std::set<std::string> outcome_codes;
    std::vector<std::int64_t> dead_letter_ids;  // redrive: these ocms_dead_letter rows instead of a range
    std::optional<std::int64_t> max_messages;   // stop after this many matched messages (a bounded run)
    bool new_ids = false;
    bool include_replays = false;  // replay: also messages an earlier replay published (skipped by default)
    bool dry_run = false;
    double rate = 0;  // messages per second, 0 = unlimited
    std::string pg_url;  // the support role (OCMS_SUPPORT_PG_URL): the run record, inbox, dead letters
    std::string operator_name;  // required
    std::string reason;         // required
};

// Checks what parse_args checks, for callers that build Options themselves (the edge).
// Returns the problem, or nullopt when the options can run.
std::optional<std::string> validate(const Options& o);

// The filter as recorded in ocms_replay_run.filter.
std::string filter_json(const Options& o);

// One matched message: where it was read, where it goes, and what the workers will do with it.
struct PreviewItem {
    std::string topic;  // the topic it is (or would be) published to
    std::int32_t partition = 0;  // the original's position (replayOf)
    std::int64_t offset = 0;
    std::string key;
    std::string command_id;  // "" when the message is not a command (poison bytes)
    std::string type;
    bool would_apply = true;                  // not in the inbox (or new ids): applied again
    std::optional<std::string> inbox_answer;  // the app code the inbox answers with, when it does
    std::optional<std::int64_t> dead_letter_id;
    bool published = false;  // a real run: acknowledged by the broker
};

struct Progress {
    std::int64_t total = 0;  // messages in the range (dead letters chosen)
    support::RunCounts counts;
};

struct RunContext {
    std::size_t max_items = 1000;                      // items kept in Result::items
    std::function<void(const PreviewItem&)> on_item;   // every matched message, in order (dry run: before; real: after publishing)
    std::function<void(const Progress&)> on_progress;  // about every 1,000 messages or 2 s
    std::function<void(const std::string&)> on_note;   // one-line notes (start, skipped messages)
    const std::atomic<bool>* cancel = nullptr;         // set: stop after the current message (the run is FAILED)
};

struct Result {
    int exit_code = 0;  // 0 done, 1 some messages were not published, 2 could not run (error)
    std::string error;
    std::int64_t run_id = 0;  // 0 when the run could not be recorded
    std::int64_t total = 0;
    support::RunCounts counts;
    std::vector<PreviewItem> items;  // at most RunContext::max_items
    bool items_truncated = false;
    std::vector<std::int64_t> resolved_dead_letters;  // marked REDRIVEN by this run
};

Result run_structured(const Options& o, const RunContext& ctx = {});

// Rewrites a command for replay: replayOf marker, fresh trace id, no replyTo, and with new_ids a
// fresh command id. command_id / type are set from the message. Returns nullopt for a message
// that is not a JSON object (published unchanged: the worker dead-letters it again).
std::optional<std::string> rewrite(std::string_view value, const support::SourcePosition& replay_of, bool new_ids,
                                   std::string& command_id, std::string& type);

}  // namespace ocms::replay
