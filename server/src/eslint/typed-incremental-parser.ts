/**
 * A type-aware variant of the incremental parser (./incremental-parser.ts), for the language
 * server's embedded configuration with `typeAware` on.
 *
 * With a project service, `@typescript-eslint/parser` runs typescript-estree's full
 * `parseAndGenerateServices` on every edit: the project service updates the file's TypeScript
 * SourceFile incrementally, then the whole SourceFile is converted to ESTree (nodes, tokens,
 * comments and both node maps), about 35-40% of a type-aware edit on a 2,000-line file.
 *
 * This parser takes the program from a project service of its own, opened and queried the way
 * typescript-estree does it, and the ESTree AST, tokens and comments from the incremental parser's
 * window re-parse. The node maps in `parserServices` resolve lazily:
 *
 * - `esTreeNodeToTSNodeMap.get(node)` for an `Identifier`, `CallExpression`, `NewExpression` or
 *   `MemberExpression` of this AST is the one node of the matching TypeScript kind on the path from
 *   the SourceFile down to the node's range whose `[getStart(), end]` equals the node's range.
 *   typescript-estree creates nodes of those types only from TypeScript nodes of those kinds with
 *   exactly that range, or with a range no node of those kinds can have (an identifier widened by
 *   its type annotation or `?`, or made from a keyword token such as `constructor`, `import` in
 *   `import.meta`, `with` in import attributes): then no candidate is found.
 * - Anything else (another node type, no candidate or more than one, a node not in this AST, and
 *   every `tsNodeToESTreeNodeMap` lookup) takes the exact path once per parse: typescript-estree's
 *   own converter runs over the same SourceFile, its AST is matched node for node with ours (a
 *   mismatch throws, and the engine then falls back to the stock parser), and its maps answer.
 *
 * A full conversion of the program's SourceFile (exactly what the stock parser does) also gives
 * the AST whenever the incremental parser cannot: the first parse, a syntax error, a script, an
 * `await` outside functions, and so on; and for a target below ES2015 with non-ASCII text
 * (TypeScript's identifier tables depend on the target, the window parse always uses the latest).
 * Files not in a configured project (`allowDefaultProject` or none at all), non-TypeScript
 * extensions and unusual options go to the stock parser.
 *
 * Scope analysis is redone on the whole AST with the options the stock parser derives from the
 * program (`lib`, `jsxPragma`, `jsxFragmentName`). test/server/typed-incremental-parser.test.ts
 * compares messages, node maps, types and scopes with the stock parser after random edits.
 */
import * as path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { createProjectService, type ProjectServiceAndMetadata } from '@typescript-eslint/project-service';
import { analyze, type AnalyzeOptions } from '@typescript-eslint/scope-manager';
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/typescript-estree';
import { TSError, typescriptVersionIsAtLeast, withoutProjectParserOptions } from '@typescript-eslint/typescript-estree';
import { astConverter } from '@typescript-eslint/typescript-estree/use-at-your-own-risk';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import { minimatch } from 'minimatch';
import * as ts from 'typescript';
import { analyzeOptions, hasAwaitOutsideFunctions, normalisedSourceType, rememberRecent, reparseIncrementally } from './incremental-parser';

type ParserOptions = NonNullable<Parameters<typeof tsParser.parseForESLint>[1]>;
type ParseResult = ReturnType<typeof tsParser.parseForESLint>;
type ESTreeMap = ParserServicesWithTypeInformation['esTreeNodeToTSNodeMap'];
type TSNodeMap = ParserServicesWithTypeInformation['tsNodeToESTreeNodeMap'];
type ConverterSettings = Parameters<typeof astConverter>[1];

/** Why a parse took the exact path or the stock parser; counted in {@link TypedIncrementalParserStats}. */
export type TypedParseRoute = 'incremental' | 'exact' | 'stock';

export interface TypedIncrementalParserStats {
  parses: Record<TypedParseRoute, number>;
  /** Characters re-parsed by the incremental parses (the windows around the edits). */
  reparsedCharacters: number;
  /** Map lookups answered from the SourceFile by position and kind. */
  fastLookups: number;
  /** Parses whose maps needed typescript-estree's full conversion (see the file header). */
  exactMaps: number;
  /** Per ESTree node type, the lookups that needed the full conversion (what to teach the fast path next). */
  slowLookups: Record<string, number>;
}

