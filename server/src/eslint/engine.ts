/**
 * Runs ESLint for the language server, inside the lint worker: decides per file which
 * configuration applies (the workspace's `eslint.config.*` when it enables cancel-safe rules,
 * else the embedded `recommended`), which ESLint runs it (the workspace's when installed and
 * compatible, else the bundled one), and reduces the results to {@link LintOutcome}. It never
 * re-implements a rule and never fixes text itself.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ESLint as BundledESLint, type Linter } from 'eslint';
import plugin = require('eslint-plugin-cancel-safe');
import { createZeroConfig, LINTED_FILES } from 'eslint-plugin-cancel-safe/cli';
import { RELATED_LOCATIONS_SYMBOL, type RelatedLocationsRecord } from '../shared/protocol';
import { createIncrementalParser, type IncrementalParser } from './incremental-parser';
import type { TypedIncrementalParser, typedParserWithFallback } from './typed-incremental-parser';
import type { EngineInfo, LintOutcome, LintSettings, WireMessage } from './protocol';

type ESLintClass = typeof BundledESLint;
type ESLintInstance = InstanceType<ESLintClass>;

const PREFIX = 'cancel-safe/';
const onlyCancelSafe = ({ ruleId }: { ruleId: string }): boolean => ruleId.startsWith(PREFIX);
const KNOWN_RULES = new Set(Object.keys(plugin.rules));

/** Thrown (as a marker) when the caller cancelled the lint at one of its await points. */
export class LintCancelled extends Error {
  override readonly name = 'LintCancelled';
}

interface WorkspaceEngine {
  ESLint: ESLintClass;
  info: EngineInfo;
  instance: ESLintInstance;
}

interface Decision {
  kind: 'workspace' | 'embedded' | 'ignored';
  file?: string;
}

/** Messages and state of one lint worker; one instance per worker thread. */
export class LintEngine {
  readonly #workspaces = new Map<string, WorkspaceEngine>();
  readonly #embedded = new Map<string, ESLintInstance>();
  /** Per file: which configuration applies. Cleared on {@link invalidate}; bounded to keep memory flat with many files. */
  readonly #decisions = new Map<string, Decision>();
  readonly #log: (level: 'info' | 'warn' | 'error', message: string) => void;
  readonly #bundled: EngineInfo = { version: BundledESLint.version, source: 'bundled', path: bundledPath() };
  /** Parses the embedded config's files; keeps the ASTs of the few files being edited. */
  readonly #parser: IncrementalParser = createIncrementalParser();
  /**
   * The same for the type-aware embedded config (the stock parser takes over if it ever fails).
   * Made on the first type-aware lint: its module (project service, converter) would add ~10 ms to
   * every worker's start-up, and syntactic linting never needs it.
   */
  #typed: { parser: TypedIncrementalParser; forESLint: ReturnType<typeof typedParserWithFallback> } | undefined;
  #related: RelatedLocationsRecord[] = [];

  constructor(log: (level: 'info' | 'warn' | 'error', message: string) => void) {
    this.#log = log;
    // The sink of the related-locations convention (see RELATED_LOCATIONS_SYMBOL): rules of any
    // plugin copy in this thread find it on the global object.
    (globalThis as Record<symbol, unknown>)[Symbol.for(RELATED_LOCATIONS_SYMBOL)] = (record: RelatedLocationsRecord) => {
      if (this.#related.length < 10_000) this.#related.push(record);
    };
  }

  /** Forget ESLint instances and config decisions: a config, package.json or tsconfig changed. */
  invalidate(): void {
    this.#workspaces.clear();
    this.#embedded.clear();
    this.#decisions.clear();
    this.#configUses.clear();
    this.#parser.clear();
    this.#typed?.parser.clear();
  }

  /**
   * Lints `text` as the file `filePath`.
   * @param isCancelled polled at every await point; a true answer throws {@link LintCancelled}.
   */
  async lint(filePath: string, root: string, text: string, settings: LintSettings, isCancelled: () => boolean, trusted = true): Promise<LintOutcome> {
    const started = performance.now();
    const notes: string[] = [];
    const checkpoint = (): void => {
      if (isCancelled()) throw new LintCancelled();
    };
    if (!trusted) return this.#lintWith(this.#embeddedFor(root, settings, notes), this.#bundled, { kind: 'embedded' }, filePath, text, {}, notes, started, checkpoint);
    let engine: WorkspaceEngine;
    try {
      engine = this.#workspace(root);
    } catch (error) {
      return this.#failure(`ESLint could not be loaded for the workspace ${root}: ${messageOf(error)}`, this.#bundled, { kind: 'embedded' }, started);
    }
    let decision: Decision;
    try {
      decision = await this.#decide(engine, filePath);
    } catch (error) {
      const configFile = await engine.instance.findConfigFile(filePath).catch(() => undefined);
      return this.#failure(
        `ESLint could not load the configuration${configFile ? ` ${configFile}` : ''} for ${filePath}: ${messageOf(error)} Fix the config (\`npx eslint ${path.basename(filePath)}\` shows the same error); other files keep being linted.`,
        engine.info,
        { kind: 'workspace', ...(configFile ? { file: configFile } : {}) },
        started,
        configFile,
      );
    }
    checkpoint();
    const config = decision.file ? { kind: decision.kind, file: decision.file } : { kind: decision.kind };
    if (decision.kind === 'ignored') return { messages: [], docs: {}, config, eslint: engine.info, notes, durationMs: performance.now() - started };

    const eslint = decision.kind === 'workspace' ? engine.instance : this.#embeddedFor(root, settings, notes);
    const info = decision.kind === 'workspace' ? engine.info : this.#bundled;
    return this.#lintWith(eslint, info, config, filePath, text, decision.kind === 'workspace' ? settings.rules : {}, notes, started, checkpoint, decision.file);
  }

