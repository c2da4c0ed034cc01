#pragma once
// In-memory fakes of every seam the edge's handlers see (STYLE.md 9, Envoy's test/mocks): the
// CommandGateway, and the stores behind the features, OutcomeStore, ReadStore, ChangeStageStore,
// CasStore, OpsStore, JobRunner. No database, broker or socket behind any of them. FakeEdge, at
// the end, puts them behind every feature's deps and the pipeline, as main.cpp does the real ones.
//
// Each store method is a FakeCall: it records what it was asked (`asked`, in order) and answers
// `result` (an empty value unless the test set rows), or, when the test set `answer`, what that
// function makes of the request. A failure is written store_down("why") (or store_refuses("why")),
// never otherwise (see StoreDown). The answer is posted to the executor the handler passed, once, as every seam
// promises; the handler runs on with the io_context the test runs.
//
// Threading: one thread (a test, or the fuzz target). Header-only and free of gtest:
// tests/fuzz/edge_http.cpp builds them with clang 16 (-std=c++2b), so no aggregate CTAD and no
// parenthesised aggregate initialisation here.
#include "cas/cas_store.hpp"
#include "cas/deps.hpp"
#include "dispatch/gateway.hpp"
#include "http/pipeline.hpp"
#include "http/routes.hpp"
#include "metrics/metrics.hpp"
#include "ops/deps.hpp"
#include "ops/job_runner.hpp"
#include "ops/ops_store.hpp"
#include "outcome/deps.hpp"
#include "reads/deps.hpp"
#include "reads/read_store.hpp"
#include "revival/deps.hpp"
#include "stage/change_stage_store.hpp"
#include "stage/deps.hpp"
#include "store/outcome_store.hpp"
#include "suspension/deps.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ocms::edge::fakes {

// ---- the one way a fake fails -------------------------------------------------------------------

// A store that could not answer (a database down), or that refused the request as the caller's
// fault (OpsStore::run: a replay's options), as any seam's result: converts to
// Result<T> for every T (ReadResult<T>, InboxRows, AutoRevivalResult: store/result.hpp). The
// Error is made in error() and only there, so no fake or test writes std::unexpected itself.
class StoreDown {
public:
    enum class Why {
        down,     // the store's fault: the handler answers 500 in its spec's words
        refused,  // the caller's: the handler answers 400 with the text
    };
    StoreDown(Why why, std::string text) : why_(why), text_(std::move(text)) {}

    template <typename T>
    operator Result<T>() const {  // NOLINT(google-explicit-constructor): the point of it
        return std::unexpected(error());
    }

    Why why() const { return why_; }
    const std::string& text() const { return text_; }

private:
    // As store/result.hpp's store_error(message) and PgOpsStore::run's refusal make them.
    Error error() const {
        return why_ == Why::refused ? Error::client(codes::kBadRequest, text_) : Error{codes::kInternal, text_};
    }

    Why why_;
    std::string text_;
};

// store_down("connection refused"): the failure to set as a FakeCall's result or return from its
// answer function.
inline StoreDown store_down(std::string text) { return StoreDown(StoreDown::Why::down, std::move(text)); }
// store_refuses("dead letter 4 is not OPEN"): the store says the request itself is wrong.
inline StoreDown store_refuses(std::string text) { return StoreDown(StoreDown::Why::refused, std::move(text)); }

// ---- one method of a fake ------------------------------------------------------------------------

// Asked: what the method was called with (a struct when it takes more than one argument).
// Answer: the seam's result type (ReadResult<T>, InboxRows, AutoRevivalResult).
template <typename Asked, typename Answer>
class FakeCall {
public:
    std::vector<Asked> asked;                    // every call, in order
    Answer result = Answer{};                    // the answer to every call (default: an empty value)
    std::function<Answer(const Asked&)> answer;  // when set, the answer instead of result

    // Records the call, makes the answer now, posts it to ex.
    void reply(Asked a, boost::asio::any_io_executor ex, std::function<void(Answer)> cb) {
        Answer r = answer ? answer(a) : result;
        asked.push_back(std::move(a));
        boost::asio::post(ex, [cb = std::move(cb), r = std::move(r)]() mutable { cb(std::move(r)); });
    }
};

// The argument of the methods that take none.
struct NoArgs {};

// ---- CommandGateway ------------------------------------------------------------------------------

