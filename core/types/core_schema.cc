#include "core/types/core_schema.h"

#include <initializer_list>

namespace host {
namespace {

v1::TypeRef Type(v1::TypeKind kind, const char* name = "") {
  v1::TypeRef t;
  t.set_kind(kind);
  t.set_name(name);
  return t;
}
v1::TypeRef String() { return Type(v1::TYPE_KIND_STRING); }
v1::TypeRef Int() { return Type(v1::TYPE_KIND_INT); }
v1::TypeRef Boolean() { return Type(v1::TYPE_KIND_BOOLEAN); }
v1::TypeRef Enum(const char* name) { return Type(v1::TYPE_KIND_ENUM, name); }
v1::TypeRef Strings() {
  v1::TypeRef t = Type(v1::TYPE_KIND_LIST);
  *t.mutable_element() = String();
  return t;
}
v1::TypeRef Optional(v1::TypeRef t) {
  t.set_optional(true);
  return t;
}
v1::TypeRef Object(const char* name) { return Type(v1::TYPE_KIND_OBJECT, name); }

// An argument; `optional` ones may be left out.
v1::ArgDef Arg(const char* name, v1::TypeRef type, const char* description) {
  v1::ArgDef arg;
  arg.set_name(name);
  *arg.mutable_type() = std::move(type);
  arg.set_description(description);
  return arg;
}

// An argument with a default value.
template <class Set>
v1::ArgDef Default(const char* name, v1::TypeRef type, const char* description, Set set) {
  v1::ArgDef arg = Arg(name, std::move(type), description);
  set(arg.mutable_default_value());
  return arg;
}

void AddEnum(v1::ModuleDef* def, const char* name, const char* description,
             std::initializer_list<std::pair<const char*, const char*>> values) {
  v1::EnumDef* e = def->add_enums();
  e->set_name(name);
  e->set_description(description);
  for (const auto& [value, doc] : values) {
    auto* v = e->add_values();
    v->set_name(value);
    v->set_description(doc);
  }
}

// Adds a function to an object.
void Function(v1::ObjectDef* object, const char* name, const char* description, v1::TypeRef result,
              std::initializer_list<v1::ArgDef> args,
              v1::CachePolicy cache = v1::CACHE_POLICY_PERSISTENT) {
  v1::FunctionDef* fn = object->add_functions();
  fn->set_name(name);
  fn->set_description(description);
  *fn->mutable_return_type() = std::move(result);
  for (const auto& a : args) *fn->add_args() = a;
  fn->set_cache(cache);
}

v1::ObjectDef* AddObject(v1::ModuleDef* def, const char* name, const char* description) {
  v1::ObjectDef* object = def->add_objects();
  object->set_name(name);
  object->set_description(description);
  return object;
}

v1::ModuleDef Build() {
  v1::ModuleDef def;
  def.set_name("core");
  def.set_description("The engine's core types: containers, directories, files, secrets, caches.");
  def.set_main_object("Query");
  def.set_sdk("builtin");

  v1::ObjectDef* query = AddObject(&def, "Query", "Where every pipeline starts.");
  Function(query, "set-secret", "Makes a secret from a value held by the caller.", Object("Secret"),
           {Arg("name", String(), "A name for the secret, shown instead of its value."),
            Arg("plaintext", String(), "The secret's value.")},
           v1::CACHE_POLICY_NEVER);
  Function(query, "secret",
           "Reads a secret from env://NAME, file://PATH or cmd://COMMAND; plain values are "
           "refused.",
           Object("Secret"), {Arg("uri", String(), "Where the secret's value comes from.")},
           v1::CACHE_POLICY_NEVER);

  Function(query, "container", "An empty container; start from an image with from.",
           Object("Container"), {});
  Function(query, "cache-volume", "A folder that persists between runs, shared by key.",
           Object("CacheVolume"),
           {Arg("key", String(), "Which cache: steps using one key share it.")});

  Function(query, "directory", "An empty directory.", Object("Directory"), {});
  Function(query, "host", "The machine host runs on: its files and folders.", Object("Host"), {});

  v1::ObjectDef* host = AddObject(&def, "Host", "The machine host runs on.");
  Function(host, "directory", "A folder of the host, copied when evaluated.", Object("Directory"),
           {Arg("path", String(), "The folder (relative to the current folder)."),
            Default("exclude", Strings(), "Glob patterns of paths to leave out.",
                    [](v1::Value* v) { v->mutable_list_value(); }),
            Default("include", Strings(), "Glob patterns of the only files to take.",
                    [](v1::Value* v) { v->mutable_list_value(); }),
            Default("gitignore", Boolean(), "Also leaves out what the folder's .gitignore names.",
                    [](v1::Value* v) { v->set_bool_value(false); })},
           v1::CACHE_POLICY_SESSION);
  Function(host, "file", "A file of the host, copied when evaluated.", Object("File"),
           {Arg("path", String(), "The file (relative to the current folder).")},
           v1::CACHE_POLICY_SESSION);

  v1::ObjectDef* directory = AddObject(&def, "Directory", "An immutable tree of files.");
  Function(directory, "with-new-file", "Adds a file with the given contents.", Object("Directory"),
           {Arg("path", String(), "Where, inside the directory."),
            Arg("contents", String(), "The file's contents."),
            Default("permissions", Int(), "The file's permission bits.",
                    [](v1::Value* v) { v->set_int_value(0644); })});
  Function(directory, "with-file", "Adds a copy of a file.", Object("Directory"),
           {Arg("path", String(), "Where, inside the directory."),
            Arg("source", Object("File"), "The file.")});
  Function(directory, "with-directory", "Adds a copy of another directory.", Object("Directory"),
           {Arg("path", String(), "Where, inside the directory."),
            Arg("directory", Object("Directory"), "The directory to copy in.")});
  Function(directory, "without-file", "Removes a file.", Object("Directory"),
           {Arg("path", String(), "The file.")});
  Function(directory, "without-directory", "Removes a subdirectory.", Object("Directory"),
           {Arg("path", String(), "The subdirectory.")});
  Function(directory, "directory", "A subdirectory.", Object("Directory"),
           {Arg("path", String(), "The subdirectory.")});
  Function(directory, "file", "A file of the directory.", Object("File"),
           {Arg("path", String(), "The file.")});
  Function(directory, "entries", "The names in a folder of the directory, sorted.", Strings(),
           {Default("path", String(), "The folder (default: the top).",
                    [](v1::Value* v) { v->set_string_value(""); })});
  Function(directory, "glob", "The paths that match a glob pattern, sorted.", Strings(),
           {Arg("pattern", String(), "For example **/*.go or src/*.")});
  Function(directory, "diff",
           "The files and folders of another directory that are new or differ from this one.",
           Object("Directory"),
           {Arg("other", Object("Directory"), "The changed directory; this one is its base.")});
  Function(directory, "digest", "The digest of the whole tree.", String(), {});
  Function(directory, "export", "Writes the directory to a host folder; returns its path.",
           String(), {Arg("path", String(), "The host folder (created if missing).")},
           v1::CACHE_POLICY_NEVER);

  v1::ObjectDef* file = AddObject(&def, "File", "An immutable file.");
  Function(file, "contents", "The file's contents.", String(), {});
  Function(file, "size", "The file's size in bytes.", Int(), {});
  Function(file, "name", "The file's name.", String(), {});
  Function(file, "digest", "The digest of the file's contents and mode.", String(), {});
  Function(file, "export", "Writes the file to a host path; returns the path.", String(),
           {Arg("path", String(), "The host path.")}, v1::CACHE_POLICY_NEVER);

  AddEnum(&def, "ReturnType", "Which exit codes a command may have.",
          {{"SUCCESS", "Exit code 0."},
           {"FAILURE", "Any exit code but 0."},
           {"ANY", "Any exit code."}});
  AddEnum(&def, "CacheSharingMode", "How steps running at the same time share a cache volume.",
          {{"SHARED", "All use it at once."},
           {"LOCKED", "One step at a time."},
           {"PRIVATE", "Each running step gets an instance of the volume that no other uses."}});

  v1::ObjectDef* container =
      AddObject(&def, "Container", "A root filesystem and a configuration for running commands.");
  Function(container, "from", "Starts from an image, e.g. alpine:3.19 or a registry address.",
           Object("Container"), {Arg("address", String(), "The image reference.")});
  Function(container, "with-env-variable", "Sets an environment variable.", Object("Container"),
           {Arg("name", String(), "The variable's name."), Arg("value", String(), "Its value.")});
  Function(container, "without-env-variable", "Removes an environment variable.",
           Object("Container"), {Arg("name", String(), "The variable's name.")});
  Function(container, "with-secret-variable",
           "Sets an environment variable to a secret's value, which is never written to disk.",
           Object("Container"),
           {Arg("name", String(), "The variable's name."),
            Arg("secret", Object("Secret"), "The secret.")});
  Function(container, "with-workdir", "Sets the working directory of commands.",
           Object("Container"), {Arg("path", String(), "An absolute path.")});
  Function(container, "with-user", "Sets the user commands run as.", Object("Container"),
           {Arg("name", String(), "A user name, a uid, or uid:gid.")});
  Function(container, "with-entrypoint", "Sets the command that use-entrypoint puts first.",
           Object("Container"), {Arg("args", Strings(), "The entrypoint's words.")});
  Function(container, "with-default-args", "Sets the image's default arguments.",
           Object("Container"), {Arg("args", Strings(), "The arguments.")});
  Function(container, "with-mounted-secret", "Mounts a secret as a read-only file.",
           Object("Container"),
           {Arg("path", String(), "Where the file appears."),
            Arg("source", Object("Secret"), "The secret."),
            Default("mode", Int(), "The file's permission bits.",
                    [](v1::Value* v) { v->set_int_value(0400); })});
  Function(container, "with-mounted-cache", "Mounts a cache volume, kept between runs.",
           Object("Container"),
           {Arg("path", String(), "Where the cache appears."),
            Arg("cache", Object("CacheVolume"), "The cache volume."),
            Default("sharing", Enum("CacheSharingMode"), "How concurrent steps share it.",
                    [](v1::Value* v) { v->set_enum_value("SHARED"); })});
  Function(container, "with-mounted-directory",
           "Mounts a directory; what commands write there is not kept.", Object("Container"),
           {Arg("path", String(), "Where it appears."),
            Arg("source", Object("Directory"), "The directory.")});
  Function(
      container, "with-mounted-file", "Mounts a file.", Object("Container"),
      {Arg("path", String(), "Where it appears."), Arg("source", Object("File"), "The file.")});
  Function(container, "with-directory", "Copies a directory into the root filesystem.",
           Object("Container"),
           {Arg("path", String(), "Where it goes."),
            Arg("directory", Object("Directory"), "The directory.")});
  Function(container, "with-file", "Copies a file into the root filesystem.", Object("Container"),
           {Arg("path", String(), "Where it goes."), Arg("source", Object("File"), "The file.")});
  Function(container, "with-new-file", "Writes a new file into the root filesystem.",
           Object("Container"),
           {Arg("path", String(), "Where it goes."), Arg("contents", String(), "Its contents."),
            Default("permissions", Int(), "Its permission bits.",
                    [](v1::Value* v) { v->set_int_value(0644); })});
  Function(container, "file", "A file of the root filesystem.", Object("File"),
           {Arg("path", String(), "An absolute path.")});
  Function(container, "directory", "A folder of the root filesystem.", Object("Directory"),
           {Arg("path", String(), "An absolute path.")});
  Function(container, "with-exec", "Runs a command; its result becomes the next state.",
           Object("Container"),
           {Arg("args", Strings(), "The command and its arguments."),
            Default("expect", Enum("ReturnType"), "Which exit codes count as success.",
                    [](v1::Value* v) { v->set_enum_value("SUCCESS"); }),
            Default("stdin", String(), "Bytes fed to the command's standard input.",
                    [](v1::Value* v) { v->set_string_value(""); }),
            Default("use-entrypoint", Boolean(), "Puts the entrypoint before args.",
                    [](v1::Value* v) { v->set_bool_value(false); })});
  Function(container, "stdout", "The standard output of the last command.", String(), {});
  Function(container, "stderr", "The standard error of the last command.", String(), {});
  Function(container, "exit-code", "The exit code of the last command.", Int(), {});
  Function(container, "sync", "Evaluates the container now (runs what has not run).",
           Object("Container"), {});
  Function(container, "env-variable", "The value of an environment variable, if set.",
           Optional(String()), {Arg("name", String(), "The variable's name.")});
  Function(container, "env-variables", "All environment variables, as NAME=value.", Strings(), {});
  Function(container, "workdir", "The working directory of commands.", String(), {});
  Function(container, "user", "The user commands run as.", String(), {});
  Function(container, "entrypoint", "The entrypoint.", Strings(), {});
  Function(container, "default-args", "The default arguments.", Strings(), {});
  Function(container, "export",
           "Writes the container as an OCI image tarball (oci-archive); returns its path.",
           String(),
           {Arg("path", String(), "The host path of the tarball; its folder must exist.")},
           v1::CACHE_POLICY_NEVER);

  AddObject(&def, "CacheVolume", "A folder that persists between runs, shared by key.");

  v1::ObjectDef* secret = AddObject(&def, "Secret", "A value that never appears in output.");
  Function(secret, "name", "The secret's name.", String(), {});
  Function(secret, "plaintext", "The secret's value (scrubbed from anything the engine prints).",
           String(), {}, v1::CACHE_POLICY_NEVER);
  return def;
}

}  // namespace

const v1::ModuleDef& CoreSchema() {
  static const v1::ModuleDef kSchema = Build();
  return kSchema;
}

}  // namespace host