export interface TypedIncrementalParser {
  meta: { name: string; version: string };
  parseForESLint(code: string, options?: ParserOptions): ParseResult;
  readonly stats: TypedIncrementalParserStats;
  /**
   * Called when a lookup in the lazy node maps finds this parser's AST different from
   * typescript-estree's, i.e. after `parseForESLint` returned, while a rule runs (the lookup then
   * throws); {@link typedParserWithFallback} sets it to switch to the stock parser.
   */
  onLateFailure?: (error: Error) => void;
  /** Forgets every cached AST and the project service (a tsconfig or configuration change). */
  clear(): void;
}

export interface TypedIncrementalParserOptions {
  /** How many files' ASTs are kept (the most recently parsed ones: the files being edited). */
  maxFiles?: number;
}

interface CachedAst {
  key: string;
  text: string;
  ast: TSESTree.Program;
  topLevelAwait: boolean;
}

/**
 * Errors of the stock parser on the files this parser hands it (a file no project includes, say):
 * the user's to see as the parse error they are, not a failure of this parser.
 */
const thrownByStockParser = new WeakSet<object>();

/** The extensions TypeScript parses as TypeScript: the window parse sees the same script kind as the program. */
const TYPESCRIPT_FILE = /\.(?:ts|mts|cts|tsx)$/i;

export function createTypedIncrementalParser({ maxFiles = 4 }: TypedIncrementalParserOptions = {}): TypedIncrementalParser {
  const cache = new Map<string, CachedAst>();
  const services = new Map<string, ProjectServiceAndMetadata>();
  /** Files the stock parser handles (not in a configured project of ours); they stay out of our service. */
  const delegated = new Set<string>();
  const stats: TypedIncrementalParserStats = { parses: { incremental: 0, exact: 0, stock: 0 }, reparsedCharacters: 0, fastLookups: 0, exactMaps: 0, slowLookups: {} };

  function stock(code: string, options: ParserOptions): ParseResult {
    stats.parses.stock++;
    try {
      return tsParser.parseForESLint(code, options);
    } catch (error) {
      if (typeof error === 'object' && error !== null) thrownByStockParser.add(error);
      throw error;
    }
  }

  function serviceFor(options: ParserOptions, rootDir: string): ProjectServiceAndMetadata {
    const key = JSON.stringify([rootDir, options.projectService, options.jsDocParsingMode ?? null]);
    let service = services.get(key);
    if (!service) {
      service = createProjectService({
        options: typeof options.projectService === 'object' ? options.projectService : {},
        jsDocParsingMode: jsDocParsingModeOf(options),
        tsconfigRootDir: rootDir,
      });
      services.set(key, service);
    }
    return service;
  }

  const parser: TypedIncrementalParser = {
    meta: { name: 'cancel-safe/typed-incremental-typescript-parser', version: '1' },
    stats,
    clear(): void {
      cache.clear();
      delegated.clear();
      // The services' watchers are stubs (typescript-eslint's default host): dropping them frees them.
      services.clear();
    },
    parseForESLint(code: string, options: ParserOptions = {}): ParseResult {
      const { filePath } = options;
      if (!options.projectService || options.project || options.programs || !filePath || !path.isAbsolute(filePath) || !TYPESCRIPT_FILE.test(filePath)) return stock(code, options);
      if (delegated.has(filePath) || (options.extraFileExtensions?.length ?? 0) > 0 || options.errorOnTypeScriptSyntacticAndSemanticIssues) return stock(code, options);
      const rootDir = path.resolve(options.tsconfigRootDir ?? process.cwd());
      const projectService = serviceFor(options, rootDir);
      // A file the default project may take is the stock parser's: it keeps the count and the errors.
      const relative = path.relative(rootDir, filePath);
      if (projectService.allowDefaultProject?.some((pattern) => minimatch(relative, pattern, { dot: true }))) {
        delegated.add(filePath);
        return stock(code, options);
      }
      const { service } = projectService;
      const opened = service.openClientFile(filePath, code, undefined, rootDir);
      const program = opened.configFileName ? service.getDefaultProjectForFile(ts.server.toNormalizedPath(filePath), true)?.getLanguageService(true).getProgram() : undefined;
      const sourceFile = program?.getSourceFile(filePath);
      if (!program || !sourceFile || sourceFile.text !== code || path.extname(sourceFile.fileName) !== path.extname(filePath)) {
        service.closeClientFile(filePath);
        delegated.add(filePath);
        cache.delete(filePath);
        return stock(code, options);
      }

      const sourceType = normalisedSourceType(options);
      const key = JSON.stringify(withoutProjectParserOptions({ ...options, filePath: undefined }));
      const settings = converterSettings(options);
      const previous = cache.get(filePath);
      let ast: TSESTree.Program | undefined;
      let maps: LazyMaps | undefined;
      if (
        previous &&
        previous.key === key &&
        parseDiagnosticsOf(sourceFile) === 0 &&
        (sourceFile.languageVersion >= ts.ScriptTarget.ES2015 || !/[^\t\n\r -~]/.test(code))
      ) {
        const attempt = reparseIncrementally(previous, code, options);
        if (typeof attempt !== 'string') {
          ast = attempt.ast;
          maps = new LazyMaps(ast, sourceFile, settings, stats, undefined, (error) => parser.onLateFailure?.(error));
          stats.parses.incremental++;
          stats.reparsedCharacters += attempt.reparsed;
        }
      }
      if (!ast) {
        // The exact path: what typescript-estree does with the program's SourceFile (it throws the
        // same error for a syntax error; the cached AST then stays, so the next edit is diffed
        // against the last text that parsed).
        const converted = astConverter(sourceFile, settings, true);
        ast = converted.estree;
        maps = new LazyMaps(ast, sourceFile, settings, stats, converted.astMaps);
        stats.parses.exact++;
      }
      ast.sourceType = sourceType;
      rememberRecent(cache, filePath, { key, text: code, ast, topLevelAwait: maps!.exact !== undefined && hasAwaitOutsideFunctions(ast.body) }, maxFiles);
      return { ast, services: createServices(program, maps!), scopeManager: analyze(ast, typedAnalyzeOptions(options, program.getCompilerOptions())), visitorKeys } as ParseResult;
    },
  };
  return parser;
}

