#include "change_stage_store.hpp"

#include "core/time.hpp"
#include "store/outcome_store.hpp"

#include "store/pool_run.hpp"

namespace ocms::edge {

namespace net = boost::asio;

PgChangeStageStore::PgChangeStageStore(const std::string& url, int connections,
                                       std::shared_ptr<reports::ReportStore> files)
    : db_(std::make_unique<pg::Pool>(with_connect_timeout(url), connections)),
      files_(std::move(files)),
      threads_(std::size_t(connections)) {}

PgChangeStageStore::~PgChangeStageStore() { threads_.join(); }

namespace {


}  // namespace

void PgChangeStageStore::search(stage_store::SearchCriteria criteria, int limit, net::any_io_executor ex,
                                ReadCallback<StageSearchResult> cb) {
    run_on_pool<StageSearchResult>(threads_, ex, std::move(cb), [this, criteria = std::move(criteria), limit]() -> ReadResult<StageSearchResult> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        // One snapshot for the reference and the notices.
        if (auto b = (*conn)->command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !b)
            return std::unexpected(store_error(b.error()));
        StageSearchResult out;
        auto ref = stage_store::load_reference(**conn);
        if (!ref) {
            (void)(*conn)->command("ROLLBACK");
            return std::unexpected(store_error(ref.error()));
        }
        auto rows = stage_store::search(**conn, criteria, limit + 1);
        (void)(*conn)->command("COMMIT");
        if (!rows) return std::unexpected(store_error(rows.error()));
        out.ref = std::move(*ref);
        out.rows = std::move(*rows);
        if (int(out.rows.size()) > limit) {
            out.rows.resize(std::size_t(limit));
            out.truncated = true;
        }
        return out;
    });
}

void PgChangeStageStore::check(std::vector<std::string> notices, net::any_io_executor ex,
                               ReadCallback<StageCheckResult> cb) {
    run_on_pool<StageCheckResult>(threads_, ex, std::move(cb), [this, notices = std::move(notices)]() -> ReadResult<StageCheckResult> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        if (auto b = (*conn)->command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !b)
            return std::unexpected(store_error(b.error()));
        StageCheckResult out;
        auto fail = [&](const pg::PgError& e) -> ReadResult<StageCheckResult> {
            (void)(*conn)->command("ROLLBACK");
            return std::unexpected(store_error(e));
        };
        auto ref = stage_store::load_reference(**conn);
        if (!ref) return fail(ref.error());
        out.ref = std::move(*ref);
        out.notices.reserve(notices.size());
        for (const auto& n : notices) {
            auto one = stage_store::load_notice(**conn, NoticeNo(n), stage_store::Lock::none);
            if (!one) return fail(one.error());
            out.notices.push_back(std::move(*one));
        }
        (void)(*conn)->command("COMMIT");
        return out;
    });
}

void PgChangeStageStore::save_report(reports::ChangeStageReportMeta meta,
                                     std::vector<reports::ChangeStageReportRow> rows, net::any_io_executor ex,
                                     ReadCallback<std::string> cb) {
    run_on_pool<std::string>(threads_, ex, std::move(cb), [this, meta = std::move(meta), rows = std::move(rows)]() -> ReadResult<std::string> {
        auto bytes = reports::render_change_stage_xlsx(meta, rows);
        if (!bytes) return fail(std::move(bytes.error()).in_context("report not built: "));
        if (auto saved = files_->save(meta.report_id, *bytes); !saved)
            return fail(std::move(saved.error()).in_context("report not stored: "));
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        const auto day = singapore_day(meta.generated_at);
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", int(day.year()), unsigned(day.month()), unsigned(day.day()));
        auto ins = (*conn)->exec(
            "INSERT INTO ocms_change_stage_report (report_id, report_date, generated_by, notice_count, request_id) "
            "VALUES ($1, $2::date, $3, $4::integer, $5)",
            {meta.report_id, std::string(date), meta.generated_by, std::to_string(rows.size()),
             meta.request_id.empty() ? pg::Param(std::nullopt) : pg::Param(meta.request_id)});
        if (!ins) return std::unexpected(store_error(ins.error()));
        return meta.report_id;
    });
}

void PgChangeStageStore::list_reports(std::string start, std::string end, net::any_io_executor ex,
                                      ReadCallback<std::vector<ReportListing>> cb) {
    run_on_pool<std::vector<ReportListing>>(threads_, ex, std::move(cb), [this, start = std::move(start), end = std::move(end)]()
                                        -> ReadResult<std::vector<ReportListing>> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto r = (*conn)->exec(
            "SELECT report_id, to_char(report_date, 'YYYY-MM-DD'), generated_by, notice_count "
            "FROM ocms_change_stage_report WHERE report_date BETWEEN $1::date AND $2::date "
            "ORDER BY report_date, cre_date, report_id",
            {start, end});
        if (!r) return std::unexpected(store_error(r.error()));
        std::vector<ReportListing> out;
        out.reserve(std::size_t(r->rows()));
        for (int i = 0; i < r->rows(); ++i)
            out.push_back(ReportListing{std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)),
                                        int(r->get_int(i, 3))});
        return out;
    });
}

void PgChangeStageStore::report_bytes(std::string report_id, net::any_io_executor ex,
                                      ReadCallback<std::optional<std::string>> cb) {
    run_on_pool<std::optional<std::string>>(threads_, ex, std::move(cb), [this, id = std::move(report_id)]() -> ReadResult<std::optional<std::string>> {
        if (!reports::valid_report_id(id)) return std::optional<std::string>{};
        auto got = files_->load(id);
        if (!got) return std::unexpected(got.error());
        return std::move(*got);
    });
}

}  // namespace ocms::edge
