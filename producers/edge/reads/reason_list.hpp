#pragma once
// POST /v1/suspensionreasonlist (spec 002 API 2): the suspension codes a caller may choose from,
// for its own source: a caller with the role OCMS_STAFF sees the Staff Portal's codes
// (suspension_source OCMS_FE), a caller with only PLUS sees the PLUS codes. Looping and the
// allowed stages come from ocms_suspension_reason_rule (docs/decisions.md "Reference data in
// tables"). Parsing and rendering are pure functions.
#include "deps.hpp"
#include "http/api.hpp"
#include "read_store.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ocms::edge {

namespace reason_list {

inline constexpr std::string_view kUnavailable = "Unable to retrieve suspension reason list";

// OCMS_STAFF -> "OCMS_FE" (also when the token has PLUS as well), else "PLUS".
std::string source_for(const auth::Claims& claims);

// body passed "http/suspensionreasonlist.request"; status defaults to "A" (null = not given).
Result<ReasonQuery> parse(const json::Value& body, const auth::Claims& claims);

// {"appCode":"OCMS-2000","message":"Success","data":[{"code","description","suspensionDays",
// "looping","allowedStages"}]}; suspensionDays is null for codes without days (PS).
std::string render(const std::vector<ReasonRow>& rows);

}  // namespace reason_list

namespace handlers {
// HandlerOf<reads::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<reads::Deps> suspension_reason_list;
}

}  // namespace ocms::edge
