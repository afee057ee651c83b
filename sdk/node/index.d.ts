// Type declarations of the host SDK for Node.js (index.js).

/** A host type: what fields, arguments and results are declared with. */
export interface HostType {
  readonly kind: number;
  readonly name: string;
  readonly element: HostType|null;
  readonly optional: boolean;
}

/** A String (a JavaScript string). */
export const String: HostType;
/** A 64-bit Int (a number; a bigint beyond 2^53; results may be either). */
export const Int: HostType;
/** A Float (a number; always sent as a Float). */
export const Float: HostType;
/** A Boolean. */
export const Boolean: HostType;
/** No value: a function that returns nothing. */
export const Void: HostType;
/** [T]: a list of T (an array). */
export function list(element: HostType): HostType;
/** T?: a T that may be absent (undefined or null). */
export function optional(type: HostType): HostType;
/** An object type by name: this module's, another module's, or a core type. */
export function object(name: string): HostType;
/** An enum type by name (values are their names, as strings). */
export function enumType(name: string): HostType;

/** A value of an object type: its fields (the host keeps its type and ID aside). */
export type HostObject = {
  [field: string]: any
};

/** A field: a type, or a type with a description, a default and whether it is internal. */
export type FieldSpec = HostType|{
  type: HostType;
  description?: string;
  default?: any;
  internal?: boolean
};
/** An argument: a type, or a type with a description and a default. */
export type ArgSpec = HostType|{
  type: HostType;
  description?: string;
  default?: any
};
/** When a result may be reused. */
export type CachePolicy = 'persistent'|'session'|'never';

/** What a function declares about itself. */
export interface FunctionSpec {
  description?: string;
  args?: {[name: string]: ArgSpec};
  /** Default: Void. */
  returns?: HostType;
  /** Default: 'persistent'. */
  cache?: CachePolicy;
}

/** One call of a chain, for ctx.call() and Engine.call(). */
export interface Step {
  /** Default: the previous step's module. */
  module?: string;
  /** Default: the receiver's type, else the module's main object. */
  object?: string;
  /** Default: '' (the constructor). */
  function?: string;
  /** Argument values by name; use typed() for enums and objects of your own module. */
  args?: {[name: string]: any};
  /** An object the host returned. */
  receiver?: HostObject;
  /**
   * Whether to run on the previous step's result (default: for a step after the first without a
   * receiver).
   */
  onPrevious?: boolean;
}

/** Log levels. */
export type LogLevel = 'debug'|'info'|'warning'|'error';

/** What a function gets as ctx: calls and log lines of the call in progress. */
export class Context {
  /** The module's name. */
  readonly module: string;
  /** Calls another module's function (or runs a chain) through the host; resolves to its result. */
  call(step: Step|Step[]): Promise<any>;
  /** Writes a log line; never rejects. */
  log(message: string, level?: LogLevel): Promise<void>;
}

/** A function's implementation: self is the receiver's fields, args the arguments by name. */
export type Handler = (self: HostObject, args: {[name: string]: any}, ctx: Context) => any;
/** A constructor's implementation: resolves to the new object's fields. */
export type ConstructorHandler = (args: {[name: string]: any}, ctx: Context) => any;

/** Declares the fields and functions of one object type. */
export class ObjectBuilder {
  /** Adds a field. */
  field(name: string, spec: FieldSpec): this;
  /** Adds a function. */
  function(name: string, spec: FunctionSpec, handler: Handler): this;
  function(name: string, handler: Handler): this;
  /** Sets the constructor. */
  construct(
      spec: {description?: string; args?: {[name: string]: ArgSpec}},
      handler: ConstructorHandler): this;
}

/** Options of an object type. */
export interface ObjectOptions {
  description?: string;
  fields?: {[name: string]: FieldSpec};
}

/** A module being declared. */
export class Module {
  readonly name: string;
  /** The main object's name: the module name in PascalCase. */
  readonly mainObject: string;
  /** Declares an object type. */
  object(name: string, options?: ObjectOptions): ObjectBuilder;
  /** Declares an enum; returns its type. */
  enum
  (name: string, options: {
    description?: string; values: string[] |
        {
          [value: string]: string
        }
  }): HostType;
}

/** Starts declaring a module (name: lowercase letters, digits and '-'). */
export function module(name: string, options?: {description?: string; version?: string}): Module;
/** Serves a module to the runtime that started this process, until SIGTERM. */
export function serve(mod: Module): {close(): void};

/** Thrown by a function when the caller's arguments are at fault (a usage error, exit code 2). */
export class UsageError extends Error {
  constructor(message: string);
}

/** A value with the type to send it as, where none is declared. */
export function typed(type: HostType, value: any): unknown;
/** The type name of an object the host returned. */
export function objectType(value: any): string|undefined;
/** The ID of an object the host returned. */
export function objectId(value: any): string|undefined;

/** A failure the engine reported: kind 'usage' (exit code 2) or 'failed' (exit code 1). */
export class CallError extends Error {
  readonly kind: 'usage'|'failed';
}

/** A connection to a `host serve` engine. */
export class Engine {
  constructor(address: string, options?: {token?: string});
  /** Loads a module; resolves to its schema (a host.v1.ModuleDef as a plain object). */
  load(ref: string): Promise<any>;
  /** The schemas of the named loaded modules (all when none are named). */
  describe(modules?: string[]): Promise<any[]>;
  /** Runs a chain; resolves to the last result. */
  call(steps: Step|Step[]): Promise<any>;
  /** Closes the connection. */
  close(): void;
}

/** Connects to a `host serve` (default: $HOST_ENGINE, token $HOST_ENGINE_TOKEN). */
export function connect(address?: string, options?: {token?: string}): Engine;

/**
 * The client of another module from its schema: what a generated deps/<module>.js exports (its
 * .d.ts types it).
 */
export function dependency(schema: unknown): unknown;
/**
 * Runs fn with caller making the calls of typed clients (deps/*.js) in it: inside a module's
 * functions that is their ctx already; elsewhere pass an Engine of `host serve`.
 */
export function withCaller<T>(caller: Context|Engine, fn: () => T): T;

/** The folder holding host/v1/*.proto. */
export function protoDir(): string;
