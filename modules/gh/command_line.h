// Splits a command line the way a POSIX shell splits words, without running a shell.
#ifndef HOST_MODULES_GH_COMMAND_LINE_H_
#define HOST_MODULES_GH_COMMAND_LINE_H_

#include <string>
#include <vector>

namespace gh {

// The words of a command line: blanks separate words; '...' keeps everything literally; "..."
// keeps blanks, and a backslash in it escapes only " \ $ and `; a backslash outside quotes
// escapes the next character; a backslash before a newline (outside '...') joins the lines.
// Nothing is expanded. Throws std::invalid_argument for an unterminated quote.
std::vector<std::string> SplitWords(const std::string& line);

}  // namespace gh

#endif  // HOST_MODULES_GH_COMMAND_LINE_H_
