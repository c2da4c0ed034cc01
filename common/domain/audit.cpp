#include "domain/audit.hpp"

#include "domain/suspension.hpp"

namespace ocms::domain {

std::string_view audit_user_of(std::string_view source) {
    return source == source::kPlus ? audit_user::kInternet : audit_user::kIntranet;
}

std::string_view process_indicator_of(std::string_view source) { return source == source::kOcms ? "auto" : "manual"; }

}  // namespace ocms::domain
