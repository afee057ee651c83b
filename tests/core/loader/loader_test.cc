#include "core/loader/module_loader.h"

#include <gtest/gtest.h>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {
namespace {

std::string Bad(const std::string& name) { return test::TestModule("bad") + "/lib" + name + ".so"; }

std::string LoadError(const std::string& path) {
  auto loaded = LoadSharedModule(path, Runtime::Api());
  EXPECT_FALSE(loaded.ok());
  return loaded.ok() ? "" : loaded.status().message();
}

TEST(Loader, MissingFile) {
  EXPECT_EQ(LoadError("/nonexistent/libx.so"),
            "cannot load module /nonexistent/libx.so: the file does not exist; build the module "
            "or correct the path");
}

TEST(Loader, NotASharedObjectQuotesDlerror) {
  std::string path = Bad("not_elf");
  EXPECT_EQ(LoadError(path), "cannot load module " + path +
                                 ": it is not a loadable shared object (" + path +
                                 ": file too short); rebuild it as a shared library for this "
                                 "platform");
}

TEST(Loader, NoEntrySymbol) {
  std::string path = Bad("bad_no_entry");
  EXPECT_EQ(LoadError(path), "cannot load module " + path +
                                 ": it does not export host_module_init_v1; build it with the "
                                 "host SDK (HOST_MODULE in C++, HOSTC_MODULE in C)");
}

TEST(Loader, UnsupportedAbiShowsBothVersions) {
  std::string path = Bad("bad_wrong_abi");
  EXPECT_EQ(LoadError(path), "cannot load module " + path +
                                 ": it speaks host ABI version 99 but this host speaks version 1; "
                                 "rebuild the module against this host's SDK");
}

TEST(Loader, InitErrorCarriesTheModulesMessage) {
  std::string path = Bad("bad_init_error");
  EXPECT_EQ(LoadError(path),
            "module " + path + " failed to initialize: the greetings database is missing");
}

TEST(Loader, InvalidSchemaNamesTheFunction) {
  Runtime engine;
  std::string path = Bad("bad_bad_schema");
  auto loaded = engine.Load(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(),
            "module " + path +
                " has an invalid schema: object 'Bad', function 'broken', argument 'x' has no "
                "type (TypeRef.kind is unset)");
}

TEST(Loader, ReadsSchemaAndBuildInfo) {
  auto loaded = LoadSharedModule(test::TestModule("gxx") + "/libgxx.so", Runtime::Api());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->name(), "gxx");
  EXPECT_EQ((*loaded)->def().main_object(), "Gxx");
  EXPECT_NE((*loaded)->build_info().find("g++"), std::string::npos) << (*loaded)->build_info();
  EXPECT_EQ((*loaded)->Digest().rfind("sha256:", 0), 0u);
}

}  // namespace
}  // namespace host
