#include "change_stage.hpp"

#include "http/pipeline.hpp"

#include "contract/payloads.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "domain/stage.hpp"
#include "json/schema_registry.hpp"

#include <charconv>
#include <chrono>
#include <set>

namespace ocms::edge {

namespace cps {

namespace {

using domain::StageReason;

ApiError bad(std::string_view code_text, std::string message) {
    return ApiError{ErrorKind::bad_request, std::move(message), std::string(code_text)};
}

std::optional<std::string> opt_str(const json::Value& v, const char* key) {
    auto s = json::get_string(v, key);
    if (!s) return std::nullopt;
    std::string out(*s);
    // Blank is absent: a form that sends "" for an empty field means "not given".
    if (out.find_first_not_of(" \t") == std::string::npos) return std::nullopt;
    return out;
}

bool get_flag(const json::Value& v, const char* key) {
    auto it = v.FindMember(key);
    return it != v.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

// "2025-12-01 10:30:00": Singapore local time, as the spec's search example shows it.
std::string display_time(TimePoint t) {
    std::string s = format_local(t);
    if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
    return s;
}

void opt_kv(json::Writer& w, const char* key, const std::optional<std::string>& v) {
    w.Key(key);
    if (v) w.String(v->data(), rapidjson::SizeType(v->size()));
    else w.Null();
}

void time_kv(json::Writer& w, const char* key, const std::optional<TimePoint>& t) {
    w.Key(key);
    if (t) {
        auto s = display_time(*t);
        w.String(s.data(), rapidjson::SizeType(s.size()));
    } else {
        w.Null();
    }
}

std::string body_of(rapidjson::StringBuffer& sb) { return {sb.GetString(), sb.GetSize()}; }

std::expected<std::vector<std::string>, ApiError> notice_list(const json::Value& body, const char* key) {
    const json::Value* list = json::get_array(body, key);
    if (!list || list->Empty()) return std::unexpected(bad(code::kMissingData, std::string(key) + " must list at least one notice"));
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& n : list->GetArray()) {
        if (!n.IsString()) return std::unexpected(bad(code::kInvalidFormat, std::string(key) + " must be a list of strings"));
        std::string s(n.GetString(), n.GetStringLength());
        if (!seen.insert(s).second) return std::unexpected(bad(code::kInvalidFormat, "Duplicate notice number: " + s));
        out.push_back(std::move(s));
    }
    return out;
}

// The command's payload for a spec; a mode outside the schema's enum is refused (INVALID_FORMAT).
std::optional<contract::StageChange> payload_of(const StageCommandSpec& s) {
    const auto mode = contract::parse_stage_mode(s.mode);
    if (!mode) return std::nullopt;
    auto stage = [](const std::optional<std::string>& v) -> std::optional<Stage> {
        if (!v) return std::nullopt;
        return Stage(*v);
    };
    auto flag = [](bool b) { return b ? std::optional<bool>(true) : std::nullopt; };  // false is left out
    contract::StageChange p;
    p.notice_no = NoticeNo(s.notice_no);
    p.mode = *mode;
    p.source = s.source;
    p.officer = s.officer;
    p.new_stage = stage(s.new_stage);
    p.current_stage = stage(s.current_stage);
    p.offender_type = s.offender_type;
    p.reason = s.reason;
    p.remarks = s.remarks;
    p.dh_mha_check = flag(s.dh_mha_check);
    p.is_confirmation = flag(s.is_confirmation);
    p.new_stage_date = s.new_stage_date;
    p.processing_date = s.processing_date;
    return p;
}

std::optional<std::chrono::year_month_day> parse_day(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    auto num = [&](std::string_view part, auto& out) {
        auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
        return ec == std::errc() && p == part.data() + part.size();
    };
    if (!num(s.substr(0, 4), y) || !num(s.substr(5, 2), m) || !num(s.substr(8, 2), d)) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

void write_outcome(json::Writer& w, const NoticeOutcome& o, bool with_toppan) {
    w.StartObject();
    json::kv(w, "noticeNo", std::string_view(o.notice_no));
    json::kv(w, "outcome", std::string_view(o.outcome));
    if (o.previous_stage) json::kv(w, "previousStage", std::string_view(*o.previous_stage));
    if (o.new_stage) json::kv(w, "newStage", std::string_view(*o.new_stage));
    if (o.outcome != "UPDATED" && !o.code.empty()) json::kv(w, "code", std::string_view(o.code));
    json::kv(w, "message", std::string_view(o.message));
    if (with_toppan && o.toppan) json::kv(w, "toppan", std::string_view(*o.toppan));
    if (o.command_id) json::kv(w, "commandId", std::string_view(*o.command_id));
    w.EndObject();
}

struct Counts {
    int updated = 0, failed = 0, warnings = 0, pending = 0;
};
Counts count(const std::vector<NoticeOutcome>& outcomes) {
    Counts c;
    for (const auto& o : outcomes) {
        if (o.outcome == "UPDATED") ++c.updated;
        else if (o.outcome == "WARNING") ++c.warnings;
        else if (o.outcome == "PENDING") ++c.pending;
        else ++c.failed;
    }
    return c;
}

}  // namespace

// ---- search ----------------------------------------------------------------------------------

std::expected<stage_store::SearchCriteria, ApiError> search_criteria(const json::Value& body) {
    stage_store::SearchCriteria c;
    c.notice_no = opt_str(body, "noticeNo");
    c.id_no = opt_str(body, "idNo");
    c.vehicle_no = opt_str(body, "vehicleNo");
    c.current_stage = opt_str(body, "currentProcessingStage");
    c.stage_date = opt_str(body, "dateOfCurrentProcessingStage");
    if (c.empty()) return std::unexpected(bad(code::kMissingData, "At least one search criterion is required"));
    if (c.stage_date && !parse_day(*c.stage_date))
        return std::unexpected(bad(code::kInvalidFormat, "dateOfCurrentProcessingStage must be a date yyyy-MM-dd"));
    return c;
}

std::string search_answer(const StageSearchResult& found) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    int eligible = 0, ineligible = 0;
    std::vector<std::pair<const stage_store::SearchRow*, domain::SearchVerdict>> verdicts;
    verdicts.reserve(found.rows.size());
    for (const auto& row : found.rows) {
        verdicts.emplace_back(&row, domain::search_eligibility(row.notice, found.ref));
        (verdicts.back().second.eligible ? eligible : ineligible)++;
    }
    auto common = [&](const stage_store::SearchRow& r) {
        json::kv(w, "noticeNo", std::string_view(r.notice.notice_no.value()));
        opt_kv(w, "offenceType", r.offence_type);
        time_kv(w, "offenceDateTime", r.offence_date_time);
        opt_kv(w, "offenderName", r.offender_name);
        opt_kv(w, "offenderId", r.offender_id);
        opt_kv(w, "vehicleNo", r.vehicle_no);
        json::kv(w, "currentProcessingStage", std::string_view(r.notice.last_processing_stage.value()));
        time_kv(w, "currentProcessingStageDate", r.notice.last_processing_date);
    };
    w.StartObject();
    w.Key("eligibleNotices");
    w.StartArray();
    for (const auto& [row, v] : verdicts) {
        if (!v.eligible) continue;
        w.StartObject();
        common(*row);
        opt_kv(w, "suspensionType", row->notice.suspension_type);
        opt_kv(w, "suspensionStatus", row->suspension_status);
        opt_kv(w, "ownerDriverIndicator", row->owner_driver_indicator);
        opt_kv(w, "entityType", row->entity_type);
        w.EndObject();
    }
    w.EndArray();
    w.Key("ineligibleNotices");
    w.StartArray();
    for (const auto& [row, v] : verdicts) {
        if (v.eligible) continue;
        w.StartObject();
        common(*row);
        json::kv(w, "reasonCode", std::string_view(v.code));
        json::kv(w, "reasonMessage", std::string_view(v.message));
        w.EndObject();
    }
    w.EndArray();
    w.Key("summary");
    w.StartObject();
    json::kv(w, "total", std::int64_t(found.rows.size()));
    json::kv(w, "eligible", std::int64_t(eligible));
    json::kv(w, "ineligible", std::int64_t(ineligible));
    if (found.truncated) json::kv(w, "truncated", true);
    w.EndObject();
    w.EndObject();
    return body_of(sb);
}

// ---- validate --------------------------------------------------------------------------------

std::expected<ValidateRequest, ApiError> validate_request(const json::Value& body) {
    ValidateRequest r;
    const json::Value* list = json::get_array(body, "notices");
    if (!list || list->Empty()) return std::unexpected(bad(code::kMissingData, "notices must list at least one notice"));
    std::set<std::string> seen;
    for (const auto& n : list->GetArray()) {
        ValidateItem it;
        it.notice_no = std::string(json::get_string(n, "noticeNo").value_or(""));
        if (!seen.insert(it.notice_no).second)
            return std::unexpected(bad(code::kInvalidFormat, "Duplicate notice number: " + it.notice_no));
        it.current_stage = opt_str(n, "currentStage");
        it.offender_type = opt_str(n, "offenderType");
        it.entity_type = opt_str(n, "entityType");
        r.notices.push_back(std::move(it));
    }
    r.new_stage = std::string(json::get_string(body, "newProcessingStage").value_or(""));
    r.reason = opt_str(body, "reasonOfChange");
    r.remarks = opt_str(body, "remarks");
    if (domain::remarks_missing(r.reason, r.remarks))
        return std::unexpected(ApiError{ErrorKind::unprocessable, std::string(domain::stage_message::kRemarksRequired),
                                        std::string(code::kRemarksRequired)});
    return r;
}

std::string validate_answer(const ValidateRequest& req, const StageCheckResult& found, const std::string& officer,
                            TimePoint now) {
    rapidjson::StringBuffer changeable_sb, refused_sb;
    json::Writer ok(changeable_sb), no(refused_sb);
    int changeable = 0, refused = 0;
    ok.StartArray();
    no.StartArray();
    for (std::size_t i = 0; i < req.notices.size(); ++i) {
        const auto& item = req.notices[i];
        const auto& notice = i < found.notices.size() ? found.notices[i] : std::optional<domain::StageNotice>{};
        domain::ChangeStage cmd;
        cmd.notice_no = NoticeNo(item.notice_no);
        cmd.api = domain::StageApi::validate;
        cmd.new_stage = Stage(req.new_stage);
        if (item.current_stage) cmd.current_stage = Stage(*item.current_stage);
        cmd.offender_type = item.offender_type;
        cmd.reason = req.reason;
        cmd.remarks = req.remarks;
        cmd.officer = officer;
        auto d = domain::decide_stage_change(cmd, notice, found.ref, now);
        std::optional<std::string> current = notice ? std::optional<std::string>(notice->last_processing_stage.value())
                                                    : item.current_stage;
        if (d.outcome == domain::ChangeOutcome::failed) {
            ++refused;
            no.StartObject();
            json::kv(no, "noticeNo", std::string_view(item.notice_no));
            opt_kv(no, "currentStage", current);
            json::kv(no, "code", std::string_view(d.code));
            json::kv(no, "message", std::string_view(d.message));
            no.EndObject();
            continue;
        }
        ++changeable;
        std::optional<std::string> role = item.offender_type;
        if (!role && notice)
            if (auto r = domain::current_offender_role(notice->offenders)) role = std::string(domain::role_name(*r));
        ok.StartObject();
        json::kv(ok, "noticeNo", std::string_view(item.notice_no));
        opt_kv(ok, "currentStage", current);
        opt_kv(ok, "offenderType", role);
        opt_kv(ok, "entityType", item.entity_type);
        if (d.outcome == domain::ChangeOutcome::warning) json::kv(ok, "code", std::string_view(d.code));
        json::kv(ok, "message", std::string_view(d.message));
        ok.EndObject();
    }
    ok.EndArray();
    no.EndArray();
    std::string out = R"({"changeableNotices":)";
    out.append(changeable_sb.GetString(), changeable_sb.GetSize());
    out += R"(,"nonChangeableNotices":)";
    out.append(refused_sb.GetString(), refused_sb.GetSize());
    out += R"(,"summary":{"total":)" + std::to_string(req.notices.size()) + R"(,"changeable":)" +
           std::to_string(changeable) + R"(,"nonChangeable":)" + std::to_string(refused) + "}}";
    return out;
}

// ---- submit ----------------------------------------------------------------------------------

std::expected<std::vector<SubmitItem>, ApiError> submit_items(const json::Value& body) {
    const json::Value* list = json::get_array(body, "items");
    if (!list || list->Empty()) return std::unexpected(bad(code::kMissingData, "items must list at least one notice"));
    std::vector<SubmitItem> out;
    std::set<std::string> seen;
    for (const auto& n : list->GetArray()) {
        SubmitItem it;
        it.notice_no = std::string(json::get_string(n, "noticeNo").value_or(""));
        if (!seen.insert(it.notice_no).second)
            return std::unexpected(bad(code::kInvalidFormat, "Duplicate notice number: " + it.notice_no));
        it.new_stage = opt_str(n, "newStage");
        it.reason = opt_str(n, "reason");
        it.remark = opt_str(n, "remark");
        it.dh_mha_check = get_flag(n, "dhMhaCheck");
        it.is_confirmation = get_flag(n, "isConfirmation");
        out.push_back(std::move(it));
    }
    return out;
}

std::expected<std::vector<messages::Command>, ApiError> build_commands(const std::vector<StageCommandSpec>& specs,
                                                                      const RequestId& request_id, TimePoint now,
                                                                      const json::SchemaRegistry* schemas) {
    // one trace for every command of the request
    contract::Origin origin{"", "", request_id, TraceId(new_uuid()), now, std::nullopt};
    const int size = int(specs.size());
    std::vector<messages::Command> out;
    out.reserve(specs.size());
    for (int i = 0; i < size; ++i) {
        const auto& s = specs[std::size_t(i)];
        auto payload = payload_of(s);
        if (!payload) return std::unexpected(bad(code::kInvalidFormat, "Unknown mode: " + s.mode));
        origin.source = s.source;
        origin.officer = s.officer;
        auto c = contract::make_command(*payload, origin, messages::BatchPos{i, size});
        if (auto refused = refuse_by_schema(schemas, c))
            return std::unexpected(bad(code::kInvalidFormat, refused->message));
        out.push_back(std::move(c));
    }
    return out;
}

NoticeOutcome outcome_of(const DispatchItem& item) {
    NoticeOutcome o;
    o.notice_no = item.notice_no.value();
    if (item.state == DispatchItem::State::pending) {
        o.outcome = "PENDING";
        o.message = std::string(kPendingMessage);
        o.command_id = item.command_id.value();
        return o;
    }
    if (item.state == DispatchItem::State::failed || !item.reply) {
        o.outcome = "FAILED";
        o.code = std::string(code::kUnexpected);
        o.message = std::string(kNotQueuedMessage);
        o.http_status = 500;
        return o;
    }
    const auto& r = *item.reply;
    o.message = r.message;
    std::optional<json::Document> data;
    if (!r.data_json.empty())
        if (auto d = json::parse(r.data_json); d && d->IsObject()) data = std::move(*d);
    auto field = [&](const char* k) -> std::optional<std::string> {
        if (!data) return std::nullopt;
        if (auto s = json::get_string(*data, k)) return std::string(*s);
        return std::nullopt;
    };
    o.previous_stage = field("previousStage");
    o.new_stage = field("newStage");
    o.toppan = field("toppan");
    if (auto out = field("outcome")) {
        o.outcome = *out;
        o.code = field("code").value_or(std::string(r.app_code.str()));
        o.http_status = domain::stage_http_status(o.code);
        return o;
    }
    if (o.toppan) {  // a Toppan reply: updated unless skipped
        o.outcome = *o.toppan == "skipped" ? "FAILED" : "UPDATED";
        o.code = std::string(r.app_code.str());
        return o;
    }
    // No stage data: the worker set the command aside (bad command, or a database fault).
    o.outcome = r.app_code.is_success() ? "UPDATED" : "FAILED";
    o.code = r.app_code == codes::kInternal ? std::string(code::kUnexpected) : std::string(r.app_code.str());
    if (o.outcome == "FAILED") o.http_status = r.app_code == codes::kInternal ? 500 : 400;
    return o;
}

SubmitAnswer submit_answer(const RequestId& request_id, const std::vector<NoticeOutcome>& outcomes,
                           const std::optional<std::string>& report_url) {
    const Counts c = count(outcomes);
    const int requested = int(outcomes.size());
    std::string status = c.pending > 0                         ? "PENDING"
                         : c.updated == requested              ? "SUCCESS"
                         : c.updated > 0                       ? "PARTIAL"
                         : c.warnings > 0 && c.failed == 0     ? "WARNING"
                                                               : "FAILED";
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "status", std::string_view(status));
    w.Key("summary");
    w.StartObject();
    json::kv(w, "requested", std::int64_t(requested));
    json::kv(w, "succeeded", std::int64_t(c.updated));
    json::kv(w, "failed", std::int64_t(c.failed + c.warnings));
    if (c.pending > 0) json::kv(w, "pending", std::int64_t(c.pending));
    w.EndObject();
    w.Key("results");
    w.StartArray();
    for (const auto& o : outcomes) write_outcome(w, o, false);
    w.EndArray();
    opt_kv(w, "reportUrl", report_url);
    json::kv(w, "existingRecordWarning", c.warnings > 0);
    json::kv(w, "requestId", std::string_view(request_id.value()));
    w.EndObject();
    return SubmitAnswer{c.pending > 0 ? 202u : 200u, body_of(sb)};
}

std::vector<reports::ChangeStageReportRow> report_rows(const std::vector<NoticeOutcome>& outcomes,
                                                       const std::vector<SubmitItem>& items) {
    std::vector<reports::ChangeStageReportRow> rows;
    rows.reserve(outcomes.size());
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const auto& o = outcomes[i];
        reports::ChangeStageReportRow r;
        r.notice_no = o.notice_no;
        r.previous_stage = o.previous_stage.value_or("");
        r.new_stage = o.new_stage.value_or("");
        r.outcome = o.outcome;
        r.code = o.code;
        r.message = o.message;
        if (i < items.size()) {
            r.reason = items[i].reason.value_or("");
            r.remarks = items[i].remark.value_or("");
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

// ---- reports ---------------------------------------------------------------------------------

std::expected<DateRange, ApiError> report_range(std::string_view query) {
    auto start = query_param(query, "startDate");
    auto end = query_param(query, "endDate");
    if (!start || start->empty() || !end || end->empty())
        return std::unexpected(bad(code::kMissingData, "startDate and endDate are required (yyyy-MM-dd)"));
    auto s = parse_day(*start);
    auto e = parse_day(*end);
    if (!s || !e) return std::unexpected(bad(code::kInvalidFormat, "startDate and endDate must be dates yyyy-MM-dd"));
    const auto days = (std::chrono::sys_days(*e) - std::chrono::sys_days(*s)).count();
    if (days < 0) return std::unexpected(bad(code::kInvalidDateRange, "endDate is before startDate"));
    if (days > kMaxReportRangeDays)
        return std::unexpected(bad(code::kInvalidDateRange, "Date range exceeds " + std::to_string(kMaxReportRangeDays) + " days"));
    return DateRange{*start, *end};
}

std::string reports_answer(const std::vector<ReportListing>& reports) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    std::int64_t notices = 0;
    w.StartObject();
    w.Key("reports");
    w.StartArray();
    for (const auto& r : reports) {
        notices += r.notice_count;
        w.StartObject();
        json::kv(w, "reportId", std::string_view(r.report_id));
        json::kv(w, "reportDate", std::string_view(r.report_date));
        json::kv(w, "generatedBy", std::string_view(r.generated_by));
        json::kv(w, "noticeCount", std::int64_t(r.notice_count));
        json::kv(w, "reportUrl", std::string_view(std::string(kReportPath) + r.report_id));
        w.EndObject();
    }
    w.EndArray();
    json::kv(w, "totalReports", std::int64_t(reports.size()));
    json::kv(w, "totalNotices", notices);
    w.EndObject();
    return body_of(sb);
}

// ---- PLUS ------------------------------------------------------------------------------------

std::expected<PlusRequest, ApiError> plus_request(const json::Value& body) {
    auto notices = notice_list(body, "noticeNo");
    if (!notices) return std::unexpected(notices.error());
    PlusRequest r;
    r.notices = std::move(*notices);
    r.last_stage = std::string(json::get_string(body, "lastStageName").value_or(""));
    r.next_stage = std::string(json::get_string(body, "nextStageName").value_or(""));
    r.offence_type = std::string(json::get_string(body, "offenceType").value_or(""));
    r.source = std::string(json::get_string(body, "source").value_or(""));
    r.last_stage_date = opt_str(body, "lastStageDate");
    r.new_stage_date = opt_str(body, "newStageDate");
    if (r.source != "005") return std::unexpected(bad(code::kInvalidFormat, "source must be 005 (PLUS)"));
    if (r.new_stage_date) {
        auto t = parse_iso(*r.new_stage_date);
        if (!t) return std::unexpected(bad(code::kInvalidFormat, "newStageDate must be an ISO 8601 date-time"));
        r.new_stage_date = format_local(*t);  // the command carries Singapore local time, seconds
    }
    if (r.last_stage_date && !parse_iso(*r.last_stage_date))
        return std::unexpected(bad(code::kInvalidFormat, "lastStageDate must be an ISO 8601 date-time"));
    return r;
}

std::optional<ApiError> plus_refusal(const PlusRequest& req, const domain::StageReference& ref) {
    const Stage last(req.last_stage), next(req.next_stage);
    if (const auto* s = ref.stage(next); s && !s->plus_may_target)
        return ApiError{ErrorKind::unprocessable, domain::plus_target_message(next),
                        std::string(domain::reason_code(StageReason::plus_target_not_allowed, domain::StageApi::plus))};
    if (!ref.transition(last, next))
        return ApiError{ErrorKind::unprocessable, domain::transition_message(last, next),
                        std::string(domain::reason_code(StageReason::transition_not_allowed, domain::StageApi::plus))};
    return std::nullopt;
}

SubmitAnswer plus_answer(const RequestId& request_id, const std::vector<NoticeOutcome>& outcomes) {
    const Counts c = count(outcomes);
    const int n = int(outcomes.size());
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    unsigned http = 200;
    w.StartObject();
    if (c.pending > 0) {
        http = 202;
        json::kv(w, "status", std::string_view("PENDING"));
        json::kv(w, "message", std::string_view(std::string(kPendingMessage)));
    } else if (c.updated == n) {
        json::kv(w, "status", std::string_view("SUCCESS"));
        json::kv(w, "message", std::string_view("Stage change processed successfully"));
    } else if (c.updated > 0) {
        json::kv(w, "status", std::string_view("PARTIAL"));
        json::kv(w, "message", std::string_view(std::to_string(c.updated) + " of " + std::to_string(n) +
                                                 " notices changed; see results"));
    } else {
        // Nothing changed: the first refusal speaks for the request (its HTTP status too).
        const NoticeOutcome* first = nullptr;
        for (const auto& o : outcomes)
            if (o.outcome != "UPDATED") { first = &o; break; }
        http = first ? unsigned(first->http_status) : 422u;
        if (http < 400) http = 422;  // a warning cannot happen for PLUS; be safe
        json::kv(w, "status", std::string_view("FAILED"));
        json::kv(w, "code", std::string_view(first ? first->code : std::string("OCMS-4000")));
        json::kv(w, "message", std::string_view(first ? first->message : std::string("No notice changed")));
    }
    json::kv(w, "noticeCount", std::int64_t(c.updated));
    json::kv(w, "requestId", std::string_view(request_id.value()));
    w.Key("results");
    w.StartArray();
    for (const auto& o : outcomes) write_outcome(w, o, false);
    w.EndArray();
    w.EndObject();
    return SubmitAnswer{http, body_of(sb)};
}

// ---- Toppan ----------------------------------------------------------------------------------

std::expected<ToppanRequest, ApiError> toppan_request(const json::Value& body) {
    auto notices = notice_list(body, "noticeNumbers");
    if (!notices) return std::unexpected(notices.error());
    ToppanRequest r;
    r.notices = std::move(*notices);
    r.current_stage = std::string(json::get_string(body, "currentStage").value_or(""));
    r.processing_date = std::string(json::get_string(body, "processingDate").value_or(""));
    auto t = parse_iso(r.processing_date);
    if (!t) return std::unexpected(bad(code::kInvalidFormat, "processingDate must be an ISO 8601 date-time"));
    r.processing_date = format_local(*t);  // the command carries Singapore local time, seconds
    return r;
}

SubmitAnswer toppan_answer(const RequestId& request_id, const std::vector<NoticeOutcome>& outcomes) {
    int automatic = 0, manual = 0, skipped = 0, problems = 0, pending = 0;
    std::vector<std::string> errors;
    for (const auto& o : outcomes) {
        if (o.outcome == "PENDING") {
            ++pending;
            errors.push_back(o.notice_no + ": pending; fetch the outcome with /v1/request-outcome");
        } else if (o.toppan && *o.toppan == "automatic") {
            ++automatic;
        } else if (o.toppan && *o.toppan == "manual") {
            ++manual;
        } else if (o.toppan && *o.toppan == "skipped") {
            ++skipped;
            // Some of the rules' messages name the notice already.
            errors.push_back(o.message.rfind(o.notice_no, 0) == 0 ? o.message : o.notice_no + ": " + o.message);
        } else {
            ++problems;
            errors.push_back(o.notice_no + ": " + o.code + " " + o.message);
        }
    }
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "totalNotices", std::int64_t(outcomes.size()));
    json::kv(w, "automaticUpdates", std::int64_t(automatic));
    json::kv(w, "manualUpdates", std::int64_t(manual));
    json::kv(w, "skipped", std::int64_t(skipped));
    w.Key("errors");
    if (errors.empty()) {
        w.Null();
    } else {
        w.StartArray();
        for (const auto& e : errors) w.String(e.data(), rapidjson::SizeType(e.size()));
        w.EndArray();
    }
    json::kv(w, "success", problems == 0 && pending == 0);
    if (pending > 0) json::kv(w, "pending", std::int64_t(pending));
    json::kv(w, "requestId", std::string_view(request_id.value()));
    w.EndObject();
    return SubmitAnswer{pending > 0 ? 202u : 200u, body_of(sb)};
}

}  // namespace cps

