// libFuzzer harness of what the search server reads from anyone who can connect to its socket: bytes -> the
// request decoder (wire_codec.h), and a decoded request -> what the supervisor decides from it (the command line and
// the output format), as citego-search --serve does before any worker sees the request.
//
// The harness aborts when the decoder claims more bytes than it was given, when a request it decodes does not encode
// back to exactly the bytes it consumed, or when a prefix of those bytes is not reported as incomplete (the server
// reads requests as they arrive, and must neither accept a request early nor drop one that is still coming).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "citego/search_command.h"
#include "citego/wire_codec.h"

namespace {

[[noreturn]] void broken_promise(const char* what, std::size_t size) {
  std::fprintf(stderr, "fuzz_wire: %s (input of %zu bytes)\n", what, size);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  citego::WireRequest request;
  std::size_t consumed = 0;
  const citego::WireStatus status = citego::decode_request(bytes, request, consumed);
  if (status != citego::WireStatus::Complete) return 0;
  if (consumed > size) broken_promise("the decoder consumed more bytes than it was given", size);
  if (citego::encode_request(request) != bytes.substr(0, consumed)) {
    broken_promise("a decoded request does not encode back to its bytes", size);
  }
  // Every proper prefix of a whole request is the start of one: the server waits for the rest.
  for (std::size_t cut : {consumed / 2, consumed - 1}) {
    citego::WireRequest partial;
    std::size_t partial_consumed = 0;
    if (citego::decode_request(bytes.substr(0, cut), partial, partial_consumed) != citego::WireStatus::Incomplete) {
      broken_promise("a prefix of a whole request is not incomplete", size);
    }
  }
  // What the supervisor does with a whole request before a worker gets it.
  const std::optional<citego::CommandLine> line = citego::try_parse_command_line(request.args);
  const citego::OutputFormat format = citego::requested_format(request.args, request.terminal);
  const citego::CommandOutcome busy = citego::refusal(citego::SearchError("busy", "busy", citego::kExitLimit), format);
  if (busy.status != citego::kExitLimit || busy.err.empty()) broken_promise("a refusal without its status", size);
  (void)line;
  return 0;
}
