#include "cli.hpp"

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "json/json.hpp"
#include "messages/messages.hpp"

#include <charconv>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace ocms::replay::cli {

std::string usage() {
    return "usage:\n"
           "  ocms-replay replay  --topic TOPIC --operator NAME --reason TEXT [--partition N]...\n"
           "                      [--from-offset N|--from-time ISO] [--to-offset N|--to-time ISO] [--key NOTICE]...\n"
           "                      [--outcome CODE]... [--limit N] [--new-ids] [--include-replays] [--rate N] [--dry-run]\n"
           "  ocms-replay redrive --operator NAME --reason TEXT [--partition N]... [--from-offset N|--from-time ISO]\n"
           "                      [--to-offset N|--to-time ISO] [--key NOTICE]... [--limit N] [--rate N] [--dry-run]\n"
           "  ocms-replay redrive --dead-letter ID... --operator NAME --reason TEXT [--rate N] [--dry-run]\n"
           "  ocms-replay history NOTICE [--limit N] [--json]\n"
           "  ocms-replay dlq list [--status OPEN|REDRIVEN|DISCARDED|ALL] [--limit N] [--json]\n"
           "  ocms-replay dlq discard ID --operator NAME --reason TEXT\n"
           "  ocms-replay parked list [--limit N] [--json]\n"
           "  ocms-replay parked retry NOTICE --operator NAME --reason TEXT\n"
           "  ocms-replay parked discard COMMAND_ID --operator NAME --reason TEXT\n"
           "Every replay and redrive (dry runs too) and every discard and retry is recorded with the operator\n"
           "and the reason. --outcome: the app code the inbox answered the original with ('none': not in the\n"
           "inbox). --limit on a run: at most N matched messages. Times without a zone are Singapore time.\n"
           "settings: OCMS_KAFKA_BROKERS (127.0.0.1:9092), OCMS_SUPPORT_PG_URL (required)\n";
}

namespace {

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::optional<std::int64_t> whole_number(const std::string& v) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size() || n < 0) return std::nullopt;
    return n;
}

// Walks the arguments after the subcommand; each option handler takes its value through value().
class Args {
public:
    Args(const std::vector<std::string>& a, std::size_t start) : a_(a), i_(start) {}
    bool more() const { return i_ < a_.size(); }
    std::string next() { return a_[i_++]; }
    bool peek_option() const { return i_ < a_.size() && a_[i_].starts_with("--"); }
    std::expected<std::string, std::string> value(const std::string& opt) {
        if (i_ >= a_.size()) return std::unexpected(opt + " needs a value");
        return a_[i_++];
    }
    std::expected<std::int64_t, std::string> number(const std::string& opt) {
        auto v = value(opt);
        if (!v) return std::unexpected(v.error());
        auto n = whole_number(*v);
        if (!n) return std::unexpected(opt + " needs a whole number, not '" + *v + "'");
        return *n;
    }
    std::expected<std::int64_t, std::string> time_ms(const std::string& opt) {
        auto v = value(opt);
        if (!v) return std::unexpected(v.error());
        auto t = parse_iso(*v);
        if (!t) return std::unexpected(opt + " needs an ISO 8601 time (Singapore time if no zone), not '" + *v + "'");
        return to_micros(*t) / 1000;
    }

private:
    const std::vector<std::string>& a_;
    std::size_t i_;
};

std::string with_usage(const std::string& why) { return why + "\n" + usage(); }

