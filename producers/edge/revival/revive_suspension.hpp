#pragma once
// Revival of suspensions at the edge (OCMS 19, spec 004 sections 1.1 - 1.4): every route turns
// its body into one revival.apply command per notice on ocms.cmd.revival (the worker decides,
// common/domain/revival.hpp) and answers from the replies:
//   POST /staff-revive-suspension            role OCMS_STAFF         channel staff    source OCMS_FE
//   POST /plus-revive-suspension             role PLUS + APIM key    channel plus     source PLUS
//   POST /ocms/v1/suspension/apply-revival   role INTERNAL           channel internal source OCMS (004) / PLUS (005)
//   POST /v1/revive-hst                      role HST                channel hst      source OCMS_FE, reason HAV
// The first three answer in the batch shape of spec 002 (batch_response.hpp); the HST route
// answers the JSON array of spec 004 1.1. The mappings are pure functions so unit tests need no
// sockets, Kafka or database (docs/decisions.md "The revival routes at the edge").
#include "contract/catalogue.hpp"
#include "deps.hpp"
#include "http/api.hpp"
#include "dispatch/gateway.hpp"
#include "reads/read_store.hpp"
#include "dispatch/batch_response.hpp"
#include "core/error.hpp"
#include "domain/revival.hpp"
#include "messages/messages.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

namespace revive {

inline constexpr std::string_view kCommandType = contract::kRevivalApply.type;
inline constexpr const char* kHstReason = "HAV";           // spec 004 section 2: HST Address Verified
inline constexpr const char* kInternalDefaultType = "TS";  // apply-revival without suspensionType
inline constexpr const char* kInternalDefaultReason = "OTH";  // apply-revival without revivalReason
inline constexpr std::string_view kHstNotAuthorised = "User not authorised to revive TS-HST";
inline constexpr std::string_view kHstNotFound = "HST ID not found";
inline constexpr std::string_view kRequiredFieldMissing = "Required field missing";

// What one request asks, whatever the route.
struct Request {
    std::vector<std::string> notices;
    std::string suspension_type;
    std::string revival_reason;
    std::optional<std::string> remarks;
    std::string officer;
    domain::RevivalChannel channel = domain::RevivalChannel::staff;
    std::string source;   // the envelope's source
    std::optional<std::string> hst_id_no;
};

// Bodies that passed their route's schema. Fail with OCMS-4000 on a duplicate notice number.
Result<Request> from_staff(const json::Value& body);     // http/staff-revive-suspension.request
Result<Request> from_plus(const json::Value& body);      // http/plus-revive-suspension.request
Result<Request> from_internal(const json::Value& body);  // http/apply-revival.request

// One command per notice (request order, one trace, batch positions). Fails with OCMS-4000 when
// (schemas given) a command's own schemas would refuse it.
Result<std::vector<messages::Command>> build_commands(const Request& req, const RequestId& request_id, TimePoint now,
                                                      const json::SchemaRegistry* schemas);

// ---- POST /v1/revive-hst ---------------------------------------------------------------------

// The address fields of the body that differ from the register row (normalised: trimmed, case
// and inner runs of spaces ignored; a NULL column equals ""). Empty: the address matches.
std::vector<std::string> hst_address_mismatch(const json::Value& body, const HstRow& row);

// The HST revival of the notices found (noticeNo order): channel hst, reason HAV, hstIdNo.
Request from_hst(const json::Value& body, const std::vector<std::string>& notices, const std::string& officer);

// Spec 004 1.1's answer: [{"noticeNo","appCode","message"}...] (pending items also carry
// "commandId"); HTTP 202 when some are pending, else 200.
BatchAnswer answer_hst(const std::vector<DispatchItem>& items);

// {"appCode":"OCMS-4001","message":"HST ID not found"} (HTTP 404).
std::string flat_error(const AppCode& code, std::string_view message);

}  // namespace revive

namespace handlers {
// HandlerOf<revival::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<revival::Deps> staff_revive_suspension, plus_revive_suspension, internal_apply_revival, revive_hst;
}  // namespace handlers

}  // namespace ocms::edge
