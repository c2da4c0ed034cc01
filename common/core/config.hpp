#pragma once
// Settings come from the environment (DESIGN.md: secrets only from config or environment).
// Each binary reads its settings once at start into an immutable struct shared as
// std::shared_ptr<const ...>; these helpers are the only place that calls getenv.
#include <optional>
#include <string>

namespace ocms::config {

std::optional<std::string> env(const char* name);
std::string env_or(const char* name, std::string fallback);
long long env_int(const char* name, long long fallback);
// Throws std::runtime_error naming the variable when it is missing (start-up only).
std::string env_required(const char* name);
// Contents of a file with trailing white space stripped; throws when unreadable.
std::string read_secret_file(const std::string& path);

}  // namespace ocms::config
