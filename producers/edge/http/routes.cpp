#include "routes.hpp"

#include "cas/deps.hpp"
#include "ops/deps.hpp"
#include "outcome/deps.hpp"
#include "reads/deps.hpp"
#include "revival/deps.hpp"
#include "stage/deps.hpp"
#include "suspension/deps.hpp"

#include <iterator>

namespace ocms::edge {

std::vector<Route> routes(const FeatureDeps& deps) {
    std::vector<Route> table;
    auto add = [&table](std::vector<Route> rows) {
        table.insert(table.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    };
    add(suspension::routes(deps.suspension));
    add(request_outcome::routes(deps.request_outcome));
    add(reads::routes(deps.reads));
    add(revival::routes(deps.revival));
    add(stage::routes(deps.stage));
    add(cas::routes(deps.cas));
    add(ops::routes(deps.ops));
    return table;
}

}  // namespace ocms::edge
