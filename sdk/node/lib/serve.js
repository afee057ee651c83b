'use strict';
// Serves a module's Module service (module.proto) on $HOST_MODULE_SOCKET, for the runtime that
// started this process, and gives its functions the runtime's engine on $HOST_ENGINE_SOCKET.
const grpc = require('@grpc/grpc-js');
const {protos} = require('./protos');
const {Engine} = require('./client');
const {UsageError} = require('./module');
const {withCaller} = require('./dependency');

// What a function gets as ctx: calls to other modules and log lines, both attributed to the call
// in progress.
class Context {
  // The context of one invoke: engine is the runtime's engine, id the InvokeRequest.context.
  constructor(engine, id, moduleName) {
    this.engine_ = engine;
    this.id_ = id;
    this.pending_ = new Set();
    // The name of the module being called.
    this.module = moduleName;
  }

  // Calls a function of another module (or of this one) through the host: step is {module,
  // object, function, args, receiver}; resolves to its result. An array of steps runs as a chain.
  call(step) {
    return this.track_(this.engine_.call(step, {context: this.id_}));
  }

  // Writes a log line (level 'debug', 'info' (default), 'warning' or 'error'); the host prints
  // info and above on its stderr. Never rejects: a line that cannot be written is printed here.
  log(message, level = 'info') {
    return this.track_(this.engine_.log(message, level, this.id_).catch((error) => {
      process.stderr.write(
          `${this.module}: ${message} (not logged: ${error.details || error.message})\n`);
    }));
  }

  // Keeps promise until it settles, so the invoke answers only after its calls and logs.
  track_(promise) {
    this.pending_.add(promise);
    const done = () => this.pending_.delete(promise);
    promise.then(done, done);
    return promise;
  }

  // Waits for every call and log line started by the function.
  async settle_() {
    while (this.pending_.size > 0) {
      await Promise.allSettled([...this.pending_]);
    }
  }
}

// Exits with a message on stderr.
function die(moduleName, message, code) {
  process.stderr.write(`${moduleName}: ${message}\n`);
  process.exit(code);
}

// The error text of whatever a function threw.
function errorMessage(error) {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

// Serves mod until SIGTERM or SIGINT (or until the process that started this one is gone). The
// runtime starts the process with HOST_MODULE_SOCKET and HOST_ENGINE_SOCKET set; without them
// this exits with code 2. Returns an object whose close() stops serving.
function serve(mod) {
  const moduleSocket = process.env.HOST_MODULE_SOCKET;
  const engineSocket = process.env.HOST_ENGINE_SOCKET;
  if (!moduleSocket || !engineSocket) {
    const why = 'HOST_MODULE_SOCKET and HOST_ENGINE_SOCKET are not set: this program is a host ' +
        'module, which host starts itself; run it with host -m FOLDER call ...';
    die(mod.name, why, 2);
  }
  const {Module, wire} = protos();
  // A module declared wrongly still serves: Describe answers why, and the host reports it.
  let described = null;
  let problem = null;
  try {
    described = wire.ModuleDef.encode(mod.definition()).finish();
  } catch (error) {
    problem = error.message;
  }
  const engine = new Engine(engineSocket, {schema: mod.schema});
  const buildInfo = `node ${process.version}`;

  // Runs one InvokeRequest; resolves to the InvokeResponse once the function's calls and log
  // lines are done, rejects when the request is not a host.v1.Call.
  const invoke = async (request) => {
    const call = wire.Call.decode(request.call);
    const ctx = new Context(engine, request.context, mod.name);
    let response;
    try {
      // Typed clients of dependencies (deps/*.js) call through ctx.
      const result = await withCaller(ctx, () => mod.invoke(call, ctx));
      response = {value: wire.Value.encode(result).finish()};
    } catch (error) {
      response = {
        error: wire.Error.encode({message: errorMessage(error)}).finish(),
        invalid_argument: error instanceof UsageError,
      };
    }
    await ctx.settle_();
    return response;
  };

  const server = new grpc.Server({
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
  server.addService(Module.service, {
    Describe(call, callback) {
      if (problem) {
        callback({code: grpc.status.FAILED_PRECONDITION, details: problem});
      } else {
        callback(null, {module: described, build_info: buildInfo});
      }
    },
    Invoke(call, callback) {
      invoke(call.request).then((response) => callback(null, response), (error) => {
        callback({code: grpc.status.INVALID_ARGUMENT, details: errorMessage(error)});
      });
    },
  });

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    server.forceShutdown();
    engine.close();
  };
  server.bindAsync(moduleSocket, grpc.ServerCredentials.createInsecure(), (error) => {
    if (error) die(mod.name, `cannot serve on ${moduleSocket}: ${error.message}`, 1);
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      close();
      process.exit(0);
    });
  }
  // The runtime ends this process with SIGTERM; should the runtime itself die first, this
  // process is handed to another parent, and stops too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      close();
      process.exit(0);
    }
  }, 1000).unref();
  return {close};
}

module.exports = {serve, Context};
