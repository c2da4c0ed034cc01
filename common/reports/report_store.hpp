#pragma once
// Where change-stage reports live (spec 003 2.3-2.5): named immutable blobs.
//
// A report id is the only name a caller (ultimately an HTTP path parameter) can give, so it can
// never reach outside the store: valid_report_id accepts exactly the shape new_report_id makes
// (no slash, no dot, no NUL, bounded length) and every store refuses any other id.
//
// The filesystem back-end is the default; a blob store (Azure Blob) can take over behind the
// same interface. Implementations are thread-safe: a store holds no mutable state, and put's
// "create, never replace" is atomic in the back-end itself (two saves of one id: one wins).
#include "core/error.hpp"
#include "core/time.hpp"

#include <cstddef>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ocms::reports {

// Reports are small (a few hundred rows); anything bigger is refused by save and by load.
inline constexpr std::size_t kMaxReportBytes = 20u * 1024 * 1024;
// "ChangeStageReport_" yyyyMMdd "_" HHmmss "_" user{1,20} "_" random{6} ".xlsx"
inline constexpr std::string_view kReportIdPrefix = "ChangeStageReport_";
inline constexpr std::string_view kReportIdSuffix = ".xlsx";
inline constexpr std::size_t kReportUserMax = 20;
inline constexpr std::size_t kReportRandomLen = 6;
inline constexpr std::size_t kReportIdMax = kReportIdPrefix.size() + 8 + 1 + 6 + 1 + kReportUserMax + 1 +
                                            kReportRandomLen + kReportIdSuffix.size();  // 66

// Errors are OCMS-5000 (a report is stored or read for the caller, never by it): permanent for
// an invalid id, an id that exists, too many bytes or a file that is not a report; the kind
// classify_errno gives for a failed file system call (a full disk is transient, a refused
// permission permanent).
class ReportStore {
public:
    virtual ~ReportStore() = default;
    // Stores bytes under report_id. Refuses an invalid id, an id that already exists (reports are
    // immutable) and more than kMaxReportBytes.
    virtual Result<void> save(const std::string& report_id, std::string_view bytes) = 0;
    // The bytes of report_id; nullopt when there is no such report or the id is invalid.
    virtual Result<std::optional<std::string>> load(const std::string& report_id) const = 0;

};

// True only for the exact shape new_report_id makes.
bool valid_report_id(std::string_view id);

// The user part of a report id: ASCII letters and digits of generated_by, at most 20, "SYSTEM"
// when none is left.
std::string report_id_user_part(std::string_view generated_by);

// "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx": now in Singapore local time, the
// sanitised user, 6 random [a-z0-9]. Always passes valid_report_id.
std::string new_report_id(TimePoint now, std::string_view generated_by);

// One file per report in dir (created on the first save, 0750). save writes a temp file in dir
// (".tmp-...", never a valid id, so load cannot see it), fsyncs it and link()s it to its name:
// link fails if the name exists, so a report is never overwritten, even by a concurrent save;
// files are 0640. load opens with O_NOFOLLOW and reads only regular files.
class FsReportStore final : public ReportStore {
public:
    explicit FsReportStore(std::filesystem::path dir);

    Result<void> save(const std::string& report_id, std::string_view bytes) override;
    Result<std::optional<std::string>> load(const std::string& report_id) const override;

    const std::filesystem::path& dir() const { return dir_; }

private:
    const std::filesystem::path dir_;
};

}  // namespace ocms::reports
