// Messages of the client and the server (see citego/wire_codec.h).
#include "citego/wire_codec.h"

#include <cstring>

#include "citego/search_wire.h"

namespace citego {

namespace {

// Reads a machine-order uint32 at `at`, if the bytes are there.
bool read_u32(std::string_view bytes, std::size_t at, std::uint32_t& value) {
  if (bytes.size() < at + sizeof value) return false;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return true;
}

void append_u32(std::string& out, std::uint32_t value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void append_outcome(std::string& out, const CommandOutcome& outcome) {
  const auto status = static_cast<std::int32_t>(outcome.status);
  out.append(reinterpret_cast<const char*>(&status), sizeof status);
  for (const std::string* part : {&outcome.out, &outcome.err}) {
    append_u32(out, static_cast<std::uint32_t>(part->size()));
    out += *part;
  }
}

// Field 1, "TERMINAL WIDTH COLOUR" (search_wire.h), into `request`; false when it is not that.
bool decode_style(std::string_view field, WireRequest& request) {
  const auto flag = [](char c) { return c == '0' || c == '1'; };
  if (field.size() < 5 || field.size() > 8 || !flag(field.front()) || field[1] != ' ' ||
      field[field.size() - 2] != ' ' || !flag(field.back())) {
    return false;
  }
  const std::string_view width = field.substr(2, field.size() - 4);
  // Decimal digits, without a leading zero (the encoder writes none): one width has one spelling.
  if (width.find_first_not_of("0123456789") != std::string_view::npos || (width.size() > 1 && width.front() == '0')) {
    return false;
  }
  request.terminal = field.front() == '1';
  request.width = 0;
  for (char c : width) request.width = request.width * 10 + static_cast<unsigned>(c - '0');
  request.colour = field.back() == '1';
  return true;
}

}  // namespace

WireStatus decode_request(std::string_view bytes, WireRequest& request, std::size_t& consumed) {
  const std::size_t magic = CITEGO_WIRE_MAGIC_BYTES;
  if (bytes.empty()) return WireStatus::Incomplete;
  if (std::memcmp(bytes.data(), CITEGO_WIRE_MAGIC, std::min(bytes.size(), magic)) != 0) return WireStatus::Invalid;
  std::uint32_t count = 0;
  if (!read_u32(bytes, magic, count)) return WireStatus::Incomplete;
  if (count < 2 || count > CITEGO_WIRE_MAX_FIELDS) return WireStatus::Invalid;
  // Sizes first: nothing is copied before the whole request is known to be within the limits and present.
  std::size_t at = magic + sizeof count;
  std::size_t total = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t size = 0;
    if (!read_u32(bytes, at, size)) return WireStatus::Incomplete;
    total += size;
    if (total > CITEGO_WIRE_MAX_BYTES) return WireStatus::Invalid;
    at += sizeof size;
    if (bytes.size() < at + size) return WireStatus::Incomplete;
    at += size;
  }
  std::vector<std::string> fields;
  fields.reserve(count);
  at = magic + sizeof count;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t size = 0;
    read_u32(bytes, at, size);
    at += sizeof size;
    fields.emplace_back(bytes.substr(at, size));
    at += size;
  }
  if (!decode_style(fields[1], request)) return WireStatus::Invalid;
  request.cwd = std::move(fields[0]);
  request.args.assign(std::make_move_iterator(fields.begin() + 2), std::make_move_iterator(fields.end()));
  consumed = at;
  return WireStatus::Complete;
}

std::string encode_request(const WireRequest& request) {
  std::string out(CITEGO_WIRE_MAGIC, CITEGO_WIRE_MAGIC_BYTES);
  append_u32(out, static_cast<std::uint32_t>(request.args.size() + 2));
  const std::string terminal = std::string(request.terminal ? "1 " : "0 ") + std::to_string(request.width % 10000) +
                               (request.colour ? " 1" : " 0");
  for (const std::string* field : {&request.cwd, &terminal}) {
    append_u32(out, static_cast<std::uint32_t>(field->size()));
    out += *field;
  }
  for (const std::string& arg : request.args) {
    append_u32(out, static_cast<std::uint32_t>(arg.size()));
    out += arg;
  }
  return out;
}

std::string encode_answer(const CommandOutcome& outcome) {
  std::string out(1, CITEGO_WIRE_ANSWERED);
  append_outcome(out, outcome);
  return out;
}

std::string encode_accepted(std::uint32_t wait_ms, const CommandOutcome& no_answer) {
  std::string out(1, CITEGO_WIRE_ACCEPTED);
  append_u32(out, wait_ms);
  append_outcome(out, no_answer);
  return out;
}

}  // namespace citego
