// Secrets of one engine session: plaintext lives only here, in memory. Each secret is known by an
// ID made with a keyed hash, and one scrubber hides every plaintext in text leaving the engine.
#ifndef HOST_TYPES_SECRET_STORE_H_
#define HOST_TYPES_SECRET_STORE_H_

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace host {

// The secrets an engine holds.
class SecretStore {
 public:
  // key_file holds the installation's hashing key (created, mode 0600, on first use).
  explicit SecretStore(std::filesystem::path key_file);

  // Stores a secret; returns its ID: "sha256:" + HMAC(key, name, plaintext). Equal secrets get
  // equal IDs across runs (so caches keyed on them last), and an ID reveals nothing.
  Result<std::string> Add(std::string_view name, std::string plaintext);

  // The name and plaintext of a secret, or nullopt for an unknown ID.
  std::optional<std::pair<std::string, std::string>> Get(std::string_view id) const;

  // The keyed hash of a plaintext, for cache keys that depend on a secret's value.
  Result<std::string> KeyedHash(std::string_view plaintext);

  // text with every secret's plaintext replaced by "***", and each line of a multi-line secret
  // too (see ScrubbedPieces), so one line printed alone (of a PEM key, say) is hidden as well.
  std::string Redact(std::string_view text) const;

 private:
  Status LoadKey();
  // Rebuilds pieces_ from secrets_; the caller holds mutex_.
  void RebuildPieces();

  std::filesystem::path key_file_;
  std::string key_;
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> secrets_;
  // What Redact replaces: every plaintext and the lines of each, longest first, without repeats.
  std::vector<std::string> pieces_;
};

// Lines of a multi-line secret shorter than this (once trimmed) are not scrubbed on their own:
// too short to reveal anything, and they would hide common text.
inline constexpr size_t kMinScrubbedLineLength = 4;

// What the scrubber hides for one plaintext: the plaintext itself and, when it holds several
// lines, each line trimmed of blanks, except short ones and PEM armour ("-----BEGIN ...-----").
std::vector<std::string> ScrubbedPieces(std::string_view plaintext);

// Reads a secret's value from a URI: env://NAME, file://PATH, cmd://COMMAND (also env:NAME,
// file:PATH, cmd:COMMAND). A plain value is refused, so secrets never sit in shell history.
Result<std::string> ReadSecretUri(std::string_view uri);

}  // namespace host

#endif  // HOST_TYPES_SECRET_STORE_H_
