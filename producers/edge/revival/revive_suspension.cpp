#include "revive_suspension.hpp"

#include "contract/payloads.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "domain/suspension.hpp"
#include "json/schema_registry.hpp"

#include <cctype>
#include <set>

namespace ocms::edge {

namespace revive {

namespace {

std::string str(const json::Value& body, const char* key) {
    return std::string(json::get_string(body, key).value_or(""));
}

// noticeNo / noticeNos as a list of distinct strings (the schema made them strings already).
Result<std::vector<std::string>> notices_of(const json::Value& body, const char* key) {
    const json::Value* list = json::get_array(body, key);
    if (!list || list->Empty()) return fail(codes::kBadRequest, std::string(key) + " must list at least one notice");
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& n : list->GetArray()) {
        if (!n.IsString()) return fail(codes::kBadRequest, std::string(key) + " must be a list of strings");
        std::string s(n.GetString(), n.GetStringLength());
        if (!seen.insert(s).second) return fail(codes::kBadRequest, "Duplicate notice number: " + s);
        out.push_back(std::move(s));
    }
    return out;
}

Result<Request> common(const json::Value& body, const char* list_key) {
    auto notices = notices_of(body, list_key);
    if (!notices) return std::unexpected(notices.error());
    Request r;
    r.notices = std::move(*notices);
    r.suspension_type = str(body, "suspensionType");
    r.revival_reason = str(body, "revivalReason");
    if (auto m = json::get_string(body, "revivalRemarks")) r.remarks = std::string(*m);
    r.officer = str(body, "officerAuthorisingRevival");
    return r;
}

std::string normalised(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += char(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace

Result<Request> from_staff(const json::Value& body) {
    auto r = common(body, "noticeNo");
    if (!r) return r;
    r->channel = domain::RevivalChannel::staff;
    r->source = domain::source::kStaffPortal;
    return r;
}

Result<Request> from_plus(const json::Value& body) {
    auto r = common(body, "noticeNo");
    if (!r) return r;
    r->channel = domain::RevivalChannel::plus;
    r->source = "PLUS";
    return r;
}

Result<Request> from_internal(const json::Value& body) {
    auto r = common(body, "noticeNos");
    if (!r) return r;
    if (r->suspension_type.empty()) r->suspension_type = kInternalDefaultType;
    if (r->revival_reason.empty()) r->revival_reason = kInternalDefaultReason;
    const auto source = domain::source_of_revival_code(str(body, "revivalSource"));
    if (!source) return fail(codes::kBadRequest, "revivalSource must be 004 (OCMS) or 005 (PLUS)");
    r->source = std::string(*source);
    r->channel = domain::RevivalChannel::internal;
    return r;
}

Request from_hst(const json::Value& body, const std::vector<std::string>& notices, const std::string& officer) {
    Request r;
    r.notices = notices;
    r.suspension_type = "TS";
    r.revival_reason = kHstReason;
    r.officer = officer.empty() ? std::string("HST") : officer.substr(0, 50);
    r.channel = domain::RevivalChannel::hst;
    r.source = domain::source::kStaffPortal;
    r.hst_id_no = str(body, "idNo");
    return r;
}

Result<std::vector<messages::Command>> build_commands(const Request& req, const RequestId& request_id, TimePoint now,
                                                      const json::SchemaRegistry* schemas) {
    contract::RevivalApply p;
    p.suspension_type = req.suspension_type;
    p.revival_reason = ReasonCode(req.revival_reason);
    p.revival_remarks = req.remarks;
    p.officer_authorising_revival = req.officer;
    p.channel = req.channel;
    p.hst_id_no = req.hst_id_no;
    // one trace for every command of the request
    const contract::Origin origin{req.source, req.officer, request_id, TraceId(new_uuid()), now, std::nullopt};
    const int size = int(req.notices.size());
    std::vector<messages::Command> out;
    out.reserve(req.notices.size());
    for (int i = 0; i < size; ++i) {
        p.notice_no = NoticeNo(req.notices[std::size_t(i)]);
        auto c = contract::make_command(p, origin, messages::BatchPos{i, size});
        if (auto refused = refuse_by_schema(schemas, c)) return std::unexpected(*refused);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<std::string> hst_address_mismatch(const json::Value& body, const HstRow& row) {
    const std::pair<const char*, const std::optional<std::string>*> fields[] = {
        {"streetName", &row.street_name}, {"blkHseNo", &row.blk_hse_no}, {"floorNo", &row.floor_no},
        {"unitNo", &row.unit_no},         {"bldgName", &row.bldg_name},  {"postalCode", &row.postal_code}};
    std::vector<std::string> out;
    for (const auto& [key, col] : fields)
        if (normalised(json::get_string(body, key).value_or("")) != normalised(col->value_or("")))
            out.emplace_back(key);
    return out;
}

BatchAnswer answer_hst(const std::vector<DispatchItem>& items) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    bool pending = false;
    w.StartArray();
    for (const auto& it : items) {
        ResultItem r = it.state == DispatchItem::State::replied ? result_of(*it.reply)
                       : it.state == DispatchItem::State::pending ? pending_result(it.notice_no, it.command_id)
                                                                  : not_queued_result(it.notice_no);
        pending = pending || it.state == DispatchItem::State::pending;
        w.StartObject();
        json::kv(w, "noticeNo", std::string_view(it.notice_no.value()));
        json::kv(w, "appCode", r.app_code.str());
        json::kv(w, "message", std::string_view(r.message));
        if (r.pending_command) json::kv(w, "commandId", std::string_view(r.pending_command->value()));
        w.EndObject();
    }
    w.EndArray();
    return BatchAnswer{pending ? 202u : 200u, std::string(sb.GetString(), sb.GetSize())};
}

std::string flat_error(const AppCode& code, std::string_view message) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "appCode", code.str());
    json::kv(w, "message", message);
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

}  // namespace revive

namespace handlers {

namespace {

void dispatch_batch(const revival::Deps& deps, const std::shared_ptr<Exchange>& ex, Result<revive::Request> req,
                    HandlerDone done) {
    if (!req) return done(std::unexpected(ApiError{ErrorKind::bad_request, "Invalid request: " + req.error().message}));
    auto commands = revive::build_commands(*req, ex->request_id, deps.clock(), deps.schemas.get());
    if (!commands) return done(std::unexpected(ApiError{ErrorKind::bad_request, commands.error().message}));
    auto request_id = ex->request_id;
    dispatch_for(*deps.gateway, *ex, std::move(*commands),
                               [request_id, done = std::move(done)](std::vector<DispatchItem> items) {
                                   auto a = answer_batch(request_id, items);
                                   done(HandlerOk{a.status, std::move(a.body)});
                               });
}

}  // namespace

void staff_revive_suspension(std::shared_ptr<const revival::Deps> deps, std::shared_ptr<Exchange> ex,
                             const json::Value* body, HandlerDone done) {
    dispatch_batch(*deps, ex, revive::from_staff(*body), std::move(done));
}

void plus_revive_suspension(std::shared_ptr<const revival::Deps> deps, std::shared_ptr<Exchange> ex,
                            const json::Value* body, HandlerDone done) {
    dispatch_batch(*deps, ex, revive::from_plus(*body), std::move(done));
}

void internal_apply_revival(std::shared_ptr<const revival::Deps> deps, std::shared_ptr<Exchange> ex,
                            const json::Value* body, HandlerDone done) {
    dispatch_batch(*deps, ex, revive::from_internal(*body), std::move(done));
}

void revive_hst(std::shared_ptr<const revival::Deps> deps, std::shared_ptr<Exchange> ex,
                const json::Value* body, HandlerDone done) {
    if (!deps->reads) return done(std::unexpected(ApiError{ErrorKind::internal, "Backend error during revival"}));
    // The body is read again after the lookup: keep a copy (the pointer is valid during the call only).
    auto copy = std::make_shared<json::Document>();
    copy->CopyFrom(*body, copy->GetAllocator());
    const std::string id(json::get_string(*body, "idNo").value_or(""));
    deps->reads->hst(id, ex->executor, [deps, ex, copy, done = std::move(done)](ReadResult<std::optional<HstRow>> row) {
        if (!row) {
            log::error("hst read failed", {{"requestId", ex->request_id.value()}, {"error", row.error().message}});
            return done(std::unexpected(ApiError{ErrorKind::internal, "Backend error during revival"}));
        }
        if (!*row) return done(HandlerOk{404, revive::flat_error(codes::kNotFound, revive::kHstNotFound)});
        if (auto diff = revive::hst_address_mismatch(*copy, **row); !diff.empty()) {
            std::string which;
            for (const auto& d : diff) which += (which.empty() ? "" : ", ") + d;
            return done(std::unexpected(
                ApiError{ErrorKind::bad_request, "HST address does not match the HST register (" + which + ")"}));
        }
        if ((*row)->notices.empty()) return done(HandlerOk{200, "[]"});
        auto req = revive::from_hst(*copy, (*row)->notices, ex->claims.subject);
        auto commands = revive::build_commands(req, ex->request_id, deps->clock(), deps->schemas.get());
        if (!commands) return done(std::unexpected(ApiError{ErrorKind::bad_request, commands.error().message}));
        dispatch_for(*deps->gateway, *ex, std::move(*commands),
                                   [done = std::move(done)](std::vector<DispatchItem> items) {
                                       auto a = revive::answer_hst(items);
                                       done(HandlerOk{a.status, std::move(a.body)});
                                   });
    });
}

}  // namespace handlers

}  // namespace ocms::edge
