import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, getCalleeName, getKeyName, isFunctionNode, unwrap } from '../util/ast';
import { createRule } from '../util/create-rule';
import { isThenableType } from '../util/signals';
import { reportWithRelated } from '../util/related';
import { importFromRuntime } from '../util/imports';
import { DEFAULT_CONSUMING_METHODS, fileMayRace, getConsumingOperation, getRaceCall, type ConsumingOptions } from '../util/race';
import { isGlobal, resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import { getConstInitializer, getReleaseScope, getSignalProperty, getTimerPromise, type TimerPromise } from '../util/timers';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    checkOperationAbort?: boolean;
  },
];
export type MessageId = 'timerNotCleared' | 'operationNotAborted' | 'useTimeout' | 'useAbortSignalTimeout';

export default createRule<Options, MessageId>({
  name: 'no-leaky-timeout',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow `Promise.race` timeouts that never clear their timer or never abort the operation',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkOperationAbort: {
            type: 'boolean',
            description:
              'Also report the raced operation when it is given no AbortSignal, so it keeps running after the timer wins.',
          },
        },
      },
    ],
    messages: {
      timerNotCleared:
        'This timeout timer is never cleared when the operation wins the race, so it holds the event loop open and keeps its closure alive until it fires. Use `timeout()` from cancel-safe, or clear the timer in `finally`.',
      operationNotAborted:
        'When the timer wins this race the operation is not aborted: `{{operation}}`{{created}} gets no AbortSignal and keeps its socket, query or CPU busy after the caller gave up. Use `timeout()` from cancel-safe and pass its signal to the operation.',
      useTimeout: 'Use `timeout()` from cancel-safe.',
      useAbortSignalTimeout: 'Pass `signal: AbortSignal.timeout({{delay}})` to `fetch` instead of racing it.',
    },
  },
  defaultOptions: [{ checkOperationAbort: true }],
  create(context, [{ checkOperationAbort }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    if (!fileMayRace(sourceCode, settings)) return {};
    const services = getTypeServices(context);

    return {
      CallExpression(node) {
        const race = getRaceCall(sourceCode, settings, node);
        if (!race || race.elements.length < 2) return;
        const scope = getReleaseScope(node);
        const timers: { element: TSESTree.Expression; timer: TimerPromise }[] = [];
        const operations: TSESTree.Expression[] = [];
        for (const element of race.elements) {
          const timer = getTimerPromise(sourceCode, element, scope);
          if (timer && returnsPromise(timer.node)) timers.push({ element, timer });
          else operations.push(element);
        }
        if (timers.length === 0 || operations.length === 0) return;

        const suggest = buildSuggestions(
          race.call,
          race.hasUnknownElements ? undefined : timers.map(({ timer }) => timer),
          operations,
        );
        for (const { element, timer } of timers) {
          if (timer.release !== undefined) continue;
          context.report({ node: element, messageId: 'timerNotCleared', suggest });
        }
        if (!checkOperationAbort) return;
        for (const operation of operations) {
          const call = getOperationCall(operation);
          if (!call || receivesSignal(call) || isCleanupCall(call)) continue;
          // A consuming read (`reader.read()`, `events.once`) loses data when it loses: no-unsafe-race reports it.
          if (getConsumingOperation(sourceCode, call, CONSUMING)) continue;
          // A hoisted operation: name where it was started, so an editor can show both places.
          const hoisted = call.range[0] < race.call.range[0] || call.range[1] > race.call.range[1];
          const created = hoisted ? ` (started on line ${call.loc.start.line})` : '';
          reportWithRelated(
            context,
            { node: operation, messageId: 'operationNotAborted', data: { operation: describeCallee(call), created }, suggest },
            hoisted ? [{ node: call, message: 'The operation is started here, without an AbortSignal.' }] : [],
          );
        }
      },
    };

    /** With type information, a `sleep()`-named helper counts as a timer only if it returns a promise. */
    function returnsPromise(node: TSESTree.Node): boolean {
      if (!services || node.type !== AST_NODE_TYPES.CallExpression) return true;
      return isThenableType(services, services.getTypeAtLocation(node));
    }

    function getOperationCall(element: TSESTree.Expression): TSESTree.CallExpression | undefined {
      let node = unwrap(element);
      if (node.type === AST_NODE_TYPES.Identifier) {
        const init = getConstInitializer(sourceCode, node);
        if (!init) return undefined;
        node = unwrap(init);
      }
      if (node.type === AST_NODE_TYPES.AwaitExpression) return undefined;
      return node.type === AST_NODE_TYPES.CallExpression ? node : undefined;
    }

    /** An argument that names a signal, carries `{ signal }`, or spreads options we cannot see. */
    function receivesSignal(call: TSESTree.CallExpression): boolean {
      if (isThenChain(call)) return true;
      return call.arguments.some((argument) => {
        const node = unwrap(argument);
        if (node.type === AST_NODE_TYPES.ObjectExpression) {
          return (
            getSignalProperty(node) !== undefined ||
            node.properties.some((property) => property.type === AST_NODE_TYPES.SpreadElement)
          );
        }
        if (node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression) {
          const text = sourceCode.getText(node);
          return /signal|token|controller|options|opts|init|config/i.test(text);
        }
        return node.type === AST_NODE_TYPES.SpreadElement;
      });
    }

    /**
     * Racing `client.close()` / `server.stop()` against a timer bounds a shutdown step: letting it
     * go on after the deadline is the point, there is nothing to abort (undici's test suite does this).
     */
    function isCleanupCall(call: TSESTree.CallExpression): boolean {
      const name = getCalleeName(call);
      return name !== undefined && CLEANUP_METHODS.has(name);
    }

    /** The callee as written, or `async function` for an immediately invoked one (whose text is its whole body). */
    function describeCallee(call: TSESTree.CallExpression): string {
      const callee = unwrap(call.callee);
      if (isFunctionNode(callee)) return callee.async ? 'async function' : 'function';
      const text = sourceCode.getText(callee);
      return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
    }

    /** `p.then(...)`/`.catch`/`.finally` chains hide the call that made the work; we cannot tell. */
    function isThenChain(call: TSESTree.CallExpression): boolean {
      const name = getCalleeName(call);
      return name === 'then' || name === 'catch' || name === 'finally';
    }

    function buildSuggestions(
      raceCall: TSESTree.CallExpression,
      timers: readonly TimerPromise[] | undefined,
      operations: readonly TSESTree.Expression[],
    ): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      if (!timers || timers.length !== 1 || operations.length !== 1) return [];
      const [timer] = timers as [TimerPromise];
      const [operation] = operations as [TSESTree.Expression];
      // Only an inline timer can be rewritten: a hoisted one would still be created by its declaration.
      if (!timer.delay || !isInlineElement(raceCall, timer.node)) return [];
      const delayText = sourceCode.getText(timer.delay);
      const suggestions: TSESLint.SuggestionReportDescriptor<MessageId>[] = [
        {
          messageId: 'useTimeout',
          fix(fixer) {
            const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['timeout']);
            const body = operationWithSignal(operation, 'signal');
            const outer =
              body.outer === undefined ? '' : body.outer === 'signal' ? ', { signal }' : `, { signal: ${body.outer} }`;
            const replacement = `${runtime.names['timeout']}(${delayText}, (signal) => ${body.text}${outer})`;
            return [...runtime.fixes, fixer.replaceText(raceCall, replacement)];
          },
        },
      ];
      const fetchCall = unwrap(operation);
      if (
        fetchCall.type === AST_NODE_TYPES.CallExpression &&
        isGlobal(resolveOrigin(sourceCode, fetchCall.callee), 'fetch') &&
        fetchCall.arguments.length >= 1 &&
        fetchCall.arguments.length <= 2
      ) {
        suggestions.push({
          messageId: 'useAbortSignalTimeout',
          data: { delay: delayText },
          fix: (fixer) =>
            fixer.replaceText(raceCall, operationWithSignal(fetchCall, `AbortSignal.timeout(${delayText})`).text),
        });
      }
      return suggestions;
    }

    /**
     * The operation rewritten to receive `signalText`: `fetch(u)` → `fetch(u, { signal })`, an options
     * literal gains `signal` (an existing `signal: outer` is replaced and `outer` returned, so the
     * caller can keep it as the outer signal), a call with no arguments receives the signal; anything
     * else is kept as written (the user then passes the signal where the API takes it).
     */
    function operationWithSignal(operation: TSESTree.Expression, signalText: string): { text: string; outer?: string } {
      const node = unwrap(operation);
      const property = signalText === 'signal' ? 'signal' : `signal: ${signalText}`;
      // An immediately invoked function cannot receive the signal: keep it as written.
      if (node.type !== AST_NODE_TYPES.CallExpression || isFunctionNode(unwrap(node.callee))) return { text: sourceCode.getText(operation) };
      const calleeText = sourceCode.getText(node.callee);
      const typeArguments = node.typeArguments ? sourceCode.getText(node.typeArguments) : '';
      const argumentsText = node.arguments.map((argument) => sourceCode.getText(argument));
      const isFetch = isGlobal(resolveOrigin(sourceCode, node.callee), 'fetch');
      const last = node.arguments.at(-1);
      const lastObject = last && unwrap(last).type === AST_NODE_TYPES.ObjectExpression ? (unwrap(last) as TSESTree.ObjectExpression) : undefined;
      let outer: string | undefined;
      if (isFetch && node.arguments.length === 1) argumentsText.push(`{ ${property} }`);
      else if (isFetch && node.arguments.length === 2 && !lastObject) {
        argumentsText[1] = `{ ...${argumentsText[1]}, ${property} }`;
      } else if (lastObject) {
        const existing = lastObject.properties.find(
          (candidate): candidate is TSESTree.Property =>
            candidate.type === AST_NODE_TYPES.Property && getKeyName(candidate) === 'signal',
        );
        const parts = lastObject.properties.map((candidate) =>
          candidate === existing ? property : sourceCode.getText(candidate),
        );
        if (existing) outer = sourceCode.getText(existing.value);
        else parts.push(property);
        argumentsText[argumentsText.length - 1] = `{ ${parts.join(', ')} }`;
      } else if (node.arguments.length === 0) argumentsText.push(signalText);
      const optional = node.optional ? '?.' : '';
      return { text: `${calleeText}${typeArguments}${optional}(${argumentsText.join(', ')})`, ...(outer === undefined ? {} : { outer }) };
    }
  },
});

const CONSUMING: ConsumingOptions = { methods: new Set(DEFAULT_CONSUMING_METHODS), checkEventPromises: false };

/** Shutdown steps: racing them against a deadline is how a bounded shutdown is written. */
const CLEANUP_METHODS = new Set(['close', 'end', 'destroy', 'terminate', 'disconnect', 'kill', 'quit', 'shutdown', 'dispose', 'stop']);

function isInlineElement(raceCall: TSESTree.CallExpression, node: TSESTree.Node): boolean {
  return node.range[0] >= raceCall.range[0] && node.range[1] <= raceCall.range[1];
}
