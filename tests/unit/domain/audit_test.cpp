// Who a write is recorded as (domain/audit.hpp; docs/decisions.md "Audit users").
#include "domain/audit.hpp"
#include "domain/suspension.hpp"

#include <gtest/gtest.h>

namespace ocms::domain {
namespace {

TEST(AuditUser, PlusWritesAsTheInternetZoneEveryOtherCallerAsTheIntranet) {
    EXPECT_EQ(audit_user_of(source::kPlus), "ocmsez_app_conn");
    EXPECT_EQ(audit_user_of(source::kStaffPortal), "ocmsiz_app_conn");
    EXPECT_EQ(audit_user_of(source::kOcms), "ocmsiz_app_conn");
    EXPECT_EQ(audit_user_of("SOMETHING_ELSE"), audit_user::kIntranet);
}

TEST(ProcessIndicator, AnOcmsProcessIsAutoAPersonIsManual) {
    EXPECT_EQ(process_indicator_of(source::kOcms), "auto");
    EXPECT_EQ(process_indicator_of(source::kStaffPortal), "manual");
    EXPECT_EQ(process_indicator_of(source::kPlus), "manual");
}

}  // namespace
}  // namespace ocms::domain
