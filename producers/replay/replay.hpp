#pragma once
// ocms-replay: the support engineer's tool (README "How to replay").
//   replay  : read a range of a command topic and publish the commands again. By default they
//             keep their command ids, so the workers answer them from the inbox and change no
//             row; --new-ids re-executes them on purpose (new ids, said out loud in the output).
//   redrive : read a range of ocms.dlq and publish each original message to its source topic.
// Both: --dry-run prints what would be published (and, with OCMS_PG_URL, what the inbox
// would answer) and publishes nothing. A replay skips messages that an earlier replay published
// (they carry replayOf; their originals are in the topic too) unless --include-replays. Progress goes to stderr; the summary to stdout.
#include <cstdint>
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
    bool new_ids = false;
    bool include_replays = false;  // replay: also messages an earlier replay published (skipped by default)
    bool dry_run = false;
    double rate = 0;  // messages per second, 0 = unlimited
    std::string pg_url;  // optional, for the dry run's inbox look-up
    std::string operator_name;
    std::string reason;
};

// Parses argv; on error returns nullopt and writes the reason and usage to err.
std::optional<Options> parse_args(int argc, char** argv, std::string& err);
std::string usage();

struct Summary {
    std::int64_t read = 0;
    std::int64_t matched = 0;
    std::int64_t published = 0;
    std::int64_t would_answer_from_inbox = 0;
    std::int64_t would_apply = 0;
    std::int64_t skipped = 0;
};

// Runs the job; returns the process exit code.
int run(const Options& o, Summary& summary);

}  // namespace ocms::replay
