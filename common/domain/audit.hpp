#pragma once
// Who a write is recorded as (docs/decisions.md "Audit users"): the audit user of the zone a
// caller belongs to, and whether a suspension record was made by a person or a process. Pure;
// the repositories put the answers into their rows.
#include <string_view>

namespace ocms::domain {

// Spec 002's two audit users: the intranet zone (Staff Portal, internal OCMS processes) and the
// internet zone (PLUS, and every write to the internet-zone copy eocms_valid_offence_notice).
namespace audit_user {
inline constexpr std::string_view kIntranet = "ocmsiz_app_conn";
inline constexpr std::string_view kInternet = "ocmsez_app_conn";
}  // namespace audit_user

// cre_user_id / upd_user_id of a command's rows, from its envelope source ("PLUS", "OCMS_FE", "OCMS").
std::string_view audit_user_of(std::string_view source);

// ocms_suspended_notice.process_indicator: "auto" when an OCMS process suspended the notice
// (scheduler, other backends: source "OCMS"), "manual" when a person did (Staff Portal, PLUS).
std::string_view process_indicator_of(std::string_view source);

}  // namespace ocms::domain
