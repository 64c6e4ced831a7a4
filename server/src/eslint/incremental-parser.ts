/**
 * An ESLint parser for the language server's embedded (syntactic) configuration that re-parses
 * only the top-level statements an edit touched and keeps the rest of the previous AST.
 *
 * A full typescript-estree parse of a 2,000-line file costs about 80 ms, half of it converting
 * tokens, and it runs on every keystroke; the rules themselves cost a few milliseconds. Editors send
 * one small edit at a time, so almost all of that work repeats the previous parse.
 *
 * The result is meant to be exactly what `@typescript-eslint/parser` returns for the new text (the
 * same nodes, tokens, comments, ranges and locations; scope analysis is always redone on the whole
 * program). That holds because a top-level statement is parsed the same way wherever it sits, as
 * long as its neighbours cannot run into it. The window that is re-parsed is therefore widened
 * until the statement before it and the last statement in it are *hard-terminated*: they end with
 * `;`, or with the `}` of a declaration or block, so no automatic semicolon insertion decision
 * depends on the edited text. The window is parsed in place (everything outside it blanked to
 * spaces, line breaks kept), so ranges and locations come out absolute; the statements after the
 * window are shifted. Anything the argument does not cover (a syntax error, a directive, a window
 * that is most of the file, type-aware options) falls back to a full parse. A differential
 * property test (test/server/incremental-parser.test.ts) checks the claim against full parses.
 *
 * Only for our own embedded config: its rules never read the TS node maps without a program, so
 * node maps are not kept (they are empty in the services), which also halves the memory per AST.
 */
import * as tsParser from '@typescript-eslint/parser';
import { analyze, type AnalyzeOptions } from '@typescript-eslint/scope-manager';
import type { TSESTree } from '@typescript-eslint/types';
import { visitorKeys } from '@typescript-eslint/visitor-keys';

type ParserOptions = NonNullable<Parameters<typeof tsParser.parseForESLint>[1]>;
type ParseResult = ReturnType<typeof tsParser.parseForESLint>;
type Statement = TSESTree.ProgramStatement;

interface CachedParse {
  key: string;
  text: string;
  ast: TSESTree.Program;
  services: ParseResult['services'];
}

/** Why a parse was not incremental; counted in {@link IncrementalParserStats}. */
export type FullParseReason = 'first' | 'syntax-error' | 'directive' | 'too-large' | 'options-changed' | 'invalid-splice';

export interface IncrementalParserStats {
  incremental: number;
  full: Partial<Record<FullParseReason, number>>;
  /** Characters re-parsed by incremental parses, summed; against `textCharacters` it is the saving. */
  reparsedCharacters: number;
  textCharacters: number;
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
  const stats: IncrementalParserStats = { incremental: 0, full: {}, reparsedCharacters: 0, textCharacters: 0 };

  function full(code: string, options: ParserOptions, reason: FullParseReason, key?: string): ParseResult {
    stats.full[reason] = (stats.full[reason] ?? 0) + 1;
    const result = tsParser.parseForESLint(code, { ...options, preserveNodeMaps: false });
    if (key !== undefined && options.filePath && code.length <= maxTextLength) remember(options.filePath, { key, text: code, ast: result.ast, services: result.services });
    return result;
  }

  function remember(filePath: string, entry: CachedParse): void {
    cache.delete(filePath);
    cache.set(filePath, entry);
    while (cache.size > maxFiles) cache.delete(cache.keys().next().value!);
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
      stats.textCharacters += code.length;
      const attempt = reparse(previous, code, options);
      // On failure the previous entry stays: text with a syntax error (mid-typing) is not kept,
      // so the next edit is diffed against the last text that parsed.
      if (typeof attempt === 'string') return full(code, options, attempt, key);
      stats.incremental++;
      stats.reparsedCharacters += attempt.reparsed;
      remember(filePath!, { key, text: code, ast: attempt.ast, services: previous.services });
      return { ast: attempt.ast, services: previous.services, scopeManager: analyze(attempt.ast, analyzeOptions(options)), visitorKeys } as ParseResult;
    },
  };
}

/** What @typescript-eslint/parser passes to scope analysis without a program. */
function analyzeOptions(options: ParserOptions): AnalyzeOptions {
  return {
    globalReturn: options.ecmaFeatures?.globalReturn,
    jsxFragmentName: options.jsxFragmentName,
    jsxPragma: options.jsxPragma,
    lib: options.lib,
    sourceType: normalisedSourceType(options),
  };
}

function normalisedSourceType(options: ParserOptions): 'module' | 'script' {
  return options.sourceType === 'module' ? 'module' : 'script';
}

function optionsKey(options: ParserOptions): string {
  const { filePath: _filePath, ...rest } = options;
  return JSON.stringify(rest);
}

