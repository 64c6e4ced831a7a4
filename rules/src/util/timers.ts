import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  AST_NODE_TYPES,
  getCalleeName,
  getEnclosingFunction,
  getPropertyName,
  isFunctionNode,
  someCall,
  unwrap,
  walk,
} from './ast';
import { getLocalFunction } from './promises';
import { isFromModule, isGlobal, resolveOrigin } from './references';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Names conventionally given to promise-returning delay helpers (`sleep(ms)`, `delay(ms)`). */
export const DELAY_FUNCTION_NAMES: ReadonlySet<string> = new Set(['sleep', 'delay', 'wait', 'pause', 'setTimeoutPromise']);

/** A promise that settles after a delay, as found in a race. */
export interface TimerPromise {
  /** The expression that creates the timer promise (after resolving a `const` alias). */
  readonly node: TSESTree.Expression;
  /** The delay argument, when it can be seen. */
  readonly delay: TSESTree.Expression | undefined;
  /** How the timer is released when the race is decided, or `undefined` when it never is. */
  readonly release: 'clearTimeout' | 'signal' | 'unref' | undefined;
}

/** True for the global `setTimeout` (also through `globalThis`, `window`, `require('timers')`). */
export function isSetTimeoutCallee(sourceCode: SourceCode, callee: TSESTree.Node): boolean {
  const origin = resolveOrigin(sourceCode, callee);
  return isGlobal(origin, 'setTimeout') || isFromModule(origin, 'timers', 'setTimeout');
}

/** True for the global `clearTimeout` (also through `globalThis`, `window`, `require('timers')`). */
export function isClearTimeoutCallee(sourceCode: SourceCode, callee: TSESTree.Node): boolean {
  const origin = resolveOrigin(sourceCode, callee);
  return isGlobal(origin, 'clearTimeout') || isFromModule(origin, 'timers', 'clearTimeout');
}

/**
 * Recognises a timer promise: `new Promise((r) => setTimeout(r, ms))`, `timers/promises`
 * `setTimeout(ms)`, a `sleep/delay/wait(ms)` helper, a `const` bound to one of those, or a call
 * of a function in the same file that returns one. `scope` is the function whose code may release
 * the timer (clear it or abort its signal) once the race is decided.
 */
export function getTimerPromise(
  sourceCode: SourceCode,
  expression: TSESTree.Node,
  scope: TSESTree.Node,
  depth = 0,
): TimerPromise | undefined {
  if (depth > 3) return undefined;
  const node = unwrap(expression);
  if (node.type === AST_NODE_TYPES.Identifier) {
    const init = getConstInitializer(sourceCode, node);
    return init ? getTimerPromise(sourceCode, init, scope, depth + 1) : undefined;
  }
  if (node.type === AST_NODE_TYPES.NewExpression) return getPromiseConstructorTimer(sourceCode, node, scope);
  if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;

  const origin = resolveOrigin(sourceCode, node.callee);
  const isTimersPromisesSetTimeout = isFromModule(origin, 'timers', 'promises', 'setTimeout');
  const name = getCalleeName(node);
  if (isTimersPromisesSetTimeout || (name !== undefined && DELAY_FUNCTION_NAMES.has(name) && !isKnownNonTimer(origin))) {
    // timers/promises: setTimeout(delay, value, { signal }); sleep/delay helpers: (ms, { signal }).
    const options = node.arguments[isTimersPromisesSetTimeout ? 2 : 1] ?? node.arguments.at(-1);
    const signal = options ? getSignalProperty(options) : undefined;
    const released = signal !== undefined && isSignalAbortedIn(sourceCode, signal, scope);
    const delayArgument = node.arguments[0];
    return {
      node,
      delay: delayArgument && delayArgument.type !== AST_NODE_TYPES.SpreadElement ? delayArgument : undefined,
      release: released ? 'signal' : undefined,
    };
  }
  // A plain call of a function declared in this file (`timeoutAfter(ms)`), not a method.
  const local = unwrap(node.callee).type === AST_NODE_TYPES.Identifier ? getLocalFunction(sourceCode, node.callee) : undefined;
  if (local) {
    const returned = getReturnedExpression(local);
    if (!returned) return undefined;
    const inner = getTimerPromise(sourceCode, returned, local, depth + 1);
    if (!inner) return undefined;
    const delayArgument = node.arguments[0];
    return {
      node,
      delay: delayArgument && delayArgument.type !== AST_NODE_TYPES.SpreadElement ? delayArgument : undefined,
      release: inner.release,
    };
  }
  return undefined;
}

