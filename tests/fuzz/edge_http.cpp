// libFuzzer target: an HTTP request, through the edge's whole pipeline without a socket
// (pipeline.hpp handle_request: route, size, auth, JSON, schema, the route's handler and its
// parsers), with the fakes of tests/unit/edge/fakes.hpp behind every store and the gateway, told
// by the input what to answer. Every route of the route table is
// reachable; a valid token with every role and the APIM key are always sent, so the input is
// spent on what comes after authentication (tests/fuzz/jwt_auth.cpp fuzzes the token itself).
//
// Input: [route][flags][rid length][reply-data length] rid-bytes  rest  reply-data
//   route       index into the route table (mod its size)
//   flags       bits 0-1 what the gateway answers each command: 0 success, 1 refusal
//               (OCMS-4002), 2 pending, 3 not queued (failed); bit 2 the stores find nothing;
//               bit 3 the stores fail (a database error); bits 4-5 the CAS day-end window
//               (open, closed, unreadable, missing); bit 6 build the change-stage .xlsx report
//   rid         the X-Request-Id header (absent when empty)
//   rest        the body (routes with a body schema), else "<path parameter>\n<query string>"
//   reply-data  the "data" object of every reply (a JSON object; else a canned one by flags)
//
// Properties, besides no crash, leak or UB:
//   - the response is sent exactly once; a JSON response is valid JSON; no header value holds
//     CR or LF;
//   - no 5xx unless a fake was told to fail;
//   - every command the edge publishes passes what the worker checks first (JSON, envelope.v1,
//     decode, its payload schema), decodes to the same command, has a topic and a key, and the
//     worker has a handler for it;
//   - a refusal (4xx) while every command would succeed means nothing was published.
// Triage: OCMS_FUZZ_VERBOSE=1 build-fuzz/bin/fuzz_edge_http <input> prints each answer.
#include "fuzz_support.hpp"
#include "unit/edge/fakes.hpp"  // the unit tests' fakes of every seam

#include "cas/cas_store.hpp"
#include "stage/change_stage_store.hpp"
#include "core/log.hpp"
#include "dispatch/gateway.hpp"
#include "handler.hpp"  // the worker's handler table
#include "ops/job_runner.hpp"
#include "metrics/metrics.hpp"
#include "ops/ops_store.hpp"
#include "store/outcome_store.hpp"
#include "http/pipeline.hpp"
#include "reads/read_store.hpp"
#include "reports/change_stage_xlsx.hpp"
#include "reports/report_store.hpp"
#include "http/routes.hpp"
#include "http/schema_explain.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <jwt.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using namespace ocms;
using namespace ocms::edge;
using namespace ocms::edge::fakes;
namespace net = boost::asio;

namespace {

const std::string kKey = "fuzz-test-key-fuzz-test-key-0123456789";
const std::string kIssuer = "ocms";
const std::string kApimKey = "fuzz-apim-key-1";

struct Behaviour {
    enum class Answer { success, refusal, pending, failed } answer = Answer::success;
    bool find_nothing = false;
    bool stores_fail = false;
    int window = 0;  // 0 open, 1 closed, 2 unreadable, 3 missing
    bool build_report = false;
    std::string reply_data;  // "" = canned

