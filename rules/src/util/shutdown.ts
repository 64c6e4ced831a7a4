import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { getKeyName, getPropertyName, isFunctionNode, unwrap, walk, type FunctionNode } from './ast';
import { isGlobal, resolveOrigin, type Origin } from './references';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** The process events whose listeners run the shutdown path. */
export const SHUTDOWN_SIGNALS: ReadonlySet<string> = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGBREAK', 'beforeExit']);

/**
 * Normalised names (lower case, no `_`/`-`) of functions that are a program's shutdown path by
 * convention. Bare `stop`/`close`/`exit` are left out on purpose: every client class has one.
 */
const SHUTDOWN_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'shutdown', 'gracefulshutdown', 'handleshutdown', 'onshutdown', 'doshutdown', 'performshutdown', 'startshutdown',
  'beginshutdown', 'runshutdown', 'shutdowngracefully', 'shutdownhandler', 'signalhandler', 'handlesignal',
  'handlesignals', 'onsignal', 'handlesigterm', 'onsigterm', 'sigtermhandler', 'handlesigint', 'onsigint',
  'siginthandler', 'handletermination', 'ontermination', 'terminationhandler', 'gracefulexit', 'exitgracefully',
  'gracefulstop', 'stopgracefully', 'gracefulclose', 'closegracefully',
]);

const LISTENER_METHODS: ReadonlySet<string> = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

/** Third-party modules whose default or named export registers signal handling for the file. */
const SHUTDOWN_LIBRARIES: ReadonlyMap<string, { readonly exports: readonly string[]; readonly signals: readonly string[] }> = new Map([
  ['close-with-grace', { exports: ['default', ''], signals: ['SIGTERM', 'SIGINT'] }],
  ['@godaddy/terminus', { exports: ['createTerminus'], signals: ['SIGTERM'] }],
  ['http-terminator', { exports: ['createHttpTerminator'], signals: ['SIGTERM'] }],
  ['lightship', { exports: ['createLightship'], signals: ['SIGTERM', 'SIGINT', 'SIGHUP'] }],
  ['exit-hook', { exports: ['default', '', 'asyncExitHook', 'gracefulExit'], signals: ['SIGTERM', 'SIGINT'] }],
  ['async-exit-hook', { exports: ['default', ''], signals: ['SIGTERM', 'SIGINT'] }],
  ['signal-exit', { exports: ['onExit', 'default', ''], signals: ['SIGTERM', 'SIGINT', 'SIGHUP'] }],
  ['death', { exports: ['default', ''], signals: ['SIGTERM', 'SIGINT', 'SIGQUIT'] }],
  ['node-cleanup', { exports: ['default', ''], signals: ['SIGTERM', 'SIGINT'] }],
  ['http-graceful-shutdown', { exports: ['default', ''], signals: ['SIGINT', 'SIGTERM'] }],
]);

/** Runtime exports that register the shutdown path (`cancel-safe/node`). */
const RUNTIME_SHUTDOWN_EXPORTS: ReadonlySet<string> = new Set(['onShutdown', 'shutdownSignal']);

/** Callee names that can be a registration whatever their receiver: runtime and library named exports. */
const REGISTRATION_NAMES: ReadonlySet<string> = new Set([
  ...RUNTIME_SHUTDOWN_EXPORTS,
  ...[...SHUTDOWN_LIBRARIES.values()].flatMap((library) => library.exports.filter((name) => name !== '' && name !== 'default')),
]);


/** Option keys of `createTerminus(server, { ... })` whose functions run on shutdown. */
const TERMINUS_HOOKS: ReadonlySet<string> = new Set(['onSignal', 'beforeShutdown', 'onShutdown', 'onSendFailureDuringShutdown']);


