// Reading one input of citego-index: all its bytes, from one descriptor, in one pass.
//
// Used by build_index (index_builder.h) in each of its passes, and by read_export_file (export_reader.h). What could
// block forever or act when opened (a named pipe, a device, a socket) is refused before it is opened; a pipe that
// the shell hands over (<(command), /dev/stdin) is read to its end once, like a file; a read error is reported with
// the system's reason, naming the file.
#pragma once

#include <optional>
#include <string>

#include "citego/export_reader.h"

namespace citego {

struct InputBytes {
  std::string bytes;
  bool pipe = false;                // read from a pipe: it cannot be read again
  std::optional<Diagnostic> error;  // set when nothing could be read (then `bytes` is empty)
};

// Reads the whole of `path`. A path that is not a regular file or a pipe gives an error naming it: "is a named pipe
// (FIFO) …", "is a device …", "is a socket …", "is a folder …", "is a symbolic link to "X", which does not exist",
// or "cannot read: <the system's reason>" (such as "Too many levels of symbolic links", "Permission denied",
// "Input/output error").
InputBytes read_input(const std::string& path);

// Why `path` cannot be reached, after stat(2) failed on it with `error` (an errno value): the dangling link message
// of read_input, or "cannot read: <reason>".
std::string unreachable_reason(const std::string& path, int error);

}  // namespace citego
