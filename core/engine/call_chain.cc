#include "core/engine/call_chain.h"

#include <cstdlib>
#include <vector>

namespace host {
namespace {

constexpr std::string_view kStart = "calls are nested more than ";
constexpr std::string_view kMiddle =
    " deep; a module probably calls itself in a loop. The calls, outermost first: ";
constexpr std::string_view kArrow = " -> ";
constexpr std::string_view kElided = "...";

// One call of the chain, and how many times in a row it was made.
struct Segment {
  std::string name;
  long count = 1;
};

std::string Render(const std::string& head, const std::vector<Segment>& chain) {
  std::string out = head;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i > 0) out += kArrow;
    out += chain[i].name;
    if (chain[i].count > 1) out += " x" + std::to_string(chain[i].count);
  }
  return out;
}

}  // namespace

std::string NestedTooDeepError(int limit, std::string_view innermost) {
  return std::string(kStart) + std::to_string(limit) + std::string(kMiddle) +
         std::string(innermost);
}

std::optional<std::string> AddCallerToNestedTooDeep(std::string_view message,
                                                    std::string_view caller) {
  if (message.substr(0, kStart.size()) != kStart) return std::nullopt;
  size_t middle = message.find(kMiddle);
  if (middle == std::string_view::npos) return std::nullopt;
  const std::string head(message.substr(0, middle + kMiddle.size()));
  std::string_view rest = message.substr(head.size());
  std::vector<Segment> chain;
  while (!rest.empty()) {
    size_t arrow = rest.find(kArrow);
    std::string_view item = rest.substr(0, arrow);
    rest =
        arrow == std::string_view::npos ? std::string_view() : rest.substr(arrow + kArrow.size());
    Segment segment{std::string(item)};
    // Names hold no spaces: "name xN" is a name made N times in a row.
    if (size_t space = item.rfind(" x"); space != std::string_view::npos) {
      long count = std::strtol(std::string(item.substr(space + 2)).c_str(), nullptr, 10);
      if (count > 1) segment = {std::string(item.substr(0, space)), count};
    }
    chain.push_back(std::move(segment));
  }
  if (!chain.empty() && chain.front().name == caller) {
    ++chain.front().count;
  } else {
    chain.insert(chain.begin(), Segment{std::string(caller)});
  }
  if (chain.size() > kMaxChainShown) {
    chain.resize(kMaxChainShown - 1);
    chain.push_back(Segment{std::string(kElided)});
  }
  return Render(head, chain);
}

}  // namespace host
