import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { getCalleeName, getEnclosingFunction, getMethodName, getPropertyName, getReceiver, isFunctionNode, unwrap, walk, type FunctionNode } from '../util/ast';
import { createRule } from '../util/create-rule';
import { matchesAnyGlob } from '../util/glob';
import { importFromRuntime } from '../util/imports';
import { isFromModule, isGlobal, resolveOrigin, type Origin } from '../util/references';
import { getSettings } from '../util/settings';
import { getFileShutdownHandling } from '../util/shutdown';
import { getConstInitializer } from '../util/timers';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    ignorePatterns?: string[];
    checkIntervals?: boolean;
    checkLoops?: boolean;
  },
];
export type MessageId = 'missingShutdown' | 'missingSigterm' | 'addOnShutdown';

type StarterKind = 'server' | 'interval' | 'worker' | 'cluster' | 'loop';

interface Starter {
  readonly kind: StarterKind;
  readonly node: TSESTree.Node;
  /** What the message calls it: `server.listen()`, `setInterval()`, … */
  readonly label: string;
}

const SERVER_MODULES = new Set(['http', 'https', 'net', 'tls', 'http2']);
const SERVER_FACTORIES = new Set(['createServer', 'createSecureServer', 'Server']);
/** Frameworks whose app object has `listen` but no `close`: `app.listen()` returns the http.Server to close. */
const APP_WITHOUT_CLOSE = new Set(['express', 'koa', 'polka', 'restify', 'connect']);
const APP_WITH_PROMISE_CLOSE = new Set(['fastify', '@hapi/hapi', 'hapi']);
const SERVER_RECEIVER_NAME = /(?:server|srv|app|api|fastify|koa|express|wss)$/i;
const APP_NAME = /app$/i;

