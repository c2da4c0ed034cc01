#pragma once
// The CAS and PLUS integration routes of spec 001 served at the edge:
//   POST /v1/getPaymentStatus   (CAS)   the payment fields per notice; EMCON notices logged
//   POST /v1/getNoticeUpdate    (PLUS)  amount, allowance, court payment due date; suspension
//                                       type and EPR reason only for PS-WWP notices
// (POST /v1/updateCourtNotices, the one that changes notices, is in court_update.hpp.)
// Errors in spec 002's envelope {"data":{"appCode","message"}} with spec 001's codes. The pure
// parts are in namespace cas so tests call them without sockets or a database.
#include "deps.hpp"
#include "http/api.hpp"
#include "cas_store.hpp"
#include "domain/messages.hpp"

#include <expected>
#include <string>
#include <vector>

namespace ocms::edge {

namespace cas {

inline constexpr std::string_view kServerError = domain::court_message::kServerError.text;
inline constexpr std::string_view kBadRequest = "Invalid request. Please check and try again.";
inline constexpr std::string_view kNotFound = "One or more notice numbers could not be found.";
inline constexpr std::string_view kNoticeNotFound = "Notice number could not be found";

// The notice numbers of a request: spec 001 spells the key notice_nos, its summary (000)
// noticeNos; either is accepted, not both. Duplicates are refused (400 OCMS-4000).
std::expected<std::vector<std::string>, ApiError> notice_numbers(const json::Value& body);

// {"total":N,"limit":N,"skip":0,"data":[{spec 001 1.2 fields..., "appCode","message"}]}: every
// requested notice in request order; an unknown one as {"notice_no","appCode":"OCMS-4004",...};
// one whose EMCON log write failed carries OCMS-5000.
std::string payment_status_answer(const std::vector<PaymentStatusRow>& rows);

// 404 OCMS-4004 naming the unknown notices when any is unknown; else the answer of spec 001 2.2.
std::expected<std::string, ApiError> notice_update_answer(const std::vector<NoticeUpdateRow>& rows);

// PS-WWP: the only notices whose suspension type and EPR reason PLUS is shown (spec 001 2.2).
bool is_ps_wwp(const NoticeUpdateRow& row);

}  // namespace cas

namespace handlers {
// HandlerOf<cas::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<cas::Deps> get_payment_status, get_notice_update;
}  // namespace handlers

}  // namespace ocms::edge
