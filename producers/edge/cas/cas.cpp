#include "cas.hpp"

#include "core/log.hpp"
#include "domain/court.hpp"
#include "reads/read_response.hpp"

#include <set>

namespace ocms::edge {

namespace cas {

namespace {

ApiError bad(std::string message) { return ApiError{ErrorKind::bad_request, std::move(message)}; }

std::string body_of(rapidjson::StringBuffer& sb) { return {sb.GetString(), sb.GetSize()}; }

void paging(json::Writer& w, std::size_t n) {
    json::kv(w, "total", std::int64_t(n));
    json::kv(w, "limit", std::int64_t(n));
    json::kv(w, "skip", std::int64_t(0));
}

}  // namespace

std::expected<std::vector<std::string>, ApiError> notice_numbers(const json::Value& body) {
    const json::Value* snake = json::get_array(body, "notice_nos");
    const json::Value* camel = json::get_array(body, "noticeNos");
    if (snake && camel) return std::unexpected(bad(std::string(kBadRequest) + " Send notice_nos or noticeNos, not both"));
    const json::Value* list = snake ? snake : camel;
    if (!list || list->Empty()) return std::unexpected(bad(std::string(kBadRequest) + " notice_nos must list at least one notice"));
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& n : list->GetArray()) {
        std::string s(n.GetString(), n.GetStringLength());
        if (!seen.insert(s).second) return std::unexpected(bad(std::string(kBadRequest) + " Duplicate notice number: " + s));
        out.push_back(std::move(s));
    }
    return out;
}

std::string payment_status_answer(const std::vector<PaymentStatusRow>& rows) {
    using namespace read_response;
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    paging(w, rows.size());
    w.Key("data");
    w.StartArray();
    for (const auto& p : rows) {
        w.StartObject();
        json::kv(w, "notice_no", std::string_view(p.notice_no));
        if (!p.found) {
            json::kv(w, "appCode", std::string_view("OCMS-4004"));
            json::kv(w, "message", kNoticeNotFound);
            w.EndObject();
            continue;
        }
        string_or_null(w, "last_processing_stage", p.last_processing_stage);
        time_or_null(w, "last_processing_date", p.last_processing_date);
        string_or_null(w, "next_processing_stage", p.next_processing_stage);
        string_or_null(w, "emcons_flag", p.emcons_flag);
        string_or_null(w, "suspension_type", p.suspension_type);
        string_or_null(w, "crs_reason_of_suspension", p.crs_reason_of_suspension);
        string_or_null(w, "epr_reason_of_suspension", p.epr_reason_of_suspension);
        string_or_null(w, "payment_status", p.payment_status);
        amount(w, "amount_payable", p.amount_payable_cents);
        amount(w, "amount_paid", p.amount_paid_cents);
        string_or_null(w, "payment_allowance_flag", p.payment_allowance_flag);
        if (p.log_error) {
            json::kv(w, "appCode", codes::kInternal.str());
            json::kv(w, "message", kServerError);
        } else {
            json::kv(w, "appCode", codes::kSuccess.str());
            json::kv(w, "message", std::string_view("Success"));
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return body_of(sb);
}

bool is_ps_wwp(const NoticeUpdateRow& row) {
    return domain::is_ps_wwp(row.suspension_type, row.epr_reason_of_suspension);
}

std::expected<std::string, ApiError> notice_update_answer(const std::vector<NoticeUpdateRow>& rows) {
    using namespace read_response;
    std::string missing;
    for (const auto& r : rows)
        if (!r.found) missing += (missing.empty() ? "" : ", ") + r.notice_no;
    if (!missing.empty())
        return std::unexpected(ApiError{ErrorKind::not_found, std::string(kNotFound) + " Not found: " + missing, "OCMS-4004"});
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    paging(w, rows.size());
    w.Key("data");
    w.StartArray();
    for (const auto& r : rows) {
        w.StartObject();
        json::kv(w, "notice_no", std::string_view(r.notice_no));
        amount(w, "amount_payable", r.amount_payable_cents);
        string_or_null(w, "payment_allowance_flag", r.payment_allowance_flag);
        time_or_null(w, "court_payment_due_date", r.court_payment_due_date);
        if (is_ps_wwp(r)) {  // "should not contain" them otherwise: the keys are left out
            string_or_null(w, "suspension_type", r.suspension_type);
            string_or_null(w, "epr_reason_of_suspension", r.epr_reason_of_suspension);
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return body_of(sb);
}

}  // namespace cas

namespace handlers {

namespace {

ApiError server_error(const std::shared_ptr<Exchange>& ex, std::string_view what, const Error& why) {
    log::error("cas/plus read failed", {{"requestId", ex->request_id.value()}, {"what", what}, {"error", why.message}});
    return ApiError{ErrorKind::internal, std::string(cas::kServerError)};
}

}  // namespace

void get_payment_status(std::shared_ptr<const cas::Deps> deps, std::shared_ptr<Exchange> ex,
                        const json::Value* body, HandlerDone done) {
    if (!deps->store) return done(std::unexpected(server_error(ex, "setup", store_error("no CAS store"))));
    auto notices = cas::notice_numbers(*body);
    if (!notices) return done(std::unexpected(notices.error()));
    deps->store->payment_status(std::move(*notices), ex->executor,
                                [ex, done = std::move(done)](ReadResult<std::vector<PaymentStatusRow>> r) {
                                    if (!r) return done(std::unexpected(server_error(ex, "getPaymentStatus", r.error())));
                                    for (const auto& p : *r) {
                                        if (!p.found)
                                            log::warn("getPaymentStatus: unknown notice",
                                                      {{"requestId", ex->request_id.value()}, {"noticeNo", p.notice_no}});
                                        if (p.log_error)
                                            log::error("getPaymentStatus: EMCON log write failed",
                                                       {{"requestId", ex->request_id.value()}, {"noticeNo", p.notice_no},
                                                        {"error", *p.log_error}});
                                    }
                                    done(HandlerOk{200, cas::payment_status_answer(*r), "application/json", {}});
                                });
}

void get_notice_update(std::shared_ptr<const cas::Deps> deps, std::shared_ptr<Exchange> ex,
                       const json::Value* body, HandlerDone done) {
    if (!deps->store) return done(std::unexpected(server_error(ex, "setup", store_error("no CAS store"))));
    auto notices = cas::notice_numbers(*body);
    if (!notices) return done(std::unexpected(notices.error()));
    deps->store->notice_update(std::move(*notices), ex->executor,
                               [ex, done = std::move(done)](ReadResult<std::vector<NoticeUpdateRow>> r) {
                                   if (!r) return done(std::unexpected(server_error(ex, "getNoticeUpdate", r.error())));
                                   for (const auto& n : *r)
                                       if (n.court_case_error)
                                           log::error("getNoticeUpdate: court case write failed",
                                                      {{"requestId", ex->request_id.value()}, {"noticeNo", n.notice_no},
                                                       {"error", *n.court_case_error}});
                                   auto answer = cas::notice_update_answer(*r);
                                   if (!answer) return done(std::unexpected(answer.error()));
                                   done(HandlerOk{200, std::move(*answer), "application/json", {}});
                               });
}

}  // namespace handlers

}  // namespace ocms::edge
