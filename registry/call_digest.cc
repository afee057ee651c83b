#include "registry/call_digest.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <vector>

#include "core/base/sha256.h"

namespace host {

std::string CanonicalBytes(const google::protobuf::MessageLite& message) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

std::string CallDigest(std::string_view module_digest, const v1::Call& call) {
  Sha256 sha;
  sha.UpdateField(module_digest);
  sha.UpdateField(call.object());
  sha.UpdateField(call.receiver().id());
  sha.UpdateField(call.function());
  std::vector<const v1::NamedValue*> args;
  for (const auto& a : call.args()) args.push_back(&a);
  std::sort(args.begin(), args.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
  for (const auto* a : args) {
    sha.UpdateField(a->name());
    sha.UpdateField(CanonicalBytes(a->value()));
  }
  return sha.Digest();
}

}  // namespace host
