/**
 * An ESLint parser for the language server's embedded (syntactic) configuration that re-parses
 * only a window of statements around an edit and keeps the rest of the previous AST.
 *
 * A full typescript-estree parse of a 2,000-line file costs about 80 ms, half of it converting
 * tokens, and it runs on every keystroke; the rules themselves cost a few milliseconds. Editors send
 * one small edit at a time, so almost all of that work repeats the previous parse.
 *
 * The result is meant to be exactly what `@typescript-eslint/parser` returns for the new text (the
 * same nodes, tokens, comments, ranges and locations; scope analysis is always redone on the whole
 * program). That holds because a statement (or class member) is parsed the same way wherever it
 * sits in its list, as long as its neighbours cannot run into it and its ancestors are the same.
 * The window is therefore widened until the element before it and the last element in it are
 * *hard-terminated*: they end with `;`, or with the `}` of a declaration or block, so no automatic
 * semicolon insertion depends on the edited text; and a line comment at its end takes the next
 * element in. A top-level window is parsed on its own and offset into place; a window inside a
 * block or class body is parsed inside a skeleton of the file (its ancestors' own tokens, siblings
 * blanked or replaced by `_`, offsets and line breaks kept). Everything after the window is shifted.
 * Whatever the argument does not cover falls back to a full parse: a syntax error anywhere in the
 * window parse, a token outside every statement, a directive, a comment running out of the window,
 * a window over half the file, `sourceType: 'script'` (where TypeScript decides from the whole file
 * whether `await` is a keyword). A property test (test/server/incremental-parser.test.ts) compares
 * results with full parses after random edit sequences on real files.
 *
 * The previous AST is handed over, not copied: after a successful re-parse its nodes after the
 * window have moved. ESLint never keeps an AST across lints, so only the cache holds one.
 *
 * Only for our own embedded config: its rules never read the TS node maps without a program, so
 * node maps are not kept (they are empty in the services), which also halves the memory per AST.
 */
import * as tsParser from '@typescript-eslint/parser';
import { analyze, type AnalyzeOptions } from '@typescript-eslint/scope-manager';
import type { TSESTree } from '@typescript-eslint/types';
import { withoutProjectParserOptions } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';

type ParserOptions = NonNullable<Parameters<typeof tsParser.parseForESLint>[1]>;
type ParseResult = ReturnType<typeof tsParser.parseForESLint>;

interface CachedParse {
  key: string;
  text: string;
  ast: TSESTree.Program;
  services: ParseResult['services'];
  /** The program has an `await` outside functions (see {@link hasAwaitOutsideFunctions}). */
  topLevelAwait: boolean;
}

/** Why a parse was not incremental; counted in {@link IncrementalParserStats}. */
export type FullParseReason = 'first' | 'script' | 'top-level-await' | 'syntax-error' | 'directive' | 'too-large' | 'options-changed' | 'invalid-splice';

export interface IncrementalParserStats {
  incremental: number;
  full: Partial<Record<FullParseReason, number>>;
  /** Characters re-parsed by incremental parses, summed. */
  reparsedCharacters: number;
}

export interface IncrementalParser {
  meta: { name: string; version: string };
  parseForESLint(code: string, options?: ParserOptions): ParseResult;
  readonly stats: IncrementalParserStats;
  /** Forgets every cached AST (memory, or a configuration change). */
  clear(): void;
}

export interface IncrementalParserOptions {
  /** How many files' ASTs are kept (the most recently parsed ones: the files being edited). */
  maxFiles?: number;
  /** Texts longer than this are parsed in full and not kept (a generated bundle is not edited by hand). */
  maxTextLength?: number;
}

/** Re-parsing more than this share of the file is no cheaper than parsing it all. */
const MAX_WINDOW_SHARE = 0.5;

