// The C++ SDK's own wire encoding (host/wire_format.h, host/value_view.h, host/codec.h): what it
// writes is what the protobuf runtime reads, and what it reads from hostile bytes fails cleanly.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "host/codec.h"
#include "host/v1/wire.pb.h"

namespace host {
namespace {

template <class T>
T RoundTrip(const T& value) {
  return Codec<T>::Decode(ValueView::Parse(EncodedValue(value)));
}

TEST(SdkCodec, EveryValueKindSurvivesARoundTrip) {
  EXPECT_EQ(RoundTrip(std::string("h\xc3\xa9llo\0x", 8)), std::string("h\xc3\xa9llo\0x", 8));
  EXPECT_EQ(RoundTrip(std::numeric_limits<int64_t>::min()), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(RoundTrip(-0.25), -0.25);
  EXPECT_EQ(RoundTrip(true), true);
  EXPECT_EQ(RoundTrip(std::vector<std::vector<int64_t>>{{1, -2}, {}, {3}}),
            (std::vector<std::vector<int64_t>>{{1, -2}, {}, {3}}));
  EXPECT_EQ(RoundTrip(std::optional<std::string>()), std::nullopt);
  EXPECT_EQ(RoundTrip(std::optional<std::string>("")), std::optional<std::string>(""));
}

TEST(SdkCodec, WhatItWritesIsWhatProtobufReads) {
  v1::Value value;
  ASSERT_TRUE(value.ParseFromString(EncodedValue(std::vector<double>{1.5, -3})));
  ASSERT_EQ(value.list_value().items_size(), 2);
  EXPECT_EQ(value.list_value().items(1).float_value(), -3);
}

TEST(SdkCodec, AListItemOfTheWrongKindNamesItsIndex) {
  v1::Value value;
  auto* list = value.mutable_list_value();
  list->add_items()->set_int_value(1);
  list->add_items()->set_string_value("x");
  try {
    Codec<std::vector<int64_t>>::Decode(ValueView::Parse(value.SerializeAsString()));
    FAIL() << "decoded a String as an Int";
  } catch (const TypeError& e) {
    EXPECT_STREQ(e.what(), "item 1: expected Int, got String");
  }
}

TEST(SdkCodec, HostileBytesFailCleanly) {
  const std::vector<std::string> hostile = {
      std::string("\x0a\xff\xff\xff\xff\x0f", 6),  // a string longer than the message
      std::string("\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),  // an 11-byte varint
      std::string("\x19\x01\x02", 3),                                       // a cut-short double
      std::string("\x0b", 1),                                               // a group
      std::string("\x00\x01", 2),                                           // field 0
  };
  for (const std::string& bytes : hostile) {
    EXPECT_THROW(ValueView::Parse(bytes), wire::FormatError) << testing::PrintToString(bytes);
  }
}

TEST(SdkCodec, ACallBuiltByTheClientIsTheCallProtobufReads) {
  wire::Writer out;
  out.Bytes(1, "mod");
  out.Bytes(2, "Obj");
  size_t named = out.Begin(5);
  out.Bytes(1, "n");
  size_t value = out.Begin(2);
  Codec<std::vector<std::string>>::Encode({"a", std::string(300, 'b')}, out);
  out.End(value);
  out.End(named);
  v1::Call call;
  ASSERT_TRUE(call.ParseFromString(out.bytes()));
  EXPECT_EQ(call.module(), "mod");
  ASSERT_EQ(call.args_size(), 1);
  EXPECT_EQ(call.args(0).value().list_value().items(1).string_value(), std::string(300, 'b'));
  CallView view = CallView::Parse(out.bytes());
  ASSERT_EQ(view.args.size(), 1u);
  EXPECT_EQ(view.args[0].first, "n");
}

TEST(SdkCodec, AMessageFieldInTwoPartsIsRefusedNotHalfRead) {
  // Protobuf merges the parts of a message field; the SDK, which reads views, would see only the
  // last part: what the host checked and what the module reads would differ.
  const std::string list =
      EncodedValue(std::vector<int64_t>{1, 2}) + EncodedValue(std::vector<int64_t>{3});
  v1::Value merged;
  ASSERT_TRUE(merged.ParseFromString(list));
  ASSERT_EQ(merged.list_value().items_size(), 3);
  EXPECT_THROW(ValueView::Parse(list), wire::FormatError);
  // A list, then a string, then a list: the oneof switched, protobuf keeps the last list only.
  const std::string switched = EncodedValue(std::vector<int64_t>{1}) + EncodedValue("s") +
                               EncodedValue(std::vector<int64_t>{3});
  EXPECT_EQ(Codec<std::vector<int64_t>>::Decode(ValueView::Parse(switched)),
            std::vector<int64_t>{3});
  wire::Writer call;
  call.Bytes(1, "mod");
  call.Bytes(3, std::string("\x0a\x01X", 3));
  call.Bytes(3, std::string("\x12\x01i", 3));
  EXPECT_THROW(CallView::Parse(call.bytes()), wire::FormatError);
}

}  // namespace
}  // namespace host