/**
 * The parser for ESLint: `parser`, and the stock parser from its first unexpected exception on
 * (reported once through `warn`). A syntax error is not unexpected: `parser` throws the one the
 * stock parser throws (typescript-estree's TSError, from the same conversion); neither is an error
 * of the stock parser on a file `parser` handed to it (a file no project includes).
 */
export function typedParserWithFallback(parser: TypedIncrementalParser, warn: (message: string) => void): Pick<TypedIncrementalParser, 'meta' | 'parseForESLint'> & { readonly failed: boolean } {
  let failed = false;
  const fail = (error: unknown, filePath: string | undefined): void => {
    if (failed) return;
    failed = true;
    parser.clear();
    warn(
      `The type-aware incremental parser failed on ${filePath ?? 'a file'} (${error instanceof Error ? error.message : String(error)}); type-aware linting uses the stock @typescript-eslint/parser from now on (same results, slower edits). Please report this with the file.`,
    );
  };
  let lastFile: string | undefined;
  parser.onLateFailure = (error) => fail(error, lastFile);
  return {
    meta: parser.meta,
    /** True once the stock parser has taken over; a lint that failed while it did should run again. */
    get failed() {
      return failed;
    },
    parseForESLint(code: string, options?: ParserOptions): ParseResult {
      if (!failed) {
        lastFile = options?.filePath;
        try {
          return parser.parseForESLint(code, options);
        } catch (error) {
          if (error instanceof TSError || (typeof error === 'object' && error !== null && thrownByStockParser.has(error))) throw error;
          fail(error, options?.filePath);
        }
      }
      return tsParser.parseForESLint(code, options);
    },
  };
}