// Answers every command at once with the item `answer` makes: by default a worker's success
// (OCMS-2000 "TS Success" with spec 002's srNo and dueDateOfRevival).
class FakeGateway : public CommandGateway {
public:
    std::vector<messages::Command> seen;  // every command dispatched, in order
    bool is_ready = false;                // what ready() says (/readyz)
    std::function<DispatchItem(const messages::Command&)> answer = [](const messages::Command& c) {
        DispatchItem it;
        it.command_id = c.command_id;
        it.notice_no = NoticeNo(command_key(c));
        it.state = DispatchItem::State::replied;
        messages::Reply r;
        r.command_id = c.command_id;
        r.notice_no = it.notice_no;
        r.app_code = codes::kSuccess;
        r.message = "TS Success";
        r.data_json = R"({"srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02"})";
        it.reply = r;
        return it;
    };

    void dispatch(std::vector<messages::Command> commands, boost::asio::any_io_executor ex,
                  DispatchCallback cb) override {
        std::vector<DispatchItem> items;
        for (auto& c : commands) {
            items.push_back(answer(c));
            seen.push_back(std::move(c));
        }
        boost::asio::post(ex, [cb = std::move(cb), items = std::move(items)] { cb(items); });
    }
    bool ready() const override { return is_ready; }
};

// ---- OutcomeStore (request-outcome) --------------------------------------------------------------

class FakeOutcomeStore : public OutcomeStore {
public:
    FakeCall<RequestId, InboxRows> fetch_call;

    void fetch(const RequestId& request_id, boost::asio::any_io_executor ex, OutcomeCallback cb) override {
        fetch_call.reply(request_id, std::move(ex), std::move(cb));
    }
    void clear_asked() { fetch_call.asked.clear(); }
};

// ---- ReadStore (spec 002 reads, the HST register) ------------------------------------------------

class FakeReadStore : public ReadStore {
public:
    FakeCall<NoticeQuery, ReadResult<NoticePage>> notices_call;
    FakeCall<ReasonQuery, ReadResult<std::vector<ReasonRow>>> reasons_call;
    FakeCall<UserQuery, ReadResult<std::vector<UserRow>>> users_call;
    FakeCall<std::string, ReadResult<std::optional<HstRow>>> hst_call;  // the id asked; default: no such id

    void notices(NoticeQuery q, boost::asio::any_io_executor ex, ReadCallback<NoticePage> cb) override {
        notices_call.reply(std::move(q), std::move(ex), std::move(cb));
    }
    void reasons(ReasonQuery q, boost::asio::any_io_executor ex, ReadCallback<std::vector<ReasonRow>> cb) override {
        reasons_call.reply(std::move(q), std::move(ex), std::move(cb));
    }
    void users(UserQuery q, boost::asio::any_io_executor ex, ReadCallback<std::vector<UserRow>> cb) override {
        users_call.reply(std::move(q), std::move(ex), std::move(cb));
    }
    void hst(std::string id_no, boost::asio::any_io_executor ex, ReadCallback<std::optional<HstRow>> cb) override {
        hst_call.reply(std::move(id_no), std::move(ex), std::move(cb));
    }
    void clear_asked() {
        notices_call.asked.clear();
        reasons_call.asked.clear();
        users_call.asked.clear();
        hst_call.asked.clear();
    }
};

// ---- ChangeStageStore (spec 003 reads and reports) -----------------------------------------------

struct StageSearchAsked {
    stage_store::SearchCriteria criteria;
    int limit = 0;
};
struct SaveReportAsked {
    reports::ChangeStageReportMeta meta;
    std::vector<reports::ChangeStageReportRow> rows;
};
struct ReportRangeAsked {
    std::string start, end;
};

class FakeChangeStageStore : public ChangeStageStore {
public:
    FakeCall<StageSearchAsked, ReadResult<StageSearchResult>> search_call;
    FakeCall<std::vector<std::string>, ReadResult<StageCheckResult>> check_call;  // the notices, in order
    // Default: the report's own id back (saved), as the real store answers.
    FakeCall<SaveReportAsked, ReadResult<std::string>> save_report_call;
    FakeCall<ReportRangeAsked, ReadResult<std::vector<ReportListing>>> list_reports_call;
    FakeCall<std::string, ReadResult<std::optional<std::string>>> report_bytes_call;  // the id; default: no such report

    FakeChangeStageStore() {
        save_report_call.answer = [](const SaveReportAsked& a) -> ReadResult<std::string> { return a.meta.report_id; };
    }

