import { ASTUtils, type ParserServicesWithTypeInformation, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, type FunctionNode, getEnclosingFunction, getPropertyName, isFunctionNode, unwrap } from './ast';
import { isFromModule, isGlobal, resolveOrigin } from './references';
import { isThenableType } from './signals';

type SourceCode = Readonly<TSESLint.SourceCode>;
type Services = ParserServicesWithTypeInformation | undefined;

/** Methods whose call on anything yields a promise (`p.then(...)`, `p.catch(...)`, `p.finally(...)`). */
export const PROMISE_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

const PROMISE_STATICS = new Set(['resolve', 'reject', 'all', 'allSettled', 'race', 'any']);
/** Built-in modules whose `promises` namespace is promise-returning (`fs.promises.readFile`). */
const PROMISES_NAMESPACES = new Set(['fs', 'timers', 'dns', 'stream', 'readline']);
const MAX_DEPTH = 4;

/**
 * With type information: true when the type of `node` is a thenable (or a union with one), false
 * when it certainly is not, undefined without types or for `any`/`unknown` (callers then fall back
 * to their syntactic reading).
 */
export function isThenableByType(services: Services, node: TSESTree.Node): boolean | undefined {
  if (!services) return undefined;
  const type = services.getTypeAtLocation(node);
  if (type.flags & (1 /* Any */ | 2 /* Unknown */)) return undefined;
  return isThenableType(services, type);
}

/**
 * With type information: true when every call signature of the function-typed `node` returns a
 * thenable (`setInterval(handler)` with `handler: () => Promise<void>`), false when none does,
 * undefined without types or when the type has no call signatures we can read.
 */
export function returnsThenableByType(services: Services, node: TSESTree.Node): boolean | undefined {
  if (!services) return undefined;
  const checker = services.program.getTypeChecker();
  const type = services.getTypeAtLocation(node);
  if (type.flags & (1 /* Any */ | 2 /* Unknown */)) return undefined;
  const signatures = type.getCallSignatures();
  if (signatures.length === 0) return undefined;
  return signatures.some((signature) => {
    const returned = checker.getReturnTypeOfSignature(signature);
    const parts = returned.isUnion() ? returned.types : [returned];
    return parts.some((part) => checker.getPropertyOfType(checker.getApparentType(part), 'then') !== undefined);
  });
}

/**
 * Syntactic reading of "this expression evaluates to a promise": a call of an `async` function
 * (or one returning a promise) declared in this file, `this.method()` of an async method of the
 * enclosing class, `.then/.catch/.finally`, `new Promise`, `Promise.all/...`, `fetch`,
 * `import()`, `fs.promises.*`, `timers/promises`, `events.once`. Unknown calls are false: the
 * syntactic mode reports only what it can see.
 */
export function isPromiseExpression(sourceCode: SourceCode, node: TSESTree.Node, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const expression = unwrap(node);
  switch (expression.type) {
    case AST_NODE_TYPES.ImportExpression:
      return true;
    case AST_NODE_TYPES.NewExpression:
      return isGlobal(resolveOrigin(sourceCode, expression.callee), 'Promise');
    case AST_NODE_TYPES.AwaitExpression:
      return false;
    case AST_NODE_TYPES.Identifier: {
      const init = getConstInit(sourceCode, expression);
      return init !== undefined && isPromiseExpression(sourceCode, init, depth + 1);
    }
    case AST_NODE_TYPES.CallExpression:
      return isPromiseCall(sourceCode, expression, depth);
    default:
      return false;
  }
}