/**
 * How a function became a shutdown path:
 * - `signal-handler`: a listener of `process.on/once('SIGTERM'|'SIGINT'|'SIGHUP'|'beforeExit', fn)`;
 * - `runtime`: the callback of the runtime's `onShutdown` (bounded by its `timeout` option);
 * - `library`: the callback of close-with-grace, terminus hooks and similar (bounded by the library);
 * - `named`: a function or method named like one (`shutdown`, `gracefulShutdown`, `onSigterm`, …);
 * - `called`: a local function that a shutdown path calls directly (not from a nested callback).
 */
export type ShutdownPathKind = 'signal-handler' | 'runtime' | 'library' | 'named' | 'called';

/** A function that runs when the process is asked to stop. */
export interface ShutdownPath {
  readonly kind: ShutdownPathKind;
  readonly fn: FunctionNode;
  /** True when something outside the function already bounds it with a deadline (runtime or library timeout). */
  readonly bounded: boolean;
  /** For `called`: the calls that reach this function from another shutdown path. */
  readonly callSites: readonly TSESTree.CallExpression[];
}

/** One place in the file that makes the process react to a shutdown signal. */
export interface ShutdownRegistration {
  readonly call: TSESTree.CallExpression;
  readonly kind: 'signal-handler' | 'runtime' | 'library';
  /** The signals it covers; undefined when they are computed and cannot be read statically. */
  readonly signals: readonly string[] | undefined;
  /** The functions it runs on shutdown (resolved through local names), possibly none. */
  readonly handlers: readonly FunctionNode[];
  /** True when the registration puts its own deadline on the handlers. */
  readonly bounded: boolean;
}

/** What a file does about shutdown signals. */
export interface FileShutdownHandling {
  readonly registrations: readonly ShutdownRegistration[];
  /** Every signal some registration covers (`beforeExit` included). */
  readonly signals: ReadonlySet<string>;
  /** True when SIGTERM is covered, or a listener's event is computed and may be SIGTERM. */
  readonly handlesSigterm: boolean;
  /** Functions known to be shutdown paths: handlers, functions named like one, and their direct callees. */
  readonly paths: ReadonlyMap<FunctionNode, ShutdownPath>;
}

/** Options shared by the shutdown helpers. */
export interface ShutdownOptions {
  /** `settings['cancel-safe'].runtimeModule`; `onShutdown` is looked up there and in its `/node` subpath. */
  readonly runtimeModule: string;
  /** Extra function names (user option) that count as shutdown paths. */
  readonly shutdownFunctions?: readonly string[];
}

const EMPTY: FileShutdownHandling = Object.freeze({
  registrations: [],
  signals: new Set<string>(),
  handlesSigterm: false,
  paths: new Map(),
});

/**
 * Cheap text test that lets most files skip the walk: every registration and every named
 * shutdown path mentions one of these. Plain `includes` (not one regex) because it scans fast.
 */
const PREFILTER_WORDS = [
  // Each word covers several spellings: 'SIG' every signal name, 'hutdown' onShutdown, shutdownSignal,
  // enableShutdownHooks, http-graceful-shutdown and the *shutdown names, 'ermina' terminus,
  // http-terminator and *termination names, 'raceful' graceful* names, 'igterm'/'igint' onSigterm & co.
  'SIG', 'hutdown', 'ermina', 'raceful', 'igterm', 'igint', 'beforeExit', 'close-with-grace', 'lightship', 'exit-hook',
  'signal-exit', 'death', 'node-cleanup', 'ignalHandler', 'andleSignal', 'nSignal',
];

function mayHandleShutdown(text: string, extraNames: readonly string[]): boolean {
  return PREFILTER_WORDS.some((word) => text.includes(word)) || extraNames.some((name) => text.includes(name));
}

const cache = new WeakMap<object, Map<string, FileShutdownHandling>>();

/**
 * Finds every shutdown registration and shutdown path in the file. Computed once per file and
 * options (rules share the result), and only walks the AST when the text can contain one.
 */
