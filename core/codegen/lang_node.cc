// Node.js: modules with the Node.js SDK (@host/sdk), run as processes; clients as
// deps/<name>.js with their typings in deps/<name>.d.ts.
#include "core/codegen/languages.h"
#include "core/codegen/ts_client.h"

namespace host {
namespace {

const char* kManifest = R"({
  "name": "@NAME@",
  "version": "0.1.0",
  "description": "A new module: describe what it is for.",
  "sdk": "node",
  "runtime": {"command": ["node", "index.js"]},
  "dependencies": []
}
)";

const char* kIndex = R"('use strict';
// The @NAME@ module, served to host by this Node.js process:
//   host -m . call with-greeting --text Hi hello --name you
const host = require('@host/sdk');

const mod = host.module('@NAME@', {description: 'A new module: describe what it is for.'});

// The main object: its fields are its state, its functions return results or a changed copy.
const main = mod.object('@OBJECT@', {
  description: 'The main object of the @NAME@ module.',
  fields: {greeting: {type: host.String, description: 'The greeting hello uses.', default: 'Hello'}},
});

main.function('with_greeting', {
  description: 'Uses another greeting.',
  args: {text: {type: host.String, description: 'The new greeting.'}},
  returns: host.object('@OBJECT@'),
}, (self, {text}) => ({...self, greeting: text}));

main.function('hello', {
  description: 'Greets someone.',
  args: {name: {type: host.String, description: 'Who to greet.', default: 'world'}},
  returns: host.String,
}, (self, {name}) => `${self.greeting}, ${name}!`);

host.serve(mod);
)";

const char* kPackage = R"({
  "name": "@NAME@",
  "version": "0.1.0",
  "private": true,
  "main": "index.js"
}
)";

std::vector<InitFile> InitFiles(const std::string& name, const std::string& object) {
  return {{"module.json", ReplaceAll(kManifest, "@NAME@", name)},
          {"package.json", ReplaceAll(kPackage, "@NAME@", name)},
          {"index.js", ReplaceAll(ReplaceAll(kIndex, "@NAME@", name), "@OBJECT@", object)},
          {".gitignore", "/node_modules/\n"}};
}

std::string ClientPath(const std::string&, const std::string& dep) { return "deps/" + dep + ".js"; }

std::string Usage(const std::string& dep) {
  return "Use it with const {" + NodeClientConstructor(dep) + "} = require('./deps/" + dep +
         "'); its types are in deps/" + dep + ".d.ts";
}

}  // namespace

const ModuleLanguage kNodeLanguage = {"node",     "Node.js", InitFiles,         GenerateNodeClient,
                                      ClientPath, Usage,     GenerateTsTypings, ".d.ts"};

}  // namespace host