export function createIncrementalParser({ maxFiles = 4, maxTextLength = 2_000_000 }: IncrementalParserOptions = {}): IncrementalParser {
  const cache = new Map<string, CachedParse>();
  const stats: IncrementalParserStats = { incremental: 0, full: {}, reparsedCharacters: 0 };

  function full(code: string, options: ParserOptions, reason: FullParseReason, key?: string): ParseResult {
    stats.full[reason] = (stats.full[reason] ?? 0) + 1;
    const result = tsParser.parseForESLint(code, parseOptions(options));
    if (key !== undefined && options.filePath && code.length <= maxTextLength) remember(options.filePath, { key, text: code, ast: result.ast, services: result.services, topLevelAwait: hasAwaitOutsideFunctions(result.ast.body) });
    return result;
  }

  function remember(filePath: string, entry: CachedParse): void {
    rememberRecent(cache, filePath, entry, maxFiles);
  }

  return {
    meta: { name: 'cancel-safe/incremental-typescript-parser', version: '1' },
    stats,
    clear: () => cache.clear(),
    parseForESLint(code: string, options: ParserOptions = {}): ParseResult {
      if (options.project || options.projectService || options.programs) return tsParser.parseForESLint(code, options);
      const { filePath } = options;
      const key = optionsKey(options);
      const previous = filePath ? cache.get(filePath) : undefined;
      if (!previous) return full(code, options, 'first', key);
      if (previous.key !== key) return full(code, options, 'options-changed', key);
      const attempt = reparseIncrementally(previous, code, options);
      // On failure the previous entry stays: text with a syntax error (mid-typing) is not kept,
      // so the next edit is diffed against the last text that parsed.
      if (typeof attempt === 'string') return full(code, options, attempt, key);
      stats.incremental++;
      stats.reparsedCharacters += attempt.reparsed;
      remember(filePath!, { key, text: code, ast: attempt.ast, services: previous.services, topLevelAwait: false });
      return { ast: attempt.ast, services: previous.services, scopeManager: analyze(attempt.ast, analyzeOptions(options)), visitorKeys } as ParseResult;
    },
  };
}

/** Sets `key` as the most recent entry of `cache`, dropping the least recent beyond `max`. */
export function rememberRecent<K, V>(cache: Map<K, V>, key: K, value: V, max: number): void {
  cache.delete(key);
  cache.set(key, value);
  while (cache.size > max) cache.delete(cache.keys().next().value!);
}

/**
 * One incremental step: the AST of `text` from the previous text and its AST, or why to parse in
 * full. Shared by {@link createIncrementalParser} and the type-aware variant, which keeps its own
 * cache; options asking for a program are dropped (the window parse is syntactic).
 */
export function reparseIncrementally(previous: { text: string; ast: TSESTree.Program; topLevelAwait: boolean }, text: string, options: ParserOptions): Reparsed | FullParseReason {
  if (normalisedSourceType(options) !== 'module') return 'script';
  if (previous.topLevelAwait) return 'top-level-await';
  return reparse(previous, text, withoutProjectParserOptions(options));
}

/**
 * No node maps (see above), and no deprecation warnings: reading a deprecated alias (such as
 * `TSEnumDeclaration.members`, a copy of `body.members`) is how shifting keeps it in step.
 */
function parseOptions(options: ParserOptions): ParserOptions {
  return { ...options, preserveNodeMaps: false, suppressDeprecatedPropertyWarnings: true };
}

/** What @typescript-eslint/parser passes to scope analysis without a program. */
/** Scope analysis options from parser options, as @typescript-eslint/parser derives them without a program. */
export function analyzeOptions(options: ParserOptions): AnalyzeOptions {
  return {
    globalReturn: options.ecmaFeatures?.globalReturn,
    jsxFragmentName: options.jsxFragmentName,
    jsxPragma: options.jsxPragma,
    lib: options.lib,
    sourceType: normalisedSourceType(options),
  };
}

export function normalisedSourceType(options: ParserOptions): 'module' | 'script' {
  return options.sourceType === 'module' ? 'module' : 'script';
}

function optionsKey(options: ParserOptions): string {
  const { filePath: _filePath, ...rest } = options;
  return JSON.stringify(rest);
}

type Change = { start: number; oldEnd: number; newEnd: number };
export type Reparsed = { ast: TSESTree.Program; reparsed: number };
/** A node whose body is a list of statements or class members, between braces (or the whole file). */
type ListContainer = TSESTree.Program | TSESTree.BlockStatement | TSESTree.ClassBody | TSESTree.TSModuleBlock;
type Element = TSESTree.Node;

