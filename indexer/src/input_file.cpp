// Reading one input in one pass (see citego/input_file.h).
#include "citego/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "citego/xml_check.h"

namespace citego {

namespace {

std::string cannot_read(int error) { return std::string("cannot read: ") + std::strerror(error); }

// What a path of this type is, when citego-index does not read it; nullptr for a regular file or a pipe reached
// through a link.
const char* refusal_of(mode_t mode) {
  if (S_ISDIR(mode)) return "is a folder, not an export file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not an export file";
  if (S_ISSOCK(mode)) return "is a socket, not an export file";
  if (S_ISREG(mode) || S_ISFIFO(mode)) return nullptr;
  return "is not a regular file";
}

}  // namespace

std::string unreachable_reason(const std::string& path, int error) {
  struct stat link {};
  if (error == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(path, ec).string();
    return "is a symbolic link to " + quote_value(target) + ", which does not exist";
  }
  return cannot_read(error);
}

InputBytes read_input(const std::string& path) {
  InputBytes input;
  const auto refuse = [&](std::string message) {
    input.error = Diagnostic{SourceLocation{path, 0, 0}, std::move(message)};
    return std::move(input);
  };
  // A named pipe blocks open() until a writer comes, which may be never; one reached through a link (/dev/stdin,
  // /dev/fd/N, <(command)) is a pipe the caller already holds. Devices and sockets are refused before open(), which
  // can act on a device.
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) return refuse(cannot_read(errno));
  if (S_ISFIFO(link.st_mode)) {
    return refuse(
        "is a named pipe (FIFO), which citego-index does not open (it could wait for a writer forever); "
        "give a file, or send the pipe to standard input and give /dev/stdin");
  }
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return refuse(unreachable_reason(path, errno));
  if (const char* refusal = refusal_of(target.st_mode)) return refuse(refusal);

  // O_NONBLOCK: even a pipe that lost its writer, or a file swapped for a named pipe since stat(), cannot block.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return refuse(cannot_read(errno));
  struct stat opened {};
  if (::fstat(fd, &opened) != 0) {
    const int error = errno;
    ::close(fd);
    return refuse(cannot_read(error));
  }
  if (const char* refusal = refusal_of(opened.st_mode)) {
    ::close(fd);
    return refuse(refusal);
  }
  input.pipe = S_ISFIFO(opened.st_mode);
  if (input.pipe) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // wait for the writer's data, as a shell pipe does
  } else {
    input.bytes.reserve(static_cast<std::size_t>(opened.st_size));
  }
  std::array<char, 1 << 16> buffer;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      input.bytes = std::string();
      return refuse(cannot_read(error));
    }
    input.bytes.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return input;
}

}  // namespace citego