export function getFileShutdownHandling(sourceCode: SourceCode, options: ShutdownOptions): FileShutdownHandling {
  const key = `${options.runtimeModule}\0${(options.shutdownFunctions ?? []).join('\0')}`;
  let perFile = cache.get(sourceCode.ast);
  const cached = perFile?.get(key);
  if (cached) return cached;
  const extraNames = new Set((options.shutdownFunctions ?? []).map(normaliseName));
  const result = mayHandleShutdown(sourceCode.text, options.shutdownFunctions ?? [])
    ? computeHandling(sourceCode, options, extraNames)
    : EMPTY;
  if (!perFile) cache.set(sourceCode.ast, (perFile = new Map()));
  perFile.set(key, result);
  return result;
}

/**
 * The file's shutdown handling for one rule's run, computed on first use (most files never ask):
 * `handling()` computes it, `computed` peeks without computing, `pathOf(fn)` is the shutdown path
 * `fn` belongs to.
 */
export function createShutdownLookup(
  sourceCode: SourceCode,
  options: ShutdownOptions,
): { handling(): FileShutdownHandling; readonly computed: FileShutdownHandling | undefined; pathOf(fn: FunctionNode): ShutdownPath | undefined } {
  let handling: FileShutdownHandling | undefined;
  const compute = (): FileShutdownHandling => (handling ??= getFileShutdownHandling(sourceCode, options));
  return {
    handling: compute,
    get computed() {
      return handling;
    },
    pathOf: (fn) => compute().paths.get(fn),
  };
}

/**
 * Recognises one call that registers shutdown handling: `process.on/once(signal, fn)` for a
 * shutdown signal (also through `import process from 'node:process'`, `globalThis.process` and
 * signals read from a literal array), the runtime's `onShutdown`/`shutdownSignal`, or a known
 * library (close-with-grace, @godaddy/terminus, http-terminator, lightship, exit-hook, …), or
 * NestJS's `app.enableShutdownHooks()`.
 */
export function getShutdownRegistration(
  sourceCode: SourceCode,
  call: TSESTree.CallExpression,
  runtimeModule: string,
): ShutdownRegistration | undefined {
  const callee = unwrap(call.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression) {
    const method = getPropertyName(callee);
    if (method === 'enableShutdownHooks') {
      return { call, kind: 'library', signals: ['SIGTERM', 'SIGINT', 'SIGHUP'], handlers: [], bounded: false };
    }
    if (method !== undefined && LISTENER_METHODS.has(method) && isProcess(sourceCode, callee.object)) {
      const event = call.arguments[0];
      if (!event) return undefined;
      const signals = readSignals(sourceCode, event);
      if (signals && !signals.some((signal) => SHUTDOWN_SIGNALS.has(signal))) return undefined;
      const handler = call.arguments[1] ? resolveFunction(sourceCode, call.arguments[1]) : undefined;
      return { call, kind: 'signal-handler', signals, handlers: handler ? [handler] : [], bounded: false };
    }
  }
  if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  // Resolving every callee is the expensive part: only names that can be a registration go on.
  const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : getPropertyName(callee);
  if (name === undefined) return undefined;
  if (!REGISTRATION_NAMES.has(name) && !getLibraryLocals(sourceCode).has(callee.type === AST_NODE_TYPES.Identifier ? name : rootName(callee))) {
    return undefined;
  }
  const origin = resolveOrigin(sourceCode, callee);
  if (!origin?.module) return undefined;
  if (isRuntimeModule(origin.module, runtimeModule) && origin.path.length === 1 && RUNTIME_SHUTDOWN_EXPORTS.has(origin.path[0]!)) {
    const handler = call.arguments[0] ? resolveFunction(sourceCode, call.arguments[0]) : undefined;
    const optionsArgument = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
    const signals =
      optionsArgument?.type === AST_NODE_TYPES.ObjectExpression ? readSignalsProperty(sourceCode, optionsArgument) : undefined;
    return {
      call,
      kind: 'runtime',
      signals: signals ?? ['SIGTERM', 'SIGINT'],
      handlers: handler ? [handler] : [],
      bounded: !hasInfiniteTimeout(optionsArgument),
    };
  }
  const library = SHUTDOWN_LIBRARIES.get(origin.module);
  if (!library || !isLibraryExport(origin, library.exports)) return undefined;
  const handlers: FunctionNode[] = [];
  let signals: readonly string[] | undefined = library.signals;
  for (const argument of call.arguments) {
    const value = unwrap(argument);
    const fn = resolveFunction(sourceCode, value);
    if (fn) handlers.push(fn);
    else if (value.type === AST_NODE_TYPES.ObjectExpression) {
      signals = readSignalsProperty(sourceCode, value) ?? signals;
      for (const property of value.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        const name = getKeyName(property);
        const hook = name !== undefined && TERMINUS_HOOKS.has(name) ? resolveFunction(sourceCode, property.value) : undefined;
        if (hook) handlers.push(hook);
      }
    }
  }
  return { call, kind: 'library', signals, handlers, bounded: true };
}