function isListContainer(node: TSESTree.Node): node is ListContainer {
  return node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'ClassBody' || node.type === 'TSModuleBlock';
}

/**
 * The new AST from the previous one and the new text, or the reason to parse in full. The window
 * is first sought in the innermost statement or class-member list around the change (an edit in
 * a method re-parses a statement or two of it), then among the top-level statements. Nothing of
 * the previous AST is modified before a window parsed cleanly and passed every check.
 */
function reparse(previous: Pick<CachedParse, 'text' | 'ast'>, text: string, options: ParserOptions): Reparsed | FullParseReason {
  const program = previous.ast;
  if (text === previous.text) return { ast: { ...program }, reparsed: 0 };
  const change = changedRange(previous.text, text);
  const path = pathTo(program, change);
  let innermost = path.length - 1;
  while (!isListContainer(path[innermost]!)) innermost--;
  // An enum keeps a second copy of its members (the deprecated `members`), out of reach of a splice inside it.
  if (innermost > 0 && !path.some((node) => node.type === 'TSEnumDeclaration')) {
    const nested = reparseList(previous, text, options, change, path.slice(0, innermost + 1));
    if (typeof nested !== 'string') return nested;
  }
  return reparseList(previous, text, options, change, [program]);
}

/**
 * The nodes from the program down to the deepest one that holds the change strictly inside it; a
 * list container is only entered when the change lies between its braces.
 */
function pathTo(program: TSESTree.Program, { start, oldEnd }: Change): TSESTree.Node[] {
  const path: TSESTree.Node[] = [program];
  for (let node: TSESTree.Node | undefined = program; node; ) {
    let next: TSESTree.Node | undefined;
    for (const child of childrenOf(node)) {
      if (child.range[0] < start && oldEnd < child.range[1]) {
        next = child;
        break;
      }
    }
    if (next) path.push(next);
    node = next;
  }
  return path;
}

/**
 * The keys holding a node's children: its visitor keys, or for a node type without any (such as
 * the `TSJSDocNullableType` typescript-estree makes of `x: ?? T`) every property holding a node.
 */
function childKeys(node: TSESTree.Node): readonly string[] {
  const keys = visitorKeys[node.type];
  if (keys) return keys;
  return Object.keys(node).filter((key) => {
    if (key === 'parent') return false;
    const value = (node as unknown as Record<string, unknown>)[key];
    const sample: unknown = Array.isArray(value) ? value[0] : value;
    return typeof sample === 'object' && sample !== null && typeof (sample as { type?: unknown }).type === 'string' && Array.isArray((sample as { range?: unknown }).range);
  });
}

function childrenOf(node: TSESTree.Node): TSESTree.Node[] {
  const children: TSESTree.Node[] = [];
  for (const key of childKeys(node)) {
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const element of value) if (element) children.push(element as TSESTree.Node);
    } else if (value && typeof value === 'object') children.push(value as TSESTree.Node);
  }
  return children;
}

/**
 * Re-parses a window of the list of `path`'s last node (a list container) around the change.
 * Top-level windows are parsed on their own; nested ones inside a skeleton of their ancestors (see
 * {@link skeleton}), so `await`, `yield`, `return`, class members and labels parse as in place.
 */
