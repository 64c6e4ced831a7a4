import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, getCalleeName, getKeyName, getMethodName, getPropertyName, isFunctionNode, sourceMayMention, unwrap, walk } from './ast';
import { isFromModule, isGlobal, resolveOrigin } from './references';
import type { CancelSafeSettings } from './settings';

/** A call to a race helper and the promises it races. */
export interface RaceCall {
  readonly call: TSESTree.CallExpression;
  /** The raced elements, with array spreads of literal arrays flattened; holes and other spreads dropped. */
  readonly elements: readonly TSESTree.Expression[];
  /** True when the raced iterable had parts we could not see (a spread of a variable, a non-literal). */
  readonly hasUnknownElements: boolean;
}

/**
 * Recognises `Promise.race([...])`, `Promise.any([...])` (unless `Promise` is shadowed) and the
 * callees named in `settings['cancel-safe'].raceHelpers`.
 */
export function getRaceCall(
  sourceCode: Readonly<TSESLint.SourceCode>,
  settings: CancelSafeSettings,
  call: TSESTree.CallExpression,
): RaceCall | undefined {
  if (!isRaceHelper(sourceCode, settings, call.callee)) return undefined;
  const argument = call.arguments[0];
  if (!argument) return undefined;
  const elements: TSESTree.Expression[] = [];
  const unwrapped = unwrap(argument);
  if (unwrapped.type !== AST_NODE_TYPES.ArrayExpression) return { call, elements, hasUnknownElements: true };
  let hasUnknownElements = false;
  for (const element of unwrapped.elements) {
    if (!element) continue;
    if (element.type === AST_NODE_TYPES.SpreadElement) {
      const spread = unwrap(element.argument);
      if (spread.type === AST_NODE_TYPES.ArrayExpression) {
        for (const inner of spread.elements) if (inner && inner.type !== AST_NODE_TYPES.SpreadElement) elements.push(inner);
      } else hasUnknownElements = true;
      continue;
    }
    elements.push(element);
  }
  return { call, elements, hasUnknownElements };
}

/**
 * False when no call in the file can be a race helper: no `race`/`any` word (for `Promise.race`,
 * `Promise.any`) and no `raceHelpers` configured. Race rules return no listeners then, instead of
 * testing every call of the file.
 */
export function fileMayRace(sourceCode: Readonly<TSESLint.SourceCode>, settings: CancelSafeSettings): boolean {
  return settings.raceHelpers.length > 0 || sourceMayMention(sourceCode.text, /\b(?:race|any)\b/);
}

export function isRaceHelper(
  sourceCode: Readonly<TSESLint.SourceCode>,
  settings: CancelSafeSettings,
  callee: TSESTree.Node,
): boolean {
  // Resolving an origin walks scopes; most calls are ruled out by their property name alone.
  const unwrapped = unwrap(callee);
  const name = unwrapped.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(unwrapped) : undefined;
  if (name === 'race' || name === 'any') {
    const origin = resolveOrigin(sourceCode, callee);
    if (isGlobal(origin, 'Promise', 'race') || isGlobal(origin, 'Promise', 'any')) return true;
  }
  if (settings.raceHelpers.length === 0) return false;
  const text = sourceCode.getText(unwrap(callee)).replace(/\s+/g, '').replace(/\?\./g, '.');
  return settings.raceHelpers.includes(text);
}

/** Method names that take a value out of their source: losing a race with one drops that value. */
export const DEFAULT_CONSUMING_METHODS: readonly string[] = Object.freeze([
  'read',
  'next',
  'recv',
  'receive',
  'take',
  'dequeue',
  'pop',
  'shift',
  'question',
]);

/** Receiver types (by name, with type information) whose `read()`/`next()`/`question()` consume. */
const CONSUMING_RECEIVER_TYPES = new Set([
  'ReadableStreamDefaultReader',
  'ReadableStreamBYOBReader',
  'AsyncIterator',
  'AsyncGenerator',
  'AsyncIterableIterator',
  'AsyncIterableIteratorObject',
  'Interface',
]);

/** A consuming operation found in a race: what it is and the call that performs it. */
export interface ConsumingOperation {
  readonly call: TSESTree.CallExpression | TSESTree.NewExpression;
  /** `'method'` (`reader.read()`), `'once'` (`events.once`), or `'listener'` (a `new Promise` that registers one). */
  readonly kind: 'method' | 'once' | 'listener';
  /** True when the operation can take an AbortSignal (`{ signal }` as its options): `recv()`, `events.once`. */
  readonly acceptsSignal: boolean;
}

/** How {@link getConsumingOperation} decides: configured methods and optional type information. */
export interface ConsumingOptions {
  readonly methods: ReadonlySet<string>;
  readonly checkEventPromises: boolean;
  /** Type services, when the file has them: a call whose result is not a promise never consumes. */
  readonly isThenable?: (node: TSESTree.Node) => boolean;
  /** Type services: the names of the receiver's type, to confirm `read()`/`next()` receivers. */
  readonly receiverTypeNames?: (node: TSESTree.Node) => readonly string[] | undefined;
}

