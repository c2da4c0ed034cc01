#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

namespace ocms::metrics {
namespace {

TEST(Metrics, RendersPrometheusText) {
    Registry r;
    r.counter("ocms_x_total", "Things", "route=\"/v1/a\"").inc(3);
    r.gauge("ocms_lag", "Lag").set(7);
    auto& h = r.histogram("ocms_seconds", "Time", "route=\"/v1/a\"", {0.1, 1});
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    auto text = r.render();
    EXPECT_NE(text.find("# TYPE ocms_x_total counter\nocms_x_total{route=\"/v1/a\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("ocms_lag 7\n"), std::string::npos);
    EXPECT_NE(text.find("ocms_seconds_bucket{route=\"/v1/a\",le=\"0.10000000000000001\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("ocms_seconds_bucket{route=\"/v1/a\",le=\"1\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("ocms_seconds_bucket{route=\"/v1/a\",le=\"+Inf\"} 3\n"), std::string::npos);
    EXPECT_NE(text.find("ocms_seconds_count{route=\"/v1/a\"} 3\n"), std::string::npos);
}

TEST(Metrics, SameNameSameMetricAndTypesDoNotMix) {
    Registry r;
    auto& a = r.counter("c_total", "C");
    auto& b = r.counter("c_total", "C");
    EXPECT_EQ(&a, &b);
    EXPECT_THROW(r.gauge("c_total", "C"), std::logic_error);
    EXPECT_EQ(label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace ocms::metrics