function jsDocParsingModeOf(options: ParserOptions): ts.JSDocParsingMode {
  switch (options.jsDocParsingMode) {
    case 'none':
      return ts.JSDocParsingMode.ParseNone;
    case 'type-info':
      return ts.JSDocParsingMode.ParseForTypeInfo;
    default:
      return ts.JSDocParsingMode.ParseAll;
  }
}

/** What @typescript-eslint/parser hands typescript-estree's converter for ESLint. */
function converterSettings(options: ParserOptions): ConverterSettings {
  return {
    allowInvalidAST: options.allowInvalidAST === true,
    errorOnUnknownASTType: options.errorOnUnknownASTType === true,
    suppressDeprecatedPropertyWarnings: options.suppressDeprecatedPropertyWarnings ?? process.env.NODE_ENV !== 'test',
    range: true,
    loc: true,
    comment: true,
    tokens: [],
  } as unknown as ConverterSettings;
}

/**
 * The scope analysis options @typescript-eslint/parser uses with a program: the configured ones,
 * else `lib` from the compiler options (their `lib` files, or the target's default library) and
 * the JSX factory names.
 */
function typedAnalyzeOptions(options: ParserOptions, compilerOptions: ts.CompilerOptions): AnalyzeOptions {
  const result = analyzeOptions(options);
  result.lib ??= libOf(compilerOptions) as AnalyzeOptions['lib'];
  if (result.jsxPragma === undefined && compilerOptions.jsxFactory != null) result.jsxPragma = firstName(compilerOptions.jsxFactory);
  if (result.jsxFragmentName === undefined && compilerOptions.jsxFragmentFactory != null) result.jsxFragmentName = firstName(compilerOptions.jsxFragmentFactory);
  return result;
}

function firstName(factory: string): string {
  return factory.split('.')[0]!.trim();
}

/**
 * Library names as scope-manager knows them (`es2022.full`) from TypeScript's library file names
 * (`lib.es2022.full.d.ts`), as @typescript-eslint/parser derives them: the configured `lib`, else
 * the default library of the configured `target` alone. Like the stock parser, an unset target
 * counts as ES5 before TypeScript 6 (as the latest standard from 6 on), whatever `module` implies
 * for TypeScript's own checking (node16 implies ES2022 there).
 */
function libOf(compilerOptions: ts.CompilerOptions): string[] {
  const name = (file: string): string | undefined => /lib\.(.+)\.d\.[cm]?ts$/.exec(file.toLowerCase())?.[1];
  if (compilerOptions.lib) return compilerOptions.lib.map(name).filter((lib): lib is string => lib !== undefined);
  // `LatestStandard` exists from TypeScript 6 on (the version checked); ES5 is deprecated there.
  const target = compilerOptions.target ?? (typescriptVersionIsAtLeast['6.0'] ? (ts.ScriptTarget as unknown as { LatestStandard: ts.ScriptTarget }).LatestStandard : ts.ScriptTarget.ES5);
  // `lib.d.ts` (ES5 and below) is scope-manager's `lib`.
  return [name(ts.getDefaultLibFileName({ target })) ?? 'lib'];
}

function createServices(program: ts.Program, maps: LazyMaps): ParserServicesWithTypeInformation {
  const checker = program.getTypeChecker();
  const compilerOptions = program.getCompilerOptions();
  const esTreeNodeToTSNodeMap = { get: (node: TSESTree.Node) => maps.toTS(node), has: (node: TSESTree.Node) => maps.toTS(node) !== undefined } as unknown as ESTreeMap;
  const tsNodeToESTreeNodeMap = { get: (node: ts.Node) => maps.toESTree(node), has: (node: ts.Node) => maps.toESTree(node) !== undefined } as unknown as TSNodeMap;
  const tsNode = <T extends ts.Node>(node: TSESTree.Node): T => maps.toTS(node) as T;
  return {
    program,
    emitDecoratorMetadata: compilerOptions.emitDecoratorMetadata ?? false,
    experimentalDecorators: compilerOptions.experimentalDecorators ?? false,
    isolatedDeclarations: compilerOptions.isolatedDeclarations ?? false,
    esTreeNodeToTSNodeMap,
    tsNodeToESTreeNodeMap,
    getContextualType: (node) => checker.getContextualType(tsNode(node)),
    getResolvedSignature: (node) => checker.getResolvedSignature(tsNode(node)),
    getSymbolAtLocation: (node) => checker.getSymbolAtLocation(tsNode(node)),
    getTypeAtLocation: (node) => checker.getTypeAtLocation(tsNode(node)),
    getTypeFromTypeNode: (node) => checker.getTypeFromTypeNode(tsNode(node)),
    getTypeOfSymbolAtLocation: (symbol, node) => checker.getTypeOfSymbolAtLocation(symbol, tsNode(node)),
  } as ParserServicesWithTypeInformation;
}

