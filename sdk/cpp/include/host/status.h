// Errors as values: Status says whether an operation worked and why not; Result<T> adds a value.
// Public and header-only: the runtime, the C++ embedding API (host/engine.h) and embedders share
// these types. Ownership: a Status owns its message; a Result owns its value or its Status.
#ifndef HOST_STATUS_H_
#define HOST_STATUS_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace host {

// What kind of failure a Status is; the CLI maps kinds to exit codes.
enum class ErrorKind {
  kOk,
  kUsage,   // the caller asked for something that does not exist or is malformed (exit 2)
  kFailed,  // the operation was valid but did not succeed (exit 1)
};

// Success, or an error message with its kind.
class [[nodiscard]] Status {
 public:
  Status() = default;
  // An error of the given kind.
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  // A failed operation (exit code 1).
  static Status Failed(std::string message) { return {ErrorKind::kFailed, std::move(message)}; }
  // A usage error (exit code 2).
  static Status Usage(std::string message) { return {ErrorKind::kUsage, std::move(message)}; }

  // Whether the operation worked.
  bool ok() const { return kind_ == ErrorKind::kOk; }
  // What kind of failure this is (kOk on success).
  ErrorKind kind() const { return kind_; }
  // What failed, where, and what to do; empty on success.
  const std::string& message() const { return message_; }

  // The same error with context put in front of its message.
  Status Prefixed(const std::string& context) const {
    return ok() ? *this : Status(kind_, context + message_);
  }

 private:
  ErrorKind kind_ = ErrorKind::kOk;
  std::string message_;
};

// A value of type T, or the Status saying why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok());
  }

  // Whether there is a value.
  bool ok() const { return std::holds_alternative<T>(state_); }
  // The error; only valid when !ok().
  const Status& status() const { return std::get<Status>(state_); }
  // The value; only valid when ok() (else throws std::bad_variant_access).
  T& value() { return std::get<T>(state_); }
  // The value; only valid when ok() (else throws std::bad_variant_access).
  const T& value() const { return std::get<T>(state_); }
  // The value's members; only valid when ok().
  T* operator->() { return &value(); }
  // The value's members; only valid when ok().
  const T* operator->() const { return &value(); }
  // The value; only valid when ok().
  T& operator*() { return value(); }
  // The value; only valid when ok().
  const T& operator*() const { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace host

#endif  // HOST_STATUS_H_