std::expected<Invocation, std::string> parse_run(const std::vector<std::string>& args) {
    Options o;
    o.mode = args[0];
    if (o.mode == "redrive") o.topic = messages::kTopicDlq;
    Args in(args, 1);
    while (in.more()) {
        std::string a = in.next();
        std::expected<void, std::string> step;
        auto take_num = [&](auto& dst) {
            auto n = in.number(a);
            if (!n) return std::expected<void, std::string>(std::unexpected(n.error()));
            dst = *n;
            return std::expected<void, std::string>();
        };
        auto take_time = [&](std::optional<std::int64_t>& dst) {
            auto t = in.time_ms(a);
            if (!t) return std::expected<void, std::string>(std::unexpected(t.error()));
            dst = *t;
            return std::expected<void, std::string>();
        };
        auto take_text = [&](std::string& dst) {
            auto v = in.value(a);
            if (!v) return std::expected<void, std::string>(std::unexpected(v.error()));
            dst = *v;
            return std::expected<void, std::string>();
        };
        if (a == "--dry-run") o.dry_run = true;
        else if (a == "--new-ids") o.new_ids = true;
        else if (a == "--include-replays") o.include_replays = true;
        else if (a == "--topic") step = take_text(o.topic);
        else if (a == "--operator") step = take_text(o.operator_name);
        else if (a == "--reason") step = take_text(o.reason);
        else if (a == "--partition") {
            std::int64_t n = 0;
            step = take_num(n);
            if (step) o.partitions.push_back(std::int32_t(n));
        } else if (a == "--from-offset") {
            std::int64_t n = 0;
            step = take_num(n);
            if (step) o.from_offset = n;
        } else if (a == "--to-offset") {
            std::int64_t n = 0;
            step = take_num(n);
            if (step) o.to_offset = n;
        } else if (a == "--from-time") step = take_time(o.from_time_ms);
        else if (a == "--to-time") step = take_time(o.to_time_ms);
        else if (a == "--key") {
            std::string k;
            step = take_text(k);
            if (step) o.keys.insert(k);
        } else if (a == "--outcome") {
            std::string c;
            step = take_text(c);
            if (step) o.outcome_codes.insert(c);
        } else if (a == "--limit") {
            std::int64_t n = 0;
            step = take_num(n);
            if (step) o.max_messages = n;
        } else if (a == "--rate") {
            std::int64_t n = 0;
            step = take_num(n);
            if (step) o.rate = double(n);
        } else if (a == "--dead-letter") {
            // One or more ids, separately or comma-separated, up to the next option.
            bool any = false;
            while (in.more() && !in.peek_option()) {
                std::string list = in.next();
                std::size_t start = 0;
                while (start <= list.size()) {
                    auto comma = list.find(',', start);
                    std::string one = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                    if (!one.empty()) {
                        auto n = whole_number(one);
                        if (!n || *n == 0) return std::unexpected(with_usage("--dead-letter needs dead-letter ids, not '" + one + "'"));
                        o.dead_letter_ids.push_back(*n);
                        any = true;
                    }
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
            }
            if (!any) step = std::unexpected("--dead-letter needs at least one id");
        } else if (a == "--help" || a == "-h") {
            return std::unexpected(usage());
        } else {
            return std::unexpected(with_usage("unknown option '" + a + "'"));
        }
        if (!step) return std::unexpected(with_usage(step.error()));
    }
    // The settings are filled in by main; validate the rest now with a placeholder database.
    Options check = o;
    check.pg_url = "set-by-main";
    if (auto problem = validate(check)) return std::unexpected(with_usage(*problem));
    return o;
}

std::expected<Invocation, std::string> parse_support(const std::vector<std::string>& args) {
    SupportCommand c;
    std::size_t start = 1;
    const std::string& first = args[0];
    auto need_target = [&](const char* what) -> std::expected<void, std::string> {
        if (start >= args.size() || args[start].starts_with("--"))
            return std::unexpected(with_usage(c.name + " needs " + what));
        c.target = args[start++];
        return {};
    };
    if (first == "history") {
        c.name = "history";
        if (auto t = need_target("a notice number"); !t) return std::unexpected(t.error());
    } else {
        if (args.size() < 2) return std::unexpected(with_usage(first + " needs a subcommand"));
        std::string sub = args[1];
        start = 2;
        if (first == "dlq" && sub == "list") c.name = "dlq-list";
        else if (first == "dlq" && sub == "discard") c.name = "dlq-discard";
        else if (first == "parked" && sub == "list") c.name = "parked-list";
        else if (first == "parked" && sub == "retry") c.name = "parked-retry";
        else if (first == "parked" && sub == "discard") c.name = "parked-discard";
        else return std::unexpected(with_usage("unknown command '" + first + " " + sub + "'"));
        if (c.name == "dlq-discard") {
            if (auto t = need_target("a dead-letter id"); !t) return std::unexpected(t.error());
            auto n = whole_number(c.target);
            if (!n || *n == 0) return std::unexpected(with_usage("a dead-letter id is a number, not '" + c.target + "'"));
        } else if (c.name == "parked-retry") {
            if (auto t = need_target("a notice number"); !t) return std::unexpected(t.error());
        } else if (c.name == "parked-discard") {
            if (auto t = need_target("a command id"); !t) return std::unexpected(t.error());
        }
    }
    const bool is_list = c.name == "history" || c.name == "dlq-list" || c.name == "parked-list";
    Args in(args, start);
    while (in.more()) {
        std::string a = in.next();
        if (a == "--json" && is_list) c.json = true;
        else if (a == "--limit" && is_list) {
            auto n = in.number(a);
            if (!n) return std::unexpected(with_usage(n.error()));
            if (*n < 1 || *n > 10000) return std::unexpected(with_usage("--limit must be 1..10000"));
            c.limit = int(*n);
        } else if (a == "--status" && c.name == "dlq-list") {
            auto v = in.value(a);
            if (!v) return std::unexpected(with_usage(v.error()));
            if (*v == "ALL") c.status = "";
            else if (*v == "OPEN" || *v == "REDRIVEN" || *v == "DISCARDED") c.status = *v;
            else return std::unexpected(with_usage("--status is OPEN, REDRIVEN, DISCARDED or ALL, not '" + *v + "'"));
        } else if (a == "--operator" && !is_list) {
            auto v = in.value(a);
            if (!v) return std::unexpected(with_usage(v.error()));
            c.operator_name = *v;
        } else if (a == "--reason" && !is_list) {
            auto v = in.value(a);
            if (!v) return std::unexpected(with_usage(v.error()));
            c.reason = *v;
        } else if (a == "--help" || a == "-h") {
            return std::unexpected(usage());
        } else {
            return std::unexpected(with_usage("unknown option '" + a + "' for " + c.name));
        }
    }
    if (!is_list && (blank(c.operator_name) || blank(c.reason)))
        return std::unexpected(with_usage(c.name + " needs --operator NAME and --reason TEXT: every support action is recorded with who did it and why"));
    return c;
}

}  // namespace