/** `cancel-safe`'s `timeout` and the like are not delays even when a helper is called `wait`. */
function isKnownNonTimer(origin: ReturnType<typeof resolveOrigin>): boolean {
  return origin?.module === 'events' || origin?.module === 'child_process';
}

function getPromiseConstructorTimer(
  sourceCode: SourceCode,
  node: TSESTree.NewExpression,
  scope: TSESTree.Node,
): TimerPromise | undefined {
  if (!isGlobal(resolveOrigin(sourceCode, node.callee), 'Promise')) return undefined;
  const executor = node.arguments[0];
  if (!executor || !isFunctionNode(executor)) return undefined;
  let timerCall: TSESTree.CallExpression | undefined;
  walk(executor.body, sourceCode.visitorKeys, (child) => {
    if (timerCall) return false;
    if (child.type === AST_NODE_TYPES.CallExpression && isSetTimeoutCallee(sourceCode, child.callee)) {
      timerCall = child;
      return false;
    }
    return true;
  });
  if (!timerCall) return undefined;
  const delayArgument = timerCall.arguments[1];
  return {
    node,
    delay: delayArgument && delayArgument.type !== AST_NODE_TYPES.SpreadElement ? delayArgument : undefined,
    release: getTimerRelease(sourceCode, timerCall, executor, scope),
  };
}

/** How a `setTimeout(...)` created in a promise executor is released after the race, if at all. */
function getTimerRelease(
  sourceCode: SourceCode,
  timerCall: TSESTree.CallExpression,
  executor: TSESTree.Node,
  scope: TSESTree.Node,
): TimerPromise['release'] {
  const parent = timerCall.parent;
  // setTimeout(...).unref(): the timer no longer holds the process open.
  if (
    parent?.type === AST_NODE_TYPES.MemberExpression &&
    parent.object === timerCall &&
    getPropertyName(parent) === 'unref'
  ) {
    return 'unref';
  }
  const id = getAssignedIdentifier(timerCall);
  if (!id) return undefined;
  if (hasCall(sourceCode, executor, (call) => asMemberName(call.callee) === 'unref' && isNamed(getReceiverOf(call), id))) {
    return 'unref';
  }
  const clearedHere = hasCall(
    sourceCode,
    scope,
    (call) => isClearTimeoutCallee(sourceCode, call.callee) && isNamed(call.arguments[0], id),
  );
  if (!clearedHere) return undefined;
  // Cleared only inside the executor (e.g. from an abort listener): released if something aborts.
  const clearedOutsideExecutor = hasCall(
    sourceCode,
    scope,
    (call) =>
      isClearTimeoutCallee(sourceCode, call.callee) &&
      isNamed(call.arguments[0], id) &&
      !(call.range[0] >= executor.range[0] && call.range[1] <= executor.range[1]),
  );
  if (clearedOutsideExecutor) return 'clearTimeout';
  return hasCall(sourceCode, scope, (call) => asMemberName(call.callee) === 'abort') ? 'signal' : undefined;
}

function asMember(node: TSESTree.Node): TSESTree.MemberExpression | undefined {
  const unwrapped = unwrap(node);
  return unwrapped.type === AST_NODE_TYPES.MemberExpression ? unwrapped : undefined;
}

function asMemberName(node: TSESTree.Node): string | undefined {
  const member = asMember(node);
  return member ? getPropertyName(member) : undefined;
}