    // An unreadable or missing day-end window is a broken setting: OCMS-5000 by design.
    bool faults() const { return stores_fail || answer == Answer::failed || window >= 2; }
};

Behaviour g;  // this input's behaviour: the fakes read it (one thread)

// The reply data when the input gives none: what each command type's worker answers.
std::string canned_data(const messages::Command& c) {
    if (c.type == "suspension.apply") return R"({"srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02"})";
    if (c.type == "stage.change") {
        if (c.payload_json.find("\"toppan\"") != std::string::npos)
            return R"({"toppan":"automatic","previousStage":"DN1","newStage":"DN2"})";
        return g.answer == Behaviour::Answer::refusal
                   ? R"({"code":"OCMS.CPS.ELIG.COURT_STAGE","outcome":"FAILED"})"
                   : R"({"code":"OCMS-2000","outcome":"UPDATED","previousStage":"DN1","newStage":"DN2"})";
    }
    if (c.type == "court.update" && g.answer == Behaviour::Answer::refusal)
        return R"({"errors":[{"field":"amount_payable","message":"must be >= 0"}]})";
    return "";
}

// What the gateway answers each command, by the input's flags (the gateway is fakes.hpp's
// FakeGateway, which records what it was sent in `seen`).
DispatchItem gateway_answer(const messages::Command& c) {
    DispatchItem it;
    it.command_id = c.command_id;
    it.notice_no = NoticeNo(command_key(c));
    switch (g.answer) {
        case Behaviour::Answer::success:
        case Behaviour::Answer::refusal: {
            it.state = DispatchItem::State::replied;
            messages::Reply r;
            r.command_id = c.command_id;
            r.request_id = c.request_id;
            r.type = c.type;
            r.notice_no = it.notice_no;
            const bool ok = g.answer == Behaviour::Answer::success;
            r.app_code = ok ? codes::kSuccess : codes::kBusinessRule;
            r.message = ok ? "Success" : "Refused by the rules";
            r.data_json = g.reply_data.empty() ? canned_data(c) : g.reply_data;
            r.processed_at = fuzz::fixed_now();
            r.batch = c.batch;
            it.reply = std::move(r);
            break;
        }
        case Behaviour::Answer::pending: it.state = DispatchItem::State::pending; break;
        case Behaviour::Answer::failed:
            it.state = DispatchItem::State::failed;
            it.error = "Local: Message timed out";
            break;
    }
    return it;
}

// A store's answer by the input's flags: a database error when the stores fail, else make()'s value.
template <typename F>
auto stores_answer(F make) -> ReadResult<decltype(make())> {
    if (g.stores_fail) return store_down("fuzz: database down");
    return make();
}

bool found(const std::string& notice) { return !g.find_nothing && !(notice.size() > 0 && notice[0] == 'X'); }

// The fakes of fakes.hpp answer through functions of what they are asked and the input's flags.
std::shared_ptr<FakeReadStore> make_reads() {
    auto s = std::make_shared<FakeReadStore>();
    s->notices_call.answer = [](const NoticeQuery& q) {
        return stores_answer([&q] {
            NoticePage page;
            for (const auto& n : q.notice_nos.empty() ? std::vector<std::string>{"500500303J"} : q.notice_nos) {
                if (!found(n)) continue;
                NoticeRow r;
                r.notice_no = n;
                r.vehicle_no = q.vehicle_no.value_or("SBA1234A");
                r.last_processing_stage = q.stages.empty() ? "RD1" : q.stages.front();
                r.last_processing_date = fuzz::fixed_now();
                r.suspension_type = "TS";
                r.reason_of_suspension = "ACR";
                r.notice_type = "O";
                r.amount_payable_cents = 7000;
                r.due_date_of_revival = fuzz::fixed_now();
                page.rows.push_back(std::move(r));
            }
            page.total = std::int64_t(page.rows.size()) + q.skip;
            return page;
        });
    };
    s->reasons_call.answer = [](const ReasonQuery& q) {
        return stores_answer([&q] {
            std::vector<ReasonRow> rows;
            if (g.find_nothing) return rows;
            rows.push_back({"ACR", "ACRA investigation", q.suspension_type == "TS" ? std::optional<int>(21) : std::nullopt,
                            false, {"RD1", "RD2"}});
            rows.push_back({"CLV", "Classified vehicle", std::nullopt, true, {}});
            return rows;
        });
    };
    s->users_call.answer = [](const UserQuery&) {
        return stores_answer([] {
            std::vector<UserRow> rows;
            if (!g.find_nothing) rows.push_back({"JOHNLEE", "John", "Lee"});
            return rows;
        });
    };
    s->hst_call.answer = [](const std::string& id_no) {
        return stores_answer([&id_no] {
            std::optional<HstRow> row;
            if (!found(id_no)) return row;
            row = HstRow{id_no, "Tan Ah Kow", "Ang Mo Kio Ave 3", "123", "05", "67", "Block A", "560123",
                         {"500500303J", "500500304K"}};
            return row;
        });
    };
    return s;
}

std::shared_ptr<FakeCasStore> make_cas() {
    auto s = std::make_shared<FakeCasStore>();
    s->payment_status_call.answer = [](const std::vector<std::string>& notices) {
        return stores_answer([&notices] {
            std::vector<PaymentStatusRow> rows;
            for (const auto& n : notices) {
                PaymentStatusRow r;
                r.notice_no = n;
                r.found = found(n);
                if (r.found) {
                    r.last_processing_stage = "CRT";
                    r.last_processing_date = fuzz::fixed_now();
                    r.emcons_flag = n.size() % 2 ? std::optional<std::string>("Y") : std::nullopt;
                    r.emcons = r.emcons_flag.has_value();
                    r.amount_payable_cents = 7000;
                    if (n.size() % 3 == 0) r.log_error = "fuzz: insert failed";
                }
                rows.push_back(std::move(r));
            }
            return rows;
        });
    };
    s->notice_update_call.answer = [](const std::vector<std::string>& notices) {
        return stores_answer([&notices] {
            std::vector<NoticeUpdateRow> rows;
            for (const auto& n : notices) {
                NoticeUpdateRow r;
                r.notice_no = n;
                r.found = found(n);
                r.amount_payable_cents = 12345;
                r.suspension_type = "PS";
                r.epr_reason_of_suspension = n.size() % 2 ? "WWP" : "FOR";
                r.court_payment_due_date = fuzz::fixed_now();
                rows.push_back(std::move(r));
            }
            return rows;
        });
    };
    s->dayend_window_call.answer = [](const NoArgs&) {
        return stores_answer([] {
            switch (g.window) {
                case 0: return std::optional<std::string>("20:00-07:00");
                case 1: return std::optional<std::string>("08:00-09:00");
                case 2: return std::optional<std::string>("8pm to 7am");
                default: return std::optional<std::string>();
            }
        });
    };
    return s;
}

domain::StageReference stage_reference() {
    domain::StageReference ref;
    // The stages and moves of docs/api.md's examples (DN1 -> DN2 -> DR3), a court stage, one PLUS may not set.
    ref.stages = {{Stage("DN1"), 7, false, true}, {Stage("DN2"), 8, false, true}, {Stage("DR3"), 9, false, true},
                  {Stage("CFC"), 11, false, false}, {Stage("CRT"), 12, true, false}};
    ref.map = {{Stage("DN1"), Stage("DN2"), true, 3000, true}, {Stage("DN2"), Stage("DR3"), true, 0, true},
               {Stage("DR3"), Stage("CFC"), true, 0, true}};
    ref.roles = {{domain::OffenderRole::driver, Stage("DN1")}, {domain::OffenderRole::driver, Stage("DN2")},
                 {domain::OffenderRole::owner, Stage("DN2")}, {domain::OffenderRole::driver, Stage("DR3")}};
    return ref;
}

domain::StageNotice stage_notice(const std::string& no) {
    domain::StageNotice n;
    n.notice_no = NoticeNo(no);
    n.last_processing_stage = Stage(no.size() % 2 ? "DN1" : "CRT");
    n.last_processing_date = fuzz::fixed_now();
    n.offenders = {{"D", true, std::nullopt}};
    return n;
}

std::shared_ptr<FakeChangeStageStore> make_stage() {
    auto s = std::make_shared<FakeChangeStageStore>();
    s->search_call.answer = [](const StageSearchAsked& a) {
        return stores_answer([&a] {
            const auto& c = a.criteria;
            StageSearchResult r;
            r.ref = stage_reference();
            if (g.find_nothing) return r;
            stage_store::SearchRow row;
            row.notice = stage_notice(c.notice_no.value_or("500500303J"));
            row.vehicle_no = c.vehicle_no;
            row.offender_id = c.id_no;
            row.offence_date_time = fuzz::fixed_now();
            r.rows.push_back(std::move(row));
            r.truncated = a.limit < 1;
            return r;
        });
    };
    s->check_call.answer = [](const std::vector<std::string>& notices) {
        return stores_answer([&notices] {
            StageCheckResult r;
            r.ref = stage_reference();
            for (const auto& n : notices)
                r.notices.push_back(found(n) ? std::optional<domain::StageNotice>(stage_notice(n)) : std::nullopt);
            return r;
        });
    };
    s->save_report_call.answer = [](const SaveReportAsked& a) {
        FUZZ_CHECK(reports::valid_report_id(a.meta.report_id),
                   "new_report_id made an id valid_report_id refuses: " + a.meta.report_id);
        if (g.build_report) {
            auto bytes = reports::render_change_stage_xlsx(a.meta, a.rows, std::filesystem::temp_directory_path());
            FUZZ_CHECK(bytes.has_value(), "the report was not built: " + (bytes ? std::string() : bytes.error().message));
        }
        return stores_answer([&a] { return a.meta.report_id; });
    };
    s->list_reports_call.answer = [](const ReportRangeAsked& a) {
        return stores_answer([&a] {
            std::vector<ReportListing> out;
            if (!g.find_nothing) out.push_back({"ChangeStageReport_20251220_JOHNLEE_abc123.xlsx", a.start, "JOHNLEE", 3});
            return out;
        });
    };
    s->report_bytes_call.answer = [](const std::string& id) {
        // The real store answers "no such report" for an id that is not one (report_store.hpp).
        return stores_answer([&id] {
            return reports::valid_report_id(id) && !g.find_nothing ? std::optional<std::string>("PK\x03\x04 fuzz")
                                                                   : std::nullopt;
        });
    };
    return s;
}

std::shared_ptr<FakeOpsStore> make_ops() {
    auto s = std::make_shared<FakeOpsStore>();
    s->history_call.answer = [](const std::string&) {
        return stores_answer([] { return std::string(R"({"notice":null,"commands":[]})"); });
    };
    s->dead_letters_call.answer = [](const std::string&) { return stores_answer([] { return std::string("[]"); }); };
    s->parked_call.answer = [](const NoArgs&) { return stores_answer([] { return std::string("[]"); }); };
    s->retry_call.answer = [](const RetryAsked&) { return stores_answer([] { return !g.find_nothing; }); };
    s->discard_call.answer = [](const DiscardAsked&) { return stores_answer([] { return !g.find_nothing; }); };
    s->run_call.answer = [](const OpsRunRequest&) {
        return stores_answer([] { return std::string(R"({"runId":1,"dryRun":true,"counts":{},"items":[]})"); });
    };
    return s;
}

std::shared_ptr<FakeOutcomeStore> make_outcomes() {
    auto s = std::make_shared<FakeOutcomeStore>();
    s->fetch_call.answer = [](const RequestId& id) -> InboxRows {
        if (g.stores_fail) return store_down("fuzz: database down");
        std::vector<InboxRow> rows;
        if (!g.find_nothing) {
            messages::Reply r;
            r.command_id = CommandId("cmd-1");
            r.request_id = id;
            r.type = "suspension.apply";
            r.notice_no = NoticeNo("500500303J");
            r.app_code = codes::kSuccess;
            r.message = "TS Success";
            r.data_json = g.reply_data;
            r.processed_at = fuzz::fixed_now();
            r.batch = messages::BatchPos{0, 2};
            rows.push_back({"cmd-1", "500500303J", "OCMS-2000", messages::encode(r), 2});
        }
        return rows;
    };
    return s;
}

std::shared_ptr<FakeJobRunner> make_jobs() {
    auto s = std::make_shared<FakeJobRunner>();
    s->auto_revival_call.answer = [](const NoArgs&) -> AutoRevivalResult {
        if (g.stores_fail) return store_down("fuzz: database down");
        return jobs::AutoRevivalStats{3, 3, 0};
    };
    return s;
}

std::string make_token() {
    jwt_t* j = nullptr;
    jwt_new(&j);
    jwt_set_alg(j, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kKey.data()), int(kKey.size()));
    jwt_add_grant(j, "iss", kIssuer.c_str());
    jwt_add_grant(j, "sub", "JOHNLEE");
    const long now = long(to_micros(fuzz::fixed_now()) / 1000000);
    jwt_add_grant_int(j, "exp", now + 3600);
    jwt_add_grants_json(j, R"({"roles":["OCMS_STAFF","PLUS","CAS","HST","OPS","INTERNAL"]})");
    char* s = jwt_encode_str(j);
    std::string out = s ? s : "";
    free(s);
    jwt_free(j);
    return out;
}

