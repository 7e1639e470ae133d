// The messages of citego-client and `citego-search --serve` (search_wire.h describes the exchange), as pure
// functions: the server decodes requests with them as the bytes arrive, and the tests and the fuzzer use them too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "citego/search_command.h"

namespace citego {

struct WireRequest {
  std::string cwd;                // the client's working directory
  bool terminal = false;          // the client's standard output is a terminal
  std::vector<std::string> args;  // citego-search's arguments
  unsigned width = 0;             // the width the client's text is wrapped to (text_style.h); 0: not wrapped
  bool colour = false;            // the client's text may have ANSI bold (text_style.h)
  bool operator==(const WireRequest&) const = default;
};

enum class WireStatus { Incomplete, Complete, Invalid };

// Decodes the request at the start of `bytes`. Complete: `request` is filled and `consumed` says how many bytes it
// took (bytes after it are the client's error: a client sends one request). Incomplete: `bytes` is a valid start of a
// request; more must come. Invalid: `bytes` breaks the format or its limits (magic, field count, sizes): drop the
// connection. Never reads past `bytes`, never allocates more than the limits allow.
WireStatus decode_request(std::string_view bytes, WireRequest& request, std::size_t& consumed);

// The request's bytes, as citego-client writes them.
std::string encode_request(const WireRequest& request);

// An answer: CITEGO_WIRE_ANSWERED, the exit status, standard output and standard error.
std::string encode_answer(const CommandOutcome& outcome);

// The server's word that it accepted the request: CITEGO_WIRE_ACCEPTED, how many milliseconds the client waits for the
// answer at most, and the answer it gives if none comes by then (or the connection ends first).
std::string encode_accepted(std::uint32_t wait_ms, const CommandOutcome& no_answer);

}  // namespace citego
