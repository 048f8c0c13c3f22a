// Placeholder dispatcher; the real command table replaces it.
#include "app/cli/cli.h"

#include <ostream>

namespace scorelab::cli {

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  (void)args;
  (void)err;
  out << "scorelab: no commands yet\n";
  return 0;
}

}  // namespace scorelab::cli
