// The report is read back with a real reader (openpyxl). A missing python3 or openpyxl is a
// failure, not a skip: infra/lib.sh installs python3-openpyxl on every machine.
#include "reports/change_stage_xlsx.hpp"

#include "json/json.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ocms;
using namespace ocms::reports;

namespace {

class TempDir {
public:
    TempDir() {
        std::string t = (fs::temp_directory_path() / "ocms-xlsx-test-XXXXXX").string();
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

// Prints {"sheets": [...], "rows": [[value...]...], "types": [[data_type...]...],
// "formula_elements": n} for the first sheet; n counts <f> elements in every sheet's XML.
constexpr const char* kReader = R"PY(
import json, sys, zipfile
import openpyxl
path = sys.argv[1]
wb = openpyxl.load_workbook(path)
ws = wb.worksheets[0]
rows, types = [], []
for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
    rows.append([c.value for c in row])
    types.append([c.data_type for c in row])
formulas = 0
with zipfile.ZipFile(path) as z:
    for name in z.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            formulas += z.read(name).count(b"<f>") + z.read(name).count(b"<f ")
print(json.dumps({"sheets": wb.sheetnames, "rows": rows, "types": types, "formula_elements": formulas}))
)PY";

struct Sheet {
    std::vector<std::string> sheets;
    std::vector<std::vector<std::optional<std::string>>> cells;  // numbers as their text
    std::vector<std::vector<std::string>> types;
    long formula_elements = -1;

    std::optional<std::string> at(int row, int col) const {
        if (row < 0 || std::size_t(row) >= cells.size() || std::size_t(col) >= cells[row].size()) return std::nullopt;
        return cells[row][col];
    }
    std::string text(int row, int col) const { return at(row, col).value_or("<none>"); }
};

// Writes the bytes to a file and reads it with openpyxl; a test failure if that is not possible.
std::optional<Sheet> read_with_openpyxl(const std::string& bytes) {
    TempDir dir;
    fs::path xlsx = dir.path() / "report.xlsx";
    fs::path script = dir.path() / "read.py";
    std::ofstream(xlsx, std::ios::binary) << bytes;
    std::ofstream(script) << kReader;
    std::string cmd = std::string(OCMS_TEST_PYTHON3) + " '" + script.string() + "' '" + xlsx.string() + "' 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) {
        ADD_FAILURE() << "cannot run " << cmd;
        return std::nullopt;
    }
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = ::pclose(p);
    if (status != 0) {
        ADD_FAILURE() << OCMS_TEST_PYTHON3 << " with openpyxl could not read the report (is python3-openpyxl "
                      << "installed? infra/lib.sh ensure_packages installs it). Status " << status << ", output:\n"
                      << out;
        return std::nullopt;
    }
    auto doc = json::parse(out);
    if (!doc) {
        ADD_FAILURE() << "reader output is not JSON: " << doc.error() << "\n" << out;
        return std::nullopt;
    }
    Sheet s;
    for (const auto& v : (*doc)["sheets"].GetArray()) s.sheets.emplace_back(v.GetString());
    for (const auto& row : (*doc)["rows"].GetArray()) {
        auto& r = s.cells.emplace_back();
        for (const auto& v : row.GetArray()) {
            if (v.IsNull())
                r.emplace_back(std::nullopt);
            else if (v.IsString())
                r.emplace_back(std::string(v.GetString(), v.GetStringLength()));
            else
                r.emplace_back(json::to_string(v));
        }
    }
    for (const auto& row : (*doc)["types"].GetArray()) {
        auto& r = s.types.emplace_back();
        for (const auto& v : row.GetArray()) r.emplace_back(v.GetString());
    }
    s.formula_elements = (*doc)["formula_elements"].GetInt64();
    return s;
}

ChangeStageReportMeta meta() {
    return {"ChangeStageReport_20251220_093015_USER01_ab12cd.xlsx", "USER01",
            *parse_iso("2025-12-20T01:30:15Z"), "2f1c7a9e-8d1b-4b7e-9a51-3c2d1e0f9a77"};
}

std::vector<ChangeStageReportRow> sample_rows() {
    return {
        {"N-001", "DN1", "DN2", "UPDATED", "", "Stage changed successfully", "SUP", "Verified by AO"},
        {"N-002", "", "", "FAILED", "OCMS.CPS.NOT_FOUND", "VON not found", "", ""},
        {"N-003", "DN1", "DN2", "WARNING", "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY",
         "Notice No. N-003 has existing stage change update. Please confirm to proceed.", "", ""},
        {"N-004", "ROV", "RD1", "PENDING", "", "Queued", "", "=1+1"},
        {"N-005", "RD1", "RD2", "UPDATED", "", "+SUM(A1:A2)", "-2", "@cmd|' /C calc'!A0"},
        {"N-006", "DN2", "CFC", "UPDATED", "", "客户 – naïve ✓", "", "line1\nline2"},
    };
}

}  // namespace

