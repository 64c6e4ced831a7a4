import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, type FunctionNode, getPropertyName, isFunctionNode, unwrap } from '../util/ast';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { functionReturnsPromise, getLocalFunction, returnsThenableByType } from '../util/promises';
import { isFromModule, isGlobal, resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import { createSignalFinder } from '../util/signals';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    checkPromiseReturning?: boolean;
  },
];
export type MessageId = 'asyncCallback' | 'useInterval';

export default createRule<Options, MessageId>({
  name: 'no-async-interval',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow `setInterval` with an async callback, whose ticks overlap and cannot be awaited on shutdown',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkPromiseReturning: {
            type: 'boolean',
            description:
              'Also report callbacks that are not declared `async` but return a promise (`() => refresh()` where `refresh` is async, or any callback whose type returns a promise).',
          },
        },
      },
    ],
    messages: {
      asyncCallback:
        '`setInterval` does not wait for {{callback}}: a tick slower than {{period}} overlaps the next one, a rejection becomes an unhandled rejection that crashes Node, and shutdown cannot wait for the running tick. Use `interval()` from cancel-safe (ticks never overlap and `stop()` waits for the running one), or chain `setTimeout` after each tick settles.',
      useInterval: 'Use `interval()` from cancel-safe.',
    },
  },
  defaultOptions: [{ checkPromiseReturning: true }],
  create(context, [{ checkPromiseReturning }]) {
    const sourceCode = context.sourceCode;
    // Most files never mention setInterval: skip them before resolving a single callee.
    if (!sourceCode.text.includes('setInterval')) return {};
    const services = getTypeServices(context);
    // Only a real AbortSignal in scope is passed on (a `const signal = 'SIGTERM'` is not one).
    const findSignal = createSignalFinder(sourceCode, services);
    const settings = getSettings(context);
    const candidates = aliasesOfSetInterval(sourceCode.text);

    return {
      CallExpression(node) {
        if (!isCandidateCallee(node.callee, candidates) || !isSetInterval(node.callee)) return;
        const [callback, period] = node.arguments;
        if (!callback || callback.type === AST_NODE_TYPES.SpreadElement) return;
        const description = describeCallback(callback);
        if (!description) return;
        const periodText = period && period.type !== AST_NODE_TYPES.SpreadElement ? `\`${sourceCode.getText(period)}\` ms` : 'the period';
        context.report({
          node: callback,
          messageId: 'asyncCallback',
          data: { callback: description, period: periodText },
          suggest: buildSuggestions(node, callback, period),
        });
      },
    };

    function isSetInterval(callee: TSESTree.Node): boolean {
      const origin = resolveOrigin(sourceCode, callee);
      // `timers/promises`' setInterval is an async iterator that already waits for each tick.
      return isGlobal(origin, 'setInterval') || isFromModule(origin, 'timers', 'setInterval');
    }

    /** Why the callback's promise is dropped, or undefined when it returns none we can see. */
    function describeCallback(callback: TSESTree.Expression): string | undefined {
      const node = unwrap(callback);
      const fn = isFunctionNode(node) ? node : getLocalFunction(sourceCode, node);
      const name = isFunctionNode(node) ? undefined : `\`${sourceCode.getText(node)}\``;
      if (fn?.async) return name ? `the async function ${name}` : 'this async callback';
      if (!checkPromiseReturning) return undefined;
      const byType = returnsThenableByType(services, node);
      const returnsPromise = byType ?? (fn !== undefined && functionReturnsPromise(sourceCode, fn));
      if (!returnsPromise) return undefined;
      return name ? `the promise ${name} returns` : 'the promise this callback returns';
    }

    /**
     * `setInterval(async () => …, ms)` → `interval(ms, async () => …)` when the timer id is not
     * kept (nobody can `clearInterval` it, so `interval()`'s stop handle loses nothing) and the
     * callback takes no arguments (the runtime passes it an AbortSignal instead).
     */
    function buildSuggestions(
      call: TSESTree.CallExpression,
      callback: TSESTree.Expression,
      period: TSESTree.CallExpressionArgument | undefined,
    ): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      if (!period || period.type === AST_NODE_TYPES.SpreadElement || call.arguments.length !== 2) return [];
      const statement = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
      if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return [];
      const node = unwrap(callback);
      let callbackText: string;
      if (isFunctionNode(node)) {
        if (node.params.length > 0) return [];
        callbackText = sourceCode.getText(callback);
      } else if (node.type === AST_NODE_TYPES.Identifier) {
        const local: FunctionNode | undefined = getLocalFunction(sourceCode, node);
        callbackText = local && local.params.length === 0 ? node.name : `() => ${node.name}()`;
      } else return [];
      const inScope = findSignal(call);
      const signal = inScope === undefined ? '' : inScope.text === 'signal' ? ', { signal }' : `, { signal: ${inScope.text} }`;
      return [
        {
          messageId: 'useInterval',
          fix(fixer) {
            const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['interval']);
            const text = `${runtime.names['interval']}(${sourceCode.getText(period)}, ${callbackText}${signal})`;
            return [...runtime.fixes, fixer.replaceText(call, text)];
          },
        },
      ];
    }
  },
});

/**
 * Local names that may stand for `setInterval`: itself, and renamings (`setInterval as every`,
 * `{ setInterval: every }`, `const every = timers.setInterval`). A cheap pre-filter only; the
 * origin of each candidate is still resolved through its binding.
 */
function aliasesOfSetInterval(text: string): Set<string> {
  const names = new Set(['setInterval']);
  for (const match of text.matchAll(/setInterval\s*(?:as|:)\s*([A-Za-z_$][\w$]*)/g)) names.add(match[1]!);
  for (const match of text.matchAll(/([A-Za-z_$][\w$]*)\s*=\s*(?:[\w$]+\s*\.\s*)*setInterval\b/g)) names.add(match[1]!);
  return names;
}

function isCandidateCallee(callee: TSESTree.Node, candidates: ReadonlySet<string>): boolean {
  const node = unwrap(callee);
  if (node.type === AST_NODE_TYPES.Identifier) return candidates.has(node.name);
  return node.type === AST_NODE_TYPES.MemberExpression && getPropertyName(node) === 'setInterval';
}
