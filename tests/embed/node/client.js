'use strict';
// A Node.js client of an installed `host serve`, through the installed SDK: loads semver, runs a
// chain, and uses the object it returned as a later receiver. Prints the tag.
//
//   node client.js unix:///PATH
const host = require('@host/sdk');

async function main() {
  const engine = host.connect(process.argv[2]);
  await engine.load('semver');
  const version = await engine.call([
    {module: 'semver', args: {version: '1.4.2'}},
    {function: 'next', args: {commits: ['feat: add login']}},
  ]);
  console.log(await engine.call({module: 'semver', function: 'tag', receiver: version}));
  engine.close();
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
