import { ASTUtils, type ParserServicesWithTypeInformation, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { AST_NODE_TYPES, getPropertyName, unwrap } from './ast';
import { isFromModule, isGlobal, resolveOrigin, type Origin } from './references';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** What kind of sink a `x.write(...)` receiver is: a Node writable (returns a boolean) or a WHATWG writer (returns a promise). */
export type WritableKind = 'node' | 'whatwg';

/**
 * Names that, on a receiver we cannot resolve, mean "a Node writable": the `res` of an HTTP
 * handler, sockets, connections and anything called a stream. Matched against the receiver's last
 * name segment (`res`, `this.socket`, `client.stream`, `outStream`).
 */
const WRITABLE_NAME = /^(?:res|response|socket|sock|conn|connection|stream|writable|duplex|dest|destination|sink|out|output|stdin)$|(?:Stream|Socket|Writable|Duplex|Connection)$/;
const WRITER_NAME = /^writer$|Writer$/;

/** Factories whose result is a Node writable: `[module, ...path]`. */
const WRITABLE_FACTORIES: readonly (readonly string[])[] = [
  ['fs', 'createWriteStream'],
  ['net', 'connect'],
  ['net', 'createConnection'],
  ['tls', 'connect'],
  ['http', 'request'],
  ['https', 'request'],
  ['zlib', 'createGzip'],
  ['zlib', 'createGunzip'],
  ['zlib', 'createDeflate'],
  ['zlib', 'createInflate'],
  ['zlib', 'createBrotliCompress'],
  ['zlib', 'createBrotliDecompress'],
];
/** Classes whose instances are Node writables: `new stream.PassThrough()`, `new net.Socket()`. */
const WRITABLE_CLASSES: readonly (readonly string[])[] = [
  ['stream', 'Writable'],
  ['stream', 'Duplex'],
  ['stream', 'Transform'],
  ['stream', 'PassThrough'],
  ['net', 'Socket'],
  ['tls', 'TLSSocket'],
];

/**
 * Classifies the receiver of a `.write(...)` call. With type information the type decides
 * (`stream.Writable`, `Duplex`, `net.Socket`, `http.ServerResponse`, `NodeJS.WritableStream`, or a
 * `WritableStreamDefaultWriter`); an `any`/unknown type falls back to the syntactic reading:
 * where the value was made (`fs.createWriteStream`, `net.connect`, `new PassThrough()`,
 * `stream.getWriter()`) and, for parameters and fields we cannot trace, its name.
 * `process.stdout`/`process.stderr` are never reported: Node writes to files and pipes on POSIX
 * synchronously, so they have no backpressure to ignore there.
 */
export function getWritableKind(
  sourceCode: SourceCode,
  services: ParserServicesWithTypeInformation | undefined,
  receiver: TSESTree.Node,
): WritableKind | undefined {
  const node = unwrap(receiver);
  if (isProcessStdio(sourceCode, node)) return undefined;
  if (services) {
    const typed = getWritableKindFromType(services, node);
    if (typed !== 'unknown') return typed;
  }
  return getWritableKindFromSyntax(sourceCode, node, 0);
}

function getWritableKindFromSyntax(sourceCode: SourceCode, node: TSESTree.Node, depth: number): WritableKind | undefined {
  if (depth > 4) return undefined;
  if (node.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
    const definition = variable?.defs[0];
    if (definition?.type === 'Variable' && definition.node.id.type === AST_NODE_TYPES.Identifier && definition.node.init) {
      const fromInit = getWritableKindOfValue(sourceCode, unwrap(definition.node.init), depth);
      if (fromInit !== 'unknown') return fromInit;
    }
    return kindFromName(node.name);
  }
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const name = getPropertyName(node);
    return name === undefined ? undefined : kindFromName(name);
  }
  const fromValue = getWritableKindOfValue(sourceCode, node, depth);
  return fromValue === 'unknown' ? undefined : fromValue;
}

