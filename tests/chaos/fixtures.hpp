#pragma once
// Fresh fixture notices for one chaos run: "<prefix><6 digits>", stage RD1, unpaid, no
// suspension, with their internet-zone copies, made in one statement per table as the owner role
// (tests/support's make_notices makes them one by one; a run needs tens of thousands). The prefix
// is new for each run, so every count of the verification is over this run's notices only.
//
// Threading: take() and the counters may be called from any thread.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ocms::chaos {

class NoticePool {
public:
    // Makes count notices (at most 1,000,000) under a prefix no notice has yet; throws when the
    // database refuses.
    static std::unique_ptr<NoticePool> make(int count);

    // The next n unused notices; nullopt when fewer are left.
    std::optional<std::vector<std::string>> take(int n);
    const std::string& prefix() const { return prefix_; }
    std::string like() const { return prefix_ + "%"; }
    int made() const { return made_; }
    int used() const;

private:
    NoticePool(std::string prefix, int made) : prefix_(std::move(prefix)), made_(made) {}
    std::string number(int i) const;
    const std::string prefix_;
    const int made_;
    mutable std::mutex mu_;
    int next_ = 0;
};

}  // namespace ocms::chaos
