// The error of calls nested past the depth limit, said once: one sentence and the chain of calls
// that led there (outermost first, repeats counted), instead of one prefix per level.
#ifndef HOST_ENGINE_CALL_CHAIN_H_
#define HOST_ENGINE_CALL_CHAIN_H_

#include <optional>
#include <string>
#include <string_view>

namespace host {

// The most calls the chain names; the innermost ones past it are shown as "...".
inline constexpr size_t kMaxChainShown = 16;

// The error of the call `innermost` ("module.function") that went past `limit` nested calls.
std::string NestedTooDeepError(int limit, std::string_view innermost);

// When message is an error made by NestedTooDeepError (calls may have been added since), the
// same error with `caller` added as the outermost call; nullopt for any other message, which the
// caller then reports as usual.
std::optional<std::string> AddCallerToNestedTooDeep(std::string_view message,
                                                    std::string_view caller);

}  // namespace host

#endif  // HOST_ENGINE_CALL_CHAIN_H_