const libraryLocalsCache = new WeakMap<object, ReadonlySet<string>>();

/**
 * Local names bound at top level to a shutdown library (`import closeWithGrace from …`,
 * `const gracefulShutdown = require('http-graceful-shutdown')`, namespaces too).
 */
function getLibraryLocals(sourceCode: SourceCode): ReadonlySet<string> {
  const cached = libraryLocalsCache.get(sourceCode.ast);
  if (cached) return cached;
  const locals = new Set<string>();
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      if (!SHUTDOWN_LIBRARIES.has(statement.source.value)) continue;
      for (const specifier of statement.specifiers) locals.add(specifier.local.name);
    } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        const init = declarator.init ? unwrap(declarator.init) : undefined;
        const required = init?.type === AST_NODE_TYPES.MemberExpression ? unwrap(init.object) : init;
        if (
          required?.type !== AST_NODE_TYPES.CallExpression ||
          required.callee.type !== AST_NODE_TYPES.Identifier ||
          required.callee.name !== 'require' ||
          required.arguments[0]?.type !== AST_NODE_TYPES.Literal ||
          !SHUTDOWN_LIBRARIES.has(String(required.arguments[0].value))
        ) {
          continue;
        }
        if (declarator.id.type === AST_NODE_TYPES.Identifier) locals.add(declarator.id.name);
        else if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
          for (const property of declarator.id.properties) {
            if (property.type === AST_NODE_TYPES.Property && property.value.type === AST_NODE_TYPES.Identifier) locals.add(property.value.name);
          }
        }
      }
    }
  }
  libraryLocalsCache.set(sourceCode.ast, locals);
  return locals;
}

/** `a.b.c` → `a`. */
function rootName(member: TSESTree.MemberExpression): string {
  let object: TSESTree.Node = member.object;
  while (object.type === AST_NODE_TYPES.MemberExpression) object = object.object;
  return object.type === AST_NODE_TYPES.Identifier ? object.name : '';
}

/** True for the global `process` (also `globalThis.process`) and `import process from 'node:process'`. */
export function isProcess(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  const origin = resolveOrigin(sourceCode, node);
  return isGlobal(origin, 'process') || (origin?.module === 'process' && origin.path.length === 0);
}

/** True for `process.<name>` through any spelling: `process.exit`, `const { exit } = process`, `import { exit } from 'node:process'`. */
export function isProcessMember(sourceCode: SourceCode, node: TSESTree.Node, name: string): boolean {
  const origin = resolveOrigin(sourceCode, node);
  return isGlobal(origin, 'process', name) || (origin?.module === 'process' && origin.path.length === 1 && origin.path[0] === name);
}