    void search(stage_store::SearchCriteria criteria, int limit, boost::asio::any_io_executor ex,
                ReadCallback<StageSearchResult> cb) override {
        StageSearchAsked a;
        a.criteria = std::move(criteria);
        a.limit = limit;
        search_call.reply(std::move(a), std::move(ex), std::move(cb));
    }
    void check(std::vector<std::string> notices, boost::asio::any_io_executor ex,
               ReadCallback<StageCheckResult> cb) override {
        check_call.reply(std::move(notices), std::move(ex), std::move(cb));
    }
    void save_report(reports::ChangeStageReportMeta meta, std::vector<reports::ChangeStageReportRow> rows,
                     boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override {
        SaveReportAsked a;
        a.meta = std::move(meta);
        a.rows = std::move(rows);
        save_report_call.reply(std::move(a), std::move(ex), std::move(cb));
    }
    void list_reports(std::string start, std::string end, boost::asio::any_io_executor ex,
                      ReadCallback<std::vector<ReportListing>> cb) override {
        ReportRangeAsked a;
        a.start = std::move(start);
        a.end = std::move(end);
        list_reports_call.reply(std::move(a), std::move(ex), std::move(cb));
    }
    void report_bytes(std::string report_id, boost::asio::any_io_executor ex,
                      ReadCallback<std::optional<std::string>> cb) override {
        report_bytes_call.reply(std::move(report_id), std::move(ex), std::move(cb));
    }
    void clear_asked() {
        search_call.asked.clear();
        check_call.asked.clear();
        save_report_call.asked.clear();
        list_reports_call.asked.clear();
        report_bytes_call.asked.clear();
    }
};

// ---- CasStore (spec 001) -------------------------------------------------------------------------

class FakeCasStore : public CasStore {
public:
    FakeCall<std::vector<std::string>, ReadResult<std::vector<PaymentStatusRow>>> payment_status_call;
    FakeCall<std::vector<std::string>, ReadResult<std::vector<NoticeUpdateRow>>> notice_update_call;
    FakeCall<NoArgs, ReadResult<std::optional<std::string>>> dayend_window_call;  // default: the parameter missing

    void payment_status(std::vector<std::string> notices, boost::asio::any_io_executor ex,
                        ReadCallback<std::vector<PaymentStatusRow>> cb) override {
        payment_status_call.reply(std::move(notices), std::move(ex), std::move(cb));
    }
    void notice_update(std::vector<std::string> notices, boost::asio::any_io_executor ex,
                       ReadCallback<std::vector<NoticeUpdateRow>> cb) override {
        notice_update_call.reply(std::move(notices), std::move(ex), std::move(cb));
    }
    void dayend_window(boost::asio::any_io_executor ex, ReadCallback<std::optional<std::string>> cb) override {
        dayend_window_call.reply(NoArgs{}, std::move(ex), std::move(cb));
    }
    void clear_asked() {
        payment_status_call.asked.clear();
        notice_update_call.asked.clear();
        dayend_window_call.asked.clear();
    }
};

// ---- OpsStore (the support console) --------------------------------------------------------------

struct RetryAsked {
    std::string notice_no, operator_name, reason;
};
struct DiscardAsked {
    std::string command_id, operator_name, reason;
};

class FakeOpsStore : public OpsStore {
public:
    FakeCall<std::string, ReadResult<std::string>> history_call;       // the notice; answer: the JSON text
    FakeCall<std::string, ReadResult<std::string>> dead_letters_call;  // the status ("" for all)
    FakeCall<NoArgs, ReadResult<std::string>> parked_call;
    FakeCall<RetryAsked, ReadResult<bool>> retry_call;        // default: false (nothing parked)
    FakeCall<DiscardAsked, ReadResult<bool>> discard_call;    // default: false (no such command)
    FakeCall<OpsRunRequest, ReadResult<std::string>> run_call;  // redrive and replay

