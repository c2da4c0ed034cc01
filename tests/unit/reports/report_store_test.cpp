#include "reports/report_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace ocms;
using namespace ocms::reports;

namespace {

// 2025-12-20 09:30:15 Singapore = 01:30:15 UTC
TimePoint at_0930_sgt() { return *parse_iso("2025-12-20T09:30:15.250+08:00"); }

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string t = (fs::temp_directory_path() / "ocms-reports-test-XXXXXX").string();
        path_ = ::mkdtemp(t.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) out.insert(fs::relative(e.path(), dir).string());
    return out;
}

const std::string kId = "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx";

}  // namespace

TEST(ReportId, NewIdHasTheDocumentedShapeInSingaporeTime) {
    std::string id = new_report_id(at_0930_sgt(), "USER01");
    ASSERT_EQ(id.size(), std::string("ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx").size()) << id;
    EXPECT_TRUE(id.starts_with("ChangeStageReport_20251220_093015_USER01_")) << id;
    EXPECT_TRUE(id.ends_with(".xlsx"));
    EXPECT_TRUE(valid_report_id(id)) << id;
}

TEST(ReportId, SingaporeDayNotUtcDay) {
    // 2025-12-19T17:00:00Z is 2025-12-20 01:00 in Singapore
    std::string id = new_report_id(*parse_iso("2025-12-19T17:00:00Z"), "u");
    EXPECT_TRUE(id.starts_with("ChangeStageReport_20251220_010000_u_")) << id;
}

TEST(ReportId, NewIdsDiffer) {
    std::set<std::string> ids;
    for (int i = 0; i < 200; ++i) ids.insert(new_report_id(at_0930_sgt(), "USER01"));
    EXPECT_EQ(ids.size(), 200u);
}

TEST(ReportId, UserPartIsSanitised) {
    EXPECT_EQ(report_id_user_part("USER01"), "USER01");
    EXPECT_EQ(report_id_user_part("../../etc/passwd"), "etcpasswd");
    EXPECT_EQ(report_id_user_part("ann.lee@agency.gov.sg"), "annleeagencygovsg");
    EXPECT_EQ(report_id_user_part(""), "SYSTEM");
    EXPECT_EQ(report_id_user_part("._/-\\"), "SYSTEM");
    EXPECT_EQ(report_id_user_part(std::string("a\0b", 3)), "ab");
    EXPECT_EQ(report_id_user_part("Zoë_Ng"), "ZoNg");  // non-ASCII bytes are dropped
    EXPECT_EQ(report_id_user_part(std::string(50, 'x')), std::string(20, 'x'));
    for (std::string_view who : {"", "../x", "a/b\\c", "ann.lee@agency.gov.sg", "Zoë", "0123456789012345678901234"})
        EXPECT_TRUE(valid_report_id(new_report_id(at_0930_sgt(), who))) << who;
}

