// The librarian's commands of citego-index: --update, --delete, --delete-from, --stats, --rollback.
#pragma once

#include <boost/program_options.hpp>

namespace citego {

// The options of those commands, added to citego-index's.
void add_librarian_options(boost::program_options::options_description& options);
// Whether the command line asks for one of them.
bool is_librarian_command(const boost::program_options::variables_map& vm);
// Runs it; returns the exit status (0 done, 1 refused or failed with the database unchanged, 2 usage).
int run_librarian_command(const boost::program_options::variables_map& vm);

}  // namespace citego
