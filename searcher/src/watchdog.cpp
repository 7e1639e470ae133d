// The request watchdog (see citego/watchdog.h).
#include "citego/watchdog.h"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>

namespace citego {

namespace {

// What the handler writes. Set only while the timer is off, read only by the handler.
std::vector<Watchdog::Write>* armed_writes = nullptr;
volatile sig_atomic_t armed_status = 0;

void write_fully(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

extern "C" void on_deadline(int) {
  if (armed_writes) {
    for (const Watchdog::Write& w : *armed_writes) write_fully(w.fd, w.bytes.data(), w.bytes.size());
  }
  ::_exit(armed_status);
}

void set_timer(double seconds) {
  itimerval timer{};
  if (seconds > 0) {
    const double whole = std::floor(seconds);
    timer.it_value.tv_sec = static_cast<time_t>(whole);
    timer.it_value.tv_usec = static_cast<suseconds_t>((seconds - whole) * 1e6);
    if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0) timer.it_value.tv_usec = 1;
  }
  ::setitimer(ITIMER_REAL, &timer, nullptr);
}

}  // namespace

void Watchdog::arm(double seconds, std::vector<Write> writes, int status) {
  disarm();
  armed_writes = new std::vector<Write>(std::move(writes));
  armed_status = status;
  struct sigaction action {};
  action.sa_handler = on_deadline;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGALRM, &action, nullptr);
  sigset_t alarm;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  ::pthread_sigmask(SIG_UNBLOCK, &alarm, nullptr);
  set_timer(seconds);
}

void Watchdog::disarm() {
  set_timer(0);
  // A signal sent just before the timer stopped, and not yet delivered, is dropped rather than handled.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGALRM, &ignore, nullptr);
  delete armed_writes;
  armed_writes = nullptr;
}

}  // namespace citego
