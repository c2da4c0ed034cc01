#pragma once
// The I/O behind the CAS and PLUS integration routes of spec 001 that the edge does itself:
//   getPaymentStatus: the notices' payment fields, and the EMCON notices logged in ocms_cas_emcons;
//   getNoticeUpdate:  the notices' fields for PLUS, and a court case row (court payment due
//                     date) for notices at a court stage, in ocms_court_case;
//   updateCourtNotices: the day-end window (parameter CAS / DAYEND_WINDOW) it checks first.
// Role ocmsiz_app_conn: SELECT, and INSERT on the two log tables only (0001 grants). Every log
// write is its own statement, so one failure marks that notice only. CasStore is the seam the
// handlers see (tests put a fake behind it); PgCasStore runs on its own small thread pool and
// posts each answer to the caller's executor.
#include "reads/read_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocms::edge {

// One requested notice of getPaymentStatus, in request order.
struct PaymentStatusRow {
    std::string notice_no;
    bool found = false;
    std::optional<std::string> last_processing_stage, next_processing_stage, emcons_flag, suspension_type,
        crs_reason_of_suspension, epr_reason_of_suspension, payment_status, payment_allowance_flag;
    std::optional<TimePoint> last_processing_date;
    std::int64_t amount_payable_cents = 0, amount_paid_cents = 0;
    bool emcons = false;           // an EMCON notice (emcons_flag set): logged in ocms_cas_emcons
    std::optional<std::string> log_error;  // the log write failed (for the log; the notice is failed)
};

// One requested notice of getNoticeUpdate, in request order.
struct NoticeUpdateRow {
    std::string notice_no;
    bool found = false;
    std::int64_t amount_payable_cents = 0;
    std::optional<std::string> payment_allowance_flag, suspension_type, epr_reason_of_suspension;
    std::optional<TimePoint> court_payment_due_date;
    std::optional<std::string> court_case_error;  // the court case write failed (logged; answer still sent)
};

class CasStore {
public:
    virtual ~CasStore() = default;
    virtual void payment_status(std::vector<std::string> notices, boost::asio::any_io_executor ex,
                                ReadCallback<std::vector<PaymentStatusRow>> cb) = 0;
    // Looks the notices up; when every one exists, records the court case rows that apply and
    // answers the rows; when some do not exist, writes nothing and answers the rows (found false).
    virtual void notice_update(std::vector<std::string> notices, boost::asio::any_io_executor ex,
                               ReadCallback<std::vector<NoticeUpdateRow>> cb) = 0;
    // The stored value of CAS / DAYEND_WINDOW ("HH:MM-HH:MM", Singapore); nullopt when missing.
    virtual void dayend_window(boost::asio::any_io_executor ex, ReadCallback<std::optional<std::string>> cb) = 0;
};

class PgCasStore : public CasStore {
public:
    PgCasStore(const std::string& url, int connections);
    ~PgCasStore() override;
    void payment_status(std::vector<std::string> notices, boost::asio::any_io_executor ex,
                        ReadCallback<std::vector<PaymentStatusRow>> cb) override;
    void notice_update(std::vector<std::string> notices, boost::asio::any_io_executor ex,
                       ReadCallback<std::vector<NoticeUpdateRow>> cb) override;
    void dayend_window(boost::asio::any_io_executor ex, ReadCallback<std::optional<std::string>> cb) override;

private:
    std::unique_ptr<pg::Pool> db_;
    boost::asio::thread_pool threads_;
};


}  // namespace ocms::edge