export default createRule<Options, MessageId>({
  name: 'require-graceful-shutdown',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require a SIGTERM handler in programs that start servers, intervals, workers or consumer loops',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ignorePatterns: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Glob patterns (`**`, `*`, `?`, `{a,b}`, relative to the working directory) of files that are never a program entry, such as tests.',
          },
          checkIntervals: {
            type: 'boolean',
            description: 'Report a `setInterval()` started at program entry (an `unref()`ed one never counts).',
          },
          checkLoops: {
            type: 'boolean',
            description: 'Report an endless `while (true)` / `for (;;)` loop that awaits, started at program entry.',
          },
        },
      },
    ],
    messages: {
      missingShutdown:
        '{{resource}} keeps this program running, but the file registers no SIGTERM handler. On every deploy or scale-down the orchestrator sends SIGTERM and the process dies with its in-flight requests and jobs. Register `onShutdown()` from cancel-safe/node (or `process.once(\'SIGTERM\', …)`) that stops it and waits for in-flight work.',
      missingSigterm:
        '{{resource}} keeps this program running, and the file handles {{handled}} but not SIGTERM, the signal Kubernetes, Docker, systemd and PM2 send before killing a process. Every deploy drops its in-flight work. Handle SIGTERM as well, for example with `onShutdown()` from cancel-safe/node.',
      addOnShutdown: 'Register `onShutdown()` from cancel-safe/node that stops it.',
    },
  },
  defaultOptions: [
    {
      ignorePatterns: ['**/*.test.*', '**/*.spec.*', '**/test/**', '**/tests/**', '**/__tests__/**', '**/__mocks__/**'],
      checkIntervals: true,
      checkLoops: true,
    },
  ],
  create(context, [{ ignorePatterns = [], checkIntervals = true, checkLoops = true }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    const services = getTypeServices(context);
    // Local names under which the file imports setInterval, Worker or fork (`import { Worker as Thread }`),
    // so the cheap name test below still sees renamed imports before resolving their origin.
    const aliasOf = new Map<string, string>();
    // Top-level ones first: a function declared above \`const { fork: f } = require('cluster')\` may call \`f\`.
    for (const statement of sourceCode.ast.body) {
      if (statement.type === AST_NODE_TYPES.ImportDeclaration && ALIAS_MODULES.has(statement.source.value)) collectImportAliases(statement, aliasOf);
      else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
        for (const declarator of statement.declarations) if (declarator.id.type === AST_NODE_TYPES.ObjectPattern && declarator.init) collectPatternAliases(declarator.id, aliasOf);
      }
    }

    /** Calls and loops whose names make them possible starters; classified at the end, and only at program entry. */
    const candidates: { node: TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.WhileStatement | TSESTree.ForStatement | TSESTree.DoWhileStatement; name: string }[] = [];

    function checkLoop(node: TSESTree.WhileStatement | TSESTree.ForStatement | TSESTree.DoWhileStatement): void {
      if (checkLoops && (!node.test || isAlwaysTrue(node.test))) candidates.push({ node, name: 'loop' });
    }

    return {
      // Destructured aliases inside functions are collected as the traversal meets them.
      'VariableDeclarator[id.type="ObjectPattern"]'(node: TSESTree.VariableDeclarator) {
        if (node.init && node.parent.parent.type !== AST_NODE_TYPES.Program) collectPatternAliases(node.id as TSESTree.ObjectPattern, aliasOf);
      },
      CallExpression(node) {
        const name = getCalleeName(node);
        if (name === undefined) return;
        const exported = name === 'listen' || name === 'setInterval' || name === 'fork' ? name : aliasOf.get(name);
        if (exported !== undefined && exported !== 'Worker') candidates.push({ node, name: exported });
      },
      NewExpression(node) {
        const name = getCalleeName(node);
        if (name === 'Worker' || (name !== undefined && aliasOf.get(name) === 'Worker')) candidates.push({ node, name: 'Worker' });
      },
      WhileStatement: checkLoop,
      DoWhileStatement: checkLoop,
      ForStatement: checkLoop,
      'Program:exit'() {
        // The file-name check runs only for files that may start something: most files never pay for it.
        if (candidates.length === 0 || matchesAnyGlob(context.filename, context.cwd, ignorePatterns)) return;
        const starters: Starter[] = [];
        for (const { node, name } of candidates) {
          if (!isAtEntry(node)) continue;
          const starter = classify(node, name);
          if (starter) starters.push(starter);
        }
        if (starters.length === 0) return;
        const handling = getFileShutdownHandling(sourceCode, { runtimeModule: settings.runtimeModule });
        if (handling.handlesSigterm) return;
        const handled = [...handling.signals].filter((signal) => signal !== 'beforeExit');
        for (const starter of starters) {
          const suggestion = buildSuggestion(starter, starters);
          context.report({
            ...(starter.kind === 'loop' ? { loc: loopHead(starter.node) } : { node: starter.node }),
            messageId: handled.length > 0 ? 'missingSigterm' : 'missingShutdown',
            data: { resource: starter.label, handled: handled.join(' and ') },
            suggest: suggestion ? [suggestion] : [],
          });
        }
      },
    };

    function classify(node: TSESTree.Node, name: string): Starter | undefined {
      if (node.type === AST_NODE_TYPES.NewExpression) {
        return isFromModule(resolveOrigin(sourceCode, node.callee), 'worker_threads', 'Worker')
          ? { kind: 'worker', node, label: '`new Worker()`' }
          : undefined;
      }
      if (node.type !== AST_NODE_TYPES.CallExpression) {
        const loop = node as TSESTree.WhileStatement | TSESTree.ForStatement | TSESTree.DoWhileStatement;
        if (!isEndlessAwaitingLoop(loop)) return undefined;
        return { kind: 'loop', node, label: `This endless \`${loop.type === AST_NODE_TYPES.ForStatement ? 'for (;;)' : 'while (true)'}\` consumer loop` };
      }
      if (name === 'listen') {
        return getMethodName(node) === 'listen' && isServerListen(node)
          ? { kind: 'server', node, label: `\`${calleeText(node)}()\`` }
          : undefined;
      }
      const origin = resolveOrigin(sourceCode, node.callee);
      if (name === 'setInterval' && checkIntervals && (isGlobal(origin, 'setInterval') || isFromModule(origin, 'timers', 'setInterval'))) {
        return isUnrefed(node) ? undefined : { kind: 'interval', node, label: '`setInterval()`' };
      }
      if (name === 'fork' && isFromModule(origin, 'cluster', 'fork')) return { kind: 'cluster', node, label: `\`${calleeText(node)}()\`` };
      return undefined;
    }

    function calleeText(node: TSESTree.CallExpression): string {
      const text = sourceCode.getText(node.callee);
      return text.length > 40 || text.includes('\n') ? (getMethodName(node) ?? 'listen') : text;
    }

    /** `server.listen(...)` on something that accepts connections (not `documents.listen(connection)`). */
    function isServerListen(call: TSESTree.CallExpression): boolean {
      const receiver = getReceiver(call);
      if (!receiver || receiver.type === AST_NODE_TYPES.Super) return false;
      if (services) {
        const verdict = typedServerVerdict(call, receiver);
        if (verdict !== undefined) return verdict;
      }
      if (serverOrigin(receiver) !== undefined) return true;
      return hasPortLikeArgument(call) || SERVER_RECEIVER_NAME.test(receiverName(receiver) ?? '');
    }

    /**
     * With types: a server is something with `address()` or `close()` (http/net/tls/http2 servers,
     * fastify, socket.io, ws), or whose `listen` returns one (express, koa). `any` leaves it open.
     */
    function typedServerVerdict(call: TSESTree.CallExpression, receiver: TSESTree.Node): boolean | undefined {
      const checker = services!.program.getTypeChecker();
      const receiverType = services!.getTypeAtLocation(receiver);
      if (receiverType.flags & (1 /* Any */ | 2 /* Unknown */)) return undefined;
      const has = (type: typeof receiverType, name: string) => checker.getPropertyOfType(checker.getApparentType(type), name) !== undefined;
      if (has(receiverType, 'address') || has(receiverType, 'close')) return true;
      const resultType = services!.getTypeAtLocation(call);
      if (resultType.flags & (1 | 2)) return undefined;
      return has(resultType, 'address') || has(resultType, 'close');
    }

    /** The framework or module that made the receiver: `http.createServer()`, `express()`, `fastify()`. */
    function serverOrigin(receiver: TSESTree.Node): string | undefined {
      let node = unwrap(receiver);
      if (node.type === AST_NODE_TYPES.Identifier) {
        const init = getConstInitializer(sourceCode, node);
        if (!init) return undefined;
        node = unwrap(init);
      }
      if (node.type === AST_NODE_TYPES.AwaitExpression) node = unwrap(node.argument);
      if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) return undefined;
      const origin: Origin | undefined = resolveOrigin(sourceCode, node.callee);
      if (!origin?.module) return undefined;
      if (SERVER_MODULES.has(origin.module)) {
        return origin.path.length === 1 && SERVER_FACTORIES.has(origin.path[0]!) ? origin.module : undefined;
      }
      const bare = origin.module;
      if (APP_WITHOUT_CLOSE.has(bare) || APP_WITH_PROMISE_CLOSE.has(bare)) return bare;
      if (bare === 'socket.io' || bare === 'ws') return bare;
      return undefined;
    }

    function receiverName(receiver: TSESTree.Node): string | undefined {
      const node = unwrap(receiver);
      if (node.type === AST_NODE_TYPES.Identifier) return node.name;
      if (node.type === AST_NODE_TYPES.MemberExpression) return getPropertyName(node);
      return undefined;
    }

    /** `listen(3000)`, `listen(port)`, `listen(config.port)`, `listen(process.env.PORT ?? 80)`, `listen({ port })`. */
    function hasPortLikeArgument(call: TSESTree.CallExpression): boolean {
      const first = call.arguments[0];
      return first !== undefined && isPortLike(first, 0);
    }

    function isPortLike(argument: TSESTree.Node, depth: number): boolean {
      const node = unwrap(argument);
      if (depth > 2) return false;
      switch (node.type) {
        case AST_NODE_TYPES.Literal:
          return typeof node.value === 'number';
        case AST_NODE_TYPES.Identifier:
          return /port/i.test(node.name);
        case AST_NODE_TYPES.MemberExpression: {
          const name = getPropertyName(node) ?? '';
          return /port/i.test(name) || sourceCode.getText(node.object).endsWith('process.env');
        }
        case AST_NODE_TYPES.LogicalExpression:
          return isPortLike(node.left, depth + 1) || isPortLike(node.right, depth + 1);
        case AST_NODE_TYPES.CallExpression:
          return node.arguments[0] !== undefined && isPortLike(node.arguments[0], depth + 1);
        case AST_NODE_TYPES.ObjectExpression:
          return node.properties.some(
            (property) =>
              property.type === AST_NODE_TYPES.Property &&
              !property.computed &&
              property.key.type === AST_NODE_TYPES.Identifier &&
              (property.key.name === 'port' || property.key.name === 'host'),
          );
        default:
          return false;
      }
    }

    /** `setInterval(…).unref()`, or the id it returns is `unref()`ed somewhere in the file. */
    function isUnrefed(call: TSESTree.CallExpression): boolean {
      const parent = call.parent;
      if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === call && getPropertyName(parent) === 'unref') return true;
      const handle = handleName(call);
      return handle !== undefined && (sourceCode.text.includes(`${handle}.unref(`) || sourceCode.text.includes(`${handle}?.unref(`));
    }

    /** `while (true)` / `for (;;)` / `do … while (true)` that awaits and never breaks or returns. */
    function isEndlessAwaitingLoop(loop: TSESTree.WhileStatement | TSESTree.ForStatement | TSESTree.DoWhileStatement): boolean {
      let awaits = false;
      let leaves = false;
      walk(loop.body, sourceCode.visitorKeys, (node) => {
        if (leaves) return false;
        if (isFunctionNode(node)) return false;
        if (node.type === AST_NODE_TYPES.AwaitExpression || (node.type === AST_NODE_TYPES.ForOfStatement && node.await)) awaits = true;
        if (node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement) leaves = true;
        if (node.type === AST_NODE_TYPES.BreakStatement && breaksOut(node, loop)) leaves = true;
        return true;
      });
      return awaits && !leaves;
    }

    /**
     * True when `node` runs while the program starts: at top level, or in a function that is
     * called (directly, as an IIFE or through `.then(…)`) from code that runs at start.
     */
    function isAtEntry(node: TSESTree.Node): boolean {
      return runsAtEntry(node, new Set());
    }

    function runsAtEntry(node: TSESTree.Node, visiting: Set<FunctionNode>): boolean {
      const fn = getEnclosingFunction(node);
      if (!fn) return true;
      if (visiting.has(fn) || visiting.size > 8) return false;
      visiting.add(fn);
      const parent = fn.parent;
      // An IIFE, or a `.then(cb)` callback of a promise made at start.
      if (parent?.type === AST_NODE_TYPES.CallExpression) {
        if (parent.callee === fn) return runsAtEntry(parent, visiting);
        const method = getMethodName(parent);
        if ((method === 'then' || method === 'finally') && parent.arguments[0] === fn) return runsAtEntry(parent, visiting);
      }
      const id =
        fn.type === AST_NODE_TYPES.FunctionDeclaration
          ? fn.id
          : parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier
            ? parent.id
            : undefined;
      if (!id) return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(id), id);
      if (!variable) return false;
      return variable.references.some((reference) => {
        const identifier = reference.identifier;
        const call = identifier.parent;
        if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === identifier) return runsAtEntry(call, visiting);
        // `start().then(main)`, `ready.then(main)`
        if (call?.type === AST_NODE_TYPES.CallExpression && call.arguments[0] === identifier) {
          const method = getMethodName(call);
          return (method === 'then' || method === 'finally') && runsAtEntry(call, visiting);
        }
        return false;
      });
    }

    function buildSuggestion(starter: Starter, all: readonly Starter[]): TSESLint.SuggestionReportDescriptor<MessageId> | undefined {
      const statement = getListStatement(starter.node);
      if (!statement) return undefined;
      const list = statement.parent as TSESTree.BlockStatement | TSESTree.Program;
      const siblings = all
        .map((candidate) => ({ candidate, statement: getListStatement(candidate.node) }))
        .filter((entry): entry is { candidate: Starter; statement: TSESTree.Statement } => entry.statement?.parent === list)
        .sort((a, b) => a.statement.range[0] - b.statement.range[0]);
      const firstLoop = siblings.find((entry) => entry.candidate.kind === 'loop');
      // Code after an endless loop never runs: register before it.
      const group = firstLoop ? siblings.filter((entry) => entry.statement.range[0] <= firstLoop.statement.range[0]) : siblings;
      const lines: string[] = [];
      let closesSomething = false;
      for (const { candidate } of [...group].reverse()) {
        const line = closingLine(candidate);
        closesSomething ||= line.closes;
        lines.push(line.text);
      }
      if (!closesSomething) return undefined;
      const anchor = firstLoop ? firstLoop.statement : group.at(-1)!.statement;
      const indent = /^\s*/.exec(sourceCode.lines[anchor.loc.start.line - 1] ?? '')![0];
      return {
        messageId: 'addOnShutdown',
        fix(fixer) {
          const runtime = importFromRuntime(fixer, sourceCode, `${settings.runtimeModule}/node`, ['onShutdown']);
          const block = [
            `${runtime.names['onShutdown']}(async () => {`,
            ...lines.map((line) => `${indent}  ${line}`),
            `${indent}});`,
          ].join('\n');
          const edit = firstLoop ? fixer.insertTextBefore(anchor, `${block}\n${indent}`) : fixer.insertTextAfter(anchor, `\n${indent}${block}`);
          return [...runtime.fixes, edit];
        },
      };
    }

    /** The statement that stops one starter, or a comment saying what the user must keep a handle to. */
    function closingLine(starter: Starter): { text: string; closes: boolean } {
      const call = starter.node;
      switch (starter.kind) {
        case 'interval': {
          const handle = handleName(call as TSESTree.CallExpression);
          return handle
            ? { text: `clearInterval(${handle});`, closes: true }
            : { text: '// Keep the id setInterval() returns and clearInterval() it here.', closes: false };
        }
        case 'worker': {
          const handle = handleName(call as TSESTree.NewExpression);
          return handle
            ? { text: `await ${handle}.terminate();`, closes: true }
            : { text: '// Keep the Worker and terminate() it here.', closes: false };
        }
        case 'cluster': {
          const callee = unwrap((call as TSESTree.CallExpression).callee);
          const cluster = callee.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(callee.object) : undefined;
          return cluster
            ? { text: `await new Promise((resolve) => ${cluster}.disconnect(resolve));`, closes: true }
            : { text: '// Disconnect the forked workers here.', closes: false };
        }
        case 'loop':
          return { text: `// End the loop on line ${call.loc.start.line}: have it check a flag or signal set here.`, closes: false };
        case 'server':
          return serverClosingLine(call as TSESTree.CallExpression);
      }
    }

    function serverClosingLine(call: TSESTree.CallExpression): { text: string; closes: boolean } {
      const receiver = getReceiver(call)!;
      const origin = serverOrigin(receiver);
      const result = handleName(call);
      const receiverText = simpleReference(receiver);
      const closeWithCallback = (handle: string) => ({ text: `await new Promise((resolve) => ${handle}.close(resolve));`, closes: true });
      const keep = { text: `// Keep the server that ${sourceCode.getText(call.callee)}() returns and close() it here.`, closes: false };
      if (origin !== undefined && APP_WITH_PROMISE_CLOSE.has(origin)) {
        return receiverText ? { text: origin === 'fastify' ? `await ${receiverText}.close();` : `await ${receiverText}.stop();`, closes: true } : keep;
      }
      if (origin !== undefined && APP_WITHOUT_CLOSE.has(origin)) return result ? closeWithCallback(result) : keep;
      if (services && receiverText) {
        const checker = services.program.getTypeChecker();
        const type = services.getTypeAtLocation(receiver);
        if (!(type.flags & (1 | 2))) {
          if (checker.getPropertyOfType(checker.getApparentType(type), 'close')) return closeWithCallback(receiverText);
          return result ? closeWithCallback(result) : keep;
        }
      }
      if (result && call.parent?.type !== AST_NODE_TYPES.AwaitExpression) return closeWithCallback(result);
      if (receiverText && !APP_NAME.test(receiverName(receiver) ?? '')) return closeWithCallback(receiverText);
      return keep;
    }

    /** `server` or `this.server`: something the shutdown block can name. */
    function simpleReference(node: TSESTree.Node): string | undefined {
      const unwrapped = unwrap(node);
      if (unwrapped.type === AST_NODE_TYPES.Identifier) return unwrapped.name;
      if (
        unwrapped.type === AST_NODE_TYPES.MemberExpression &&
        !unwrapped.computed &&
        (unwrapped.object.type === AST_NODE_TYPES.ThisExpression || unwrapped.object.type === AST_NODE_TYPES.Identifier)
      ) {
        return sourceCode.getText(unwrapped);
      }
      return undefined;
    }
  },
});

