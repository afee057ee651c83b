// Random module.json files, from valid ones mutated with huge strings, wrong types, deep nesting,
// unicode, NULs and broken syntax: the parser and validator must answer each with a manifest or a
// short error, never crash (a crash ends this test binary, failing the test).
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/base/names.h"
#include "registry/manifest.h"

namespace host {
namespace {

using nlohmann::json;

// Valid manifests the mutations start from, one per feature of the schema.
const char* const kSeeds[] = {
    R"({"name":"iac","version":"1.2.3","description":"Infra.","sdk":"cpp",
        "dependencies":[{"name":"pulumi","source":"../pulumi"},{"name":"gh"}]})",
    R"({"name":"jsmod","version":"0.1.0-rc.1","sdk":"node",
        "runtime":{"command":["node","index.js"],"start_timeout":10,"call_timeout":0}})",
    R"({"$schema":"../module.json.schema","name":"a","source":"src","object":"build/liba.so",
        "dependencies":[{"name":"b","pin":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]})",
    R"({"name":"m-1"})",
};

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : random_(seed) {}

  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }

  // A string of `size` bytes drawn from name-like, unicode and control characters.
  std::string Text(size_t size) {
    static const std::vector<std::string> kPieces = {"a",
                                                     "z",
                                                     "-",
                                                     "0",
                                                     "9",
                                                     ".",
                                                     "+",
                                                     "A",
                                                     " ",
                                                     "/",
                                                     "..",
                                                     "é",
                                                     "日本",
                                                     "\xf0\x9f\x98\x80",
                                                     std::string(1, '\0'),
                                                     "\n",
                                                     "\"",
                                                     "\\",
                                                     "~",
                                                     "-----BEGIN-----"};
    std::string out;
    while (out.size() < size) out += kPieces[Below(kPieces.size())];
    return out;
  }

  // A value of some other shape than the schema expects.
  json Value() {
    switch (Below(12)) {
      case 0:
        return Text(30000);
      case 1:
        return Text(Below(300));
      case 2:
        return std::string(30000, 'a');
      case 3:
        return 1e300;
      case 4:
        return -1e300;
      case 5:
        return std::numeric_limits<int64_t>::min();
      case 6:
        return std::numeric_limits<uint64_t>::max();
      case 7:
        return nullptr;
      case 8:
        return Below(2) == 0;
      case 9:
        return json::array({Text(10), 1, nullptr});
      case 10:
        return json::object({{Text(Below(40)), Text(5)}});
      default:
        return Nested(Below(5000));
    }
  }

  // depth arrays or objects inside each other.
  json Nested(size_t depth) {
    json value = "leaf";
    for (size_t i = 0; i < depth; ++i) {
      value =
          Below(2) == 0 ? json::array({std::move(value)}) : json::object({{"k", std::move(value)}});
    }
    return value;
  }

  // Replaces, adds or removes a value somewhere in doc.
  void MutateTree(json* doc) {
    std::vector<json*> nodes;
    Collect(doc, &nodes);
    json* target = nodes[Below(nodes.size())];
    if (target->is_object() && Below(3) == 0) {
      static const char* kKeys[] = {"name",    "version",      "runtime", "start_timeout",
                                    "command", "dependencies", "pin",     "source",
                                    "object",  "sdk"};
      (*target)[Below(4) == 0 ? Text(Below(30000)) : kKeys[Below(std::size(kKeys))]] = Value();
    } else if (target->is_array() && Below(3) == 0) {
      target->push_back(Value());
    } else {
      *target = Value();
    }
  }

  // Breaks the text: truncation, flipped bytes, NULs, nesting, duplicated keys.
  void MutateText(std::string* text) {
    switch (Below(6)) {
      case 0:
        text->resize(Below(text->size() + 1));
        break;
      case 1:
        for (int i = 0; i < 4 && !text->empty(); ++i) (*text)[Below(text->size())] ^= 1 << Below(8);
        break;
      case 2:
        text->insert(Below(text->size() + 1), std::string(1 + Below(4), '\0'));
        break;
      case 3:
        text->insert(Below(text->size() + 1), std::string(100000, '['));
        break;
      case 4:
        text->insert(1, R"("name":"dup","name":")" + std::string(30000, 'x') + "\",");
        break;
      default:
        text->insert(Below(text->size() + 1), Text(Below(40000)));
        break;
    }
  }

 private:
  static void Collect(json* value, std::vector<json*>* out) {
    out->push_back(value);
    if (value->is_structured() && out->size() < 64) {
      for (auto& child : *value) Collect(&child, out);
    }
  }

  std::mt19937 random_;
};

TEST(ManifestFuzz, RandomModuleJsonNeverCrashesAndErrorsStayShort) {
  Mutator mutator(20261207);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    json doc = json::parse(kSeeds[mutator.Below(std::size(kSeeds))]);
    for (size_t n = 1 + mutator.Below(3); n > 0; --n) mutator.MutateTree(&doc);
    std::string text = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    if (mutator.Below(4) == 0) mutator.MutateText(&text);
    Result<Manifest> m = ParseManifest(text, "/m/module.json");
    if (m.ok()) {
      ++accepted;
      // What passes the schema is what the rest of host relies on.
      EXPECT_TRUE(IsModuleName(m->name)) << "case " << i;
      EXPECT_LE(m->version.size(), 128u) << "case " << i;
      for (const auto& dep : m->dependencies) EXPECT_TRUE(IsModuleName(dep.name)) << "case " << i;
      EXPECT_GT(m->start_timeout, 0) << "case " << i;
      EXPECT_LE(m->start_timeout, kMaxStartTimeoutSeconds) << "case " << i;
      EXPECT_GE(m->call_timeout, 0) << "case " << i;
      EXPECT_LE(m->call_timeout, kMaxCallTimeoutSeconds) << "case " << i;
    } else {
      EXPECT_EQ(m.status().kind(), ErrorKind::kUsage) << "case " << i;
      EXPECT_LT(m.status().message().size(), 16u * 1024) << "case " << i;
    }
  }
  EXPECT_GT(accepted, 0);  // the mutations leave some files valid: the checks above ran
}

}  // namespace
}  // namespace host
