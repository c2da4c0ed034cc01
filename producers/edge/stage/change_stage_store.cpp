#include "change_stage_store.hpp"

#include "core/log.hpp"
#include "core/time.hpp"
#include "json/json.hpp"
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

// ocms_change_stage_report.report_rows: one array of the eight kTableColumns texts per notice.
std::string rows_json(const std::vector<reports::ChangeStageReportRow>& rows) {
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartArray();
    for (const auto& r : rows) {
        w.StartArray();
        for (const std::string* f : {&r.notice_no, &r.previous_stage, &r.new_stage, &r.outcome, &r.code, &r.message,
                                     &r.reason, &r.remarks})
            w.String(f->data(), rapidjson::SizeType(f->size()));
        w.EndArray();
    }
    w.EndArray();
    return std::string(buf.GetString(), buf.GetSize());
}

Result<std::vector<reports::ChangeStageReportRow>> rows_from_json(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc) return fail(codes::kInternal, "stored rows are not JSON: " + doc.error());
    if (!doc->IsArray()) return fail(codes::kInternal, "stored rows are not an array");
    std::vector<reports::ChangeStageReportRow> out;
    out.reserve(doc->Size());
    for (const auto& row : doc->GetArray()) {
        if (!row.IsArray() || row.Size() != reports::kTableColumns.size())
            return fail(codes::kInternal, "a stored row is not an array of " +
                                              std::to_string(reports::kTableColumns.size()) + " texts");
        for (const auto& cell : row.GetArray())
            if (!cell.IsString()) return fail(codes::kInternal, "a stored cell is not a text");
        auto at = [&](rapidjson::SizeType i) { return std::string(row[i].GetString(), row[i].GetStringLength()); };
        out.push_back({at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)});
    }
    return out;
}

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
        // The one way rendering can fail for good; checked now so that a listed report always
        // renders (the rest, a temporary file that cannot be made, is the download's to retry).
        if (rows.size() > reports::kMaxRows)
            return fail(codes::kInternal, "report not built: " + std::to_string(rows.size()) +
                                              " rows, more than one sheet holds");
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        const auto day = singapore_day(meta.generated_at);
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", int(day.year()), unsigned(day.month()), unsigned(day.day()));
        auto ins = (*conn)->exec(
            "INSERT INTO ocms_change_stage_report (report_id, report_date, generated_by, notice_count, request_id, "
            "generated_at, report_rows) "
            "VALUES ($1, $2::date, $3, $4::integer, $5, to_timestamp($6::bigint / 1e6), $7::jsonb)",
            {meta.report_id, std::string(date), meta.generated_by, std::to_string(rows.size()),
             meta.request_id.empty() ? pg::Param(std::nullopt) : pg::Param(meta.request_id),
             std::to_string(to_micros(meta.generated_at)), rows_json(rows)});
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
        auto kept = files_->load(id);
        if (!kept) return std::unexpected(kept.error());
        if (*kept) return std::move(*kept);
        // Not rendered yet: from its row.
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto r = (*conn)->exec(
            "SELECT generated_by, coalesce(request_id, ''), "
            "(extract(epoch FROM generated_at) * 1000000)::bigint, report_rows::text "
            "FROM ocms_change_stage_report WHERE report_id = $1 AND report_rows IS NOT NULL",
            {id});
        if (!r) return std::unexpected(store_error(r.error()));
        if (r->rows() == 0) return std::optional<std::string>{};  // no such report (or its file is gone)
        reports::ChangeStageReportMeta meta{id, std::string(r->get(0, 0)), from_micros(r->get_int(0, 2)),
                                            std::string(r->get(0, 1))};
        auto rows = rows_from_json(r->get(0, 3));
        if (!rows) return fail(std::move(rows.error()).in_context("report " + id + ": "));
        auto bytes = reports::render_change_stage_xlsx(meta, *rows);
        if (!bytes) return fail(std::move(bytes.error()).in_context("report not built: "));
        // Kept for the next download. A concurrent first download may have kept its own rendering
        // of the same rows first; either file is the report.
        if (auto saved = files_->save(id, *bytes); !saved)
            log::warn("change-stage report rendered but not kept", {{"reportId", id}, {"error", saved.error().message}});
        return std::optional<std::string>(std::move(*bytes));
    });
}

}  // namespace ocms::edge
