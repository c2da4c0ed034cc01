#pragma once
// Helpers for the integration tests: settings from the environment infra/test exports
// (.data/ocms.env), a blocking HTTP client, fixture notices in PostgreSQL, Kafka reads, and
// control of the services through infra/ scripts (never by starting binaries directly).
#include "json/json.hpp"
#include "kafka/kafka.hpp"
#include "pg/pg.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocms::test {

std::string env(const char* name);  // fails the test (throws) when missing

struct HttpResponse {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    json::Document json() const;                 // parsed body (asserts it is JSON)
};

// POST path with a JSON body to OCMS_EDGE_URL. headers: extra headers.
HttpResponse http(const std::string& method, const std::string& path, const std::string& body,
                  const std::map<std::string, std::string>& headers = {});
// POST with the dev token (Authorization: Bearer $OCMS_DEV_TOKEN).
HttpResponse post_authed(const std::string& path, const std::string& body);

// A connection as the owner role (fixtures) or the read-only role (checks).
std::unique_ptr<pg::Connection> owner_db();
std::unique_ptr<pg::Connection> readonly_db();
long long scalar(pg::Connection& db, const std::string& sql, const pg::Params& params = {});
// A fixture statement as the owner role; throws with the statement when it fails.
void owner_exec(const std::string& sql, const pg::Params& params = {});
// The single text value of a query as the read-only role; "" for no row or NULL.
std::string text(const std::string& sql, const pg::Params& params = {});

// Inserts n fresh notices (unique numbers "T....") at the given stage, unpaid, no suspension,
// with their internet-zone copies; returns their numbers.
std::vector<std::string> make_notices(int n, const std::string& stage = "RD1");

// Runs a shell command from the repository root; returns its exit code.
int sh(const std::string& cmd);
std::string sh_output(const std::string& cmd);

// Polls pred every 100 ms until it is true or the timeout passes.
bool eventually(std::function<bool()> pred, std::chrono::milliseconds timeout);

// Reads every message of a topic from the given start offsets until pred returns true or the
// timeout passes; returns true if pred was satisfied.
std::map<int, long long> high_watermarks(const std::string& topic);
bool scan_topic(const std::string& topic, const std::map<int, long long>& from,
                const std::function<bool(const kafka::Message&)>& pred, std::chrono::milliseconds timeout);

// Waits until the worker group has committed every partition of topic up to its current high
// watermark (consumer lag zero).
bool wait_group_caught_up(const std::string& topic, std::chrono::milliseconds timeout,
                          const std::string& group = "ocms-worker");

// A suspension.apply command envelope, as another OCMS system would publish it.
std::string command_json(const std::string& command_id, const std::string& notice, const std::string& reason = "ACR");
// Publishes value with key to topic through kcat (the documented way for other systems).
int kcat_publish(const std::string& topic, const std::string& key, const std::string& value);

// An HS256 token signed with the edge's own key ($OCMS_JWT_SECRET_FILE), issuer
// $OCMS_JWT_ISSUER, valid for 10 minutes, carrying only the given roles: another caller's
// identity as its identity provider would issue it.
std::string token_with_roles(const std::vector<std::string>& roles, const std::string& subject = "integration-test");

std::string staff_body(const std::vector<std::string>& notices, const std::string& reason = "ACR");

}  // namespace ocms::test
