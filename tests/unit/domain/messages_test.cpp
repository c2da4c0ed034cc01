// The code catalogue (common/domain/messages.tsv): what a reader of docs/api.md sees is what the
// code answers, and the stage module's reason table agrees with the catalogue's appCodes.
#include "domain/messages.hpp"
#include "domain/stage.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace ocms::domain {
namespace {

std::string api_doc() {
    std::ifstream in(OCMS_API_DOC);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(CodeCatalogue, EveryRowIsListedInTheApiDocument) {
    const std::string doc = api_doc();
    ASSERT_FALSE(doc.empty()) << OCMS_API_DOC;
    for (const Message& m : kMessages) {
        const std::string row = "| " + std::string(m.code.str()) + " | " + std::string(m.text) + " | " + std::string(m.spec) + " |";
        EXPECT_NE(doc.find(row), std::string::npos) << "docs/api.md lacks the row " << row;
    }
}

TEST(CodeCatalogue, EveryRowHasWordsAndASpecAndNoWordsTwice) {
    std::set<std::string> seen;
    for (const Message& m : kMessages) {
        EXPECT_FALSE(m.text.empty());
        EXPECT_FALSE(m.spec.empty()) << m.text;
        EXPECT_EQ(m.text, std::string(m.text).substr(m.text.find_first_not_of(' '))) << "leading blank: " << m.text;
        // Same words with the same code twice would be one message written twice.
        EXPECT_TRUE(seen.insert(std::string(m.code.str()) + " " + std::string(m.text)).second) << m.text;
    }
}

TEST(CodeCatalogue, ConvertAndCompareAsTheirWords) {
    EXPECT_EQ(std::string(ts_message::kPaid), "TS cannot be applied to paid notices");
    EXPECT_EQ(ts_message::kPaid.code, AppCode{"OCMS-4003"});
    EXPECT_TRUE(std::string("Invalid Notice Number") == revival_message::kNoticeNotFound);
    EXPECT_FALSE(std::string("Notice not found") == revival_message::kNoticeNotFound);
}

// The stage module answers a refusal with the reason table's appCode and the catalogue's words:
// both must name the same code for the reasons whose words are fixed.
TEST(CodeCatalogue, StageReasonsAgreeWithTheCatalogue) {
    EXPECT_EQ(reason_app_code(StageReason::not_found), stage_message::kNotFound.code);
    EXPECT_EQ(reason_app_code(StageReason::court_stage), stage_message::kCourtStage.code);
    EXPECT_EQ(reason_app_code(StageReason::ps_blocked), stage_message::kPsBlocked.code);
    EXPECT_EQ(reason_app_code(StageReason::role_conflict), stage_message::kRoleConflict.code);
    EXPECT_EQ(reason_app_code(StageReason::remarks_required), stage_message::kRemarksRequired.code);
}

}  // namespace
}  // namespace ocms::domain
