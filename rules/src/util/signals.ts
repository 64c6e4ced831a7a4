import { ASTUtils, type ParserServicesWithTypeInformation, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { AST_NODE_TYPES, getEnclosingFunction, getKeyName, getPropertyName, isFunctionNode, unwrap, type FunctionNode } from './ast';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** An AbortSignal a function can hand on: how to write it at a call site and where it comes from. */
export interface SignalInScope {
  /** Source text that evaluates to the signal at the call site: `signal`, `token.signal`, `options.signal`. */
  readonly text: string;
  /** The declaration the signal comes from (a parameter or a destructuring), for a secondary location. */
  readonly declaration: TSESTree.Node;
}

const SIGNAL_NAME = /^(?:signal|abortSignal|cancelSignal|[a-z]\w*Signal)$/;
const TOKEN_TYPE_NAMES = new Set(['CancellationToken']);

/** True for a TypeScript type that is (or, through a union, may be) `AbortSignal`. */
export function isAbortSignalType(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isAbortSignalType);
  const name = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
  return name === 'AbortSignal';
}

/** The names of a type's symbol and alias (union members included), for matching library types by name. */
export function getTypeNames(type: ts.Type): string[] {
  if (type.isUnion()) return type.types.flatMap(getTypeNames);
  const names: string[] = [];
  const alias = type.aliasSymbol?.getName();
  const symbol = type.getSymbol()?.getName();
  if (alias) names.push(alias);
  if (symbol && symbol !== alias) names.push(symbol);
  return names;
}

/** True when a value of `type` has a `then` method (a promise or thenable); `any`/`unknown` count as maybe. */
export function isThenableType(services: ParserServicesWithTypeInformation, type: ts.Type): boolean {
  if (type.flags & (1 /* Any */ | 2 /* Unknown */)) return true;
  const checker = services.program.getTypeChecker();
  if (type.isUnion()) return type.types.some((member) => isThenableType(services, member));
  return checker.getPropertyOfType(checker.getApparentType(type), 'then') !== undefined;
}

/**
 * True when `node` looks like an AbortSignal without types: named `signal`/`…Signal`, or a
 * `x.signal` member. With type information, its type decides instead.
 */
export function isSignalLike(
  node: TSESTree.Node,
  services?: ParserServicesWithTypeInformation,
): boolean {
  const expression = unwrap(node);
  if (services) {
    const type = services.getTypeAtLocation(expression);
    if (!(type.flags & (1 | 2))) return isAbortSignalType(type);
  }
  if (expression.type === AST_NODE_TYPES.Identifier) return SIGNAL_NAME.test(expression.name);
  if (expression.type === AST_NODE_TYPES.MemberExpression) {
    const name = getPropertyName(expression);
    return name !== undefined && SIGNAL_NAME.test(name);
  }
  return false;
}

/**
 * True when a call already hands on some cancellation: an argument that is a signal or token, an
 * options literal with `signal` (or a spread we cannot see into), or an options variable we cannot
 * see into (`fetch(url, init)`). Callers treat "maybe" as "yes" to stay quiet when unsure.
 */
export function callMayReceiveSignal(call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  return call.arguments.some((argument) => argumentMayCarrySignal(argument));
}

/** One argument of {@link callMayReceiveSignal}. */
export function argumentMayCarrySignal(argument: TSESTree.Node): boolean {
  const node = unwrap(argument);
  switch (node.type) {
    case AST_NODE_TYPES.SpreadElement:
      return true;
    case AST_NODE_TYPES.ObjectExpression:
      return node.properties.some(
        (property) => property.type === AST_NODE_TYPES.SpreadElement || getKeyName(property) === 'signal',
      );
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.MemberExpression:
      return /signal|token|controller|options|opts|init|config|settings|params/i.test(
        node.type === AST_NODE_TYPES.Identifier ? node.name : (getPropertyName(node) ?? ''),
      );
    default:
      return false;
  }
}

/** Finds the AbortSignal in scope at a node; see {@link createSignalFinder}. */
export interface SignalFinder {
  (node: TSESTree.Node): SignalInScope | undefined;
  /**
   * The signal a function's body sees (its own, else the nearest enclosing function's), or null.
   * Cached like the finder itself: a rule that tracks the function it is in can skip every call
   * of a function without a signal before any scope lookup.
   */
  forFunction(fn: FunctionNode): SignalInScope | null;
}

/**
 * Finds the AbortSignal a function has in scope: its own or an enclosing function's parameter
 * named `signal` (or `…Signal`), a destructured `{ signal }` option (in the parameter list or
 * `const { signal } = options` of a parameter), a parameter typed `AbortSignal`, or a
 * `CancellationToken` parameter (its `.signal`). With type information, a parameter whose type is
 * an AbortSignal, a token, or an options object with a `signal` property counts too.
 *
 * Results are cached per function, so calling it for every call expression in a file costs one
 * parameter scan per function.
 */
