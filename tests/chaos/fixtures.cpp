#include "fixtures.hpp"

#include "support.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>

namespace ocms::chaos {

std::unique_ptr<NoticePool> NoticePool::make(int count) {
    if (count < 1 || count > 1000000) throw std::invalid_argument("fixture count must be 1..1000000");
    static constexpr char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    std::mt19937_64 rng{std::random_device{}()};
    auto db = test::owner_db();
    std::string prefix;
    for (int attempt = 0;; ++attempt) {
        if (attempt == 50) throw std::runtime_error("no free notice prefix after 50 tries");
        char candidate[5] = {'K', 0, 0, 0, 0};
        for (int i = 1; i < 4; ++i) candidate[i] = alnum[rng() % (sizeof alnum - 1)];
        prefix = candidate;
        if (test::scalar(*db, "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no LIKE $1",
                         {prefix + "%"}) == 0)
            break;
    }
    const std::string n = std::to_string(count);
    auto von = db->exec(
        "INSERT INTO ocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage, "
        "last_processing_date, amount_payable, amount_paid, cre_user_id) "
        "SELECT $1 || lpad(g::text, 6, '0'), 'SBA1234A', 'O', 'RD1', now(), 70.00, 0, 'chaos' "
        "FROM generate_series(0, $2::int - 1) g",
        {prefix, n});
    if (!von) throw std::runtime_error("fixture notices refused: " + von.error().message);
    auto eocms = db->exec(
        "INSERT INTO eocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage, "
        "amount_payable, amount_paid, cre_user_id) "
        "SELECT $1 || lpad(g::text, 6, '0'), 'SBA1234A', 'O', 'RD1', 70.00, 0, 'chaos' "
        "FROM generate_series(0, $2::int - 1) g",
        {prefix, n});
    if (!eocms) throw std::runtime_error("fixture internet-zone notices refused: " + eocms.error().message);
    return std::unique_ptr<NoticePool>(new NoticePool(prefix, count));
}

std::string NoticePool::number(int i) const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06d", i);
    return prefix_ + buf;
}

std::optional<std::vector<std::string>> NoticePool::take(int n) {
    std::lock_guard lk(mu_);
    if (next_ + n > made_) return std::nullopt;
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(number(next_++));
    return out;
}

int NoticePool::used() const {
    std::lock_guard lk(mu_);
    return next_;
}

}  // namespace ocms::chaos