const ALIASED_EXPORTS = new Set(['setInterval', 'Worker', 'fork']);

const ALIAS_MODULES = new Set(['timers', 'node:timers', 'worker_threads', 'node:worker_threads', 'cluster', 'node:cluster']);

/** `import { Worker as Thread } from 'node:worker_threads'` → Thread → Worker. */
function collectImportAliases(declaration: TSESTree.ImportDeclaration, aliases: Map<string, string>): void {
  for (const specifier of declaration.specifiers) {
    if (specifier.type !== AST_NODE_TYPES.ImportSpecifier || specifier.imported.type !== AST_NODE_TYPES.Identifier) continue;
    if (ALIASED_EXPORTS.has(specifier.imported.name)) aliases.set(specifier.local.name, specifier.imported.name);
  }
}

/** `const { Worker: Thread } = require('worker_threads')` → Thread → Worker (origins are checked later). */
function collectPatternAliases(pattern: TSESTree.ObjectPattern, aliases: Map<string, string>): void {
  for (const property of pattern.properties) {
    if (
      property.type === AST_NODE_TYPES.Property &&
      property.key.type === AST_NODE_TYPES.Identifier &&
      property.value.type === AST_NODE_TYPES.Identifier &&
      ALIASED_EXPORTS.has(property.key.name)
    ) {
      aliases.set(property.value.name, property.key.name);
    }
  }
}

