import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  AST_NODE_TYPES,
  getCalleeName,
  getEnclosingLoop,
  getMethodName,
  getPropertyName,
  getReceiver,
  isFunctionNode,
  someCall,
  unwrap,
  walk,
} from './ast';
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
  return someCall(root, sourceCode.visitorKeys, (call) => isLimiterCall(sourceCode, call, extraNames));
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
export function isBoundedCollection(sourceCode: SourceCode, collection: TSESTree.Node, depth = 0): boolean {
  if (depth > 4) return false;
  const node = unwrap(collection);
  if (node.type === AST_NODE_TYPES.ArrayExpression) {
    // `[...Array(n)]`, `[...Array(n).keys()]`: n workers, the usual hand-written pool.
    const [only] = node.elements;
    if (node.elements.length === 1 && only?.type === AST_NODE_TYPES.SpreadElement) return isSizedArray(sourceCode, only.argument, depth);
    return !node.elements.some((element) => element?.type === AST_NODE_TYPES.SpreadElement);
  }
  if (node.type === AST_NODE_TYPES.AwaitExpression) {
    // `const responses = await Promise.all([a, b])`: as many results as the literal had elements.
    const inner = unwrap(node.argument);
    return inner.type === AST_NODE_TYPES.CallExpression && inner.arguments[0] !== undefined && isBoundedCollection(sourceCode, inner.arguments[0], depth + 1);
  }
  if (isSizedArray(sourceCode, node, depth)) return true;
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const method = getMethodName(node);
    if (method === 'slice' || method === 'splice') return true;
    // `makeQueries(batchSize)`: a collection made to a batch size.
    if (node.arguments.some((argument) => argument.type === AST_NODE_TYPES.Identifier && BATCHING_CALLEE.test(argument.name))) return true;
    // `xs.map(...)` / `xs.filter(...)` of a bounded collection is as bounded.
    const receiver = getReceiver(node);
    return (method === 'map' || method === 'filter') && receiver !== undefined && isBoundedCollection(sourceCode, receiver, depth + 1);
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
  if (!init || !variable!.references.every((reference) => !reference.isWrite() || reference.init === true)) return false;
  if (init.type === AST_NODE_TYPES.ArrayExpression) return isBoundedCollection(sourceCode, init, depth + 1) && isNeverGrown(sourceCode, variable!);
  return isBoundedCollection(sourceCode, init, depth + 1);
}

/** `Array(n)`, `new Array(n)`, `Array.from({ length: n })`, `Array.from(Array(n))`, `Array(n).keys()`. */
function isSizedArray(sourceCode: SourceCode, expression: TSESTree.Node, depth: number): boolean {
  const node = unwrap(expression);
  if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) return false;
  const callee = unwrap(node.callee);
  if (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'Array') return node.arguments.length === 1;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const method = getPropertyName(callee);
  if (method === 'keys' || method === 'fill') return isSizedArray(sourceCode, callee.object, depth);
  if (method !== 'from' || callee.object.type !== AST_NODE_TYPES.Identifier || callee.object.name !== 'Array') return false;
  const source = node.arguments[0] ? unwrap(node.arguments[0]) : undefined;
  if (source?.type === AST_NODE_TYPES.ObjectExpression) {
    return source.properties.some((property) => property.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === 'length');
  }
  return source !== undefined && (isSizedArray(sourceCode, source, depth) || isBoundedCollection(sourceCode, source, depth + 1));
}

/** A numeric literal, or a `const` initialised with one (`const N = 10`) or with a batch-sized bound (`Math.min(start + batchSize, total)`). */
export function isConstantNumber(sourceCode: SourceCode, expression: TSESTree.Node): boolean {
  const node = unwrap(expression);
  if (node.type === AST_NODE_TYPES.Literal) return typeof node.value === 'number';
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
  const definition = variable?.defs[0];
  if (definition?.type !== 'Variable' || definition.parent.kind !== 'const' || !definition.node.init) return false;
  const init = unwrap(definition.node.init);
  if (init.type === AST_NODE_TYPES.Literal) return typeof init.value === 'number';
  let batchSized = false;
  walk(init, sourceCode.visitorKeys, (child) => {
    if (child.type === AST_NODE_TYPES.Identifier && BATCHING_CALLEE.test(child.name)) batchSized = true;
    return !batchSized;
  });
  return batchSized;
}

/** Methods that release what they are called on: running them for every item frees resources instead of taking them. */
const RELEASE_METHODS = new Set(['close', 'end', 'destroy', 'disconnect', 'terminate', 'dispose', 'stop', 'abort', 'cancel', 'kill', 'unref', 'removeAllListeners', 'quit', 'shutdown']);

/**
 * True when `work` (a mapper function or a pushed promise) only releases resources:
 * `clients.map((c) => c.close())`, `for (const p of pools) closing.push(p.destroy(err))`.
 * Shutting down N things you already hold takes nothing new, so it needs no bound.
 */
export function isReleaseWork(sourceCode: SourceCode, work: TSESTree.Node): boolean {
  const node = unwrap(work);
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const method = getMethodName(node);
    return method !== undefined && RELEASE_METHODS.has(method);
  }
  if (!isFunctionNode(node)) return false;
  if (node.body.type !== AST_NODE_TYPES.BlockStatement) return isReleaseWork(sourceCode, node.body);
  const calls: TSESTree.CallExpression[] = [];
  walk(node.body, sourceCode.visitorKeys, (child) => {
    if (child !== node.body && isFunctionNode(child)) return false;
    if ((child.type === AST_NODE_TYPES.AwaitExpression || child.type === AST_NODE_TYPES.ReturnStatement) && child.argument) {
      const argument = unwrap(child.argument);
      if (argument.type === AST_NODE_TYPES.CallExpression) calls.push(argument);
    }
    return true;
  });
  return calls.length > 0 && calls.every((call) => isReleaseWork(sourceCode, call));
}

/**
 * A `const xs = [a, b]` that nobody pushes to stays a literal; one filled only by loops with a
 * constant count (`for (let i = 0; i < 10; i++) clients.push(...)`) is as bounded.
 */
function isNeverGrown(sourceCode: SourceCode, variable: TSESLint.Scope.Variable): boolean {
  return variable.references.every((reference) => {
    const parent = reference.identifier.parent;
    if (reference.isWrite() && !reference.init) return false;
    if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== reference.identifier) return true;
    const call = parent.parent;
    const method = getPropertyName(parent);
    if (!(call?.type === AST_NODE_TYPES.CallExpression && call.callee === parent && (method === 'push' || method === 'unshift' || method === 'splice'))) return true;
    const loop = getEnclosingLoop(call);
    return (
      loop?.type === AST_NODE_TYPES.ForStatement &&
      loop.test?.type === AST_NODE_TYPES.BinaryExpression &&
      isConstantNumber(sourceCode, loop.test.right) &&
      getEnclosingLoop(loop) === undefined
    );
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