// The edge over the fakes (fakes.hpp FakeEdge), told by the input what to answer; its pipeline is
// built once, the fakes read the input's Behaviour.
struct World : FakeEdge {
    std::shared_ptr<const PipelineDeps> deps;  // pipeline(), built once
    std::string bearer = "Bearer " + make_token();

    World() {
        log::init("fuzz-edge", "off");
        config->jwt_secret = kKey;
        config->console_dir = "/nonexistent/ocms-fuzz-console";
        schemas = fuzz::schemas();
        explainer = SchemaExplainer::load(fuzz::source_dir() + "/schemas");
        jwt = std::make_shared<auth::JwtVerifier>(kKey, kIssuer);
        apim = std::make_shared<auth::ApimKeys>(std::vector<std::string>{kApimKey});
        gateway->is_ready = true;
        gateway->answer = gateway_answer;
        outcomes = make_outcomes();
        reads = make_reads();
        jobs = make_jobs();
        stage = make_stage();
        cas = make_cas();
        ops = make_ops();
        clock = [] { return fuzz::fixed_now(); };
        deps = pipeline();
        FUZZ_CHECK(!bearer.empty() && jwt->verify(bearer, fuzz::fixed_now()).has_value(), "the fuzz token");
    }

    // One input's calls only: the fakes record every call, and a run has thousands of inputs.
    void forget_calls() {
        gateway->seen.clear();
        outcomes->clear_asked();
        reads->clear_asked();
        jobs->clear_asked();
        stage->clear_asked();
        cas->clear_asked();
        ops->clear_asked();
    }
};

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