/**
 * Recognises an operation that takes data out of a source (a "consuming read"): `reader.read()`,
 * `iterator.next()`, `rl.question()`, `x.recv()`/`take()`/`dequeue()`/`pop()`/`shift()` (the
 * configured `methods`), `events.once(emitter, event)`, and a `new Promise` whose executor
 * registers `emitter.once/on(...)` or `addEventListener(...)`. A call that already receives an
 * AbortSignal is not reported: cancelling it is then the caller's business.
 */
export function getConsumingOperation(
  sourceCode: Readonly<TSESLint.SourceCode>,
  expression: TSESTree.Node,
  options: ConsumingOptions,
): ConsumingOperation | undefined {
  const node = unwrap(expression);
  if (node.type === AST_NODE_TYPES.NewExpression) {
    if (!options.checkEventPromises || !isGlobal(resolveOrigin(sourceCode, node.callee), 'Promise')) return undefined;
    const executor = node.arguments[0];
    if (!executor || !isFunctionNode(executor)) return undefined;
    return registersListener(sourceCode, executor) ? { call: node, kind: 'listener', acceptsSignal: false } : undefined;
  }
  if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
  if (hasSignalArgument(node)) return undefined;
  const origin = resolveOrigin(sourceCode, node.callee);
  if (isFromModule(origin, 'events', 'once')) return { call: node, kind: 'once', acceptsSignal: true };
  const callee = unwrap(node.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = getPropertyName(callee);
  if (method === undefined || !options.methods.has(method)) return undefined;
  if (options.isThenable && !options.isThenable(node)) return undefined;
  const receiver = unwrap(callee.object);
  const typeNames = options.receiverTypeNames?.(receiver);
  if (method === 'read' || method === 'next' || method === 'question') {
    if (typeNames) {
      if (!typeNames.some((name) => CONSUMING_RECEIVER_TYPES.has(name))) return undefined;
    } else if (method === 'read' && !isReaderLike(sourceCode, receiver)) {
      return undefined;
    }
  }
  return { call: node, kind: 'method', acceptsSignal: method === 'recv' || method === 'receive' || method === 'take' };
}

function hasSignalArgument(call: TSESTree.CallExpression): boolean {
  return call.arguments.some((argument) => {
    const node = unwrap(argument);
    if (node.type === AST_NODE_TYPES.Identifier) return /signal|token/i.test(node.name);
    if (node.type === AST_NODE_TYPES.MemberExpression) return /signal/i.test(getPropertyName(node) ?? '');
    return (
      node.type === AST_NODE_TYPES.ObjectExpression &&
      node.properties.some((property) => property.type === AST_NODE_TYPES.Property && getKeyName(property) === 'signal')
    );
  });
}

/** `reader.read()`, `stream.getReader().read()`, or a local bound to `x.getReader()`. */
function isReaderLike(sourceCode: Readonly<TSESLint.SourceCode>, receiver: TSESTree.Node): boolean {
  let node = receiver;
  if (node.type === AST_NODE_TYPES.Identifier) {
    if (/reader/i.test(node.name)) return true;
    const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
    const definition = variable?.defs[0];
    if (definition?.type !== 'Variable' || !definition.node.init) return false;
    node = unwrap(definition.node.init);
    if (node.type === AST_NODE_TYPES.AwaitExpression) return false;
  }
  if (node.type === AST_NODE_TYPES.MemberExpression) return /reader/i.test(getPropertyName(node) ?? '');
  if (node.type === AST_NODE_TYPES.CallExpression) return getCalleeName(node) === 'getReader';
  return false;
}

/**
 * True when the executor (not counting nested functions) registers an event listener that takes
 * an event out of an emitter: `x.once/on/addListener(...)`, `x.addEventListener(...)`. An `'abort'`
 * listener on a signal takes no data (no-abort-listener-leak covers it), and a registration
 * given its own `{ signal }` is removed when that signal aborts.
 */
function registersListener(sourceCode: Readonly<TSESLint.SourceCode>, executor: TSESTree.Node): boolean {
  let found = false;
  walk(executor, sourceCode.visitorKeys, (child) => {
    if (found) return false;
    if (child !== executor && isFunctionNode(child)) return false;
    if (child.type !== AST_NODE_TYPES.CallExpression) return true;
    const name = getMethodName(child);
    if (name !== 'once' && name !== 'on' && name !== 'addListener' && name !== 'addEventListener') return true;
    const event = child.arguments[0] && unwrap(child.arguments[0]);
    if (!event || child.arguments.length < 2) return true;
    if (event.type === AST_NODE_TYPES.Literal && event.value === 'abort') return true;
    if (hasSignalArgument(child)) return true;
    found = true;
    return false;
  });
  return found;
}
