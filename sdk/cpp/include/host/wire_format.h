// The protobuf wire format, written and read by hand: the C++ SDK encodes C++ values straight into
// the bytes of host/v1/wire.proto's messages and decodes them straight from those bytes, so module
// code needs no protobuf runtime and compiles with any C++17 compiler and standard library.
//
// Header-only. The reader is bounds-checked: hostile bytes raise FormatError, never read past
// their end.
#ifndef HOST_WIRE_FORMAT_H_
#define HOST_WIRE_FORMAT_H_

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace host::wire {

// How a field's value is laid out (the protobuf wire types the host's messages use).
enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

// Thrown when bytes are not a valid encoding of the expected message.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Appends the encoding of fields to a byte string.
class Writer {
 public:
  Writer() { bytes_.reserve(256); }

  // Appends a base-128 varint.
  void Varint(uint64_t value) {
    char buffer[10];
    size_t n = 0;
    while (value >= 0x80) {
      buffer[n++] = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    buffer[n++] = static_cast<char>(value);
    bytes_.append(buffer, n);
  }
  // Appends a field's key.
  void Tag(uint32_t field, WireType type) { Varint((uint64_t{field} << 3) | type); }
  // Appends an int64 or enum field.
  void Int64(uint32_t field, int64_t value) {
    Tag(field, kVarint);
    Varint(static_cast<uint64_t>(value));
  }
  // Appends a bool field.
  void Bool(uint32_t field, bool value) {
    Tag(field, kVarint);
    bytes_.push_back(value ? 1 : 0);
  }
  // Appends a double field.
  void Double(uint32_t field, double value) {
    Tag(field, kFixed64);
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    char buffer[8];
    for (int i = 0; i < 8; ++i) buffer[i] = static_cast<char>(bits >> (8 * i));
    bytes_.append(buffer, 8);
  }
  // Appends a string, bytes or already-encoded message field.
  void Bytes(uint32_t field, std::string_view value) {
    Tag(field, kLength);
    Varint(value.size());
    bytes_.append(value.data(), value.size());
  }
  // Starts a message field; what is written until End(mark) is its content.
  size_t Begin(uint32_t field) {
    Tag(field, kLength);
    return bytes_.size();
  }
  // Ends the message field Begin returned mark for, putting its length before its content.
  void End(size_t mark) {
    uint64_t length = bytes_.size() - mark;
    char buffer[10];
    size_t n = 0;
    while (length >= 0x80) {
      buffer[n++] = static_cast<char>((length & 0x7f) | 0x80);
      length >>= 7;
    }
    buffer[n++] = static_cast<char>(length);
    bytes_.insert(mark, buffer, n);
  }
  // Drops what was written after size (to take back a field).
  void Truncate(size_t size) { bytes_.resize(size); }
  // How many bytes are written.
  size_t size() const { return bytes_.size(); }
  // The bytes written.
  const std::string& bytes() const { return bytes_; }
  // Takes the bytes written, leaving the writer empty.
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// Reads the fields of one message, in order: while (r.Next()) switch (r.field()) ...
class Reader {
 public:
  explicit Reader(std::string_view bytes) : at_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  // Reads the next field's key; false at the end of the message.
  bool Next() {
    if (at_ == end_) return false;
    uint64_t key = ReadVarint();
    field_ = static_cast<uint32_t>(key >> 3);
    type_ = static_cast<WireType>(key & 7);
    if (field_ == 0 || key >> 32 != 0) throw FormatError("a field number is out of range");
    if (type_ != kVarint && type_ != kFixed64 && type_ != kLength && type_ != kFixed32) {
      throw FormatError("field " + std::to_string(field_) + " has an unknown wire type");
    }
    return true;
  }
  // The number of the field Next read.
  uint32_t field() const { return field_; }
  // The wire type of the field Next read.
  WireType type() const { return type_; }

  // The field's value as a varint (int64, bool, enum).
  uint64_t Varint() {
    Expect(kVarint);
    return ReadVarint();
  }
  // The field's value as a double.
  double Double() {
    Expect(kFixed64);
    if (end_ - at_ < 8) throw FormatError("a double field is cut short");
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= uint64_t{static_cast<unsigned char>(at_[i])} << (8 * i);
    at_ += 8;
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  // The field's value as bytes (a string or a nested message); a view into the reader's bytes.
  std::string_view Bytes() {
    Expect(kLength);
    uint64_t length = ReadVarint();
    if (length > static_cast<uint64_t>(end_ - at_)) {
      throw FormatError("field " + std::to_string(field_) + " is longer than its message");
    }
    std::string_view value(at_, static_cast<size_t>(length));
    at_ += length;
    return value;
  }
  // Skips the field's value.
  void Skip() {
    switch (type_) {
      case kVarint:
        ReadVarint();
        break;
      case kFixed64:
        if (end_ - at_ < 8) throw FormatError("a fixed64 field is cut short");
        at_ += 8;
        break;
      case kFixed32:
        if (end_ - at_ < 4) throw FormatError("a fixed32 field is cut short");
        at_ += 4;
        break;
      case kLength:
        Bytes();
        break;
    }
  }

 private:
  void Expect(WireType type) const {
    if (type_ != type) {
      throw FormatError("field " + std::to_string(field_) + " has the wrong wire type");
    }
  }
  uint64_t ReadVarint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ == end_) throw FormatError("a varint is cut short");
      uint64_t byte = static_cast<unsigned char>(*at_++);
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw FormatError("a varint is longer than 10 bytes");
  }

  const char* at_;
  const char* end_;
  uint32_t field_ = 0;
  WireType type_ = kVarint;
};

}  // namespace host::wire

#endif  // HOST_WIRE_FORMAT_H_
