#pragma once
// POST /v1/updateCourtNotices (spec 001 1.3): CAS's daily update of court notices. The day-end
// window is checked first (parameter CAS / DAYEND_WINDOW, Singapore time; outside it the whole
// batch is refused with OCMS-4002 and nothing is published). Each record is then checked
// (court::check_court_record: shape and field rules): a bad record is answered OCMS-4022 with its
// field errors and not published; each good one becomes a court.update command on ocms.cmd.court,
// applied by the workers, whose reply is that record's result. Partial success reports each
// record. Pure parts in namespace court_api for tests.
#include "contract/catalogue.hpp"
#include "deps.hpp"
#include "http/api.hpp"
#include "dispatch/gateway.hpp"
#include "court/court_record.hpp"
#include "messages/messages.hpp"

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace ocms::edge {

namespace court_api {

inline constexpr std::string_view kCommandType = contract::kCourtUpdate.type;

// "20:00-07:00": is `now` (Singapore time) inside? The window may cross midnight; equal ends mean
// the whole day; "24:00" is allowed as an end. An unreadable window is an error (the caller
// answers OCMS-5000 and logs it: a broken setting must not silently open or close the door).
std::expected<bool, std::string> in_window(std::string_view window, TimePoint now);

// One record of the request after the edge's check.
struct RecordCheck {
    std::string notice_no;                // as sent ("" when it is not a string)
    std::optional<std::string> payload;   // the record as the command's payload, when it passed
    court::Errors errors;                 // why not, when it did not
};
std::vector<RecordCheck> check_records(const json::Value& body);

// court.update commands for the records that passed, in request order, with the index of each.
struct Built {
    std::vector<messages::Command> commands;
    std::vector<std::size_t> record_index;
};
Built build_commands(std::vector<RecordCheck>& records, const std::string& officer, const RequestId& request_id,
                     TimePoint now, const json::SchemaRegistry* schemas);

struct Answer {
    unsigned status = 200;  // 202 when some records are pending
    std::string body;
};
// {"data":{"appCode","message","total","successCount","errorCount",["pendingCount"],"requestId",
//  "results":[{"notice_no","appCode","message",["errors"]}]}}; appCode OCMS-2000 when every record
// succeeded, OCMS-4022 when any record's data was refused, else OCMS-5000 when any failed, else
// OCMS-2002 (pending).
Answer answer(const RequestId& request_id, const std::vector<RecordCheck>& records, const Built& built,
              const std::vector<DispatchItem>& items);

}  // namespace court_api

namespace handlers {
// HandlerOf<cas::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<cas::Deps> update_court_notices;
}  // namespace handlers

}  // namespace ocms::edge
