#pragma once
// POST /v1/validoffencenoticelist (spec 002 API 1): search notices for the Staff Portal's TS
// screen, paged and ordered by notice number, with a projection ($field). Read straight from
// PostgreSQL through ReadStore. Parsing the body and rendering the answer are pure functions.
#include "deps.hpp"
#include "http/api.hpp"
#include "read_store.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ocms::edge {

namespace notice_list {

// The text the spec gives for a failure; the reason follows it after ": ".
inline constexpr std::string_view kInvalid = "Invalid search parameters";
inline constexpr std::string_view kUnavailable = "Unable to retrieve notice list";

// Every field a row can show. The first seven are the spec's and the default projection; the
// others are shown only when $field asks for them.
enum class Field {
    notice_no,
    vehicle_no,
    last_processing_stage,
    suspension_type,
    reason_of_suspension,
    notice_type,
    amount_paid,
    amount_payable,
    due_date_of_revival,
    last_processing_date,
};

struct FieldInfo {
    Field field;
    std::string_view name;  // as in JSON
    bool by_default;
};
const std::vector<FieldInfo>& field_catalogue();
std::vector<Field> default_fields();

// "$field": comma-separated names, spaces around them allowed, empty items ignored, a repeated
// name shown once, in the order given. Blank: the default projection. An unknown name fails
// with OCMS-4000 naming it.
Result<std::vector<Field>> parse_fields(std::string_view spec);

struct Request {
    NoticeQuery query;
    std::vector<Field> fields;
};

// body passed "http/validoffencenoticelist.request" (types and limits). Adds the defaults, reads
// a single noticeNo / lastProcessingStage as a list of one, upper-cases notice numbers, vehicle
// numbers and stages, and treats null as "not given". Failures carry the reason only (the
// handler puts kInvalid in front).
Result<Request> parse(const json::Value& body);

// {"appCode":"OCMS-2000","message":"Success","data":[...],"pagination":{...}}
std::string render(const Request& req, const NoticePage& page);

}  // namespace notice_list

namespace handlers {
// HandlerOf<reads::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<reads::Deps> valid_offence_notice_list;
}

}  // namespace ocms::edge
