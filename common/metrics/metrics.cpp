#include "metrics/metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace ocms::metrics {

void Gauge::add(double d) {
    double cur = v_.load(std::memory_order_relaxed);
    while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
    }
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
    auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
    buckets_[std::size_t(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    double cur = sum_.load(std::memory_order_relaxed);
    while (!sum_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
    }
}

std::vector<std::uint64_t> Histogram::cumulative() const {
    std::vector<std::uint64_t> out(bounds_.size() + 1);
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        acc += buckets_[i].load(std::memory_order_relaxed);
        out[i] = acc;
    }
    return out;
}

std::vector<double> latency_buckets() {
    return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, Type t) {
    auto [it, inserted] = families_.try_emplace(name);
    if (inserted) {
        it->second.type = t;
        it->second.help = help;
    } else if (it->second.type != t) {
        throw std::logic_error("metric " + name + " registered with two types");
    }
    return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard lk(mu_);
    auto& f = family(name, help, Type::counter);
    auto& p = f.counters[labels];
    if (!p) p = std::make_unique<Counter>();
    return *p;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard lk(mu_);
    auto& f = family(name, help, Type::gauge);
    auto& p = f.gauges[labels];
    if (!p) p = std::make_unique<Gauge>();
    return *p;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const std::string& labels,
                               std::vector<double> bounds) {
    std::lock_guard lk(mu_);
    auto& f = family(name, help, Type::histogram);
    auto& p = f.histograms[labels];
    if (!p) p = std::make_unique<Histogram>(std::move(bounds));
    return *p;
}

namespace {
std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}
std::string braces(const std::string& labels, const std::string& extra = "") {
    std::string all = labels;
    if (!extra.empty()) all = all.empty() ? extra : all + "," + extra;
    return all.empty() ? "" : "{" + all + "}";
}
}  // namespace

std::string Registry::render() const {
    std::lock_guard lk(mu_);
    std::string out;
    for (const auto& [name, f] : families_) {
        out += "# HELP " + name + " " + f.help + "\n";
        switch (f.type) {
            case Type::counter:
                out += "# TYPE " + name + " counter\n";
                for (const auto& [l, c] : f.counters) out += name + braces(l) + " " + std::to_string(c->value()) + "\n";
                break;
            case Type::gauge:
                out += "# TYPE " + name + " gauge\n";
                for (const auto& [l, g] : f.gauges) out += name + braces(l) + " " + num(g->value()) + "\n";
                break;
            case Type::histogram:
                out += "# TYPE " + name + " histogram\n";
                for (const auto& [l, h] : f.histograms) {
                    auto cum = h->cumulative();
                    for (std::size_t i = 0; i < h->bounds().size(); ++i)
                        out += name + "_bucket" + braces(l, "le=\"" + num(h->bounds()[i]) + "\"") + " " +
                               std::to_string(cum[i]) + "\n";
                    out += name + "_bucket" + braces(l, "le=\"+Inf\"") + " " + std::to_string(cum.back()) + "\n";
                    out += name + "_sum" + braces(l) + " " + num(h->sum()) + "\n";
                    out += name + "_count" + braces(l) + " " + std::to_string(h->count()) + "\n";
                }
                break;
        }
    }
    return out;
}

std::string label_value(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

}  // namespace ocms::metrics
