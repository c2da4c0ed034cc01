#include "auto_revival.hpp"

#include "contract/catalogue.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "messages/messages.hpp"

#include <atomic>
#include <chrono>
#include <memory>

namespace ocms::jobs {

std::string auto_revival_command_id(const std::string& notice_no, long long sr_no) {
    return "auto-revival:" + notice_no + ":" + std::to_string(sr_no);
}

std::expected<AutoRevivalStats, std::string> run_auto_revival(pg::Connection& db, kafka::Producer& producer,
                                                              TimePoint now, const AutoRevivalOptions& o) {
    AutoRevivalStats stats;
    const std::string run_id = new_uuid();
    const std::string at = format_offset(now);
    std::string after;  // keyset: notice numbers greater than this
    auto failed = std::make_shared<std::atomic<std::int64_t>>(0);
    auto acked = std::make_shared<std::atomic<std::int64_t>>(0);
    log::info("auto-revival started", {{"runId", run_id}, {"asOf", at}});
    for (;;) {
        auto page = db.exec(
            "SELECT v.notice_no, s.sr_no FROM ocms_valid_offence_notice v "
            "JOIN LATERAL (SELECT sr_no FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no "
            "  AND s.suspension_type = 'TS' AND s.date_of_revival IS NULL ORDER BY sr_no DESC LIMIT 1) s ON true "
            "WHERE v.suspension_type = 'TS' AND v.due_date_of_revival <= $1::timestamptz AND v.notice_no > $2 "
            "ORDER BY v.notice_no LIMIT $3",
            {at, after, std::to_string(o.page)});
        if (!page) return std::unexpected(page.error().message);
        const int rows = page->rows();
        for (int i = 0; i < rows; ++i) {
            std::string notice(page->get(i, 0));
            long long sr_no = page->get_int(i, 1);
            messages::Command c;
            c.command_id = CommandId(auto_revival_command_id(notice, sr_no));
            c.type = contract::kRevivalApply.type;
            c.issued_at = now;
            c.source = "OCMS";
            c.officer = o.officer;
            c.trace_id = TraceId(run_id);
            c.notice_no = NoticeNo(notice);
            c.payload_json = R"({"noticeNo":")" + notice +
                             R"(","suspensionType":"TS","revivalReason":"SPO","revivalRemarks":"Suspension period is over",)"
                             R"("officerAuthorisingRevival":")" +
                             o.officer + R"(","channel":"automatic"})";
            auto err = producer.produce(messages::kTopicRevival, -1, notice, messages::encode(c),
                                        {{"ocms-command-id", c.command_id.value()}},
                                        [failed, acked](const kafka::DeliveryReport& r) {
                                            if (r.ok()) ++*acked;
                                            else ++*failed;
                                        });
            if (err) ++*failed;
            ++stats.due;
            after = notice;
        }
        producer.poll(std::chrono::milliseconds(0));
        stats.published = acked->load();
        stats.failed = failed->load();
        if (o.progress) o.progress(stats);
        if (rows < o.page) break;
    }
    producer.flush(std::chrono::seconds(60));
    stats.published = acked->load();
    stats.failed = failed->load();
    log::info("auto-revival finished", {{"runId", run_id},
                                        {"due", std::to_string(stats.due)},
                                        {"published", std::to_string(stats.published)},
                                        {"failed", std::to_string(stats.failed)}});
    return stats;
}

}  // namespace ocms::jobs