TEST(ChangeStageXlsx, OpenpyxlReadsTheLayout) {
    auto bytes = render_change_stage_xlsx(meta(), sample_rows());
    ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
    ASSERT_TRUE(bytes->starts_with("PK"));  // a zip container
    auto s = read_with_openpyxl(*bytes);
    ASSERT_TRUE(s);

    EXPECT_EQ(s->sheets, std::vector<std::string>{std::string(kSheetName)});
    EXPECT_EQ(s->text(kTitleRow, 0), kReportTitle);
    EXPECT_EQ(s->text(kReportIdRow, 0), "Report ID");
    EXPECT_EQ(s->text(kReportIdRow, 1), meta().report_id);
    EXPECT_EQ(s->text(kGeneratedByRow, 0), "Generated By");
    EXPECT_EQ(s->text(kGeneratedByRow, 1), "USER01");
    EXPECT_EQ(s->text(kGeneratedAtRow, 0), "Generated At");
    EXPECT_EQ(s->text(kGeneratedAtRow, 1), "2025-12-20 09:30:15 (SGT, UTC+08:00)");  // Singapore time
    EXPECT_EQ(s->text(kRequestIdRow, 0), "Request ID");
    EXPECT_EQ(s->text(kRequestIdRow, 1), meta().request_id);

    // counts: Total 6, UPDATED 3, FAILED 1, WARNING 1, PENDING 1
    EXPECT_EQ(s->text(kCountsRow, 0), "Total");
    EXPECT_EQ(s->text(kCountsRow, 1), "6");
    const char* expect_counts[][2] = {{"UPDATED", "3"}, {"FAILED", "1"}, {"WARNING", "1"}, {"PENDING", "1"}};
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(s->text(kCountsRow, 2 + 2 * k), expect_counts[k][0]);
        EXPECT_EQ(s->text(kCountsRow, 3 + 2 * k), expect_counts[k][1]);
    }

    for (std::size_t c = 0; c < kTableColumns.size(); ++c) EXPECT_EQ(s->text(kTableHeaderRow, int(c)), kTableColumns[c]);
    EXPECT_EQ(std::vector<std::string>(kTableColumns.begin(), kTableColumns.end()),
              (std::vector<std::string>{"Notice No", "Previous Stage", "New Stage", "Outcome", "Code", "Message",
                                        "Reason", "Remarks"}));

    // one row per notice, in order, nothing after the last
    auto rows = sample_rows();
    ASSERT_EQ(s->cells.size(), std::size_t(kFirstDataRow) + rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        int r = kFirstDataRow + int(i);
        const auto& e = rows[i];
        const std::string* want[] = {&e.notice_no, &e.previous_stage, &e.new_stage, &e.outcome,
                                     &e.code,      &e.message,        &e.reason,    &e.remarks};
        for (int c = 0; c < 8; ++c) {
            if (want[c]->empty())
                EXPECT_FALSE(s->at(r, c).has_value()) << "row " << r << " col " << c;
            else
                EXPECT_EQ(s->text(r, c), *want[c]) << "row " << r << " col " << c;
        }
    }
}

