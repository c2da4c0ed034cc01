#pragma once
// ocms-replay's command line: parsing, the readable tables, and main (README "How to replay").
//   replay / redrive           the governed runs of replay.hpp (--operator and --reason required)
//   history <noticeNo>         what happened to a notice
//   dlq list | discard         dead letters
//   parked list | retry | discard
// Settings: OCMS_KAFKA_BROKERS (127.0.0.1:9092), OCMS_SUPPORT_PG_URL (required: the role
// ocms_support). Exit status: 0 done, 1 failed or not found, 2 could not run, 64 usage.
// Parsing and rendering are pure (unit-tested); main() does the I/O.
#include "replay.hpp"
#include "support/support_store.hpp"

#include <expected>
#include <string>
#include <variant>
#include <vector>

namespace ocms::replay::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitCannotRun = 2;
inline constexpr int kExitUsage = 64;

// A support command over the tables (no Kafka).
struct SupportCommand {
    std::string name;    // "history" | "dlq-list" | "dlq-discard" | "parked-list" | "parked-retry" | "parked-discard"
    std::string target;  // the notice number, dead-letter id or command id
    std::string status = "OPEN";  // dlq list: OPEN, REDRIVEN, DISCARDED or "" (ALL)
    int limit = 0;                // 0: the command's default (history 1000, lists 200)
    bool json = false;
    std::string operator_name, reason;
};

using Invocation = std::variant<Options, SupportCommand>;

std::string usage();
// args: argv without the program name. The error text ends with a hint to --help or the usage.
// Environment settings (brokers, database) are not read here.
std::expected<Invocation, std::string> parse(const std::vector<std::string>& args);

// The readable forms (--json prints support::to_json instead).
std::string render_history(const support::NoticeHistory& h);
std::string render_dead_letters(const std::vector<support::DeadLetter>& list);
std::string render_parked(const std::vector<support::ParkedNotice>& list);
// "field: before -> after; ..." from {"field":{"before":..,"after":..}}; the text as is when not that shape.
std::string render_changes(const std::string& changes_json);
// One dry-run line per message, and the summary line.
std::string render_item(const PreviewItem& item);
std::string render_summary(const Options& o, const Result& r);

int main(int argc, char** argv);

}  // namespace ocms::replay::cli