    void history(std::string notice_no, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override {
        history_call.reply(std::move(notice_no), std::move(ex), std::move(cb));
    }
    void dead_letters(std::string status, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override {
        dead_letters_call.reply(std::move(status), std::move(ex), std::move(cb));
    }
    void parked(boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override {
        parked_call.reply(NoArgs{}, std::move(ex), std::move(cb));
    }
    void retry(std::string notice_no, std::string operator_name, std::string reason, boost::asio::any_io_executor ex,
               ReadCallback<bool> cb) override {
        RetryAsked a;
        a.notice_no = std::move(notice_no);
        a.operator_name = std::move(operator_name);
        a.reason = std::move(reason);
        retry_call.reply(std::move(a), std::move(ex), std::move(cb));
    }
    void discard(std::string command_id, std::string operator_name, std::string reason,
                 boost::asio::any_io_executor ex, ReadCallback<bool> cb) override {
        DiscardAsked a;
        a.command_id = std::move(command_id);
        a.operator_name = std::move(operator_name);
        a.reason = std::move(reason);
        discard_call.reply(std::move(a), std::move(ex), std::move(cb));
    }
    void run(OpsRunRequest request, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override {
        run_call.reply(std::move(request), std::move(ex), std::move(cb));
    }
    void clear_asked() {
        history_call.asked.clear();
        dead_letters_call.asked.clear();
        parked_call.asked.clear();
        retry_call.asked.clear();
        discard_call.asked.clear();
        run_call.asked.clear();
    }
};

// ---- JobRunner (timed jobs on demand) ------------------------------------------------------------

class FakeJobRunner : public JobRunner {
public:
    FakeCall<NoArgs, AutoRevivalResult> auto_revival_call;  // default: nothing due

    void auto_revival(boost::asio::any_io_executor ex, const std::string&, AutoRevivalCallback cb) override {
        auto_revival_call.reply(NoArgs{}, std::move(ex), std::move(cb));
    }
    void clear_asked() { auto_revival_call.asked.clear(); }
};

// ---- the edge over the fakes ---------------------------------------------------------------------

// A fake behind every seam, every feature's deps over them as main.cpp builds them over the real
// ones (one read store for the reads and the revival routes' HST register), and the pipeline. The
// user sets schemas, jwt and apim (and the explainer, or none) first. pipeline() reads the members
// as they are when it is called: a test may drop a store first (null in its feature's deps: its
// routes answer as the edge does without it) or set the clock (the pipeline's and every feature's).
struct FakeEdge {
    std::shared_ptr<EdgeConfig> config = std::make_shared<EdgeConfig>();
    std::shared_ptr<const json::SchemaRegistry> schemas;
    std::shared_ptr<const SchemaExplainer> explainer;
    std::shared_ptr<const auth::JwtVerifier> jwt;
    std::shared_ptr<const auth::ApimKeys> apim;
    std::shared_ptr<FakeGateway> gateway = std::make_shared<FakeGateway>();
    std::shared_ptr<FakeOutcomeStore> outcomes = std::make_shared<FakeOutcomeStore>();
    std::shared_ptr<FakeReadStore> reads = std::make_shared<FakeReadStore>();
    std::shared_ptr<FakeJobRunner> jobs = std::make_shared<FakeJobRunner>();
    std::shared_ptr<FakeChangeStageStore> stage = std::make_shared<FakeChangeStageStore>();
    std::shared_ptr<FakeCasStore> cas = std::make_shared<FakeCasStore>();
    std::shared_ptr<FakeOpsStore> ops = std::make_shared<FakeOpsStore>();
    std::shared_ptr<metrics::Registry> metrics = std::make_shared<metrics::Registry>();
    Clock clock = system_clock();

    FeatureDeps features() const {
        const Publishing publishing{.gateway = gateway, .schemas = schemas, .clock = clock};
        return FeatureDeps{
            .suspension = std::make_shared<const suspension::Deps>(suspension::Deps{publishing}),
            .request_outcome =
                std::make_shared<const request_outcome::Deps>(request_outcome::Deps{.store = outcomes}),
            .reads = std::make_shared<const reads::Deps>(reads::Deps{.store = reads}),
            .revival = std::make_shared<const revival::Deps>(revival::Deps{publishing, reads, jobs}),
            .stage = std::make_shared<const stage::Deps>(stage::Deps{publishing, stage}),
            .cas = std::make_shared<const cas::Deps>(cas::Deps{publishing, cas}),
            .ops = std::make_shared<const ops::Deps>(
                ops::Deps{.store = ops, .console_dir = config->console_dir, .gateway = gateway, .metrics = metrics}),
        };
    }

    std::shared_ptr<const PipelineDeps> pipeline() const {
        return std::make_shared<const PipelineDeps>(PipelineDeps{.config = config,
                                                                 .schemas = schemas,
                                                                 .explainer = explainer,
                                                                 .jwt = jwt,
                                                                 .apim = apim,
                                                                 .metrics = metrics,
                                                                 .clock = clock,
                                                                 .routes = routes(features())});
    }
};

}  // namespace ocms::edge::fakes