/**
 * True when an `await` (or `for await`) runs before `node` on its way through `fn`: earlier in
 * the same function, not inside a nested function and not in a sibling branch of an `if`,
 * conditional or `switch` that `node` is not in.
 */
export function hasAwaitBefore(sourceCode: SourceCode, node: TSESTree.Node, fn: FunctionNode): boolean {
  if (!fn.async) return false;
  let found = false;
  walk(fn.body, sourceCode.visitorKeys, (child) => {
    if (found || child.range[0] >= node.range[0]) return false;
    if (child !== fn.body && isFunctionNode(child)) return false;
    if (isExclusiveBranch(child, node)) return false;
    if (
      (child.type === AST_NODE_TYPES.AwaitExpression && child.range[1] <= node.range[0]) ||
      (child.type === AST_NODE_TYPES.ForOfStatement && child.await)
    ) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

/** True when `branch` is one arm of a choice (if/else, `? :`, a switch case) that does not contain `target`. */
function isExclusiveBranch(branch: TSESTree.Node, target: TSESTree.Node): boolean {
  const parent = branch.parent;
  if (!parent || within(target, branch)) return false;
  if (parent.type === AST_NODE_TYPES.IfStatement && branch !== parent.test) return within(target, parent);
  if (parent.type === AST_NODE_TYPES.ConditionalExpression && branch !== parent.test) return within(target, parent);
  if (parent.type === AST_NODE_TYPES.SwitchCase) return false;
  if (branch.type === AST_NODE_TYPES.SwitchCase && parent.type === AST_NODE_TYPES.SwitchStatement) return within(target, parent);
  return false;
}

function within(inner: TSESTree.Node, outer: TSESTree.Node): boolean {
  return inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];
}

/**
 * A function value: an inline function, a local function declaration or `const f = () => …`,
 * `f.bind(...)`, or a method reached through `this.name`. Undefined for anything else.
 */
export function resolveFunction(sourceCode: SourceCode, node: TSESTree.Node, depth = 0): FunctionNode | undefined {
  const value = unwrap(node);
  if (isFunctionNode(value)) return value;
  if (depth > 3) return undefined;
  if (value.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(value), value);
    const definition = variable?.defs[0];
    if (definition?.type === 'FunctionName' && isFunctionNode(definition.node)) return definition.node;
    if (definition?.type === 'Variable' && definition.node.id.type === AST_NODE_TYPES.Identifier && definition.node.init) {
      return resolveFunction(sourceCode, definition.node.init, depth + 1);
    }
    return undefined;
  }
  if (value.type === AST_NODE_TYPES.CallExpression) {
    const callee = unwrap(value.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'bind') {
      return resolveFunction(sourceCode, callee.object, depth + 1);
    }
    return undefined;
  }
  if (value.type === AST_NODE_TYPES.MemberExpression && value.object.type === AST_NODE_TYPES.ThisExpression) {
    const name = getPropertyName(value);
    return name === undefined ? undefined : findClassMethod(value, name);
  }
  return undefined;
}

/** The method or arrow-function property `name` of the class around `node`. */
function findClassMethod(node: TSESTree.Node, name: string): FunctionNode | undefined {
  let current: TSESTree.Node | undefined = node.parent;
  while (current && current.type !== AST_NODE_TYPES.ClassBody) current = current.parent;
  if (!current) return undefined;
  for (const member of current.body) {
    if (
      (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) &&
      getKeyName(member) === name &&
      member.value &&
      isFunctionNode(member.value)
    ) {
      return member.value;
    }
  }
  return undefined;
}

/** The name a function is known by: its id, the variable or property it is assigned to, or its method key. */
export function getFunctionName(fn: FunctionNode): string | undefined {
  if (fn.id) return fn.id.name;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
  if (
    parent?.type === AST_NODE_TYPES.MethodDefinition ||
    parent?.type === AST_NODE_TYPES.PropertyDefinition ||
    parent?.type === AST_NODE_TYPES.Property
  ) {
    return getKeyName(parent);
  }
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression) {
    const left = unwrap(parent.left);
    if (left.type === AST_NODE_TYPES.Identifier) return left.name;
    if (left.type === AST_NODE_TYPES.MemberExpression) return getPropertyName(left);
  }
  return undefined;
}