function reparseList(previous: Pick<CachedParse, 'text' | 'ast'>, text: string, options: ParserOptions, change: Change, path: TSESTree.Node[]): Reparsed | FullParseReason {
  const oldText = previous.text;
  const program = previous.ast;
  const container = path.at(-1) as ListContainer;
  const list = container.body as Element[];
  const nested = container !== program;
  const { start, oldEnd } = change;
  const delta = change.newEnd - change.oldEnd;
  // The list's inside: between the braces of a block, class body or namespace; the whole file for the program.
  const inside = nested ? { start: container.range[0] + 1, end: container.range[1] - 1 } : { start: 0, end: oldText.length };
  const insideLoc = nested
    ? { start: { line: container.loc.start.line, column: container.loc.start.column + 1 }, end: { line: container.loc.end.line, column: container.loc.end.column - 1 } }
    : { start: { line: 1, column: 0 }, end: program.loc.end };

  // Elements the change touches (a change at an element's edge counts as touching it).
  let first = lowerBound(list, (element) => element.range[1] >= start);
  let last = lowerBound(list, (element) => element.range[0] > oldEnd); // exclusive
  // The element before the window must not be able to continue into it.
  while (first > 0 && !isHardTerminated(list[first - 1]!, oldText)) first--;

  for (;;) {
    // The window runs from the end of the element before it to the start of the one after it, so
    // the comments and blank lines between elements are re-read with it.
    const windowStart = first > 0 ? list[first - 1]!.range[1] : inside.start;
    const windowStartLoc = first > 0 ? list[first - 1]!.loc.end : insideLoc.start;
    const oldWindowEnd = last < list.length ? list[last]!.range[0] : inside.end;
    const oldWindowEndLoc = last < list.length ? list[last]!.loc.start : insideLoc.end;
    const newWindowEnd = oldWindowEnd + delta;
    // Whether a string statement is a directive depends on what precedes it in its list.
    if (list.slice(first, last + 1).some(isPossibleDirective)) return 'directive';

    // The text parsed starts at `offset`: the window itself at the top level (it starts at a token
    // boundary after a hard-terminated statement, so it parses on its own as it does in place), or
    // for a nested window the skeleton of the top-level statement around it.
    const frame = nested
      ? skeleton(text, path, first, last, oldWindowEnd, delta)
      : { text: text.slice(windowStart, newWindowEnd), kept: newWindowEnd - windowStart, offset: windowStart };
    if (frame.kept > text.length * MAX_WINDOW_SHARE && text.length > 2_000) return 'too-large';
    let parsed: TSESTree.Program;
    try {
      parsed = tsParser.parseForESLint(frame.text, parseOptions(options)).ast;
    } catch {
      return 'syntax-error';
    }
    const { offset } = frame;
    const relativeStart = windowStart - offset;
    const relativeEnd = newWindowEnd - offset;
    const counterpart = nested ? locate(parsed, container.type, container.range[0] - offset, container.range[1] + delta - offset) : parsed;
    if (!counterpart) return 'invalid-splice';
    const elements: Element[] = [];
    for (const element of counterpart.body as Element[]) {
      if (element.range[0] >= relativeStart && element.range[1] <= relativeEnd) elements.push(element);
      // Only kept directives may lie outside the window, before it.
      else if (!(element.range[1] <= relativeStart && isPossibleDirective(element))) return 'invalid-splice';
    }
    // A line comment reaching the window's end runs into the next element in the file (so does a
    // `#!` line, which TypeScript keeps out of the comments).
    const runsOn = (parsed.comments ?? []).some((comment) => comment.type === 'Line' && comment.range[0] >= relativeStart && comment.range[0] < relativeEnd && comment.range[1] >= relativeEnd);
    const shebangRunsOn = windowStart === 0 && text.startsWith('#!') && text.search(/[\r\n\u2028\u2029]|$/) >= newWindowEnd;
    if (last < list.length && (runsOn || shebangRunsOn)) {
      last++;
      continue;
    }
    // A comment or template opened in the window must close in it (else it swallowed what follows).
    if (straddles(parsed.tokens ?? [], relativeStart, relativeEnd) || straddles(parsed.comments ?? [], relativeStart, relativeEnd)) return 'invalid-splice';
    const tokens = within(parsed.tokens ?? [], relativeStart, relativeEnd);
    const comments = within(parsed.comments ?? [], relativeStart, relativeEnd);
    const offsetLoc = nested ? path[1]!.loc.start : windowStartLoc;
    const toAbsolute = createShift(offset, 1, offsetLoc.line - 1, offsetLoc.column);
    for (const element of elements) shiftTree(element, toAbsolute);
    for (const token of tokens) toAbsolute(token);
    for (const comment of comments) toAbsolute(comment);

    if (elements.some(isPossibleDirective)) return 'directive';
    // TypeScript parses a top-level statement with `await` twice, and what its first pass makes of
    // the rest of the file can survive: a file with an `await` outside functions is parsed in full.
    if (!path.some(isFunction) && hasAwaitOutsideFunctions(elements)) return 'top-level-await';
    // TypeScript can drop the error for tokens before a statement it re-parses (top-level
    // `await`); a full parse reports them. Every token must belong to an element.
    if (hasStrayTokens(elements, tokens)) return 'syntax-error';
    const lastNew = elements.at(-1);
    // The last new element could run into the next one: take that one into the window too.
    if (last < list.length && lastNew && !isHardTerminated(lastNew, text)) {
      last++;
      continue;
    }

    const windowEndLoc = endOf(text.slice(windowStart, newWindowEnd), windowStartLoc);
    const after = list.slice(last);
    const splicedTokens = splice(program.tokens ?? [], tokens, windowStart, oldWindowEnd);
    const splicedComments = splice(program.comments ?? [], comments, windowStart, oldWindowEnd);
    const lines = windowEndLoc.line - oldWindowEndLoc.line;
    const columns = windowEndLoc.column - oldWindowEndLoc.column;
    const moved = delta !== 0 || lines !== 0 || columns !== 0;
    const toShifted = createShift(delta, oldWindowEndLoc.line, lines, columns);
    if (moved) {
      for (const element of after) shiftTree(element, toShifted);
      for (const token of splicedTokens.shiftedFrom) toShifted(token);
      for (const comment of splicedComments.shiftedFrom) toShifted(comment);
      // A nested window's ancestors end after it: their later children move, and their ends.
      for (const ancestor of path.slice(0, -1)) for (const child of childrenOf(ancestor)) if (child.range[0] >= oldWindowEnd) shiftTree(child, toShifted);
      for (const ancestor of path.slice(1)) {
        ancestor.range = [ancestor.range[0], ancestor.range[1] + delta];
        ancestor.loc = { start: ancestor.loc.start, end: shiftPosition(ancestor.loc.end, oldWindowEndLoc.line, lines, columns) };
      }
    }
    (container as { body: Element[] }).body = [...list.slice(0, first), ...elements, ...after];
    const ast = {
      ...program,
      body: [...program.body],
      tokens: splicedTokens.items,
      comments: splicedComments.items,
      range: [0, text.length],
      loc: { start: { line: 1, column: 0 }, end: moved ? shiftPosition(program.loc.end, oldWindowEndLoc.line, lines, columns) : program.loc.end },
    } as TSESTree.Program;
    delete (ast as { parent?: unknown }).parent;
    return { ast, reparsed: frame.kept };
  }
}