std::expected<Invocation, std::string> parse(const std::vector<std::string>& args) {
    if (args.empty()) return std::unexpected(usage());
    const std::string& cmd = args[0];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") return std::unexpected(usage());
    if (cmd == "replay" || cmd == "redrive") return parse_run(args);
    if (cmd == "history" || cmd == "dlq" || cmd == "parked") return parse_support(args);
    return std::unexpected(with_usage("unknown command '" + cmd + "'"));
}

// ---- rendering ------------------------------------------------------------------------------

namespace {

// Left-aligned in a column; a longer value keeps one space before the next column.
std::string pad(std::string s, std::size_t width) {
    s.append(s.size() < width ? width - s.size() : 1, ' ');
    return s;
}

std::string dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string json_value_text(const json::Value& v) {
    if (v.IsNull()) return "-";
    if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
    return json::to_string(v);
}

std::string one_line(std::string s) {
    for (auto& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return s;
}

}  // namespace

std::string render_changes(const std::string& changes_json) {
    auto doc = json::parse(changes_json);
    if (!doc || !doc->IsObject()) return changes_json;
    std::string out;
    for (auto it = doc->MemberBegin(); it != doc->MemberEnd(); ++it) {
        if (!out.empty()) out += "; ";
        out += std::string(it->name.GetString(), it->name.GetStringLength()) + ": ";
        const auto& v = it->value;
        if (v.IsObject() && (v.HasMember("before") || v.HasMember("after"))) {
            out += v.HasMember("before") ? json_value_text(v["before"]) : "-";
            out += " -> ";
            out += v.HasMember("after") ? json_value_text(v["after"]) : "-";
        } else {
            out += json_value_text(v);
        }
    }
    return out.empty() ? "-" : out;
}

std::string render_history(const support::NoticeHistory& h) {
    std::ostringstream out;
    out << "notice " << h.notice_no << ": " << h.events.size() << " event(s)";
    if (!h.notice_exists) out << ", no such notice in ocms_valid_offence_notice";
    if (h.parked) out << ", PARKED (ocms-replay parked list)";
    if (h.truncated) out << " (only the latest " << h.events.size() << "; --limit for more)";
    out << "\n";
    if (h.events.empty()) return out.str();
    const std::string indent(21, ' ');
    out << pad("TIME", 21) << pad("KIND", 13) << pad("COMMAND", 22) << pad("OUTCOME", 15) << pad("CODE", 11)
        << "MESSAGE\n";
    for (const auto& e : h.events) {
        std::string command, outcome, code, message, detail;
        if (e.kind == "command") {
            command = e.command_type;
            outcome = e.outcome;
            code = e.app_code;
            message = e.message;
            detail = "id " + dash(e.command_id);
            if (!e.source.empty() || !e.officer.empty()) detail += " from " + dash(e.source) + " by " + dash(e.officer);
            if (!e.request_id.empty()) detail += ", request " + e.request_id;
            if (!e.topic.empty())
                detail += ", " + e.topic + "/" + std::to_string(e.partition) + "@" + std::to_string(e.offset);
            if (e.replay_of_json) {
                auto ro = json::parse(*e.replay_of_json);
                if (ro && ro->IsObject())
                    detail += ", replay of " + std::string(json::get_string(*ro, "topic").value_or("?")) + "/" +
                              std::to_string(json::get_int(*ro, "partition").value_or(-1)) + "@" +
                              std::to_string(json::get_int(*ro, "offset").value_or(-1));
            }
        } else if (e.kind == "dead-letter") {
            command = e.command_type;
            outcome = e.status;
            code = e.reason;
            message = e.error;
            detail = "dead letter " + (e.dead_letter_id ? std::to_string(*e.dead_letter_id) : std::string("?")) +
                     ", command " + dash(e.command_id) + ", from " + e.topic + "/" + std::to_string(e.partition) + "@" +
                     std::to_string(e.offset);
        } else {
            command = e.action;
            outcome = "by " + e.operator_name;
            message = e.reason;
            if (!e.command_id.empty()) detail = "command " + e.command_id;
            if (e.detail_json) detail += (detail.empty() ? "" : ", ") + *e.detail_json;
        }
        out << pad(format_local(e.at), 21) << pad(e.kind, 13) << pad(dash(command), 22) << pad(dash(outcome), 15)
            << pad(dash(code), 11) << one_line(dash(message)) << "\n";
        if (!detail.empty()) out << indent << one_line(detail) << "\n";
        if (e.changes_json) out << indent << "changes: " << one_line(render_changes(*e.changes_json)) << "\n";
    }
    return out.str();
}

std::string render_dead_letters(const std::vector<support::DeadLetter>& list) {
    std::ostringstream out;
    out << list.size() << " dead letter(s)\n";
    if (list.empty()) return out.str();
    out << pad("ID", 8) << pad("DEAD-LETTERED", 21) << pad("NOTICE", 14) << pad("TYPE", 20) << pad("REASON", 14)
        << pad("STATUS", 11) << pad("SOURCE", 28) << "ERROR\n";
    for (const auto& d : list) {
        out << pad(std::to_string(d.id), 8) << pad(format_local(d.dead_lettered_at), 21) << pad(dash(d.notice_no), 14)
            << pad(dash(d.command_type), 20) << pad(d.reason, 14) << pad(d.status, 11)
            << pad(d.source_topic + "/" + std::to_string(d.source_partition) + "@" + std::to_string(d.source_offset), 28)
            << one_line(d.error) << "\n";
    }
    return out.str();
}

std::string render_parked(const std::vector<support::ParkedNotice>& list) {
    std::ostringstream out;
    out << list.size() << " parked notice(s)\n";
    for (const auto& p : list) {
        out << p.notice_no << "  parked " << format_local(p.parked_at) << "  first " << p.first_command_id << "\n"
            << "    reason: " << one_line(p.reason) << "\n";
        if (p.retry_requested_at)
            out << "    retry requested " << format_local(*p.retry_requested_at) << " by "
                << p.retry_requested_by.value_or("-") << "\n";
        if (p.last_retry_at)
            out << "    last retry " << format_local(*p.last_retry_at) << ": " << one_line(p.last_retry_error.value_or("ok"))
                << "\n";
        for (const auto& c : p.commands)
            out << "    " << pad(std::to_string(c.parked_id), 8) << pad(c.command_id, 38) << pad(c.command_type, 20)
                << format_local(c.parked_at) << "  " << one_line(c.reason) << "\n";
    }
    return out.str();
}

std::string render_item(const PreviewItem& item) {
    std::string verdict = item.inbox_answer ? "inbox answers " + *item.inbox_answer + " (no change)" : "would apply";
    std::string s = item.topic + " key=" + item.key + " of " + std::to_string(item.partition) + "@" +
                    std::to_string(item.offset);
    if (item.dead_letter_id) s += " deadLetter=" + std::to_string(*item.dead_letter_id);
    s += " commandId=" + dash(item.command_id) + " type=" + dash(item.type) + ": " + verdict;
    return s;
}

std::string render_summary(const Options& o, const Result& r) {
    const auto& c = r.counts;
    std::string s = o.mode + (o.dry_run ? " (dry run)" : "") + ": read " + std::to_string(c.read) + ", matched " +
                    std::to_string(c.matched) + ", published " + std::to_string(c.published) + ", failed " +
                    std::to_string(c.failed) + ", skipped " + std::to_string(c.skipped) + ", " +
                    (o.dry_run ? "would apply again " : "applied again ") + std::to_string(c.would_apply) + ", " +
                    (o.dry_run ? "inbox would answer " : "inbox answers ") + std::to_string(c.inbox_answers);
    if (!r.resolved_dead_letters.empty())
        s += ", dead letters marked REDRIVEN " + std::to_string(r.resolved_dead_letters.size());
    s += " (run " + std::to_string(r.run_id) + ")";
    return s;
}

// ---- main -----------------------------------------------------------------------------------

namespace {

int run_support(const SupportCommand& c, const std::string& pg_url) {
    auto db = pg::Connection::connect(pg_url);
    if (!db) {
        std::cerr << "database (support role): " << db.error().message << "\n";
        return kExitCannotRun;
    }
    auto& d = **db;
    auto fail = [](const pg::PgError& e) {
        std::cerr << "database: " << e.message << "\n";
        return kExitCannotRun;
    };
    if (c.name == "history") {
        auto h = support::history(d, c.target, c.limit ? c.limit : 1000);
        if (!h) return fail(h.error());
        std::cout << (c.json ? support::to_json(*h) + "\n" : render_history(*h));
        return kExitOk;
    }
    if (c.name == "dlq-list") {
        auto l = support::dead_letters(d, c.status, c.limit ? c.limit : 200);
        if (!l) return fail(l.error());
        std::cout << (c.json ? support::to_json(*l) + "\n" : render_dead_letters(*l));
        return kExitOk;
    }
    if (c.name == "parked-list") {
        auto l = support::parked(d, c.limit ? c.limit : 200);
        if (!l) return fail(l.error());
        std::cout << (c.json ? support::to_json(*l) + "\n" : render_parked(*l));
        return kExitOk;
    }
    if (c.name == "dlq-discard") {
        std::int64_t id = std::stoll(c.target);
        auto n = support::resolve_dead_letters(d, {id}, "DISCARDED", c.operator_name, c.reason, std::nullopt);
        if (!n) return fail(n.error());
        if (*n == 0) {
            std::cerr << "dead letter " << id << " is not OPEN (or does not exist): nothing discarded\n";
            return kExitFailed;
        }
        std::cout << "dead letter " << id << " DISCARDED by " << c.operator_name << "\n";
        return kExitOk;
    }
    if (c.name == "parked-retry") {
        auto ok = support::request_retry(d, c.target, c.operator_name, c.reason);
        if (!ok) return fail(ok.error());
        if (!*ok) {
            std::cerr << "notice " << c.target << " is not parked: nothing to retry\n";
            return kExitFailed;
        }
        std::cout << "retry of notice " << c.target << " requested by " << c.operator_name
                  << "; the workers apply its parked commands in order within seconds (ocms-replay history "
                  << c.target << ")\n";
        return kExitOk;
    }
    if (c.name == "parked-discard") {
        auto ok = support::discard_parked(d, c.target, c.operator_name, c.reason);
        if (!ok) return fail(ok.error());
        if (!*ok) {
            std::cerr << "command " << c.target << " is not parked: nothing discarded\n";
            return kExitFailed;
        }
        std::cout << "parked command " << c.target << " DISCARDED by " << c.operator_name
                  << "; the notice stays parked until a retry applies the rest\n";
        return kExitOk;
    }
    std::cerr << "unknown command " << c.name << "\n";
    return kExitUsage;
}

int run_replay(Options o) {
    RunContext ctx;
    ctx.max_items = 0;  // the CLI prints as it goes
    ctx.on_note = [](const std::string& s) { std::cerr << s << "\n"; };
    ctx.on_progress = [&o](const Progress& p) {
        std::cerr << "[" << o.mode << "] " << p.counts.read << "/" << p.total << " read, " << p.counts.matched
                  << " matched, " << p.counts.published << " published\n";
    };
    if (o.dry_run) ctx.on_item = [](const PreviewItem& item) { std::cout << render_item(item) << "\n"; };
    auto r = run_structured(o, ctx);
    if (r.run_id == 0) {
        std::cerr << r.error << "\n";
        return r.exit_code ? r.exit_code : kExitCannotRun;
    }
    std::cout << render_summary(o, r) << "\n";
    if (!r.error.empty()) std::cerr << r.error << "\n";
    return r.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    log::init("ocms-replay", config::env_or("OCMS_LOG_LEVEL", "warn"));
    auto inv = parse(std::vector<std::string>(argv + 1, argv + argc));
    if (!inv) {
        std::cerr << inv.error();
        if (!inv.error().ends_with("\n")) std::cerr << "\n";
        return kExitUsage;
    }
    const std::string pg_url = config::env_or("OCMS_SUPPORT_PG_URL", "");
    if (pg_url.empty()) {
        std::cerr << "OCMS_SUPPORT_PG_URL is not set (the role ocms_support; source .data/ocms.env)\n";
        return kExitCannotRun;
    }
    if (auto* c = std::get_if<SupportCommand>(&*inv)) return run_support(*c, pg_url);
    auto o = std::get<Options>(*inv);
    o.brokers = config::env_or("OCMS_KAFKA_BROKERS", o.brokers);
    o.pg_url = pg_url;
    return run_replay(std::move(o));
}

}  // namespace ocms::replay::cli
