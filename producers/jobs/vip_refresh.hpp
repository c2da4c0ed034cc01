#pragma once
// The VIP vehicle refresh (spec 001 section 1.4): once a day ocms-scheduler POSTs {} to CAS's
// getVipVehicles, checks the whole list, and replaces ocms_vip_vehicle with it in ONE
// PostgreSQL transaction (role ocms_scheduler):
//
//   BEGIN; SET LOCAL lock_timeout; LOCK TABLE ocms_vip_vehicle IN SHARE ROW EXCLUSIVE MODE;
//   DELETE FROM ocms_vip_vehicle; INSERT ... SELECT FROM jsonb_to_recordset($1); COMMIT;
//
// DELETE rather than the spec's TRUNCATE: readers keep seeing the old list until the commit
// (TRUNCATE takes an ACCESS EXCLUSIVE lock and would block them, and needs a privilege only
// the owner has). The SHARE ROW EXCLUSIVE lock does not block readers; it makes two refreshes
// (the daily run and a support run) take turns instead of failing on the primary key.
//
// Nothing is written unless the whole list is good. A failure of any kind leaves the table
// exactly as it was, is logged (one JSON line, "vip refresh failed") and raises ONE alert:
//   - CAS unreachable, timing out, or the token refresh failing: the HttpClient has already
//     retried (RetryPolicy from OCMS_CAS_RETRY_WAITS_MS) and raised the alert itself;
//   - CAS answering a status that is not 2xx, an empty list, an invalid list, a database
//     failure: the job raises the alert through the sink it is given.
// So give the client and the job the same sink (e-mail + ocms.alert through MultiAlertSink).
//
// Threading: run_vip_refresh is one call on one thread; the pure functions are re-entrant.
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/alert.hpp"
#include "http/client.hpp"
#include "jobs/schedule.hpp"
#include "pg/pg.hpp"

#include <chrono>
#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::jobs {

// The column sizes of ocms_vip_vehicle (spec 001 section 3.2, schemas/sql/0001_core.sql), in
// characters, and of a vehicle number on a notice (ocms_valid_offence_notice.vehicle_no).
inline constexpr std::size_t kVipIdMax = 255;
inline constexpr std::size_t kVipDescriptionMax = 255;
inline constexpr std::size_t kVipStatusMax = 50;
inline constexpr std::size_t kVehicleNoMax = 14;

struct VipVehicle {
    std::string vip_vehicle;                 // the record's key (primary key of the table)
    std::string vehicle_no;                  // normalised: upper case, no spaces
    std::optional<std::string> description;  // none when absent, null or blank
    std::string status;
    bool operator==(const VipVehicle&) const = default;
};

enum class VipFailure {
    cas_call,      // no usable answer: unreachable, timed out, token refresh failed (client alerted)
    cas_status,    // CAS answered, but not 2xx (400, 500, 401 with a fresh token ...)
    empty_list,    // CAS answered an empty list
    invalid_list,  // not JSON, wrong shape, a bad record, a duplicate key, a partial page
    database,      // connect, lock, delete, insert or commit failed: rolled back
};
std::string_view to_string(VipFailure f);

struct VipRefreshError {
    VipFailure kind;
    std::string message;
};

// ---- pure functions (unit-tested) ---------------------------------------------------------

// A vehicle number as notices carry it: ASCII letters and digits only (spaces inside are
// removed, letters upper-cased), 2 to 14 characters, at least one letter and one digit.
// nullopt when the text cannot be a vehicle number.
std::optional<std::string> normalize_vehicle_no(std::string_view raw);

// The CAS answer -> the list to store. Accepted shapes: a JSON array of records (spec 001), or
// an object whose "data" is that array (the Yi Jie list form of spec 002 6.2); if that object
// has "total", it must equal the number of records (a first page alone would drop VIPs).
// A record: "vip_vehicle" (string, 1-255 characters), "vehicle_no" (see normalize_vehicle_no),
// "status" (string, 1-50), "description" (optional string or null, at most 255). Text is
// trimmed; unknown fields are ignored; control characters in vip_vehicle / status and NUL
// anywhere are refused. Two records with one vip_vehicle make the list invalid. One bad record
// makes the whole list invalid (a partial list would silently drop VIP vehicles).
// Errors: empty_list or invalid_list, the message naming the first few problems by index.
std::expected<std::vector<VipVehicle>, VipRefreshError> parse_vip_list(std::string_view body);

