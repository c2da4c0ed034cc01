#pragma once
// What the change of processing stage (OCMS 15, spec 003) reads from and writes to PostgreSQL,
// shared by the worker (in its transaction, the VON row locked) and the edge (read-only reads for
// the search and validate APIs, through ocmsiz_app_conn). The rules are in domain/stage.hpp; this
// is only the I/O around them. SQL with parameters only. Not thread-safe per connection (libpq).
#include "core/time.hpp"
#include "core/types.hpp"
#include "domain/stage.hpp"
#include "pg/pg.hpp"

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::stage_store {

// Every row of the reference data the rules read: ocms_processing_stage, ocms_stage_map (with
// status), ocms_stage_offender_role (active rows), ocms_parameter of the families NEXT_STAGE and
// STAGEDAYS. Tens of rows.
std::expected<domain::StageReference, pg::PgError> load_reference(pg::Connection& db);

enum class Lock {
    none,        // the edge's reads
    for_update,  // the worker: SELECT ... FOR UPDATE OF the VON row, in the caller's transaction
};

// The VON row, its ONOD rows and its latest ocms_change_of_processing row (highest
// date_of_change, then change_id). nullopt: no such notice.
std::expected<std::optional<domain::StageNotice>, pg::PgError> load_notice(pg::Connection& db, const NoticeNo& n,
                                                                          Lock lock);

// POST /api/v1/change-processing-stage/search: every criterion given must match (AND).
struct SearchCriteria {
    std::optional<std::string> notice_no;
    std::optional<std::string> id_no;       // any ONOD row of the notice with this id_no
    std::optional<std::string> vehicle_no;
    std::optional<std::string> current_stage;
    std::optional<std::string> stage_date;  // yyyy-MM-dd: the Singapore day of last_processing_date
    bool empty() const { return !notice_no && !id_no && !vehicle_no && !current_stage && !stage_date; }
};

// One found notice with what the search answer shows besides the rules' input.
struct SearchRow {
    domain::StageNotice notice;
    std::optional<std::string> vehicle_no;
    std::optional<std::string> offence_type;        // ocms_offence_notice_detail.offence_type
    std::optional<TimePoint> offence_date_time;     // ocms_offence_notice_detail.offence_date_time
    // Of the current offender (ONOD offender_indicator 'Y'; when there is none or several, the
    // first ONOD row by indicator, or nothing).
    std::optional<std::string> offender_name, offender_id, owner_driver_indicator, entity_type;
    // The reason of the latest open suspension record of the notice's suspension type, e.g. "ACR".
    std::optional<std::string> suspension_status;
};

// At most `limit` notices, ordered by notice_no; callers pass limit + 1 to learn that there were
// more. criteria must not be empty (the caller refuses that first).
std::expected<std::vector<SearchRow>, pg::PgError> search(pg::Connection& db, const SearchCriteria& criteria,
                                                          int limit);

// The same for many notices at once (the worker's wave), each locked FOR UPDATE in notice order
// when asked; a notice that does not exist is absent from the answer.
std::expected<std::map<std::string, domain::StageNotice>, pg::PgError> load_notices(pg::Connection& db,
                                                                                   std::vector<std::string> notices,
                                                                                   Lock lock);

// What decide_stage_change / classify_toppan decided for one notice, written by its officer.
struct EffectWrite {
    const NoticeNo* notice;
    const domain::StageChangeEffect* effect;
    std::string_view officer;
};
// Writes decided effects, at most one per notice, in one statement: the VON fields of spec 003
// section 4 (all of VonStageUpdate; amount_payable only when set), upd_date = now and
// upd_user_id = officer, is_sync = 'N'; the same stage fields on the internet-zone copy
// (eocms_valid_offence_notice: last/next processing stage and date) when it has the notice; the
// audit row when effect.audit is set (cre_user_id = officer); toppan_processed_date on the change
// effect.confirm_change_id. The VON rows must have been locked in the same transaction. A notice
// without a VON row is bad data (a permanent error).
std::expected<void, pg::PgError> apply_effects(pg::Connection& db, const std::vector<EffectWrite>& writes,
                                               TimePoint now);

}  // namespace ocms::stage_store
