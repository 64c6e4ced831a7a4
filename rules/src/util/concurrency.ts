import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { getCalleeName, getMethodName, getPropertyName, getReceiver, isFunctionNode, unwrap, walk } from './ast';
import { resolveOrigin } from './references';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Packages whose exports bound concurrency (`pLimit(4)`, `new PQueue({ concurrency })`, `new Sema(4)`). */
const LIMITER_MODULES = new Set([
  'p-limit', 'p-queue', 'p-throttle', 'async-sema', 'bottleneck', 'p-map', 'p-all', 'p-series', 'async-mutex', 'cancel-safe',
]);
/** Names of values that bound concurrency when called or when their methods are called. */
const LIMITER_NAME = /^(?:limit|limiter|throttle|throttled|sem|sema|semaphore|mutex|lock|pool|queue|scheduler)$|(?:Limit|Limiter|Throttle|Sem|Sema|Semaphore|Mutex|Lock|Pool|Queue|Scheduler)$/;
/** Methods that take a permit, a slot or a place in a bounded queue. */
const LIMITER_METHODS = new Set(['acquire', 'tryAcquire', 'run', 'runExclusive', 'schedule', 'add', 'wrap', 'withPermit', 'use', 'submit']);
/** Callees that already bound concurrency themselves. */
const BOUNDED_HELPERS = new Set(['mapConcurrent', 'pMap', 'mapLimit', 'eachLimit', 'mapSeries', 'eachSeries', 'pAll', 'pSeries']);

/**
 * True when `root` (a mapper or a loop body) runs its work through a concurrency limiter: a
 * `limit(() => …)` made by p-limit or named like one, `sem.acquire()`, `queue.add(…)`,
 * `limiter.schedule(…)`, the runtime's `Semaphore`/`mapConcurrent`, or a callee listed in
 * `extraNames`.
 */
export function usesLimiter(sourceCode: SourceCode, root: TSESTree.Node, extraNames: ReadonlySet<string>): boolean {
  let found = false;
  walk(root, sourceCode.visitorKeys, (node) => {
    if (found) return false;
    if (node.type === AST_NODE_TYPES.CallExpression && isLimiterCall(sourceCode, node, extraNames)) found = true;
    return !found;
  });
  return found;
}

function isLimiterCall(sourceCode: SourceCode, call: TSESTree.CallExpression, extraNames: ReadonlySet<string>): boolean {
  const calleeText = sourceCode.getText(unwrap(call.callee)).replace(/\?\./g, '.');
  if (extraNames.has(calleeText)) return true;
  const name = getCalleeName(call);
  if (name !== undefined && (BOUNDED_HELPERS.has(name) || extraNames.has(name))) return true;
  const callee = unwrap(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) {
    return LIMITER_NAME.test(callee.name) || isMadeByLimiterModule(sourceCode, callee);
  }
  const method = getMethodName(call);
  const receiver = getReceiver(call);
  if (method === undefined || !receiver || !LIMITER_METHODS.has(method)) return false;
  if (method === 'acquire' || method === 'tryAcquire' || method === 'runExclusive' || method === 'withPermit') return true;
  const receiverNode = unwrap(receiver);
  const receiverName =
    receiverNode.type === AST_NODE_TYPES.Identifier
      ? receiverNode.name
      : receiverNode.type === AST_NODE_TYPES.MemberExpression && receiverNode.property.type === AST_NODE_TYPES.Identifier
        ? receiverNode.property.name
        : undefined;
  if (receiverName !== undefined && (LIMITER_NAME.test(receiverName) || extraNames.has(receiverName))) return true;
  return receiverNode.type === AST_NODE_TYPES.Identifier && isMadeByLimiterModule(sourceCode, receiverNode);
}

/** `const limit = pLimit(4)` / `const queue = new PQueue(...)` with the factory imported from a limiter package. */
function isMadeByLimiterModule(sourceCode: SourceCode, identifier: TSESTree.Identifier): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const definition = variable?.defs[0];
  if (definition?.type !== 'Variable' || !definition.node.init) return false;
  const init = unwrap(definition.node.init);
  if (init.type !== AST_NODE_TYPES.CallExpression && init.type !== AST_NODE_TYPES.NewExpression) return false;
  const origin = resolveOrigin(sourceCode, init.callee);
  return origin?.module !== undefined && LIMITER_MODULES.has(origin.module);
}

const BATCH_NAME = /^(?:batch|chunk|page|slice|window|group)|(?:Batch|Chunk|Page|Slice|Window|Group)$/;
const BATCHING_CALLEE = /chunk|batch|split|partition|paginat|group|window/i;

/**
 * True when `collection` is bounded where it is used: an array literal, a `.slice()`/`.splice()`
 * of something, a value named like a batch (`batch`, `chunk`, `pageItems`), or the variable of a
 * `for (const batch of chunks(xs, n))` loop.
 */
export function isBoundedCollection(sourceCode: SourceCode, collection: TSESTree.Node): boolean {
  const node = unwrap(collection);
  if (node.type === AST_NODE_TYPES.ArrayExpression) return !node.elements.some((element) => element?.type === AST_NODE_TYPES.SpreadElement);
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const method = getMethodName(node);
    return method === 'slice' || method === 'splice';
  }
  if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier) {
    return BATCH_NAME.test(node.property.name);
  }
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  if (BATCH_NAME.test(node.name)) return true;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
  const definition = variable?.defs[0];
  if (definition?.type !== 'Variable') return false;
  const declaration = definition.node.parent;
  const loop = declaration?.parent;
  if (loop?.type === AST_NODE_TYPES.ForOfStatement && loop.left === declaration) {
    const iterable = unwrap(loop.right);
    if (iterable.type === AST_NODE_TYPES.CallExpression) {
      const name = getCalleeName(iterable);
      return name !== undefined && BATCHING_CALLEE.test(name);
    }
    return false;
  }
  const init = definition.node.init ? unwrap(definition.node.init) : undefined;
  if (init?.type === AST_NODE_TYPES.ArrayExpression) return isBoundedCollection(sourceCode, init) && isNeverGrown(variable!);
  if (init?.type === AST_NODE_TYPES.CallExpression) {
    const method = getMethodName(init);
    return method === 'slice' || method === 'splice';
  }
  return false;
}

/** A `const xs = [a, b]` that nobody pushes to stays a literal. */
function isNeverGrown(variable: TSESLint.Scope.Variable): boolean {
  return variable.references.every((reference) => {
    const parent = reference.identifier.parent;
    if (reference.isWrite() && !reference.init) return false;
    if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== reference.identifier) return true;
    const call = parent.parent;
    const method = getPropertyName(parent);
    return !(call?.type === AST_NODE_TYPES.CallExpression && call.callee === parent && (method === 'push' || method === 'unshift' || method === 'splice'));
  });
}

/** The function a mapper argument refers to: an inline function, or a local function declaration/const. */
export function getMapperFunction(sourceCode: SourceCode, mapper: TSESTree.Node): TSESTree.Node | undefined {
  const node = unwrap(mapper);
  if (isFunctionNode(node)) return node;
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
  const definition = variable?.defs[0];
  if (definition?.type === 'FunctionName') return definition.node;
  if (definition?.type === 'Variable' && definition.node.init && isFunctionNode(unwrap(definition.node.init))) {
    return unwrap(definition.node.init);
  }
  return undefined;
}
