import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '../util/ast';
import {
  getEnclosingFunction,
  getEnclosingLoop,
  getMethodName,
  getReceiver,
  isFunctionNode,
  someNode,
  unwrap,
  walk,
  type LoopNode,
} from '../util/ast';
import { getMapperFunction, isBoundedCollection, isConstantNumber, isReleaseWork, usesLimiter } from '../util/concurrency';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { isGlobal, resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    suggestedLimit?: number;
    limiterNames?: string[];
  },
];
export type MessageId = 'unboundedMap' | 'unboundedForEach' | 'unboundedLoop' | 'useMapConcurrent';

const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'any']);

export default createRule<Options, MessageId>({
  name: 'no-unbounded-concurrency',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow starting one async operation per item of a collection of unknown size all at once',
      recommended: 'warn',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          suggestedLimit: {
            type: 'integer',
            minimum: 1,
            description: 'The concurrency limit the `mapConcurrent` suggestion writes in.',
          },
          limiterNames: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Your own concurrency limiters (`withDbSlot`, `pool.runTask`): a mapper or loop that calls one of these names is bounded.',
          },
        },
      },
    ],
    messages: {
      unboundedMap:
        '`Promise.{{combinator}}({{collection}}.map(…))` starts one operation per item at once, so a large `{{collection}}` opens that many sockets, queries or file handles together and exhausts pools and rate limits. Bound it with `mapConcurrent()` from cancel-safe or a limiter such as p-limit.',
      unboundedForEach:
        '`{{collection}}.forEach(async …)` starts one operation per item at once and waits for none of them, so a large collection floods the resource and every rejection is unhandled. Use `await mapConcurrent()` from cancel-safe or a `for…of` loop with `await`.',
      unboundedLoop:
        'This loop starts a promise per item without awaiting and `Promise.{{combinator}}({{array}})` runs them all at once, so the number in flight grows with the input. Bound it with `mapConcurrent()` from cancel-safe or await a limiter in the loop.',
      useMapConcurrent: 'Use `mapConcurrent()` from cancel-safe with a limit of {{limit}}.',
    },
  },
  defaultOptions: [{ suggestedLimit: 8, limiterNames: [] }],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    const services = getTypeServices(context);
    const limit = options.suggestedLimit ?? 8;
    const limiterNames = new Set(options.limiterNames ?? []);
    const combinatorCalls = new WeakMap<TSESTree.Node, { name: string; combinator: string; start: number }[]>();

    return {
      // Only calls of these method names can be a combinator, a forEach or a push.
      'CallExpression[callee.type="MemberExpression"][callee.property.name=/^(?:all|allSettled|any|forEach|push)$/]'(node: TSESTree.CallExpression) {
        const combinator = getCombinator(node);
        if (combinator) {
          checkCombinator(node, combinator);
          return;
        }
        if (getMethodName(node) === 'forEach') checkForEach(node);
        else if (getMethodName(node) === 'push') checkLoopPush(node);
      },
    };

    /** `Promise.all`/`allSettled`/`any` (not a shadowed `Promise`) → the method name. */
    function getCombinator(call: TSESTree.CallExpression): string | undefined {
      const method = getMethodName(call);
      if (method === undefined || !PROMISE_COMBINATORS.has(method)) return undefined;
      return isGlobal(resolveOrigin(sourceCode, call.callee), 'Promise', method) ? method : undefined;
    }

    function checkCombinator(call: TSESTree.CallExpression, combinator: string): void {
      const argument = call.arguments[0];
      if (!argument || argument.type === AST_NODE_TYPES.SpreadElement) return;
      const mapCall = unwrap(argument);
      if (mapCall.type !== AST_NODE_TYPES.CallExpression || getMethodName(mapCall) !== 'map') return;
      const collection = getReceiver(mapCall);
      const mapper = mapCall.arguments[0];
      if (!collection || !mapper || mapper.type === AST_NODE_TYPES.SpreadElement) return;
      if (isBounded(collection) || !startsWork(mapper)) return;
      const mapperFunction = getMapperFunction(sourceCode, mapper);
      if (mapperFunction && (usesLimiter(sourceCode, mapperFunction, limiterNames) || isReleaseWork(sourceCode, mapperFunction))) return;

      const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
      // Only `all` has mapConcurrent's semantics (results in order, first rejection rejects).
      if (combinator === 'all' && mapCall.arguments.length === 1) {
        suggest.push(mapConcurrentSuggestion(call, collection, mapper, ''));
      }
      context.report({
        node: call,
        messageId: 'unboundedMap',
        data: { combinator, collection: shortText(collection) },
        suggest,
      });
    }

    function checkForEach(call: TSESTree.CallExpression): void {
      const collection = getReceiver(call);
      const callback = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
      if (!collection || !callback || !isFunctionNode(callback) || !callback.async) return;
      if (isBounded(collection) || usesLimiter(sourceCode, callback, limiterNames) || isReleaseWork(sourceCode, callback)) return;
      const statement = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
      const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
      if (
        statement?.type === AST_NODE_TYPES.ExpressionStatement &&
        call.arguments.length === 1 &&
        getEnclosingFunction(call)?.async === true
      ) {
        suggest.push(mapConcurrentSuggestion(call, collection, callback, 'await '));
      }
      context.report({ node: call, messageId: 'unboundedForEach', data: { collection: shortText(collection) }, suggest });
    }

    /** `for (const x of xs) promises.push(work(x));` … `await Promise.all(promises)`. */
    function checkLoopPush(call: TSESTree.CallExpression): void {
      const array = getReceiver(call);
      const pushed = call.arguments[0];
      if (!array || call.arguments.length !== 1 || !pushed || pushed.type === AST_NODE_TYPES.SpreadElement) return;
      const arrayNode = unwrap(array);
      if (arrayNode.type !== AST_NODE_TYPES.Identifier || !isStartedPromise(pushed)) return;
      const loop = getEnclosingLoop(call);
      if (!loop || isBoundedLoop(loop) || loopAwaits(loop) || usesLimiter(sourceCode, pushed, limiterNames)) return;
      if (isReleaseWork(sourceCode, pushed)) return;
      const fn = getEnclosingFunction(call);
      const body = fn ? fn.body : sourceCode.ast;
      const combinator = findCombinatorOver(body, arrayNode.name, loop);
      if (!combinator) return;
      if (checksLength(loop, arrayNode.name)) return;
      context.report({ node: call, messageId: 'unboundedLoop', data: { combinator, array: arrayNode.name } });
    }

    /** `for (const x of [a, b])`, `for (let i = 0; i < 3; i++)`, `i < N` with `const N = 10`, `i < end` with a batch-sized end. */
    function isBoundedLoop(loop: LoopNode): boolean {
      if (loop.type === AST_NODE_TYPES.ForOfStatement || loop.type === AST_NODE_TYPES.ForInStatement) {
        return isBoundedCollection(sourceCode, loop.right);
      }
      if (loop.type === AST_NODE_TYPES.ForStatement && loop.test?.type === AST_NODE_TYPES.BinaryExpression) {
        return isConstantNumber(sourceCode, loop.test.right);
      }
      return false;
    }

    function isBounded(collection: TSESTree.Node): boolean {
      if (isBoundedCollection(sourceCode, collection)) return true;
      if (!services) return false;
      // With types, a tuple has a length fixed at compile time.
      const checker = services.program.getTypeChecker();
      const type = services.getTypeAtLocation(collection);
      return checker.isTupleType(type);
    }

    /** A mapper that starts work: async, returns a call, or (with types) returns a promise. */
    function startsWork(mapper: TSESTree.Node): boolean {
      const fn = getMapperFunction(sourceCode, mapper);
      if (services) {
        const checker = services.program.getTypeChecker();
        const type = services.getTypeAtLocation(mapper);
        if (!(type.flags & (1 | 2))) {
          const signatures = type.getCallSignatures();
          if (signatures.length > 0) {
            return signatures.some((signature) => {
              const returned = checker.getReturnTypeOfSignature(signature);
              if (returned.flags & (1 | 2)) return fn === undefined || functionStartsWork(fn);
              const parts = returned.isUnion() ? returned.types : [returned];
              return parts.some((part) => checker.getPropertyOfType(checker.getApparentType(part), 'then') !== undefined);
            });
          }
        }
      }
      if (fn) return functionStartsWork(fn);
      // A function we cannot see, handed to `.map` inside `Promise.all`: it makes the promises.
      const node = unwrap(mapper);
      return node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression;
    }

    function functionStartsWork(fn: TSESTree.Node): boolean {
      if (!isFunctionNode(fn)) return false;
      if (fn.async) return true;
      if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return isStartedPromise(fn.body);
      let returnsWork = false;
      walk(fn.body, sourceCode.visitorKeys, (child) => {
        if (returnsWork) return false;
        if (child !== fn.body && isFunctionNode(child)) return false;
        if (child.type === AST_NODE_TYPES.ReturnStatement && child.argument && isStartedPromise(child.argument)) returnsWork = true;
        return !returnsWork;
      });
      return returnsWork;
    }

    /** A call, `new Promise(...)` or async IIFE: an expression that starts work right now. */
    function isStartedPromise(expression: TSESTree.Node): boolean {
      const node = unwrap(expression);
      if (node.type === AST_NODE_TYPES.CallExpression) {
        const method = getMethodName(node);
        // `.then/.catch/.finally` chains start nothing themselves; look at what they chain on.
        if ((method === 'then' || method === 'catch' || method === 'finally') && node.callee.type === AST_NODE_TYPES.MemberExpression) {
          return isStartedPromise(node.callee.object);
        }
        if (method === 'resolve' || method === 'reject') return false;
        return true;
      }
      return node.type === AST_NODE_TYPES.NewExpression && isGlobal(resolveOrigin(sourceCode, node.callee), 'Promise');
    }

    function mapConcurrentSuggestion(
      replaced: TSESTree.CallExpression,
      collection: TSESTree.Node,
      mapper: TSESTree.Node,
      prefix: string,
    ): TSESLint.SuggestionReportDescriptor<MessageId> {
      return {
        messageId: 'useMapConcurrent',
        data: { limit: String(limit) },
        fix(fixer) {
          const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['mapConcurrent']);
          const text = `${prefix}${runtime.names['mapConcurrent']}(${sourceCode.getText(collection)}, ${limit}, ${mapperText(mapper)})`;
          return [...runtime.fixes, fixer.replaceText(replaced, text)];
        },
      };
    }

    /**
     * `mapConcurrent` calls its callback with `(item, index, signal)` where `map` passes
     * `(item, index, array)`: an inline function that takes at most two parameters is reused as is,
     * anything else is wrapped so it still receives exactly `(item, index)`.
     */
    function mapperText(mapper: TSESTree.Node): string {
      const node = unwrap(mapper);
      if (isFunctionNode(node) && node.params.length <= 2) return sourceCode.getText(mapper);
      const callee = node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(mapper) : `(${sourceCode.getText(mapper)})`;
      return `(item, index) => ${callee}(item, index)`;
    }

    /** Whether `loop` (not nested functions) awaits: a loop that awaits is already paced. */
    function loopAwaits(loop: LoopNode): boolean {
      return someNode(loop.body, sourceCode.visitorKeys, (child) => child.type === AST_NODE_TYPES.AwaitExpression, { enterFunctions: false });
    }

    /** `if (promises.length >= n) await Promise.race(promises)`-style pacing inside the loop. */
    function checksLength(loop: LoopNode, name: string): boolean {
      let found = false;
      walk(loop.body, sourceCode.visitorKeys, (child) => {
        if (found) return false;
        if (
          child.type === AST_NODE_TYPES.MemberExpression &&
          child.object.type === AST_NODE_TYPES.Identifier &&
          child.object.name === name &&
          !child.computed &&
          child.property.type === AST_NODE_TYPES.Identifier &&
          child.property.name === 'length'
        ) {
          found = true;
        }
        return !found;
      });
      return found;
    }

    /**
     * A `Promise.all/allSettled/any(name)` after `loop` in `body` → the combinator name. The
     * combinator calls of each function body are gathered once and reused for every push in it.
     */
    function findCombinatorOver(body: TSESTree.Node, name: string, loop: LoopNode): string | undefined {
      let calls = combinatorCalls.get(body);
      if (!calls) {
        const found: { name: string; combinator: string; start: number }[] = [];
        walk(body, sourceCode.visitorKeys, (child) => {
          if (child !== body && isFunctionNode(child)) return false;
          if (child.type !== AST_NODE_TYPES.CallExpression) return true;
          const argument = child.arguments[0] ? unwrap(child.arguments[0]) : undefined;
          if (argument?.type !== AST_NODE_TYPES.Identifier) return true;
          const combinator = getCombinator(child);
          if (combinator) found.push({ name: argument.name, combinator, start: child.range[0] });
          return true;
        });
        calls = found;
        combinatorCalls.set(body, calls);
      }
      return calls.find((call) => call.name === name && call.start >= loop.range[1])?.combinator;
    }

    function shortText(node: TSESTree.Node): string {
      const text = sourceCode.getText(unwrap(node)).replace(/\s+/g, ' ');
      return text.length > 40 ? `${text.slice(0, 37)}...` : text;
    }
  },
});