function isPromiseCall(sourceCode: SourceCode, call: TSESTree.CallExpression, depth: number): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression) {
    const name = getPropertyName(callee);
    if (name !== undefined && PROMISE_METHODS.has(name)) return true;
  }
  const origin = resolveOrigin(sourceCode, callee);
  if (origin) {
    if (isGlobal(origin, 'fetch')) return true;
    if (origin.module === undefined && origin.path.length === 2 && origin.path[0] === 'Promise' && PROMISE_STATICS.has(origin.path[1]!)) {
      return true;
    }
    if (origin.module !== undefined && PROMISES_NAMESPACES.has(origin.module) && origin.path[0] === 'promises' && origin.path.length === 2) {
      return true;
    }
    if (isFromModule(origin, 'events', 'once')) return true;
  }
  const local = getLocalFunction(sourceCode, callee);
  return local !== undefined && functionReturnsPromise(sourceCode, local, depth + 1);
}

/**
 * True when the function is `async`, or its body evaluates to a promise on the syntactic reading
 * (a concise arrow `() => refresh()`, or a block whose last statement returns one).
 */
export function functionReturnsPromise(sourceCode: SourceCode, fn: FunctionNode, depth = 0): boolean {
  if (fn.async) return true;
  if (fn.generator || depth > MAX_DEPTH) return false;
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return isPromiseExpression(sourceCode, fn.body, depth + 1);
  const last = fn.body.body.at(-1);
  return last?.type === AST_NODE_TYPES.ReturnStatement && last.argument !== null && isPromiseExpression(sourceCode, last.argument, depth + 1);
}

/**
 * The function a callee or reference denotes when it is declared in this file: a function
 * declaration, a `const f = () => …` / `function` expression, or `this.method` of the enclosing
 * class (a method or an arrow-function property). Undefined when it cannot be seen.
 */
export function getLocalFunction(sourceCode: SourceCode, reference: TSESTree.Node): FunctionNode | undefined {
  const node = unwrap(reference);
  if (node.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
    const definition = variable?.defs[0];
    if (definition?.type === 'FunctionName' && isFunctionNode(definition.node)) return definition.node;
    if (definition?.type === 'Variable' && definition.node.id.type === AST_NODE_TYPES.Identifier) {
      const init = definition.node.init && unwrap(definition.node.init);
      if (init && isFunctionNode(init) && variable!.references.every((r) => !r.isWrite() || r.init === true)) return init;
    }
    return undefined;
  }
  if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression) {
    const name = getPropertyName(node);
    if (name === undefined) return undefined;
    return getClassMember(node, name);
  }
  return undefined;
}

/** The method (or arrow property) `name` of the class whose code contains `node`. */
function getClassMember(node: TSESTree.Node, name: string): FunctionNode | undefined {
  let current: TSESTree.Node | undefined = node.parent;
  // An ordinary `function` rebinds `this`, so only arrows may sit between the use and the class.
  while (current && current.type !== AST_NODE_TYPES.ClassBody) {
    if (current.type === AST_NODE_TYPES.FunctionExpression && current.parent?.type !== AST_NODE_TYPES.MethodDefinition) return undefined;
    if (current.type === AST_NODE_TYPES.FunctionDeclaration) return undefined;
    current = current.parent;
  }
  if (!current) return undefined;
  for (const member of current.body) {
    if (
      (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) &&
      !member.computed &&
      member.key.type === AST_NODE_TYPES.Identifier &&
      member.key.name === name &&
      member.value &&
      isFunctionNode(member.value)
    ) {
      return member.value;
    }
  }
  return undefined;
}

function getConstInit(sourceCode: SourceCode, identifier: TSESTree.Identifier): TSESTree.Expression | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const definition = variable?.defs[0];
  if (!variable || definition?.type !== 'Variable' || definition.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (!definition.node.init || !variable.references.every((r) => !r.isWrite() || r.init === true)) return undefined;
  return definition.node.init;
}

/** True when `node` sits in the executor of `new Promise(...)`: what it settles flows into that promise. */
export function isInPromiseExecutor(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  const fn = getEnclosingFunction(node);
  const parent = fn?.parent;
  return (
    parent?.type === AST_NODE_TYPES.NewExpression &&
    parent.arguments[0] === fn &&
    isGlobal(resolveOrigin(sourceCode, parent.callee), 'Promise')
  );
}
