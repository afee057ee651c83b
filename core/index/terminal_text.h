// Text from registries made safe to print on a terminal or into a log line.
#ifndef HOST_CORE_INDEX_TERMINAL_TEXT_H_
#define HOST_CORE_INDEX_TERMINAL_TEXT_H_

#include <string>
#include <string_view>

namespace host::index {

// text on one line with every control character (C0 including newline, DEL, C1) and every
// bidirectional override shown as \xNN or \u{NNNN}, so that a registry's strings cannot move the
// cursor, change colours, set the window title or forge log lines.
std::string TerminalSafe(std::string_view text);

}  // namespace host::index

#endif  // HOST_CORE_INDEX_TERMINAL_TEXT_H_