TEST(ReportId, AcceptsOnlyTheExactShape) {
    EXPECT_TRUE(valid_report_id(kId));
    EXPECT_TRUE(valid_report_id("ChangeStageReport_20251220_093015_SYSTEM_000000.xlsx"));
    EXPECT_TRUE(valid_report_id("ChangeStageReport_20251220_093015_" + std::string(20, 'A') + "_zzzzzz.xlsx"));

    const std::vector<std::string> bad = {
        "",
        "../x",
        "/etc/passwd",
        "..",
        ".",
        "ChangeStageReport_20251220.xlsx",  // the spec's example shape is not ours
        "ChangeStageReport_20251220_USER01.xlsx",
        "../ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx/..",
        "x/ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_US/R01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_US\\R01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_US..R01_ab12cd.xlsx",
        std::string("ChangeStageReport_20251220_093015_US\0R01_ab12cd.xlsx", 52),
        kId + std::string("\0", 1),
        "ChangeStageReport_20251220_093015_" + std::string(21, 'A') + "_zzzzzz.xlsx",  // user too long
        "ChangeStageReport_20251220_093015_" + std::string(5000, 'A') + "_zzzzzz.xlsx",
        "ChangeStageReport_20251220_093015__ab12cd.xlsx",         // empty user
        "ChangeStageReport_20251220_093015_USER_01_ab12cd.xlsx",  // '_' in the user part
        "ChangeStageReport_20251220_093015_USER01_AB12CD.xlsx",   // random part is lower case
        "ChangeStageReport_20251220_093015_USER01_ab12c.xlsx",    // random part too short
        "ChangeStageReport_20251220_093015_USER01_ab12cde.xlsx",  // random part too long
        "ChangeStageReport_2025122a_093015_USER01_ab12cd.xlsx",
        "ChangeStageReport_20251220-093015_USER01_ab12cd.xlsx",
        "ChangeStageReport_20251220_09301_USER01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xls",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsm",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.csv",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.XLSX",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx.tmp",
        "ChangeStageReport_20251220_093015_USER01_ab12cd",
        ".tmp-ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx-Ab3dEf",
        " ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx",
        "changestagereport_20251220_093015_USER01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_USËR_ab12cd.xlsx",
        // issue 7: what an HTTP path can carry (the edge does not percent-decode; nothing here may
        // name a file, and nothing may reach the Content-Disposition header the download sets)
        "..%2F..%2Focms.env",
        "%2e%2e%2fChangeStageReport_20251220_093015_USER01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_US%2FR01_ab12cd.xlsx",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx%00",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx\r\nX-Injected: 1",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx\"",
        "ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx;",
        "ChangeStageReport_20251220_093015_\xef\xbc\xb5SER01_ab12cd.xlsx",  // fullwidth U
        "ChangeStageReport_20251220_093015_USER01_ab12cd\xc0\xae\xc0\xaexlsx",  // overlong '.'
    };
    for (const auto& id : bad) EXPECT_FALSE(valid_report_id(id)) << "accepted: " << id;
}

