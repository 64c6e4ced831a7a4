import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, getEnclosingFunction, getKeyName, getMethodName, isFunctionNode, someCall, someNode, unwrap, type FunctionNode } from '../util/ast';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { isGlobal, resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import {
  createShutdownLookup,
  getFunctionName,
  isProcessMember,
  resolveFunction,
  type ShutdownOptions,
  type ShutdownPath,
} from '../util/shutdown';
import { isThenableType } from '../util/signals';
import { isSetTimeoutCallee } from '../util/timers';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    drainMethods?: string[];
    shutdownFunctions?: string[];
    timeoutMs?: number;
  },
];
export type MessageId = 'noDeadline' | 'wrapInTimeout' | 'addWatchdog';

/** Methods that wait for in-flight work to finish: servers, pools, trackers, queues, workers, clients. */
const DEFAULT_DRAIN_METHODS = [
  'close', 'closeAll', 'end', 'wait', 'terminate', 'drain', 'flush', 'stop', 'quit', 'disconnect', 'onIdle', 'shutdown',
  'closeAllConnections', 'destroyGracefully',
];

/** Option keys through which a drain receives its own deadline. */
const DEADLINE_KEYS = new Set(['signal', 'timeout', 'timeoutMs', 'deadline', 'gracePeriod', 'forceTimeout']);