/**
 * The new AST from the previous one and the new text, or the reason to parse in full. Nothing of
 * the previous AST is modified before the new window parsed cleanly and passed every check.
 */
function reparse(previous: CachedParse, text: string, options: ParserOptions): { ast: TSESTree.Program; reparsed: number } | FullParseReason {
  const oldText = previous.text;
  const program = previous.ast;
  const body = program.body;
  if (text === oldText) return { ast: { ...program }, reparsed: 0 };
  const { start, oldEnd, newEnd } = changedRange(oldText, text);
  const delta = newEnd - oldEnd;

  // Statements the edit touches (an edit at a statement's edge counts as touching it).
  let first = lowerBound(body, (statement) => statement.range[1] >= start);
  let last = lowerBound(body, (statement) => statement.range[0] > oldEnd); // exclusive
  // The statement before the window must not be able to continue into it.
  while (first > 0 && !isHardTerminated(body[first - 1]!, oldText)) first--;

  for (;;) {
    // The window runs from the end of the statement before it to the start of the one after it,
    // so the comments and blank lines between statements are re-read with it.
    const windowStart = first > 0 ? body[first - 1]!.range[1] : 0;
    const windowStartLoc = first > 0 ? body[first - 1]!.loc.end : { line: 1, column: 0 };
    const oldWindowEnd = last < body.length ? body[last]!.range[0] : oldText.length;
    const oldWindowEndLoc = last < body.length ? body[last]!.loc.start : program.loc.end;
    const newWindowEnd = oldWindowEnd + delta;
    if (newWindowEnd - windowStart > text.length * MAX_WINDOW_SHARE && text.length > 2_000) return 'too-large';

    // The window starts at a token boundary after a hard-terminated statement (or at the start of
    // the file): parsed on its own it yields what it yields in place, offset by its start.
    const windowText = text.slice(windowStart, newWindowEnd);
    let parsed: TSESTree.Program;
    try {
      parsed = tsParser.parseForESLint(windowText, { ...options, preserveNodeMaps: false }).ast;
    } catch {
      return 'syntax-error';
    }
    const statements = parsed.body;
    if (statements.some(isPossibleDirective)) return 'directive';
    const lastNew = statements.at(-1);
    // The last new statement could run into the next one: take that one into the window too.
    if (last < body.length && lastNew && !isHardTerminated(lastNew, windowText)) {
      last++;
      continue;
    }

    const toAbsolute = createShift(windowStart, 1, windowStartLoc.line - 1, windowStartLoc.column);
    for (const statement of statements) shiftTree(statement, toAbsolute);
    for (const token of parsed.tokens ?? []) toAbsolute(token);
    for (const comment of parsed.comments ?? []) toAbsolute(comment);

    const windowEndLoc = endOf(windowText, windowStartLoc);
    const after = body.slice(last);
    const tokens = splice(program.tokens ?? [], parsed.tokens ?? [], windowStart, oldWindowEnd);
    const comments = splice(program.comments ?? [], parsed.comments ?? [], windowStart, oldWindowEnd);
    let programEnd = program.loc.end;
    if (delta !== 0 || windowEndLoc.line !== oldWindowEndLoc.line || windowEndLoc.column !== oldWindowEndLoc.column) {
      const toShifted = createShift(delta, oldWindowEndLoc.line, windowEndLoc.line - oldWindowEndLoc.line, windowEndLoc.column - oldWindowEndLoc.column);
      for (const statement of after) shiftTree(statement, toShifted);
      for (const token of tokens.shiftedFrom) toShifted(token);
      for (const comment of comments.shiftedFrom) toShifted(comment);
      programEnd = shiftPosition(programEnd, oldWindowEndLoc.line, windowEndLoc.line - oldWindowEndLoc.line, windowEndLoc.column - oldWindowEndLoc.column);
    }
    const ast = {
      ...program,
      body: [...body.slice(0, first), ...statements, ...after],
      tokens: tokens.items,
      comments: comments.items,
      range: [0, text.length],
      loc: { start: { line: 1, column: 0 }, end: programEnd },
    } as TSESTree.Program;
    delete (ast as { parent?: unknown }).parent;
    return { ast, reparsed: windowText.length };
  }
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
      return true;
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
function isPossibleDirective(statement: Statement): boolean {
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

/** Applies `shift` to a node and every node under it (children found through the visitor keys). */
function shiftTree(root: TSESTree.Node, shift: (item: Located) => void): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    shift(node);
    const keys = visitorKeys[node.type] ?? [];
    for (const key of keys) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (child === null || typeof child !== 'object') continue;
      if (Array.isArray(child)) {
        for (const element of child) if (element) stack.push(element as TSESTree.Node);
      } else stack.push(child as TSESTree.Node);
    }
  }
}