// ---- handlers --------------------------------------------------------------------------------

namespace handlers {

namespace {

using cps::code::kUnexpected;

ApiError store_failed(const std::shared_ptr<Exchange>& ex, std::string_view what, const Error& why) {
    log::error("change-stage read failed", {{"requestId", ex->request_id.value()}, {"what", what}, {"error", why.message}});
    return ApiError{ErrorKind::internal, "Unexpected server error; please retry", std::string(kUnexpected)};
}

std::string officer_of(const Exchange& ex, std::string_view fallback) {
    std::string s = ex.claims.subject.substr(0, 50);
    return s.empty() ? std::string(fallback) : s;
}

// The routes that read answer 500 without the store (a test's setup); Toppan reads nothing.
bool have_store(const stage::Deps& deps, const std::shared_ptr<Exchange>& ex, const HandlerDone& done) {
    if (deps.store) return true;
    done(std::unexpected(store_failed(ex, "setup", store_error("no change-stage store"))));
    return false;
}

HandlerOk json_ok(unsigned status, std::string body) { return HandlerOk{status, std::move(body), "application/json", {}}; }

std::vector<cps::NoticeOutcome> outcomes_of(const std::vector<DispatchItem>& items) {
    std::vector<cps::NoticeOutcome> out;
    out.reserve(items.size());
    for (const auto& it : items) out.push_back(cps::outcome_of(it));
    return out;
}

void dispatch_specs(const stage::Deps& deps, const std::shared_ptr<Exchange>& ex,
                    const std::vector<cps::StageCommandSpec>& specs,
                    std::function<void(std::vector<cps::NoticeOutcome>)> then, HandlerDone done) {
    auto commands = cps::build_commands(specs, ex->request_id, deps.clock(), deps.schemas.get());
    if (!commands) return done(std::unexpected(commands.error()));
    dispatch_for(*deps.gateway, *ex, std::move(*commands),
                               [then = std::move(then)](std::vector<DispatchItem> items) { then(outcomes_of(items)); });
}

}  // namespace

void change_stage_search(std::shared_ptr<const stage::Deps> deps, std::shared_ptr<Exchange> ex,
                         const json::Value* body, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    auto criteria = cps::search_criteria(*body);
    if (!criteria) return done(std::unexpected(criteria.error()));
    deps->store->search(std::move(*criteria), cps::kSearchLimit, ex->executor,
                        [ex, done = std::move(done)](ReadResult<StageSearchResult> r) {
                            if (!r) return done(std::unexpected(store_failed(ex, "search", r.error())));
                            done(json_ok(200, cps::search_answer(*r)));
                        });
}

void change_stage_validate(std::shared_ptr<const stage::Deps> deps, std::shared_ptr<Exchange> ex,
                           const json::Value* body, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    auto req = cps::validate_request(*body);
    if (!req) return done(std::unexpected(req.error()));
    std::vector<std::string> notices;
    for (const auto& n : req->notices) notices.push_back(n.notice_no);
    deps->store->check(std::move(notices), ex->executor,
                       [deps, ex, req = std::move(*req), done = std::move(done)](ReadResult<StageCheckResult> r) {
                           if (!r) return done(std::unexpected(store_failed(ex, "validate", r.error())));
                           done(json_ok(200, cps::validate_answer(req, *r, officer_of(*ex, "OCMS_STAFF"),
                                                                  deps->clock())));
                       });
}

void change_stage_submit(std::shared_ptr<const stage::Deps> deps, std::shared_ptr<Exchange> ex,
                         const json::Value* body, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    auto items = cps::submit_items(*body);
    if (!items) return done(std::unexpected(items.error()));
    const std::string officer = officer_of(*ex, "OCMS_STAFF");
    std::vector<cps::StageCommandSpec> specs;
    for (const auto& it : *items) {
        cps::StageCommandSpec s;
        s.mode = "submit";
        s.source = "OCMS";
        s.officer = officer;
        s.notice_no = it.notice_no;
        s.new_stage = it.new_stage;
        s.reason = it.reason;
        s.remarks = it.remark;
        s.dh_mha_check = it.dh_mha_check;
        s.is_confirmation = it.is_confirmation;
        specs.push_back(std::move(s));
    }
    auto then = [deps, ex, officer, items = std::move(*items), done](std::vector<cps::NoticeOutcome> outcomes) {
        const TimePoint now = deps->clock();
        reports::ChangeStageReportMeta meta{reports::new_report_id(now, officer), officer, now, ex->request_id.value()};
        auto rows = cps::report_rows(outcomes, items);
        deps->store->save_report(
            std::move(meta), std::move(rows), ex->executor,
            [ex, outcomes = std::move(outcomes), done](ReadResult<std::string> saved) {
                std::optional<std::string> url;
                if (saved) url = std::string(cps::kReportPath) + *saved;
                else
                    log::error("change-stage report not saved",
                               {{"requestId", ex->request_id.value()}, {"error", saved.error().message}});
                auto a = cps::submit_answer(ex->request_id, outcomes, url);
                done(json_ok(a.status, std::move(a.body)));
            });
    };
    dispatch_specs(*deps, ex, specs, std::move(then), done);
}

void change_stage_reports(std::shared_ptr<const stage::Deps> deps, std::shared_ptr<Exchange> ex,
                          const json::Value*, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    auto range = cps::report_range(ex->query);
    if (!range) return done(std::unexpected(range.error()));
    deps->store->list_reports(range->start, range->end, ex->executor,
                              [ex, done = std::move(done)](ReadResult<std::vector<ReportListing>> r) {
                                  if (!r) return done(std::unexpected(store_failed(ex, "reports", r.error())));
                                  done(json_ok(200, cps::reports_answer(*r)));
                              });
}

void change_stage_report(std::shared_ptr<const stage::Deps> deps, std::shared_ptr<Exchange> ex,
                         const json::Value*, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    std::string id = ex->path_param;
    deps->store->report_bytes(id, ex->executor,
                              [ex, id, done = std::move(done)](ReadResult<std::optional<std::string>> r) {
                                  if (!r) return done(std::unexpected(store_failed(ex, "report", r.error())));
                                  if (!*r)
                                      return done(std::unexpected(ApiError{ErrorKind::not_found,
                                                                           "Report file not found",
                                                                           std::string(cps::code::kReportNotFound)}));
                                  HandlerOk ok{200, std::move(**r), std::string(cps::kXlsxType), {}};
                                  // valid_report_id allows [A-Za-z0-9_.] only: safe inside the quotes.
                                  ok.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + id + "\"");
                                  done(std::move(ok));
                              });
}

