// Whether this process can run the TUI; see ui/curses_tui.h.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "ui/curses_tui.h"

#include <ncursesw/curses.h>
#include <ncursesw/term.h>

namespace synctrace {

bool TerminalUsable(std::string* why) {
  const char* term = std::getenv("TERM");
  if (!isatty(STDOUT_FILENO)) {
    *why = "stdout is not a terminal";
    return false;
  }
  if (term == nullptr || *term == '\0' || std::string_view(term) == "dumb") {
    *why = "TERM is unset or dumb";
    return false;
  }
  int err = 0;
  if (setupterm(term, STDOUT_FILENO, &err) != OK) {
    *why = absl::StrCat("terminal type '", term, "' is unknown");
    return false;
  }
  del_curterm(set_curterm(nullptr));
  if (!isatty(STDIN_FILENO)) {
    int fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *why = "no terminal to read keys from";
      return false;
    }
    close(fd);
  }
  return true;
}

}  // namespace synctrace