/**
 * `server.shutdown = async () => …` or `{ shutdown() {} }`: a method of some object (a test
 * server, a plugin), not the program's shutdown path, even when its name says shutdown.
 * Regression: nodejs/undici test/http2-request-never-settles.js.
 */
function isAttachedToObject(fn: FunctionNode): boolean {
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.Property) return true;
  return parent?.type === AST_NODE_TYPES.AssignmentExpression && unwrap(parent.left).type === AST_NODE_TYPES.MemberExpression;
}

/** True when `name` is conventionally a shutdown path (`gracefulShutdown`, `on_sigterm`, …) or listed in `extra`. */
export function isShutdownFunctionName(name: string, extra?: ReadonlySet<string>): boolean {
  const normalised = normaliseName(name);
  return SHUTDOWN_FUNCTION_NAMES.has(normalised) || (extra?.has(normalised) ?? false);
}

function normaliseName(name: string): string {
  return name.replaceAll(/[-_]/g, '').toLowerCase();
}

function computeHandling(sourceCode: SourceCode, options: ShutdownOptions, extraNames: ReadonlySet<string>): FileShutdownHandling {
  const registrations: ShutdownRegistration[] = [];
  const paths = new Map<FunctionNode, ShutdownPath>();
  const named: FunctionNode[] = [];
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const registration = getShutdownRegistration(sourceCode, node, options.runtimeModule);
      if (registration) registrations.push(registration);
    } else if (isFunctionNode(node) && !isAttachedToObject(node)) {
      const name = getFunctionName(node);
      if (name !== undefined && isShutdownFunctionName(name, extraNames)) named.push(node);
    }
  });

  const signals = new Set<string>();
  let handlesSigterm = false;
  for (const registration of registrations) {
    if (!registration.signals) handlesSigterm = true;
    for (const signal of registration.signals ?? []) signals.add(signal);
    for (const fn of registration.handlers) {
      if (!paths.has(fn)) paths.set(fn, { kind: registration.kind, fn, bounded: registration.bounded, callSites: [] });
    }
  }
  if (signals.has('SIGTERM')) handlesSigterm = true;
  for (const fn of named) {
    if (!paths.has(fn)) paths.set(fn, { kind: 'named', fn, bounded: false, callSites: [] });
  }

  // Functions a shutdown path calls directly are part of it: `process.on('SIGTERM', () => stopAll())`.
  let frontier = [...paths.values()];
  for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
    const next: ShutdownPath[] = [];
    for (const path of frontier) {
      for (const call of directCalls(sourceCode, path.fn)) {
        const target = resolveFunction(sourceCode, call.callee);
        if (!target || target === path.fn) continue;
        const existing = paths.get(target);
        if (existing && existing.kind === 'called') {
          (existing.callSites as TSESTree.CallExpression[]).push(call);
          // Bounded only if every way in is bounded.
          if (!path.bounded) (existing as { bounded: boolean }).bounded = false;
          continue;
        }
        // A `shutdown()` that a handler calls is judged by how it is reached (its call sites), not by its name.
        if (existing && existing.kind !== 'named') continue;
        const added: ShutdownPath = { kind: 'called', fn: target, bounded: path.bounded, callSites: [call] };
        paths.set(target, added);
        next.push(added);
      }
    }
    frontier = next;
  }
  return { registrations, signals, handlesSigterm, paths };
}

/** Calls made by `fn` itself, not by the callbacks it creates (those run later, after something). */
function directCalls(sourceCode: SourceCode, fn: FunctionNode): TSESTree.CallExpression[] {
  const calls: TSESTree.CallExpression[] = [];
  walk(fn.body, sourceCode.visitorKeys, (node) => {
    if (node !== fn.body && isFunctionNode(node)) return false;
    if (node.type === AST_NODE_TYPES.CallExpression) calls.push(node);
    return true;
  });
  return calls;
}

