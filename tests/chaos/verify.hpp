#pragma once
// The verdict of a chaos run, from the ledger (what each caller was told) and from PostgreSQL
// (what the workers did), after the load stopped, every pending answer was fetched and the
// workers' group caught up:
//   - every accepted command applied exactly once: one suspension record per accepted TS, one
//     revival per accepted revival, one inbox row per accepted command, no command applied twice
//     (audit), no sr_no twice;
//   - nothing not accepted (connection refused, "could not be queued") changed anything;
//   - a request cut by the edge's kill was applied all-or-nothing per notice, as its inbox says;
//   - every answer final (no pending left), every code the one a fresh notice gets;
//   - no dead letter, no parked notice.
// The counts go into a table the runner prints; each failed expectation is a line of failures.
#include "fixtures.hpp"
#include "ledger.hpp"

#include <string>
#include <vector>

namespace ocms::chaos {

struct Row {
    std::string what;
    std::string value;
    std::string expected;  // "" when the row is a figure, not an expectation
    bool ok = true;
};

struct Verdict {
    std::vector<Row> rows;
    std::vector<std::string> failures;  // one line per failed expectation (examples listed)
    void expect(std::string what, long long value, long long expected, std::string note = "");
    void figure(std::string what, std::string value);
    bool passed() const { return failures.empty(); }
};

// Reads the database as the read-only role; adds rows and failures to v.
void verify_effects(const std::vector<RequestRecord>& records, const NoticePool& pool, Verdict& v);

}  // namespace ocms::chaos