/**
 * The top-level statement around a nested window, reduced to what the window needs to parse as it
 * does in place: the window, and around it its ancestors' own tokens (function heads, `class`,
 * `async`, labels). Sibling statements and class members are blanked; sibling expressions and
 * object properties become `_` (an identifier fits wherever they stood); other siblings
 * (patterns, types, keys) stay. Line breaks are kept, so locations only need the statement's start
 * added. `kept` counts the characters that were not blanked: the cost of the parse.
 */
function skeleton(text: string, path: TSESTree.Node[], first: number, last: number, oldWindowEnd: number, delta: number): { text: string; kept: number; offset: number } {
  type Cut = { start: number; end: number; placeholder: boolean };
  const cuts: Cut[] = [];
  const toNew = (offset: number): number => (offset >= oldWindowEnd ? offset + delta : offset);
  const cut = (node: TSESTree.Node, placeholder: boolean): void => {
    cuts.push({ start: toNew(node.range[0]), end: toNew(node.range[1]), placeholder });
  };
  const container = path.at(-1) as ListContainer;
  (container.body as Element[]).forEach((element, index) => {
    if ((index < first || index >= last) && !isPossibleDirective(element)) cut(element, false);
  });
  // From the top-level statement down: the program's other statements are not part of the text.
  for (let index = 1; index < path.length - 1; index++) {
    const ancestor = path[index]!;
    const onPath = path[index + 1]!;
    for (const child of childrenOf(ancestor)) {
      if (child === onPath) continue;
      if (isListContainer(ancestor)) {
        if (!isPossibleDirective(child)) cut(child, false);
      } else if (ancestor.type === 'ObjectExpression' || child.type.endsWith('Expression')) cut(child, true);
    }
  }
  cuts.sort((a, b) => a.start - b.start);
  const top = path[1]!;
  const start = top.range[0];
  const end = toNew(top.range[1]);
  let result = '';
  let position = start;
  let kept = 0;
  for (const cutOut of cuts) {
    result += text.slice(position, cutOut.start);
    kept += cutOut.start - position;
    result += cutOut.placeholder ? `_${blank(text.slice(cutOut.start + 1, cutOut.end))}` : blank(text.slice(cutOut.start, cutOut.end));
    position = cutOut.end;
  }
  result += text.slice(position, end);
  kept += end - position;
  return { text: result, kept, offset: start };
}

