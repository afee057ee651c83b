// Modules that are broken on purpose, one per BAD_KIND, written against the raw ABI so that they
// can break rules the SDKs would not let them break.
#include <cstdlib>
#include <cstring>
#include <string>

#include "host/abi.h"
#include "host/v1/wire.pb.h"

namespace {

const host_api* g_api = nullptr;

void Fill(const std::string& bytes, host_buffer* out) {
  out->data = static_cast<uint8_t*>(g_api->alloc(bytes.size() + 1));
  out->size = bytes.size();
  std::memcpy(out->data, bytes.data(), bytes.size());
}

host_status Describe(host_buffer* def_bytes, host_buffer*) {
  host::v1::ModuleDef def;
  def.set_name("bad");
  def.set_main_object("Bad");
  auto* object = def.add_objects();
  object->set_name("Bad");
  auto* fn = object->add_functions();
  fn->set_name("count");
  fn->mutable_return_type()->set_kind(host::v1::TYPE_KIND_INT);
#if BAD_KIND == 4
  auto* broken = object->add_functions();
  broken->set_name("broken");
  broken->mutable_return_type()->set_kind(host::v1::TYPE_KIND_STRING);
  broken->add_args()->set_name("x");  // no type
#endif
  Fill(def.SerializeAsString(), def_bytes);
  return HOST_STATUS_OK;
}

host_status Invoke(host_context*, host_bytes, host_buffer* result, host_buffer*) {
  host::v1::Value value;
  value.set_string_value("not a number");  // count is declared to return Int
  Fill(value.SerializeAsString(), result);
  return HOST_STATUS_OK;
}

const host_module kTable = {sizeof(host_module), &Describe, &Invoke};

}  // namespace

#if BAD_KIND == 1
// No entry symbol: only something else is exported.
extern "C" HOST_EXPORT int not_the_entry(void) { return 1; }
#else
extern "C" HOST_EXPORT host_status host_module_init_v1(host_negotiate* io) {
  g_api = io->api;
#if BAD_KIND == 2
  io->module_abi = 99;
  return HOST_STATUS_UNSUPPORTED;
#elif BAD_KIND == 3
  Fill("the greetings database is missing", &io->error);
  return HOST_STATUS_ERROR;
#else
  io->module_abi = HOST_ABI_VERSION;
  io->module = &kTable;
  io->module_name = "bad";
  io->build_info = "raw ABI test module";
  return HOST_STATUS_OK;
#endif
}
#endif