// The list as a JSON array for jsonb_to_recordset (keys as the table's columns).
std::string vip_list_json(const std::vector<VipVehicle>& list);

// "0,5000,10000,15000" -> waits in ms (wait before attempt i+1). 1-10 entries, each 0-600000.
std::expected<std::vector<std::chrono::milliseconds>, std::string> parse_retry_waits(std::string_view s);

// At start-up the daemon runs the refresh if the table was not refreshed since the latest
// scheduled time at or before now (last = max(cre_date); none: never refreshed).
bool vip_refresh_due_at_start(std::optional<TimePoint> last_refreshed, TimePoint now, DailyAt at);

// ---- settings -------------------------------------------------------------------------------

struct CasVipSettings {
    std::string vip_url;        // OCMS_CAS_VIP_URL
    std::string token_url;      // OCMS_CAS_TOKEN_URL (empty: calls carry no Authorization)
    std::string client_id;      // OCMS_CAS_CLIENT_ID
    std::string client_secret;  // contents of OCMS_CAS_CLIENT_SECRET_FILE
    std::string scope;          // OCMS_CAS_SCOPE (optional)
    std::vector<std::chrono::milliseconds> retry_waits;   // OCMS_CAS_RETRY_WAITS_MS
    std::chrono::milliseconds timeout{30'000};            // OCMS_CAS_TIMEOUT_MS, per attempt
    std::chrono::milliseconds token_refresh_wait{1'000};  // OCMS_CAS_TOKEN_REFRESH_WAIT_MS
};

// nullopt when OCMS_CAS_VIP_URL is not set (the job is disabled). Throws std::runtime_error
// naming the setting for a bad value, or a token URL without client id / secret file.
std::optional<CasVipSettings> cas_vip_settings_from_env();

// The client's options: name "CAS getVipVehicles", the configured wait list (the spec's
// RetryPolicy::external_api() by default), OAuthClientCredentials when a token URL is set,
// and the alert sink.
http::ClientOptions cas_client_options(const CasVipSettings& s, std::shared_ptr<http::AlertSink> alerts);

// ---- the job --------------------------------------------------------------------------------

struct VipRefreshOptions {
    std::string audit_user = "ocmsiz_app_conn";  // cre_user_id (docs/decisions.md "Audit users")
    std::chrono::milliseconds request_timeout{30'000};
    std::chrono::milliseconds lock_timeout{30'000};  // waiting for locks inside the transaction
};

struct VipRefreshStats {
    std::size_t rows = 0;           // rows now in the table
    std::size_t previous_rows = 0;  // rows the transaction deleted
};

// Replaces the table's rows with `list` in one transaction; on any error it rolls back and
// returns vip_replace_error's Error for the step that failed (the table is unchanged).
Result<VipRefreshStats> replace_vip_vehicles(pg::Connection& db, const std::vector<VipVehicle>& list,
                                             const VipRefreshOptions& o);

// The Error of a step of replace_vip_vehicles that failed: the message "<step>: <database's
// message> (SQLSTATE <code>)" (without the SQLSTATE when there is none, trailing newlines and
// spaces trimmed), code OCMS-5000, the kind pg::to_error gives the PgError (a lock timeout or a
// lost connection transient: the refresh may simply run again; a refused privilege permanent).
Error vip_replace_error(std::string_view step, const pg::PgError& e);

// max(cre_date) of ocms_vip_vehicle (none when empty). Errors: pg::to_error's.
Result<std::optional<TimePoint>> vip_last_refreshed(pg::Connection& db);

// The whole job: call CAS through `cas`, check the list, connect to pg_url and replace the
// table. On failure: logged, alerted (see the top of this file), table unchanged.
std::expected<VipRefreshStats, VipRefreshError> run_vip_refresh(http::HttpClient& cas, const std::string& url,
                                                                const std::string& pg_url, http::AlertSink* alerts,
                                                                const VipRefreshOptions& o = {},
                                                                Clock clock = system_clock());

}  // namespace ocms::jobs
