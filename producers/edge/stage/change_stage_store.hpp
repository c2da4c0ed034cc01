#pragma once
// The I/O behind the change-of-processing-stage routes (spec 003) that the edge does itself:
// the reads of search and validate (stage_store, read-only, role ocmsiz_app_conn), and the batch
// reports (their rows in ocms_change_stage_report; the .xlsx rendered from them on the first
// download and kept in the report store from then on). The changes
// themselves are commands applied by the workers. ChangeStageStore is the seam the handlers see
// (tests put a fake behind it); PgChangeStageStore runs the blocking work (libpq, libxlsxwriter,
// the filesystem) on its own small thread pool and posts each answer to the caller's executor.
#include "reads/read_store.hpp"
#include "reports/change_stage_xlsx.hpp"
#include "reports/report_store.hpp"
#include "stage_store/stage_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocms::edge {

struct StageSearchResult {
    domain::StageReference ref;
    std::vector<stage_store::SearchRow> rows;  // at most the limit asked for
    bool truncated = false;                    // more notices matched
};

struct StageCheckResult {
    domain::StageReference ref;
    std::vector<std::optional<domain::StageNotice>> notices;  // in the order asked; nullopt: no such notice
};

struct ReportListing {
    std::string report_id;
    std::string report_date;  // yyyy-MM-dd (Singapore)
    std::string generated_by;
    int notice_count = 0;
};

class ChangeStageStore {
public:
    virtual ~ChangeStageStore() = default;
    // Each callback is posted to ex exactly once; errors are for the log, never the caller.
    virtual void search(stage_store::SearchCriteria criteria, int limit, boost::asio::any_io_executor ex,
                        ReadCallback<StageSearchResult> cb) = 0;
    virtual void check(std::vector<std::string> notices, boost::asio::any_io_executor ex,
                       ReadCallback<StageCheckResult> cb) = 0;
    // Records the report: its index row with the rows it shows (no file yet: report_bytes renders
    // it when it is first asked for). Answers the id.
    virtual void save_report(reports::ChangeStageReportMeta meta, std::vector<reports::ChangeStageReportRow> rows,
                             boost::asio::any_io_executor ex, ReadCallback<std::string> cb) = 0;
    // Reports whose Singapore day is in [start, end] (yyyy-MM-dd, checked by the caller).
    virtual void list_reports(std::string start, std::string end, boost::asio::any_io_executor ex,
                              ReadCallback<std::vector<ReportListing>> cb) = 0;
    // The .xlsx: the kept file, or rendered from the report's row and kept. nullopt: no such
    // report (or an id that is not one).
    virtual void report_bytes(std::string report_id, boost::asio::any_io_executor ex,
                              ReadCallback<std::optional<std::string>> cb) = 0;
};

class PgChangeStageStore : public ChangeStageStore {
public:
    PgChangeStageStore(const std::string& url, int connections, std::shared_ptr<reports::ReportStore> files);
    ~PgChangeStageStore() override;
    void search(stage_store::SearchCriteria criteria, int limit, boost::asio::any_io_executor ex,
                ReadCallback<StageSearchResult> cb) override;
    void check(std::vector<std::string> notices, boost::asio::any_io_executor ex,
               ReadCallback<StageCheckResult> cb) override;
    void save_report(reports::ChangeStageReportMeta meta, std::vector<reports::ChangeStageReportRow> rows,
                     boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override;
    void list_reports(std::string start, std::string end, boost::asio::any_io_executor ex,
                      ReadCallback<std::vector<ReportListing>> cb) override;
    void report_bytes(std::string report_id, boost::asio::any_io_executor ex,
                      ReadCallback<std::optional<std::string>> cb) override;

private:
    std::unique_ptr<pg::Pool> db_;
    std::shared_ptr<reports::ReportStore> files_;
    boost::asio::thread_pool threads_;
};

}  // namespace ocms::edge
