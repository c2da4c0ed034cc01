#pragma once
// POST /v1/userlist (spec 002 API 4): the officers for the Staff Portal's drop-downs, ordered by
// first name, last name (then user id, so equal names keep one order). Pure parse and render.
#include "deps.hpp"
#include "http/api.hpp"
#include "read_store.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ocms::edge {

namespace user_list {

inline constexpr std::string_view kUnavailable = "Unable to retrieve user list";

// body passed "http/userlist.request"; status defaults to "A" (null = not given).
Result<UserQuery> parse(const json::Value& body);

// {"appCode":"OCMS-2000","message":"Success","data":[{"userId","firstName","lastName"}]}
std::string render(const std::vector<UserRow>& rows);

}  // namespace user_list

namespace handlers {
// HandlerOf<reads::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<reads::Deps> user_list;
}

}  // namespace ocms::edge