/** The kind of a value expression, or 'unknown' when the expression says nothing either way. */
function getWritableKindOfValue(sourceCode: SourceCode, value: TSESTree.Node, depth: number): WritableKind | undefined | 'unknown' {
  if (value.type === AST_NODE_TYPES.Identifier || value.type === AST_NODE_TYPES.MemberExpression) {
    return getWritableKindFromSyntax(sourceCode, value, depth + 1) ?? 'unknown';
  }
  if (value.type === AST_NODE_TYPES.CallExpression) {
    const callee = unwrap(value.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'getWriter') return 'whatwg';
    const origin = resolveOrigin(sourceCode, value.callee);
    if (matchesAny(origin, WRITABLE_FACTORIES)) return 'node';
    return 'unknown';
  }
  if (value.type === AST_NODE_TYPES.NewExpression) {
    const origin = resolveOrigin(sourceCode, value.callee);
    if (matchesAny(origin, WRITABLE_CLASSES)) return 'node';
    // `new Writable()` from a stream polyfill (`readable-stream`) is a Node writable too.
    if (origin?.module === 'readable-stream' && ['Writable', 'Duplex', 'Transform', 'PassThrough'].includes(origin.path.at(-1) ?? '')) {
      return 'node';
    }
    return 'unknown';
  }
  if (value.type === AST_NODE_TYPES.AwaitExpression) return getWritableKindOfValue(sourceCode, unwrap(value.argument), depth + 1);
  return 'unknown';
}

function matchesAny(origin: Origin | undefined, candidates: readonly (readonly string[])[]): boolean {
  return candidates.some(([module, ...path]) => isFromModule(origin, module!, ...path));
}

function kindFromName(name: string): WritableKind | undefined {
  if (WRITER_NAME.test(name)) return 'whatwg';
  return WRITABLE_NAME.test(name) ? 'node' : undefined;
}

function isProcessStdio(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  if (node.type !== AST_NODE_TYPES.MemberExpression) return false;
  const name = getPropertyName(node);
  if (name !== 'stdout' && name !== 'stderr') return false;
  const origin = resolveOrigin(sourceCode, node.object);
  return isGlobal(origin, 'process') || isFromModule(origin, 'process');
}

const TYPE_FLAGS_ANY_OR_UNKNOWN = 1 /* Any */ | 2; /* Unknown */
const TYPE_FLAGS_BOOLEAN_LIKE = 528; /* BooleanLike */

/**
 * 'node' for a type with `write(): boolean`, `end` and `on` (every Node writable, including
 * `NodeJS.WritableStream`), 'whatwg' for a type with a promise-returning `write` plus `ready` and
 * `desiredSize`, undefined for any other known type, 'unknown' for `any`/`unknown`.
 */
export function getWritableKindFromType(
  services: ParserServicesWithTypeInformation,
  node: TSESTree.Node,
): WritableKind | undefined | 'unknown' {
  const checker = services.program.getTypeChecker();
  const type = services.getTypeAtLocation(node);
  if (type.flags & TYPE_FLAGS_ANY_OR_UNKNOWN) return 'unknown';
  const parts = type.isUnion() ? type.types : [type];
  for (const part of parts) {
    const apparent = checker.getApparentType(part);
    const write = checker.getPropertyOfType(apparent, 'write');
    if (!write) continue;
    const returns = checker
      .getTypeOfSymbol(write)
      .getCallSignatures()
      .map((signature) => checker.getReturnTypeOfSignature(signature));
    if (
      returns.some((returned) => (returned.flags & TYPE_FLAGS_BOOLEAN_LIKE) !== 0) &&
      checker.getPropertyOfType(apparent, 'end') &&
      checker.getPropertyOfType(apparent, 'on')
    ) {
      return 'node';
    }
    if (
      checker.getPropertyOfType(apparent, 'ready') &&
      checker.getPropertyOfType(apparent, 'desiredSize') &&
      returns.some((returned) => isThenable(checker, returned))
    ) {
      return 'whatwg';
    }
  }
  return undefined;
}

function isThenable(checker: ts.TypeChecker, type: ts.Type): boolean {
  return checker.getPropertyOfType(checker.getApparentType(type), 'then') !== undefined;
}
