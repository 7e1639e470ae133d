/* How text output is laid out for its reader (C and C++): the width it is wrapped to, and whether matches and titles
 * are in ANSI bold. One rule, used by citego-search for its own standard output (main.cpp) and by citego-client for
 * its own, which it sends to the server in the request (search_wire.h):
 *
 * - width: COLUMNS when it is a whole number from CITEGO_TEXT_MIN_WIDTH to CITEGO_TEXT_MAX_WIDTH, else the
 *   terminal's width when standard output is a terminal, else 0: not wrapped (a file or a pipe gets whole lines,
 *   unless COLUMNS is given);
 * - colour: standard output is a terminal, NO_COLOR is unset or empty (https://no-color.org), and TERM is not "dumb".
 */
#ifndef CITEGO_TEXT_STYLE_H
#define CITEGO_TEXT_STYLE_H

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define CITEGO_TEXT_MIN_WIDTH 20u
#define CITEGO_TEXT_MAX_WIDTH 1000u

struct citego_text_style {
  unsigned width; /* columns text is wrapped to; 0: not wrapped */
  int colour;     /* 1: ANSI bold; 0: *stars* */
};

/* The rule above on its inputs: whether standard output is a terminal, the terminal's width (0: unknown), and the
 * environment variables COLUMNS, NO_COLOR and TERM (NULL: unset). */
static inline struct citego_text_style citego_text_style_from(int is_terminal, unsigned terminal_width,
                                                              const char* columns, const char* no_color,
                                                              const char* term) {
  struct citego_text_style style = {0, 0};
  unsigned long width = 0;
  int digits = columns != NULL && *columns != '\0' && strlen(columns) <= 4;
  for (const char* c = columns; digits && *c; ++c) {
    digits = *c >= '0' && *c <= '9';
    width = width * 10 + (unsigned long)(*c - '0');
  }
  if (digits && width >= CITEGO_TEXT_MIN_WIDTH && width <= CITEGO_TEXT_MAX_WIDTH) {
    style.width = (unsigned)width;
  } else if (is_terminal && terminal_width >= CITEGO_TEXT_MIN_WIDTH) {
    style.width = terminal_width > CITEGO_TEXT_MAX_WIDTH ? CITEGO_TEXT_MAX_WIDTH : terminal_width;
  }
  style.colour = is_terminal && (no_color == NULL || *no_color == '\0') && (term == NULL || strcmp(term, "dumb") != 0);
  return style;
}

/* The rule for this process's standard output and environment. */
static inline struct citego_text_style citego_text_style_of_stdout(void) {
  const int is_terminal = isatty(STDOUT_FILENO) == 1;
  struct winsize size;
  unsigned terminal_width = 0;
  if (is_terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) terminal_width = size.ws_col;
  return citego_text_style_from(is_terminal, terminal_width, getenv("COLUMNS"), getenv("NO_COLOR"), getenv("TERM"));
}

#endif