// A GET route's target: the pattern's "{name}" replaced by the parameter, then the query.
std::string target_of(const Route& r, std::string_view rest) {
    std::string path = r.path;
    auto nl = rest.find('\n');
    std::string_view param = rest.substr(0, nl);
    std::string_view query = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (auto open = path.rfind("/{"); open != std::string::npos && path.back() == '}')
        path = path.substr(0, open + 1) + std::string(param);
    else
        query = rest;
    return query.empty() ? path : path + "?" + std::string(query);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World world;
    if (size < 4) return 0;
    const auto& table = world.deps->routes;
    const Route& route = table[data[0] % table.size()];
    const std::uint8_t flags = data[1];
    std::string_view rest = fuzz::as_text(data + 4, size - 4);
    const std::size_t rid_len = std::min<std::size_t>(data[2], rest.size());
    const std::string rid(rest.substr(0, rid_len));
    rest.remove_prefix(rid_len);
    const std::size_t data_len = std::min<std::size_t>(data[3], rest.size());
    const std::string_view reply_data = rest.substr(rest.size() - data_len);
    rest.remove_suffix(data_len);

    g = Behaviour{};
    g.answer = static_cast<Behaviour::Answer>(flags & 3);
    g.find_nothing = flags & 4;
    g.stores_fail = flags & 8;
    g.window = (flags >> 4) & 3;
    g.build_report = flags & 64;
    // Replies passed reply.v1 at the gateway, where "data" is an object: only an object is used.
    if (auto d = json::parse(reply_data); d && d->IsObject()) g.reply_data = json::to_string(*d);
    world.forget_calls();

    HttpRequest req{route.method, route.body_schema.empty() ? target_of(route, rest) : route.path, 11};
    req.set(boost::beast::http::field::authorization, world.bearer);
    req.set("Ocp-Apim-Subscription-Key", kApimKey);
    if (!rid.empty()) req.set("X-Request-Id", rid);
    if (!route.body_schema.empty()) req.body() = std::string(rest);
    req.prepare_payload();

    net::io_context ioc;
    std::optional<HttpResponse> out;
    int calls = 0;
    handle_request(world.deps, std::move(req), ioc.get_executor(), [&](HttpResponse r) {
        ++calls;
        out = std::move(r);
    });
    ioc.run();

    static const bool verbose = std::getenv("OCMS_FUZZ_VERBOSE") != nullptr;  // triage: print each answer
    if (verbose)
        std::fprintf(stderr, "%s %s flags=%02x -> %u %s\n", std::string(to_string(route.method)).c_str(),
                     route.path.c_str(), flags, out ? out->result_int() : 0u, out ? out->body().substr(0, 600).c_str() : "");
    const std::string where = route.path + " " + std::string(rest.substr(0, 300));
    FUZZ_CHECK(calls == 1, "respond called " + std::to_string(calls) + " times: " + where);
    const unsigned status = out->result_int();
    FUZZ_CHECK(status >= 200 && status < 600, "status " + std::to_string(status));
    FUZZ_CHECK(status < 500 || g.faults(), "HTTP " + std::to_string(status) + " without a fault: " + where +
                                               " -> " + out->body().substr(0, 300));
    for (const auto& field : *out) {
        auto v = sv(field.value());
        FUZZ_CHECK(v.find_first_of("\r\n") == std::string_view::npos, "CR/LF in a header value: " + std::string(v));
    }
    if (sv((*out)[boost::beast::http::field::content_type]).starts_with("application/json")) {
        auto doc = json::parse(out->body());
        FUZZ_CHECK(doc.has_value(), "the JSON response is not JSON: " + where + " -> " + out->body().substr(0, 300));
    }
    for (const auto& c : world.gateway->seen) {
        fuzz::check_command_on_the_wire(c);
        FUZZ_CHECK(!topic_for(c.type).empty(), "no topic for " + c.type);
        FUZZ_CHECK(!command_key(c).empty(), "a command without a key (notice): " + messages::encode(c));
        FUZZ_CHECK(worker::find_handler(c.type, c.schema_version) != nullptr, "no worker handler for " + c.type);
    }
    if (status >= 400 && status < 500 && g.answer == Behaviour::Answer::success && !g.find_nothing)
        FUZZ_CHECK(world.gateway->seen.empty(), "refused with HTTP " + std::to_string(status) + " after publishing " +
                                                    std::to_string(world.gateway->seen.size()) + " commands: " + where);
    return 0;
}
