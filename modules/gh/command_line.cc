#include "command_line.h"

#include <stdexcept>

namespace gh {

std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\n') {
      ++i;  // a line continuation: nothing, not even a word break
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
    } else if (c == '\'') {
      const auto end = line.find('\'', i + 1);
      if (end == std::string::npos) throw std::invalid_argument("unterminated ' in: " + line);
      word += line.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          const char next = line[i + 1];
          if (next == '\n') {  // a line continuation
            ++i;
            continue;
          }
          if (next == '"' || next == '\\' || next == '$' || next == '`') ++i;
        }
        word += line[i];
      }
      if (i >= line.size()) throw std::invalid_argument("unterminated \" in: " + line);
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace gh