void plus_change_stage(std::shared_ptr<const stage::Deps> deps, std::shared_ptr<Exchange> ex,
                       const json::Value* body, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    auto req = cps::plus_request(*body);
    if (!req) return done(std::unexpected(req.error()));
    // The stage map first: a transition PLUS may not ask for is refused before anything is published.
    deps->store->check({}, ex->executor, [deps, ex, req = std::move(*req), done](ReadResult<StageCheckResult> r) {
        if (!r) return done(std::unexpected(store_failed(ex, "plus", r.error())));
        if (auto refused = cps::plus_refusal(req, r->ref)) return done(std::unexpected(*refused));
        std::vector<cps::StageCommandSpec> specs;
        for (const auto& n : req.notices) {
            cps::StageCommandSpec s;
            s.mode = "plus";
            s.source = "PLUS";
            s.officer = "PLUS";
            s.notice_no = n;
            s.new_stage = req.next_stage;
            s.current_stage = req.last_stage;
            s.offender_type = req.offence_type;
            s.new_stage_date = req.new_stage_date;
            specs.push_back(std::move(s));
        }
        dispatch_specs(
            *deps, ex, specs,
            [ex, done](std::vector<cps::NoticeOutcome> outcomes) {
                auto a = cps::plus_answer(ex->request_id, outcomes);
                done(json_ok(a.status, std::move(a.body)));
            },
            done);
    });
}

void toppan_update_stages(std::shared_ptr<const stage::Deps> deps, std::shared_ptr<Exchange> ex,
                          const json::Value* body, HandlerDone done) {
    auto req = cps::toppan_request(*body);
    if (!req) return done(std::unexpected(req.error()));
    std::vector<cps::StageCommandSpec> specs;
    for (const auto& n : req->notices) {
        cps::StageCommandSpec s;
        s.mode = "toppan";
        s.source = "SYSTEM";
        s.officer = std::string(domain::kSystemOfficer);
        s.notice_no = n;
        s.current_stage = req->current_stage;
        s.processing_date = req->processing_date;
        specs.push_back(std::move(s));
    }
    dispatch_specs(
        *deps, ex, specs,
        [ex, done](std::vector<cps::NoticeOutcome> outcomes) {
            auto a = cps::toppan_answer(ex->request_id, outcomes);
            done(json_ok(a.status, std::move(a.body)));
        },
        done);
}

}  // namespace handlers

}  // namespace ocms::edge