TEST(FsReportStore, PutThenGetRoundTrip) {
    TempDir tmp;
    FsReportStore store{tmp.path() / "reports"};  // created on the first put
    std::string bytes("PK\x03\x04 binary \0 bytes \xff", 22);
    ASSERT_TRUE(store.save(kId, bytes).has_value());
    auto got = store.load(kId);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, bytes);

    struct stat st {};
    ASSERT_EQ(::stat((tmp.path() / "reports" / kId).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    ASSERT_EQ(::stat((tmp.path() / "reports").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0750u);
    EXPECT_EQ(names_in(tmp.path() / "reports"), std::set<std::string>{kId});  // no temp file left
}

TEST(FsReportStore, EmptyReportRoundTrips) {
    TempDir tmp;
    FsReportStore store{tmp.path()};
    ASSERT_TRUE(store.save(kId, "").has_value());
    auto got = store.load(kId);
    ASSERT_TRUE(got.has_value() && got->has_value());
    EXPECT_EQ(**got, "");
}

TEST(FsReportStore, GetOfUnknownOrInvalidIdIsNullopt) {
    TempDir tmp;
    FsReportStore store{tmp.path()};
    auto unknown = store.load(kId);
    ASSERT_TRUE(unknown.has_value()) << unknown.error().message;
    EXPECT_FALSE(unknown->has_value());

    // the directory does not exist yet either
    FsReportStore missing{tmp.path() / "nowhere"};
    auto none = missing.load(kId);
    ASSERT_TRUE(none.has_value()) << none.error().message;
    EXPECT_FALSE(none->has_value());

    // a file next to the store exists, but an id that climbs out never reaches it
    { std::ofstream(tmp.path() / "secret.txt") << "secret"; }
    fs::create_directories(tmp.path() / "store");
    FsReportStore inner{tmp.path() / "store"};
    for (std::string id : {"../secret.txt", "/etc/passwd", "..", ""}) {
        auto r = inner.load(id);
        ASSERT_TRUE(r.has_value()) << id;
        EXPECT_FALSE(r->has_value()) << id;
    }
}

TEST(FsReportStore, PutOfInvalidIdIsRefusedAndWritesNothing) {
    TempDir tmp;
    fs::create_directories(tmp.path() / "store");
    FsReportStore store{tmp.path() / "store"};
    for (std::string id : {"../escape.xlsx", "../ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx",
                           "/tmp/ocms-escape.xlsx", "sub/ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx",
                           "", "..", "ChangeStageReport_20251220.xlsx"}) {
        auto r = store.save(id, "x");
        EXPECT_FALSE(r.has_value()) << id;
    }
    EXPECT_EQ(names_in(tmp.path()), std::set<std::string>{"store"});
    EXPECT_FALSE(fs::exists("/tmp/ocms-escape.xlsx"));
}

TEST(FsReportStore, NeverOverwrites) {
    TempDir tmp;
    FsReportStore store{tmp.path()};
    ASSERT_TRUE(store.save(kId, "first").has_value());
    auto again = store.save(kId, "second");
    ASSERT_FALSE(again.has_value());
    EXPECT_NE(again.error().message.find("already exists"), std::string::npos) << again.error().message;
    EXPECT_EQ(**store.load(kId), "first");
    EXPECT_EQ(names_in(tmp.path()), std::set<std::string>{kId});
}

TEST(FsReportStore, ConcurrentPutsOfOneIdOneWins) {
    TempDir tmp;
    FsReportStore store{tmp.path()};
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            if (store.save(kId, "writer " + std::to_string(i))) ++wins;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_TRUE((**store.load(kId)).starts_with("writer "));
    EXPECT_EQ(names_in(tmp.path()), std::set<std::string>{kId});
}

TEST(FsReportStore, RefusesTooBigReports) {
    TempDir tmp;
    FsReportStore store{tmp.path()};
    EXPECT_FALSE(store.save(kId, std::string(kMaxReportBytes + 1, 'x')).has_value());
    EXPECT_TRUE(names_in(tmp.path()).empty());
    // a file grown over the limit behind the store's back is an error, not a truncated read
    { std::ofstream(tmp.path() / kId, std::ios::binary) << std::string(kMaxReportBytes + 1, 'x'); }
    EXPECT_FALSE(store.load(kId).has_value());
}

TEST(FsReportStore, DoesNotFollowASymlink) {
    TempDir tmp;
    { std::ofstream(tmp.path() / "outside") << "outside"; }
    fs::create_directories(tmp.path() / "store");
    fs::create_symlink(tmp.path() / "outside", tmp.path() / "store" / kId);
    FsReportStore store{tmp.path() / "store"};
    auto r = store.load(kId);
    EXPECT_FALSE(r.has_value() && r->has_value());
}

// Issue 15: the store's errors are Errors of a kind; put/get (transitional) give the same text.
TEST(FsReportStore, ErrorsSayCodeAndKind) {
    TempDir tmp;
    FsReportStore store{tmp.path()};
    auto invalid = store.save("../x.xlsx", "x");
    ASSERT_FALSE(invalid.has_value());
    EXPECT_EQ(invalid.error().code, codes::kInternal);
    EXPECT_EQ(invalid.error().kind, FaultKind::permanent);
    EXPECT_EQ(invalid.error().message, "invalid report id");

    ASSERT_TRUE(store.save(kId, "first").has_value());
    auto again = store.save(kId, "second");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, FaultKind::permanent);  // reports are immutable: asking again cannot help

    // a file where the store's directory should be: the file system refuses, for good
    { std::ofstream(tmp.path() / "blocked") << "a file"; }
    FsReportStore blocked{tmp.path() / "blocked" / "reports"};
    auto refused = blocked.save(kId, "x");
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, FaultKind::permanent) << refused.error().message;
    EXPECT_NE(refused.error().message.find("cannot create the report directory"), std::string::npos)
        << refused.error().message;
}

TEST(FsReportStore, ASecondSaveThroughTheInterfaceSaysTheReportExists) {
    TempDir tmp;
    FsReportStore store{tmp.path()};
    ReportStore& any = store;
    ASSERT_TRUE(any.save(kId, "first").has_value());
    auto again = any.save(kId, "second");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().message, "report " + kId + " already exists");
    auto got = any.load(kId);
    ASSERT_TRUE(got.has_value() && got->has_value());
    EXPECT_EQ(**got, "first");
}