function getReceiverOf(call: TSESTree.CallExpression): TSESTree.Node | undefined {
  return asMember(call.callee)?.object;
}

function isNamed(node: TSESTree.Node | undefined, name: string): boolean {
  if (!node) return false;
  const unwrapped = unwrap(node);
  if (unwrapped.type === AST_NODE_TYPES.Identifier) return unwrapped.name === name;
  if (unwrapped.type === AST_NODE_TYPES.MemberExpression) {
    return getPropertyName(unwrapped) === name.split('.').at(-1) && name.includes('.');
  }
  return false;
}

/** `id = setTimeout(...)`, `const id = setTimeout(...)`, `this.timer = setTimeout(...)` → the name. */
function getAssignedIdentifier(call: TSESTree.CallExpression): string | undefined {
  const parent = call.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) {
    return parent.id.name;
  }
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === call) {
    const left = unwrap(parent.left);
    if (left.type === AST_NODE_TYPES.Identifier) return left.name;
    if (left.type === AST_NODE_TYPES.MemberExpression) {
      const name = getPropertyName(left);
      return name === undefined ? undefined : `this.${name}`;
    }
  }
  return undefined;
}

function hasCall(
  sourceCode: SourceCode,
  root: TSESTree.Node,
  predicate: (call: TSESTree.CallExpression) => boolean,
): boolean {
  return someCall(root, sourceCode.visitorKeys, predicate);
}

/** `{ signal }` / `{ signal: x.signal }` in an options argument → the signal expression. */
export function getSignalProperty(options: TSESTree.Node): TSESTree.Node | undefined {
  const node = unwrap(options);
  if (node.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  for (const property of node.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const key = !property.computed && property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : undefined;
    if (key === 'signal') return property.value;
  }
  return undefined;
}

/**
 * True when the controller behind `signal` is aborted somewhere in `scope`: `ac.signal` with an
 * `ac.abort()`, or a `token.signal` with `token.cancel()`, or a bare `signal` whose controller
 * (`const signal = ac.signal`) is aborted.
 */
export function isSignalAbortedIn(sourceCode: SourceCode, signal: TSESTree.Node, scope: TSESTree.Node): boolean {
  let owner = unwrap(signal);
  if (owner.type === AST_NODE_TYPES.Identifier) {
    const init = getConstInitializer(sourceCode, owner);
    if (init) owner = unwrap(init);
  }
  if (owner.type !== AST_NODE_TYPES.MemberExpression || getPropertyName(owner) !== 'signal') return false;
  const controllerText = sourceCode.getText(owner.object);
  return hasCall(sourceCode, scope, (call) => {
    const member = asMember(call.callee);
    if (!member) return false;
    const method = getPropertyName(member);
    return (method === 'abort' || method === 'cancel') && sourceCode.getText(member.object) === controllerText;
  });
}

/** The initializer of a `const` (or never-reassigned `let`) binding, if it has one. */
export function getConstInitializer(sourceCode: SourceCode, identifier: TSESTree.Identifier): TSESTree.Expression | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const definition = variable?.defs[0];
  if (!variable || definition?.type !== 'Variable') return undefined;
  const declarator = definition.node;
  if (declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return undefined;
  if (!variable.references.every((reference) => !reference.isWrite() || reference.init === true)) return undefined;
  return declarator.init;
}

function getReturnedExpression(fn: TSESTree.Node): TSESTree.Expression | undefined {
  if (!isFunctionNode(fn)) return undefined;
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return fn.body;
  for (const statement of fn.body.body) {
    if (statement.type === AST_NODE_TYPES.ReturnStatement && statement.argument) return statement.argument;
  }
  return undefined;
}

/** The function whose code runs around the race (where a timer would be cleared), or the program. */
export function getReleaseScope(node: TSESTree.Node): TSESTree.Node {
  let scope: TSESTree.Node | undefined = getEnclosingFunction(node);
  if (!scope) {
    scope = node;
    while (scope.parent) scope = scope.parent;
  }
  return scope;
}