/** The TypeScript kinds an ESTree node of these types is made from, always with the same range (see the file header). */
const FAST_KINDS: Partial<Record<string, readonly ts.SyntaxKind[]>> = {
  Identifier: [ts.SyntaxKind.Identifier],
  CallExpression: [ts.SyntaxKind.CallExpression],
  NewExpression: [ts.SyntaxKind.NewExpression],
  MemberExpression: [ts.SyntaxKind.PropertyAccessExpression, ts.SyntaxKind.ElementAccessExpression],
};

interface ExactMaps {
  esTreeNodeToTSNodeMap: { get(node: TSESTree.Node): ts.Node | undefined };
  tsNodeToESTreeNodeMap: { get(node: ts.Node): TSESTree.Node | undefined };
}

interface Matched {
  maps: ExactMaps;
  /** Our node to the converter's (identity when the AST is the converter's own). */
  toTheirs: (node: TSESTree.Node) => TSESTree.Node | undefined;
  toOurs: (node: TSESTree.Node) => TSESTree.Node | undefined;
}

class LazyMaps {
  readonly #ast: TSESTree.Program;
  readonly #sourceFile: ts.SourceFile;
  readonly #settings: ConverterSettings;
  readonly #stats: TypedIncrementalParserStats;
  #matched: Matched | undefined;
  /** Set when the AST is the converter's own (the exact path), so its maps answer directly. */
  readonly exact: ExactMaps | undefined;

  readonly #onMismatch: ((error: Error) => void) | undefined;

  constructor(ast: TSESTree.Program, sourceFile: ts.SourceFile, settings: ConverterSettings, stats: TypedIncrementalParserStats, exact?: ExactMaps, onMismatch?: (error: Error) => void) {
    this.#onMismatch = onMismatch;
    this.#ast = ast;
    this.#sourceFile = sourceFile;
    this.#settings = settings;
    this.#stats = stats;
    this.exact = exact;
    if (exact) this.#matched = { maps: exact, toTheirs: (node) => node, toOurs: (node) => node };
  }

  toTS(node: TSESTree.Node): ts.Node | undefined {
    if (!this.exact) {
      const found = this.#fast(node);
      if (found) {
        this.#stats.fastLookups++;
        return found;
      }
    }
    if (!this.exact) this.#stats.slowLookups[node.type] = (this.#stats.slowLookups[node.type] ?? 0) + 1;
    const matched = this.#match();
    const theirs = matched.toTheirs(node);
    return theirs && matched.maps.esTreeNodeToTSNodeMap.get(theirs);
  }

  toESTree(node: ts.Node): TSESTree.Node | undefined {
    const matched = this.#match();
    const theirs = matched.maps.tsNodeToESTreeNodeMap.get(node);
    // typescript-estree registers some nodes it then leaves out of its AST (the ChainExpression of
    // an unwrapped optional call); the stock parser answers with that node, and so does this one.
    return theirs && (matched.toOurs(theirs) ?? theirs);
  }

