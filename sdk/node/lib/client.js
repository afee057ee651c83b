'use strict';
// A client of the Engine service: of a `host serve` (host.connect()), or of the runtime's engine
// socket for a module process's calls and logs.
const grpc = require('@grpc/grpc-js');
const {protos} = require('./protos');
const types = require('./types');
const values = require('./values');

// A load or a call that the engine answered with a failure: kind is 'usage' (the request was at
// fault, the CLI's exit code 2) or 'failed' (exit code 1); message is what the CLI prints.
class CallError extends Error {
  // An error of kind with message.
  constructor(kind, message) {
    super(message);
    this.name = 'CallError';
    this.kind = kind;
  }
}

// host.v1.Failure as a CallError.
function failureError(failure) {
  return new CallError(failure.kind === 'KIND_USAGE' ? 'usage' : 'failed', failure.message);
}

// The log levels of LogRequest.level.
const LEVELS = {debug: 0, info: 1, warning: 2, error: 3};

// Options for channels: messages of any size, as the host's own clients allow.
const CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

// The gRPC target of an engine address: unix:///PATH as it is, tcp://HOST:PORT as HOST:PORT.
function grpcTarget(address) {
  if (typeof address !== 'string' || address === '') {
    throw new Error('no engine address: pass unix:///PATH or tcp://HOST:PORT (or set HOST_ENGINE)');
  }
  if (address.startsWith('unix://')) return address;
  if (address.startsWith('tcp://')) return address.slice('tcp://'.length);
  throw new Error(`engine address '${address}' is neither unix:///PATH nor tcp://HOST:PORT`);
}

// Encodes one step of a chain ({module, object, function, args, receiver}) as a host.v1.Step
// message object; previous is the step before it (null for the first).
function encodeStep(step, previous, schema, index) {
  const where = `step ${index + 1}`;
  const module = step.module || (previous && previous.module);
  if (!module) throw new TypeError(`${where} names no module`);
  const receiver = step.receiver;
  const object = step.object || values.objectType(receiver) || types.pascalCase(module);
  const call = {module, object, function: step.function || '', args: []};
  for (const [name, value] of Object.entries(step.args || {})) {
    call.args.push({name, value: values.encodeAny(value, schema, `${where}, argument ${name}`)});
  }
  if (receiver !== undefined && receiver !== null) {
    call.receiver = values.encodeAny(receiver, schema, `${where}, receiver`).object_value;
    if (!call.receiver) throw new TypeError(`${where}: the receiver is not an object`);
  }
  const onPrevious = step.onPrevious !== undefined ? Boolean(step.onPrevious) :
                                                     previous !== null && !call.receiver;
  // A function called on no object runs on one in its default state, as the other SDKs do.
  if (!call.receiver && !onPrevious && call.function !== '') call.receiver = {type_name: object};
  const {Call} = protos().wire;
  return {call: Call.encode(call).finish(), on_previous: onPrevious};
}

// A connection to an engine. Methods return promises; gRPC errors (UNAUTHENTICATED,
// INVALID_ARGUMENT, UNAVAILABLE...) reject with grpc-js's error (code, details), failures the
// engine reports with a CallError.
class Engine {
  // Connects to address (unix:///PATH or tcp://HOST:PORT); options: {token} (the bearer token
  // a tcp server requires), {schema} (a module's, for its own objects as arguments).
  constructor(address, options = {}) {
    const {Engine: Service} = protos();
    this.stub_ =
        new Service(grpcTarget(address), grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    this.metadata_ = new grpc.Metadata();
    if (options.token) this.metadata_.set('authorization', `Bearer ${options.token}`);
    this.schema_ = options.schema || null;
  }

  // Runs one RPC; resolves to its response.
  rpc_(method, request) {
    return new Promise((resolve, reject) => {
      this.stub_[method](request, this.metadata_, (error, response) => {
        if (error) {
          reject(error);
        } else {
          resolve(response);
        }
      });
    });
  }

  // Loads a module (a name on the server's module path, or a folder or shared object on the
  // server) with its dependencies; resolves to its schema (a host.v1.ModuleDef as a plain object).
  async load(ref) {
    const response = await this.rpc_('Load', {ref});
    if (response.outcome === 'failure') throw failureError(response.failure);
    return decodeModuleDef(response.module);
  }

  // The schemas of the named loaded modules (all when none are named).
  async describe(modules = []) {
    const response = await this.rpc_('Describe', {modules});
    return response.modules.map(decodeModuleDef);
  }

  // Runs a chain: steps is one step or an array of them, each {module, object, function, args,
  // receiver, onPrevious}. function '' (or none) calls the constructor; object defaults to the
  // receiver's type, else the module's main object; module defaults to the previous step's; a
  // step after the first runs on the previous result unless it has a receiver. Resolves to the
  // last result as a JavaScript value.
  async call(steps, options = {}) {
    const list = Array.isArray(steps) ? steps : [steps];
    const encoded = [];
    let previous = null;
    list.forEach((step, i) => {
      encoded.push(encodeStep(step, previous, this.schema_, i));
      previous = {module: step.module || (previous && previous.module)};
    });
    const response = await this.rpc_('Call', {steps: encoded, context: options.context || ''});
    if (response.outcome === 'failure') throw failureError(response.failure);
    const {Value} = protos().wire;
    return values.decode(Value.decode(response.value), this.schema_);
  }

  // Writes a log line for the call in progress context (module processes only); level is
  // 'debug', 'info', 'warning' or 'error'.
  async log(message, level, context) {
    const number = typeof level === 'number' ? level : LEVELS[level];
    if (number === undefined) throw new TypeError(`unknown log level '${level}'`);
    await this.rpc_('Log', {level: number, message: String(message), context});
  }

  // Closes the connection.
  close() {
    this.stub_.close();
  }
}

// A serialized host.v1.ModuleDef as a plain object (enum fields by name).
function decodeModuleDef(bytes) {
  const {ModuleDef} = protos().wire;
  return ModuleDef.toObject(ModuleDef.decode(bytes), {enums: String, longs: String, arrays: true});
}

// Connects to a `host serve` at address (default $HOST_ENGINE) with options.token (default
// $HOST_ENGINE_TOKEN).
function connect(address = process.env.HOST_ENGINE, options = {}) {
  const token = options.token !== undefined ? options.token : process.env.HOST_ENGINE_TOKEN;
  return new Engine(address, {...options, token});
}

module.exports = {Engine, CallError, connect, grpcTarget, LEVELS};