/** The literal event names an argument can hold: `'SIGTERM'`, a `const`, or the element of a literal array being iterated. */
function readSignals(sourceCode: SourceCode, node: TSESTree.Node): readonly string[] | undefined {
  const value = unwrap(node);
  if (value.type === AST_NODE_TYPES.Literal) return typeof value.value === 'string' ? [value.value] : [];
  if (value.type === AST_NODE_TYPES.TemplateLiteral && value.expressions.length === 0) {
    return [value.quasis[0]!.value.cooked ?? ''];
  }
  if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(value), value);
  const definition = variable?.defs[0];
  if (!definition) return undefined;
  if (definition.type === 'Variable') {
    const declarator = definition.node;
    const loop = declarator.parent?.parent;
    // for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, …)
    if (loop?.type === AST_NODE_TYPES.ForOfStatement && loop.left === declarator.parent) return readLiteralArray(loop.right);
    if (declarator.init && declarator.id.type === AST_NODE_TYPES.Identifier) return readSignals(sourceCode, declarator.init);
    return undefined;
  }
  if (definition.type === 'Parameter') {
    // ['SIGINT', 'SIGTERM'].forEach((signal) => process.on(signal, …))
    const fn = definition.node;
    const call = fn.parent;
    if (isFunctionNode(fn) && fn.params[0] === definition.name && call?.type === AST_NODE_TYPES.CallExpression) {
      const callee = unwrap(call.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression && (getPropertyName(callee) === 'forEach' || getPropertyName(callee) === 'map')) {
        return readLiteralArray(callee.object);
      }
    }
  }
  return undefined;
}

function readLiteralArray(node: TSESTree.Node): readonly string[] | undefined {
  const value = unwrap(node);
  if (value.type !== AST_NODE_TYPES.ArrayExpression) return undefined;
  const result: string[] = [];
  for (const element of value.elements) {
    if (element?.type !== AST_NODE_TYPES.Literal || typeof element.value !== 'string') return undefined;
    result.push(element.value);
  }
  return result;
}

/** `{ signals: ['SIGTERM'] }` or `{ signal: 'SIGTERM' }` in an options object. */
function readSignalsProperty(sourceCode: SourceCode, object: TSESTree.ObjectExpression): readonly string[] | undefined {
  for (const property of object.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const name = getKeyName(property);
    if (name === 'signals') return readLiteralArray(property.value);
    if (name === 'signal') return readSignals(sourceCode, property.value);
  }
  return undefined;
}

/** `onShutdown(fn, { timeout: Infinity })` opts out of the runtime's deadline. */
function hasInfiniteTimeout(options: TSESTree.Node | undefined): boolean {
  if (options?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  return options.properties.some((property) => {
    if (property.type !== AST_NODE_TYPES.Property || getKeyName(property) !== 'timeout') return false;
    const value = unwrap(property.value);
    if (value.type === AST_NODE_TYPES.Identifier) return value.name === 'Infinity';
    return value.type === AST_NODE_TYPES.MemberExpression && getPropertyName(value) === 'POSITIVE_INFINITY';
  });
}

function isRuntimeModule(module: string, runtimeModule: string): boolean {
  return (
    module === runtimeModule ||
    module === `${runtimeModule}/node` ||
    module === 'cancel-safe' ||
    module === 'cancel-safe/node'
  );
}

/** `default`/`''` stand for the module itself (`require('close-with-grace')(…)`, a default import). */
function isLibraryExport(origin: Origin, exports: readonly string[]): boolean {
  if (origin.path.length === 0) return exports.includes('');
  return origin.path.length === 1 && exports.includes(origin.path[0]!);
}