  #fast(node: TSESTree.Node): ts.Node | undefined {
    const kinds = FAST_KINDS[node.type];
    if (!kinds || !this.#inAst(node)) return undefined;
    const [start, end] = node.range;
    const sourceFile = this.#sourceFile;
    // A binding name's range takes in its type annotation and `?`: the identifier token starts it.
    const searchEnd = node.type === 'Identifier' ? start + 1 : end;
    const endsRight = (tsNode: ts.Node): boolean => tsNode.end === end || (node.type === 'Identifier' && isWidenedBindingName(node, tsNode.end, sourceFile.text));
    let candidate: ts.Node | undefined;
    let candidates = 0;
    // Siblings never overlap, so at most one child holds the range: a single path down.
    for (let current: ts.Node | undefined = sourceFile; current; ) {
      if (kinds.includes(current.kind) && endsRight(current) && current.getStart(sourceFile) === start) {
        candidate = current;
        candidates++;
      }
      current = ts.forEachChild(current, (child) => (child.pos <= start && searchEnd <= child.end ? child : undefined));
    }
    return candidates === 1 ? candidate : undefined;
  }

  /** Whether the node hangs under this AST's program (ESLint sets `parent` while it traverses). */
  #inAst(node: TSESTree.Node): boolean {
    let current: TSESTree.Node | undefined = node;
    while (current?.parent) current = current.parent;
    return current === this.#ast;
  }

  #match(): Matched {
    if (this.#matched) return this.#matched;
    this.#stats.exactMaps++;
    const { estree, astMaps } = astConverter(this.#sourceFile, this.#settings, true);
    const ours = new Map<TSESTree.Node, TSESTree.Node>();
    const theirs = new Map<TSESTree.Node, TSESTree.Node>();
    try {
      pair(this.#ast, estree, ours, theirs);
    } catch (error) {
      this.#onMismatch?.(error as Error);
      throw error;
    }
    this.#matched = { maps: astMaps, toTheirs: (node) => ours.get(node), toOurs: (node) => theirs.get(node) };
    return this.#matched;
  }
}

/** Pairs the nodes of two ASTs of the same text, which must be identical in shape, types and ranges. */
function pair(ours: TSESTree.Node, theirs: TSESTree.Node, toTheirs: Map<TSESTree.Node, TSESTree.Node>, toOurs: Map<TSESTree.Node, TSESTree.Node>): void {
  const stack: [TSESTree.Node, TSESTree.Node][] = [[ours, theirs]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    if (a.type !== b.type || a.range[0] !== b.range[0] || a.range[1] !== b.range[1]) {
      throw new Error(`The incremental AST differs from typescript-estree's at ${a.type} [${a.range.join(', ')}] against ${b.type} [${b.range.join(', ')}]; parse the file with the stock parser.`);
    }
    toTheirs.set(a, b);
    toOurs.set(b, a);
    for (const key of visitorKeys[a.type] ?? []) {
      const x = (a as unknown as Record<string, unknown>)[key];
      const y = (b as unknown as Record<string, unknown>)[key];
      if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
        x.forEach((child, index) => {
          if (child && y[index]) stack.push([child as TSESTree.Node, y[index] as TSESTree.Node]);
          else if (child || y[index]) throw new Error(`The incremental AST differs from typescript-estree's under ${a.type}.${key}; parse the file with the stock parser.`);
        });
      } else if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) stack.push([x as TSESTree.Node, y as TSESTree.Node]);
      else if (x || y) throw new Error(`The incremental AST differs from typescript-estree's under ${a.type}.${key}; parse the file with the stock parser.`);
    }
  }
}

/** TypeScript's syntax errors for the file (an internal field typescript-estree reads too). */
function parseDiagnosticsOf(sourceFile: ts.SourceFile): number {
  return (sourceFile as ts.SourceFile & { parseDiagnostics?: readonly unknown[] }).parseDiagnostics?.length ?? 0;
}

/**
 * Whether typescript-estree widened a binding name ending at `nameEnd` to the identifier's range:
 * to the end of its type annotation, or of its `?` (nothing but spaces before it).
 */
function isWidenedBindingName(identifier: TSESTree.Identifier, nameEnd: number, text: string): boolean {
  const end = identifier.range[1];
  if (end <= nameEnd) return false;
  if (identifier.typeAnnotation) return identifier.typeAnnotation.range[1] === end;
  return identifier.optional && /^[ \t]*\?$/.test(text.slice(nameEnd, end));
}
