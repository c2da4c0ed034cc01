#pragma once
// Random identifiers: UUID v4 text for command ids, request ids and trace ids.
#include <string>

namespace ocms {
std::string new_uuid();
}