TEST(ChangeStageXlsx, FormulaLikeValuesStayLiteralStrings) {
    auto bytes = render_change_stage_xlsx(meta(), sample_rows());
    ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
    auto s = read_with_openpyxl(*bytes);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->formula_elements, 0);
    int n4 = kFirstDataRow + 3, n5 = kFirstDataRow + 4;
    EXPECT_EQ(s->text(n4, 7), "=1+1");
    EXPECT_EQ(s->types[n4][7], "s");
    EXPECT_EQ(s->text(n5, 5), "+SUM(A1:A2)");
    EXPECT_EQ(s->types[n5][5], "s");
    EXPECT_EQ(s->text(n5, 6), "-2");  // text, not the number -2
    EXPECT_EQ(s->types[n5][6], "s");
    EXPECT_EQ(s->text(n5, 7), "@cmd|' /C calc'!A0");
    EXPECT_EQ(s->types[n5][7], "s");
    // even a notice number that looks like a formula or a number
    auto b2 = render_change_stage_xlsx(meta(), {{"=HYPERLINK(\"http://x\")", "", "", "FAILED", "", "", "", ""},
                                               {"0012345", "", "", "FAILED", "", "", "", ""}});
    ASSERT_TRUE(b2.has_value()) << b2.error().message;
    auto s2 = read_with_openpyxl(*b2);
    ASSERT_TRUE(s2);
    EXPECT_EQ(s2->formula_elements, 0);
    EXPECT_EQ(s2->text(kFirstDataRow, 0), "=HYPERLINK(\"http://x\")");
    EXPECT_EQ(s2->text(kFirstDataRow + 1, 0), "0012345");
    EXPECT_EQ(s2->types[kFirstDataRow + 1][0], "s");
}

TEST(ChangeStageXlsx, NoRowsStillMakesAReport) {
    auto bytes = render_change_stage_xlsx(meta(), {});
    ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
    auto s = read_with_openpyxl(*bytes);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->cells.size(), std::size_t(kFirstDataRow));
    EXPECT_EQ(s->text(kTableHeaderRow, 0), "Notice No");
    EXPECT_EQ(s->text(kCountsRow, 1), "0");
}

TEST(ChangeStageXlsx, BadUtf8AndControlCharactersStillOpen) {
    std::vector<ChangeStageReportRow> rows = {
        {"N-001", "", "", "FAILED", "", std::string("bad \xff\xfe utf8 \xc3", 13), "",
         std::string("ctl \x01\x02\x1b end\0nul", 15)},
        {"N-002", "", "", "SOMETHING_ELSE", "", std::string(40000, 'y'), "", ""},
    };
    auto bytes = render_change_stage_xlsx(meta(), rows);
    ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
    auto s = read_with_openpyxl(*bytes);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->text(kFirstDataRow, 5), "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8 \xEF\xBF\xBD");
    EXPECT_EQ(s->text(kFirstDataRow, 7), "ctl  endnul");
    EXPECT_EQ(s->text(kFirstDataRow + 1, 3), "SOMETHING_ELSE");
    EXPECT_EQ(s->text(kFirstDataRow + 1, 5), std::string(kMaxCellChars, 'y'));  // cut to Excel's cell limit
    EXPECT_EQ(s->text(kCountsRow, 1), "2");                                       // counted in Total only
    EXPECT_EQ(s->text(kCountsRow, 5), "1");                                       // FAILED
}

TEST(ChangeStageXlsx, TempFilesAreRemoved) {
    TempDir dir;
    auto bytes = render_change_stage_xlsx(meta(), sample_rows(), dir.path());
    ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ChangeStageXlsx, UnwritableTempDirIsAnErrorNotACrash) {
    TempDir dir;
    auto r = render_change_stage_xlsx(meta(), sample_rows(), dir.path() / "missing");
    ASSERT_FALSE(r.has_value());
    EXPECT_FALSE(r.error().message.empty());
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ChangeStageXlsx, ReportTimeIsSingaporeLocal) {
    EXPECT_EQ(format_report_time(*parse_iso("2025-12-19T16:00:00Z")), "2025-12-20 00:00:00 (SGT, UTC+08:00)");
}

// Issue 15: a temp directory that does not exist is the file system's permanent refusal (ENOENT).
TEST(ChangeStageXlsx, ErrorsSayCodeAndKind) {
    TempDir dir;
    auto r = render_change_stage_xlsx(meta(), sample_rows(), dir.path() / "missing");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, codes::kInternal);
    EXPECT_EQ(r.error().kind, FaultKind::permanent) << r.error().message;
    EXPECT_NE(r.error().message.find("cannot create a temp file in"), std::string::npos) << r.error().message;
    auto built = render_change_stage_xlsx(meta(), sample_rows(), dir.path());
    ASSERT_TRUE(built.has_value()) << built.error().message;
    EXPECT_TRUE(built->starts_with("PK"));  // a zip
}
