#include "core/types/secret_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/random_hex.h"
#include "core/base/sha256.h"
#include "core/base/subprocess.h"
#include "core/base/unique_fd.h"

namespace host {
namespace fs = std::filesystem;

SecretStore::SecretStore(fs::path key_file) : key_file_(std::move(key_file)) {}

Status SecretStore::LoadKey() {
  if (!key_.empty()) return {};
  std::ifstream in(key_file_, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), {});
  if (key.size() != 64) {
    const std::string fresh = RandomHex(64);
    std::error_code ec;
    fs::create_directories(key_file_.parent_path(), ec);
    fs::path tmp = key_file_;
    tmp += ".tmp" + std::to_string(getpid());
    if (Status s = WriteWholeFile(tmp, fresh, 0600); !s.ok()) {
      return Status::Failed("cannot make the secret hashing key " + key_file_.string() + ": " +
                            s.message() + "; or set HOST_STATE_DIR to a writable folder");
    }
    // Whoever renames first wins; everyone then reads the same key.
    if (!fs::exists(key_file_, ec)) fs::rename(tmp, key_file_, ec);
    RemoveBestEffort(tmp);  // left when another process stored its key first
    if (ec && !fs::exists(key_file_)) {
      return Status::Failed("cannot store the secret hashing key " + key_file_.string() + ": " +
                            WriteErrorText(ec.value()));
    }
    std::ifstream again(key_file_, std::ios::binary);
    key.assign((std::istreambuf_iterator<char>(again)), {});
    if (key.size() != 64)
      return Status::Failed("the secret hashing key " + key_file_.string() +
                            " is damaged; delete it and run again");
  }
  key_ = key;
  return {};
}

Result<std::string> SecretStore::KeyedHash(std::string_view plaintext) {
  std::lock_guard lock(mutex_);
  if (Status s = LoadKey(); !s.ok()) return s;
  return HmacSha256Digest(key_, plaintext);
}

Result<std::string> SecretStore::Add(std::string_view name, std::string plaintext) {
  std::lock_guard lock(mutex_);
  if (Status s = LoadKey(); !s.ok()) return s;
  Sha256 fields;
  fields.UpdateField(name);
  fields.UpdateField(plaintext);
  std::string id = HmacSha256Digest(key_, fields.HexDigest());
  secrets_[id] = {std::string(name), std::move(plaintext)};
  RebuildPieces();
  return id;
}

std::vector<std::string> ScrubbedPieces(std::string_view plaintext) {
  std::vector<std::string> pieces;
  if (plaintext.empty()) return pieces;
  pieces.emplace_back(plaintext);
  if (plaintext.find('\n') == std::string_view::npos) return pieces;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  std::string_view rest = plaintext;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    const bool armour = line.size() >= 10 && line.starts_with("-----") && line.ends_with("-----");
    if (line.size() >= kMinScrubbedLineLength && !armour) pieces.emplace_back(line);
  }
  return pieces;
}

void SecretStore::RebuildPieces() {
  pieces_.clear();
  for (const auto& [id, secret] : secrets_) {
    for (std::string& piece : ScrubbedPieces(secret.second)) pieces_.push_back(std::move(piece));
  }
  // Longest first, so a whole secret becomes one "***" before its lines are looked for.
  std::sort(pieces_.begin(), pieces_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  pieces_.erase(std::unique(pieces_.begin(), pieces_.end()), pieces_.end());
}

std::optional<std::pair<std::string, std::string>> SecretStore::Get(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = secrets_.find(id);
  if (it == secrets_.end()) return std::nullopt;
  return it->second;
}

std::string SecretStore::Redact(std::string_view text) const {
  std::string out(text);
  std::lock_guard lock(mutex_);
  for (const std::string& piece : pieces_) {
    // memmem (glibc's two-way search) rather than std::string::find, which stops at every byte
    // equal to the piece's first one: with dozens of base64 lines that is 10x slower.
    for (size_t pos = 0; pos + piece.size() <= out.size();) {
      const void* found = memmem(out.data() + pos, out.size() - pos, piece.data(), piece.size());
      if (found == nullptr) break;
      pos = static_cast<size_t>(static_cast<const char*>(found) - out.data());
      out.replace(pos, piece.size(), "***");
      pos += 3;
    }
  }
  return out;
}

namespace {

// Runs a shell command and returns its standard output without one trailing newline.
Result<std::string> CommandOutput(const std::string& command) {
  SubprocessSpec spec;
  spec.program = "/bin/sh";
  spec.argv = {"sh", "-c", command};
  spec.stdio[1] = ChildStream::Pipe();
  Result<SubprocessOutput> ran = RunSubprocess(spec);
  if (!ran.ok()) {
    return Status::Failed("the secret command `" + command +
                          "` did not start: " + ran.status().message());
  }
  if (!ran->exit.success()) {
    // The command line is not secret; its output is, and is not shown.
    return Status::Failed("the secret command `" + command + "` exited with status " +
                          std::to_string(ran->exit.signal == 0 ? ran->exit.code : 128));
  }
  std::string out = std::move(ran->out);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

Result<std::string> ReadSecretUri(std::string_view uri) {
  auto take = [&](std::string_view scheme, std::string* rest) {
    for (std::string prefix : {std::string(scheme) + "://", std::string(scheme) + ":"}) {
      if (uri.rfind(prefix, 0) == 0) {
        *rest = std::string(uri.substr(prefix.size()));
        return true;
      }
    }
    return false;
  };
  std::string rest;
  if (take("env", &rest)) {
    const char* value = std::getenv(rest.c_str());
    if (value == nullptr) {
      return Status::Usage("secret env://" + rest + ": the environment variable " + rest +
                           " is not set");
    }
    return std::string(value);
  }
  if (take("file", &rest)) {
    std::ifstream in(rest, std::ios::binary);
    if (!in) return Status::Usage("secret file://" + rest + ": the file cannot be read");
    std::string value((std::istreambuf_iterator<char>(in)), {});
    if (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
  }
  if (take("cmd", &rest)) {
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
      rest = rest.substr(1, rest.size() - 2);
    }
    return CommandOutput(rest);
  }
  return Status::Usage(
      "a secret must be given as env://NAME, file://PATH or cmd://COMMAND, not as a plain value: "
      "a plain value would end up in shell history and process listings");
}

}  // namespace host
