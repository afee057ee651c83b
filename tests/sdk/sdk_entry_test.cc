// The C++ SDK's edges with the host (host/module.h, host/client.h), driven as a host drives them:
// no exception leaves an entry point, even when memory runs out; two hosts negotiating at once see
// the module only when it is registered; a client used outside a host says so.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "host/client.h"
#include "host/module.h"

#include "tests/sdk/failing_new.h"

namespace host {
namespace {

struct Probe {
  std::string echo(const std::string& text) const { return text; }
};

void RegisterProbe(Module& m) {
  m.object<Probe>("Probe", "A module for the SDK's entry tests.")
      .function("echo", &Probe::echo, "Returns its argument.", {arg("text")});
}

void* Alloc(size_t size) { return std::malloc(size); }
void Free(void* p) { std::free(p); }
host_status Call(host_context*, host_bytes, host_buffer*, host_buffer*) {
  return HOST_STATUS_ERROR;
}
void Log(host_context*, host_log_level, host_bytes) {}
const host_api kFakeApi = {sizeof(host_api), &Alloc, &Free, &Call, &Log};

// Negotiates as a host does, with register_fn as the module's registration.
host_status NegotiateProbe(host_negotiate* io, detail::RegisterFn register_fn = &RegisterProbe) {
  *io = {};
  io->struct_size = sizeof(host_negotiate);
  io->host_abi_min = HOST_ABI_VERSION;
  io->host_abi_max = HOST_ABI_VERSION;
  io->api = &kFakeApi;
  return detail::Negotiate(io, "probe", register_fn);
}

// The text of a buffer, freed.
std::string Take(host_buffer* buffer) {
  std::string text(reinterpret_cast<const char*>(buffer->data), buffer->size);
  std::free(buffer->data);
  *buffer = {nullptr, 0};
  return text;
}

// Forgets the registered module, so a test negotiates from scratch. A loaded module keeps its
// registration until the process ends; here the test ends it.
void ForgetModule() {
  delete detail::g_module;
  detail::g_module = nullptr;
  delete detail::g_init_error;
  detail::g_init_error = nullptr;
  detail::g_api = nullptr;
  object_spec<Probe>().fields.clear();
}

class SdkEntryTest : public ::testing::Test {
 protected:
  void SetUp() override { ForgetModule(); }
  void TearDown() override {
    host::test::g_fail_new = false;
    ForgetModule();
  }
};

TEST_F(SdkEntryTest, AClientCallOutsideAHostThrowsCallError) {
  try {
    client::Call("other", "Other", "f").Run<std::string>();
    FAIL() << "a call without a host returned";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("not loaded by a host"), std::string::npos) << e.what();
  }
}

TEST_F(SdkEntryTest, DescribeOutOfMemoryReturnsAnErrorInsteadOfThrowing) {
  host_negotiate io;
  ASSERT_EQ(NegotiateProbe(&io), HOST_STATUS_OK);
  host_buffer def{nullptr, 0};
  host_buffer error{nullptr, 0};
  host_status status = HOST_STATUS_OK;
  host::test::g_fail_new = true;
  EXPECT_NO_THROW(status = io.module->describe(&def, &error));
  host::test::g_fail_new = false;
  EXPECT_EQ(status, HOST_STATUS_ERROR);
  EXPECT_EQ(Take(&error), "the module ran out of memory");
  EXPECT_EQ(def.data, nullptr);
}

TEST_F(SdkEntryTest, InvokeOutOfMemoryReturnsAnErrorInsteadOfThrowing) {
  host_negotiate io;
  ASSERT_EQ(NegotiateProbe(&io), HOST_STATUS_OK);
  wire::Writer call;
  call.Bytes(1, "probe");
  call.Bytes(2, "Probe");
  call.Bytes(4, "no-such-function");  // the error message of this call needs memory
  const std::string& bytes = call.bytes();
  host_buffer result{nullptr, 0};
  host_buffer error{nullptr, 0};
  host_status status = HOST_STATUS_OK;
  host::test::g_fail_new = true;
  EXPECT_NO_THROW(status = io.module->invoke(
                      nullptr,
                      host_bytes{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
                      &result, &error));
  host::test::g_fail_new = false;
  EXPECT_EQ(status, HOST_STATUS_ERROR);
  EXPECT_EQ(detail::ErrorMessage(Take(&error)), "the module ran out of memory");
  EXPECT_EQ(detail::t_context, nullptr);
}

TEST_F(SdkEntryTest, NegotiateOutOfMemoryReturnsAnErrorInsteadOfThrowing) {
  host_negotiate io;
  host_status status = HOST_STATUS_OK;
  host::test::g_fail_new = true;
  EXPECT_NO_THROW(status = NegotiateProbe(&io));
  host::test::g_fail_new = false;
  EXPECT_EQ(status, HOST_STATUS_ERROR);
  EXPECT_EQ(Take(&io.error), "the module ran out of memory");
}

std::atomic<bool> g_registering{false};
std::atomic<bool> g_registered{false};

void SlowRegister(Module& m) {
  g_registering = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RegisterProbe(m);
  g_registered = true;
}

TEST_F(SdkEntryTest, TwoHostsNegotiatingAtOnceSeeTheModuleOnlyWhenItIsRegistered) {
  host_negotiate first;
  std::thread registering([&] { NegotiateProbe(&first, &SlowRegister); });
  while (!g_registering) std::this_thread::yield();
  host_negotiate second;
  EXPECT_EQ(NegotiateProbe(&second, &SlowRegister), HOST_STATUS_OK);
  EXPECT_TRUE(g_registered) << "the second negotiation returned before registration ended";
  registering.join();
  host_buffer def{nullptr, 0};
  host_buffer error{nullptr, 0};
  EXPECT_EQ(second.module->describe(&def, &error), HOST_STATUS_OK) << Take(&error);
  std::free(def.data);
}

}  // namespace
}  // namespace host
