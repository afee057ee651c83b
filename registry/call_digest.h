// Object IDs: the digest of the call that made an object, so equal calls have equal IDs.
#ifndef HOST_REGISTRY_CALL_DIGEST_H_
#define HOST_REGISTRY_CALL_DIGEST_H_

#include <google/protobuf/message_lite.h>

#include <string>
#include <string_view>

#include "host/v1/wire.pb.h"

namespace host {

// Deterministic bytes of a message, for digests.
std::string CanonicalBytes(const google::protobuf::MessageLite& message);

// "sha256:..." of the module's digest, the object, the receiver's ID, the function and the
// arguments (in name order, so their order in the call does not matter).
std::string CallDigest(std::string_view module_digest, const v1::Call& call);

}  // namespace host

#endif  // HOST_REGISTRY_CALL_DIGEST_H_