export default createRule<Options, MessageId>({
  name: 'require-shutdown-timeout',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require a deadline on the drains a shutdown path waits for',
      recommended: 'warn',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          drainMethods: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Method names that wait for in-flight work, in addition to `close`, `end`, `wait`, `terminate`, `drain`, `flush`, `stop`, `quit`, `disconnect`, `onIdle`, `shutdown` and the like.',
          },
          shutdownFunctions: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Names of your own shutdown functions, in addition to signal handlers and conventional names such as `shutdown` or `gracefulShutdown`.',
          },
          timeoutMs: {
            type: 'integer',
            minimum: 1,
            description: 'The deadline, in milliseconds, that the suggestions write.',
          },
        },
      },
    ],
    messages: {
      noDeadline:
        '`{{drain}}` is waited for in a shutdown path with no deadline, so one stuck keep-alive connection, job or pool client keeps the process hanging until the orchestrator sends SIGKILL, with everything still in flight. Bound it with `timeout(ms, …)` from cancel-safe, or arm a watchdog `setTimeout(() => process.exit(1), ms).unref()` first.',
      wrapInTimeout: 'Wrap it in `timeout({{ms}}, …)` from cancel-safe.',
      addWatchdog: 'Arm a watchdog that exits after {{ms}} ms.',
    },
  },
  defaultOptions: [{ drainMethods: [], shutdownFunctions: [], timeoutMs: 10_000 }],
  create(context, [{ drainMethods = [], shutdownFunctions = [], timeoutMs = 10_000 }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    const services = getTypeServices(context);
    // Built per file: about 0.3 µs, too little for a cache keyed on the options to pay for itself.
    const methods: ReadonlySet<string> = new Set([...DEFAULT_DRAIN_METHODS, ...drainMethods]);
    const shutdownOptions: ShutdownOptions = { runtimeModule: settings.runtimeModule, shutdownFunctions };
    const shutdown = createShutdownLookup(sourceCode, shutdownOptions);

    return {
      CallExpression(node) {
        // Once the file is known to have no shutdown path, no drain in it can be reported.
        if (shutdown.computed?.paths.size === 0) return;
        const method = getMethodName(node);
        const isPromiseCombinator = (method === 'all' || method === 'allSettled') && isPromiseAll(node);
        if (!isPromiseCombinator && (method === undefined || !methods.has(method))) return;
        const waited = getWaitedExpression(node, isPromiseCombinator);
        if (!waited) return;
        const fn = getEnclosingFunction(waited.expression);
        if (!fn) return;
        const path = shutdown.pathOf(fn);
        if (!path || path.bounded) return;
        if (hasOwnDeadline(node) || hasWatchdog(path, 0) || callsLocalShutdownPath(node, method)) return;
        if (waited.how === 'await' && services && !isThenableType(services, services.getTypeAtLocation(waited.expression))) return;
        context.report({
          node: waited.expression,
          messageId: 'noDeadline',
          data: { drain: `${sourceCode.getText(unwrap(node.callee))}()` },
          suggest: buildSuggestions(waited, path),
        });
      },
    };

    /**
     * `service.shutdown()` where this file defines the shutdown method: the drains inside it are
     * reported where they are, so the call is not reported a second time.
     */
    function callsLocalShutdownPath(call: TSESTree.CallExpression, method: string | undefined): boolean {
      if (method === undefined) return false;
      const local = resolveFunction(sourceCode, call.callee);
      if (local) return shutdown.pathOf(local) !== undefined;
      for (const candidate of shutdown.handling().paths.keys()) if (getFunctionName(candidate) === method) return true;
      return false;
    }

    function isPromiseAll(call: TSESTree.CallExpression): boolean {
      const origin = resolveOrigin(sourceCode, call.callee);
      return isGlobal(origin, 'Promise', 'all') || isGlobal(origin, 'Promise', 'allSettled');
    }

    /**
     * How the shutdown path waits for the drain: `await drain()`, `return drain()`,
     * `drain().then(…)`, `await new Promise((r) => server.close(r))`, or `server.close(() => …)`
     * with a callback that goes on with the shutdown. Undefined when nothing waits for it.
     */
    function getWaitedExpression(
      call: TSESTree.CallExpression,
      isPromiseCombinator: boolean,
    ): { expression: TSESTree.Expression; how: 'await' | 'promise' | 'callback' } | undefined {
      let expression: TSESTree.Expression = call;
      // new Promise((resolve) => server.close(resolve)): the promise is what is waited for.
      const executor = getEnclosingFunction(call);
      if (
        executor &&
        !isPromiseCombinator &&
        executor.parent?.type === AST_NODE_TYPES.NewExpression &&
        executor.parent.arguments[0] === executor &&
        isGlobal(resolveOrigin(sourceCode, executor.parent.callee), 'Promise') &&
        isDirectlyInBody(call, executor)
      ) {
        expression = executor.parent;
      } else if (!isPromiseCombinator && call.arguments.some((argument) => isFunctionNode(argument) && hasBody(argument))) {
        return { expression: call, how: 'callback' };
      }
      let outer: TSESTree.Node = expression;
      while (outer.parent && (outer.parent.type === AST_NODE_TYPES.ChainExpression || outer.parent.type === AST_NODE_TYPES.TSAsExpression)) {
        outer = outer.parent;
      }
      const parent = outer.parent;
      if (parent?.type === AST_NODE_TYPES.AwaitExpression) return { expression, how: 'await' };
      if (parent?.type === AST_NODE_TYPES.ReturnStatement) return { expression, how: 'promise' };
      if (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === outer) return { expression, how: 'promise' };
      if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === outer) {
        const chained = parent.parent;
        if (chained?.type === AST_NODE_TYPES.CallExpression && chained.callee === parent && getMethodName(chained) === 'then') {
          return { expression, how: 'promise' };
        }
      }
      return undefined;
    }

    /** `tracker.wait({ signal })`, `app.close({ timeout })`, or `AbortSignal.timeout(…)` among the arguments. */
    function hasOwnDeadline(call: TSESTree.CallExpression): boolean {
      return call.arguments.some((argument) => {
        const node = unwrap(argument);
        if (node.type === AST_NODE_TYPES.ObjectExpression) {
          return node.properties.some((property) => property.type === AST_NODE_TYPES.Property && DEADLINE_KEYS.has(getKeyName(property) ?? ''));
        }
        if (node.type === AST_NODE_TYPES.Identifier) return /signal|deadline/i.test(node.name);
        return node.type === AST_NODE_TYPES.CallExpression && /AbortSignal\.timeout/.test(sourceCode.getText(node.callee));
      });
    }

    /**
     * A `setTimeout(() => process.exit(…), ms)` armed in the shutdown function or in a function on
     * the way to it (the signal handler that calls `shutdown()`): the drain then has a deadline.
     */
    function hasWatchdog(path: ShutdownPath, depth: number): boolean {
      if (containsWatchdog(path.fn)) return true;
      if (path.kind !== 'called' || depth > 3) return false;
      return path.callSites.every((site) => {
        const caller = getEnclosingFunction(site);
        const callerPath = caller ? shutdown.pathOf(caller) : undefined;
        return callerPath !== undefined && hasWatchdog(callerPath, depth + 1);
      });
    }

    /** A `setTimeout` in the function's own code (not in a nested function) whose callback exits the process. */
    function containsWatchdog(fn: FunctionNode): boolean {
      return someNode(
        fn.body,
        sourceCode.visitorKeys,
        (node) => {
          if (node.type !== AST_NODE_TYPES.CallExpression || !isSetTimeoutCallee(sourceCode, node.callee)) return false;
          const callback = node.arguments[0];
          return callback !== undefined && isFunctionNode(callback) && exitsProcess(callback);
        },
        { enterFunctions: false },
      );
    }

    /** A `process.exit/kill/abort()` anywhere in the callback, nested functions included. */
    function exitsProcess(fn: FunctionNode): boolean {
      return someCall(
        fn.body,
        sourceCode.visitorKeys,
        (call) =>
          isProcessMember(sourceCode, call.callee, 'exit') ||
          isProcessMember(sourceCode, call.callee, 'kill') ||
          isProcessMember(sourceCode, call.callee, 'abort'),
      );
    }

    function buildSuggestions(
      waited: { expression: TSESTree.Expression; how: 'await' | 'promise' | 'callback' },
      path: ShutdownPath,
    ): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      const suggestions: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
      // Formatted per report rather than per file: only the suggestions write it.
      const msText = formatMs(timeoutMs);
      if (waited.how !== 'callback') {
        suggestions.push({
          messageId: 'wrapInTimeout',
          data: { ms: msText },
          fix(fixer) {
            const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['timeout']);
            const text = sourceCode.getText(waited.expression);
            return [...runtime.fixes, fixer.replaceText(waited.expression, `${runtime.names['timeout']}(${msText}, () => ${text})`)];
          },
        });
      }
      const body = path.fn.body;
      if (body.type === AST_NODE_TYPES.BlockStatement && body.body.length > 0) {
        const first = body.body[0]!;
        const sameLine = first.loc.start.line === body.loc.start.line;
        const indent = sameLine ? ' ' : /^\s*/.exec(sourceCode.lines[first.loc.start.line - 1] ?? '')![0];
        suggestions.push({
          messageId: 'addWatchdog',
          data: { ms: msText },
          fix: (fixer) =>
            fixer.insertTextBefore(first, `setTimeout(() => process.exit(1), ${msText}).unref();${sameLine ? ' ' : `\n${indent}`}`),
        });
      }
      return suggestions;
    }
  },
});

function hasBody(fn: FunctionNode): boolean {
  return fn.body.type !== AST_NODE_TYPES.BlockStatement || fn.body.body.length > 0;
}

/** True when `node` is in `fn`'s own code, not in a function nested in it. */
function isDirectlyInBody(node: TSESTree.Node, fn: FunctionNode): boolean {
  return getEnclosingFunction(node) === fn;
}

/** 10000 → `10_000`, as people write durations. */
function formatMs(ms: number): string {
  return String(ms).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}
