// The one error type (common/core/error.hpp): how an Error is made, its kind, classify_errno and
// the transitional string form.
#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace ocms {
namespace {

TEST(Error, AggregateInitialisationKeepsWorkingAndIsPermanent) {
    Error e{codes::kBadRequest, "noticeNo is required"};
    EXPECT_EQ(e.code, codes::kBadRequest);
    EXPECT_EQ(e.message, "noticeNo is required");
    EXPECT_EQ(e.kind, FaultKind::permanent);
    EXPECT_FALSE(e.retriable());
    auto r = fail(codes::kNotFound, "no such notice");
    EXPECT_EQ(r.error().kind, FaultKind::permanent);
}

TEST(Error, NamedConstructorsSayTheKind) {
    EXPECT_EQ(Error::transient(codes::kInternal, "x").kind, FaultKind::transient);
    EXPECT_TRUE(Error::transient(codes::kInternal, "x").retriable());
    EXPECT_EQ(Error::permanent(codes::kInternal, "x").kind, FaultKind::permanent);
    EXPECT_EQ(Error::fatal(codes::kInternal, "x").kind, FaultKind::fatal);
    Error c = Error::client(codes::kBadRequest, "a reason is required");
    EXPECT_EQ(c.kind, FaultKind::client);
    EXPECT_FALSE(c.retriable());  // the caller's fault: never retried
    EXPECT_EQ(c.code, codes::kBadRequest);
    EXPECT_EQ(c.message, "a reason is required");
    Result<int> failed = fail(Error::transient(codes::kInternal, "later"));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().kind, FaultKind::transient);
}

TEST(Error, ClassifyErrno) {
    for (int e : {ENOSPC, EDQUOT, EIO, EAGAIN, EINTR, EBUSY, ENOMEM, EMFILE, ENFILE, ETIMEDOUT})
        EXPECT_EQ(classify_errno(e), FaultKind::transient) << e;
    for (int e : {EACCES, EPERM, EROFS, ENOENT, ENOTDIR, EEXIST, EINVAL, ELOOP})
        EXPECT_EQ(classify_errno(e), FaultKind::permanent) << e;
}

TEST(Error, InContextPutsWhatWasBeingDoneFirstAndKeepsCodeAndKind) {
    Error e = Error::transient(codes::kInternal, "connection refused");
    Error c = std::move(e).in_context("database: ");
    EXPECT_EQ(c.message, "database: connection refused");
    EXPECT_EQ(c.code, codes::kInternal);
    EXPECT_EQ(c.kind, FaultKind::transient);
}

}  // namespace
}  // namespace ocms
