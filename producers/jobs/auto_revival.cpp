#include "auto_revival.hpp"

#include "contract/payloads.hpp"
#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <memory>

namespace ocms::jobs {

std::string auto_revival_command_id(const std::string& notice_no, long long sr_no) {
    return "auto-revival:" + notice_no + ":" + std::to_string(sr_no);
}

messages::Command auto_revival_command(const std::string& notice_no, long long sr_no, TimePoint now,
                                       const std::string& officer, const TraceId& run) {
    domain::ReviveTs r = domain::automatic_revival(NoticeNo(notice_no), officer);
    const contract::RevivalApply payload{.notice_no = std::move(r.notice_no),
                                         .suspension_type = std::move(r.suspension_type),
                                         .revival_reason = std::move(r.revival_reason),
                                         .revival_remarks = std::move(r.remarks),
                                         .officer_authorising_revival = std::move(r.officer),
                                         .channel = r.channel};
    auto c = contract::make_command(payload,
                                    contract::Origin{.source = std::string(domain::kAutomaticSource),
                                                     .officer = officer,
                                                     .trace_id = run,
                                                     .issued_at = now},
                                    std::nullopt);
    // Not make_command's fresh id: the record's own, the same on every run (exactly once).
    c.command_id = CommandId(auto_revival_command_id(notice_no, sr_no));
    return c;
}

Result<AutoRevivalStats> revive_due_notices(pg::Connection& db, kafka::Producer& producer, TimePoint now,
                                            const AutoRevivalOptions& o) {
    AutoRevivalStats stats;
    const TraceId run(new_uuid());
    const std::string topic(contract::kRevivalApply.topic);
    const std::string at = format_offset(now);
    std::string after;  // keyset: notice numbers greater than this
    auto failed = std::make_shared<std::atomic<std::int64_t>>(0);
    auto acked = std::make_shared<std::atomic<std::int64_t>>(0);
    log::info("auto-revival started", {{"runId", run.value()}, {"asOf", at}});
    for (;;) {
        auto page = db.exec(
            "SELECT v.notice_no, s.sr_no FROM ocms_valid_offence_notice v "
            "JOIN LATERAL (SELECT sr_no FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no "
            "  AND s.suspension_type = 'TS' AND s.date_of_revival IS NULL ORDER BY sr_no DESC LIMIT 1) s ON true "
            "WHERE v.suspension_type = 'TS' AND v.due_date_of_revival <= $1::timestamptz AND v.notice_no > $2 "
            "ORDER BY v.notice_no LIMIT $3",
            {at, after, std::to_string(o.page)});
        if (!page) return fail(pg::to_error(page.error()));
        const int rows = page->rows();
        for (int i = 0; i < rows; ++i) {
            std::string notice(page->get(i, 0));
            long long sr_no = page->get_int(i, 1);
            const messages::Command c = auto_revival_command(notice, sr_no, now, o.officer, run);
            auto err = producer.produce(topic, -1, notice, messages::encode(c),
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
    log::info("auto-revival finished", {{"runId", run.value()},
                                        {"due", std::to_string(stats.due)},
                                        {"published", std::to_string(stats.published)},
                                        {"failed", std::to_string(stats.failed)}});
    return stats;
}

}  // namespace ocms::jobs