/** `const h = <call>` / `h = <call>` / `this.h = <call>` → `h`/`this.h`. */
function handleName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | undefined {
  const parent = call.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === call && parent.id.type === AST_NODE_TYPES.Identifier) {
    return parent.id.name;
  }
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === call) {
    const left = unwrap(parent.left);
    if (left.type === AST_NODE_TYPES.Identifier) return left.name;
    if (left.type === AST_NODE_TYPES.MemberExpression && left.object.type === AST_NODE_TYPES.ThisExpression && !left.computed) {
      const name = getPropertyName(left);
      return name === undefined ? undefined : `this.${name}`;
    }
  }
  return undefined;
}

function isAlwaysTrue(test: TSESTree.Expression): boolean {
  const node = unwrap(test);
  if (node.type === AST_NODE_TYPES.Literal) return node.value === true || node.value === 1;
  return node.type === AST_NODE_TYPES.UnaryExpression && node.operator === '!' && node.argument.type === AST_NODE_TYPES.Literal && node.argument.value === 0;
}

/** True when `statement` leaves `loop`: an unlabeled break not inside an inner loop or switch, or a labeled one naming it. */
function breaksOut(statement: TSESTree.BreakStatement, loop: TSESTree.Node): boolean {
  if (statement.label) {
    const labeled = loop.parent;
    return labeled?.type === AST_NODE_TYPES.LabeledStatement && labeled.label.name === statement.label.name;
  }
  for (let current: TSESTree.Node | undefined = statement.parent; current && current !== loop; current = current.parent) {
    switch (current.type) {
      case AST_NODE_TYPES.WhileStatement:
      case AST_NODE_TYPES.DoWhileStatement:
      case AST_NODE_TYPES.ForStatement:
      case AST_NODE_TYPES.ForInStatement:
      case AST_NODE_TYPES.ForOfStatement:
      case AST_NODE_TYPES.SwitchStatement:
        return false;
      default:
        break;
    }
  }
  return true;
}

/** The statement holding `node` whose parent is a block or the program (where a new statement can go). */
function getListStatement(node: TSESTree.Node): TSESTree.Statement | undefined {
  let current: TSESTree.Node = node;
  while (current.parent) {
    const parent: TSESTree.Node = current.parent;
    if (parent.type === AST_NODE_TYPES.Program || parent.type === AST_NODE_TYPES.BlockStatement) {
      return current as TSESTree.Statement;
    }
    if (isFunctionNode(parent)) return undefined;
    current = parent;
  }
  return undefined;
}

/** `while (true)` / `for (;;)` head, so the report does not underline the whole loop body. */
function loopHead(loop: TSESTree.Node): TSESTree.SourceLocation {
  const body = (loop as TSESTree.WhileStatement).body;
  return loop.type === AST_NODE_TYPES.DoWhileStatement
    ? { start: loop.loc.start, end: { line: loop.loc.start.line, column: loop.loc.start.column + 2 } }
    : { start: loop.loc.start, end: body.loc.start };
}