export function createSignalFinder(
  sourceCode: SourceCode,
  services?: ParserServicesWithTypeInformation,
): SignalFinder {
  // Per function: its own signal, else the nearest enclosing function's (closures see it too).
  const cache = new Map<FunctionNode, SignalInScope | null>();
  function forFunction(fn: FunctionNode): SignalInScope | null {
    let found = cache.get(fn);
    if (found === undefined) {
      found = findOwnSignal(fn, services) ?? null;
      if (!found) {
        const outer = getEnclosingFunction(fn);
        found = outer ? forFunction(outer) : null;
      }
      cache.set(fn, found);
    }
    return found;
  }
  const find = (node: TSESTree.Node) => {
    const fn = isFunctionNode(node) ? node : getEnclosingFunction(node);
    const signal = fn && forFunction(fn);
    return signal && isStillVisible(sourceCode, node, signal) ? signal : undefined;
  };
  return Object.assign(find, { forFunction });
}

/** A nested function may declare its own `signal` that is not an AbortSignal; the text must resolve to ours. */
function isStillVisible(sourceCode: SourceCode, at: TSESTree.Node, signal: SignalInScope): boolean {
  const head = signal.text.split(/\??\./)[0]!;
  const variable = ASTUtils.findVariable(sourceCode.getScope(at), head);
  if (!variable) return false;
  return variable.defs.some((definition) => signal.declaration.range[0] <= definition.name.range[0] && definition.name.range[1] <= signal.declaration.range[1]);
}

function findOwnSignal(
  fn: FunctionNode,
  services: ParserServicesWithTypeInformation | undefined,
): SignalInScope | undefined {
  for (const raw of fn.params) {
    const parameter = raw.type === AST_NODE_TYPES.AssignmentPattern ? raw.left : raw.type === AST_NODE_TYPES.TSParameterProperty ? raw.parameter : raw;
    const target = parameter.type === AST_NODE_TYPES.AssignmentPattern ? parameter.left : parameter;
    if (target.type === AST_NODE_TYPES.Identifier) {
      const annotation = target.typeAnnotation?.typeAnnotation;
      const typeName =
        annotation?.type === AST_NODE_TYPES.TSTypeReference && annotation.typeName.type === AST_NODE_TYPES.Identifier
          ? annotation.typeName.name
          : undefined;
      if (typeName === 'AbortSignal' || (typeName === undefined && SIGNAL_NAME.test(target.name) && !services)) {
        return { text: target.name, declaration: target };
      }
      if (typeName && TOKEN_TYPE_NAMES.has(typeName)) return { text: `${target.name}.signal`, declaration: target };
      if (services) {
        const type = services.getTypeAtLocation(target);
        if (!(type.flags & (1 | 2))) {
          if (isAbortSignalType(type)) return { text: target.name, declaration: target };
          if (getTypeNames(type).some((name) => TOKEN_TYPE_NAMES.has(name))) {
            return { text: `${target.name}.signal`, declaration: target };
          }
          // `options: { signal?: AbortSignal }`: hand on `options.signal` (`options?.signal` when optional).
          const checker = services.program.getTypeChecker();
          const nonNullable = checker.getNonNullableType(type);
          const property = nonNullable.getProperty('signal');
          if (property && isAbortSignalType(checker.getTypeOfSymbol(property))) {
            const optional = nonNullable !== type || target.optional === true;
            return { text: `${target.name}${optional ? '?.' : '.'}signal`, declaration: target };
          }
        } else if (SIGNAL_NAME.test(target.name)) {
          return { text: target.name, declaration: target };
        }
      }
      const destructured = findBodyDestructuring(fn, target.name);
      if (destructured) return destructured;
    } else if (target.type === AST_NODE_TYPES.ObjectPattern) {
      const local = findSignalInPattern(target);
      if (local) return { text: local.name, declaration: local };
    }
  }
  return undefined;
}

/** `{ signal }` / `{ signal: s }` / `{ signal = undefined }` in a destructuring pattern → the local. */
function findSignalInPattern(pattern: TSESTree.ObjectPattern): TSESTree.Identifier | undefined {
  for (const property of pattern.properties) {
    if (property.type !== AST_NODE_TYPES.Property || getKeyName(property) !== 'signal') continue;
    const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
    if (value.type === AST_NODE_TYPES.Identifier) return value;
  }
  return undefined;
}

/** `const { signal } = options;` among the first statements of the function body. */
function findBodyDestructuring(fn: FunctionNode, parameterName: string): SignalInScope | undefined {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return undefined;
  for (const statement of fn.body.body) {
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      const init = declarator.init && unwrap(declarator.init);
      if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern || init?.type !== AST_NODE_TYPES.Identifier) continue;
      if (init.name !== parameterName) continue;
      const local = findSignalInPattern(declarator.id);
      if (local) return { text: local.name, declaration: local };
    }
  }
  return undefined;
}