/** The node of `type` spanning exactly `[start, end)`, found by descending through the nodes that hold it. */
function locate(root: TSESTree.Node, type: string, start: number, end: number): TSESTree.Node & { body: unknown } | undefined {
  for (let node: TSESTree.Node | undefined = root; node; ) {
    if (node.type === type && node.range[0] === start && node.range[1] === end) return node as TSESTree.Node & { body: unknown };
    node = childrenOf(node).find((child) => child.range[0] <= start && end <= child.range[1]);
  }
  return undefined;
}

function isFunction(node: TSESTree.Node): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/**
 * An `await` (expression, identifier, `for await`, `await using`) outside any function: the
 * statements TypeScript parses twice. Class bodies count (conservatively).
 */
export function hasAwaitOutsideFunctions(nodes: readonly TSESTree.Node[]): boolean {
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isFunction(node)) continue;
    if (node.type === 'AwaitExpression' || (node.type === 'Identifier' && node.name === 'await')) return true;
    if (node.type === 'ForOfStatement' && node.await) return true;
    if (node.type === 'VariableDeclaration' && node.kind === 'await using') return true;
    stack.push(...childrenOf(node));
  }
  return false;
}

function hasStrayTokens(elements: readonly Element[], tokens: readonly TSESTree.Token[]): boolean {
  let index = 0;
  for (const token of tokens) {
    while (index < elements.length && elements[index]!.range[1] <= token.range[0]) index++;
    const element = elements[index];
    if (!element || token.range[0] < coveredStart(element)) return true;
  }
  return false;
}

/** Where an element's tokens begin: decorators of an exported class come before `export`. */
function coveredStart(element: Element): number {
  const declaration = (element as { declaration?: { decorators?: readonly TSESTree.Decorator[] } | null }).declaration;
  const decorator = declaration?.decorators?.[0];
  return decorator ? Math.min(element.range[0], decorator.range[0]) : element.range[0];
}

function straddles(items: readonly { range: [number, number] }[], start: number, end: number): boolean {
  return items.some((item) => (item.range[0] < start && item.range[1] > start) || (item.range[0] < end && item.range[1] > end));
}

function within<T extends { range: [number, number] }>(items: readonly T[], start: number, end: number): T[] {
  return items.slice(lowerBound(items, (item) => item.range[0] >= start), lowerBound(items, (item) => item.range[1] > end));
}

function blank(text: string): string {
  return text.replace(/[^\r\n\u2028\u2029]+/g, (run) => ' '.repeat(run.length));
}