  async #lintWith(
    eslint: ESLintInstance,
    info: EngineInfo,
    config: LintOutcome['config'],
    filePath: string,
    text: string,
    overrides: LintSettings['rules'],
    notes: string[],
    started: number,
    checkpoint: () => void,
    configFile?: string,
  ): Promise<LintOutcome> {
    this.#related = [];
    const parsesBefore = this.#incrementalParses();
    const reparsedBefore = this.#reparsedCharacters();
    let result: BundledESLint.LintResult | undefined;
    const typedParserFailedBefore = this.#typed?.forESLint.failed ?? false;
    try {
      [result] = await eslint.lintText(text, { filePath, warnIgnored: false });
    } catch (error) {
      // The type-aware incremental parser gave up during this lint (a lazy node-map lookup found
      // its AST different from typescript-estree's): the stock parser now parses; lint again.
      if (!typedParserFailedBefore && this.#typed?.forESLint.failed) return this.#lintWith(eslint, info, config, filePath, text, overrides, notes, started, checkpoint, configFile);
      return this.#failure(`ESLint failed while linting ${filePath}: ${messageOf(error)}`, info, config, started, configFile);
    }
    checkpoint();
    const messages = result ? this.#toWire(result.messages, filePath, overrides) : [];
    const docs: Record<string, string> = {};
    if (result && messages.some((message) => message.ruleId)) {
      const meta = eslint.getRulesMetaForResults([result]) as Record<string, { docs?: { url?: string } } | undefined>;
      for (const message of messages) {
        const url = message.ruleId ? meta[message.ruleId]?.docs?.url : undefined;
        if (message.ruleId && url) docs[message.ruleId] = url;
      }
    }
    const incremental = this.#incrementalParses() > parsesBefore;
    const reparsed = this.#reparsedCharacters() - reparsedBefore;
    const parse = config.kind === 'embedded' ? { parse: { incremental, reparsedCharacters: incremental ? reparsed : text.length, characters: text.length } } : {};
    return { messages, docs, config, eslint: info, notes, durationMs: performance.now() - started, ...parse };
  }

  #incrementalParses(): number {
    return this.#parser.stats.incremental + (this.#typed?.parser.stats.parses.incremental ?? 0);
  }

  #reparsedCharacters(): number {
    return this.#parser.stats.reparsedCharacters + (this.#typed?.parser.stats.reparsedCharacters ?? 0);
  }

  #typedParserForESLint(): ReturnType<typeof typedParserWithFallback> {
    if (!this.#typed) {
      // A runtime require on purpose: the module loads on the first type-aware lint only.
      const typed = require('./typed-incremental-parser') as typeof import('./typed-incremental-parser');
      const parser = typed.createTypedIncrementalParser();
      this.#typed = { parser, forESLint: typed.typedParserWithFallback(parser, (message) => this.#log('warn', message)) };
    }
    return this.#typed.forESLint;
  }

  #failure(message: string, eslint: EngineInfo, config: LintOutcome['config'], started: number, configFile?: string): LintOutcome {
    return { messages: [], docs: {}, config, eslint, notes: [], error: { message, ...(configFile ? { configFile } : {}) }, durationMs: performance.now() - started };
  }

  #toWire(messages: readonly Linter.LintMessage[], filePath: string, overrides: LintSettings['rules']): WireMessage[] {
    const related = new Map<string, RelatedLocationsRecord['related']>();
    for (const record of this.#related) {
      if (record.filename !== filePath) continue;
      related.set(`${record.ruleId}:${record.line}:${record.column + 1}:${record.messageId ?? ''}`, record.related);
    }
    const wire: WireMessage[] = [];
    for (const message of messages) {
      // Unused-directive reports and other rules' leftovers are not ours; parse errors are.
      if (!message.fatal && !message.ruleId?.startsWith(PREFIX)) continue;
      let severity = message.severity as 1 | 2;
      if (message.ruleId) {
        const override = overrides[message.ruleId.slice(PREFIX.length)];
        if (override === 'off') continue;
        if (override) severity = override === 'error' ? 2 : 1;
      }
      const item: WireMessage = { ruleId: message.ruleId, severity, message: message.message, line: message.line ?? 1, column: message.column ?? 1 };
      if (message.messageId) item.messageId = message.messageId;
      if (message.endLine !== undefined) item.endLine = message.endLine;
      if (message.endColumn !== undefined) item.endColumn = message.endColumn;
      if (message.fatal) item.fatal = true;
      if (message.fix) item.fix = { range: [message.fix.range[0], message.fix.range[1]], text: message.fix.text };
      if (message.suggestions?.length) {
        item.suggestions = message.suggestions.map((suggestion) => ({
          desc: suggestion.desc,
          fix: { range: [suggestion.fix.range[0], suggestion.fix.range[1]], text: suggestion.fix.text },
        }));
      }
      const locations = related.get(`${message.ruleId}:${item.line}:${item.column}:${message.messageId ?? ''}`);
      if (locations) item.related = locations;
      wire.push(item);
    }
    return wire;
  }

  /**
   * The workspace config decides when it uses cancel-safe at all: then it is followed exactly (a
   * file it ignores or leaves unconfigured gets nothing, as with `npx eslint`). A config that
   * never enables a cancel-safe rule (found by the file itself, a few probe files next to the
   * config, or the plugin's name in its source) leaves the file to the embedded config.
   */
  async #decide(engine: WorkspaceEngine, filePath: string): Promise<Decision> {
    const cached = this.#decisions.get(filePath);
    if (cached) return cached;
    const file = await engine.instance.findConfigFile(filePath);
    let decision: Decision;
    if (!file) decision = { kind: 'embedded' };
    else {
      const usesPlugin = (await this.#enables(engine, filePath)) || (await this.#configUsesPlugin(engine, file));
      if (!usesPlugin) decision = { kind: 'embedded', file };
      else if (await engine.instance.isPathIgnored(filePath)) decision = { kind: 'ignored', file };
      else decision = { kind: 'workspace', file };
    }
    if (this.#decisions.size >= 5_000) this.#decisions.delete(this.#decisions.keys().next().value!);
    this.#decisions.set(filePath, decision);
    return decision;
  }

  readonly #configUses = new Map<string, boolean>();

  async #configUsesPlugin(engine: WorkspaceEngine, configFile: string): Promise<boolean> {
    const cached = this.#configUses.get(configFile);
    if (cached !== undefined) return cached;
    const directory = path.dirname(configFile);
    let uses = false;
    for (const probe of ['index.ts', 'index.js', 'index.tsx', 'index.mjs', 'src/index.ts', 'src/index.js', 'lib/index.js']) {
      if (await this.#enables(engine, path.join(directory, probe))) {
        uses = true;
        break;
      }
    }
    if (!uses) {
      try {
        uses = /eslint-plugin-cancel-safe|['"]cancel-safe\//.test(await readFile(configFile, 'utf8'));
      } catch {
        // Unreadable: ESLint itself reports that when it loads the config.
      }
    }
    this.#configUses.set(configFile, uses);
    return uses;
  }

  async #enables(engine: WorkspaceEngine, filePath: string): Promise<boolean> {
    const config = (await engine.instance.calculateConfigForFile(filePath)) as { rules?: Record<string, unknown> } | undefined;
    return Object.entries(config?.rules ?? {}).some(([id, entry]) => id.startsWith(PREFIX) && severityOf(entry) > 0);
  }

  #workspace(root: string): WorkspaceEngine {
    let engine = this.#workspaces.get(root);
    if (engine) return engine;
    const { ESLint, info } = this.#loadWorkspaceESLint(root);
    const major = Number(info.version.split('.')[0]);
    const instance = new ESLint({
      cwd: root,
      ruleFilter: onlyCancelSafe,
      // ESLint 9 looks configs up from `cwd` unless asked to start from each file, as ESLint 10 does.
      ...(major === 9 ? { flags: ['unstable_config_lookup_from_file'] } : {}),
    } as ConstructorParameters<ESLintClass>[0]);
    engine = { ESLint, info, instance };
    this.#workspaces.set(root, engine);
    return engine;
  }

  #loadWorkspaceESLint(root: string): { ESLint: ESLintClass; info: EngineInfo } {
    let resolved: string | undefined;
    try {
      resolved = createRequire(path.join(root, 'package.json')).resolve('eslint');
    } catch {
      this.#log('info', `No ESLint installed in ${root}; using the bundled ESLint ${BundledESLint.version}.`);
      return { ESLint: BundledESLint, info: this.#bundled };
    }
    try {
      // A runtime require on purpose: bundlers must not inline the workspace's ESLint.
      const loaded = createRequire(path.join(root, 'package.json'))(resolved) as { ESLint?: ESLintClass };
      const version = loaded.ESLint?.version ?? '';
      const [major = 0, minor = 0] = version.split('.').map(Number);
      if (typeof loaded.ESLint !== 'function' || !(major >= 10 || (major === 9 && minor >= 15))) {
        this.#log('warn', `The workspace's ESLint ${version || '(unknown version)'} at ${resolved} is not supported (cancel-safe needs ESLint ^9.15 or ^10 with flat config); using the bundled ESLint ${BundledESLint.version}.`);
        return { ESLint: BundledESLint, info: this.#bundled };
      }
      this.#log('info', `Using the workspace's ESLint ${version} from ${resolved} for ${root}.`);
      return { ESLint: loaded.ESLint, info: { version, source: 'workspace', path: resolved } };
    } catch (error) {
      this.#log('warn', `The workspace's ESLint at ${resolved} failed to load (${messageOf(error)}); using the bundled ESLint ${BundledESLint.version}.`);
      return { ESLint: BundledESLint, info: this.#bundled };
    }
  }

  #embeddedFor(root: string, settings: LintSettings, notes: string[]): ESLintInstance {
    const rules: Record<string, 'off' | 'warn' | 'error'> = {};
    for (const [id, severity] of Object.entries(settings.rules)) {
      if (KNOWN_RULES.has(id)) rules[`${PREFIX}${id}`] = severity;
      else notes.push(`Setting \`cancelSafe.rules\` names the unknown rule "${id}"; known rules: ${[...KNOWN_RULES].sort().join(', ')}. Ignoring it.`);
    }
    const key = JSON.stringify([settings.typeAware ? root : '', rules, settings.raceHelpers, settings.runtimeModule]);
    let eslint = this.#embedded.get(key);
    if (eslint) return eslint;
    const overrideConfig: Linter.Config[] = [
      ...createZeroConfig(plugin as never, settings.typeAware ? { typeAware: true, rootDir: root } : {}),
      { name: 'cancel-safe/language-server/settings', settings: { 'cancel-safe': { runtimeModule: settings.runtimeModule, raceHelpers: settings.raceHelpers } } },
    ];
    // Type-aware parsing takes the program from the project service (which updates it incrementally) and the ESTree from the window re-parse.
    const parser = settings.typeAware ? this.#typedParserForESLint() : this.#parser;
    overrideConfig.push({ name: 'cancel-safe/language-server/incremental-parser', files: LINTED_FILES, languageOptions: { parser: parser as unknown as Linter.Parser } });
    if (Object.keys(rules).length > 0) overrideConfig.push({ name: 'cancel-safe/language-server/rules', rules });
    eslint = new BundledESLint({
      overrideConfigFile: true,
      overrideConfig,
      ruleFilter: onlyCancelSafe,
      // Every absolute path lies under the filesystem root; ESLint ignores files outside `cwd`.
      cwd: path.parse(root).root,
    });
    // Settings rarely change; a handful of variants is plenty and keeps memory flat.
    if (this.#embedded.size >= 8) this.#embedded.delete(this.#embedded.keys().next().value!);
    this.#embedded.set(key, eslint);
    return eslint;
  }
}

function severityOf(entry: unknown): number {
  const level = Array.isArray(entry) ? entry[0] : entry;
  if (level === 'error' || level === 2) return 2;
  if (level === 'warn' || level === 1) return 1;
  return 0;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.trim().replace(/\.?$/, '.');
  return `${String(error)}.`;
}

function bundledPath(): string {
  try {
    return require.resolve('eslint');
  } catch {
    return '(bundled with cancel-safe-language-server)';
  }
}
