#include "core/config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocms::config {

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

std::string env_or(const char* name, std::string fallback) { return env(name).value_or(std::move(fallback)); }

long long env_int(const char* name, long long fallback) {
    auto v = env(name);
    if (!v) return fallback;
    try {
        std::size_t used = 0;
        long long n = std::stoll(*v, &used);
        if (used != v->size()) throw std::invalid_argument("trailing characters");
        return n;
    } catch (const std::exception&) {
        throw std::runtime_error(std::string("setting ") + name + " is not a whole number: " + *v);
    }
}

std::string env_required(const char* name) {
    auto v = env(name);
    if (!v) throw std::runtime_error(std::string("setting ") + name + " is required");
    return *v;
}

std::string read_secret_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read secret file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    return s;
}

}  // namespace ocms::config