/** The one contiguous range where the texts differ: `[start, oldEnd)` became `[start, newEnd)`. */
export function changedRange(oldText: string, text: string): { start: number; oldEnd: number; newEnd: number } {
  const shortest = Math.min(oldText.length, text.length);
  let start = 0;
  while (start < shortest && oldText.charCodeAt(start) === text.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < shortest - start && oldText.charCodeAt(oldText.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  return { start, oldEnd: oldText.length - suffix, newEnd: text.length - suffix };
}

/**
 * True when no token after the statement can continue it: it ends with `;`, or with the `}` of a
 * declaration or a block (an expression ending in `}`, like `x = function () {}`, can still be
 * called by a `(` on the next line).
 */
export function isHardTerminated(statement: TSESTree.Node, text: string): boolean {
  const lastCharacter = text[statement.range[1] - 1];
  if (lastCharacter === ';') return true;
  if (lastCharacter !== '}') return false;
  switch (statement.type) {
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'TSInterfaceDeclaration':
    case 'TSEnumDeclaration':
    case 'TSModuleDeclaration':
    case 'BlockStatement':
    case 'SwitchStatement':
    case 'TryStatement':
    case 'StaticBlock':
      return true;
    case 'MethodDefinition':
      // A method with a body; an overload signature without `;` is not.
      return statement.value.body != null;
    case 'ExportNamedDeclaration':
    case 'ExportDefaultDeclaration':
      return statement.declaration !== null && isHardTerminated(statement.declaration, text);
    case 'IfStatement':
      return isHardTerminated(statement.alternate ?? statement.consequent, text);
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement':
    case 'WhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      return isHardTerminated(statement.body, text);
    default:
      return false;
  }
}

/** A string expression statement: a directive at the top of a program, so its meaning depends on its position. */
function isPossibleDirective(statement: TSESTree.Node): boolean {
  return statement.type === 'ExpressionStatement' && statement.expression.type === 'Literal' && typeof statement.expression.value === 'string';
}

interface Spliced<T> {
  items: T[];
  /** The items taken from after the window, to be shifted. */
  shiftedFrom: T[];
}

function splice<T extends { range: [number, number] }>(old: readonly T[], fresh: readonly T[], windowStart: number, oldWindowEnd: number): Spliced<T> {
  const firstInWindow = lowerBound(old, (item) => item.range[1] > windowStart);
  const firstAfter = lowerBound(old, (item) => item.range[0] >= oldWindowEnd);
  const shiftedFrom = old.slice(firstAfter);
  return { items: [...old.slice(0, firstInWindow), ...fresh, ...shiftedFrom], shiftedFrom };
}

/** The first index whose item satisfies `isAtOrAfter` (which must be monotonic over `items`). */
function lowerBound<T>(items: readonly T[], isAtOrAfter: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAtOrAfter(items[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

type Located = { range: [number, number]; loc: TSESTree.SourceLocation };

/** Where `text` ends, when it starts at `from` (line breaks as TypeScript counts them: CRLF, CR, LF, U+2028, U+2029). */
export function endOf(text: string, from: TSESTree.Position): TSESTree.Position {
  let { line, column } = from;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 13 || code === 10 || code === 0x2028 || code === 0x2029) {
      if (code === 13 && text.charCodeAt(index + 1) === 10) index++;
      line++;
      column = 0;
    } else column++;
  }
  return { line, column };
}

/**
 * Where a position that lies after a change moves: by `lines`, and by `columns` when it sits on
 * `pivotLine`, the line where the change ended (further lines keep their columns).
 */
function shiftPosition(position: TSESTree.Position, pivotLine: number, lines: number, columns: number): TSESTree.Position {
  return { line: position.line + lines, column: position.line === pivotLine ? position.column + columns : position.column };
}

/**
 * Shifts an item's range and location. New objects each time: the parser shares position objects
 * between nodes and tokens, so changing one in place would move the others twice.
 */
function createShift(offset: number, pivotLine: number, lines: number, columns: number): (item: Located) => void {
  return (item) => {
    item.range = [item.range[0] + offset, item.range[1] + offset];
    item.loc = { start: shiftPosition(item.loc.start, pivotLine, lines, columns), end: shiftPosition(item.loc.end, pivotLine, lines, columns) };
  };
}

/**
 * typescript-estree's deprecated aliases that hold copies rather than the node's own children
 * (getters over values converted a second time): they move with the node.
 */
function shiftDeprecatedCopies(node: TSESTree.Node, shift: (item: Located) => void): void {
  switch (node.type) {
    case 'TSEnumDeclaration':
      for (const member of (node as unknown as { members: TSESTree.Node[] }).members) shiftTree(member, shift);
      break;
    case 'TSMappedType':
      shiftTree((node as unknown as { typeParameter: TSESTree.Node }).typeParameter, shift);
      break;
    case 'TSImportType':
      // Its `literal` is `source`, shifted as a child already.
      shift((node as unknown as { argument: Located }).argument);
      break;
  }
}

/** Applies `shift` to a node and every node under it (children found through the visitor keys). */
function shiftTree(root: TSESTree.Node, shift: (item: Located) => void): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    shift(node);
    shiftDeprecatedCopies(node, shift);
    const keys = childKeys(node);
    for (const key of keys) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (child === null || typeof child !== 'object') continue;
      if (Array.isArray(child)) {
        for (const element of child) if (element) stack.push(element as TSESTree.Node);
      } else stack.push(child as TSESTree.Node);
    }
  }
}
